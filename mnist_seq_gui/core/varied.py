"""Varied recipes through compose and compose_batch: draws, then core/canvas.py.

Every recipe with variation (core/variation.py), overlapping digits (negative spacing)
or free placement (core/layout.py) comes here from core/composition.py. The draws are
the same keyed draws as the plain paths' (MNIST indices, gaps), so a recipe's digits
do not change when variation is added; vertical offsets, styles and noise have streams
of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import DTypeLike

from .keyed_random import check_seed
from .layout import batch_offsets, draw_free
from .ragged import ragged_gaps
from .source import DigitBank
from .spec import (
    BatchComposition,
    Composition,
    SequenceSpec,
    check_indices,
    draw_gaps,
    draw_indices,
)
from .variation import Variation, render_varied


def compose_varied(
    bank: DigitBank,
    spec: SequenceSpec,
    seed: int,
    indices: Iterable[int] | None,
    dtype: DTypeLike,
    item: int = 0,
) -> Composition:
    """One varied image: item `item` of its batch. `bank` is already the spec's pool."""
    seed = check_seed(seed)
    digits = np.asarray([spec.digits], dtype=np.int64)
    items = np.full(1, item, dtype=np.uint64)
    if indices is None:
        chosen = draw_indices(bank, digits, seed, items)
    else:
        chosen = np.asarray([check_indices(bank, spec.digits, indices)], dtype=np.int64)
    lo, hi, n = spec.min_spacing, spec.max_spacing, len(spec.digits)
    gaps = draw_gaps(n, spec.width, lo, hi, spec.rule, seed, items)
    pixels, y, ink = render_varied(
        bank,
        chosen,
        batch_offsets(gaps),
        spec.width,
        spec.variation,
        spec.white_on_black,
        dtype,
        seed,
        items,
        lo < 0,
    )
    return Composition(
        spec,
        pixels[0],
        tuple(chosen[0].tolist()),
        tuple(gaps[0].tolist()),
        seed,
        tuple(y[0].tolist()),
        ink[0],
        bank,
    )


def compose_varied_batch(
    bank: DigitBank,
    digits: np.ndarray,
    items: np.ndarray,
    rows: np.ndarray | None,
    width: int,
    lo: int,
    hi: int,
    rule: str,
    white_on_black: bool,
    seed: int,
    dtype: DTypeLike,
    variation: Variation,
    free: bool,
) -> BatchComposition:
    """compose_batch's varied case, its arguments checked; rows: per-row lengths or None."""
    n = digits.shape[1]
    active = None if rows is None else np.arange(n) < rows[:, None]
    if not bank.counts.all():  # before any work, naming every missing digit
        bank.check_available(digits if active is None else digits[active])
    indices = draw_indices(bank, digits, seed, items)
    if free:
        gaps, offsets = draw_free(n, width, lo, hi, rule, seed, items, rows)
    else:
        if rows is None:
            gaps = draw_gaps(n, width, lo, hi, rule, seed, items)
        else:
            gaps = ragged_gaps(rows, n, width, lo, hi, rule, seed, items)
        offsets = batch_offsets(gaps)
    pixels, y, ink = render_varied(
        bank, indices, offsets, width, variation, white_on_black, dtype, seed, items, lo < 0,
        active,
    )  # fmt: skip
    if active is not None:
        for array in (indices, offsets, y, ink):
            array[~active] = -1
        gaps[~active[:, 1:]] = -1
    return BatchComposition(pixels, digits, indices, gaps, offsets, seed, y, ink, bank)
