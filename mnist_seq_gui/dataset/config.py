"""What decides a data set's pixels (`DatasetConfig`) and how it is split (`Shard`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core import (
    DEFAULT,
    DTYPES,
    FIELDS,
    MAX_SEED,
    InputError,
    Recipe,
    from_dict,
    resolve,
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
    """

    count: int
    min_length: int
    max_length: int
    seed: int
    dtype: str
    source: str | None
    source_sha256: str | None
    recipe: Recipe  # as drawn: width and placement concrete
    given: Recipe = field(repr=False, compare=False)  # as given: replace() starts from it

    def __init__(
        self,
        count: int,
        min_length: int = 5,
        max_length: int = 5,
        *,
        seed: int = 0,
        dtype: str = "uint8",
        source: str | None = None,
        source_sha256: str | None = None,
        recipe: Recipe | None = None,
        **fields: Any,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "count", _whole("count", count, 1, MAX_COUNT))
        set_(self, "min_length", _whole("length", min_length, 1, MAX_LENGTH))
        set_(self, "max_length", _whole("length", max_length, 1, MAX_LENGTH))
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
        given = _as_dataset_error((recipe or DEFAULT).replace, **fields)
        set_(self, "given", given)
        set_(self, "recipe", _as_dataset_error(resolve, given, self.lengths))

    @property
    def lengths(self) -> range:
        return range(self.min_length, self.max_length + 1)

    @property
    def width(self) -> int:
        assert self.recipe.width is not None  # made concrete when the config was made
        return self.recipe.width

    @property
    def height(self) -> int:
        return self.recipe.variation.height

    def replace(self, **changes: Any) -> DatasetConfig:
        """A copy with fields changed (its own, or the recipe's by name)."""
        own = {name: getattr(self, name) for name in _OWN_FIELDS}
        recipe = {k: changes.pop(k) for k in list(changes) if k in FIELDS or k == "variation"}
        return DatasetConfig(**{**own, **changes}, recipe=self.given, **recipe)

    def to_dict(self) -> dict[str, Any]:
        return {**{name: getattr(self, name) for name in _OWN_FIELDS}, **to_dict(self.recipe)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetConfig:
        """Inverse of to_dict; reads the configs of earlier versions too."""
        if not isinstance(data, Mapping):
            raise DatasetError("a dataset config must be a JSON object of its fields")
        own = {k: data[k] for k in _OWN_FIELDS if k in data}
        rest = {k: v for k, v in data.items() if k not in _OWN_FIELDS}
        if "count" not in own:
            raise DatasetError("the dataset config has no count")
        return cls(**own, recipe=_as_dataset_error(from_dict, rest))

    @classmethod
    def from_json(cls, text: str) -> DatasetConfig:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise DatasetError(f"the dataset config is not valid JSON ({exc})") from None
        return cls.from_dict(data)


def _whole(name: str, value: Any, low: int, high: int) -> int:
    return whole_number(name, value, low, high, error=DatasetError)


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
