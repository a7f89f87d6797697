"""Batches of plain images (no variation): digits at given column offsets, 28 px tall.

Two ways, both chunked so that each step's working set stays in cache, and both run
on several threads (numpy releases the GIL in every step that moves pixels):

- rows: when every image has the same equal gaps, each output row is n pieces of
  (digit row + gap), so one `np.take` from a table of such pieces builds whole rows.
- windows: otherwise (random gaps), slot by slot: the slot's digits are gathered with
  one `np.take`, then written with one assignment into a strided view whose second
  axis is the column offset (`view[image, offset - lowest]` is the 28 x 28 block at
  that offset), so images with different offsets need no grouping, sorting or loop.
  Rows of several lengths (data-set items) take this way too, each slot writing only
  the rows long enough to have a digit there.

float32 is composed in uint8 and divided by 255 while in cache: the gathers move a
quarter of the bytes, and the values are exactly those of the glyph tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from .idx import DIGIT_SIZE
from .source import DigitBank

# Pixels of uint8 per step: large enough to amortise numpy's per-call cost, small
# enough that a step's buffers stay in a core's cache (1 MiB of L2 on the machine measured).
_STEP_BYTES = 1 << 20
# The rows way keeps a table of every digit row plus its gap: past this gap the
# table grows large and the windows way is as fast.
_MAX_ROW_GAP = 36
# Items drawn and composed per block: their metadata arrays stay in cache.
BLOCK = 8192
# One digit row (28 uint8 pixels) as a single item, for copies of whole rows.
DIGIT_ROW = np.dtype((np.void, DIGIT_SIZE))
# Below this many images per thread, another thread costs more than it saves.
_MIN_ITEMS_PER_THREAD = 512


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def thread_spans(n_items: int, threads: int | None) -> list[range]:
    """Contiguous item ranges, one per thread (at most `threads`; None: every usable core)."""
    if n_items <= 0:
        return []
    wanted = usable_cores() if threads is None else threads
    count = max(1, min(wanted, n_items // _MIN_ITEMS_PER_THREAD))
    per = -(-n_items // count)
    return [range(start, min(start + per, n_items)) for start in range(0, n_items, per)]


def run_spans(work: Callable[[range], None], spans: list[range]) -> None:
    """work(span) for each span, on as many threads as there are spans."""
    if len(spans) <= 1:
        for span in spans:
            work(span)
        return
    # Imported here: it pulls in logging (about 10 ms), which one-image runs never need.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(spans)) as pool:
        for _ in pool.map(work, spans):
            pass


def equal_gap(offsets: np.ndarray) -> int | None:
    """The common gap if every row has the same, equal gaps; else None."""
    first = offsets[0]
    if not (offsets == first).all():
        return None
    steps = np.diff(first)
    if len(steps) and not (steps == steps[0]).all():
        return None
    return int(steps[0]) - DIGIT_SIZE if len(steps) else 0


def _finish(rows: np.ndarray, out: np.ndarray) -> None:
    """Copy composed uint8 rows into `out`, as float32 / 255 if `out` is float32."""
    if out.dtype == np.uint8:
        out[...] = rows
    else:
        np.divide(rows, np.float32(255), out=out, dtype=np.float32)


def render_plain(
    bank: DigitBank,
    indices: np.ndarray,
    offsets: np.ndarray,
    white_on_black: bool,
    out: np.ndarray,
    threads: int | None = None,
) -> None:
    """Fill `out` (N, 28, W), uint8 or float32, C-contiguous: digit indices[r, j] at
    column offsets[r, j], background elsewhere. Offsets are >= 0, increasing along a
    row, at least 28 apart (digits never overlap: each block is copied, not blended),
    and the last digit ends inside W (the caller checks)."""

    def work(block: slice) -> None:
        render_block(bank, indices[block], offsets[block], white_on_black, out[block])

    run_blocks(work, len(indices), threads)


def run_blocks(work: Callable[[slice], None], n_items: int, threads: int | None) -> None:
    """work(block) over consecutive blocks of at most BLOCK items, on up to `threads`
    threads (None: every usable core), each thread taking a contiguous run of blocks."""
    spans = thread_spans(n_items, threads)

    def run(span: range) -> None:
        for start in range(span.start, span.stop, BLOCK):
            work(slice(start, min(start + BLOCK, span.stop)))

    run_spans(run, spans)


def render_block(
    bank: DigitBank,
    indices: np.ndarray,
    offsets: np.ndarray,
    white_on_black: bool,
    out: np.ndarray,
    lengths: np.ndarray | None = None,
) -> None:
    """render_plain on the calling thread (one block). With `lengths`, row r shows only
    its first lengths[r] digits (the other slots' indices and offsets are ignored)."""
    if len(indices) == 0:
        return
    gap = equal_gap(offsets) if lengths is None else None
    span = range(len(indices))
    if gap is not None and gap <= _MAX_ROW_GAP:
        _by_rows(bank.padded_rows(gap, white_on_black), indices, gap, out, span)
        return
    background = 0 if white_on_black else 255
    by_slot = np.ascontiguousarray(indices.T)  # each slot's take reads a contiguous row
    table = bank.output_table(white_on_black)
    _by_windows(table, by_slot, offsets, background, out, span, lengths)


def _by_rows(
    rows_table: np.ndarray, indices: np.ndarray, gap: int, out: np.ndarray, span: range
) -> None:
    n = indices.shape[1]
    width = out.shape[2]
    piece = DIGIT_SIZE + gap
    chunk = max(1, min(len(span), _STEP_BYTES // (DIGIT_SIZE * n * piece)))
    wide_all = np.empty((chunk * DIGIT_SIZE * n, piece), np.uint8)
    which_all = np.empty((chunk, DIGIT_SIZE, n), np.intp)
    row_in_digit = np.arange(DIGIT_SIZE, dtype=np.intp)[None, :, None]
    first_rows = indices[span.start : span.stop] * DIGIT_SIZE  # each digit's first table row
    for start in range(span.start, span.stop, chunk):
        stop = min(start + chunk, span.stop)
        which = which_all[: stop - start]
        # Table row of every (image, row, slot) piece, in one pass over the buffer.
        firsts = first_rows[start - span.start : stop - span.start, None, :]
        np.add(firsts, row_in_digit, out=which)
        wide = wide_all[: which.size]
        # mode="clip": the indices are valid by construction, and "raise" would make
        # numpy buffer the output of every call.
        np.take(rows_table, which.reshape(-1), axis=0, out=wide, mode="clip")
        rows = wide.reshape(stop - start, DIGIT_SIZE, n * piece)[:, :, :width]
        _finish(rows, out[start:stop])


def _by_windows(
    table: np.ndarray,
    by_slot: np.ndarray,
    offsets: np.ndarray,
    background: int,
    out: np.ndarray,
    span: range,
    lengths: np.ndarray | None = None,
) -> None:
    n = by_slot.shape[0]
    width = out.shape[2]
    chunk = max(1, min(len(span), _STEP_BYTES // (DIGIT_SIZE * width)))
    gathered_all = np.empty((chunk, DIGIT_SIZE, DIGIT_SIZE), np.uint8)
    # uint8 output is composed in place; float32 in a uint8 buffer, then divided.
    staging = None if out.dtype == np.uint8 else np.empty((chunk, DIGIT_SIZE, width), np.uint8)
    images = np.arange(chunk, dtype=np.intp)
    row_stride = width  # uint8 rows of `width` bytes, in `out` or in `staging`
    for start in range(span.start, span.stop, chunk):
        stop = min(start + chunk, span.stop)
        count = stop - start
        rows = out[start:stop] if staging is None else staging[:count]
        rows.fill(background)
        chunk_offsets = offsets[start:stop]
        chunk_lengths = None if lengths is None else lengths[start:stop]
        if chunk_lengths is None:
            lowest = chunk_offsets.min(axis=0).tolist()
            highest = chunk_offsets.max(axis=0).tolist()
        for j in range(n):
            if chunk_lengths is None:
                shown = images[:count]
                low, high = lowest[j], highest[j]
                slot_indices, slot_offsets = by_slot[j, start:stop], chunk_offsets[:, j]
            else:
                # Only the rows long enough to have a digit in this slot.
                shown = np.flatnonzero(chunk_lengths > j)
                if not len(shown):
                    break
                slot_indices = by_slot[j, start:stop][shown]
                slot_offsets = chunk_offsets[shown, j]
                low, high = int(slot_offsets.min()), int(slot_offsets.max())
            gathered = gathered_all[: len(shown)]
            np.take(table, slot_indices, axis=0, out=gathered, mode="clip")
            # Each 28-pixel digit row moves as one void item: numpy then copies it in
            # one step, where as 28 uint8 items it loops over them (half the time).
            digit_rows = gathered.view(DIGIT_ROW).reshape(len(shown), DIGIT_SIZE)
            if low == high and len(shown) == count:
                at = np.ndarray(
                    (count, DIGIT_SIZE), DIGIT_ROW, rows, low, (row_stride * DIGIT_SIZE, row_stride)
                )
                at[...] = digit_rows
                continue
            # windows[i, d] is the 28 rows of image i's block at column low + d.
            windows = np.ndarray(
                (count, high - low + 1, DIGIT_SIZE),
                DIGIT_ROW,
                rows,
                low,
                (row_stride * DIGIT_SIZE, 1, row_stride),
            )
            windows[shown, slot_offsets - low] = digit_rows
        if staging is not None:
            _finish(rows, out[start:stop])


def output_array(out: object, shape: tuple[int, int, int], dtype: np.dtype) -> np.ndarray:
    """`out` checked as a destination for a batch, or a new array if None."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise ValueError(f"out must be a numpy array of shape {shape}, not {type(out).__name__}")
    if out.shape != shape or out.dtype != dtype:
        raise ValueError(
            f"out is {out.dtype} of shape {out.shape}; this batch needs {dtype} of shape {shape} "
            "(pass dtype= to match a uint8 buffer)"
        )
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError("out must be a writeable, C-contiguous array")
    return out


def thread_count(threads: object) -> int | None:
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads {threads!r} must be a whole number >= 1 (or None: all cores)")
    return int(threads)
