"""Styling many digits at once: bilinear sampling maps shared by digits of one style.

A sampling map tells, for each of the 784 pixels of an output cell, where in the
source digit its four bilinear taps are and how much each weighs, in 1/256 (the
sample position is rounded to 1/16 px). Digits are sorted by style; every digit of a
style reuses that style's map, so the per-pixel work is one shared-index gather and
three integer operations over a whole group, with no Python loop per digit:

- each source pixel is packed with its right, lower and lower-right neighbours into one
  uint64, 16 bits apart (a + b << 16 + c << 32 + d << 48); the four weights are packed
  the other way round (w_d + w_c << 16 + w_b << 32 + w_a << 48). Their product holds
  a * w_a + b * w_b + c * w_c + d * w_d in bits 48..63, and no lane can carry into the
  next because the weights of a pixel sum to 256 and 255 * 256 < 65536. Adding
  128 << 48 leaves the rounded bilinear value in the top byte.
- taps outside the source weigh 0, so any in-bounds index will do for them; gathers
  use mode="clip".

Small groups use one map per digit. Maps are kept per style grid (up to _MAX_MAPS).
"""

from __future__ import annotations

import functools
import math
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .draws import style_grid
from .idx import DIGIT_SIZE
from .recipe import FIELDS, GEOMETRY_FIELDS, STYLE_FIELDS, Variation

CELL = DIGIT_SIZE
PIXELS = CELL * CELL
_SUB = 16  # sample positions are rounded to 1/16 px; weights then sum to 16 * 16 = 256
_SUB_BITS = 4  # _SUB == 1 << _SUB_BITS
_ROUND = np.uint64(128 << 48)
_TOP = np.uint64(56)
# The uint16 lanes of a uint64 from its lowest to its highest 16 bits.
_LANES = (0, 1, 2, 3) if sys.byteorder == "little" else (3, 2, 1, 0)
# Packed taps per digit: taps of pixel k (k = y * 28 + x, from x = -1, y = -1) at
# 29 + k; with zero rows around, every tap index is in bounds.
_TAPS = CELL + PIXELS + 1 + CELL
_BLOCK = 256  # digits per step: the step's buffers (about 3.5 MB) stay in L2 and L3
_SMALL_GROUP = 24  # groups smaller than this use per-digit maps instead
_MAX_MAPS = 4096  # 12.5 kB each: at most about 50 MB of maps per style grid
_KEYS_PER_LOOKUP = 1024
_MAPS_PER_STEP = 64  # maps made per step: few enough that their temporaries stay in cache


@dataclass(frozen=True, eq=False)
class StyleGrid:
    """The values each style parameter of a variation is drawn from, and what a digit's
    place on those grids means: its geometry (one sampling map per combination of slant,
    rotation, scale and aspect) and its stroke thickness."""

    ranges: tuple[tuple[float, float], ...]  # the style fields' ranges, in STYLE_FIELDS order
    values: dict[str, np.ndarray]

    @property
    def changes_geometry(self) -> bool:
        return any(
            len(self.values[name]) > 1 or self.values[name][0] != FIELDS[name].default[0]
            for name in GEOMETRY_FIELDS
        )

    def geometry_keys(self, codes: dict[str, np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
        """One number per distinct slant/rotation/scale/aspect combination."""
        key = np.zeros(shape, dtype=np.int64)
        for name in GEOMETRY_FIELDS:
            key = key * len(self.values[name]) + codes.get(name, 0)
        return key

    def thickness_levels(
        self, codes: dict[str, np.ndarray], shape: tuple[int, ...]
    ) -> np.ndarray | None:
        """Thickness in quarter steps (-4..4), or None where it is 0 everywhere."""
        grid = self.values["thickness"]
        if len(grid) == 1 and grid[0] == 0:
            return None
        code = codes.get("thickness")
        values = np.full(shape, grid[0]) if code is None else grid[code]
        return np.rint(values * 4).astype(np.int64)

    def inverse_matrices(self, keys: np.ndarray) -> np.ndarray:
        """(U, 2, 2) maps from output to source offsets (x, y) about the cell centre.

        The forward map is rotation @ shear @ scale; trigonometry is done by Python's
        math module on the small grids, so every platform gets the same numbers.
        """
        rest = np.asarray(keys, dtype=np.int64).copy()
        codes = {}
        for name in reversed(GEOMETRY_FIELDS):
            size = len(self.values[name])
            codes[name] = rest % size
            rest //= size
        slant, rotation = self.values["slant"], self.values["rotation"]
        t = np.array([math.tan(math.radians(d)) for d in slant])[codes["slant"]]
        c = np.array([math.cos(math.radians(d)) for d in rotation])[codes["rotation"]]
        s = np.array([math.sin(math.radians(d)) for d in rotation])[codes["rotation"]]
        sy = self.values["scale"][codes["scale"]]
        sx = sy * self.values["aspect"][codes["aspect"]]
        inverse = np.empty((len(t), 2, 2))
        inverse[:, 0, 0] = (c + t * s) / sx
        inverse[:, 0, 1] = (t * c - s) / sx
        inverse[:, 1, 0] = s / sy
        inverse[:, 1, 1] = c / sy
        return inverse


@functools.lru_cache(maxsize=8)
def _grid(ranges: tuple[tuple[float, float], ...]) -> StyleGrid:
    values = {
        name: style_grid(lo, hi, FIELDS[name].step) for name, (lo, hi) in zip(STYLE_FIELDS, ranges)
    }
    return StyleGrid(ranges, values)


def style_grid_of(variation: Variation) -> StyleGrid:
    """The style grid of a variation (kept: a stream of batches builds it once)."""
    return _grid(tuple(getattr(variation, name) for name in STYLE_FIELDS))


def sampling_maps(inverse: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(U, 2, 2) inverse matrices -> (index, weights), each (U, 784).

    index (intp): where the packed taps of each output pixel are in the packed source;
    weights (uint64): their packed weights.
    """
    centre = (CELL - 1) / 2
    offsets = np.arange(CELL) - centre
    inv = inverse[:, :, :, None, None]
    ox, oy = offsets[None, None, :], offsets[None, :, None]
    xs = inv[:, 0, 0] * ox + inv[:, 0, 1] * oy + centre
    ys = inv[:, 1, 0] * ox + inv[:, 1, 1] * oy + centre
    sx = np.floor(xs * _SUB + 0.5).astype(np.int64)
    sy = np.floor(ys * _SUB + 0.5).astype(np.int64)
    # Whole and sixteenth parts: shifts and masks give floor division and a remainder
    # in 0..15 for negative positions too, at a fraction of the cost of // and %.
    x0, fx = sx >> _SUB_BITS, sx & (_SUB - 1)
    y0, fy = sy >> _SUB_BITS, sy & (_SUB - 1)
    left = ((x0 >= 0) & (x0 < CELL)) * (_SUB - fx)
    right = ((x0 >= -1) & (x0 < CELL - 1)) * fx
    top = ((y0 >= 0) & (y0 < CELL)) * (_SUB - fy)
    bottom = ((y0 >= -1) & (y0 < CELL - 1)) * fy
    upper = (top * right) + ((top * left) << 16)
    lower = (bottom * right) + ((bottom * left) << 16)
    index = np.where((upper | lower) != 0, CELL + 1 + y0 * CELL + x0, 0)
    weights = (upper.astype(np.uint64) << np.uint64(32)) | lower.astype(np.uint64)
    return index.reshape(-1, PIXELS).astype(np.intp), weights.reshape(-1, PIXELS)


class _MapCache:
    """Sampling maps of one style grid, made on first use.

    Rows once filled are never changed (a reset starts new arrays), so blocks may read
    their rows while other threads add maps.
    """

    def __init__(self, grid: StyleGrid) -> None:
        self.grid = grid
        self.lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[int, int] = {}
        # Room for every map, never grown (a copy would stall a draw): untouched pages cost nothing.
        self.tables = tuple(np.empty((_MAX_MAPS, PIXELS), t) for t in (np.intp, np.uint64))

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Rows of `keys` (at most _KEYS_PER_LOOKUP distinct) and the tables they index."""
        with self.lock:
            wanted = list(dict.fromkeys(keys.tolist()))
            missing = [k for k in wanted if k not in self.rows]
            if len(self.rows) + len(missing) > _MAX_MAPS:
                self._reset()
                missing = wanted
            if missing:
                start = len(self.rows)
                for first in range(0, len(missing), _MAPS_PER_STEP):
                    keys_part = np.asarray(missing[first : first + _MAPS_PER_STEP])
                    made = sampling_maps(self.grid.inverse_matrices(keys_part))
                    at = start + first
                    for table, values in zip(self.tables, made):
                        table[at : at + len(keys_part)] = values
                self.rows.update((k, start + i) for i, k in enumerate(missing))
            rows = np.fromiter((self.rows[k] for k in keys.tolist()), np.int64, len(keys))
            return rows, self.tables


@functools.lru_cache(maxsize=2)  # the style drawn now and the one before
def _cache_for(geometry: tuple[tuple[float, float], ...]) -> _MapCache:
    return _MapCache(_grid((*geometry, (0.0, 0.0))))


def map_cache(grid: StyleGrid) -> _MapCache:
    return _cache_for(grid.ranges[: len(GEOMETRY_FIELDS)])


def prepare_maps(variation: Variation, stop: Callable[[], bool] | None = None) -> bool:
    """Make the sampling maps of `variation`'s style grid not made yet, _MAPS_PER_STEP at
    a time (a few ms), asking `stop()` between steps; True once all are made (or none is
    needed), False if stopped or if the grid holds more than _MAX_MAPS of them. For idle
    time in interactive tools: the first draws of a new style would otherwise make hundreds.
    """
    grid = style_grid_of(variation)
    if not grid.changes_geometry:
        return True
    size = math.prod(len(grid.values[name]) for name in GEOMETRY_FIELDS)
    if size > _MAX_MAPS:
        return False
    cache = map_cache(grid)
    for first in range(0, size, _MAPS_PER_STEP):
        if len(cache.rows) >= size:
            return True
        if stop is not None and stop():
            return False
        cache.lookup(np.arange(first, min(first + _MAPS_PER_STEP, size), dtype=np.int64))
    return True


def restroke(glyphs: np.ndarray, levels: np.ndarray) -> None:
    """Thicken (level > 0) or thin (level < 0) (G, 784) uint8 ink in place, in quarter steps.

    Level k blends the digit with its grey dilation (or erosion) by a 3 x 3 cross:
    ((4 - |k|) * digit + |k| * morphed + 2) // 4. Outside the cell is background. Thinning
    stops where a digit would keep less than half of its darkest value (strokes too thin
    to lose a pixel's width): level -4 or -3 becomes the deepest that keeps it; -2 always does.
    """
    cells = glyphs.reshape(-1, CELL, CELL)
    grow, shrink = levels > 0, levels < 0
    morphed = cells.copy()
    for mask, combine in ((grow, np.maximum), (shrink, np.minimum)):
        if not mask.any():
            continue
        src = cells[mask]
        out = src.copy()
        combine(out[:, 1:], src[:, :-1], out=out[:, 1:])
        combine(out[:, :-1], src[:, 1:], out=out[:, :-1])
        combine(out[:, :, 1:], src[:, :, :-1], out=out[:, :, 1:])
        combine(out[:, :, :-1], src[:, :, 1:], out=out[:, :, :-1])
        if combine is np.minimum:
            out[:, (0, -1), :] = 0
            out[:, :, (0, -1)] = 0
            levels = _thinning_limited(src, out, levels, mask)
        morphed[mask] = out
    weight = np.abs(levels).astype(np.uint16)[:, None, None]
    mixed = cells * (4 - weight) + morphed * weight + 2
    np.right_shift(mixed, 2, out=mixed)
    cells[...] = mixed


def _thinning_limited(
    src: np.ndarray, eroded: np.ndarray, levels: np.ndarray, thinned: np.ndarray
) -> np.ndarray:
    """`levels` with each thinned digit's level raised to the deepest that keeps half of its
    darkest value (src, eroded: the thinned digits before and after erosion)."""
    if not (levels[thinned] <= -3).any():
        return levels
    peak = src.reshape(len(src), -1).max(axis=1).astype(np.int32)
    deepest = np.full(len(src), -2)
    for k in (3, 4):
        kept = (((4 - k) * src.astype(np.uint16) + k * eroded + 2) >> 2).reshape(len(src), -1)
        deepest[kept.max(axis=1) >= (peak + 1) // 2] = -k
    levels = levels.copy()
    levels[thinned] = np.maximum(levels[thinned], deepest)
    return levels


@dataclass(frozen=True, eq=False)
class Block:
    """Up to _BLOCK digits styled in one step: positions `members` of the digit list,
    with one shared map row (`shared`) or one map row per digit (`rows`) of `tables`."""

    members: np.ndarray
    shared: int | None = None
    rows: np.ndarray | None = None
    tables: tuple = ()


def plan(keys: np.ndarray | None, grid: StyleGrid, count: int) -> Iterator[Block]:
    """Cut `count` digits with geometry `keys` (None: unchanged) into blocks.

    Maps are looked up (and made) as the blocks are taken, a bounded number at a time.
    """
    if keys is None or not grid.changes_geometry:
        for s in range(0, count, _BLOCK):
            yield Block(np.arange(s, min(s + _BLOCK, count)))
        return
    cache = map_cache(grid)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [count]))
    big = (stops - starts) >= _SMALL_GROUP
    big_starts, big_stops = starts[big], stops[big]
    for first in range(0, len(big_starts), _KEYS_PER_LOOKUP):
        part = slice(first, first + _KEYS_PER_LOOKUP)
        rows, tables = cache.lookup(ordered[big_starts[part]])
        for row, a, z in zip(rows.tolist(), big_starts[part].tolist(), big_stops[part].tolist()):
            for s in range(a, z, _BLOCK):
                yield Block(order[s : min(s + _BLOCK, z)], shared=row, tables=tables)
    rest = order[np.repeat(~big, stops - starts)]
    for first in range(0, len(rest), _KEYS_PER_LOOKUP):
        chunk = rest[first : first + _KEYS_PER_LOOKUP]
        rows, tables = cache.lookup(keys[chunk])
        for s in range(0, len(chunk), _BLOCK):
            yield Block(chunk[s : s + _BLOCK], rows=rows[s : s + _BLOCK], tables=tables)


class Stylist:
    """Styles blocks of digits with buffers of its own (one per thread)."""

    def __init__(
        self,
        table: np.ndarray,
        sources: np.ndarray,
        levels: np.ndarray | None,
        floors: np.ndarray,
    ) -> None:
        """table: (N, 784) uint8 digits; sources: the table row of each digit to style;
        levels: their thickness levels or None; floors: (N,) the darkest value each digit
        of the table must keep at least (half its own)."""
        self.table, self.sources, self.levels = table, sources, levels
        self.floors = floors
        size = max(1, min(_BLOCK, len(sources)))  # a single image needs small buffers
        self.glyphs = np.empty((size, PIXELS), np.uint8)
        self.taps = np.zeros((size, _TAPS), np.uint64)
        self.acc = np.empty((size, PIXELS), np.uint64)
        self.index = np.empty((size, PIXELS), np.intp)
        self.weight = np.empty((size, PIXELS), np.uint64)
        self.cells = np.empty((size, PIXELS), np.uint8)
        self.row_offsets = (np.arange(size, dtype=np.intp) * _TAPS)[:, None]

    def style(self, block: Block) -> np.ndarray:
        """(G, 28, 28) uint8 ink of the block's digits, valid until the next call. A digit
        that sampling leaves below its floor (thin strokes missed at a small scale) is
        sampled again from strokes one dilation thicker, up to three times (more while it
        has no ink), then brightened up to its floor."""
        cells = self._style(block, 0)
        floors = self.floors[self.sources[block.members]]
        peaks = cells.reshape(len(cells), -1).max(axis=1)
        if (peaks >= floors).all():
            return cells
        cells = cells.copy()
        for thicker in range(1, CELL + 1):
            redo = np.flatnonzero((peaks < floors) & ((peaks == 0) | (thicker <= 3)))
            if redo.size:
                rows = None if block.rows is None else block.rows[redo]
                cells[redo] = self._style(
                    Block(block.members[redo], block.shared, rows, block.tables), thicker
                )
                peaks[redo] = cells[redo].reshape(len(redo), -1).max(axis=1)
        low = np.flatnonzero(peaks < floors)
        top, peak = floors[low, None, None].astype(np.uint32), peaks[low, None, None]
        cells[low] = np.minimum((cells[low] * top + peak // 2) // peak, 255)
        return cells

    def _style(self, block: Block, thicker: int) -> np.ndarray:
        """style() without its floor, strokes thickened by `thicker` extra dilation steps."""
        g = len(block.members)
        glyphs = self.glyphs[:g]
        np.take(self.table, self.sources[block.members], axis=0, out=glyphs, mode="clip")
        if self.levels is not None:
            levels = self.levels[block.members]
            if levels.any():
                restroke(glyphs, levels)
        for _ in range(thicker):
            restroke(glyphs, np.full(g, 4))
        if block.shared is None and block.rows is None:
            return glyphs.reshape(-1, CELL, CELL)
        taps, acc = self.taps[:g], self.acc[:g]
        _pack(glyphs, taps)
        index, weights = block.tables
        if block.shared is not None:
            np.take(taps, index[block.shared], axis=1, out=acc, mode="clip")
            np.multiply(acc, weights[block.shared], out=acc)
        else:
            where, weight = self.index[:g], self.weight[:g]
            np.add(index[block.rows], self.row_offsets[:g], out=where)
            np.take(taps.reshape(-1), where, out=acc, mode="clip")
            np.multiply(acc, weights.take(block.rows, axis=0, out=weight), out=acc)
        np.add(acc, _ROUND, out=acc)
        cells = self.cells[:g]
        np.right_shift(acc, _TOP, out=cells, casting="unsafe")
        return cells.reshape(-1, CELL, CELL)


def _pack(glyphs: np.ndarray, taps: np.ndarray) -> None:
    """taps[:, 29 + k] = pixels k, k + 1, k + 28, k + 29 in 16-bit lanes (outside: 0)."""
    lanes = taps.view(np.uint16).reshape(len(taps), _TAPS, 4)
    a, b, c, d = _LANES
    lanes[:, CELL + 1 : CELL + PIXELS + 1, a] = glyphs
    lanes[:, CELL : CELL + PIXELS, b] = glyphs
    lanes[:, 1 : PIXELS + 1, c] = glyphs
    lanes[:, :PIXELS, d] = glyphs
