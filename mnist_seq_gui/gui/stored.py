"""Recipes to and from stored values (settings, a file's text), checked field by field.

A damaged or absurd value never raises: it becomes a note ("settings: width
2,147,483,648 is out of range; use 28..100,000; using 124") and the field keeps its
default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import (
    DIGIT_CHARS,
    DIGIT_SIZE,
    MAX_SEED,
    MAX_WIDTH,
    RULES,
    DigitStyle,
    InputError,
    MnistSeqError,
    check_pool,
    whole_number,
)
from .recipe import DEFAULT, FIELDS, STYLE_FIELDS, Recipe, in_gui_words, param

# Ranges of fields that have no Param (no slider) but are checked when restored.
LIMITS: dict[str, tuple[int, int]] = {
    "width": (DIGIT_SIZE, MAX_WIDTH),
    "seed": (0, MAX_SEED),
    "item": (0, MAX_SEED),
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kept(name: str, value: Any) -> str:
    """A field's value as the note "...; using X" names it."""
    p = param(name)
    if p is None or p.kind != "range":
        return _shown(value)
    return "none (centred)" if value is None else f"{value[0]:g}..{value[1]:g}"


def _whole(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """Stored text or an int -> an int in [low, high] (the core's one whole-number check)."""
    if isinstance(value, str):
        text = value.strip()
        # The length cap keeps int() away from enormous strings.
        if not text or len(text) > 40 or not text.lstrip("-").isdigit():
            raise InputError(f"{name} {_shown(value)} is not a whole number")
        value = int(text, 10)
    return whole_number(name, value, low, high)


def _flag(name: str, value: Any) -> bool:
    if value in (True, "true", "True", "1", 1):
        return True
    if value in (False, "false", "False", "0", 0):
        return False
    raise InputError(f"{name} {_shown(value)} is not true or false")


def _number(label: str, value: Any) -> float:
    if isinstance(value, str) and len(value) > 40:  # float() of a huge text is slow
        raise InputError(f"{label} {_shown(value)} is not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{label} {_shown(value)} is not a number") from None


def _range(name: str, value: Any) -> tuple[Any, ...] | None:
    """A stored range ("lo,hi" or a pair) checked by the core; None: jitter centred."""
    if name == "jitter_y" and value in (None, ""):
        return None
    parts = value.split(",") if isinstance(value, str) else value
    try:
        parts = list(parts)
    except TypeError:
        parts = []
    if len(parts) != 2:
        raise InputError(f"{in_gui_words(name)} {_shown(value)} is not a range of two numbers")
    if name == "jitter_y":
        lo, hi = (_whole("vertical jitter", v, 0) for v in parts)
        if lo > hi:
            raise InputError(f"vertical jitter {lo}..{hi} is reversed")
        return lo, hi
    pair = (_number(name, parts[0]), _number(name, parts[1]))
    return getattr(DigitStyle(**{name: pair}), name)  # the core's own check


def _coerce(name: str, value: Any) -> Any:
    """One stored value as the field's type and range; MnistSeqError saying what is wrong."""
    label = name.replace("_", " ")
    if name == "pool":
        return check_pool(value if isinstance(value, str) else _shown(value))
    if name == "sequence":
        text = str(value)
        if not text or not set(text) <= set(DIGIT_CHARS):
            raise InputError(f"sequence {_shown(value)} is not a sequence of digits 0-9")
        return text
    if name == "rule":
        if value not in RULES:
            raise InputError(f"rule {_shown(value)} is not one of {', '.join(RULES)}")
        return str(value)
    if name == "white_on_black":
        return _flag(label, value)
    if name == "source":
        return None if value in (None, "") else str(value)
    if name == "indices":
        if value in (None, ""):
            return None
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(_whole("MNIST index", i, 0) for i in items)
    p = param(name)
    if p is not None and p.kind == "range":
        return _range(name, value)
    low, high = LIMITS.get(name) or (p.low, p.high)  # type: ignore[union-attr]
    if isinstance(FIELDS[name].default, int):
        return _whole(label, value, int(low), int(high))
    number = _number(label, value)
    if not low <= number <= high:  # also refuses NaN
        raise InputError(f"{label} {number:g} is out of range; use {low:g}..{high:g}")
    return number


def from_mapping(
    values: Mapping[str, Any], base: Recipe = DEFAULT, what: str = "settings"
) -> tuple[Recipe, tuple[str, ...]]:
    """A recipe from stored values (settings, a file's text); bad values keep `base`'s.

    Unknown keys are ignored. Each bad value gives a note such as
    "settings: width 2,147,483,648 is out of range; use 28..100,000; using 124".
    """
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for name in FIELDS:
        if name not in values:
            continue
        raw = values[name]
        try:
            changes[name] = _coerce(name, raw)
        except MnistSeqError as exc:
            kept = _kept(name, getattr(base, name))
            notes.append(f"{what}: {in_gui_words(str(exc))}; using {kept}")
    recipe = base.replace(**changes)
    if recipe.min_spacing > recipe.max_spacing:
        notes.append(f"{what}: min spacing was above max spacing; using {base.min_spacing}")
        recipe = recipe.replace(min_spacing=min(base.min_spacing, recipe.max_spacing))
    try:
        recipe.variation()
    except MnistSeqError as exc:  # fields fine alone, not together (jitter beyond the height)
        notes.append(f"{what}: {in_gui_words(str(exc))}; using no vertical jitter")
        recipe = recipe.replace(jitter_y=None)
    return recipe, tuple(notes)


def to_mapping(recipe: Recipe) -> dict[str, str | int | bool]:
    """The recipe as plain values for settings (64-bit numbers as text)."""
    out: dict[str, str | int | bool] = {}
    for name in FIELDS:
        value = getattr(recipe, name)
        if name in ("seed", "item"):
            out[name] = str(value)
        elif name == "indices":
            out[name] = "" if value is None else ",".join(map(str, value))
        elif name == "source":
            out[name] = value or ""
        elif name in ("jitter_y", *STYLE_FIELDS):
            out[name] = "" if value is None else ",".join(f"{v!r}" for v in value)
        elif isinstance(value, float):
            out[name] = repr(value)
        else:
            out[name] = value
    return out
