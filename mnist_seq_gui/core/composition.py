"""Composition: digits + layout -> pixels and the metadata that describes them.

`compose` (one image) and `compose_batch` (many) render plain recipes here and hand
varied ones (core/variation.py), overlapping or freely placed digits to core/varied.py;
what they take and return (SequenceSpec, Composition, BatchComposition) is in core/spec.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .checks import item_number
from .errors import SequenceError
from .glyphs import output_dtype
from .idx import DIGIT_SIZE
from .keyed_random import check_seed
from .layout import batch_offsets, check_free_width, check_placement
from .plain_batch import output_array, render_block, render_plain, run_blocks, thread_count
from .ragged import ragged_gaps
from .single import compose_spec, seed_int
from .source import DigitBank
from .spacing import check_rule, check_spacing_range, check_width
from .spec import (
    BatchComposition,
    Composition,
    SequenceSpec,
    check_indices,
    draw_gaps,
    draw_indices,
)
from .variation import NO_VARIATION, Variation
from .varied import compose_varied, compose_varied_batch


def render_batch(
    bank: DigitBank,
    indices: np.ndarray,
    offsets: np.ndarray,
    width: int,
    white_on_black: bool = False,
    dtype: DTypeLike = np.float32,
    *,
    out: np.ndarray | None = None,
    threads: int | None = None,
) -> np.ndarray:
    """(N, 28, width) pixels: digit indices[r, j] placed at column offsets[r, j].

    `out`, if given, is filled instead of a new array (same shape and dtype), so a
    pipeline can reuse one buffer. `threads`: how many threads compose (default: every
    core this process may use). Loops run over chunks and digit slots, never images.
    """
    dtype = output_dtype(dtype)
    indices = np.asarray(indices)
    offsets = np.asarray(offsets)
    pixels = output_array(out, (len(indices), DIGIT_SIZE, int(width)), dtype)
    render_plain(bank, indices, offsets, bool(white_on_black), pixels, thread_count(threads))
    return pixels


def compose(
    bank: DigitBank,
    spec: SequenceSpec,
    seed: int,
    indices: Iterable[int] | None = None,
    dtype: DTypeLike = np.float32,
    item: int = 0,
) -> Composition:
    """One image: item `item` of `compose_batch` with these digits, seed and parameters.

    `indices`, if given, fixes the MNIST image of each digit (e.g. to reroll one digit
    and keep the others; layout and style stay the item's); else they are drawn from the
    seed. The work is done on Python ints and cached glyphs (see core/single.py).
    """
    item = item_number(item)
    if spec.pool != "all":
        bank = bank.pool(spec.pool)
    if not spec.is_plain:
        return compose_varied(bank, spec, seed, indices, dtype, item)
    seed = seed_int(seed)
    if indices is not None:
        indices = check_indices(bank, spec.digits, indices)
    pixels, chosen, gaps = compose_spec(bank, spec, seed, output_dtype(dtype), indices, item)
    return Composition(spec, pixels, chosen, gaps, seed, bank=bank)


def compose_batch(
    bank: DigitBank,
    digits: ArrayLike,
    width: int,
    min_spacing: int = 0,
    max_spacing: int = 0,
    rule: str = "uniform",
    white_on_black: bool = False,
    seed: int = 0,
    items: ArrayLike | None = None,
    dtype: DTypeLike = np.float32,
    *,
    out: np.ndarray | None = None,
    threads: int | None = None,
    lengths: ArrayLike | None = None,
    pool: str = "all",
    variation: Variation | None = None,
    placement: str = "fill",
) -> BatchComposition:
    """N sequences of up to n digits at once. Row r is item items[r] (default r) of `seed`.

    `lengths`, if given, says how many of its row's digits each image shows (1..n),
    so that items of several lengths are drawn and composed in one pass: row r then
    equals a batch of its own length. Indices, gaps and offsets past a row's length
    are -1. `out` and `threads` as for `render_batch`. `pool` and `variation` as in
    SequenceSpec; `placement` "free": see core/layout.py.
    """
    seed = check_seed(seed)
    if pool != "all":
        bank = bank.pool(pool)
    variation = Variation.check(NO_VARIATION if variation is None else variation)
    digits = np.asarray(digits)
    if digits.ndim != 2 or digits.shape[1] == 0:
        raise SequenceError("batch digits must be a 2-D array: one row of digits per image")
    if digits.size and (
        not np.issubdtype(digits.dtype, np.integer) or digits.min() < 0 or digits.max() > 9
    ):
        raise SequenceError("batch digits must be integers 0..9")
    digits = digits.astype(np.int64, copy=False)
    n_items, n = digits.shape
    items = np.arange(n_items, dtype=np.uint64) if items is None else np.asarray(items, np.uint64)
    if items.shape != (n_items,):
        raise SequenceError(f"{len(items)} item numbers given for {n_items} rows of digits")
    lo, hi = check_spacing_range(min_spacing, max_spacing)
    check_rule(rule)
    rows = _row_lengths(lengths, n_items, n)
    free = check_placement(placement) == "free"
    for length in [n] if rows is None else np.unique(rows).tolist():
        if free:
            check_free_width(length, width, hi)
        else:
            check_width(length, width, lo, hi, rule)
    if free or lo < 0 or not variation.is_plain:
        what = (width, lo, hi, rule, bool(white_on_black), seed, dtype, variation, free)
        return compose_varied_batch(bank, digits, items, rows, *what)
    pixels = output_array(out, (n_items, DIGIT_SIZE, int(width)), output_dtype(dtype))
    threads = thread_count(threads)
    active = None if rows is None else np.arange(n) < rows[:, None]
    if not bank.counts.all():  # before any work, naming every missing digit
        bank.check_available(digits if active is None else digits[active])
    indices = np.empty((n_items, n), dtype=np.int64)
    gaps = np.empty((n_items, n - 1), dtype=np.int64)
    offsets = np.empty((n_items, n), dtype=np.int64)
    white_on_black = bool(white_on_black)

    def work(block: slice) -> None:
        # Each block is drawn and composed on the thread that owns it, so the draws
        # run on every core too and their arrays are still in cache when composing.
        indices[block] = draw_indices(bank, digits[block], seed, items[block])
        if rows is None:
            gaps[block] = draw_gaps(n, width, lo, hi, rule, seed, items[block])
        else:
            gaps[block] = ragged_gaps(rows[block], n, width, lo, hi, rule, seed, items[block])
        offsets[block] = batch_offsets(gaps[block])
        block_rows = None if rows is None else rows[block]
        render_block(
            bank, indices[block], offsets[block], white_on_black, pixels[block], block_rows
        )

    run_blocks(work, n_items, threads)
    if active is not None:
        indices[~active] = -1
        offsets[~active] = -1
        gaps[~active[:, 1:]] = -1
    return BatchComposition(pixels, digits, indices, gaps, offsets, seed, bank=bank)


def _row_lengths(lengths: ArrayLike | None, n_items: int, n: int) -> np.ndarray | None:
    """`lengths` checked as per-row digit counts (None if every row uses all n)."""
    if lengths is None:
        return None
    rows = np.asarray(lengths)
    if rows.shape != (n_items,) or not (rows.size == 0 or np.issubdtype(rows.dtype, np.integer)):
        raise SequenceError(f"lengths must be {n_items} whole numbers, one per row of digits")
    if rows.size and (rows.min() < 1 or rows.max() > n):
        raise SequenceError(f"lengths must lie in 1..{n}, the number of digits given per row")
    rows = rows.astype(np.int64, copy=False)
    return None if rows.size and (rows == n).all() else rows
