"""Detection exports, COCO and YOLO: PNGs in images/ plus the format's boxes.

The PNGs are written by the PNG exporter's pipeline (all cores); each chunk's metadata
lines are turned into the format's annotations by dataset/coco.py or dataset/yolo.py.
This module only does the folder: the export skeleton (dataset/export.py), the
images/ and labels/ subfolders, config.json, and undoing a failed export.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import whole_number
from ..files import atomic_output, write_bytes_atomic
from .coco import ANNOTATIONS_NAME, CocoWriter
from .config import CONFIG_NAME, DatasetError, Shard
from .export import (
    CancelCheck,
    ExportJob,
    ExportResult,
    Progress,
    check_cancel,
    default_workers,
    export_job,
)
from .items import SequenceDataset
from .png import _png_chunks, png_name
from .yolo import DATA_NAME, LABELS_FOLDER, data_yaml, write_labels

IMAGES_FOLDER = "images"
_NUMBERED = re.compile(r"^\d{6,}\.(png|txt)$")


def export_coco(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """images/ + annotations.json (COCO detection, ink boxes) + config.json."""
    return _export("coco", dataset, out_dir, shard, overwrite, workers, progress, cancel)


def export_yolo(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """images/ + labels/ (YOLO, ink boxes) + data.yaml + config.json."""
    return _export("yolo", dataset, out_dir, shard, overwrite, workers, progress, cancel)


def _export(
    fmt: str,
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    shard: Shard | None,
    overwrite: bool,
    workers: int | None,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> ExportResult:
    if dataset.has_own_bank:
        workers = 1  # a bank that is not in the config cannot be reloaded by workers
    workers = (
        default_workers()
        if workers is None
        else whole_number("workers", workers, 1, 256, error=DatasetError)
    )
    main = ANNOTATIONS_NAME if fmt == "coco" else DATA_NAME
    with export_job(dataset, out_dir, shard, overwrite, _remove_written) as job:
        out = job.out_dir
        if overwrite:
            _remove_previous(out)
        (out / IMAGES_FOLDER).mkdir(exist_ok=True)
        if fmt == "coco":
            with atomic_output(out / main) as tmp, contextlib.ExitStack() as opened:
                stream = opened.enter_context(open(tmp, "w", encoding="utf-8", newline="\n"))
                spill = opened.enter_context(
                    tempfile.TemporaryFile("w+", encoding="utf-8", dir=out)
                )
                description = f"mnist-seq digit sequences, items {job.start}..{job.stop - 1}"
                writer = CocoWriter(stream, spill, dataset.width, _height(dataset), description)
                _images(job, workers, progress, cancel, writer.add)
                writer.finish()
        else:
            labels = out / LABELS_FOLDER
            labels.mkdir(exist_ok=True)
            width, height = dataset.width, _height(dataset)
            _images(
                job, workers, progress, cancel, lambda r: write_labels(r, labels, width, height)
            )
            write_bytes_atomic(out / main, data_yaml().encode("utf-8"))
        check_cancel(cancel)
        describe = {**job.describe(), "export_format": fmt}
        config_text = json.dumps(describe, indent=2, sort_keys=True) + "\n"
        write_bytes_atomic(out / CONFIG_NAME, config_text.encode("utf-8"))
    files = (out / main, out / CONFIG_NAME)
    return ExportResult(out, files, job.total, job.start, job.stop, job.total)


def _height(dataset: SequenceDataset) -> int:
    return dataset.config.variation.height


def _images(
    job: ExportJob,
    workers: int,
    progress: Progress | None,
    cancel: CancelCheck | None,
    take: Callable[[list[dict[str, Any]]], None],
) -> None:
    """PNGs of the job into images/; `take(records)` with each chunk's metadata records."""
    done = 0
    for text in _png_chunks(job, job.out_dir / IMAGES_FOLDER, workers, cancel):
        records = [json.loads(line) for line in text.splitlines()]
        take(records)
        done += len(records)
        if progress is not None:
            progress(done, job.total)


def _remove_previous(out: Path) -> None:
    """--overwrite: an earlier detection export's files (numbered images and labels,
    annotations.json, data.yaml); config.json is the skeleton's."""
    for name in (ANNOTATIONS_NAME, DATA_NAME):
        with contextlib.suppress(FileNotFoundError):
            (out / name).unlink()
    for sub in (IMAGES_FOLDER, LABELS_FOLDER):
        folder = out / sub
        if folder.is_dir():
            for entry in folder.iterdir():
                if _NUMBERED.match(entry.name) and entry.is_file():
                    entry.unlink()


def _remove_written(job: ExportJob) -> None:
    """Undo a failed export (the PNG workers have stopped)."""
    count = len(job.dataset)
    for item in range(job.start, job.stop):
        name = png_name(item, count)
        for path in (
            job.out_dir / IMAGES_FOLDER / name,
            job.out_dir / LABELS_FOLDER / name.replace(".png", ".txt"),
        ):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    for name in (ANNOTATIONS_NAME, DATA_NAME, CONFIG_NAME):
        with contextlib.suppress(FileNotFoundError):
            (job.out_dir / name).unlink()
    for sub in (IMAGES_FOLDER, LABELS_FOLDER):
        with contextlib.suppress(OSError):
            (job.out_dir / sub).rmdir()  # only if empty
