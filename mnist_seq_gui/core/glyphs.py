"""Glyph tables: a bank's digits in output polarity, uint8 and float32, built once per bank.

Single images are put together from these in one `np.concatenate`, with no per-call
conversion: float32 pixels are the uint8 values / 255, computed once for every digit
(the same division the batch path does chunk by chunk, so the values are identical).
"""

from __future__ import annotations

import numpy as np

from .idx import DIGIT_SIZE
from .source import DigitBank

UINT8 = np.dtype(np.uint8)
FLOAT32 = np.dtype(np.float32)
# The spellings of the two output dtypes people pass, looked up without np.dtype().
_KNOWN_DTYPES: dict[object, np.dtype] = {
    np.uint8: UINT8,
    np.float32: FLOAT32,
    UINT8: UINT8,
    FLOAT32: FLOAT32,
    "uint8": UINT8,
    "float32": FLOAT32,
}
# Images joined straight from the uint8 table before the tables of views (and the
# float32 table: 31 MB for 10,000 digits, about 20 ms to build) are worth building.
_WARM_UP = 32
_F255 = np.float32(255)
_NONE: dict[int, np.ndarray] = {}  # an empty mapping to look up in (never written)
# Background blocks up to this width are kept; wider gaps are rare and made on demand.
_MAX_KEPT_GAP = 256


def output_dtype(dtype: object) -> np.dtype:
    """uint8 or float32 as a numpy dtype; ValueError for anything else."""
    if isinstance(dtype, (type, str, np.dtype)):
        known = _KNOWN_DTYPES.get(dtype)
        if known is not None:
            return known
    resolved = np.dtype(dtype)  # type: ignore[call-overload]
    if resolved not in (UINT8, FLOAT32):
        raise ValueError(f"output dtype {resolved} is not supported; use float32 or uint8")
    return UINT8 if resolved == UINT8 else FLOAT32  # the two objects `is` compares against


class GlyphTables:
    """Per-bank lookup data for one-image composition, as plain Python lists.

    `order`, `starts` and `counts` are the bank's label index as lists (cheap to index
    with small ints); `glyphs(dtype, white_on_black)` is every digit in output polarity
    as a list of read-only (28, 28) views of one table; `background(gap, ...)` is a
    read-only (28, gap) block of background.
    """

    def __init__(self, bank: DigitBank) -> None:
        self.bank = bank
        self.order: list[int] = bank.by_label_order.tolist()
        self.starts: list[int] = bank.starts.tolist()
        self.counts: list[int] = bank.counts.tolist()
        # Keyed by (dtype is uint8, white_on_black): plain bools hash fastest.
        self._glyphs: dict[tuple[bool, bool], list[np.ndarray]] = {}
        # (dtype is uint8, white_on_black) -> gap -> read-only (28, gap) background.
        self._images = 0  # made before the tables of views (see render)
        self._blocks: dict[tuple[bool, bool], dict[int, np.ndarray]] = {}
        self._columns: dict[tuple[bool, bool], list[np.ndarray]] = {}  # glyphs, transposed

    def table(self, dtype: np.dtype, white_on_black: bool) -> np.ndarray:
        """(N, 28, 28) every digit in output polarity and dtype (read-only)."""
        table = self.bank.output_table(white_on_black)
        if dtype == FLOAT32:
            table = np.divide(table, np.float32(255), dtype=np.float32)
            table.flags.writeable = False
        return table

    def glyphs(self, dtype: np.dtype, white_on_black: bool) -> list[np.ndarray]:
        key = (dtype is UINT8, white_on_black)
        glyphs = self._glyphs.get(key)
        if glyphs is None:
            # A list of views: indexing a list is several times cheaper than an array.
            glyphs = self._glyphs[key] = list(self.table(dtype, white_on_black))
        return glyphs

    def columns(self, dtype: np.dtype, white_on_black: bool) -> list[np.ndarray]:
        """glyphs(...) transposed: each digit as a (28 columns, 28 rows) view."""
        key = (dtype is UINT8, white_on_black)
        columns = self._columns.get(key)
        if columns is None:
            columns = self._columns[key] = [glyph.T for glyph in self.glyphs(dtype, white_on_black)]
        return columns

    def background(self, gap: int, dtype: np.dtype, white_on_black: bool) -> np.ndarray:
        kept = self._blocks.setdefault((dtype is UINT8, white_on_black), {})
        block = kept.get(gap)
        if block is None:
            value = 0 if white_on_black else 255 if dtype == UINT8 else 1
            block = np.full((DIGIT_SIZE, gap), value, dtype=dtype)
            block.flags.writeable = False
            if gap <= _MAX_KEPT_GAP:
                kept[gap] = block
        return block

    def render(
        self, indices: tuple[int, ...], gaps: tuple[int, ...], dtype: np.dtype, white_on_black: bool
    ) -> np.ndarray:
        """(28, W) pixels: the digits `indices` left to right with `gaps` (all >= 0) between.

        `dtype` is UINT8 or FLOAT32 as returned by output_dtype. A bank's first few
        images (a one-off image from the command line or a short script) are joined
        from its uint8 table, and divided for float32, without building a table of views
        or a float32 table (31 MB for 10,000 digits): the same pixels, sooner.
        """
        glyphs = self._glyphs.get((dtype is UINT8, white_on_black))
        if glyphs is None:
            self._images += 1
            if self._images <= _WARM_UP:
                table = self.bank.output_table(white_on_black)
                pixels = self._join(table, indices, gaps, UINT8, white_on_black)
                return pixels if dtype is UINT8 else np.divide(pixels, _F255, dtype=np.float32)
            glyphs = self.glyphs(dtype, white_on_black)
        return self._join(glyphs, indices, gaps, dtype, white_on_black)

    def _join(
        self,
        glyphs: list[np.ndarray] | np.ndarray,
        indices: tuple[int, ...],
        gaps: tuple[int, ...],
        dtype: np.dtype,
        white_on_black: bool,
    ) -> np.ndarray:
        if len(indices) == 1:
            return glyphs[indices[0]].copy()
        gap = gaps[0]
        if gaps.count(gap) == len(gaps):  # equal gaps: the common case, built in bulk
            if not gap:
                return np.concatenate([glyphs[i] for i in indices], axis=1)
            block = self._blocks.get((dtype is UINT8, white_on_black), _NONE).get(gap)
            if block is None:
                block = self.background(gap, dtype, white_on_black)
            pieces = [block] * (2 * len(indices) - 1)
            pieces[::2] = [glyphs[i] for i in indices]
            return np.concatenate(pieces, axis=1)
        # Unequal gaps: one background fill, then each digit written into its columns
        # (through the transposed image, whose column runs are one slice each): one to
        # two microseconds sooner than joining 2n - 1 pieces for a 5-digit image.
        if isinstance(glyphs, np.ndarray):  # the warm-up table
            columns: list[np.ndarray] | np.ndarray = glyphs.transpose(0, 2, 1)
        else:
            columns = self.columns(dtype, white_on_black)
        width = DIGIT_SIZE * len(indices) + sum(gaps)
        out = np.empty((DIGIT_SIZE, width), dtype)
        out.fill(0 if white_on_black else 255 if dtype is UINT8 else 1)
        out_columns = out.T
        x = 0
        for index, gap in zip(indices, gaps):
            out_columns[x : x + DIGIT_SIZE] = columns[index]
            x += DIGIT_SIZE + gap
        out_columns[x:] = columns[indices[-1]]
        return out


def glyph_tables(bank: DigitBank) -> GlyphTables:
    """The bank's glyph tables, made on first use and kept with the bank's other tables."""
    tables = bank._tables.get("glyphs")
    if tables is None:
        tables = bank._tables["glyphs"] = GlyphTables(bank)
    return tables
