"""An export's manifest (every path it writes, as names and numbered series), and
removing exactly what a manifest lists.

The manifest is written first into the staging folder and travels with the export. A
later `--overwrite` removes only what the previous export's manifest lists; exports
written before manifests existed are recognised by their own config record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numpy.lib import format as npy_format

from ..files import read_bounded
from .config import CONFIG_NAME, METADATA_NAME, NPZ_NAME

MANIFEST_NAME = ".mnist-seq-manifest.json"
_MANIFEST_FILES = (MANIFEST_NAME, f"{MANIFEST_NAME}.part")  # .part: while it is written
_MANIFEST_FORMAT = "mnist-seq export manifest"
_SHOWN = 3  # names quoted in a note about kept files
_DATASET_FORMAT = "mnist-seq dataset"  # the "format" of config.json and the npz config
_MAX_RECORD_BYTES = 64 << 20  # a manifest or config.json read back: larger is not ours


@dataclass(frozen=True)
class Series:
    """Numbered files `folder/NNNNNN<suffix>` for items start..stop-1, zero-padded."""

    folder: str
    digits: int
    suffix: str
    start: int
    stop: int

    def name(self, item: int) -> str:
        base = f"{item:0{self.digits}d}{self.suffix}"
        return f"{self.folder}/{base}" if self.folder else base

    def owns(self, rel: str) -> bool:
        folder, _, base = rel.rpartition("/")
        if folder != self.folder or not base.endswith(self.suffix):
            return False
        stem = base[: len(base) - len(self.suffix)]
        if not (stem.isascii() and stem.isdigit()) or len(stem) > 30:
            return False
        item = int(stem)
        return self.start <= item < self.stop and self.name(item) == rel


@dataclass(frozen=True)
class Manifest:
    """Every path an export writes, relative to its folder, with '/' between parts."""

    files: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()
    folders: tuple[str, ...] = ()  # sub-folders the export itself creates
    scratch: tuple[str, ...] = ()  # work folders used only while staging
    complete: bool = False

    def owns(self, rel: str) -> bool:
        """Whether `rel` is one of this export's paths."""
        return (
            rel == MANIFEST_NAME
            or rel in self.files
            or rel in self.folders
            or any(s.owns(rel) for s in self.series)
        )

    def in_scratch(self, rel: str) -> bool:
        return any(rel == s or rel.startswith(f"{s}/") for s in self.scratch)

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["format"] = _MANIFEST_FORMAT
        return json.dumps(data, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Inverse of to_json's dict; ValueError or TypeError for anything tampered with."""
        names = {key: data.get(key, []) for key in ("files", "folders", "scratch")}
        if not all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in names.values()
        ):
            raise ValueError("a manifest lists names as lists of text")
        series = []
        for s in data.get("series", []):
            folder, suffix = s["folder"], s["suffix"]
            if not (isinstance(folder, str) and isinstance(suffix, str)):
                raise ValueError("a series is named by text")
            digits, start, stop = whole(s["digits"], 30), whole(s["start"]), whole(s["stop"])
            series.append(Series(folder, digits, suffix, start, stop))
        return cls(
            files=tuple(names["files"]),
            series=tuple(series),
            folders=tuple(names["folders"]),
            scratch=tuple(names["scratch"]),
            complete=data.get("complete") is True,
        )


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in `folder`; None when it has none or one that is damaged."""
    try:
        data = json.loads(read_bounded(folder / MANIFEST_NAME, _MAX_RECORD_BYTES))
        if not isinstance(data, dict) or data.get("format") != _MANIFEST_FORMAT:
            return None
        return Manifest.from_dict(data)
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    tmp = folder / f"{MANIFEST_NAME}.part"
    with open(tmp, "w", encoding="utf-8") as f:  # mode 0666, less the umask
        f.write(manifest.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / MANIFEST_NAME)


@dataclass
class Sweep:
    """What a clean-up removed and kept."""

    removed: int = 0
    kept: int = 0
    examples: list[str] = field(default_factory=list)
    finished: bool = True

    def keep(self, rel: str) -> None:
        self.kept += 1
        if len(self.examples) < _SHOWN:
            self.examples.append(rel)


def _same_file(entry: os.DirEntry[str], other: Path) -> bool:
    try:
        a, b = entry.stat(follow_symlinks=False), os.lstat(other)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def sweep(
    folder: Path,
    manifest: Manifest | None,
    twin: Path | None = None,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sweep:
    """Remove from `folder` what `manifest` lists and what is also linked in `twin`.

    Anything else is kept and counted. Stops at `deadline` (time.monotonic), or when
    `stop()` says so, with `finished=False`; `progress(removed)` is called every thousand
    files. The manifest file goes last, and the folder once empty.
    """
    result = Sweep()

    def walk(rel_dir: str) -> None:
        with os.scandir(folder / rel_dir if rel_dir else folder) as entries:
            for entry in entries:
                late = deadline is not None and time.monotonic() > deadline
                step = result.removed % 1000 == 999
                if step and progress is not None:
                    progress(result.removed + 1)
                if late or (stop is not None and step and stop()):
                    result.finished = False
                    return
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if rel in _MANIFEST_FILES:
                    continue  # removed last: the manifest is what identifies the rest
                ours = manifest is not None and (manifest.owns(rel) or manifest.in_scratch(rel))
                if entry.is_dir(follow_symlinks=False):
                    if ours:
                        walk(rel)
                        if not result.finished:
                            return
                        if _rmdir(Path(entry.path)):
                            continue
                    result.keep(rel)
                elif ours or (twin is not None and _same_file(entry, twin / rel)):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                    result.removed += 1
                else:
                    result.keep(rel)

    walk("")
    if result.finished and not result.kept:
        for name in _MANIFEST_FILES:
            try:
                os.unlink(folder / name)
            except FileNotFoundError:
                pass
            except OSError:  # not a file (a folder made in its place): not ours to remove
                result.keep(name)
        if not result.kept:
            _rmdir(folder)
    return result


def _rmdir(path: Path) -> bool:
    """Remove an empty folder; whether it is gone."""
    try:
        path.rmdir()
    except OSError as exc:
        return isinstance(exc, FileNotFoundError)
    return True


def sweep_all(folder: Path) -> None:
    """Remove a work folder this export made and everything in it."""
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    _rmdir(folder)


def legacy_manifest(out: Path) -> Manifest | None:
    """The files of an export written before manifests, from its own config record."""
    config = out / CONFIG_NAME
    if config.is_file() and (out / METADATA_NAME).is_file():
        try:
            record = json.loads(read_bounded(config, _MAX_RECORD_BYTES))
            count = whole(record["config"]["count"])
            start, stop = whole(record["shard"]["start"]), whole(record["shard"]["stop"])
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None
        if record.get("format") != _DATASET_FORMAT or not 0 <= start <= stop <= count:
            return None
        digits = max(6, len(str(count - 1)))
        return Manifest((METADATA_NAME, CONFIG_NAME), (Series("", digits, ".png", start, stop),))
    npz = out / NPZ_NAME
    if not npz.is_file():
        return None
    try:
        with zipfile.ZipFile(npz) as archive:
            if archive.getinfo("config.npy").file_size > 1 << 20:
                return None
            with archive.open("config.npy") as member:
                text = str(npy_format.read_array(member, allow_pickle=False))
        if json.loads(text).get("format") == _DATASET_FORMAT:
            return Manifest((NPZ_NAME,))
    except (OSError, KeyError, ValueError, TypeError, AttributeError, RecursionError):
        pass
    except zipfile.BadZipFile:
        pass
    return None


def whole(value: Any, high: int = 2**64) -> int:
    """A whole number of a record in 0..high; ValueError for anything else (1e400, "x")."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValueError(f"{value!r:.40} is not a whole number in 0..{high}")
    return value
