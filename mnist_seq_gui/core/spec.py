"""What is drawn and what comes out: SequenceSpec (a checked recipe for one image),
Composition and BatchComposition (pixels with the metadata that describes them), and the
keyed draws of MNIST indices and gaps that every renderer shares.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .canvas import ink_boxes_of
from .errors import SequenceError
from .idx import DIGIT_SIZE
from .keyed_random import STREAM_GAP_ORDER, STREAM_GAPS, STREAM_INDEX, keyed_uint32
from .layout import batch_offsets, boxes_from_offsets
from .sequence import as_digits, is_plain_digits
from .single import plain_layout
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
