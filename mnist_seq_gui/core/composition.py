"""Composition: digits + layout -> pixels (28 x W) and the metadata that describes them."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .errors import SequenceError
from .idx import DIGIT_SIZE
from .keyed_random import (
    STREAM_GAP_ORDER,
    STREAM_GAPS,
    STREAM_INDEX,
    check_seed,
    keyed_uint32,
)
from .sequence import as_digits
from .source import DigitBank
from .spacing import check_rule, check_spacing_range, check_width, random_gaps, uniform_gap


@dataclass(frozen=True)
class SequenceSpec:
    """What to draw: validated on creation, so a spec that exists can be composed."""

    digits: tuple[int, ...]
    width: int
    min_spacing: int = 0
    max_spacing: int = 0
    rule: str = "uniform"
    white_on_black: bool = False  # False: dark digits on white, as the original

    def __post_init__(self) -> None:
        object.__setattr__(self, "digits", as_digits(self.digits))
        lo, hi = check_spacing_range(self.min_spacing, self.max_spacing)
        object.__setattr__(self, "min_spacing", lo)
        object.__setattr__(self, "max_spacing", hi)
        check_rule(self.rule)
        check_width(len(self.digits), self.width, lo, hi, self.rule)
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "white_on_black", bool(self.white_on_black))


@dataclass(frozen=True, eq=False)
class Composition:
    """One composed image and exactly how it was made."""

    spec: SequenceSpec
    pixels: np.ndarray  # (28, W), float32 in [0, 1] or uint8
    indices: tuple[int, ...]  # MNIST index of each digit
    gaps: tuple[int, ...]  # pixels between consecutive digits
    seed: int

    @property
    def boxes(self) -> tuple[tuple[int, int, int, int], ...]:
        """Each digit's (x0, y0, x1, y1), end-exclusive: pixels[y0:y1, x0:x1] is the digit."""
        offsets = batch_offsets(np.asarray([self.gaps], dtype=np.int64).reshape(1, -1))
        return tuple(tuple(box) for box in boxes_from_offsets(offsets)[0].tolist())


def batch_offsets(gaps: np.ndarray) -> np.ndarray:
    """(N, n-1) gaps -> (N, n) left edges of the digits."""
    n_items, n_gaps = gaps.shape
    x0 = np.zeros((n_items, n_gaps + 1), dtype=np.int64)
    if n_gaps:
        x0[:, 1:] = np.cumsum(gaps + DIGIT_SIZE, axis=1)
    return x0


def boxes_from_offsets(offsets: np.ndarray) -> np.ndarray:
    """(..., n) left edges -> (..., n, 4) boxes (x0, y0, x1, y1), end-exclusive."""
    boxes = np.empty((*offsets.shape, 4), dtype=np.int64)
    boxes[..., 0] = offsets
    boxes[..., 1] = 0
    boxes[..., 2] = offsets + DIGIT_SIZE
    boxes[..., 3] = DIGIT_SIZE
    return boxes


def draw_indices(bank: DigitBank, digits: np.ndarray, seed: int, items: np.ndarray) -> np.ndarray:
    """(N, n) MNIST indices for (N, n) digits; row r depends only on (seed, items[r])."""
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


# Rows composed per step: the per-slot gather buffer stays in cache (about 1 MiB)
# instead of allocating, and page-faulting, a batch-sized temporary for every slot.
_CHUNK_BYTES = 1 << 20
# The row-gather path keeps a table of every digit row plus its gap; past this gap
# the table grows large and the slot loop is as fast anyway.
_MAX_ROW_GAP = 36
_MIN_ROW_ITEMS = 256


def _equal_gap(offsets: np.ndarray) -> int | None:
    """The common gap if every row has the same, equal gaps; else None."""
    if not (offsets == offsets[0]).all():
        return None
    steps = np.diff(offsets[0])
    if len(steps) and not (steps == steps[0]).all():
        return None
    return int(steps[0]) - DIGIT_SIZE if len(steps) else 0


def _render_by_rows(
    bank: DigitBank,
    indices: np.ndarray,
    gap: int,
    width: int,
    white_on_black: bool,
    out: np.ndarray,
) -> None:
    """Equal gaps: each output row is n consecutive (digit row + gap) pieces.

    One `np.take` per chunk gathers those pieces (a tight copy loop in numpy) into a
    row of width + gap, which is then trimmed to width while being copied, and for
    float32 converted, into the output. Chunks run on all cores: numpy releases the
    GIL in both steps.
    """
    rows_table = bank.padded_rows(gap, white_on_black)
    n_items, n = indices.shape
    piece = DIGIT_SIZE + gap
    # Measured: uint8 output prefers larger steps (fewer per-step costs), float32
    # smaller ones (its output chunk is four times the gathered bytes).
    step_bytes = _CHUNK_BYTES * (4 if out.dtype == np.uint8 else 1)
    chunk = max(1, step_bytes // (DIGIT_SIZE * n * piece))
    row_in_digit = np.arange(DIGIT_SIZE, dtype=np.int64)[None, :, None]

    def work(span: range) -> None:
        wide_all = np.empty((min(chunk, len(span)) * DIGIT_SIZE * n, piece), np.uint8)
        for start in range(span.start, span.stop, chunk):
            stop = min(start + chunk, span.stop)
            which = (indices[start:stop, None, :] * DIGIT_SIZE + row_in_digit).reshape(-1)
            wide = wide_all[: len(which)]
            # mode="clip": the indices are valid by construction, and "raise" would
            # make numpy buffer `out` for every call.
            np.take(rows_table, which, axis=0, out=wide, mode="clip")
            rows = wide.reshape(stop - start, DIGIT_SIZE, n * piece)[:, :, :width]
            if out.dtype == np.uint8:
                out[start:stop] = rows
            else:
                np.divide(rows, np.float32(255), out=out[start:stop], dtype=np.float32)

    workers = max(1, min(os.cpu_count() or 1, -(-n_items // chunk)))
    per_worker = -(-n_items // workers)
    spans = [range(s, min(s + per_worker, n_items)) for s in range(0, n_items, per_worker)]
    if len(spans) == 1:
        work(spans[0])
        return
    with ThreadPoolExecutor(max_workers=len(spans)) as pool:
        for _ in pool.map(work, spans):
            pass


def render_batch(
    bank: DigitBank,
    indices: np.ndarray,
    offsets: np.ndarray,
    width: int,
    white_on_black: bool = False,
    dtype=np.float32,
) -> np.ndarray:
    """(N, 28, width) pixels: digit indices[r, j] placed at column offsets[r, j].

    Loops run over chunks of rows, digit slots and (when rows differ) distinct
    offsets, never over images.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.uint8), np.dtype(np.float32)):
        raise ValueError(f"output dtype {dtype} is not supported; use float32 or uint8")
    n_items, n = indices.shape
    out = np.empty((n_items, DIGIT_SIZE, width), dtype=dtype)
    if n_items == 0:
        return out
    gap = _equal_gap(offsets) if n_items >= _MIN_ROW_ITEMS else None
    if gap is not None and gap <= _MAX_ROW_GAP:
        _render_by_rows(bank, indices, gap, width, white_on_black, out)
        return out
    # Compose in uint8 and convert each chunk while it is in cache: float32 pixels are
    # uint8 / 255 exactly, and the gathers move a quarter of the bytes.
    table = bank.output_table(white_on_black)
    background = 0 if white_on_black else 255
    convert = out.dtype != np.uint8
    shared = n_items == 1 or bool((offsets == offsets[0]).all())
    chunk = max(1, _CHUNK_BYTES // (DIGIT_SIZE * width))
    gathered_all = np.empty((min(chunk, n_items), DIGIT_SIZE, DIGIT_SIZE), np.uint8)
    staging = np.empty((min(chunk, n_items), DIGIT_SIZE, width), np.uint8) if convert else None
    for start in range(0, n_items, chunk):
        stop = min(start + chunk, n_items)
        rows = staging[: stop - start] if convert else out[start:stop]
        gathered = gathered_all[: stop - start]
        if shared:
            done = 0
            for j, x in enumerate(offsets[0].tolist()):
                if x > done:
                    rows[:, :, done:x] = background
                np.take(table, indices[start:stop, j], axis=0, out=gathered, mode="clip")
                rows[:, :, x : x + DIGIT_SIZE] = gathered
                done = x + DIGIT_SIZE
            if done < width:
                rows[:, :, done:] = background
        else:
            rows.fill(background)
            for j in range(n):
                np.take(table, indices[start:stop, j], axis=0, out=gathered, mode="clip")
                column = offsets[start:stop, j]
                order = np.argsort(column, kind="stable")
                starts, first = np.unique(column[order], return_index=True)
                for x, group in zip(starts.tolist(), np.split(order, first[1:])):
                    rows[group, :, x : x + DIGIT_SIZE] = gathered[group]
        if convert:
            np.divide(rows, np.float32(255), out=out[start:stop], dtype=np.float32)
    return out


def check_indices(bank: DigitBank, digits: tuple[int, ...], indices) -> tuple[int, ...]:
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
    return indices


def compose(
    bank: DigitBank,
    spec: SequenceSpec,
    seed: int,
    indices=None,
    dtype=np.float32,
) -> Composition:
    """One image. Equal to item 0 of `compose_batch` with the same seed and parameters.

    `indices`, if given, fixes the MNIST image of each digit (e.g. to reroll one digit
    and keep the others); otherwise they are drawn from the seed.
    """
    seed = check_seed(seed)
    digits = np.asarray([spec.digits], dtype=np.int64)
    items = np.zeros(1, dtype=np.uint64)
    if indices is None:
        chosen = draw_indices(bank, digits, seed, items)
    else:
        chosen = np.asarray([check_indices(bank, spec.digits, indices)], dtype=np.int64)
    gaps = draw_gaps(
        len(spec.digits), spec.width, spec.min_spacing, spec.max_spacing, spec.rule, seed, items
    )
    pixels = render_batch(
        bank, chosen, batch_offsets(gaps), spec.width, spec.white_on_black, dtype
    )[0]
    return Composition(
        spec=spec,
        pixels=pixels,
        indices=tuple(chosen[0].tolist()),
        gaps=tuple(gaps[0].tolist()),
        seed=seed,
    )


@dataclass(frozen=True, eq=False)
class BatchComposition:
    """N images of n digits each, with their metadata as arrays."""

    pixels: np.ndarray  # (N, 28, W)
    digits: np.ndarray  # (N, n) int64
    indices: np.ndarray  # (N, n) int64 MNIST indices
    gaps: np.ndarray  # (N, n-1) int64
    offsets: np.ndarray  # (N, n) left edge of each digit
    seed: int

    @property
    def boxes(self) -> np.ndarray:
        """(N, n, 4) boxes (x0, y0, x1, y1), end-exclusive."""
        return boxes_from_offsets(self.offsets)


def compose_batch(
    bank: DigitBank,
    digits,
    width: int,
    min_spacing: int = 0,
    max_spacing: int = 0,
    rule: str = "uniform",
    white_on_black: bool = False,
    seed: int = 0,
    items=None,
    dtype=np.float32,
) -> BatchComposition:
    """N sequences of the same length at once. Row r is item items[r] (default r) of `seed`."""
    seed = check_seed(seed)
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
    check_width(n, width, lo, hi, rule)
    indices = draw_indices(bank, digits, seed, items)
    gaps = draw_gaps(n, width, lo, hi, rule, seed, items)
    offsets = batch_offsets(gaps)
    pixels = render_batch(bank, indices, offsets, width, white_on_black, dtype)
    return BatchComposition(pixels, digits, indices, gaps, offsets, seed)
