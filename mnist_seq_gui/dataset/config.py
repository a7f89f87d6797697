"""What decides a data set's pixels (`DatasetConfig`) and how it is split (`Shard`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..core import (
    DIGIT_SIZE,
    MAX_SEED,
    MAX_WIDTH,
    NO_VARIATION,
    PLACEMENTS,
    RULES,
    DataError,
    InputError,
    SpacingError,
    StyleError,
    Variation,
    check_pool,
    check_spacing_range,
    free_width,
    lengths_layout_problem,
    whole_number,
    widths_for_lengths,
)

# Padding of the per-digit arrays past an item's length. BLANK is 10, one past the
# digits, so a CTC head with 11 classes uses it as its blank: nn.CTCLoss(blank=10).
BLANK = 10
NO_BOX = -1  # boxes and MNIST indices past an item's length
MAX_LENGTH = 64  # keeps the padded arrays and the PNG names sane
MAX_COUNT = 2**40
DTYPES = ("float32", "uint8")
NPZ_NAME = "dataset.npz"
METADATA_NAME = "metadata.jsonl"
CONFIG_NAME = "config.json"


class DatasetError(InputError):
    """Dataset arguments that cannot make a data set (count, lengths, layout, shard, output)."""


def _whole(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    return whole_number(name, value, minimum, maximum, error=DatasetError)


@dataclass(frozen=True)
class DatasetConfig:
    """Everything that decides the pixels of a data set; JSON round-trips it exactly.

    `width=None` picks the narrowest width every length can fill. `source=None` is the
    bundled MNIST test set; otherwise a folder holding one IDX pair or an images file.
    `source_sha256` fingerprints the digits actually used; a dataset built from this
    config refuses a source whose digits differ. `pool` draws only from that pool of
    the source (core/source.py); `variation` (a Variation or its dict) adds height,
    jitter, per-digit style, noise and blur. `placement` is "fill" (digits span the
    width exactly, the original) or "free" (core/layout.py). A config without these
    fields (every config made before they existed) means the whole source, no
    variation and fill.
    """

    count: int
    min_length: int = 5
    max_length: int = 5
    width: int | None = None
    min_spacing: int = 0
    max_spacing: int = 0
    rule: str = "uniform"
    white_on_black: bool = False
    seed: int = 0
    dtype: str = "float32"
    source: str | None = None
    source_sha256: str | None = None
    pool: str = "all"
    variation: Variation = NO_VARIATION
    placement: str = "fill"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            check_pool(self.pool)
            if not isinstance(self.variation, Variation):
                set_(self, "variation", Variation.from_dict(self.variation))
        except (DataError, StyleError, TypeError) as exc:
            raise DatasetError(str(exc)) from None
        set_(self, "count", _whole("count", self.count, 1, MAX_COUNT))
        set_(self, "min_length", _whole("length", self.min_length, 1, MAX_LENGTH))
        set_(self, "max_length", _whole("length", self.max_length, 1, MAX_LENGTH))
        if self.min_length > self.max_length:
            raise DatasetError(
                f"length range {self.min_length}-{self.max_length} is reversed; "
                f"write {self.max_length}-{self.min_length}"
            )
        try:
            lo, hi = check_spacing_range(self.min_spacing, self.max_spacing)
        except SpacingError as exc:
            raise DatasetError(str(exc)) from None
        set_(self, "min_spacing", lo)
        set_(self, "max_spacing", hi)
        if self.rule not in RULES:
            raise DatasetError(f"rule {self.rule!r} is unknown; use one of: {', '.join(RULES)}")
        set_(self, "seed", _whole("seed", self.seed, 0, MAX_SEED))
        if self.dtype not in DTYPES:
            raise DatasetError(f"dtype {self.dtype!r} is not supported; use {' or '.join(DTYPES)}")
        set_(self, "white_on_black", bool(self.white_on_black))
        if self.source is not None:
            set_(self, "source", str(self.source))
        if self.width is not None:
            set_(self, "width", _whole("width", self.width, DIGIT_SIZE, MAX_WIDTH))
        if self.placement not in PLACEMENTS:
            raise DatasetError(
                f"placement {self.placement!r} is unknown; use {' or '.join(PLACEMENTS)}"
            )
        problem = lengths_layout_problem(self.width, self.lengths, lo, hi, self.rule)
        if self.placement == "free":
            problem = self._free_problem()
            if problem:
                raise DatasetError(problem)
            if self.width is None:
                set_(self, "width", free_width(self.max_length, hi))
        elif problem:
            raise DatasetError(problem)
        elif self.width is None:
            set_(self, "width", widths_for_lengths(self.lengths, lo, hi, self.rule)[0])

    def _free_problem(self) -> str | None:
        """Why the width cannot hold the longest sequence freely placed, or None."""
        need = free_width(self.max_length, self.max_spacing)
        if need > MAX_WIDTH or (self.width is not None and self.width < need):
            return (
                f"width {self.width or need:,} cannot hold {self.max_length} freely placed "
                f"digits with gaps up to {self.max_spacing}: they may span {need:,} px; use "
                f"width {need} or more (at most {MAX_WIDTH:,}), or less spacing"
            )
        return None

    @property
    def lengths(self) -> range:
        return range(self.min_length, self.max_length + 1)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["variation"] = self.variation.to_dict()
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DatasetError(f"unknown dataset config field(s): {', '.join(unknown)}")
        return cls(**dict(data))

    @classmethod
    def from_json(cls, text: str) -> DatasetConfig:
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True)
class Shard:
    """The `index`-th (1-based) of `count` contiguous parts of a data set's item range."""

    index: int = 1
    count: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.index, int) and isinstance(self.count, int)) or self.count < 1:
            raise DatasetError(
                f"shard {self.index}/{self.count} is not valid; write k/n with 1 <= k <= n"
            )
        if not 1 <= self.index <= self.count:
            raise DatasetError(
                f"shard {self.index}/{self.count} does not exist; "
                f"shards are numbered 1..{self.count}"
            )

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"\s*(-?\d+)\s*/\s*(-?\d+)\s*", text)
        if not match:
            shown = text if len(text) <= 40 else f"{text[:37]}..."
            raise DatasetError(f"shard {shown!r} is not of the form k/n, e.g. 2/4")
        if max(len(match.group(1)), len(match.group(2))) > 19:
            raise DatasetError("shard numbers that large are out of range; write k/n, e.g. 2/4")
        return cls(int(match.group(1)), int(match.group(2)))

    def bounds(self, total: int) -> tuple[int, int]:
        """[start, stop) item numbers; sizes differ by at most one, union is 0..total-1."""
        if self.count > total:
            raise DatasetError(
                f"{self.count} shards of {total:,} items would leave some empty; "
                f"use at most {total} shards"
            )
        return (self.index - 1) * total // self.count, self.index * total // self.count

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
