"""`SequenceDataset`: item i depends only on (config, i).

Its length, digits, MNIST images and gaps are counter-based draws keyed by (seed, i),
so any access order, batch, thread or process gives the same item. Batched access
groups the requested items by length and hands each group to the core's
`compose_batch`.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..core import DIGIT_SIZE, DigitBank, compose_batch, load_bank, random_sequences
from .config import BLANK, NO_BOX, DatasetConfig, DatasetError

_FINGERPRINTS: weakref.WeakKeyDictionary[DigitBank, str] = weakref.WeakKeyDictionary()


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


class SequenceDataset:
    """A map-style dataset of digit-sequence images; item i depends only on (config, i).

    `ds[i]` is a dict: `image` (28, W) float32 or uint8, `label` (str, leading zeros
    kept, e.g. "007"), `length`, `digits` (max_length,) int64 padded with BLANK (10),
    `boxes` (max_length, 4) int64 end-exclusive (x0, y0, x1, y1) padded with -1,
    `mnist_indices` (max_length,) int64 padded with -1, and `item` (i). Every field has
    a fixed shape, so PyTorch's default collate stacks them. `ds[a:b]` and `ds[array]`
    return the same keys with a leading batch axis, built by the vectorised core.
    """

    def __init__(
        self,
        config: DatasetConfig | None = None,
        *,
        bank: DigitBank | None = None,
        **config_fields: Any,
    ) -> None:
        if config is None:
            config = DatasetConfig(**config_fields)
        elif config_fields:
            raise TypeError("pass either a DatasetConfig or its fields, not both")
        self._attach(config, bank)

    def _attach(self, config: DatasetConfig, bank: DigitBank | None) -> None:
        """Load (or check) the digits the config names; record the resolved config."""
        # A bank given explicitly cannot be reloaded from the config in another process.
        self._own_bank = bank is not None
        if bank is None:
            bank = load_bank(config.source)
        fingerprint = bank_fingerprint(bank)
        if config.source_sha256 is None:
            config = DatasetConfig.from_dict({**config.to_dict(), "source_sha256": fingerprint})
        elif config.source_sha256 != fingerprint:
            raise DatasetError(
                f"the digits in {bank.source} differ from the ones this config was made with "
                f"(sha256 {fingerprint[:12]}... instead of {config.source_sha256[:12]}...); "
                "pass the same source"
            )
        bank.check_available(np.arange(10))
        self.config = config
        self.bank = bank
        assert config.width is not None  # DatasetConfig resolves a missing width
        self._width = config.width

    def __getstate__(self) -> dict[str, Any]:
        # DataLoader workers reload the digits from the config instead of receiving
        # the bank and its cached pixel tables through a pipe.
        return {"config": self.config, "bank": self.bank if self._own_bank else None}

    def __setstate__(self, state: dict[str, Any]) -> None:
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
        return self._width

    def __getitem__(self, index: Any) -> dict[str, Any]:
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool):
            i = int(index)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(
                    f"index {index} is out of range for a dataset of {len(self):,} items"
                )
            batch = self.batch(np.asarray([i], dtype=np.int64))
            item = {key: value[0] for key, value in batch.items()}
            item["label"] = str(item["label"])
            item["length"] = int(item["length"])
            item["item"] = int(item["item"])
            return item
        return self.batch(_as_items(index, len(self)))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self)):
            yield self[i]

    def batch(self, items: np.ndarray) -> dict[str, np.ndarray]:
        """The items numbered `items` (any order, repeats allowed) as arrays with a batch axis.

        Item numbers are not range-checked here, so that a shard or a distributed
        engine can ask for any numbers of the same infinite sequence.
        """
        cfg = self.config
        items = np.asarray(items, dtype=np.int64).reshape(-1)
        keys = items.astype(np.uint64)
        n_items, longest, width = len(items), cfg.max_length, self.width
        lengths, drawn = random_sequences(cfg.seed, keys, cfg.min_length, longest)
        digits = np.full((n_items, longest), BLANK, dtype=np.int64)
        indices = np.full((n_items, longest), NO_BOX, dtype=np.int64)
        boxes = np.full((n_items, longest, 4), NO_BOX, dtype=np.int64)
        distinct = np.unique(lengths).tolist()
        # With one length the core's array is the answer; with several, rows are
        # rendered per length and placed back in item order.
        images = np.empty(
            (n_items if len(distinct) != 1 else 0, DIGIT_SIZE, width), dtype=np.dtype(cfg.dtype)
        )
        for n in distinct:
            rows = slice(None) if len(distinct) == 1 else np.flatnonzero(lengths == n)
            group = compose_batch(
                self.bank,
                drawn[rows, :n],
                width,
                cfg.min_spacing,
                cfg.max_spacing,
                cfg.rule,
                cfg.white_on_black,
                seed=cfg.seed,
                items=keys[rows],
                dtype=cfg.dtype,
            )
            if len(distinct) == 1:
                images = group.pixels
            else:
                images[rows] = group.pixels
            digits[rows, :n] = group.digits
            indices[rows, :n] = group.indices
            boxes[rows, :n] = group.boxes
        return {
            "image": images,
            "label": label_strings(digits, lengths),
            "length": lengths,
            "digits": digits,
            "boxes": boxes,
            "mnist_indices": indices,
            "item": items,
        }


def label_strings(digits: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """(N, L) padded digits -> (N,) strings such as '007', without a per-item loop."""
    n_items, longest = digits.shape
    codes = np.zeros((n_items, max(longest, 1)), dtype=np.uint8)
    inside = np.arange(longest) < np.asarray(lengths).reshape(-1, 1)
    codes[:, :longest] = np.where(inside, digits + ord("0"), 0)
    # Trailing NUL bytes end a numpy bytes string, so padding vanishes in the view.
    return codes.view(f"S{codes.shape[1]}").reshape(n_items).astype(f"U{codes.shape[1]}")
