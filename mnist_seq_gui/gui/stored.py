"""Recipes to and from stored values (settings, a file's text), checked field by field.

A damaged or absurd value never raises: it becomes a note ("settings: width
2147483648 is outside 28..100,000; using 124") and the field keeps its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core import MAX_SEED, MAX_WIDTH, RULES
from .recipe import DEFAULT, DIGIT_CHARS, DIGIT_SIZE, FIELDS, Recipe, param

# Ranges of fields that have no Param (no slider) but are checked when restored.
LIMITS: dict[str, tuple[int, int]] = {
    "width": (DIGIT_SIZE, MAX_WIDTH),
    "seed": (0, MAX_SEED),
    "item": (0, MAX_SEED),
}


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("not a whole number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or len(text) > 40:  # also keeps int() away from huge strings
        raise ValueError("not a whole number")
    return int(text, 10)


def _flag(value: Any) -> bool:
    if value in (True, "true", "True", "1", 1):
        return True
    if value in (False, "false", "False", "0", 0):
        return False
    raise ValueError("not true or false")


def _coerce(name: str, value: Any) -> Any:
    """One stored value as the field's type and range; ValueError with the reason."""
    if name == "sequence":
        text = str(value)
        if not text or set(text) - DIGIT_CHARS:
            raise ValueError("not a sequence of digits 0-9")
        return text
    if name == "rule":
        if value not in RULES:
            raise ValueError(f"not one of {', '.join(RULES)}")
        return str(value)
    if name == "white_on_black":
        return _flag(value)
    if name == "source":
        return None if value in (None, "") else str(value)
    if name == "indices":
        if value in (None, ""):
            return None
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(_whole(i) for i in items)
    p = param(name)
    low, high = LIMITS.get(name) or (p.low, p.high)  # type: ignore[union-attr]
    number = _whole(value) if isinstance(FIELDS[name].default, int) else float(value)
    if not low <= number <= high:
        raise ValueError(f"outside {low:,}..{high:,}")
    return number


def from_mapping(
    values: Mapping[str, Any], base: Recipe = DEFAULT, what: str = "settings"
) -> tuple[Recipe, tuple[str, ...]]:
    """A recipe from stored values (settings, a file's text); bad values keep `base`'s.

    Unknown keys are ignored. Each bad value gives a note such as
    "settings: width 2147483648 is outside 28..100,000; using 124".
    """
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for name in FIELDS:
        if name not in values:
            continue
        raw = values[name]
        try:
            changes[name] = _coerce(name, raw)
        except (TypeError, ValueError, OverflowError) as exc:
            shown = repr(raw) if len(repr(raw)) <= 40 else repr(raw)[:37] + "..."
            notes.append(f"{what}: {name} {shown} is {exc}; using {getattr(base, name)!r}")
    recipe = base.replace(**changes)
    if recipe.min_spacing > recipe.max_spacing:
        notes.append(f"{what}: min spacing was above max spacing; using {base.min_spacing}")
        recipe = recipe.replace(min_spacing=min(base.min_spacing, recipe.max_spacing))
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
        else:
            out[name] = value
    return out
