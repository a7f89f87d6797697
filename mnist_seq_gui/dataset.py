"""Training data: an index-deterministic dataset of digit sequences and its exporters.

Item i of a `SequenceDataset` depends only on (config, i): its length, digits, MNIST
images and gaps are counter-based draws keyed by (seed, i), so any access order,
batch, thread or process gives the same item. Batched access groups the requested
items by length and hands each group to the vectorised core.

Exporters stream in chunks, so memory stays bounded whatever the count:
- `export_npz`: one `dataset.npz` (images, labels, digits, lengths, boxes, MNIST
  indices, item numbers, the JSON config), written member by member into a zip stream.
- `export_png`: an image folder in the Hugging Face "imagefolder" layout (PNGs,
  `metadata.jsonl` with a `file_name` column, `config.json`), PNG encoding on a pool
  of processes.
Both write a shard (`Shard(k, n)`: the k-th of n contiguous parts of the index range)
whose files, put together in shard order, equal the unsharded export byte for byte.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import multiprocessing
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy_format

from . import __version__
from .core import DigitBank, MnistSeqError, load_bank
from .core.compose import (
    batch_offsets,
    boxes_from_offsets,
    draw_gaps,
    draw_indices,
    render_batch,
)
from .core.errors import SpacingError
from .core.idx import DIGIT_SIZE
from .core.keyed_random import MAX_SEED, STREAM_DIGITS, STREAM_LENGTH, below, keyed_uint32
from .core.spacing import (
    MAX_WIDTH,
    RULES,
    check_spacing_range,
    nearest_valid_widths,
    valid_widths,
)
from .files import OutputError, atomic_output, encode_png, write_bytes_atomic

# Padding of the per-digit arrays past an item's length. BLANK is 10, one past the
# digits, so a CTC head with 11 classes uses it as its blank: nn.CTCLoss(blank=10).
BLANK = 10
NO_BOX = -1  # boxes and MNIST indices past an item's length
MAX_LENGTH = 64  # keeps the padded arrays and the PNG names sane
DTYPES = ("float32", "uint8")
FORMATS = ("npz", "png")
NPZ_NAME = "dataset.npz"
METADATA_NAME = "metadata.jsonl"
CONFIG_NAME = "config.json"
_STAGING_PREFIX = ".mnist-seq-staging-"
_PNG_NAME = re.compile(r"^\d{6,}\.png$")  # png_name pads to 6 digits or more
# Chunks of about this many pixel bytes: large enough for numpy to run at full speed,
# small enough that a million images never sit in memory at once.
_CHUNK_BYTES = 4 * 1024 * 1024
_PNG_TASK_ITEMS = 256
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that a rerun writes the same bytes


class DatasetError(MnistSeqError):
    """Dataset arguments that cannot make a data set (count, lengths, layout, shard, output)."""


class ExportCancelled(MnistSeqError):
    """The export was cancelled; nothing it started is left on disk."""


def _whole(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DatasetError(f"{name} {value!r} is not a whole number")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = " or more" if maximum is None else f"..{maximum:,}"
        raise DatasetError(f"{name} {value:,} is out of range; use {minimum}{upper}")
    return value


def _lengths_text(lengths: Sequence[int]) -> str:
    return ", ".join(str(n) for n in lengths)


def _widths_for_all(lengths: range, lo: int, hi: int, rule: str) -> list[int]:
    """Widths valid for every length, ascending (a range intersection, not a scan of all)."""
    ranges = [valid_widths(n, lo, hi, rule) for n in lengths]
    if any(len(r) == 0 for r in ranges):
        return []
    first = max(r[0] for r in ranges)
    last = min(r[-1] for r in ranges)
    shortest = min(ranges, key=len)
    return [w for w in shortest if first <= w <= last and all(w in r for r in ranges)]


def _layout_error(width: int | None, lengths: range, lo: int, hi: int, rule: str) -> str | None:
    """One line naming the lengths that `width` cannot hold, or None if all fit.

    `width=None` asks whether any single width fits every length.
    """
    common = _widths_for_all(lengths, lo, hi, rule)
    if width is not None:
        failing = [n for n in lengths if width not in valid_widths(n, lo, hi, rule)]
        if not failing:
            return None
        what = f"width {width} has no {rule} layout for length(s) {_lengths_text(failing)}"
    elif common:
        return None
    else:
        what = f"no single width fits every length {lengths[0]}..{lengths[-1]}"
    if common:
        fix = "use width " + " or ".join(str(w) for w in nearest_valid_widths(width or 0, common))
    elif rule == "uniform":
        fix = "use the random mode (--mode random), whose gaps need not be equal"
    elif lengths[0] > 1:
        # The shortest item must stretch to the width the longest needs at least.
        need = DIGIT_SIZE * (lengths[-1] - lengths[0]) + (lengths[-1] - 1) * lo
        fix = f"allow max spacing {-(-need // (lengths[0] - 1))} or more, or fewer lengths"
    else:
        fix = "a single digit fits only width 28; use lengths of 2 or more"
    return f"{what} with spacing {lo}..{hi}; {fix}"


@dataclass(frozen=True)
class DatasetConfig:
    """Everything that decides the pixels of a data set; JSON round-trips it exactly.

    `width=None` picks the narrowest width every length can fill. `source=None` is the
    bundled MNIST test set; otherwise a folder holding one IDX pair or an images file.
    `source_sha256` fingerprints the digits actually used; a dataset built from this
    config refuses a source whose digits differ.
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

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "count", _whole("count", self.count, 1, 2**40))
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
            raise DatasetError(f"mode {self.rule!r} is unknown; use one of: {', '.join(RULES)}")
        set_(self, "seed", _whole("seed", self.seed, 0, MAX_SEED))
        if self.dtype not in DTYPES:
            raise DatasetError(f"dtype {self.dtype!r} is not supported; use {' or '.join(DTYPES)}")
        set_(self, "white_on_black", bool(self.white_on_black))
        if self.source is not None:
            set_(self, "source", str(self.source))
        lengths = self.lengths
        if self.width is None:
            problem = _layout_error(None, lengths, lo, hi, self.rule)
            if problem:
                raise DatasetError(problem)
            set_(self, "width", _widths_for_all(lengths, lo, hi, self.rule)[0])
        width = _whole("width", self.width, DIGIT_SIZE, MAX_WIDTH)
        set_(self, "width", width)
        problem = _layout_error(width, lengths, lo, hi, self.rule)
        if problem:
            raise DatasetError(problem)

    @property
    def lengths(self) -> range:
        return range(self.min_length, self.max_length + 1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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

    def __getstate__(self) -> dict[str, Any]:
        # DataLoader workers reload the digits from the config instead of receiving
        # the bank and its cached pixel tables through a pipe.
        return {"config": self.config, "bank": self.bank if self._own_bank else None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        bank = state["bank"]
        self.__init__(state["config"], bank=bank)
        self._own_bank = bank is not None

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
        return int(self.config.width)  # resolved by the config

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
        if cfg.min_length == cfg.max_length:
            lengths = np.full(n_items, longest, dtype=np.int64)
        else:
            span = cfg.max_length - cfg.min_length + 1
            lengths = cfg.min_length + below(
                keyed_uint32(cfg.seed, keys, STREAM_LENGTH, 1)[:, 0], span
            )
        drawn = below(keyed_uint32(cfg.seed, keys, STREAM_DIGITS, longest), 10)
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
            group_digits = drawn[rows, :n]
            group_keys = keys[rows]
            chosen = draw_indices(self.bank, group_digits, cfg.seed, group_keys)
            gaps = draw_gaps(
                n, width, cfg.min_spacing, cfg.max_spacing, cfg.rule, cfg.seed, group_keys
            )
            offsets = batch_offsets(gaps)
            pixels = render_batch(self.bank, chosen, offsets, width, cfg.white_on_black, cfg.dtype)
            if len(distinct) == 1:
                images = pixels
            else:
                images[rows] = pixels
            digits[rows, :n] = group_digits
            indices[rows, :n] = chosen
            boxes[rows, :n] = boxes_from_offsets(offsets)
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


# --- shards ---------------------------------------------------------------------


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
            raise DatasetError(f"shard {text!r} is not of the form k/n, e.g. 2/4")
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


# --- exports ---------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (items done, items in this export)
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    out_dir: Path
    files: tuple[Path, ...]  # the main files (the npz, or metadata.jsonl + config.json)
    items: int
    start: int
    stop: int
    image_files: int = 0


@dataclass
class _Export:
    """State shared by both exporters: the dataset, its shard, the output folder."""

    dataset: SequenceDataset
    out_dir: Path
    shard: Shard
    start: int = field(init=False)
    stop: int = field(init=False)

    def __post_init__(self) -> None:
        self.start, self.stop = self.shard.bounds(len(self.dataset))

    @property
    def total(self) -> int:
        return self.stop - self.start

    def describe(self) -> dict[str, Any]:
        """The JSON that sits beside the data: config plus shard, no timestamps."""
        return {
            "format": "mnist-seq dataset",
            "format_version": 1,
            "software": f"mnist-seq {__version__}",
            "config": self.dataset.config.to_dict(),
            # The bundled set's path differs between machines; its name does not.
            "source_description": (
                "bundled MNIST test set (t10k, 10,000 digits)"
                if self.dataset.config.source is None
                else self.dataset.bank.source
            ),
            "blank": BLANK,
            "padding": NO_BOX,
            "shard": {
                "index": self.shard.index,
                "count": self.shard.count,
                "start": self.start,
                "stop": self.stop,
            },
        }


def _is_ours(path: Path) -> bool:
    """Files an export writes, and the temporary files a killed export can leave."""
    name = path.name
    ours = (NPZ_NAME, METADATA_NAME, CONFIG_NAME)
    return (
        name in ours
        or bool(_PNG_NAME.match(name))
        or name.startswith(_STAGING_PREFIX)
        or any(name.startswith(f".{base}.") and name.endswith(".part") for base in ours)
    )


def prepare_output(out_dir: str | os.PathLike, overwrite: bool = False) -> tuple[Path, bool]:
    """Check (and create) the output folder; returns (folder, whether we created it).

    A folder that holds anything needs `overwrite`, which removes only files an
    export writes (dataset.npz, NNN.png, metadata.jsonl, config.json, leftovers).
    """
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise DatasetError(f"output {out} is a file, not a folder; pass a folder")
    if out.is_dir():
        entries = list(out.iterdir())
        if entries and not overwrite:
            raise DatasetError(
                f"output folder {out} is not empty ({len(entries):,} entries); "
                "pass --overwrite to replace an earlier export, or choose an empty folder"
            )
        for entry in entries:
            if _is_ours(entry):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        return out, False
    try:
        out.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    return out, True


def _check_cancel(cancel: CancelCheck | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled; no files were kept")


def _chunk_items(width: int, dtype: str) -> int:
    per_item = DIGIT_SIZE * width * np.dtype(dtype).itemsize
    return max(1, _CHUNK_BYTES // per_item)


def _npy_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    header = {"descr": npy_format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    buffer = _BytesSink()
    npy_format.write_array_header_1_0(buffer, header)
    return bytes(buffer.data)


class _BytesSink:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        return len(chunk)


@contextlib.contextmanager
def _npy_member(archive: zipfile.ZipFile, name: str, dtype: np.dtype, shape: tuple[int, ...]):
    """Open `name`.npy in the zip for streaming and write its header; yields the stream.

    The exact size is known up front, so the zip64 decision (and thus every byte of
    the archive) is the same on every run.
    """
    header = _npy_header(dtype, shape)
    info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = len(header) + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    with archive.open(info, mode="w") as stream:
        stream.write(header)
        yield stream


# npz member name -> batch key, for every array besides the images.
_NPZ_FIELDS = (
    ("labels", "label"),
    ("lengths", "length"),
    ("digits", "digits"),
    ("boxes", "boxes"),
    ("mnist_indices", "mnist_indices"),
    ("items", "item"),
)


def export_npz(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Write `out_dir/dataset.npz` in bounded memory; np.load reads it without pickle.

    Images stream straight into their zip member; the small per-item arrays go to
    unnamed temporary files meanwhile and are copied in after, since a zip can only
    be written one member at a time.
    """
    out, created = prepare_output(out_dir, overwrite)
    job = _Export(dataset, out, shard or Shard())
    path = out / NPZ_NAME
    try:
        with atomic_output(path) as tmp:
            _write_npz(job, tmp, progress, cancel)
    except BaseException:
        _remove_if_created(out, created)
        raise
    return ExportResult(out, (path,), job.total, job.start, job.stop)


def _remove_if_created(out: Path, created: bool) -> None:
    if created:
        with contextlib.suppress(OSError):
            out.rmdir()  # only if empty: never removes anything but our own new folder


def _write_npz(
    job: _Export, tmp: Path, progress: Progress | None, cancel: CancelCheck | None
) -> None:
    ds, total = job.dataset, job.total
    step = _chunk_items(ds.width, ds.config.dtype)
    longest = ds.max_length
    probe = ds.batch(np.zeros(0, dtype=np.int64))
    probe["label"] = probe["label"].astype(f"U{longest}")
    spills: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        for _, key in _NPZ_FIELDS:
            spills[key] = stack.enter_context(tempfile.TemporaryFile(dir=job.out_dir))
        archive = stack.enter_context(
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True)
        )
        image_shape = (total, DIGIT_SIZE, ds.width)
        with _npy_member(archive, "images", probe["image"].dtype, image_shape) as stream:
            for batch in _batches_ahead(ds, job.start, job.stop, step):
                _check_cancel(cancel)
                stream.write(_bytes_of(batch["image"]))
                batch["label"] = batch["label"].astype(f"U{longest}")
                for _, key in _NPZ_FIELDS:
                    spills[key].write(_bytes_of(batch[key]))
                if progress is not None:
                    progress(int(batch["item"][-1]) + 1 - job.start, total)
        for name, key in _NPZ_FIELDS:
            _check_cancel(cancel)
            dtype = probe[key].dtype
            spill = spills[key]
            spill.seek(0)
            with _npy_member(archive, name, dtype, (total, *probe[key].shape[1:])) as stream:
                shutil.copyfileobj(spill, stream, _CHUNK_BYTES)
        config_text = np.asarray(json.dumps(job.describe(), sort_keys=True))
        with _npy_member(archive, "config", config_text.dtype, ()) as stream:
            stream.write(config_text.tobytes())


def _bytes_of(array: np.ndarray) -> memoryview:
    return memoryview(np.ascontiguousarray(array)).cast("B")


def _batches_ahead(
    dataset: SequenceDataset, start: int, stop: int, step: int, depth: int = 2
) -> Iterator[dict[str, np.ndarray]]:
    """dataset.batch over start..stop in chunks of `step`, computed one thread ahead.

    Rendering (numpy) and writing (CRC + file I/O) both release the GIL, so on two
    cores they overlap. The thread is always stopped and joined before this returns,
    also when the consumer stops early (error, cancel, Ctrl+C).
    """
    chunks: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stopping = threading.Event()

    def produce() -> None:
        try:
            for begin in range(start, stop, step):
                item: Any = dataset.batch(np.arange(begin, min(begin + step, stop), dtype=np.int64))
                while not stopping.is_set():
                    try:
                        chunks.put(item, timeout=0.05)
                        break
                    except queue.Full:
                        continue
                if stopping.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            chunks.put(_Failure(exc))
        else:
            chunks.put(_DONE)

    worker = threading.Thread(target=produce, name="mnist-seq-render", daemon=True)
    worker.start()
    try:
        while True:
            got = chunks.get()
            if got is _DONE:
                return
            if isinstance(got, _Failure):
                raise got.error
            yield got
    finally:
        stopping.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.05)  # unblock a producer waiting on a full queue
        worker.join()


_DONE = object()


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def load_npz(path: str | os.PathLike) -> dict[str, Any]:
    """Read an exported npz fully into memory; `config` comes back as a dict."""
    with np.load(path, allow_pickle=False) as data:
        out: dict[str, Any] = {key: data[key] for key in data.files}
    out["config"] = json.loads(str(out["config"]))
    return out


def npz_images(path: str | os.PathLike) -> np.ndarray:
    """The `images` array of an exported npz as a read-only memory map (no full read).

    Works because the exporter stores members uncompressed: the array's bytes lie
    contiguously in the zip file.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("images.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            raise DatasetError(f"{path}: images are compressed; use load_npz instead")
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        f.seek(info.header_offset + 30 + name_len + extra_len)
        version = npy_format.read_magic(f)
        read_header = npy_format.read_array_header_1_0
        if version != (1, 0):
            read_header = npy_format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        offset = f.tell()
    return np.memmap(
        path, dtype=dtype, mode="r", offset=offset, shape=shape, order="F" if fortran else "C"
    )


# --- PNG image folder --------------------------------------------------------------


def png_name(item: int, count: int) -> str:
    """'000042.png': zero-padded to the data set's (not the shard's) count, at least 6 digits."""
    return f"{item:0{max(6, len(str(count - 1)))}d}.png"


def metadata_lines(batch: Mapping[str, np.ndarray], count: int) -> str:
    """The metadata.jsonl lines of a batch: file_name plus the unpadded label fields."""
    lines = []
    for r in range(len(batch["item"])):
        n = int(batch["length"][r])
        record = {
            "file_name": png_name(int(batch["item"][r]), count),
            "label": str(batch["label"][r]),
            "length": n,
            "digits": batch["digits"][r, :n].tolist(),
            "boxes": batch["boxes"][r, :n].tolist(),
            "mnist_indices": batch["mnist_indices"][r, :n].tolist(),
            "item": int(batch["item"][r]),
        }
        lines.append(json.dumps(record, separators=(", ", ": ")))
    return "".join(line + "\n" for line in lines)


def _write_pngs(dataset: SequenceDataset, start: int, stop: int, folder: Path) -> str:
    """Render items start..stop-1, write their PNGs into `folder`; return their metadata."""
    batch = dataset.batch(np.arange(start, stop, dtype=np.int64))
    count = len(dataset)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    for r, item in enumerate(batch["item"].tolist()):
        data = encode_png(batch["image"][r])
        # Plain os calls: file creation is the serial part of a PNG export here.
        fd = os.open(folder / png_name(item, count), flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    return metadata_lines(batch, count)


_WORKER_DATASETS: dict[str, SequenceDataset] = {}


def _worker_init() -> None:
    # Ctrl+C reaches the whole process group; the parent alone decides how to stop,
    # so workers finish their task and let the parent clean up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _png_task(config_json: str, start: int, stop: int, staging: str) -> tuple[str, str]:
    """Write a task's PNGs into this worker's own staging folder; (metadata, folder)."""
    dataset = _WORKER_DATASETS.get(config_json)
    if dataset is None:
        _WORKER_DATASETS.clear()
        dataset = _WORKER_DATASETS[config_json] = SequenceDataset(
            DatasetConfig.from_json(config_json)
        )
    # Creating files takes the folder's lock; one folder per worker keeps the
    # workers from spinning on each other's creates (the parent moves the files).
    folder = Path(staging) / str(os.getpid())
    folder.mkdir(exist_ok=True)
    return _write_pngs(dataset, start, stop, folder), str(folder)


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def export_png(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Write PNGs + metadata.jsonl + config.json (Hugging Face imagefolder layout).

    One process writes PNGs straight to their final names. With several `workers`
    (default: all cores) each worker renders, encodes and writes into its own hidden
    staging folder, since creating files in one shared folder serialises on its lock,
    and this process moves each finished task's files into place. metadata.jsonl is
    renamed in last, so a folder that has it is complete. On error, cancel or Ctrl+C
    every file of this export is removed.
    """
    if dataset.has_own_bank and (workers or default_workers()) > 1:
        workers = 1  # a bank that is not in the config cannot be reloaded by workers
    workers = default_workers() if workers is None else _whole("workers", workers, 1, 256)
    out, created = prepare_output(out_dir, overwrite)
    job = _Export(dataset, out, shard or Shard())
    try:
        with atomic_output(out / METADATA_NAME) as metadata_tmp:
            done = 0
            with open(metadata_tmp, "w", encoding="utf-8", newline="\n") as meta:
                for text in _png_chunks(job, out, workers, cancel):
                    meta.write(text)
                    done += text.count("\n")
                    if progress is not None:
                        progress(done, job.total)
            _check_cancel(cancel)
            config_text = json.dumps(job.describe(), indent=2, sort_keys=True) + "\n"
            write_bytes_atomic(out / CONFIG_NAME, config_text.encode("utf-8"))
    except BaseException:
        # Workers have finished (the pool is shut down), so nothing is still writing.
        for i in range(job.start, job.stop):
            with contextlib.suppress(FileNotFoundError):
                (out / png_name(i, len(dataset))).unlink()
        with contextlib.suppress(FileNotFoundError):
            (out / CONFIG_NAME).unlink()
        _remove_if_created(out, created)
        raise
    return ExportResult(
        out, (out / METADATA_NAME, out / CONFIG_NAME), job.total, job.start, job.stop, job.total
    )


def _png_chunks(
    job: _Export, folder: Path, workers: int, cancel: CancelCheck | None
) -> Iterator[str]:
    """Metadata text of each task, in item order, as the tasks finish."""
    bounds = [
        (begin, min(begin + _PNG_TASK_ITEMS, job.stop))
        for begin in range(job.start, job.stop, _PNG_TASK_ITEMS)
    ]
    if workers == 1:
        for begin, end in bounds:
            _check_cancel(cancel)
            yield _write_pngs(job.dataset, begin, end, folder)
        return
    config_json = job.dataset.config.to_json()
    context = multiprocessing.get_context(_start_method())
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=folder))
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, len(bounds)), mp_context=context, initializer=_worker_init
    )
    count = len(job.dataset)
    try:
        pending: list[tuple[int, int, concurrent.futures.Future[tuple[str, str]]]] = []
        todo = iter(bounds)
        window = 4 * workers  # bounded: metadata of a few tasks waits at most

        def submit() -> None:
            for begin, end in todo:
                future = pool.submit(_png_task, config_json, begin, end, str(staging))
                pending.append((begin, end, future))
                return

        for _ in range(window):
            submit()
        while pending:
            begin, end, future = pending.pop(0)
            text, source = _wait_result(future, cancel)
            submit()
            for item in range(begin, end):
                name = png_name(item, count)
                os.replace(os.path.join(source, name), folder / name)
            yield text
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)


def _start_method() -> str:
    """How to start PNG workers.

    fork where it is safe: workers start at once with the digits already loaded.
    Only from the main thread of a process with no other Python threads (not from
    a Qt application's export thread), and only before Python 3.12, which warns
    about fork as soon as any native thread exists (numpy's BLAS pool is one).
    Otherwise forkserver (Python's own default from 3.14), or spawn where that is
    all there is.
    """
    methods = multiprocessing.get_all_start_methods()
    if (
        "fork" in methods
        and sys.version_info < (3, 12)
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    ):
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _wait_result(future: concurrent.futures.Future[Any], cancel: CancelCheck | None) -> Any:
    while True:
        _check_cancel(cancel)
        try:
            return future.result(timeout=0.05)
        except concurrent.futures.TimeoutError:
            continue


def export(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    fmt: str = "npz",
    **options: Any,
) -> ExportResult:
    """`export_npz` or `export_png` by name."""
    if fmt == "npz":
        options.pop("workers", None)
        return export_npz(dataset, out_dir, **options)
    if fmt == "png":
        return export_png(dataset, out_dir, **options)
    raise DatasetError(f"format {fmt!r} is unknown; use {' or '.join(FORMATS)}")
