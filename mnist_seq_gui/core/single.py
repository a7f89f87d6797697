"""One plain image (no variation) per call, in plain Python on small ints.

The batch path's numpy calls cost about a microsecond each however small the array,
so for one image the same draws, layout and gap rule are computed here on Python ints
and the pixels are put together with a single `np.concatenate` from cached glyph
tables. Every value equals row `item` of the batch path for the same seed (tests
compare them, and pinned digests hold both to the pixels of earlier versions).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .glyphs import FLOAT32, GlyphTables, glyph_tables, output_dtype
from .idx import DIGIT_SIZE
from .keyed_random import (
    MAX_SEED,
    STREAM_DIGITS,
    STREAM_GAP_ORDER,
    STREAM_GAPS,
    STREAM_INDEX,
    STREAM_LENGTH,
    _mix_int,
    check_seed,
)
from .source import DigitBank
from .spacing import check_rule, check_spacing_range, check_width

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_SLOT_STEP = 0xD1B54A32D192ED03
_INDEX_STREAM = STREAM_INDEX * _GOLDEN  # as stream_key mixes it in
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB  # SplitMix64's finaliser constants
RANDOM = -1  # plain_layout's answer for the random rule (gaps drawn per image)


def seed_int(seed: object) -> int:
    """The seed as an int, checked as `check_seed` does (fast for a plain int)."""
    if type(seed) is int and 0 <= seed <= MAX_SEED:
        return seed
    return check_seed(seed)


_SLOT_STEPS = [(slot * _SLOT_STEP) & _MASK64 for slot in range(1, 65)]


def _slot_steps(count: int) -> list[int]:
    if count <= len(_SLOT_STEPS):
        return _SLOT_STEPS[:count]
    return [(slot * _SLOT_STEP) & _MASK64 for slot in range(1, count + 1)]


def stream_key(seed_mix: int, stream: int) -> int:
    """The key of one stream of a seed, as keyed_uint32 derives it; seed_mix = _mix_int(seed)."""
    return _mix_int(seed_mix ^ (stream * _GOLDEN))


def stream_keys(seed: int) -> tuple[int, ...]:
    """Every stream's key for `seed`, indexed by stream number (0 is unused)."""
    seed_mix = _mix_int(seed)
    return tuple(stream_key(seed_mix, stream) for stream in range(STREAM_LENGTH + 1))


def keyed_row(key: int, item: int, count: int) -> list[int]:
    """Row `item` of keyed_uint32(seed, ..., stream, count) as ints, for the stream's key.

    The mixer (keyed_random._mix_int) is written out inline: this runs for every
    image, and a call per slot costs more than the arithmetic.
    """
    m, c1, c2 = _MASK64, _MIX1, _MIX2
    x = ((item * _GOLDEN) & m) ^ key
    x = ((x ^ (x >> 30)) * c1) & m
    x = ((x ^ (x >> 27)) * c2) & m
    base = x ^ (x >> 31)
    row = []
    for step in _slot_steps(count):
        x = (base + step) & m
        x = ((x ^ (x >> 30)) * c1) & m
        x = ((x ^ (x >> 27)) * c2) & m
        row.append((x ^ (x >> 31)) >> 32)
    return row


@functools.lru_cache(maxsize=4096)
def _checked_layout(n: int, width: int, min_spacing: int, max_spacing: int, rule: str) -> int:
    check_spacing_range(min_spacing, max_spacing)
    check_rule(rule)
    check_width(n, width, min_spacing, max_spacing, rule)
    if rule != "uniform":
        return RANDOM
    return 0 if n <= 1 else int(width - DIGIT_SIZE * n) // (n - 1)


def plain_layout(n: int, width: int, min_spacing: int, max_spacing: int, rule: str) -> int:
    """The uniform gap, or RANDOM; raises as the spacing checks do if there is no layout.

    Validated layouts of plain ints are remembered (bools and numpy integers, which
    compare equal to ints, take the uncached path so that they are checked as before).
    """
    if (
        type(width) is int
        and type(min_spacing) is int
        and type(max_spacing) is int
        and type(rule) is str
    ):
        return _checked_layout(n, width, min_spacing, max_spacing, rule)
    return _checked_layout.__wrapped__(n, width, min_spacing, max_spacing, rule)


def random_gap_row(
    total: int, min_spacing: int, max_spacing: int, sizes: list[int], order: list[int]
) -> list[int]:
    """One row of spacing.random_gaps: the same draws give the same gaps."""
    n_gaps = len(sizes)
    cap = max_spacing - min_spacing
    slack = total - n_gaps * min_spacing
    gaps = []
    room_after = n_gaps * cap  # what the gaps after this one can still take
    for draw in sizes:
        room_after -= cap
        lo = slack - room_after
        if lo < 0:  # comparisons, not max() and min(): this runs for every image
            lo = 0
        hi = cap if cap < slack else slack
        gap = lo + ((draw * (hi - lo + 1)) >> 32)
        gaps.append(gap + min_spacing)
        slack -= gap
    # A stable argsort of the order draws, as numpy's kind="stable" does.
    return [gaps[j] for j in sorted(range(n_gaps), key=order.__getitem__)]


def compose_plain(
    bank: DigitBank,
    digits: tuple[int, ...],
    width: int,
    min_spacing: int,
    max_spacing: int,
    rule: str,
    white_on_black: bool,
    seed: int,
    dtype: np.dtype,
    indices: tuple[int, ...] | None = None,
    item: int = 0,
    keys: tuple[int, ...] | None = None,
) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """(pixels, MNIST indices, gaps) of item `item`: row `item` of the batch path.

    `seed` is checked (seed_int), `dtype` is UINT8 or FLOAT32 (output_dtype), and
    `indices`, if given, has been checked against the digits (check_indices). `keys`,
    if given, is stream_keys(seed), for callers that compose many items of one seed.
    """
    n = len(digits)
    layout = plain_layout(n, width, min_spacing, max_spacing, rule)
    if min_spacing < 0:
        raise ValueError("overlapping digits (negative spacing) are not a plain layout")
    glyphs = glyph_tables(bank)
    if keys is None:
        seed_mix = _mix_int(seed)
        index_key = _mix_int(seed_mix ^ _INDEX_STREAM)
    else:
        index_key = keys[STREAM_INDEX]
    if indices is None:
        if not all(map(glyphs.counts.__getitem__, digits)):
            bank.check_available(np.asarray(digits))  # raises, naming every missing digit
        indices = _pick(glyphs, digits, keyed_row(index_key, item, n))
    if layout != RANDOM or n == 1:
        gaps = (layout,) * (n - 1)
        return glyphs.render(indices, gaps, dtype, white_on_black), indices, gaps
    if keys is None:
        size_key = stream_key(seed_mix, STREAM_GAPS)
        order_key = stream_key(seed_mix, STREAM_GAP_ORDER)
    else:
        size_key, order_key = keys[STREAM_GAPS], keys[STREAM_GAP_ORDER]
    gaps = _random_gaps(n, width, min_spacing, max_spacing, size_key, order_key, item)
    return glyphs.render(indices, gaps, dtype, white_on_black), indices, gaps


def plain_pixels(
    bank: DigitBank, spec: Any, seed: object, dtype: DTypeLike = FLOAT32
) -> np.ndarray:
    """compose(bank, spec, seed, dtype=dtype).pixels without the metadata around it, for
    a plain spec (no variation, no overlap) drawn from all of `bank`: the quickest way
    to one image, for doors that only hand back pixels (the API's
    generate_mnist_sequence). ValueError for a spec that is not plain."""
    if spec.pool != "all" or not spec.is_plain:
        raise ValueError("plain_pixels takes plain specs of all digits; use compose")
    return compose_spec(bank, spec, seed_int(seed), output_dtype(dtype))[0]


def compose_spec(
    bank: DigitBank,
    spec: Any,
    seed: int,
    dtype: np.dtype,
    indices: tuple[int, ...] | None = None,
    item: int = 0,
) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """compose_plain with the digits and layout of a plain SequenceSpec."""
    return compose_plain(
        bank,
        spec.digits,
        spec.width,
        spec.min_spacing,
        spec.max_spacing,
        spec.rule,
        spec.white_on_black,
        seed,
        dtype,
        indices,
        item,
    )


def _pick(glyphs: GlyphTables, digits: tuple[int, ...], draws: list[int]) -> tuple[int, ...]:
    """MNIST indices for `digits` from uint32 draws, as DigitBank.pick chooses them."""
    order, starts, counts = glyphs.order, glyphs.starts, glyphs.counts
    return tuple([order[starts[d] + ((u * counts[d]) >> 32)] for d, u in zip(digits, draws)])


def _random_gaps(
    n: int, width: int, lo: int, hi: int, size_key: int, order_key: int, item: int
) -> tuple[int, ...]:
    sizes, order = keyed_row(size_key, item, n - 1), keyed_row(order_key, item, n - 1)
    return tuple(random_gap_row(width - DIGIT_SIZE * n, lo, hi, sizes, order))


class PlainItems:
    """Data-set items one at a time: item i has a length and digits drawn from (seed, i),
    as `random_sequences` draws them, and is composed on the one-image path.

    `items(i)` -> (pixels, digits, MNIST indices, left edges of the digits): the same
    values as row i of the batch path (random_sequences + compose_batch). The layout
    of every length must have been checked (a DatasetConfig does it).
    """

    def __init__(
        self,
        bank: DigitBank,
        min_length: int,
        max_length: int,
        width: int,
        min_spacing: int,
        max_spacing: int,
        rule: str,
        white_on_black: bool,
        seed: int,
        dtype: DTypeLike,
    ) -> None:
        self.min_length, self.max_length = int(min_length), int(max_length)
        self.width, self.min_spacing, self.max_spacing = (
            int(width),
            int(min_spacing),
            int(max_spacing),
        )
        self.white_on_black = bool(white_on_black)
        self.seed = seed_int(seed)
        self.dtype = output_dtype(dtype)
        self.keys = stream_keys(self.seed)
        if self.min_spacing < 0:
            raise ValueError("overlapping digits (negative spacing) are not a plain layout")
        # Every length's layout, checked once (SpacingError if one has none).
        self.layouts = {
            n: plain_layout(n, self.width, self.min_spacing, self.max_spacing, str(rule))
            for n in range(self.min_length, self.max_length + 1)
        }
        bank.check_available(np.arange(10))  # items may hold any digit
        self.glyphs = glyph_tables(bank)

    def digits(self, item: int) -> tuple[int, ...]:
        """Item `item`'s digits: row `item` of random_sequences, cut to its length."""
        longest = self.max_length
        n = longest
        if self.min_length != longest:
            span = longest - self.min_length + 1
            n = self.min_length + ((keyed_row(self.keys[STREAM_LENGTH], item, 1)[0] * span) >> 32)
        return tuple([(u * 10) >> 32 for u in keyed_row(self.keys[STREAM_DIGITS], item, n)])

    def __call__(
        self, item: int
    ) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        digits = self.digits(item)
        n = len(digits)
        keys, glyphs = self.keys, self.glyphs
        indices = _pick(glyphs, digits, keyed_row(keys[STREAM_INDEX], item, n))
        layout = self.layouts[n]
        if layout != RANDOM or n == 1:
            gap = max(layout, 0)
            pixels = glyphs.render(indices, (gap,) * (n - 1), self.dtype, self.white_on_black)
            return (
                pixels,
                digits,
                indices,
                tuple(range(0, n * (DIGIT_SIZE + gap), DIGIT_SIZE + gap)),
            )
        width, lo, hi = self.width, self.min_spacing, self.max_spacing
        gaps = _random_gaps(n, width, lo, hi, keys[STREAM_GAPS], keys[STREAM_GAP_ORDER], item)
        pixels = glyphs.render(indices, gaps, self.dtype, self.white_on_black)
        left = [0]
        for gap in gaps:
            left.append(left[-1] + DIGIT_SIZE + gap)
        return pixels, digits, indices, tuple(left)
