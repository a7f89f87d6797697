"""The rules that tie recipe fields together when the user edits one (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import DIGIT_CHARS, DIGIT_SIZE, nearest_valid_widths
from .recipe import DEFAULT, FIELDS, STYLE_FIELDS, VARIATION_FIELDS, Recipe, param, width_range


@dataclass(frozen=True)
class Edit:
    """The outcome of one user edit: the new recipe, the width the user asked for, notes."""

    recipe: Recipe
    wanted_width: int
    notes: tuple[str, ...] = ()


def _describe_removed(chars: list[str]) -> str:
    names = []
    for ch in dict.fromkeys(chars):
        names.append("spaces" if ch == " " else "tabs" if ch == "\t" else repr(ch))
    return ", ".join(names)


def clean_sequence(text: str) -> tuple[str, tuple[str, ...]]:
    """Keep only the digits 0-9; a note says what went."""
    cleaned = "".join(ch for ch in text if ch in DIGIT_CHARS)
    if cleaned == text:
        return text, ()
    removed = [ch for ch in text if ch not in DIGIT_CHARS]
    return cleaned, (
        f"Sequence: removed {_describe_removed(removed)}: the sequence takes only digits 0-9",
    )


def _nearest(width: int, widths: range) -> int:
    near = nearest_valid_widths(width, widths)
    return min(near, key=lambda w: (abs(w - width), w))


def _follow_length(recipe: Recipe, previous_n: int, wanted: int) -> int:
    """The width for a new number of digits: the previous gap kept, then made valid."""
    widths = width_range(recipe)
    n = len(recipe.sequence)
    if widths is None or n <= 1:
        return widths[0] if widths else wanted
    lo, hi = recipe.min_spacing, recipe.max_spacing
    if previous_n > 1:
        gap = round((wanted - DIGIT_SIZE * previous_n) / (previous_n - 1))
    else:
        gap = round((lo + hi) / 2)
    return _nearest(DIGIT_SIZE * n + min(max(gap, lo), hi) * (n - 1), widths)


def edit(recipe: Recipe, wanted_width: int, name: str, value: Any) -> Edit:
    """Apply one edit with the rules that tie fields together.

    - sequence: cleaned to digits; a new length keeps the gap (the width follows);
      fixed MNIST indices belong to the old digits and go.
    - min/max spacing: the other one follows if they would cross; the width returns
      to the nearest valid width to the one the user asked for (so a narrow range on
      the way does not lose it).
    - rule: the width is kept inside the rule's range, not snapped (the problem bar
      explains a width the uniform rule cannot use).
    - width: taken as typed; an impossible width is explained, never reverted.
    - seed, pool: new draws, so fixed indices go.
    - a range (jitter, slant, ...): the other end follows if they would cross.
    """
    notes: list[str] = []
    if name not in FIELDS:
        raise KeyError(f"the recipe has no field {name!r}")
    if name == "sequence":
        text, notes_ = clean_sequence(str(value))
        notes.extend(notes_)
        previous_n = len(recipe.sequence)
        if text == recipe.sequence:
            return Edit(recipe, wanted_width, tuple(notes))
        new = recipe.replace(sequence=text, indices=None)
        if text and len(text) != previous_n:
            wanted_width = _follow_length(new, previous_n, wanted_width)
            new = new.replace(width=wanted_width)
        return Edit(new, wanted_width, tuple(notes))
    if name in ("min_spacing", "max_spacing"):
        value = int(value)
        lo, hi = recipe.min_spacing, recipe.max_spacing
        if name == "min_spacing":
            lo = value
            if lo > hi:
                hi = lo
                notes.append(f"Max spacing raised to {lo} px: min spacing cannot be above max")
        else:
            hi = value
            if hi < lo:
                lo = hi
                notes.append(f"Min spacing lowered to {hi} px: min spacing cannot be above max")
        new = recipe.replace(min_spacing=lo, max_spacing=hi)
        widths = width_range(new)
        if widths is not None:
            new = new.replace(width=_nearest(wanted_width, widths))
        return Edit(new, wanted_width, tuple(notes))
    if name == "rule":
        new = recipe.replace(rule=str(value))
        widths = width_range(new)
        width = wanted_width
        if widths is not None:
            width = min(max(wanted_width, widths[0]), widths[-1])
        return Edit(new.replace(width=width), wanted_width, ())
    if name == "width":
        return Edit(recipe.replace(width=int(value)), int(value), ())
    if name == "seed":
        return Edit(recipe.replace(seed=int(value), indices=None), wanted_width, ())
    if name == "pool":
        return Edit(recipe.replace(pool=str(value), indices=None), wanted_width, ())
    p = param(name)
    if p is not None and p.kind == "range":
        if name in STYLE_FIELDS:  # degrees come from whole-number spin boxes
            value = (float(value[0]), float(value[1]))
        pair, note = _follow_range(name, shown_range(recipe, name), value)
        return Edit(recipe.replace(**{name: pair}), wanted_width, note)
    return Edit(recipe.replace(**{name: value}), wanted_width, ())


def shown_range(recipe: Recipe, name: str) -> tuple[float, float]:
    """A range field as its two spin boxes show it (no jitter: every digit centred)."""
    value = getattr(recipe, name)
    if value is None:  # jitter_y: centred rows, the same pixels as that one-row range
        centre = (recipe.height - DIGIT_SIZE) // 2
        return centre, centre
    return value


def _follow_range(name: str, old: tuple[float, float], new: Any) -> tuple[Any, tuple[str, ...]]:
    """(low, high) with the end the user did not move following the one they did."""
    lo, hi = new
    if lo <= hi:
        return (lo, hi), ()
    label = param(name).label.replace("&", "")  # type: ignore[union-attr]
    if lo != old[0]:  # the low end moved up past the high end
        return (lo, lo), (f"{label}: the top end raised to {lo:g} to stay above the bottom",)
    return (hi, hi), (f"{label}: the bottom end lowered to {hi:g} to stay below the top",)


def without_variation(recipe: Recipe) -> Recipe:
    """The recipe with every variation field back at none (pool and spacing kept)."""
    return recipe.replace(**{name: getattr(DEFAULT, name) for name in VARIATION_FIELDS})


def settle(recipe: Recipe) -> Recipe:
    """A restored width the rule cannot use snaps to the nearest one that it can."""
    widths = width_range(recipe)
    if widths is None or recipe.width in widths:
        return recipe
    return recipe.replace(width=_nearest(recipe.width, widths))
