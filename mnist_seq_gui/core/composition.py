"""Composition: digits + layout -> pixels and the metadata that describes them.

Plain recipes are rendered here; varied ones (core/variation.py), overlapping or freely
placed digits by core/varied.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .canvas import ink_boxes_of
from .checks import item_number
from .errors import SequenceError
from .glyphs import output_dtype
from .idx import DIGIT_SIZE
from .keyed_random import (
    STREAM_GAP_ORDER,
    STREAM_GAPS,
    STREAM_INDEX,
    check_seed,
    keyed_uint32,
)
from .layout import batch_offsets, boxes_from_offsets, check_free_width, check_placement
from .plain_batch import output_array, render_block, render_plain, run_blocks, thread_count
from .ragged import ragged_gaps
from .sequence import as_digits, is_plain_digits
from .single import compose_plain, plain_layout, seed_int
from .source import DigitBank, check_pool
from .spacing import check_rule, check_spacing_range, check_width, random_gaps, uniform_gap
from .variation import NO_VARIATION, Variation


@dataclass(frozen=True)
class SequenceSpec:
    """What to draw: validated on creation, so a spec that exists can be composed."""

    digits: tuple[int, ...]
    width: int
    min_spacing: int = 0
    max_spacing: int = 0
    rule: str = "uniform"
    white_on_black: bool = False  # False: dark digits on white, as the original
    pool: str = "all"  # "all": every digit of the bank given; else that pool of it
    variation: Variation = NO_VARIATION

    def __post_init__(self) -> None:
        if self.pool != "all":
            check_pool(self.pool)
        if self.variation is not NO_VARIATION:
            Variation.check(self.variation)
        if (
            type(self.white_on_black) is bool
            and type(self.width) is int
            and type(self.min_spacing) is int
            and type(self.max_spacing) is int
            and type(self.rule) is str
            and type(self.digits) is tuple
            and is_plain_digits(self.digits)
        ):
            # Already canonical: only the layout check is left (remembered per layout).
            n = len(self.digits)
            plain_layout(n, self.width, self.min_spacing, self.max_spacing, self.rule)
            return
        object.__setattr__(self, "digits", as_digits(self.digits))
        lo, hi = check_spacing_range(self.min_spacing, self.max_spacing)
        object.__setattr__(self, "min_spacing", lo)
        object.__setattr__(self, "max_spacing", hi)
        check_rule(self.rule)
        check_width(len(self.digits), self.width, lo, hi, self.rule)
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "white_on_black", bool(self.white_on_black))

    @property
    def is_plain(self) -> bool:
        """The original's kind of image: no variation, no overlap."""
        variation = self.variation
        return self.min_spacing >= 0 and (variation is NO_VARIATION or variation.is_plain)


def sequence_spec(
    digits: object,
    width: int,
    min_spacing: int = 0,
    max_spacing: int = 0,
    rule: str = "uniform",
    white_on_black: bool = False,
) -> SequenceSpec:
    """SequenceSpec(as_digits(digits), ...) for a door that makes one per image.

    Plain arguments (a list or tuple of ints, ints, a str and a bool) are already in
    their canonical form: only the layout is checked (as SequenceSpec checks it, with
    the same errors) and the spec is made without the dataclass's field-by-field set-up.
    """
    if (
        type(width) is int
        and type(min_spacing) is int
        and type(max_spacing) is int
        and type(rule) is str
        and type(white_on_black) is bool
        and is_plain_digits(digits)
    ):
        digits = tuple(digits)  # type: ignore[arg-type]
        plain_layout(len(digits), width, min_spacing, max_spacing, rule)
        spec = object.__new__(SequenceSpec)
        spec.__dict__.update(
            digits=digits,
            width=width,
            min_spacing=min_spacing,
            max_spacing=max_spacing,
            rule=rule,
            white_on_black=white_on_black,
            pool="all",
            variation=NO_VARIATION,
        )
        return spec
    return SequenceSpec(as_digits(digits), width, min_spacing, max_spacing, rule, white_on_black)


@dataclass(frozen=True, eq=False)
class Composition:
    """One composed image and exactly how it was made."""

    spec: SequenceSpec
    pixels: np.ndarray  # (28, W), float32 in [0, 1] or uint8
    indices: tuple[int, ...]  # MNIST index of each digit
    gaps: tuple[int, ...]  # pixels between consecutive digits
    seed: int
    y_offsets: tuple[int, ...] | None = None  # top of each digit's cell; None: 0
    ink: np.ndarray | None = field(default=None, repr=False)  # (n, 4) of varied recipes
    bank: DigitBank | None = field(default=None, repr=False)

    @property
    def boxes(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each digit's cell (x0, y0, x1, y1), end-exclusive: pixels[y0:y1, x0:x1]."""
        x = batch_offsets(np.asarray([self.gaps], np.int64).reshape(1, -1))[0]
        cells = boxes_from_offsets(x, self.y_offsets)
        return tuple(tuple(box) for box in cells.tolist())

    @property
    def ink_boxes(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each digit's tight ink box (core/canvas.py, INK_THRESHOLD), end-exclusive."""
        ink = ink_boxes_of(self.bank, np.asarray(self.indices), np.asarray(self.boxes), self.ink)
        return tuple(tuple(box) for box in ink.tolist())


def draw_indices(bank: DigitBank, digits: np.ndarray, seed: int, items: np.ndarray) -> np.ndarray:
    """(N, n) MNIST indices for (N, n) digits; row r depends only on (seed, items[r])."""
    if not bank.counts.all():  # with every digit present there is nothing to check
        bank.check_available(digits)
    draws = keyed_uint32(seed, items, STREAM_INDEX, digits.shape[1])
    return bank.pick(digits, draws)


def draw_gaps(
    n: int,
    width: int,
    min_spacing: int,
    max_spacing: int,
    rule: str,
    seed: int,
    items: np.ndarray,
) -> np.ndarray:
    """(N, n-1) gaps for N items of n digits; the caller has validated the layout."""
    items = np.asarray(items).reshape(-1)
    if n <= 1:
        return np.zeros((len(items), 0), dtype=np.int64)
    if rule == "uniform":
        gap = uniform_gap(n, width, min_spacing, max_spacing)
        return np.full((len(items), n - 1), gap, dtype=np.int64)
    total = np.full(len(items), width - DIGIT_SIZE * n, dtype=np.int64)
    return random_gaps(
        total,
        n - 1,
        min_spacing,
        max_spacing,
        keyed_uint32(seed, items, STREAM_GAPS, n - 1),
        keyed_uint32(seed, items, STREAM_GAP_ORDER, n - 1),
    )


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


def check_indices(
    bank: DigitBank, digits: tuple[int, ...], indices: Iterable[int]
) -> tuple[int, ...]:
    """Explicit MNIST indices must exist and show the digit they stand for."""
    indices = tuple(int(i) for i in indices)
    if len(indices) != len(digits):
        raise SequenceError(
            f"{len(indices)} MNIST indices given for {len(digits)} digits; give one per digit"
        )
    for position, (digit, index) in enumerate(zip(digits, indices)):
        if not 0 <= index < len(bank):
            raise SequenceError(
                f"MNIST index {index} at position {position} is outside 0..{len(bank) - 1}"
            )
        if bank.labels[index] != digit:
            raise SequenceError(
                f"MNIST index {index} shows a {bank.labels[index]}, "
                f"not the {digit} at position {position}"
            )
        bank.check_holds(index)
    return indices


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
        from .varied import compose_varied  # varied.py builds on this module

        return compose_varied(bank, spec, seed, indices, dtype, item)
    seed = seed_int(seed)
    if indices is not None:
        indices = check_indices(bank, spec.digits, indices)
    pixels, chosen, gaps = compose_plain(
        bank,
        spec.digits,
        spec.width,
        spec.min_spacing,
        spec.max_spacing,
        spec.rule,
        spec.white_on_black,
        seed,
        output_dtype(dtype),
        indices,
        item,
    )
    return Composition(spec, pixels, chosen, gaps, seed, bank=bank)


@dataclass(frozen=True, eq=False)
class BatchComposition:
    """N images of n digits each, with their metadata as arrays."""

    pixels: np.ndarray  # (N, 28, W)
    digits: np.ndarray  # (N, n) int64
    indices: np.ndarray  # (N, n) int64 MNIST indices
    gaps: np.ndarray  # (N, n-1) int64
    offsets: np.ndarray  # (N, n) left edge of each digit
    seed: int
    y_offsets: np.ndarray | None = None  # (N, n) top of each digit's cell; None: 0
    ink: np.ndarray | None = field(default=None, repr=False)  # (N, n, 4) of varied recipes
    bank: DigitBank | None = field(default=None, repr=False)

    @functools.cached_property
    def boxes(self) -> np.ndarray:
        """(N, n, 4) cells (x0, y0, x1, y1), end-exclusive; -1 past a row's length."""
        boxes = boxes_from_offsets(self.offsets, self.y_offsets)
        boxes[self.offsets < 0] = -1
        return boxes

    @property
    def ink_boxes(self) -> np.ndarray:
        """(N, n, 4) tight ink boxes (core/canvas.py, INK_THRESHOLD); -1 past the length."""
        return ink_boxes_of(self.bank, self.indices, self.boxes, self.ink)


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
        from .varied import compose_varied_batch  # varied.py builds on this module

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
