"""`SequenceDataset`: item i depends only on (config, i).

Its length, digits, MNIST images, gaps and style are counter-based draws keyed by
(seed, i), so any access order, batch, thread or process gives the same item. `ds[i]`
is `compose` of its digits (a batch of one; with masks, row 0 of `batch`); `ds[a:b]` and
`ds[array]` are one `compose_batch` of every length at once. Both give the same values
for the same item.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..core import Batch, DigitBank, compose, compose_batch, load_bank, sequences
from .config import BLANK, NO_BOX, DatasetConfig, DatasetError

_FINGERPRINTS: weakref.WeakKeyDictionary[DigitBank, str] = weakref.WeakKeyDictionary()
FIELDS = ("image", "label", "length", "digits", "boxes", "mnist_indices", "item", "ink_boxes")
# Given only when named in `fields`: a mask per digit slot costs max_length images' memory.
OPTIONAL_FIELDS = ("masks",)


def bank_fingerprint(bank: DigitBank) -> str:
    """SHA-256 of the bank's images and labels: the same digits give the same value."""
    if bank not in _FINGERPRINTS:
        digest = hashlib.sha256()
        digest.update(np.asarray(bank.images.shape, dtype="<i8").tobytes())
        digest.update(bank.images.tobytes())
        digest.update(bank.labels.tobytes())
        _FINGERPRINTS[bank] = digest.hexdigest()
    return _FINGERPRINTS[bank]


def _as_items(index: Any, count: int) -> np.ndarray:
    """An int array of item numbers in 0..count-1 from a slice or index array."""
    if isinstance(index, slice):
        return np.arange(count, dtype=np.int64)[index]
    items = np.asarray(index)
    if items.dtype == bool or not (items.size == 0 or np.issubdtype(items.dtype, np.integer)):
        raise TypeError(
            f"dataset indices must be integers, slices or integer arrays, not {items.dtype}"
        )
    given = items.astype(np.int64).reshape(-1)
    items = np.where(given < 0, given + count, given)
    outside = (items < 0) | (items >= count)
    if outside.any():
        raise IndexError(
            f"index {int(given[outside][0])} is out of range for a dataset of {count:,} items"
        )
    return items


def _check_fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    """The item fields asked for, in the order given (all of FIELDS if None)."""
    if fields is None:
        return FIELDS
    chosen = (fields,) if isinstance(fields, str) else tuple(fields)
    known = FIELDS + OPTIONAL_FIELDS
    if any(name not in known for name in chosen) or not chosen or len(set(chosen)) != len(chosen):
        raise DatasetError(
            f"fields {list(chosen)!r} must be distinct names from: {', '.join(known)}"
        )
    return chosen


class SequenceDataset:
    """A map-style dataset of digit-sequence images; item i depends only on (config, i).

    `ds[i]` is a dict: `image` (H, W) uint8 or float32 (H is 28 unless the variation
    asks for more), `label` (str, leading zeros kept, e.g. "007"), `length`, `digits`
    (max_length,) int64 padded with BLANK (10), `boxes` (max_length, 4) int64 cells
    (x0, y0, x1, y1), end-exclusive, padded with -1, `mnist_indices` (max_length,) int64
    padded with -1, `item` (i) and `ink_boxes`, like `boxes` for each digit's ink. Every
    field has a fixed shape, so PyTorch's default collate stacks them. `ds[a:b]` and
    `ds[array]` return the same keys with a leading batch axis. `fields` keeps only the
    named keys (e.g. ("image", "digits") for CTC training); naming `masks` adds each
    digit's ink mask, (max_length, H, W) bool, all False past the length (its bounds are
    the digit's ink box; see compose_batch). Made from a DatasetConfig or
    from its keywords: `SequenceDataset(count=1000, min_length=3, max_length=8, ...)`.
    """

    def __init__(
        self,
        config: DatasetConfig | None = None,
        *,
        bank: DigitBank | None = None,
        fields: Sequence[str] | None = None,
        **config_fields: Any,
    ) -> None:
        if config is None:
            config = DatasetConfig(**config_fields)
        elif config_fields:
            raise TypeError("pass either a DatasetConfig or its fields, not both")
        self.fields = _check_fields(fields)
        self._attach(config, bank)

    def _attach(self, config: DatasetConfig, bank: DigitBank | None) -> None:
        """Load (or check) the digits the config names; record the resolved config."""
        self._own_bank = bank is not None
        if bank is None:
            bank = load_bank(config.source)
        fingerprint = bank_fingerprint(bank)
        if config.source_sha256 is None:
            config = config.replace(source_sha256=fingerprint)
        elif config.source_sha256 != fingerprint:
            raise DatasetError(
                f"the digits in {bank.source} differ from the ones this config was made with "
                f"(sha256 {fingerprint[:12]}... instead of {config.source_sha256[:12]}...); "
                "pass the same source"
            )
        self._given_bank = bank
        if config.pool_part is not None:  # a split's own part of its pool
            bank = bank.pool(config.recipe.pool).part(*config.pool_part)
        bank.pool(config.recipe.pool).check_available(np.arange(10))
        self.config, self.bank = config, bank

    def __getstate__(self) -> dict[str, Any]:
        # DataLoader workers reload the digits from the config instead of receiving
        # the bank and its cached pixel tables through a pipe.
        bank = self._given_bank if self._own_bank else None
        return {"config": self.config, "bank": bank, "fields": self.fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.fields = state.get("fields", FIELDS)
        self._attach(state["config"], state["bank"])

    def __len__(self) -> int:
        return self.config.count

    @property
    def has_own_bank(self) -> bool:
        """True if the digits were passed in, so other processes cannot reload them."""
        return self._own_bank

    @property
    def max_length(self) -> int:
        return self.config.max_length

    @property
    def width(self) -> int:
        return self.config.width

    def __getitem__(self, index: Any) -> dict[str, Any]:
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool):
            i = int(index)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(
                    f"index {index} is out of range for a dataset of {len(self):,} items"
                )
            if "masks" in self.fields:  # masks come from the batch path: the same values
                return self.__getitems__([i])[0]
            item = self._item(i)
        else:
            item = self.batch(_as_items(index, len(self)))
        if self.fields is FIELDS:
            return item
        return {key: item[key] for key in self.fields}

    def __getitems__(self, indices: list[int]) -> list[dict[str, Any]]:
        """The items `indices` as a list, as a PyTorch DataLoader fetches a batch: made by
        one vectorised batch and split, so they equal ds[i] for each i."""
        batch = self[np.asarray(indices, dtype=np.int64)]
        # Python scalars for the fields an item holds as int or str, views for the rest.
        columns = {
            key: value.tolist() if key in ("label", "length", "item") else value
            for key, value in batch.items()
        }
        return [{key: column[r] for key, column in columns.items()} for r in range(len(indices))]

    def _item(self, i: int) -> dict[str, Any]:
        """Item i: row i of `batch`, field for field, as a batch of one."""
        cfg = self.config
        n, digits = drawn_sequences(cfg, i)
        comp = compose(self.bank, cfg.recipe, digits, cfg.seed, item=i, dtype=cfg.dtype)
        longest = cfg.max_length
        pad = [NO_BOX] * (longest - n)
        # One array holds the four padded int64 fields; each field is a view of it:
        # digits, MNIST indices, then the cells' boxes and the ink boxes.
        packed = [*digits, *([BLANK] * (longest - n)), *comp.indices, *pad]
        for kind in (comp.boxes, comp.ink_boxes):
            for box in kind:
                packed += box
            packed += pad * 4
        values = np.array(packed, dtype=np.int64)
        boxes = values[2 * longest :].reshape(2, longest, 4)
        return {
            "image": comp.pixels,
            "label": "".join(map(str, digits)),
            "length": n,
            "digits": values[:longest],
            "boxes": boxes[0],
            "mnist_indices": values[longest : 2 * longest],
            "item": i,
            "ink_boxes": boxes[1],
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def batch(self, items: np.ndarray) -> dict[str, np.ndarray]:
        """The items numbered `items` (any order, repeats allowed) as arrays with a batch axis.

        Item numbers are not range-checked here, so that a shard or a distributed
        engine can ask for any numbers of the same infinite sequence.
        """
        masks = "masks" in self.fields
        values, made = self.composed(items, masks)
        if masks:
            values["masks"] = made.masks()
        return values

    def composed(
        self,
        items: np.ndarray,
        masks: bool = False,
        checkpoint: Callable[[], object] | None = None,
        dtype: str | None = None,
    ) -> tuple[dict[str, Any], Batch]:
        """`batch(items)` without masks, and the core Batch it was made from; `masks` keeps
        the digits' masks in it (Batch.masks, Batch.label_images, for any rows);
        `checkpoint` as compose_batch's (an export's stop); `dtype` instead of the
        config's (an exporter converts uint8 to float32 a strip at a time: core.to_float)."""
        cfg = self.config
        items = np.asarray(items, dtype=np.int64).reshape(-1)
        keys = items.astype(np.uint64)
        lengths, drawn = drawn_sequences(cfg, keys)
        made = compose_batch(
            self.bank,
            cfg.recipe,
            drawn,
            cfg.seed,
            items=keys,
            lengths=lengths,
            dtype=cfg.dtype if dtype is None else dtype,
            masks=masks,
            checkpoint=checkpoint,
        )
        shown = np.arange(cfg.max_length) < lengths[:, None]
        digits = np.where(shown, drawn, BLANK)
        fields = {
            "image": made.pixels,
            "label": label_strings(digits, lengths),
            "length": lengths,
            "digits": digits,
            "boxes": made.boxes,
            "mnist_indices": made.indices,
            "item": items,
            "ink_boxes": made.ink_boxes,
        }
        return fields, made


def drawn_sequences(config: DatasetConfig, items: Any) -> tuple[Any, Any]:
    """The lengths and digits of items (an int, or a uint64 array): the one draw both
    `_item` and `batch` use (random digits, or strings of the config's label list)."""
    return sequences(
        config.seed,
        items,
        config.lengths,
        config.length_weights,
        config.label_table,
        config.labels_in_order,
        config.hold_out,
    )


def label_strings(digits: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """(N, L) padded digits -> (N,) strings such as '007', without a per-item loop."""
    n_items, longest = digits.shape
    codes = np.zeros((n_items, max(longest, 1)), dtype=np.uint8)
    inside = np.arange(longest) < np.asarray(lengths).reshape(-1, 1)
    codes[:, :longest] = np.where(inside, digits + ord("0"), 0)
    # Trailing NUL bytes end a numpy bytes string, so padding vanishes in the view.
    return codes.view(f"S{codes.shape[1]}").reshape(n_items).astype(f"U{codes.shape[1]}")
