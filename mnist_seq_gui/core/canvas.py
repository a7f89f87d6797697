"""The general renderer: digits styled, placed anywhere in an H x W canvas, overlapping.

Used for every recipe that is not plain (taller canvas, vertical jitter, negative
spacing, per-digit style, noise or blur); plain recipes keep their own faster paths
in composition.py. Overlapping strokes combine so both stay visible: the darkest
pixel wins on white, the brightest on black.

Cells are written through a strided view of the canvas in which every byte offset is
the corner of a 28 x 28 cell, so a block of digits is placed with one scatter whatever
their positions: no loop over images or offsets. Threads take blocks of digits in
turn from one plan (see core/warp.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import DTypeLike

from .keyed_random import STREAM_JITTER_Y, below, keyed_uint32
from .source import DigitBank
from .style import DigitStyle, StyleDraws
from .warp import CELL, PIXELS, Block, Stylist, plan

# A pixel of a digit counts as ink, for its ink box, from this value up (0..255 in
# MNIST's polarity: half-way from background to full ink).
INK_THRESHOLD = 128
_TOP_BITS = np.uint32(0x80808080)  # the bits that say "byte >= INK_THRESHOLD"
_MIN_DIGITS_PER_THREAD = 2048
_CELL_ROW = np.dtype((np.void, CELL))  # one row of a cell, 28 uint8 pixels, as one item


def draw_offsets_y(lo: int, hi: int, seed: int, items: np.ndarray, n: int) -> np.ndarray:
    """(N, n) vertical offsets of the digits' cells, each in lo..hi; row r from (seed, items[r])."""
    items = np.asarray(items, dtype=np.uint64).reshape(-1)
    if lo == hi:
        return np.full((len(items), n), lo, dtype=np.int64)
    return lo + below(keyed_uint32(seed, items, STREAM_JITTER_Y, n), hi - lo + 1)


def ink_boxes(cells: np.ndarray) -> np.ndarray:
    """(G, 28, 28) contiguous uint8 ink -> (G, 4) tight boxes (x0, y0, x1, y1), end-exclusive.

    A cell with no pixel at INK_THRESHOLD or above gets the empty box (14, 14, 14, 14).
    """
    count = len(cells)
    # Four pixels per word, and the threshold is the top bit of a byte: a row or column
    # holds ink iff the OR of its words has one of those bits set. ORs of whole
    # slices keep numpy's loops long.
    words = cells.reshape(count, CELL, CELL).view(np.uint32)  # (G, 28, 7)
    across = words[:, :, 0].copy()
    for k in range(1, CELL // 4):
        across |= words[:, :, k]
    down = words
    while down.shape[1] > 1:
        half = down.shape[1] // 2
        merged = down[:, :half] | down[:, half : 2 * half]
        if down.shape[1] % 2:
            merged[:, 0] |= down[:, -1]
        down = merged
    rows = (across & _TOP_BITS) != 0
    cols = ((down[:, 0] & _TOP_BITS).view(np.uint8)) != 0
    boxes = np.empty((count, 4), dtype=np.int64)
    boxes[:, 0] = cols.argmax(axis=1)
    boxes[:, 1] = rows.argmax(axis=1)
    boxes[:, 2] = CELL - cols[:, ::-1].argmax(axis=1)
    boxes[:, 3] = CELL - rows[:, ::-1].argmax(axis=1)
    boxes[~rows.any(axis=1)] = CELL // 2
    return boxes


def digit_ink_boxes(bank: DigitBank) -> np.ndarray:
    """(N, 4) ink box of every unchanged digit of the bank, less its cell (kept).

    That is (x0, y0, x1 - 28, y1 - 28) in the cell: adding a cell (x, y, x + 28, y + 28)
    gives the box in the image.
    """

    def make() -> np.ndarray:
        boxes = ink_boxes(np.ascontiguousarray(bank.images)) - np.array([0, 0, CELL, CELL])
        return boxes.astype(np.int16)  # small to gather: values lie in -28..28

    return bank.cached("ink boxes less cell", make)


def ink_boxes_of(
    bank: DigitBank | None, indices: np.ndarray, cells: np.ndarray, ink: np.ndarray | None
) -> np.ndarray:
    """`ink` if known, else the ink boxes of unchanged digits `indices` in `cells`."""
    if ink is not None:
        return ink
    if bank is None:
        raise ValueError("made without its bank: the ink boxes of its digits are unknown")
    out = cells + np.take(digit_ink_boxes(bank), indices, axis=0, mode="clip")
    if not np.all(indices >= 0):
        out[indices < 0] = -1  # past a row's length
    return out


def _run(workers: int, fn: Callable[[slice], object], count: int) -> None:
    """fn(part) for `workers` contiguous parts of range(count), on as many threads."""
    if workers == 1:
        fn(slice(0, count))
        return
    step = -(-count // workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fn, [slice(s, min(s + step, count)) for s in range(0, count, step)]))


def render_canvas(
    bank: DigitBank,
    indices: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    height: int,
    width: int,
    *,
    draws: StyleDraws | None = None,
    white_on_black: bool = False,
    dtype: DTypeLike = np.uint8,
    overlap: bool = False,
    threads: int | None = None,
    active: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(N, H, W) pixels and (N, n, 4) ink boxes: digit indices[r, j] in the cell at
    (x[r, j], y[r, j]), styled by draws (None: unchanged).

    Cells must lie inside the canvas; with overlap=False they must not overlap, with
    overlap=True only neighbours may. float32 output is the uint8 result / 255.
    threads: at most this many (default: one per core). active: (N, n) bool, if given,
    leaves out the digits it marks False (their boxes are left undefined).
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.uint8), np.dtype(np.float32)):
        raise ValueError(f"output dtype {dtype} is not supported; use float32 or uint8")
    n_items, n = indices.shape
    out = np.empty((n_items, height, width), dtype=dtype)
    boxes = np.empty((n_items, n, 4), dtype=np.int64)
    if n_items == 0:
        return out, boxes
    cores = threads or os.cpu_count() or 1
    workers = max(1, min(cores, n_items * n // _MIN_DIGITS_PER_THREAD))
    canvas = out if dtype == np.uint8 else np.empty((n_items, height, width), np.uint8)
    background = 0 if white_on_black else 255
    _run(workers, lambda part: canvas[part].fill(background), n_items)

    flat = canvas.reshape(-1)
    # cell_at[p] is the cell whose top-left pixel is flat[p], as 28 rows of 28 pixels; a
    # row is one void item, which numpy copies in one step (28 uint8 items, one by one).
    cell_at = np.ndarray(
        (flat.size - (CELL - 1) * (width + 1), CELL), _CELL_ROW, flat, 0, (1, width)
    )
    starts = ((np.arange(n_items)[:, None] * height + y) * width + x).reshape(-1)
    sources = indices.reshape(-1)
    keys = levels = None
    style = DigitStyle()
    if draws is not None:
        style = draws.style
        keys = draws.geometry_keys().reshape(-1) if style.changes_geometry else None
        levels = draws.thickness_levels()
        levels = None if levels is None else levels.reshape(-1)
    flat_boxes = boxes.reshape(-1, 4)
    table = bank.images.reshape(-1, PIXELS)
    combine = np.maximum if white_on_black else np.minimum
    # Only neighbours can overlap (gaps are at least -14, half a cell), so within one
    # parity of slot no two cells meet: threads may write at once, and a gather-
    # combine-scatter is exact.
    slot = np.tile(np.arange(n), n_items)
    passes = [slot % 2 == 0, slot % 2 == 1] if overlap and n > 1 else [np.full(len(slot), True)]
    shown = None if active is None else active.reshape(-1)
    for chosen in passes:
        where = np.flatnonzero(chosen if shown is None else chosen & shown)
        blocks = plan(None if keys is None else keys[where], style, len(where))
        lock = threading.Lock()
        chosen_levels = None if levels is None else levels[where]

        def place(
            _part: slice,
            where: np.ndarray = where,
            blocks: Iterator[Block] = blocks,
            lock: threading.Lock = lock,
            chosen_levels: np.ndarray | None = chosen_levels,
        ) -> None:
            stylist = Stylist(table, sources[where], chosen_levels)
            while True:
                with lock:
                    block = next(blocks, None)
                if block is None:
                    return
                cells = stylist.style(block)
                pos = where[block.members]
                flat_boxes[pos] = ink_boxes(cells)
                if not white_on_black:
                    np.subtract(255, cells, out=cells)
                at = starts[pos]
                if overlap:
                    under = cell_at[at].view(np.uint8).reshape(cells.shape)
                    cells = combine(under, cells, out=under)
                cell_at[at] = cells.reshape(-1, CELL * CELL).view(_CELL_ROW)

        _run(workers, place, workers)
    boxes += np.stack((x, y, x, y), axis=-1)
    if dtype != np.uint8:
        _run(workers, lambda part: np.divide(canvas[part], np.float32(255), out=out[part]), n_items)
    return out, boxes
