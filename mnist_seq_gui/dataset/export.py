"""The skeleton every export format runs in: `ExportFormat` (a format's `plan` and
`write`), the `ExportJob` it is given, its result and cancel, and the checks of the target
folder. `formats.export` runs every format alike as a transaction on its output folder
(transaction.py): on any error, cancel, Ctrl+C or SIGTERM the folder stays as it was.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .. import __version__
from ..core import Cancelled, OutputError
from .config import BLANK, NO_BOX, DatasetError, Shard
from .items import SequenceDataset
from .manifest import MANIFEST_NAME, Manifest, legacy_manifest, read_manifest
from .transaction import collision_message, foreign_folder_message

Progress = Callable[[int, int], None]  # (items done, items in this export)
CancelCheck = Callable[[], bool]


class ExportCancelled(Cancelled):
    """The export was cancelled; the target folder was not changed (`left` says so in
    words: "... was not changed", or where unfinished files are)."""

    def __init__(self, message: str = "export cancelled", left: str = "") -> None:
        super().__init__(message)
        self.left = left


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    out_dir: Path
    files: tuple[Path, ...]  # the main files (the npz, or metadata.jsonl + config.json)
    items: int
    start: int
    stop: int
    image_files: int = 0
    notes: tuple[str, ...] = ()  # what was cleaned up or left, one line each


@dataclass
class ExportJob:
    """State every exporter needs: the dataset, its shard, the folder to write into."""

    dataset: SequenceDataset
    out_dir: Path  # the target: where the finished export will be
    shard: Shard
    folder: Path = field(default=Path())  # where the format writes: the staging folder
    masks: bool = False  # write each digit's mask too, as the format holds them
    start: int = field(init=False)
    stop: int = field(init=False)

    def __post_init__(self) -> None:
        self.start, self.stop = self.shard.bounds(len(self.dataset))
        if self.folder == Path():
            self.folder = self.out_dir

    @property
    def total(self) -> int:
        return self.stop - self.start

    def describe(self) -> dict[str, Any]:
        """The JSON that sits beside the data: config plus shard (and `masks`: true when
        the export holds masks), no timestamps."""
        described = {
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
        return {**described, "masks": True} if self.masks else described


class ExportFormat:
    """One way to write a data set: a subclass with `plan` and `write` (the folder's
    staging, swap, clean-up and leftovers are `formats.export`'s, not the format's).

    `plan(job)` lists every path `write` will create (names and numbered series,
    relative to the export folder); `write(job, progress, cancel)` writes them into
    `job.folder`, calling `check_cancel(cancel)` at least once per chunk of work, and
    each digit's mask too when `job.masks` is set.
    """

    name: ClassVar[str] = ""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = 1  # formats that encode images on many processes take `workers`

    def plan(self, job: ExportJob) -> Manifest:
        raise NotImplementedError

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        raise NotImplementedError


def target_folder(out_dir: str | os.PathLike[str]) -> Path:
    """The folder an export replaces, links resolved; refuses what cannot be one."""
    if not isinstance(out_dir, (str, os.PathLike)) or not str(out_dir).strip():
        raise DatasetError(f"output folder {out_dir!r:.60} is not a path; pass a folder's path")
    given = Path(out_dir).expanduser()
    out = Path(os.path.realpath(given))
    try:
        os.lstat(out)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise OutputError(f"cannot write into {given}: {exc.strerror}") from None
    if out.exists() and not out.is_dir():
        kind = "a file" if out.is_file() else "a device, pipe or socket"
        raise DatasetError(f"output {given} is {kind}, not a folder; pass a folder")
    if out.is_dir() and os.path.ismount(out):
        raise DatasetError(
            f"output {given} is a mount point, which an export cannot replace as a whole; "
            f"export into a folder inside it, e.g. {given / 'export'}"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocking} is a file, not a folder" if blocking else exc.strerror or exc
        raise OutputError(f"cannot create output folder {given}: {reason}") from None
    return out


def check_target(
    out: Path, plan: Manifest, overwrite: bool, cancel: CancelCheck | None = None
) -> Manifest | None:
    """Check what `out` holds; returns the manifest of the export it holds (if any).

    A folder that holds anything needs `overwrite`. Entries that no earlier export
    listed are the user's: they stay, and the export refuses to start when one has a
    name the new export writes, or is a folder.
    """
    if not out.is_dir():
        return None
    previous = read_manifest(out) or legacy_manifest(out)
    seen = 0
    with os.scandir(out) as entries:
        for entry in entries:
            seen += 1
            if not overwrite:
                break
            if seen % 10_000 == 0:
                check_cancel(cancel)
            name = entry.name
            if previous is not None and previous.owns(name):
                if entry.is_dir(follow_symlinks=False):
                    _check_inside(out, name, previous)
                continue
            if entry.is_dir(follow_symlinks=False):
                raise DatasetError(foreign_folder_message(out, name))
            if plan.owns(name) or name == MANIFEST_NAME:
                raise DatasetError(collision_message(out, name))
    if seen and not overwrite:
        raise DatasetError(
            f"output folder {out} is not empty; pass --overwrite to replace an earlier "
            "export, or choose an empty folder"
        )
    return previous


def _check_inside(out: Path, folder: str, previous: Manifest) -> None:
    """Refuse when a folder of the previous export holds files it did not list."""
    for root, dirs, files in os.walk(out / folder):
        rel_root = os.path.relpath(root, out).replace(os.sep, "/")
        for name in (*files, *dirs):
            rel = f"{rel_root}/{name}"
            if not previous.owns(rel):
                raise DatasetError(
                    f"{out} holds {rel}, inside the previous export's folder {folder} but "
                    "not listed by it; move it out, or export into another folder"
                )


def check_cancel(cancel: CancelCheck | None) -> None:
    """Raise ExportCancelled if the caller asked to stop."""
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled")
