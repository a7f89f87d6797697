"""An export as a transaction on its output folder.

The export is written into a staging folder beside the target, named
`.<target>.mnist-seq-staging-<random>`, locked while in use, its manifest (manifest.py)
the first thing in it. Once complete, its files are flushed to disk, the user's own
entries beside a previous export are hard-linked into it, and the two folders are swapped
in one step (renameat2 with RENAME_EXCHANGE): the target holds the previous complete
export or the new one, never a mix. Then the previous export's files are removed: only
those its own manifest lists.

A kill leaves at most a staging folder, recognisable by its name and no longer locked;
the next export into the same target removes what that folder's manifest lists (and
links to files still in the target), and says so. Nothing else is ever deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import errno
import functools
import hashlib
import os
import secrets
import shlex
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; staging folders are then unlocked
    fcntl = None  # type: ignore[assignment]

from ..core import OutputError, counted
from ..files import fsync_path
from ..stops import deferred
from .config import DatasetError
from .manifest import (
    MANIFEST_NAME,
    Manifest,
    Sweep,
    read_manifest,
    sweep,
    sweep_all,
    write_manifest,
)

STAGING_MARK = ".mnist-seq-staging-"


# --- the system calls: flush, swap, lock ----------------------------------------------


@functools.cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to load
        return None


def sync_folder_tree(folder: Path) -> None:
    """Flush every file written under `folder` to disk, then the folder itself.

    One syncfs() for the whole file system instead of an fsync per file (a PNG export
    has millions); a global sync where syncfs is missing.
    """
    libc = _libc()
    fd = os.open(folder, os.O_RDONLY)
    try:
        if not (libc is not None and hasattr(libc, "syncfs") and libc.syncfs(fd) == 0):
            os.sync()
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (nothing moved)."""
    libc = _libc()
    if libc is None or not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _lock(folder: Path) -> int | None:
    """An fd holding an exclusive lock on `folder`; None if another process holds one.

    The lock goes away with the process, however it ends: an unlocked staging folder
    was left by an export that is no longer running.
    """
    fd = os.open(folder, os.O_RDONLY)
    if fcntl is None:  # pragma: no cover
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` among exports, held for the block (waits for it)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- leftovers of interrupted exports ---------------------------------------------------


def staging_prefix(out: Path) -> str:
    """'.NAME.mnist-seq-staging-': what the staging folders of exports into `out` are named,
    before their 8 random hex digits. A name too long to take that (and the 4 bytes of
    '-old' a swap may add) within 255 bytes is cut, and its SHA-256 keeps it its own."""
    room = 255 - len(f".{STAGING_MARK}") - 8 - len("-old")
    name = out.name
    if len(name.encode()) > room:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        cut = name.encode("utf-8", "surrogateescape")[: room - 13]
        name = f"{cut.decode('utf-8', 'ignore')}~{digest}"
    return f".{name}{STAGING_MARK}"


def staging_folders(out: Path) -> list[Path]:
    """Staging folders of exports into `out`: live ones and any a kill left."""
    prefix = staging_prefix(out)
    try:
        with os.scandir(out.parent) as entries:
            return sorted(
                Path(e.path)
                for e in entries
                if e.name.startswith(prefix) and e.is_dir(follow_symlinks=False)
            )
    except FileNotFoundError:
        return []


def clean_leftovers(out: Path) -> list[str]:
    """Remove what interrupted exports into `out` left beside it; a note for each."""
    notes = []
    for folder in staging_folders(out):
        fd = _lock(folder)
        if fd is None:
            raise DatasetError(
                f"another export into {out} is running (it writes {folder.name}); "
                "wait for it to finish, or export into another folder"
            )
        try:
            own = read_manifest(folder)
            cut_short = own is not None and own.complete and not folder.name.endswith("-old")
            if cut_short and not out.exists():
                os.rename(folder, out)  # a swap cut short between its two renames
                notes.append(f"finished the interrupted export into {out}")
                continue
            done = sweep(folder, own, out if out.is_dir() else None)
        finally:
            os.close(fd)
        if done.kept:
            notes.append(
                f"kept {folder}: it holds {counted(done.kept, 'file')} no export listed "
                f"(e.g. {', '.join(done.examples)}); look at them, then delete the folder"
            )
        else:
            notes.append(
                f"removed {folder.name} ({counted(done.removed, 'file')}), left by an interrupted "
                "export"
            )
    return notes


# --- the transaction --------------------------------------------------------------------


class FolderTransaction:
    """Stage an export beside `out`, then swap it in (see the module docstring)."""

    def __init__(self, out: Path, plan: Manifest, previous: Manifest | None = None) -> None:
        self.out = out
        self.previous = previous  # the export `out` holds now, if any (set before commit)
        self.left_files = False  # after abort: whether unfinished files are left behind
        self.plan = dataclasses.replace(plan, complete=False)
        self.staging = out.parent / f"{staging_prefix(out)}{secrets.token_hex(4)}"
        self.committed = False  # True once the new export is in place
        self.swapped = False  # True when a previous folder was swapped out (to clean)
        self._locks: list[int] = []

    def begin(self) -> Path:
        """Create, lock and describe the staging folder; returns it."""
        try:
            os.mkdir(self.staging, 0o777)  # the umask applies, as for any new folder
        except OSError as exc:
            raise OutputError(
                f"cannot create a staging folder beside {self.out}: {exc.strerror or exc}; "
                "export into a folder whose parent folder you can write to"
            ) from None
        with contextlib.suppress(OSError):  # a replaced folder keeps its permissions
            os.chmod(self.staging, stat.S_IMODE(os.stat(self.out).st_mode))
        fd = _lock(self.staging)
        if fd is not None:
            self._locks.append(fd)
        write_manifest(self.staging, self.plan)
        for sub in (*self.plan.folders, *self.plan.scratch):
            (self.staging / sub).mkdir(parents=True, exist_ok=True)
        return self.staging

    def commit(self, stop: Callable[[], bool] | None = None) -> list[str]:
        """Swap the finished export in; notes about removing the previous one.

        `stop()` (a cancel check) can cut the previous export's removal short; the
        swap itself always completes once begun.
        """
        for sub in self.plan.scratch:
            sweep_all(self.staging / sub)
        write_manifest(self.staging, dataclasses.replace(self.plan, complete=True, scratch=()))
        sync_folder_tree(self.staging)
        stopped = False
        try:
            with deferred():  # a stop waits for the swap, then acts (below)
                self._swap()
        except KeyboardInterrupt:
            if not self.committed:
                raise
            stopped = True  # the export is in place; a stop only cuts the clean-up short
        if not self.swapped:
            self._unlock()
            return []
        # From here the new export is in place: nothing may fail the export any more.
        done = Sweep(finished=False)
        if not stopped:
            with contextlib.suppress(OSError, KeyboardInterrupt):
                done = sweep(self.staging, self.previous, self.out, stop=stop)
        self._unlock()
        if done.kept:
            return [
                f"kept {self.staging}: the previous export's folder holds "
                f"{counted(done.kept, 'file')} it did not list (e.g. {', '.join(done.examples)})"
            ]
        if not done.finished:
            return [
                f"the previous export's files are still in {self.staging}; the next export "
                f"into {self.out.name} removes them"
            ]
        return []

    def _swap(self) -> None:
        """Put the staging folder in the target's place, in one step where possible."""
        self.swapped = self.out.is_dir()
        if self.swapped:
            self._carry_over()
            fd = _lock(self.out)  # the previous export stays locked while it is removed
            if fd is not None:
                self._locks.append(fd)
            if not _exchange(self.staging, self.out):
                _swap_by_renames(self.staging, self.out)
        else:
            os.rename(self.staging, self.out)
        self.committed = True
        with contextlib.suppress(OSError):  # the swap is done: a failed flush cannot undo it
            fsync_path(self.out.parent, folder=True)
        if self.swapped and self.previous is not None and read_manifest(self.staging) is None:
            # An export from before manifests: its folder now says what it holds.
            with contextlib.suppress(OSError):
                write_manifest(self.staging, self.previous)

    def _carry_over(self) -> None:
        """Hard-link the user's own entries beside the previous export into the new one."""
        with os.scandir(self.out) as entries:
            for entry in entries:
                if entry.name == MANIFEST_NAME or (
                    self.previous is not None and self.previous.owns(entry.name)
                ):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    raise DatasetError(foreign_folder_message(self.out, entry.name))
                try:
                    os.link(entry.path, self.staging / entry.name, follow_symlinks=False)
                except FileExistsError:
                    raise DatasetError(collision_message(self.out, entry.name)) from None

    def abort(
        self,
        removing: Callable[[int], None] | None = None,
        abandon: Callable[[], bool] | None = None,
    ) -> str:
        """Remove the staging folder, however many files it holds (`removing(done)` is
        told every thousand), unless `abandon()` or a second Ctrl+C stops it; says what
        is left."""
        said = f"{self.out} was not changed" if self.out.exists() else "nothing was written"
        done = Sweep(finished=False)
        if self.staging.exists():
            with contextlib.suppress(OSError, KeyboardInterrupt):  # a second Ctrl+C: leave them
                done = sweep(self.staging, self.plan, self.out, stop=abandon, progress=removing)
        self._unlock()
        if not self.staging.exists():
            return said
        self.left_files = True
        return (
            f"{said}; the unfinished export's files are left in {self.staging} "
            f"({done.removed:,} removed before the second stop): remove them with "
            f"rm -r {shlex.quote(str(self.staging))}, or the next export into "
            f"{self.out.name} removes them"
        )

    def _unlock(self) -> None:
        while self._locks:
            os.close(self._locks.pop())


def _swap_by_renames(staging: Path, out: Path) -> None:
    """Two renames where one exchange is not possible; the next run finishes a cut."""
    aside = staging.with_name(staging.name + "-old")
    os.rename(out, aside)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(aside, out)
        raise
    os.rename(aside, staging)


def foreign_folder_message(out: Path, name: str) -> str:
    return (
        f"{out} holds the folder {name}, which no earlier export listed; "
        "move it out, or export into another folder"
    )


def collision_message(out: Path, name: str) -> str:
    return (
        f"{out} holds {name}, which no earlier export listed but which this export "
        "would write; move it out, or export into another folder"
    )
