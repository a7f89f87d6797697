"""The renderer: digits placed as 28 x 28 cells in an H x W canvas, styled or not,
overlapping or not, then blurred and noised; uint8, or float32 = uint8 / 255.

Images are made in chunks that stay in cache; styled digits are sorted by style so that
digits of one style share a sampling map (core/warp.py). A chunk is filled with the
background, then every digit's cell is written by one scatter (_place); overlapping
neighbours in two passes (_passes), combining with what is there so both strokes stay
visible: the darker pixel wins on white, the brighter on black.

Ink: a digit's visible ink is its pixels holding at least INK_THRESHOLD / 255 of its own
darkest value (ink_masks), after style and placement, before blur and noise; its ink box
is the bounds of that mask. Style never leaves a digit without ink (core/warp.py).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .bank import DigitBank
from .draws import image_values, noise_draws, style_grid
from .recipe import FIELDS, Variation
from .warp import CELL, PIXELS, StyleGrid, Stylist, plan

INK_THRESHOLD = 32  # a pixel is ink from 32/255 of its digit's darkest value (ink_masks)
_CELL_ROW = np.dtype((np.void, CELL))  # one row of a cell, 28 uint8 pixels, as one item
_CHUNK_BYTES = 2 << 20  # pixels of a plain chunk: its buffers stay in a core's cache
_MAX_ROW_GAP = 36  # equal gaps up to this are written as rows (a table of rows + gap)
_STYLED_CHUNK_DIGITS = 1 << 20  # digits sorted by style together: the more, the more share a map
_WORK_BYTES = 64 << 20  # a chunk's float32 staging, or its blur and noise
_FINISH_BYTES = 48  # blur and noise take about this much a pixel (measured: 51 at blur 2)
_MIN_ITEMS_PER_THREAD = 512  # below this, another thread costs more than it saves
_BYTE_SUM_SD = math.sqrt(4 * (256**2 - 1) / 12)  # of the sum of a uint32's four bytes
_LOW_BYTES = np.uint32(0x00FF00FF)


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def to_float(pixels: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """uint8 pixels as float32 in [0, 1]: pixel / 255, the one conversion of every door."""
    return np.divide(pixels, np.float32(255), out=out, dtype=np.float32)


def run_spans(work: Callable[[slice], object], count: int, threads: int | None, block: int) -> None:
    """work(part) over consecutive parts of range(count) of at most `block` items, on up to
    `threads` threads (None: every usable core), each thread taking a contiguous run."""
    if count <= 0:
        return
    wanted = usable_cores() if threads is None else threads
    workers = max(1, min(wanted, count // _MIN_ITEMS_PER_THREAD))
    per = -(-count // workers)

    def run(first: int) -> None:
        for start in range(first, min(first + per, count), block):
            work(slice(start, min(start + block, first + per, count)))

    if workers == 1:
        run(0)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, range(0, count, per)))  # consumed, so that errors are raised


def ink_masks(cells: np.ndarray) -> np.ndarray:
    """(G, 28, 28) uint8 ink (MNIST polarity) -> (G, 28, 28) bool: each digit's visible ink,
    its pixels holding at least INK_THRESHOLD / 255 of its own darkest value (32 for a
    digit whose darkest pixel is 255), so a faint digit's ink is found as a dark one's."""
    peaks = cells.reshape(len(cells), -1).max(axis=1).astype(np.int32)
    least = np.maximum(1, (peaks * INK_THRESHOLD + 254) // 255).astype(np.uint8)
    return cells >= least[:, None, None]


def mask_boxes(masks: np.ndarray) -> np.ndarray:
    """(..., h, w) bool -> (..., 4) their bounds (x0, y0, x1, y1), end-exclusive; an
    empty mask gets (w // 2, h // 2) twice (no digit has one: see core/warp.py)."""
    height, width = masks.shape[-2:]
    rows = np.asarray(masks.any(axis=-1))
    cols = np.asarray(masks.any(axis=-2))
    boxes = np.empty((*masks.shape[:-2], 4), dtype=np.int64)
    boxes[..., 0] = cols.argmax(axis=-1)
    boxes[..., 1] = rows.argmax(axis=-1)
    boxes[..., 2] = width - cols[..., ::-1].argmax(axis=-1)
    boxes[..., 3] = height - rows[..., ::-1].argmax(axis=-1)
    empty = ~rows.any(axis=-1)
    boxes[empty] = (width // 2, height // 2, width // 2, height // 2)
    return boxes


def digit_ink_masks(bank: DigitBank) -> np.ndarray:
    """(N, 28, 28) ink mask of every unchanged digit of the bank (kept)."""
    return bank.cached(("ink masks",), lambda: ink_masks(np.ascontiguousarray(bank.images)))


def digit_ink_boxes(bank: DigitBank) -> np.ndarray:
    """(N, 4) ink box of every unchanged digit of the bank in its cell (kept)."""
    return bank.cached(("ink boxes",), lambda: mask_boxes(digit_ink_masks(bank)))


def digit_floors(bank: DigitBank) -> np.ndarray:
    """(N,) half of each digit's darkest value, rounded up: the least a styled digit keeps."""
    return bank.cached(
        ("floors",),
        lambda: (bank.images.reshape(len(bank.images), -1).max(axis=1).astype(np.int32) + 1) // 2,
    )


def plain_ink_boxes(
    bank: DigitBank, indices: np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """(..., 4) ink boxes of unchanged digits `indices` with cells at (x, y); -1 where the
    index is -1 (past a row's length)."""
    boxes = np.take(digit_ink_boxes(bank), indices, axis=0, mode="clip")
    boxes += np.stack((x, y, x, y), axis=-1)
    boxes[indices < 0] = -1
    return boxes


def _chunk_items(n: int, height: int, width: int, styled: bool, finish: bool, staged: bool) -> int:
    image = height * width
    items = max(1, _CHUNK_BYTES // image)
    if styled:
        items = max(items, _STYLED_CHUNK_DIGITS // max(n, 1))
    if finish or staged:
        items = min(items, max(1, _WORK_BYTES // (_FINISH_BYTES * image if finish else image)))
    return items


def render(
    bank: DigitBank,
    indices: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    out: np.ndarray,
    *,
    white_on_black: bool,
    overlap: bool = False,
    grid: StyleGrid | None = None,
    codes: dict[str, np.ndarray] | None = None,
    finish: tuple[Variation, int, np.ndarray] | None = None,
    masks: np.ndarray | None = None,
    checkpoint: Callable[[], object] | None = None,
) -> np.ndarray | None:
    """Fill `out` (B, H, W), uint8 or float32: digit indices[r, j] in the cell at (x[r, j],
    y[r, j]) (leaving out indices of -1), styled per `grid` and `codes` (draws.style_codes),
    then blurred and noised per `finish` (variation, seed, items). Returns the ink boxes
    (B, n, 4) of styled digits; None for unstyled ones (plain_ink_boxes knows them).
    `masks` (B, n, 28, 28) bool, if given, receives styled digits' ink masks in their cells.
    `checkpoint()`, if given, is called before each chunk and band of blur and noise."""
    count, height, width = out.shape
    n = indices.shape[1]
    styled = grid is not None and codes is not None
    has_finish = finish is not None and finish[0].finishes
    step = _chunk_items(n, height, width, styled, has_finish, out.dtype != np.uint8)
    staging = (
        None if out.dtype == np.uint8 else np.empty((min(step, count), height, width), np.uint8)
    )
    boxes = np.empty((count, n, 4), dtype=np.int64) if styled else None
    background = 0 if white_on_black else 255
    table = bank.images if styled else bank.output_table(white_on_black)
    scratch: dict[str, np.ndarray] = {}  # buffers reused from chunk to chunk
    for start in range(0, count, step):
        if checkpoint is not None:
            checkpoint()
        part = slice(start, min(start + step, count))
        canvas = out[part] if staging is None else staging[: part.stop - start]
        active = indices[part] >= 0
        rowlike = not (styled or overlap) and height == CELL
        gap = _equal_gap(x[part], active, width) if rowlike else None
        if gap is not None:
            rows = _rows(bank, indices[part], gap, white_on_black, width, scratch)
            if staging is not None and not has_finish:
                to_float(rows, out=out[part])
                continue
            canvas[...] = rows
        else:
            canvas.fill(background)
        for chosen in [] if gap is not None else _passes(active, n, overlap):
            where = np.flatnonzero(chosen)
            rows = where // n
            starts = (rows * height + y[part].reshape(-1)[where]) * width
            starts += x[part].reshape(-1)[where]
            sources = indices[part].reshape(-1)[where]
            if not styled:
                cells = _buffer(scratch, "cells", (len(sources), CELL, CELL), np.uint8)
                np.take(table, sources, axis=0, out=cells, mode="clip")
                _place(canvas, starts, cells, overlap, white_on_black)
                continue
            assert grid is not None and codes is not None and boxes is not None
            picked = {name: code[part].reshape(-1)[where] for name, code in codes.items()}
            keys = grid.geometry_keys(picked, where.shape) if grid.changes_geometry else None
            stylist = Stylist(
                table.reshape(-1, PIXELS),
                sources,
                grid.thickness_levels(picked, where.shape),
                digit_floors(bank),
            )
            flat_boxes = boxes[part].reshape(-1, 4)
            flat_masks = None if masks is None else masks[part].reshape(-1, CELL, CELL)
            for block in plan(keys, grid, len(where)):
                cells = stylist.style(block)
                ink = ink_masks(cells)
                flat_boxes[where[block.members]] = mask_boxes(ink)
                if flat_masks is not None:
                    flat_masks[where[block.members]] = ink
                if not white_on_black:
                    np.subtract(255, cells, out=cells)
                _place(canvas, starts[block.members], cells, overlap, white_on_black)
        if has_finish:
            assert finish is not None
            variation, seed, items = finish
            _finish(canvas, variation, background, seed, items[part], checkpoint)
        if staging is not None:
            to_float(canvas, out=out[part])
    if boxes is not None:
        boxes += np.stack((x, y, x, y), axis=-1)
        boxes[indices < 0] = -1
    return boxes


def _equal_gap(x: np.ndarray, active: np.ndarray, width: int) -> int | None:
    """The gap when every image of a chunk (a 28 px row) has its digits at the same,
    equally spaced offsets, from the left edge to the right; else None."""
    first = x[0]
    steps = np.diff(first)
    gap = int(steps[0]) - CELL if len(steps) else 0
    if not (
        0 <= gap <= _MAX_ROW_GAP
        and first[0] == 0
        and first[-1] + CELL == width
        and (steps == CELL + gap).all()
        and active.all()
        and (x == first).all()
    ):
        return None
    return gap


def _buffer(
    scratch: dict[str, np.ndarray], name: str, shape: tuple[int, ...], dtype: type
) -> np.ndarray:
    """A buffer of `shape`, reused while it is large enough: fresh memory of this size
    (mapped, not from the heap) would be faulted in afresh for every chunk."""
    size = int(np.prod(shape))
    kept = scratch.get(name)
    if kept is None or kept.size < size:
        kept = scratch[name] = np.empty(size, dtype)
    return kept[:size].reshape(shape)


def _rows(
    bank: DigitBank,
    indices: np.ndarray,
    gap: int,
    white_on_black: bool,
    width: int,
    scratch: dict[str, np.ndarray],
) -> np.ndarray:
    """Equal gaps: every pixel row of an image is the n digits' rows, each followed by the
    gap, so one gather from a table of (digit row + gap) writes every pixel once, with no
    fill and no scatter: a speed branch that bench_core.py's target for uint8 batches needs."""
    count, n = indices.shape
    table = _rows_table(bank, gap, white_on_black)
    which = _buffer(scratch, "which", (count, CELL, n), np.intp)
    np.add(indices[:, None, :] * CELL, np.arange(CELL)[None, :, None], out=which)
    wide = _buffer(scratch, "wide", (which.size, CELL + gap), np.uint8)
    np.take(table, which.reshape(-1), axis=0, out=wide, mode="clip")
    return wide.reshape(count, CELL, n * (CELL + gap))[:, :, :width]


def _rows_table(bank: DigitBank, gap: int, white_on_black: bool) -> np.ndarray:
    """Every digit row followed by `gap` background pixels, (N * 28, 28 + gap) uint8; the
    table of the most recent gap is kept."""

    def make() -> np.ndarray:
        digits = bank.output_table(white_on_black).reshape(-1, CELL)
        table = np.empty((len(digits), CELL + gap), np.uint8)
        table[:, :CELL] = digits
        table[:, CELL:] = 0 if white_on_black else 255
        return table

    return bank.cached(("rows", gap, white_on_black), make, replaces="rows")


def _passes(active: np.ndarray, n: int, overlap: bool) -> Sequence[np.ndarray]:
    """The digits written together: all, or (overlapping neighbours) even and odd slots,
    within which no two cells meet."""
    if not overlap or n == 1:
        return [active]
    odd = np.arange(n) % 2 == 1
    return [active & ~odd, active & odd]


def _place(
    canvas: np.ndarray, starts: np.ndarray, cells: np.ndarray, overlap: bool, white_on_black: bool
) -> None:
    """Write (G, 28, 28) cells whose top-left pixels are at flat offsets `starts`."""
    width = canvas.shape[2]
    flat = canvas.reshape(-1)
    # cell_at[p] is the cell whose top-left pixel is flat[p], as 28 rows of one void item.
    cell_at = np.ndarray(
        (flat.size - (CELL - 1) * (width + 1), CELL), _CELL_ROW, flat, 0, (1, width)
    )
    if overlap:
        under = cell_at[starts].view(np.uint8).reshape(cells.shape)
        cells = (np.maximum if white_on_black else np.minimum)(under, cells, out=under)
    cell_at[starts] = np.ascontiguousarray(cells).reshape(-1, CELL * CELL).view(_CELL_ROW)


def _finish(
    images: np.ndarray,
    variation: Variation,
    background: int,
    seed: int,
    items: np.ndarray,
    checkpoint: Callable[[], object] | None = None,
) -> None:
    """Blur, then add noise to uint8 images in place (rounded, clipped to 0..255), each
    image at its own level of each (drawn from the variation's ranges).

    Work goes in bands of rows of about _WORK_BYTES (one band for all but huge images):
    a band reads `radius` rows beyond it on each side, so each is written back only
    after the next band has read them; every pixel gets the same sums either way."""
    height, width = images.shape[1:]
    blur = image_values(seed, items, 1, style_grid(*variation.blur, FIELDS["blur"].step))
    radius = max((_radius(sigma) for sigma in blur.tolist() if sigma > 0), default=0)
    rows = max(1, radius, _WORK_BYTES // (_FINISH_BYTES * width * len(images)))
    levels = None
    if variation.noise[1] > 0:
        grid = style_grid(*variation.noise, FIELDS["noise"].step)
        levels = image_values(seed, items, 0, grid).astype(np.float32)
    pending: tuple[int, np.ndarray] | None = None
    for top in range(0, height, rows):
        if checkpoint is not None and top:
            checkpoint()
        bottom = min(top + rows, height)
        lo, hi = max(0, top - radius), min(height, bottom + radius)
        work = images[:, lo:hi].astype(np.float32)
        band = work[:, top - lo : bottom - lo].copy()
        for sigma in np.unique(blur).tolist():
            if sigma > 0:
                same = slice(None) if blur[0] == blur[-1] == sigma else blur == sigma
                band[same] = _blur(work[same], sigma, float(background), top - lo, bottom - lo)
        if levels is not None:
            draws = noise_draws(seed, items, (bottom - top) * width, first=top * width)
            # A draw's four bytes, summed in 16-bit lanes, are close to normal (mean 510): one
            # draw per pixel, no transcendental functions, the same on every platform.
            pairs = (draws & _LOW_BYTES) + ((draws >> np.uint32(8)) & _LOW_BYTES)
            total = (pairs & np.uint32(0xFFFF)) + (pairs >> np.uint32(16))
            unit = (total.astype(np.float32) - np.float32(510.0)) / np.float32(_BYTE_SUM_SD)
            band += unit.reshape(band.shape) * levels[:, None, None]
        np.clip(np.rint(band), 0, 255, out=band)
        if pending is not None:
            images[:, pending[0] : pending[0] + pending[1].shape[1]] = pending[1]
        pending = (top, band)
    if pending is not None:
        images[:, pending[0] :] = pending[1]


def _radius(sigma: float) -> int:
    return max(1, math.ceil(3 * sigma))


def _blur(strip: np.ndarray, sigma: float, background: float, top: int, bottom: int) -> np.ndarray:
    """Separable Gaussian blur (radius 3 sigma) of strip[:, top:bottom], reading the rows
    around them; where the strip ends, the image does: outside it is background."""
    radius = _radius(sigma)
    spread = 2 * sigma * sigma
    if spread == 0:  # so small a sigma that the blur keeps every pixel as it is
        return strip[:, top:bottom]
    weights = [math.exp(-(k * k) / spread) for k in range(-radius, radius + 1)]
    weights = [np.float32(w / sum(weights)) for w in weights]
    above, below, size, width = top - radius, bottom + radius, bottom - top, strip.shape[2]
    source = strip[:, max(above, 0) : min(below, strip.shape[1])]
    edges = (max(0, -above), max(0, below - strip.shape[1]))
    padded = np.pad(source, [(0, 0), edges, (0, 0)], constant_values=background)
    down = np.zeros((len(strip), size, width), np.float32)
    for k, w in enumerate(weights):
        down += padded[:, k : k + size] * w
    padded = np.pad(down, [(0, 0), (0, 0), (radius, radius)], constant_values=background)
    across = np.zeros_like(down)
    for k, w in enumerate(weights):
        across += padded[:, :, k : k + width] * w
    return across
