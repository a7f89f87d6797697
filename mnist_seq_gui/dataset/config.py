"""What decides a data set's pixels (`DatasetConfig`) and how it is split (`Shard`)."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core import (
    DEFAULT,
    DTYPES,
    FIELDS,
    MAX_SEED,
    InputError,
    Recipe,
    from_dict,
    is_held,
    resolve,
    shown,
    to_dict,
    whole_number,
)

# Padding of the per-digit arrays past an item's length. BLANK is 10, one past the
# digits, so a CTC head with 11 classes uses it as its blank: nn.CTCLoss(blank=10).
BLANK = 10
NO_BOX = -1  # boxes and MNIST indices past an item's length
MAX_LENGTH = 64  # keeps the padded arrays and the PNG names sane
MAX_COUNT = 2**40
NPZ_NAME = "dataset.npz"
METADATA_NAME = "metadata.jsonl"
CONFIG_NAME = "config.json"
_OWN_FIELDS = ("count", "min_length", "max_length", "seed", "dtype", "source", "source_sha256")
# in config.json when given
_LIST_FIELDS = ("labels", "labels_in_order", "length_weights", "pool_part", "hold_out")


class DatasetError(InputError):
    """Dataset arguments that cannot make a data set (count, lengths, layout, shard, output)."""


@dataclass(frozen=True, init=False)
class DatasetConfig:
    """Everything that decides the pixels of a data set: a Recipe, and how many items of
    which lengths from which seed, pixel type and digit source. JSON round-trips it.

    Made from keywords: `DatasetConfig(count=1000, min_length=3, max_length=8,
    spacing=(0, 60), rule="random", variation={"rotation": (-10, 10)}, seed=7)` (recipe
    fields by the names of the command line's options), or with `recipe=Recipe(...)`.
    The recipe is made concrete for the lengths when the config is made: its width (None:
    the narrowest that fits) and its placement (auto: fill when the width lets every
    length fill it, else free) are what config.json records. `source=None` is the bundled
    MNIST test set; `source_sha256` fingerprints the digits a data set was made with.

    `labels=["20240131", "007", ...]` (strings of digits) makes every item's label one of
    them, drawn per item, or item i's the (i mod len)-th with `labels_in_order=True`; the
    lengths then come from the strings unless given, and must hold every one of them.
    `length_weights=(1, 1, 2, ...)` weighs the lengths min_length..max_length (one
    non-negative weight each; None: even, the same draws as equal weights).

    Splits (dataset/splits.py) set `pool_part=(k, n)`, part k of n of the pool, and
    `hold_out=(fraction, held, key)`: only strings that draws.is_held holds (or not)."""

    count: int
    min_length: int
    max_length: int
    seed: int
    dtype: str
    source: str | None
    source_sha256: str | None
    labels: tuple[str, ...] | None = field(repr=False)
    labels_in_order: bool
    length_weights: tuple[float, ...] | None
    pool_part: tuple[int, int] | None
    hold_out: tuple[float, bool, int] | None
    _sizes: frozenset[int] = field(repr=False, compare=False)  # lengths the items can have
    recipe: Recipe  # as drawn: width and placement concrete
    given: Recipe = field(repr=False, compare=False)  # as given: replace() starts from it

    def __init__(
        self,
        count: int,
        min_length: int | None = None,
        max_length: int | None = None,
        *,
        seed: int = 0,
        dtype: str = "uint8",
        source: str | None = None,
        source_sha256: str | None = None,
        labels: Iterable[str] | None = None,
        labels_in_order: bool = False,
        length_weights: Iterable[float] | None = None,
        pool_part: Iterable[int] | None = None,
        hold_out: Iterable[Any] | None = None,
        recipe: Recipe | None = None,
        **fields: Any,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "count", _whole("count", count, 1, MAX_COUNT))
        set_(self, "labels", None if labels is None else _check_labels(labels))
        # Without labels the lengths default to 5; with labels, to the strings' own.
        sizes = frozenset(map(len, self.labels)) if self.labels else frozenset({5})
        low, high = min(sizes), max(sizes)
        lo = low if min_length is None else min_length
        hi = high if max_length is None else max_length
        set_(self, "min_length", _whole("length", lo, 1, MAX_LENGTH))
        set_(self, "max_length", _whole("length", hi, 1, MAX_LENGTH))
        if self.labels is not None and not lo <= low <= high <= hi:
            raise DatasetError(
                f"length {lo}..{hi} does not hold every label string (they have "
                f"{f'{low}..{high}' if low < high else low} digits); leave the length out, "
                "or give a range that holds them"
            )
        if self.min_length > self.max_length:
            raise DatasetError(
                field="length",
                value=f"{self.min_length}-{self.max_length}",
                reason="is reversed",
                suggestion=f"write {self.max_length}-{self.min_length}",
            )
        set_(self, "seed", _whole("seed", seed, 0, MAX_SEED))
        if dtype not in DTYPES:
            raise DatasetError(
                field="dtype",
                value=dtype,
                reason="is not supported",
                suggestion="use uint8 or float32",
            )
        set_(self, "dtype", dtype)
        set_(self, "source", None if source is None else str(source))
        set_(self, "source_sha256", source_sha256)
        if not isinstance(labels_in_order, bool):
            raise DatasetError(f"labels_in_order {shown(labels_in_order)} is not True or False")
        if labels_in_order and labels is None:
            raise DatasetError("labels_in_order takes labels in order, and there are none")
        set_(self, "labels_in_order", labels_in_order)
        weights = None if length_weights is None else _check_weights(length_weights, self)
        set_(self, "length_weights", weights)
        if self.labels is None:  # the lengths items can have: those of positive weight
            even = (1,) * len(self.lengths)
            sizes = frozenset(n for n, w in zip(self.lengths, weights or even) if w > 0)
        set_(self, "_sizes", sizes)
        given = _as_dataset_error((recipe or DEFAULT).replace, **fields)
        set_(self, "given", given)
        set_(self, "recipe", _as_dataset_error(resolve, given, self.lengths))
        set_(self, "pool_part", None if pool_part is None else _check_part(pool_part, self))
        set_(self, "hold_out", None if hold_out is None else _check_hold_out(hold_out, self))

    @property
    def lengths(self) -> range:
        return range(self.min_length, self.max_length + 1)

    @functools.cached_property
    def labels_sha256(self) -> str | None:
        """SHA-256 of the label strings, each followed by a newline (a clean labels file)."""
        if self.labels is None:
            return None
        return hashlib.sha256("".join(f"{s}\n" for s in self.labels).encode("ascii")).hexdigest()

    @functools.cached_property
    def label_table(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The label strings as `sequences` takes them: (K, max_length) uint8 digits, each
        row padded with 0, and (K,) int64 lengths."""
        if self.labels is None:
            return None
        counts = np.fromiter(map(len, self.labels), dtype=np.int64, count=len(self.labels))
        table = np.zeros((len(counts), self.max_length), dtype=np.uint8)
        digits = np.frombuffer("".join(self.labels).encode("ascii"), dtype=np.uint8)
        table[np.arange(self.max_length) < counts[:, None]] = digits - ord("0")
        return table, counts

    @property
    def length_leak(self) -> str | None:
        """Why the layout gives each item's length away, or None. Fill placement spans the
        width with every item's digits, so when items have several lengths, the size of
        their gaps says how many digits there are. Each door adds how to choose free
        placement, in its own words."""
        sizes = sorted(self._sizes)
        if self.recipe.placement != "fill" or len(sizes) < 2:
            return None
        run = sizes == list(range(sizes[0], sizes[-1] + 1))
        which = f"{sizes[0]}-{sizes[-1]}" if run else ", ".join(map(str, sizes))
        return (
            f"lengths {which} all span the width in fill placement (first digit at x = 0, "
            f"last ending at x = {self.width}), so the gaps give each item's length away"
        )

    @property
    def width(self) -> int:
        assert self.recipe.width is not None  # made concrete when the config was made
        return self.recipe.width

    @property
    def height(self) -> int:
        return self.recipe.variation.height

    def replace(self, **changes: Any) -> DatasetConfig:
        """A copy with fields changed (its own, or the recipe's by name)."""
        own = {name: getattr(self, name) for name in (*_OWN_FIELDS, *_LIST_FIELDS)}
        if changes.get("labels") is not None:  # new strings: their lengths, unless given
            del own["min_length"], own["max_length"]
        recipe = {k: changes.pop(k) for k in list(changes) if k in FIELDS or k == "variation"}
        return DatasetConfig(**{**own, **changes}, recipe=self.given, **recipe)

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _OWN_FIELDS}
        if self.labels is not None:  # the strings themselves, so the file reproduces them
            out.update(labels=list(self.labels), labels_sha256=self.labels_sha256)
            out["labels_in_order"] = self.labels_in_order
        for name in ("length_weights", "pool_part", "hold_out"):
            if getattr(self, name) is not None:
                out[name] = list(getattr(self, name))
        return {**out, **to_dict(self.recipe)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetConfig:
        """Inverse of to_dict; reads the configs of earlier versions too."""
        if not isinstance(data, Mapping):
            raise DatasetError("a dataset config must be a JSON object of its fields")
        ours = (*_OWN_FIELDS, *_LIST_FIELDS, "labels_sha256")
        own = {k: data[k] for k in ours if k in data}
        rest = {k: v for k, v in data.items() if k not in ours}
        if "count" not in own:
            raise DatasetError("the dataset config has no count")
        digest = own.pop("labels_sha256", None)
        config = cls(**own, recipe=_as_dataset_error(from_dict, rest))
        if digest != config.labels_sha256:
            raise DatasetError(
                "the dataset config's labels do not match its labels_sha256; "
                "they were changed after it was written"
            )
        return config

    @classmethod
    def from_json(cls, text: str) -> DatasetConfig:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise DatasetError(f"the dataset config is not valid JSON ({exc})") from None
        return cls.from_dict(data)


def _whole(name: str, value: Any, low: int, high: int) -> int:
    return whole_number(name, value, low, high, error=DatasetError)


def label_problem(text: str) -> str | None:
    """What stops `text` being a label string, or None."""
    if not text:
        return "is empty"
    if not (text.isascii() and text.isdigit()):
        return "is not a string of digits 0-9"
    if len(text) > MAX_LENGTH:
        return f"has {len(text)} digits, more than {MAX_LENGTH}"
    return None


def _check_labels(labels: Iterable[str]) -> tuple[str, ...]:
    if isinstance(labels, (str, bytes, Mapping)) or not isinstance(labels, Iterable):
        raise DatasetError("labels must be a list of strings of digits, e.g. ['2024', '007']")
    strings = tuple(labels)
    for i, text in enumerate(strings):
        problem = label_problem(text) if isinstance(text, str) else "is not a string"
        if problem:
            raise DatasetError(f"labels[{i}] {shown(text)} {problem}")
    if not strings:
        raise DatasetError("labels is empty; give at least one string of digits")
    return tuple(map(str, strings))


def _check_weights(weights: Iterable[float], config: DatasetConfig) -> tuple[float, ...]:
    if config.labels is not None:
        raise DatasetError("length weights do not apply to labels; repeat strings to weigh them")
    if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Iterable):
        raise DatasetError("length weights must be a list of numbers, e.g. [1, 1, 2]")
    values = tuple(weights)
    span = f"{config.min_length}..{config.max_length}"
    if len(values) != len(config.lengths):
        count = f"{len(values)} length weights for the {len(config.lengths)} lengths {span}"
        raise DatasetError(f"{count}; give one weight per length")
    for w in values:
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not 0 <= w < math.inf:
            raise DatasetError(f"length weight {shown(w)} is not a number of 0 or more")
    if not any(values):
        raise DatasetError(f"the length weights of {span} are all 0; make one positive")
    return tuple(int(w) if isinstance(w, numbers.Integral) else float(w) for w in values)


def _check_part(part: Iterable[int], config: DatasetConfig) -> tuple[int, int]:
    k, n = (_whole("pool_part", v, 1, 1 << 20) for v in _pair(part, "pool_part", "(k, n)"))
    if k > n or config.recipe.pool == "all":
        raise DatasetError(f"pool_part {k}/{n} is not a part k of n of pool train or test")
    return k, n


def _check_hold_out(hold_out: Iterable[Any], config: DatasetConfig) -> tuple[float, bool, int]:
    fraction, held, key = _pair(hold_out, "hold_out", "(fraction, held, key)", 3)
    fraction = hold_out_fraction(fraction)
    if not isinstance(held, bool) or config.labels is not None:
        raise DatasetError("hold_out takes (fraction, held: True or False, key) and no labels")
    key = _whole("hold_out key", key, 0, 2**64 - 1)
    # short strings are few: a length may have (almost) none on the side asked for
    for n in (n for n in sorted(config._sizes) if n <= 5):
        if abs(held - _held_share(key, fraction, n)) > 0.99:
            side = "held out" if held else "left"
            raise DatasetError(f"too few {n}-digit strings are {side} at fraction {fraction:g}; "
                               "use longer lengths or another fraction")  # fmt: skip
    return fraction, held, key


@functools.lru_cache(maxsize=64)  # configs are made again in workers and by replace()
def _held_share(key: int, fraction: float, n: int) -> float:
    """The share of all n-digit strings that is_held holds out."""
    every = np.indices((10,) * n).reshape(n, -1).T
    return float(np.mean(is_held(key, fraction, every, np.full(len(every), n))))


def hold_out_fraction(value: Any) -> float:
    """A fraction of label strings to hold out, checked: 0.01..0.99."""
    if not (isinstance(value, (int, float)) and 0.01 <= value <= 0.99):
        raise DatasetError(f"hold-out fraction {shown(value)} is out of range; use 0.01..0.99")
    return float(value)


def _pair(value: Any, name: str, form: str, size: int = 2) -> tuple[Any, ...]:
    iterable = isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping))
    if not iterable or len(values := tuple(value)) != size:
        raise DatasetError(f"{name} {shown(value)} is not of the form {form}")
    return values


def _as_dataset_error(make: Callable[..., Recipe], *args: Any, **kwargs: Any) -> Recipe:
    """make(...), its InputError raised again as a DatasetError with the same fields."""
    try:
        return make(*args, **kwargs)
    except DatasetError:
        raise
    except InputError as exc:
        raise DatasetError(
            str(exc),
            field=exc.field,
            value=exc.value,
            reason=exc.reason,
            suggestion=exc.suggestion,
            limits=exc.limits,
            offers=exc.offers,
        ) from None


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
