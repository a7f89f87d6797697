"""Parquet files that data tools load directly: Hugging Face `datasets`, pandas, pyarrow
and DuckDB.

Files `NNNNNN.parquet`, each holding at most `rows` items (a file is named by its first
item, zero-padded as the PNG names are), and nothing else, so that a tool reading the
whole folder finds only Parquet. A row is an item: `image` in
the Hugging Face image layout (struct of the PNG's `bytes` and its `path`, the name the
PNG folder gives it), `label`, `length`, `digits`, `boxes`, `mnist_indices`, `item`,
`ink_boxes` as the PNG folder's metadata.jsonl has them (lists of the item's length), and
with masks `masks`, the label image the PNG folder writes in masks/, as an image too.
Each file's schema metadata holds the Hugging Face features (so `load_dataset` decodes
the images) and, under `mnist_seq`, the JSON the other formats write as config.json.

The PNGs are encoded on the PNG exporter's worker processes (png.ordered_tasks); rows
are written in row groups of about _GROUP_BYTES, so memory stays flat at any count.
pyarrow is an optional dependency: `pip install 'mnist-seq[parquet]'`.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from typing import Any

import numpy as np

from ..core import whole_number
from .config import DatasetError
from .export import CancelCheck, ExportJob, Progress, check_cancel
from .items import FIELDS, SequenceDataset
from .manifest import Manifest, Series
from .png import Checkpoint, PngFormat, ordered_tasks, png_name
from .pngenc import DEFAULT_PNG_LEVEL, encode_grey

PARQUET_SUFFIX = ".parquet"
METADATA_KEY = b"mnist_seq"  # the schema metadata key of the export's config JSON
INSTALL_HINT = "pip install 'mnist-seq[parquet]'"
_GROUP_BYTES = 32 << 20  # a row group's PNG bytes, about: what a reader holds at once
_FILE_BYTES = 256 << 20  # what a file's rows are chosen to come to, about (default_rows)
_MAX_ROWS = 1_000_000
_SAMPLE_ITEMS = 256  # items whose bytes choose the default rows per file
_SAMPLE_BYTES = 8 << 20
_LISTS = ("digits", "mnist_indices")  # int64 per digit
_BOXES = ("boxes", "ink_boxes")  # four int64 per digit
_INT = {"dtype": "int64", "_type": "Value"}
# Hugging Face `datasets` features, in the form every version since 2.0 reads.
_FEATURES: dict[str, Any] = {
    "image": {"_type": "Image"},
    "label": {"dtype": "string", "_type": "Value"},
    "length": _INT,
    **{name: {"feature": _INT, "_type": "Sequence"} for name in _LISTS},
    **{
        name: {"feature": {"feature": _INT, "_type": "Sequence"}, "_type": "Sequence"}
        for name in _BOXES
    },
    "item": _INT,
    "masks": {"_type": "Image"},
}


def _pyarrow() -> Any:
    """The pyarrow module, or DatasetError saying how to install it."""
    try:
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise DatasetError(
            f"--format parquet needs pyarrow, which is not installed: {INSTALL_HINT}"
        ) from None
    return pyarrow


def default_rows(dataset: SequenceDataset, masks: bool, level: int) -> int:
    """Rows per file when not given: about _FILE_BYTES, from the bytes of the data set's
    first items (at most _SAMPLE_BYTES of pixels), in thousands, 1,000..1,000,000. The
    same for every shard of a data set: it depends only on the config, `masks`, `level`."""
    pa = _pyarrow()
    image = dataset.config.height * dataset.width
    sample = max(1, min(len(dataset), _SAMPLE_ITEMS, _SAMPLE_BYTES // image))
    table = _table(pa, _rows_task(dataset, 0, sample, masks, level), len(dataset), {})
    rows = _FILE_BYTES * sample // max(1, table.nbytes) // 1_000 * 1_000
    return max(1_000, min(_MAX_ROWS, rows))


def _rows_task(
    dataset: SequenceDataset,
    start: int,
    stop: int,
    masks: bool,
    level: int,
    *,
    checkpoint: Checkpoint | None = None,
) -> dict[str, Any]:
    """Items start..stop-1 as rows: PNG bytes of the images (and label images) and the
    label fields as arrays; `checkpoint` as png.ordered_tasks gives it."""
    items = np.arange(start, stop, dtype=np.int64)
    batch, made = dataset.composed(items, masks, checkpoint)
    rows: dict[str, Any] = {key: batch[key] for key in FIELDS if key != "image"}
    rows["image"] = [encode_grey(image, level) for image in batch["image"]]
    if masks:
        label_images = (made.label_images(slice(r, r + 1))[0] for r in range(stop - start))
        rows["masks"] = [encode_grey(image, level) for image in label_images]
    return rows


def _table(pa: Any, rows: dict[str, Any], count: int, metadata: dict[bytes, bytes]) -> Any:
    """A task's rows as an Arrow table (columns in FIELDS order, then masks)."""
    lengths = rows["length"].astype(np.int64)
    shown = np.arange(rows["digits"].shape[1]) < lengths[:, None]
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    names = [png_name(int(item), count) for item in rows["item"]]

    def image(pngs: list[bytes], folder: str) -> Any:
        paths = pa.array([folder + name for name in names], pa.string())
        return pa.StructArray.from_arrays([pa.array(pngs, pa.binary()), paths], ["bytes", "path"])

    columns: dict[str, Any] = {
        "image": image(rows["image"], ""),
        "label": pa.array(rows["label"].tolist(), pa.string()),
        "length": pa.array(lengths),
    }
    ints = pa.list_(pa.int64())  # as `datasets` writes its lists: list<item: int64>
    for name in _LISTS:
        columns[name] = pa.ListArray.from_arrays(offsets, pa.array(rows[name][shown]), ints)
    for name in _BOXES:
        flat = rows[name][shown].reshape(-1)
        fours = pa.array(np.arange(0, len(flat) + 1, 4, dtype=np.int32))
        boxes = pa.ListArray.from_arrays(fours, pa.array(flat), ints)
        columns[name] = pa.ListArray.from_arrays(offsets, boxes, pa.list_(ints))
    columns["item"] = pa.array(rows["item"].astype(np.int64))
    if "masks" in rows:
        columns["masks"] = image(rows["masks"], "masks/")
    order = [name for name in (*FIELDS, "masks") if name in columns]
    return pa.table({name: columns[name] for name in order}).replace_schema_metadata(metadata)


class ParquetFormat(PngFormat):
    """NNNNNN.parquet files of at most `rows` items each (default: default_rows); PNGs
    encoded by `workers` processes at `png_level`."""

    name = "parquet"

    def __init__(
        self,
        workers: int | None = None,
        png_level: int = DEFAULT_PNG_LEVEL,
        rows: int | None = None,
    ) -> None:
        super().__init__(workers, png_level)
        self.rows = None if rows is None else whole_number(
            "rows_per_file", rows, 1, _MAX_ROWS, error=DatasetError
        )  # fmt: skip

    def file_rows(self, job: ExportJob) -> int:
        return self.rows or default_rows(job.dataset, job.masks, self.png_level)

    def plan(self, job: ExportJob) -> Manifest:
        _pyarrow()  # refused before anything is written when pyarrow is missing
        if job.dataset.has_own_bank:
            self.workers = 1  # a bank that is not in the config cannot be reloaded by workers
        series = self.series(job, "", PARQUET_SUFFIX)
        return Manifest(series=(series,))

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        pa = _pyarrow()
        describe = {**job.describe(), "export_format": self.name}
        columns = (*FIELDS, "masks") if job.masks else FIELDS
        features = {name: _FEATURES[name] for name in columns}
        metadata = {
            b"huggingface": json.dumps({"info": {"features": features}}).encode(),
            METADATA_KEY: json.dumps(describe, sort_keys=True).encode(),
        }
        files = _Files(pa, job, self.file_rows(job), self.series(job, "", PARQUET_SUFFIX))
        count = len(job.dataset)
        args = (job.masks, self.png_level)
        with contextlib.closing(
            ordered_tasks(job, self.workers, cancel, _rows_task, *args)
        ) as done, files:  # fmt: skip
            for begin, end, rows in done:
                files.add(begin, _table(pa, rows, count, metadata))
                if progress is not None:
                    progress(end - job.start, job.total)
            check_cancel(cancel)


class _Files:
    """Rows in item order into files of at most `rows` rows, in row groups of about
    _GROUP_BYTES; a context: leaving it closes the file being written."""

    def __init__(self, pa: Any, job: ExportJob, rows: int, series: Series) -> None:
        self.pa, self.job, self.rows, self.series = pa, job, rows, series
        self.writer: Any = None
        self.end = job.start  # where the open file ends
        self.group: list[Any] = []
        self.bytes = 0

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def add(self, begin: int, table: Any) -> None:
        """Rows of items begin.. (following the rows added before)."""
        while table.num_rows:
            if self.writer is None:
                self.end = min(begin + self.rows, self.job.stop)
                path = self.job.folder / self.series.name(begin)
                self.writer = self.pa.parquet.ParquetWriter(
                    path, table.schema, compression="snappy", use_dictionary=False
                )
            take = min(table.num_rows, self.end - begin)
            part, table = table.slice(0, take), table.slice(take)
            self.group.append(part)
            self.bytes += part.nbytes
            begin += take
            if begin == self.end or self.bytes >= _GROUP_BYTES:
                self.writer.write_table(self.pa.concat_tables(self.group))
                self.group, self.bytes = [], 0
            if begin == self.end:
                self.writer.close()
                self.writer = None
