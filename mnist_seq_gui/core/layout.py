"""Width arithmetic: which widths n digits can use, and a recipe made concrete for lengths.

Two placements:

fill: the original. The digits and their gaps span the whole width exactly. Under the
      uniform rule every gap is (W - 28n) / (n - 1), which must be a whole number in
      the spacing range; under the random rule each gap is a whole number in the range
      and the gaps sum to W - 28n. A single digit has no gaps: its only width is 28.
free: each gap is drawn in the spacing range on its own (uniform rule: one gap for the
      whole sequence) and the sequence sits anywhere in the width, which must hold the
      widest sequence: 28n + (n - 1) max_spacing. One canvas then holds many lengths.

`resolve(recipe, lengths)` turns a recipe's `width=None` and `placement="auto"` into
the width and placement it draws with (auto: fill when the width lets every length fill
it, else free when it holds the longest), or refuses in words that say what would work.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

from .errors import SpacingError
from .idx import DIGIT_SIZE
from .recipe import MAX_WIDTH, Recipe


def valid_widths(n: int, lo: int, hi: int, rule: str) -> range:
    """Every width up to MAX_WIDTH that n digits can fill under the rule, ascending."""
    if n <= 1:
        return range(DIGIT_SIZE, DIGIT_SIZE + 1)
    first = DIGIT_SIZE * n + (n - 1) * lo
    last = min(DIGIT_SIZE * n + (n - 1) * hi, MAX_WIDTH)
    return range(first, last + 1, n - 1 if rule == "uniform" else 1)


def nearest_valid_widths(width: int, widths: Sequence[int]) -> list[int]:
    """The valid widths next to `width`: itself if valid, else its neighbours below and above."""
    pos = bisect.bisect_left(widths, width)
    if pos < len(widths) and widths[pos] == width:
        return [width]
    return [widths[i] for i in (pos - 1, pos) if 0 <= i < len(widths)]


def free_width(n: int, max_spacing: int) -> int:
    """The narrowest width that holds n freely placed digits: their widest span."""
    return DIGIT_SIZE * n + max(n - 1, 0) * max_spacing


def _digits(n: int) -> str:
    return f"{n} digit" if n == 1 else f"{n} digits"


def _refuse(width: int | None, reason: str, suggestion: str, offers: Sequence[int]) -> SpacingError:
    return SpacingError(
        field="width", value=width, reason=reason, suggestion=suggestion, offers=tuple(offers)
    )


def fill_error(n: int, width: int, lo: int, hi: int, rule: str) -> SpacingError | None:
    """Why n digits cannot fill `width` under the rule (the original's strict rule and its
    helpful refusal), or None."""
    widths = valid_widths(n, lo, hi, rule)
    if width in widths:
        return None
    if not widths:
        need = DIGIT_SIZE * n + (n - 1) * lo
        return SpacingError(
            field="spacing",
            reason=f"{_digits(n)} with spacing >= {lo} need {need:,} px, above the "
            f"{MAX_WIDTH:,} px limit",
            suggestion="use fewer digits or less spacing",
        )
    near = nearest_valid_widths(width, widths)
    offer = " or ".join(map(str, near))
    what = f"{_digits(n)} with spacing {lo}..{hi}"
    if n == 1:
        reason = f"does not fit a single digit, which is {DIGIT_SIZE} px wide"
        fix = f"use width {DIGIT_SIZE}"
    elif width < widths[0]:
        reason = f"is too small for {what}: they need at least {widths[0]} px"
        fix = f"use width {offer}"
    elif width > widths[-1]:
        reason = f"is too wide for {what}: at most {widths[-1]} px"
        fix = f"use width {offer} or allow more spacing"
    else:
        reason = (
            f"has no uniform spacing for {_digits(n)} in {lo}..{hi} "
            f"({width - DIGIT_SIZE * n} px over {n - 1} gaps is not whole)"
        )
        fix = f"nearest valid widths: {offer}, or use the random rule"
    return _refuse(width, reason, fix, near)


def common_widths(lengths: range, lo: int, hi: int, rule: str) -> list[int]:
    """Widths every length in `lengths` can fill, ascending (an intersection of ranges)."""
    ranges = [valid_widths(n, lo, hi, rule) for n in lengths]
    if any(len(r) == 0 for r in ranges):
        return []
    first, last = max(r[0] for r in ranges), min(r[-1] for r in ranges)
    shortest = min(ranges, key=len)
    return [w for w in shortest if first <= w <= last and all(w in r for r in ranges)]


def _fill(recipe: Recipe, lengths: range) -> int:
    """The width the lengths fill (the recipe's, or the narrowest), else SpacingError."""
    lo, hi = recipe.spacing
    width, rule = recipe.width, recipe.rule
    if len(lengths) == 1:
        n = lengths[0]
        if width is None:
            widths = valid_widths(n, lo, hi, rule)
            if widths:
                return widths[0]
        problem = fill_error(n, width or 0, lo, hi, rule)
        if problem is not None:
            raise problem
        assert width is not None  # fill_error refuses 0
        return width
    common = common_widths(lengths, lo, hi, rule)
    if width is None and common:
        return common[0]
    if width is not None:
        failing = [n for n in lengths if width not in valid_widths(n, lo, hi, rule)]
        if not failing:
            return width
        reason = f"has no {rule} layout for length(s) {', '.join(map(str, failing))}"
    else:
        reason = f"no single width fits every length {lengths[0]}..{lengths[-1]}"
    near = nearest_valid_widths(width or 0, common) if common else []
    if near:
        fix = "use width " + " or ".join(map(str, near))
    elif rule == "uniform" and _fills(width, common_widths(lengths, lo, hi, "random")):
        fix = "use the random rule, whose gaps need not be equal"
    elif lengths[0] > 1:
        fix = ("use the random rule and " if rule == "uniform" else "") + _max_spacing_fix(
            width, lengths, lo
        )
    else:
        fix = f"a single digit fits only width {DIGIT_SIZE}; use lengths of 2 or more"
    raise _refuse(width, f"{reason} with spacing {lo}..{hi}", fix, near)


def _fills(width: int | None, common: list[int]) -> bool:
    return bool(common) if width is None else width in common


def _max_spacing_fix(width: int | None, lengths: range, lo: int) -> str:
    """The random rule's way out: the max spacing that lets every length fill the width."""
    longest = lengths[-1]
    narrowest = DIGIT_SIZE * longest + (longest - 1) * lo
    if width is not None and width < narrowest:
        return (
            f"{longest} digits need width {narrowest} or more; use a wider width or fewer lengths"
        )
    target = narrowest if width is None else width
    need = max(-(-(target - DIGIT_SIZE * n) // (n - 1)) for n in lengths if n > 1)
    return f"allow max spacing {need} or more, or fewer lengths"


def _free(recipe: Recipe, lengths: range) -> int:
    """The width that holds the longest sequence freely placed, else SpacingError."""
    longest, hi = lengths[-1], recipe.spacing[1]
    need = free_width(longest, hi)
    what = f"{_digits(longest)} with gaps up to {hi} may span {need:,} px"
    if need > MAX_WIDTH:
        raise SpacingError(
            field="spacing",
            reason=f"{what}, above the {MAX_WIDTH:,} px limit",
            suggestion="use fewer digits or less spacing",
        )
    if recipe.width is None:
        return need
    if recipe.width < need:
        raise _refuse(
            recipe.width,
            f"cannot hold freely placed digits: {what}",
            f"use width {need} or more",
            (need,),
        )
    return recipe.width


@functools.lru_cache(maxsize=1024)
def resolve(recipe: Recipe, lengths: range) -> Recipe:
    """`recipe` with the width and placement it draws items of `lengths` with (see the
    module docstring); SpacingError, with what would work, if there are none."""
    if not lengths or lengths[0] < 1:
        raise SpacingError("there are no digits to place; give at least one digit")
    if recipe.placement == "free":
        return recipe.replace(width=_free(recipe, lengths))
    try:
        return recipe.replace(width=_fill(recipe, lengths), placement="fill")
    except SpacingError:
        if recipe.placement == "fill":
            raise
        try:
            return recipe.replace(width=_free(recipe, lengths), placement="free")
        except SpacingError:
            pass
        raise
