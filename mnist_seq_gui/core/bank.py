"""The digit bank: MNIST images by label, its pools, and where the bundled data lives.

Pools are named, disjoint parts of a bank, so that training and test data never share
an MNIST image:

- a folder holding a training and a test set (the official MNIST files
  train-images-idx3-ubyte[.gz] and t10k-images-idx3-ubyte[.gz] with their labels, or
  any pair of sets named ...train... and ...test... / t10k...) is one bank of both
  sets, training images first: pool `train` is the training set, `test` the test set.
- a single IDX pair (the bundled 10,000 MNIST test digits included) is split by a
  fixed rule (split_pools): within each digit, in file order, every fifth image is in
  `test` and the others in `train`, the same on every machine.

`all` is the whole bank. MNIST indices are always positions in the whole bank.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError, SequenceError
from .idx import read_pair

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
BUNDLED_IMAGES = "t10k-images-idx3-ubyte.gz"
BUNDLED_LABELS = "t10k-labels-idx1-ubyte.gz"


def bundled_data_dir() -> Path:
    """Folder of the bundled MNIST test set: inside the wheel, or data/ in a checkout."""
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "data"):
        if (candidate / BUNDLED_IMAGES).is_file():
            return candidate
    raise DataError(
        "the bundled MNIST data is missing from this installation; "
        "reinstall mnist-seq or pass a data folder"
    )


def _pair_prefix(name: str, kind: str) -> str | None:
    """'train-images-idx3-ubyte.gz' -> 'train-' for kind 'images'; None if not that kind."""
    marker = {"images": "images-idx3", "labels": "labels-idx1"}[kind]
    pos = name.lower().find(marker)
    return None if pos < 0 else name[:pos]


def _pair_beside(images: Path) -> tuple[Path, Path]:
    prefix = _pair_prefix(images.name, "images")
    if prefix is None:
        raise DataError(f"{images}: not an images file (its name should contain 'images-idx3')")
    labels = [
        p
        for p in images.parent.iterdir()
        if _pair_prefix(p.name, "labels") == prefix and p.is_file()
    ]
    if not labels:
        raise DataError(f"{images}: no matching '{prefix}labels-idx1...' file beside it")
    return images, sorted(labels)[0]


def _role(prefix: str) -> str | None:
    """'train-' -> 'train'; 't10k-' or 'emnist-digits-test-' -> 'test'; else None."""
    lowered = prefix.lower()
    if "train" in lowered:
        return "train"
    if "t10k" in lowered or "test" in lowered:
        return "test"
    return None


def find_idx_sets(location: str | os.PathLike) -> dict[str, tuple[Path, Path]]:
    """The IDX pairs at `location`: {"train": pair, "test": pair} for a folder holding a
    training and a test set, else {"": pair} for one set (a folder holding exactly one
    pair, or an images file with its labels beside it).
    """
    location = Path(location).expanduser()
    if location.is_file():
        return {"": _pair_beside(location)}
    if not location.is_dir():
        what = "is not a folder or a file" if location.exists() else "no such data folder"
        raise DataError(f"{location}: {what}; pass a folder holding an MNIST IDX pair")
    images: dict[str, Path] = {}
    labels: dict[str, Path] = {}
    for p in sorted(location.iterdir()):
        if not p.is_file():
            continue
        for kind, found in (("images", images), ("labels", labels)):
            prefix = _pair_prefix(p.name, kind)
            if prefix is not None:
                found.setdefault(prefix, p)  # sorted: raw before .gz is irrelevant, one wins
    pairs = sorted(set(images) & set(labels))
    if not pairs:
        raise DataError(
            f"{location}: no MNIST-style IDX pair found "
            "(expected files like t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)"
        )
    if len(pairs) == 1:
        return {"": (images[pairs[0]], labels[pairs[0]])}
    roles = {_role(p): p for p in pairs}
    if len(pairs) == 2 and set(roles) == {"train", "test"}:
        return {role: (images[roles[role]], labels[roles[role]]) for role in ("train", "test")}
    names = ", ".join(images[p].name for p in pairs)
    raise DataError(
        f"{location}: holds {len(pairs)} data sets ({names}) that are not one training and "
        "one test set; pass the images file of the one you want"
    )


def split_pools(labels: np.ndarray, test_every: int = 5) -> dict[str, np.ndarray]:
    """The fixed split of one set: within each digit, in file order, every
    `test_every`-th image goes to `test`, the others to `train` (sorted indices)."""
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    counts = np.bincount(labels, minlength=10)
    rank = np.arange(len(labels)) - np.repeat(np.cumsum(counts) - counts, counts)
    is_test = np.empty(len(labels), dtype=bool)
    is_test[order] = rank % test_every == test_every - 1
    return {"train": np.flatnonzero(~is_test), "test": np.flatnonzero(is_test)}


@dataclass(frozen=True, eq=False)
class DigitBank:
    """MNIST digits kept as uint8, with the positions of each label for O(1) sampling.

    `by_label_order` lists image indices sorted by label; the images of digit d are
    `by_label_order[starts[d] : starts[d] + counts[d]]` (the original's label hash map,
    as two arrays so that a whole batch is sampled with one gather).

    `pools` maps "train" and "test" to sorted indices (default: split_pools); `pool(name)`
    is the same bank drawing only from that pool (indices stay those of the whole bank).
    """

    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) uint8
    source: str = "unnamed digit set"
    pools: dict | None = field(default=None, repr=False)
    pool_name: str = "all"
    by_label_order: np.ndarray = field(init=False, repr=False)
    starts: np.ndarray = field(init=False, repr=False)
    counts: np.ndarray = field(init=False, repr=False)
    _tables: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        images, labels = _read_only(self.images), _read_only(self.labels)
        pools = split_pools(labels) if self.pools is None else dict(self.pools)
        members = np.arange(len(labels)) if self.pool_name == "all" else pools[self.pool_name]
        order = members[np.argsort(labels[members], kind="stable")].astype(np.int64)
        counts = np.bincount(labels[order], minlength=10).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        names = ("images", "labels", "pools", "by_label_order", "starts", "counts")
        for name, value in zip(names, (images, labels, pools, order, starts, counts)):
            object.__setattr__(self, name, value)

    @classmethod
    def from_idx(cls, location: str | os.PathLike) -> DigitBank:
        """The bank of the IDX pairs at `location` (find_idx_sets). EMNIST files (named
        emnist-...) store each image transposed; they are turned so their digits read upright.
        """
        loaded = {role: _read_set(*pair) for role, pair in find_idx_sets(location).items()}
        if "" in loaded:
            images, labels, source = loaded[""]
            return cls(images, labels, source=source)
        (train_images, train_labels, train_source) = loaded["train"]
        (test_images, test_labels, test_source) = loaded["test"]
        labels = np.concatenate((train_labels, test_labels))
        n_train = len(train_labels)
        return cls(
            np.concatenate((train_images, test_images)),
            labels,
            source=f"{train_source} + {test_source}",
            pools={"train": np.arange(n_train), "test": np.arange(n_train, len(labels))},
        )

    def pool(self, name: str) -> DigitBank:
        """This bank drawing only from pool `name`: train or test; all is the bank as is."""
        if name == "all" or name == self.pool_name:
            return self
        if name not in (self.pools or {}):
            raise DataError(f"pool {name!r} is unknown; use all, train or test")
        # Tables of its own: some hold the label index, which differs between pools.
        return self.cached(
            ("pool", name),
            lambda: DigitBank(self.images, self.labels, self.source, self.pools, name),
        )

    def part(self, index: int, count: int) -> DigitBank:
        """This pool cut into `count` disjoint parts, each digit's images in file order dealt
        out in turn (image j of a digit goes to part j mod count + 1): part `index`, 1-based.
        Data set splits draw from parts of the test pool that share no image."""
        if self.pool_name == "all":
            raise DataError("only a pool (train or test) is cut into parts")
        if count == 1:
            return self

        def make() -> DigitBank:
            order = self.by_label_order
            rank = np.arange(len(order)) - np.repeat(self.starts, self.counts)
            members = np.sort(order[rank % count == index - 1])
            pools = {**(self.pools or {}), self.pool_name: members}
            return DigitBank(self.images, self.labels, self.source, pools, self.pool_name)

        return self.cached(("part", index, count), make)

    @property
    def described(self) -> str:
        """The source, and the pool if it is not the whole bank."""
        return self.source if self.pool_name == "all" else f"{self.source}, {self.pool_name} pool"

    def __len__(self) -> int:
        return len(self.labels)

    def output_table(self, white_on_black: bool) -> np.ndarray:
        """All digits in output polarity as uint8 (255 - MNIST for dark on white), kept."""
        images = self.images
        return self.cached(
            ("table", white_on_black), lambda: images if white_on_black else 255 - images
        )

    def check_holds(self, indices: Any) -> None:
        """SequenceError unless every MNIST index in `indices` is in this bank's pool."""
        if self.pool_name == "all" or self.pools is None:
            return
        members, wanted = self.pools[self.pool_name], np.asarray(indices).reshape(-1)
        outside = wanted[
            members[np.searchsorted(members, wanted).clip(0, len(members) - 1)] != wanted
        ]
        if outside.size:
            raise SequenceError(
                f"MNIST index {outside[0]} is not in the {self.pool_name} pool; "
                "use an index of that pool or another pool"
            )

    def cached(self, key: Hashable, make: Callable[[], Any], replaces: str = "") -> Any:
        """A table derived from the digits (arrays read-only), made on first use and kept;
        one made with `replaces` drops the kept tables whose key starts with that name."""
        kept = self._tables.get(key)
        if kept is not None:
            return kept
        for old in [k for k in list(self._tables) if replaces and k[0] == replaces]:
            self._tables.pop(old, None)
        table = self._tables[key] = make()
        if isinstance(table, np.ndarray):
            table.flags.writeable = False
        return table

    def check_available(self, digits: np.ndarray) -> None:
        """Raise SequenceError if any requested digit has no images in this bank."""
        missing = sorted({int(d) for d in np.unique(digits) if self.counts[d] == 0})
        if missing:
            where = "another pool or " if self.pool_name != "all" else ""
            raise SequenceError(
                f"the data set {self.described} has no images of digit(s) "
                f"{', '.join(map(str, missing))}; use {where}a data set that holds every digit"
            )

    @functools.cached_property
    def has_every_digit(self) -> bool:
        return bool(self.counts.all())

    def index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(order, starts, counts): the label index draws.pick chooses images from."""
        return self.by_label_order, self.starts, self.counts

    def index_lists(self) -> tuple[list[int], list[int], list[int]]:
        """The label index as Python lists: the one-image path picks from these (indexing
        a list with small ints is several times cheaper than an array)."""
        return self.cached(("index lists",), lambda: tuple(a.tolist() for a in self.index()))


def _read_only(values: np.ndarray) -> np.ndarray:
    """uint8 values as a read-only array; a caller's writeable array stays writeable."""
    array = np.ascontiguousarray(values, dtype=np.uint8)
    if array.flags.writeable:
        array = array.view()
        array.flags.writeable = False
    return array


def _read_set(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray, str]:
    images, labels = read_pair(images_path, labels_path)
    source = str(images_path)
    if images_path.name.lower().startswith("emnist"):
        images = images.transpose(0, 2, 1)
        source += " (EMNIST, transposed to MNIST orientation)"
    return images, labels, source


@functools.lru_cache(maxsize=1)
def bundled_bank() -> DigitBank:
    """The bundled MNIST test set, loaded once per process."""
    folder = bundled_data_dir()
    images, labels = read_pair(folder / BUNDLED_IMAGES, folder / BUNDLED_LABELS)
    return DigitBank(images, labels, source=f"MNIST test set, bundled ({BUNDLED_IMAGES})")


def load_bank(location: str | os.PathLike | None = None) -> DigitBank:
    """The bank at `location` (folder or images file), or the bundled one if None."""
    return bundled_bank() if location is None else DigitBank.from_idx(location)
