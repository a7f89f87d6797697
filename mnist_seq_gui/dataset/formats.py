"""Every export format by name: `export(dataset, out_dir, "png")`."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .config import DatasetError
from .export import ExportResult
from .items import SequenceDataset
from .npz import export_npz
from .png import export_png

# Format name -> (exporter, whether it takes `workers`).
EXPORTERS: dict[str, tuple[Callable[..., ExportResult], bool]] = {
    "npz": (export_npz, False),
    "png": (export_png, True),
}
FORMATS: tuple[str, ...] = tuple(EXPORTERS)


def export(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike[str],
    fmt: str = "npz",
    **options: Any,
) -> ExportResult:
    """Export `dataset` to `out_dir` in format `fmt` (see FORMATS), with its options."""
    if fmt not in EXPORTERS:
        raise DatasetError(f"format {fmt!r} is unknown; use {' or '.join(FORMATS)}")
    exporter, takes_workers = EXPORTERS[fmt]
    if not takes_workers:
        options.pop("workers", None)
    return exporter(dataset, out_dir, **options)
