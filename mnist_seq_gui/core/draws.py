"""Counter-based draws: every random number is a pure function of (seed, item, stream, slot).

Item i of a batch or data set gets the same draws whatever the batch, its order, thread
or process. The mixer is SplitMix64's finaliser, applied to the seed, the stream, the
item and the slot. Each draw below is written once, in arithmetic that works the same on
Python ints (one item: `keyed` returns a list) and on numpy arrays (a batch: `keyed`
returns an (N, count) array): the one-image path calls the very functions a batch does.

Each kind of draw has a stream of its own (below), so that adding one never shifts another.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
from fractions import Fraction
from typing import Any

import numpy as np

MAX_SEED = 2**63 - 1
MAX_ITEM = 2**64 - 1  # item numbers are uint64
_M = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_SLOT = 0xD1B54A32D192ED03
_C1, _C2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB

INDEX, GAPS, GAP_ORDER, DIGITS, LENGTH = 1, 2, 3, 4, 5
STYLE_STREAMS = {"slant": 6, "rotation": 7, "scale": 8, "aspect": 9, "thickness": 10}
JITTER_Y, NOISE, FREE_GAPS, FREE_X = 11, 12, 13, 14
LABEL = 15  # which string of a label list an item takes
FINISH = 20  # per image: its noise level (slot 0) and its blur (slot 1)
REDRAW = 1 << 20  # streams REDRAW + k: the k-th redraw of digits that fail a hold-out
_MAX_REDRAWS = 4096
AFTER_ANY_DRAW = 1 << 32  # sorts after every draw (slots past a row's length)

_STEPS = [(slot * _SLOT) & _M for slot in range(1, 1025)]
_STEPS_ARRAY = np.array(_STEPS, dtype=np.uint64)


def mix(x: Any) -> Any:
    """SplitMix64's finaliser, on a Python int or a uint64 array (which wraps by itself)."""
    x = (x ^ (x >> 30)) * _C1 & _M
    x = (x ^ (x >> 27)) * _C2 & _M
    return x ^ (x >> 31)


@functools.lru_cache(maxsize=4096)  # a data set asks for the same seed's keys per item
def stream_key(seed: int, stream: int) -> int:
    return int(mix((mix(seed) ^ (stream * _GOLDEN)) & _M))


def keyed(
    seed: int, items: Any, stream: int, count: int, dtype: Any = np.int64, first: int = 0
) -> Any:
    """`count` uint32 draws per item of `stream`, slots `first`.. on: for an int item, a
    list of ints; for an array of items, an (N, count) array. Slot j does not depend on
    `count` or `first`, so a long run of slots can be drawn in parts."""
    base = mix((items * _GOLDEN & _M) ^ stream_key(seed, stream))
    if isinstance(base, int):
        fits = first + count <= len(_STEPS)
        steps: Any = _STEPS[first : first + count] if fits else _steps(first, count)
        return [mix((base + step) & _M) >> 32 for step in steps]
    if first + count <= len(_STEPS):
        steps = _STEPS_ARRAY[first : first + count]
    else:  # noise: a draw per pixel
        steps = np.arange(first + 1, first + count + 1, dtype=np.uint64) * _SLOT
    return (mix((base[:, None] + steps) & _M) >> 32).astype(dtype)


def _steps(first: int, count: int) -> list[int]:
    return [(slot * _SLOT) & _M for slot in range(first + 1, first + count + 1)]


def below(draws: Any, high: Any) -> Any:
    """uint32 draws -> whole numbers in [0, high), by a multiply and a shift."""
    return (draws * high) >> 32


def pick(order: Any, starts: Any, counts: Any, digits: Any, draws: Any) -> Any:
    """The MNIST image of each digit: one of the bank's images of it, chosen by a draw.
    order/starts/counts: the bank's label index (arrays, or lists for one item)."""
    return order[starts[digits] + below(draws, counts[digits])]


def sequences(
    seed: int,
    items: Any,
    lengths: range,
    weights: tuple[float, ...] | None = None,
    labels: tuple[np.ndarray, np.ndarray] | None = None,
    in_order: bool = False,
    hold_out: tuple[float, bool, int] | None = None,
) -> tuple[Any, Any]:
    """The length and the digits of data-set items: (n, digits) of an int item, or
    ((N,) lengths, (N, max length) digits) of an array. An item's digits do not depend on
    the longest length (slots past its own are drawn and left out).

    `weights` (one per length, None: even) weigh the LENGTH draw; even weights draw
    exactly the lengths no weights do. `labels` is a label list as a (K, max length)
    table of digits and its (K,) lengths: each item takes the row `label_rows` gives.
    `hold_out` (fraction, held, key): random digits are drawn again (streams REDRAW + k)
    until `is_held` says of the string what `held` asks (a list is filtered beforehand).
    """
    if labels is not None:
        table, counts = labels
        rows = label_rows(seed, items, len(counts), in_order)
        if isinstance(items, int):
            n = int(counts[rows])
            return n, tuple(table[rows, :n].tolist())
        return counts[rows].astype(np.int64), table[rows].astype(np.int64)
    low, span = lengths[0], len(lengths)
    if isinstance(items, int):
        u = 0 if span == 1 else keyed(seed, items, LENGTH, 1)[0]
        n = low + (below(u, span) if weights is None else bisect.bisect_right(cuts(weights), u))
        digits = [below(u, 10) for u in keyed(seed, items, DIGITS, n)]
        for k in range(0 if hold_out is None else _MAX_REDRAWS):
            fraction, held, key = hold_out  # type: ignore[misc]
            if is_held(key, fraction, digits) == held:
                break
            digits = [below(u, 10) for u in keyed(seed, items, REDRAW + k, n)]
        return n, tuple(digits)
    if span == 1:
        counts = np.full(len(items), low, dtype=np.int64)
    else:
        u = keyed(seed, items, LENGTH, 1)[:, 0]
        drawn = below(u, span) if weights is None else np.searchsorted(cuts(weights), u, "right")
        counts = low + drawn
    digits = below(keyed(seed, items, DIGITS, lengths[-1]), 10)
    for k in range(_MAX_REDRAWS if hold_out else 0):
        fraction, held, key = hold_out  # type: ignore[misc]
        redo = np.flatnonzero(is_held(key, fraction, digits, counts) != held)
        if not redo.size:
            break
        digits[redo] = below(keyed(seed, items[redo], REDRAW + k, lengths[-1]), 10)
    return counts, digits


def is_held(key: int, fraction: float, digits: Any, lengths: Any = None) -> Any:
    """Whether label strings are held out: a hash of each string (its digits, as many as
    its length; a list for one, rows of an array for many) below `fraction` of 2^64."""
    limit = int(fraction * 2**64)
    if isinstance(digits, list):
        h = key
        for d in digits:
            h = mix((h ^ (d + 1)) * _GOLDEN & _M)
        return h < limit
    hashes = np.full(len(digits), key, dtype=np.uint64)
    for j in range(digits.shape[1]):
        code = digits[:, j].astype(np.uint64) + np.uint64(1)
        hashes = np.where(j < lengths, mix((hashes ^ code) * np.uint64(_GOLDEN)), hashes)
    return hashes < np.uint64(min(limit, _M))


@functools.lru_cache(maxsize=64)
def cuts(weights: tuple[float, ...]) -> tuple[int, ...]:
    """Where the LENGTH draw (a uint32) passes from one length to the next under `weights`.
    Exact fractions: even weights cut where `below(u, span)` does, and a zero weight's
    length lies between two equal cuts, so it is never drawn."""
    parts = [Fraction(w) for w in weights]
    total, running, out = sum(parts), Fraction(0), []
    for part in parts[:-1]:
        running += part
        out.append(math.ceil(running * 2**32 / total))
    return tuple(out)


def label_rows(seed: int, items: Any, count: int, in_order: bool) -> Any:
    """Which of `count` label strings each item (int or array) takes: i mod count, or drawn."""
    if in_order:
        return items % count
    draws = keyed(seed, items, LABEL, 1)
    return below(draws[0] if isinstance(items, int) else draws[:, 0], count)


def random_gaps(slack: Any, n_gaps: Any, cap: int, sizes: Any, orders: Any, low: int) -> Any:
    """Gaps in [low, low + cap] summing to `slack` + n_gaps * low, per item: each in turn
    drawn from what keeps the rest feasible, then put in the order of the order draws so
    that no position is favoured. One item: ints and lists; a batch: (N,) slacks and
    gap counts and (N, k) draws (a row uses its first n_gaps; the rest are 0)."""
    columns = sizes if isinstance(sizes, list) else sizes.T
    gaps = []
    for j, draw in enumerate(columns):
        least = slack - (n_gaps - 1 - j) * cap  # what the gaps after this one cannot take
        least = least * (least > 0)
        most = slack + (cap - slack) * (slack > cap)
        gap = (least + below(draw, most - least + 1)) * (j < n_gaps)
        gaps.append(gap)
        slack = slack - gap
    if isinstance(sizes, list):
        return [gaps[j] + low for j in sorted(range(len(gaps)), key=orders.__getitem__)]
    if not gaps:
        return np.zeros((len(sizes), 0), dtype=np.int64)
    active = np.arange(len(gaps)) < np.reshape(n_gaps, (-1, 1))
    order = np.argsort(np.where(active, orders, AFTER_ANY_DRAW), axis=1, kind="stable")
    placed = np.take_along_axis(np.stack(gaps, axis=1), order, axis=1) + low
    return np.where(active, placed, 0)


def left_edges(gaps: np.ndarray) -> np.ndarray:
    """(N, n-1) gaps -> (N, n) left edges of the digits' cells."""
    edges = np.zeros((len(gaps), gaps.shape[1] + 1), dtype=np.int64)
    np.cumsum(gaps + 28, axis=1, out=edges[:, 1:])
    return edges


def free_gaps(
    seed: int, items: np.ndarray, n: int, spacing: tuple[int, int], rule: str
) -> np.ndarray:
    """(N, n-1) gaps of freely placed sequences, each drawn in the spacing range on its own
    (uniform rule: one gap for the whole sequence)."""
    low, span = spacing[0], spacing[1] - spacing[0] + 1
    if n <= 1:
        return np.zeros((len(items), 0), dtype=np.int64)
    if rule == "uniform":
        one = below(keyed(seed, items, FREE_GAPS, 1), span)
        return np.repeat(one, n - 1, axis=1) + low
    return below(keyed(seed, items, FREE_GAPS, n - 1), span) + low


def free_left(seed: int, items: np.ndarray, room: np.ndarray) -> np.ndarray:
    """(N,) left edge of each freely placed sequence: 0..room px from the left."""
    return below(keyed(seed, items, FREE_X, 1)[:, 0], room + 1)


def y_offsets(seed: int, items: np.ndarray, n: int, y_range: tuple[int, int]) -> np.ndarray:
    """(N, n) top of each digit's cell, in y_range (lo..hi)."""
    lo, hi = y_range
    if lo == hi:
        return np.full((len(items), n), lo, dtype=np.int64)
    return lo + below(keyed(seed, items, JITTER_Y, n), hi - lo + 1)


def style_grid(lo: float, hi: float, step: float) -> np.ndarray:
    """lo, hi and evenly spaced values between them, at most `step` apart: a style
    parameter's values. Every one is equally likely; digits that share values share a
    sampling map (core/warp.py)."""
    steps = math.ceil((hi - lo) / step - 1e-9) if hi > lo else 0
    if steps == 0:
        return np.array([lo])
    return lo + (hi - lo) * np.arange(steps + 1) / steps


def style_codes(
    seed: int, items: np.ndarray, n: int, grids: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """(N, n) position on its grid of each digit's value, per style parameter that varies."""
    return {
        name: below(keyed(seed, items, STYLE_STREAMS[name], n), len(grid))
        for name, grid in grids.items()
        if len(grid) > 1
    }


def image_values(seed: int, items: np.ndarray, slot: int, grid: np.ndarray) -> np.ndarray:
    """(N,) one value of `grid` per image (slot 0: noise level, 1: blur), all equally likely."""
    if len(grid) == 1:
        return np.full(len(items), grid[0])
    return grid[below(keyed(seed, items, FINISH, 2)[:, slot], len(grid))]


def noise_draws(seed: int, items: np.ndarray, pixels: int, first: int = 0) -> np.ndarray:
    """(N, pixels) uint32 draws for each image's noise, pixels `first`.. on (row-major)."""
    return keyed(seed, items, NOISE, pixels, dtype=np.uint32, first=first)


def new_seed(rng: np.random.Generator | None = None) -> int:
    """A fresh seed in 0..MAX_SEED: from `rng` when given (repeatable runs), else the OS."""
    if rng is None:
        return int.from_bytes(os.urandom(8), "little") & MAX_SEED  # 63 random bits
    return int(rng.integers(0, MAX_SEED, endpoint=True))


def new_seeds(rng: np.random.Generator, count: int) -> list[int]:
    """`count` fresh seeds from `rng`: the same values, in order, as `count` new_seed(rng)."""
    return rng.integers(0, MAX_SEED, endpoint=True, size=count).tolist()
