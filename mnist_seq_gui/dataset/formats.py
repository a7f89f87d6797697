"""Every export format by name, and the one call that writes any of them:
`export(dataset, out_dir, "png", overwrite=True, progress=..., cancel=...)`."""

from __future__ import annotations

import os

from .config import DatasetError, Shard
from .detection import CocoFormat, YoloFormat
from .export import CancelCheck, ExportFormat, ExportResult, Progress, run_export
from .items import SequenceDataset
from .npz import NpzFormat
from .png import PngFormat

EXPORT_FORMATS: dict[str, type[ExportFormat]] = {
    f.name: f for f in (NpzFormat, PngFormat, CocoFormat, YoloFormat)
}
FORMATS: tuple[str, ...] = tuple(EXPORT_FORMATS)


def export(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike[str],
    fmt: str = "npz",
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Write `dataset` (or one `shard` of it) into `out_dir` in format `fmt`: "npz" (one
    dataset.npz), "png" (a Hugging Face imagefolder), "coco" or "yolo" (detection sets).
    The folder changes as a transaction (dataset/export.py); `overwrite` replaces an
    earlier export there; `workers` processes encode PNGs (default: every usable core);
    `progress(done, total)` is called as items are written; `cancel()` returning True
    stops the export, which then leaves the folder as it was."""
    if fmt not in EXPORT_FORMATS:
        raise DatasetError(f"format {fmt!r} is unknown; use {' or '.join(FORMATS)}")
    return run_export(EXPORT_FORMATS[fmt](workers), dataset, out_dir, shard=shard,
                      overwrite=overwrite, progress=progress, cancel=cancel)  # fmt: skip
