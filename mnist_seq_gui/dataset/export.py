"""What both exporters share: the output folder, the job, progress and cancel.

`export_job` is the skeleton every format runs inside: it prepares the output folder,
hands the format a job (data set, folder, shard bounds), and on any failure, cancel
or Ctrl+C lets the format remove what it wrote, then removes the folder if this export
created it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..core import Cancelled, OutputError
from .config import BLANK, CONFIG_NAME, METADATA_NAME, NO_BOX, NPZ_NAME, DatasetError, Shard
from .items import SequenceDataset

Progress = Callable[[int, int], None]  # (items done, items in this export)
CancelCheck = Callable[[], bool]

STAGING_PREFIX = ".mnist-seq-staging-"
_PNG_NAME = re.compile(r"^\d{6,}\.png$")  # png_name pads to 6 digits or more


class ExportCancelled(Cancelled):
    """The export was cancelled; nothing it started is left on disk."""


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
class ExportJob:
    """State every exporter needs: the dataset, its shard, the output folder."""

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


@contextlib.contextmanager
def export_job(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike[str],
    shard: Shard | None,
    overwrite: bool,
    remove_written: Callable[[ExportJob], None] | None = None,
) -> Iterator[ExportJob]:
    """Prepare the folder and yield the job; on failure undo what this export did.

    `remove_written(job)` removes the format's own files; it runs only once every
    writer has stopped (the format's body has returned or raised).
    """
    out, created = prepare_output(out_dir, overwrite)
    job = ExportJob(dataset, out, shard or Shard())
    try:
        yield job
    except BaseException:
        if remove_written is not None:
            remove_written(job)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty: never removes anything but our own new folder
        raise


def _is_ours(path: Path) -> bool:
    """Files an export writes, and the temporary files a killed export can leave."""
    name = path.name
    ours = (NPZ_NAME, METADATA_NAME, CONFIG_NAME)
    return (
        name in ours
        or bool(_PNG_NAME.match(name))
        or name.startswith(STAGING_PREFIX)
        or any(name.startswith(f".{base}.") and name.endswith(".part") for base in ours)
    )


def prepare_output(out_dir: str | os.PathLike[str], overwrite: bool = False) -> tuple[Path, bool]:
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


def check_cancel(cancel: CancelCheck | None) -> None:
    """Raise ExportCancelled if the caller asked to stop."""
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled; no files were kept")


def default_workers() -> int:
    """The processes a PNG export uses by default: the cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
