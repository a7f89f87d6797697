"""Every export format by name, and the one call that writes any of them:
`export(dataset, out_dir, "png", overwrite=True, progress=..., cancel=...)`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import cast

from ..core import InputError, MnistSeqError, OutputError
from .config import DatasetError, Shard
from .detection import CocoFormat, YoloFormat
from .export import (
    CancelCheck,
    ExportCancelled,
    ExportFormat,
    ExportJob,
    ExportResult,
    Progress,
    check_cancel,
    check_target,
    target_folder,
)
from .items import SequenceDataset
from .npz import NpzFormat
from .parquet import ParquetFormat
from .png import PngFormat, is_image_series
from .pngenc import DEFAULT_PNG_LEVEL
from .splits import SplitSet, SplitsFormat
from .transaction import FolderTransaction, clean_leftovers, folder_lock

EXPORT_FORMATS: dict[str, type[ExportFormat]] = {
    f.name: f for f in (NpzFormat, PngFormat, CocoFormat, YoloFormat, ParquetFormat)
}
FORMATS: tuple[str, ...] = tuple(EXPORT_FORMATS)


def export(
    dataset: SequenceDataset | Mapping[str, SequenceDataset],
    out_dir: str | os.PathLike[str],
    fmt: str | ExportFormat = "npz",
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    masks: bool = False,
    png_level: int | None = None,
    compress: bool = False,
    rows_per_file: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    removing: Callable[[int], None] | None = None,
    abandon: CancelCheck | None = None,
) -> ExportResult:
    """Write `dataset` (or one `shard` of it) into `out_dir` in format `fmt`: "npz" (one
    dataset.npz), "png" (a Hugging Face imagefolder), "coco" or "yolo" (detection sets),
    "parquet" (Parquet files of PNGs and labels; needs pyarrow), or an ExportFormat of
    your own. The folder changes as one transaction (export.py): `overwrite` replaces an
    earlier export there; `workers` processes encode PNGs (default: every usable core);
    `masks` adds each digit's ink mask (npz: member `masks`, bit-packed; COCO:
    `segmentation`; PNG and YOLO: label images in masks/; parquet: a `masks` image
    column; config.json says `"masks": true`); `png_level` 0..9 trades the PNGs' size
    for speed (png, coco, yolo, parquet; default 1, the fastest; pngenc.py); `compress`
    deflates the npz's members; `rows_per_file` caps a parquet file's items (default:
    about 256 MB a file; parquet.py); `progress(done, total)` is called as items are
    written;
    `cancel()` returning True stops the export, which then leaves the folder as it was:
    it removes every file it wrote (`removing(done)` is told every thousand), unless
    `abandon()` returns True or a second Ctrl+C comes first; its error says which.
    A mapping {"train": ds, "val": ds, "test": ds} (splits.split_configs) writes each
    split into a folder of its own, all as one transaction (dataset/splits.py)."""
    if isinstance(fmt, str) and fmt not in EXPORT_FORMATS:
        raise DatasetError(f"format {fmt!r} is unknown; use {' or '.join(FORMATS)}")
    if shard is not None and not isinstance(shard, Shard):
        raise DatasetError(
            f"shard {shard!r:.40} is not a Shard; pass Shard(k, n), e.g. Shard(2, 4)"
        )
    if not isinstance(masks, bool):
        raise DatasetError(f"masks {masks!r} is not True or False")
    writer = _writer(fmt, workers, png_level, compress, rows_per_file)
    if isinstance(dataset, Mapping):
        if shard is not None:
            raise DatasetError("splits are written whole; --shard does not apply to them")
        splits = SplitSet(dataset)
        writer = SplitsFormat(writer, splits)
        dataset = cast(SequenceDataset, splits)  # only SplitsFormat reads it, as the set it is
    out = target_folder(out_dir)
    job = ExportJob(dataset, out, shard or Shard(), masks=masks)
    plan = writer.plan(job)
    transaction = FolderTransaction(out, plan)
    try:
        # Leftovers are judged and the staging folder made under one lock, so a second
        # export into the same folder can never take a live staging folder for a leftover.
        with folder_lock(out.parent):
            notes = clean_leftovers(out)
            job.folder = transaction.begin()
        transaction.previous = check_target(out, plan, overwrite, cancel)
        writer.write(job, progress, cancel)
        check_cancel(cancel)
        notes += transaction.commit(cancel)
    except BaseException as exc:
        if not transaction.committed:
            note = transaction.abort(removing, abandon)
            raise _explained(exc, note, out, transaction.left_files) from None
        if isinstance(exc, KeyboardInterrupt):  # the new export is in place: nothing to undo
            raise type(exc)(f"the export into {out} is complete") from None
        raise
    images = sum(s.stop - s.start for s in plan.series if is_image_series(s))
    files = tuple(out / name for name in plan.files)
    return ExportResult(out, files, job.total, job.start, job.stop, images, tuple(notes))


def _writer(
    fmt: str | ExportFormat,
    workers: int | None,
    png_level: int | None,
    compress: bool,
    rows: int | None,
) -> ExportFormat:
    """The format `fmt` names, with the options that apply to it (the others refused)."""
    if not isinstance(fmt, str):
        if png_level is not None or compress or rows is not None:
            raise DatasetError("png_level, compress and rows_per_file are set on your own "
                               "ExportFormat")  # fmt: skip
        return fmt
    if rows is not None and fmt != "parquet":
        raise DatasetError(f"--rows-per-file (rows_per_file) sets the items of a parquet file; "
                           f"{fmt} has no such files")  # fmt: skip
    if fmt == "npz":
        if png_level is not None:
            raise DatasetError("a PNG level (--png-level, png_level) applies to exports of PNGs; "
                               "npz holds raw arrays: --compress (compress=True) deflates "
                               "them")  # fmt: skip
        return NpzFormat(workers, compress)
    if compress:
        raise DatasetError(f"--compress (compress=True) deflates an npz; {fmt} holds PNGs, "
                           "which are compressed already: --png-level (png_level) trades "
                           "their size for speed")  # fmt: skip
    level = DEFAULT_PNG_LEVEL if png_level is None else png_level  # checked by the format
    if fmt == "parquet":
        return ParquetFormat(workers, level, rows)
    return cast(type[PngFormat], EXPORT_FORMATS[fmt])(workers, level)


def _explained(exc: BaseException, note: str, out: Path, left: bool) -> BaseException:
    """The error to raise after a stopped export: the same kind, saying what was left."""
    if isinstance(exc, InputError) and not left:
        return exc  # refused before any work: the message says all there is
    if isinstance(exc, KeyboardInterrupt):  # Ctrl+C, or SIGTERM as the CLI raises it
        return type(exc)(note)
    if isinstance(exc, BrokenProcessPool):
        return ExportCancelled(f"a worker process died (killed, or out of memory); {note}", note)
    if isinstance(exc, ExportCancelled):
        return ExportCancelled(f"export cancelled; {note}", note)
    if isinstance(exc, MnistSeqError):
        return type(exc)(f"{exc}; {note}")
    if isinstance(exc, OSError):
        return OutputError(f"cannot write the export into {out}: {exc.strerror or exc}; {note}")
    return exc  # a defect: its own traceback says more than any message
