"""The digit bank: MNIST images by label, and where the bundled data lives."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

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
    lowered = name.lower()
    pos = lowered.find(marker)
    return None if pos < 0 else name[:pos]


def find_idx_pair(location: str | os.PathLike) -> tuple[Path, Path]:
    """Locate an images/labels IDX pair from a folder or from the images file itself.

    A folder must hold exactly one pair (e.g. only t10k, or only train): two sets are
    never mixed silently. With both in one folder, pass the images file instead.
    """
    location = Path(location).expanduser()
    if location.is_file():
        prefix = _pair_prefix(location.name, "images")
        if prefix is None:
            raise DataError(
                f"{location}: not an images file (its name should contain 'images-idx3')"
            )
        labels = [
            p
            for p in location.parent.iterdir()
            if _pair_prefix(p.name, "labels") == prefix and p.is_file()
        ]
        if not labels:
            raise DataError(f"{location}: no matching '{prefix}labels-idx1...' file beside it")
        return location, sorted(labels)[0]
    if not location.is_dir():
        raise DataError(f"{location}: no such data folder; pass a folder holding an MNIST IDX pair")
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
    if len(pairs) > 1:
        names = ", ".join(images[p].name for p in pairs)
        raise DataError(
            f"{location}: holds {len(pairs)} data sets ({names}); "
            "pass the images file of the one you want"
        )
    return images[pairs[0]], labels[pairs[0]]


@dataclass(frozen=True, eq=False)
class DigitBank:
    """MNIST digits kept as uint8, with the positions of each label for O(1) sampling.

    `by_label_order` lists image indices sorted by label; the images of digit d are
    `by_label_order[starts[d] : starts[d] + counts[d]]` (the original's label hash map,
    as two arrays so that a whole batch is sampled with one gather).
    """

    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) uint8
    source: str = "unnamed digit set"
    by_label_order: np.ndarray = field(init=False, repr=False)
    starts: np.ndarray = field(init=False, repr=False)
    counts: np.ndarray = field(init=False, repr=False)
    _tables: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        images = np.ascontiguousarray(self.images, dtype=np.uint8)
        labels = np.ascontiguousarray(self.labels, dtype=np.uint8)
        images.flags.writeable = False
        labels.flags.writeable = False
        order = np.argsort(labels, kind="stable").astype(np.int64)
        counts = np.bincount(labels, minlength=10).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        for name, value in (
            ("images", images),
            ("labels", labels),
            ("by_label_order", order),
            ("starts", starts),
            ("counts", counts),
        ):
            object.__setattr__(self, name, value)

    @classmethod
    def from_idx(cls, location: str | os.PathLike) -> DigitBank:
        """Load a bank from a folder holding one IDX pair, or from its images file.

        EMNIST files (named emnist-...) store each image transposed; they are turned
        to MNIST's orientation so that their digits read upright.
        """
        images_path, labels_path = find_idx_pair(location)
        images, labels = read_pair(images_path, labels_path)
        source = str(images_path)
        if images_path.name.lower().startswith("emnist"):
            images = images.transpose(0, 2, 1)
            source += " (EMNIST, transposed to MNIST orientation)"
        return cls(images, labels, source=source)

    def __len__(self) -> int:
        return len(self.labels)

    def output_table(self, white_on_black: bool) -> np.ndarray:
        """All digits in output polarity as uint8 (built on first use and kept).

        Dark on white is 255 - MNIST; float32 output is this table's values / 255.
        """
        key = ("table", bool(white_on_black))
        if key not in self._tables:
            table = self.images if white_on_black else 255 - self.images
            table.flags.writeable = False
            self._tables[key] = table
        return self._tables[key]

    def padded_rows(self, gap: int, white_on_black: bool) -> np.ndarray:
        """Every digit row followed by `gap` background pixels: (N * 28, 28 + gap) uint8.

        With equal gaps, a batch is then one gather of these rows (see render_batch).
        Only the most recent gap is kept, to bound memory.
        """
        key = ("rows", gap, bool(white_on_black))
        if key not in self._tables:
            for old in [k for k in self._tables if k[0] == "rows"]:
                del self._tables[old]
            table = self.output_table(white_on_black)
            background = 0 if white_on_black else 255
            rows = np.empty((table.shape[0] * table.shape[1], table.shape[2] + gap), np.uint8)
            rows[:, : table.shape[2]] = table.reshape(-1, table.shape[2])
            rows[:, table.shape[2] :] = background
            rows.flags.writeable = False
            self._tables[key] = rows
        return self._tables[key]

    def check_available(self, digits: np.ndarray) -> None:
        """Raise SequenceError if any requested digit has no images in this bank."""
        missing = sorted({int(d) for d in np.unique(digits) if self.counts[d] == 0})
        if missing:
            raise SequenceError(
                f"the data set {self.source} has no images of digit(s) "
                f"{', '.join(map(str, missing))}; use a data set that holds every digit"
            )

    def pick(self, digits: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """MNIST indices for `digits`, chosen by `uniforms` (integers in [0, 2**32))."""
        counts = self.counts[digits]
        offsets = (uniforms.astype(np.uint64) * counts.astype(np.uint64)) >> np.uint64(32)
        return self.by_label_order[self.starts[digits] + offsets.astype(np.int64)]


@functools.lru_cache(maxsize=1)
def bundled_bank() -> DigitBank:
    """The bundled MNIST test set, loaded once per process."""
    folder = bundled_data_dir()
    images, labels = read_pair(folder / BUNDLED_IMAGES, folder / BUNDLED_LABELS)
    return DigitBank(images, labels, source=f"MNIST test set, bundled ({BUNDLED_IMAGES})")


def load_bank(location: str | os.PathLike | None = None) -> DigitBank:
    """The bank at `location` (folder or images file), or the bundled one if None."""
    return bundled_bank() if location is None else DigitBank.from_idx(location)
