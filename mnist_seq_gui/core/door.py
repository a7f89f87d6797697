"""The door: `compose_batch(bank, recipe, digits, seed, ...)` is the only way to pixels.

It checks what it is given (the recipe is checked already: a Recipe is valid once made),
makes the recipe concrete for the lengths drawn (core/layout.py), draws everything from
(seed, item) (core/draws.py), renders (core/render.py) and returns a `Batch`: pixels and
the metadata that describes them. `compose(...)` is a batch of one, returned as a
`Composition`. Row r depends only on the recipe, the seed and its item number, so item 0
of a batch equals `compose` with the same seed, and any slice can be made alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .bank import DigitBank
from .checks import (
    as_digits,
    as_recipe,
    digit_rows,
    fixed_indices,
    fixed_rows,
    item_numbers,
    output_array,
    output_dtype,
    row_lengths,
)
from .draws import (
    GAP_ORDER,
    GAPS,
    INDEX,
    MAX_ITEM,
    MAX_SEED,
    free_gaps,
    free_left,
    keyed,
    left_edges,
    pick,
    random_gaps,
    style_codes,
    y_offsets,
)
from .errors import InputError, whole_number
from .idx import DIGIT_SIZE
from .layout import resolve
from .recipe import Recipe
from .render import (
    digit_ink_boxes,
    digit_ink_masks,
    plain_ink_boxes,
    render,
    run_spans,
    to_float,
)
from .warp import style_grid_of

BLOCK = 8192  # items drawn and rendered together on one thread


@dataclass(frozen=True, eq=False)
class Batch:
    """N images of up to n digits with the metadata that describes them. Per-digit arrays
    are (N, n) (gaps (N, n - 1)) and hold -1 past a row's length."""

    recipe: Recipe  # as drawn: width and placement concrete
    pixels: np.ndarray  # (N, H, W) uint8, or float32 in [0, 1]
    digits: np.ndarray
    indices: np.ndarray  # the MNIST image of each digit (positions in the whole bank)
    gaps: np.ndarray
    offsets: np.ndarray  # left edge of each digit's 28 x 28 cell
    y_offsets: np.ndarray  # top edge of each cell
    lengths: np.ndarray  # (N,) digits shown per row
    seed: int
    items: np.ndarray  # (N,) item numbers
    bank: DigitBank = field(repr=False)
    ink: np.ndarray | None = field(default=None, repr=False)  # styled digits' ink boxes
    cell_masks: np.ndarray | None = field(default=None, repr=False)  # compose_batch(masks=True)

    @functools.cached_property
    def boxes(self) -> np.ndarray:
        """(N, n, 4) cells (x0, y0, x1, y1), end-exclusive: pixels[r, y0:y1, x0:x1]."""
        x, y = self.offsets, self.y_offsets
        boxes = np.stack((x, y, x + DIGIT_SIZE, y + DIGIT_SIZE), axis=-1)
        boxes[self.indices < 0] = -1
        return boxes

    @functools.cached_property
    def ink_boxes(self) -> np.ndarray:
        """(N, n, 4) each digit's tight ink box (core/render.py, INK_THRESHOLD)."""
        if self.ink is not None:
            return self.ink
        return plain_ink_boxes(self.bank, self.indices, self.offsets, self.y_offsets)

    def masks(self, rows: slice = slice(None)) -> np.ndarray:
        """(R, n, H, W) bool: each digit's visible ink (render.ink_masks) in the image, for
        `rows` of the batch; its bounds are the digit's ink box. Needs masks=True."""
        if self.cell_masks is None:
            raise ValueError("this batch was made without masks; pass masks=True")
        cells = self.cell_masks[rows]
        x, y = self.offsets[rows], self.y_offsets[rows]
        height, width = self.pixels.shape[1:]
        out = np.zeros((*cells.shape[:2], height, width), dtype=bool)
        r, j = np.nonzero(self.indices[rows] >= 0)
        span = np.arange(DIGIT_SIZE)
        ys = (y[r, j][:, None] + span)[:, :, None]
        xs = (x[r, j][:, None] + span)[:, None, :]
        out[r[:, None, None], j[:, None, None], ys, xs] = cells[r, j]
        return out

    def label_images(self, rows: slice = slice(None)) -> np.ndarray:
        """(R, H, W) each pixel's digit as slot + 1 (0: no digit's ink); where digits'
        ink overlaps, the later digit's. uint8, or uint16 past 255 digits."""
        masks = self.masks(rows)
        n = masks.shape[1]
        slots = np.arange(1, n + 1, dtype=np.uint8 if n < 256 else np.uint16)
        return (masks * slots[None, :, None, None]).max(axis=1, initial=0)


@dataclass(eq=False)  # not frozen: that would cost 5% of an image from the original's API
class Composition:
    """One image and exactly how it was made: row `item` of the seed's batch."""

    recipe: Recipe  # as drawn: width and placement concrete
    digits: tuple[int, ...]
    pixels: np.ndarray  # (H, W)
    indices: tuple[int, ...]  # the MNIST image of each digit
    gaps: tuple[int, ...]
    offsets: tuple[int, ...]  # left edge of each digit's cell
    y_offsets: tuple[int, ...]  # top edge of each cell
    seed: int
    item: int
    bank: DigitBank = field(repr=False)
    ink: tuple[tuple[int, int, int, int], ...] | None = field(default=None, repr=False)

    @property
    def boxes(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each digit's cell (x0, y0, x1, y1), end-exclusive: pixels[y0:y1, x0:x1]."""
        d = DIGIT_SIZE
        return tuple((x, y, x + d, y + d) for x, y in zip(self.offsets, self.y_offsets))

    @property
    def ink_boxes(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each digit's tight ink box (core/render.py, INK_THRESHOLD)."""
        if self.ink is not None:
            return self.ink
        table = self.bank.cached(("ink rows",), lambda: digit_ink_boxes(self.bank).tolist())
        return tuple(
            (x + b[0], y + b[1], x + b[2], y + b[3])
            for b, x, y in zip(map(table.__getitem__, self.indices), self.offsets, self.y_offsets)
        )


def compose(
    bank: DigitBank,
    recipe: Recipe,
    digits: Any,
    seed: int = 0,
    *,
    item: int = 0,
    indices: Iterable[int] | None = None,
    dtype: DTypeLike = "uint8",
) -> Composition:
    """One image: item `item` of `compose_batch` with these digits and seed.

    `digits`: a list-like of integers 0..9 ([3, 5, 0], range(8), "350"). `indices`, if
    given, fixes the MNIST image of each digit (a reroll of one digit keeps the others;
    layout and style stay the item's).
    """
    row = as_digits(digits)
    recipe = as_recipe(recipe)
    if not (type(seed) is int and 0 <= seed <= MAX_SEED):
        seed = whole_number("seed", seed, 0, MAX_SEED)
    if not (type(item) is int and 0 <= item <= MAX_ITEM):
        item = whole_number("item", item, 0, MAX_ITEM)
    fixed = None if indices is None else fixed_indices(bank, recipe, row, indices)
    drawn = resolve(recipe, range(len(row), len(row) + 1))
    if drawn.is_plain and drawn.placement == "fill":
        return _one_plain(bank.pool(drawn.pool), drawn, row, seed, item, fixed, output_dtype(dtype))
    batch = compose_batch(
        bank,
        drawn,
        [row],
        seed,
        items=[item],
        indices=None if fixed is None else [fixed],
        dtype=dtype,
    )
    return Composition(
        batch.recipe,
        row,
        batch.pixels[0],
        tuple(batch.indices[0].tolist()),
        tuple(batch.gaps[0].tolist()),
        tuple(batch.offsets[0].tolist()),
        tuple(batch.y_offsets[0].tolist()),
        seed,
        item,
        batch.bank,
        None if batch.ink is None else tuple(map(tuple, batch.ink[0].tolist())),
    )


def _one_plain(
    pool: DigitBank,
    recipe: Recipe,
    digits: tuple[int, ...],
    seed: int,
    item: int,
    fixed: Sequence[int] | None,
    dtype: np.dtype,
) -> Composition:
    """One plain image (no variation, no overlap, filling the width) on Python ints, with
    the very draws a batch makes: a speed branch, as a batch of one costs over ten times
    as much (the targets of tests/benchmarks/bench_core.py and bench_loader.py need it)."""
    n = len(digits)
    order, starts, counts = pool.index_lists()
    if fixed is None:
        if not pool.has_every_digit:
            pool.check_available(np.asarray(digits))  # raises, naming every missing digit
        draws = keyed(seed, item, INDEX, n)
        picked = tuple([pick(order, starts, counts, d, u) for d, u in zip(digits, draws)])
    else:
        picked = tuple(fixed)
    width, (lo, hi) = recipe.width, recipe.spacing
    assert width is not None
    if n == 1:
        gaps: tuple[int, ...] = ()
    elif recipe.rule == "uniform":
        gaps = ((width - DIGIT_SIZE * n) // (n - 1),) * (n - 1)
    else:
        slack = width - DIGIT_SIZE * n - (n - 1) * lo
        sizes, orders = keyed(seed, item, GAPS, n - 1), keyed(seed, item, GAP_ORDER, n - 1)
        gaps = tuple(random_gaps(slack, n - 1, hi - lo, sizes, orders, lo))
    edges = [0]
    for gap in gaps:
        edges.append(edges[-1] + DIGIT_SIZE + gap)
    table = pool.output_table(recipe.white_on_black)
    pixels = np.empty((DIGIT_SIZE, width), np.uint8)
    pixels.fill(0 if recipe.white_on_black else 255)
    for x, index in zip(edges, picked):
        pixels[:, x : x + DIGIT_SIZE] = table[index]
    if dtype != np.uint8:
        pixels = to_float(pixels)
    return Composition(
        recipe, digits, pixels, picked, gaps, tuple(edges), (0,) * n, seed, item, pool
    )


def compose_batch(
    bank: DigitBank,
    recipe: Recipe,
    digits: ArrayLike,
    seed: int = 0,
    *,
    items: ArrayLike | None = None,
    lengths: ArrayLike | None = None,
    indices: ArrayLike | None = None,
    dtype: DTypeLike = "uint8",
    out: np.ndarray | None = None,
    threads: int | None = None,
    masks: bool = False,
    checkpoint: Callable[[], object] | None = None,
) -> Batch:
    """N images at once: row r shows digits[r] (its first lengths[r] when `lengths` is
    given, so items of many lengths are made in one pass) as item items[r] (default r)
    of `seed`. `indices` (N, n) fixes the MNIST images. `out` (a buffer to reuse) is
    filled instead of a new array; `threads` caps the threads (default: usable_cores()).
    `masks` keeps each digit's ink mask (Batch.masks, Batch.label_images).
    `checkpoint()` is called between parts of the work (64 MB of pixels or less apart):
    what it raises stops the batch and reaches the caller (an export's Cancel does so).

    With `lengths` and a recipe whose width or placement is left to choose (None, auto),
    they are chosen for the lengths present; a data set passes a recipe made concrete for
    all of its lengths (layout.resolve), so that no item depends on the others.
    """
    recipe = as_recipe(recipe)
    seed = whole_number("seed", seed, 0, MAX_SEED)
    if threads is not None:
        threads = whole_number("threads", threads, 1, 4096)
    if checkpoint is not None and not callable(checkpoint):
        raise InputError(f"checkpoint {checkpoint!r:.40} is not callable; pass a function or None")
    rows = digit_rows(digits)
    count, n = rows.shape
    numbers = np.arange(count, dtype=np.uint64) if items is None else item_numbers(items, count)
    shown = None if lengths is None else row_lengths(lengths, count, n)
    present = (n, n) if shown is None or not count else (int(shown.min()), int(shown.max()))
    drawn = resolve(recipe, range(present[0], present[1] + 1))
    pool = bank.pool(drawn.pool)
    active = None if shown is None else np.arange(n) < shown[:, None]
    if not pool.counts.all():  # before any work, naming every missing digit
        pool.check_available(rows if active is None else rows[active])
    fixed = None if indices is None else fixed_rows(pool, rows, indices)
    height, width = drawn.variation.height, drawn.width
    assert width is not None  # resolve made it concrete
    pixels = output_array(out, (count, height, width), output_dtype(dtype))
    picked = np.empty((count, n), np.int64)
    gaps = np.empty((count, max(n - 1, 0)), np.int64)
    x = np.empty((count, n), np.int64)
    y = np.empty((count, n), np.int64)
    styled = drawn.variation.varies_style
    ink = np.empty((count, n, 4), np.int64) if styled else None
    grid = style_grid_of(drawn.variation) if styled else None
    cells = np.zeros((count, n, DIGIT_SIZE, DIGIT_SIZE), bool) if masks else None
    finish = drawn.variation.finishes

    def work(part: slice) -> None:
        its, block_rows = numbers[part], None if shown is None else shown[part]
        if fixed is None:
            picked[part] = pick(*pool.index(), rows[part], keyed(seed, its, INDEX, n))
        else:
            picked[part] = fixed[part]
        gaps[part], x[part] = _gaps(drawn, seed, its, n, block_rows)
        y[part] = y_offsets(seed, its, n, drawn.variation.y_range)
        if active is not None:
            picked[part][~active[part]] = -1
        codes = style_codes(seed, its, n, grid.values) if grid is not None else None
        boxes = render(
            pool,
            picked[part],
            x[part],
            y[part],
            pixels[part],
            white_on_black=drawn.white_on_black,
            overlap=drawn.spacing[0] < 0,
            grid=grid,
            codes=codes,
            finish=(drawn.variation, seed, its) if finish else None,
            masks=None if cells is None or grid is None else cells[part],
            checkpoint=checkpoint,
        )
        if ink is not None and boxes is not None:
            ink[part] = boxes

    # Styled: one span per thread, sorted by style as a whole, so that more digits share a
    # sampling map (bench_style.py: 1.2x as fast as spans of BLOCK items).
    run_spans(work, count, threads, BLOCK if grid is None else max(count, 1))
    if cells is not None and grid is None:
        np.take(digit_ink_masks(pool), picked, axis=0, out=cells, mode="clip")
        cells[picked < 0] = False
    if active is not None:
        x[~active] = y[~active] = -1
        gaps[~active[:, 1:]] = -1
    return Batch(
        drawn,
        pixels,
        rows,
        picked,
        gaps,
        x,
        y,
        np.full(count, n, np.int64) if shown is None else shown,
        seed,
        numbers,
        pool,
        ink,
        cells,
    )


def _gaps(
    recipe: Recipe, seed: int, items: np.ndarray, n: int, rows: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(gaps (B, n-1), left edges (B, n)) of a block; rows: each row's length, or None."""
    width, (lo, hi) = recipe.width, recipe.spacing
    assert width is not None
    shown = n if rows is None else rows
    if recipe.placement == "free":
        gaps = free_gaps(seed, items, n, recipe.spacing, recipe.rule)
        edges = left_edges(gaps)
        last = edges[:, -1] if rows is None else edges[np.arange(len(items)), rows - 1]
        return gaps, edges + free_left(seed, items, width - (last + DIGIT_SIZE))[:, None]
    if n <= 1:
        gaps = np.zeros((len(items), 0), dtype=np.int64)
    elif recipe.rule == "uniform":
        equal = (width - DIGIT_SIZE * shown) // np.maximum(shown - 1, 1)
        gaps = np.where(
            np.arange(n - 1) < np.reshape(shown - 1, (-1, 1)), np.reshape(equal, (-1, 1)), 0
        )
        gaps = np.broadcast_to(gaps, (len(items), n - 1))
    else:
        slack = width - DIGIT_SIZE * shown - (shown - 1) * lo
        sizes, orders = keyed(seed, items, GAPS, n - 1), keyed(seed, items, GAP_ORDER, n - 1)
        gaps = random_gaps(
            np.broadcast_to(slack, len(items)), shown - 1, hi - lo, sizes, orders, lo
        )
    return gaps, left_edges(gaps)
