"""Gap rules: how n digits of 28 px fill a width W.

uniform: the original strict rule. Every gap is (W - 28n) / (n - 1), which must be
         a whole number inside [min_spacing, max_spacing].
random:  each gap is an integer in [min_spacing, max_spacing] and the gaps sum to
         exactly W - 28n; valid iff (n-1)*min <= W - 28n <= (n-1)*max.

A gap may be negative down to MIN_SPACING (-14, half a digit): neighbours then
overlap and their strokes are combined (see core/canvas.py). A digit never overlaps
the one after its neighbour. A single digit has no gaps, so under either rule its only
valid width is 28.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Literal

import numpy as np

from .checks import whole_number
from .errors import SpacingError
from .idx import DIGIT_SIZE

Rule = Literal["uniform", "random"]
RULES: tuple[str, ...] = ("uniform", "random")
MAX_WIDTH = 100_000
MIN_SPACING = -DIGIT_SIZE // 2  # overlap of neighbours by up to half a digit


def _check_int(name: str, value: object) -> int:
    return whole_number(name, value, error=SpacingError)


def check_spacing_range(min_spacing: int, max_spacing: int) -> tuple[int, int]:
    """Both whole, at least MIN_SPACING, min <= max; returns them as ints."""
    lo = _check_int("min spacing", min_spacing)
    hi = _check_int("max spacing", max_spacing)
    if lo < MIN_SPACING or hi < MIN_SPACING:
        raise SpacingError(
            f"spacing {lo}..{hi} is below the overlap limit; use spacings of {MIN_SPACING} px "
            f"or more (a negative gap overlaps neighbours, by at most half a digit)"
        )
    if lo > hi:
        raise SpacingError(f"min spacing {lo} is above max spacing {hi}; swap them ({hi}..{lo})")
    if hi > MAX_WIDTH:
        raise SpacingError(f"max spacing {hi} is above the {MAX_WIDTH:,} px width limit")
    return lo, hi


def check_rule(rule: object) -> str:
    if not isinstance(rule, str) or rule not in RULES:
        raise SpacingError(f"spacing rule {rule!r} is unknown; use one of: {', '.join(RULES)}")
    return rule


def valid_widths(n: int, min_spacing: int, max_spacing: int, rule: str = "uniform") -> range:
    """Every width (up to MAX_WIDTH) that n digits can fill under the rule, ascending."""
    check_rule(rule)
    lo, hi = check_spacing_range(min_spacing, max_spacing)
    if n <= 1:
        return range(DIGIT_SIZE, DIGIT_SIZE + 1)
    first = DIGIT_SIZE * n + (n - 1) * lo
    last = min(DIGIT_SIZE * n + (n - 1) * hi, MAX_WIDTH)
    step = n - 1 if rule == "uniform" else 1
    return range(first, last + 1, step)


def nearest_valid_widths(width: int, widths: Sequence[int]) -> list[int]:
    """The valid widths next to `width`: itself if valid, else its neighbours below and above."""
    pos = bisect.bisect_left(widths, width)
    if pos < len(widths) and widths[pos] == width:
        return [width]
    return [widths[i] for i in (pos - 1, pos) if 0 <= i < len(widths)]


def _describe(n: int) -> str:
    return f"{n} digit" if n == 1 else f"{n} digits"


def check_width(
    n: int, width: int, min_spacing: int, max_spacing: int, rule: str = "uniform"
) -> None:
    """Raise SpacingError, naming the nearest valid widths, unless the layout exists."""
    width = _check_int("width", width)
    if n < 1:
        raise SpacingError("there are no digits to place")
    if width > MAX_WIDTH:
        raise SpacingError(f"width {width:,} is above the {MAX_WIDTH:,} px limit")
    widths = valid_widths(n, min_spacing, max_spacing, rule)
    if width in widths:
        return
    if not widths:
        need = DIGIT_SIZE * n + (n - 1) * min_spacing
        raise SpacingError(
            f"{_describe(n)} with spacing >= {min_spacing} need {need:,} px, "
            f"above the {MAX_WIDTH:,} px limit; use fewer digits or less spacing"
        )
    nearest = " or ".join(str(w) for w in nearest_valid_widths(width, widths))
    what = f"{_describe(n)} with spacing {min_spacing}..{max_spacing}"
    if n == 1:
        raise SpacingError(
            f"width {width} does not fit a single digit, which is {DIGIT_SIZE} px wide; "
            f"use width {DIGIT_SIZE}"
        )
    if width < widths[0]:
        raise SpacingError(
            f"width {width} is too small for {what}: "
            f"they need at least {widths[0]} px; use width {nearest}"
        )
    if width > widths[-1]:
        raise SpacingError(
            f"width {width} is too wide for {what}: "
            f"at most {widths[-1]} px; use width {nearest} or allow more spacing"
        )
    raise SpacingError(
        f"width {width} has no uniform spacing for {_describe(n)} in {min_spacing}..{max_spacing} "
        f"({width - DIGIT_SIZE * n} px over {n - 1} gaps is not whole); "
        f"nearest valid widths: {nearest}, or use the random rule"
    )


def uniform_gap(n: int, width: int, min_spacing: int, max_spacing: int) -> int:
    """The single gap of the strict rule; SpacingError if there is none."""
    check_width(n, width, min_spacing, max_spacing, "uniform")
    return 0 if n <= 1 else (width - DIGIT_SIZE * n) // (n - 1)


def random_gaps(
    total: np.ndarray,
    n_gaps: int,
    min_spacing: int,
    max_spacing: int,
    size_draws: np.ndarray,
    order_draws: np.ndarray,
) -> np.ndarray:
    """(N, n_gaps) integer gaps in [min, max] whose rows sum to `total` (shape (N,)).

    Each gap in turn is drawn uniformly from the values that still leave the rest
    feasible; the gaps are then shuffled so that no position is favoured. The draws
    are uint32 arrays of shape (N, n_gaps). The caller has checked feasibility.
    """
    total = np.asarray(total, dtype=np.int64).reshape(-1)
    cap = max_spacing - min_spacing
    slack = total - n_gaps * min_spacing
    gaps = np.empty((len(total), n_gaps), dtype=np.int64)
    for j in range(n_gaps):
        left_after = n_gaps - j - 1
        lo = np.maximum(0, slack - left_after * cap)
        hi = np.minimum(cap, slack)
        span = (hi - lo + 1).astype(np.uint64)
        pick = (size_draws[:, j].astype(np.uint64) * span) >> np.uint64(32)
        gaps[:, j] = lo + pick.astype(np.int64)
        slack -= gaps[:, j]
    order = np.argsort(order_draws, axis=1, kind="stable")
    return np.take_along_axis(gaps, order, axis=1) + min_spacing


def widths_for_lengths(lengths: range, min_spacing: int, max_spacing: int, rule: str) -> list[int]:
    """Widths valid for every length in `lengths`, ascending (an intersection of ranges)."""
    ranges = [valid_widths(n, min_spacing, max_spacing, rule) for n in lengths]
    if any(len(r) == 0 for r in ranges):
        return []
    first = max(r[0] for r in ranges)
    last = min(r[-1] for r in ranges)
    shortest = min(ranges, key=len)
    return [w for w in shortest if first <= w <= last and all(w in r for r in ranges)]


def lengths_layout_problem(
    width: int | None, lengths: range, min_spacing: int, max_spacing: int, rule: str
) -> str | None:
    """One line naming the lengths that `width` cannot hold, or None if all fit.

    `width=None` asks whether any single width fits every length.
    """
    lo, hi = min_spacing, max_spacing
    common = widths_for_lengths(lengths, lo, hi, rule)
    if width is not None:
        failing = [n for n in lengths if width not in valid_widths(n, lo, hi, rule)]
        if not failing:
            return None
        listed = ", ".join(str(n) for n in failing)
        what = f"width {width} has no {rule} layout for length(s) {listed}"
    elif common:
        return None
    else:
        what = f"no single width fits every length {lengths[0]}..{lengths[-1]}"
    if common:
        fix = "use width " + " or ".join(str(w) for w in nearest_valid_widths(width or 0, common))
    elif rule == "uniform":
        fix = "use the random rule, whose gaps need not be equal"
    elif lengths[0] > 1:
        fix = _max_spacing_fix(width, lengths, lo)
    else:
        fix = "a single digit fits only width 28; use lengths of 2 or more"
    return f"{what} with spacing {lo}..{hi}; {fix}"


def _max_spacing_fix(width: int | None, lengths: range, min_spacing: int) -> str:
    """The random rule's way out: the max spacing that lets every length fill the width."""
    longest = lengths[-1]
    narrowest = DIGIT_SIZE * longest + (longest - 1) * min_spacing
    if width is not None and width < narrowest:
        return (
            f"{longest} digits need width {narrowest} or more; use a wider width or fewer lengths"
        )
    # Without a width, the shortest item must stretch to the width the longest needs.
    target = narrowest if width is None else width
    need = max(-(-(target - DIGIT_SIZE * n) // (n - 1)) for n in lengths if n > 1)
    return f"allow max spacing {need} or more, or fewer lengths"
