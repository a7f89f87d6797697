"""Atomic file output and PNG files that remember how they were made.

Every door (API, CLI, GUI, dataset export) writes here, so a failed write never leaves a
half file: data goes to a temporary file beside the target, is flushed to disk and renamed
over it once complete. New files get the umask's permissions, a replaced file keeps its
mode, and only regular files are replaced (never a device node, folder or pipe).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .core import (
    FIELDS,
    MAX_ITEM,
    MAX_SEED,
    Composition,
    InputError,
    OutputError,
    Recipe,
    from_text,
    parse_sequence,
    shown,
    to_text,
)
from .stops import deferred

# Temporary files are named ".<target>.<random>.part": hidden, and recognisably ours.
PART_SUFFIX = ".part"
_NAME_KEEP = 200  # the target's name is shortened in the temporary name to stay < 255 bytes


def _describe_os_error(path: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"cannot write {path}: {reason}"


def _names_a_folder(raw: str) -> bool:
    return raw.endswith("/") or raw.endswith(os.sep)


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """A regular file's bytes, if it holds at most `limit`: opened without blocking, so a
    pipe is refused, never waited on. OSError if it cannot be opened; ValueError saying
    what it is otherwise (a folder, a pipe, a device; larger than `limit` bytes)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"is {_kind_of(info.st_mode)}, not a regular file")
        with open(fd, "rb", closefd=False) as file:
            data = b"" if info.st_size > limit else file.read(limit + 1)
    finally:
        os.close(fd)
    if info.st_size > limit or len(data) > limit:
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit:,} bytes"
        raise ValueError(f"is larger than {size}")
    return data


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def output_path(output: str | os.PathLike, default_name: str) -> Path:
    """Where a write to `output` lands when a folder is accepted too.

    An existing folder gets `default_name` inside it; a name ending in a slash must be
    an existing folder (never a file named like the folder).
    """
    raw = os.fspath(output)
    path = Path(raw).expanduser()
    try:
        is_folder = path.is_dir()
    except OSError as exc:  # a name too long for the file system, say
        raise OutputError(f"cannot write {raw}: {exc.strerror or exc}") from None
    if is_folder:
        return path / default_name
    if _names_a_folder(raw):
        raise OutputError(f"cannot write into {raw}: that folder does not exist; create it first")
    return path


def check_target(path: str | os.PathLike) -> tuple[Path, int | None]:
    """(file to replace, its permission bits or None when new); OutputError if unfit.

    A symbolic link is followed, so the file it points to is replaced and the link stays.
    """
    raw = os.fspath(path)
    if _names_a_folder(raw):
        raise OutputError(f"cannot write {raw}: the name ends in a slash, so it names a folder")
    given = Path(raw)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {given}: folder {folder} does not exist; create it first")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise OutputError(_describe_os_error(given, exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"cannot write {given}: it is {_kind_of(info.st_mode)}, not a regular file; "
            "choose a file name"
        )
    return target, stat.S_IMODE(info.st_mode) & 0o777


def _create_part(target: Path) -> Path:
    """A new empty file beside `target`, created 0666 so the kernel applies the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = f".{target.name[:_NAME_KEEP]}.{secrets.token_hex(4)}{PART_SUFFIX}"
        tmp = target.with_name(name)
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def fsync_path(path: Path, folder: bool = False) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot fsync a folder; the rename itself has still happened.
        if not (folder and exc.errno in (errno.EINVAL, errno.ENOTSUP)):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, else vanishes.

    The file is fsynced before the rename and its folder after it, so a crash leaves
    either the old file or the new one, complete.
    """
    with atomic_outputs([path]) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_outputs(paths: Sequence[str | os.PathLike]) -> Iterator[list[Path]]:
    """Like atomic_output for several files at once: all replace their targets, or none.

    Every file is written and flushed before the first rename; renames need no space,
    so a full disk or any error while writing leaves every target as it was.
    """
    targets = [check_target(p) for p in paths]
    shown = os.fspath(paths[0]) if len(paths) == 1 else f"{len(paths)} files"
    tmps: list[Path] = []
    try:
        for target, _mode in targets:
            tmps.append(_create_part(target))
        yield tmps
        for (_target, mode), tmp in zip(targets, tmps):
            if mode is not None:  # after writing: the old mode may forbid writing (0444)
                os.chmod(tmp, mode)
            fsync_path(tmp)
        with deferred():  # Ctrl+C cannot fall between the renames
            for (target, _mode), tmp in zip(targets, tmps):
                os.replace(tmp, target)
        for folder in dict.fromkeys(t.parent for t, _mode in targets):
            fsync_path(folder if str(folder) else Path("."), folder=True)
    except OSError as exc:
        raise OutputError(_describe_os_error(Path(shown), exc)) from None
    finally:
        for tmp in tmps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def write_stdout(data: bytes) -> None:
    """Write `data` to standard output (`-o -`); refuses a terminal."""
    stream = sys.stdout
    if stream.isatty():
        raise OutputError(
            "standard output is a terminal; redirect it (-o - > out.png) or pipe it to a program"
        )
    try:
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
    except BrokenPipeError:
        # The reader went away; stop Python from complaining again when it exits.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise OutputError("standard output was closed before the PNG was written") from None
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """float32 [0, 1] or uint8 pixels -> uint8 (rounded, so uint8 -> float -> uint8 is exact)."""
    if pixels.dtype == np.uint8:
        return pixels
    return np.rint(np.clip(pixels, 0.0, 1.0) * 255.0).astype(np.uint8)


def encode_png(
    pixels: np.ndarray, text: dict[str, str] | None = None, compress_level: int = 6
) -> bytes:
    """8-bit greyscale PNG bytes of a 2-D image, with optional tEXt chunks."""
    from PIL import Image, PngImagePlugin  # here: the explorer starts without Pillow

    image = Image.fromarray(np.ascontiguousarray(to_uint8(pixels)), mode="L")
    info = None
    if text:
        info = PngImagePlugin.PngInfo()
        for key, value in text.items():
            info.add_text(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, compress_level=compress_level)
    return buffer.getvalue()


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; OutputError with the reason on failure."""
    with atomic_output(path) as tmp:  # the path as given: a trailing slash must be seen
        tmp.write_bytes(data)
    return Path(path)


def write_png(
    path: str | os.PathLike, pixels: np.ndarray, text: dict[str, str] | None = None
) -> Path:
    """Save a 28 x W image 1:1 as an 8-bit greyscale PNG, atomically."""
    return write_bytes_atomic(path, encode_png(pixels, text))


# --- PNG files that carry their recipe ------------------------------------------------

_SOFTWARE_KEY = "Software"
_IDENTITY = ("sequence", "seed", "mnist_indices")  # what every saved image records
# A PNG saved by mnist-seq is at most 1,024 x 100,000 pixels (100 MB raw); usually a
# few kB. Its text values are short: longer ones are not ours and are never parsed.
_MAX_RECIPE_FILE = 128 << 20
_MAX_VALUE = 1 << 16
_BUNDLED_SOURCE = "MNIST test set, bundled"  # how core.bank names the bundled digits
_EMNIST_NOTE = " (EMNIST, transposed to MNIST orientation)"


def composition_text(comp: Composition, source: str | None = None) -> dict[str, str]:
    """What a saved PNG records to make the same pixels again (the recipe's own text
    codec), and the boxes of its digits."""
    from . import __version__

    text = {"sequence": "".join(map(str, comp.digits)), **to_text(comp.recipe)}
    text.update(
        seed=str(comp.seed),
        mnist_indices=",".join(map(str, comp.indices)),
        boxes=_boxes_text(comp.boxes),
        ink_boxes=_boxes_text(comp.ink_boxes),
    )
    if comp.item:
        text["item"] = str(comp.item)
    if source:
        text["source"] = source
    text[_SOFTWARE_KEY] = f"mnist-seq {__version__}"
    return text


def _boxes_text(boxes: Iterable[Iterable[int]]) -> str:
    """'x0,y0,x1,y1;...' per digit, end-exclusive."""
    return ";".join(",".join(str(int(v)) for v in box) for box in boxes)


@dataclass(frozen=True)
class SavedImage:
    """What a PNG saved by mnist-seq records: enough to draw the same pixels again."""

    recipe: Recipe
    digits: tuple[int, ...]
    seed: int
    indices: tuple[int, ...]
    item: int = 0
    source: str | None = None  # None: the bundled MNIST test set


def _text_chunks(path: Path) -> dict[str, str]:
    """A PNG's text chunks, without decoding its pixels; InputError for anything odd."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"cannot open {path}: it is not a regular file")
    if info.st_size > _MAX_RECIPE_FILE:
        raise InputError(
            f"{path} is {info.st_size:,} bytes, far more than a PNG saved by mnist-seq; "
            "open a PNG that mnist-seq saved"
        )
    try:
        from PIL import Image

        with Image.open(path, formats=["PNG"]) as image:
            # `info` holds the text chunks before the pixels, where mnist-seq puts them;
            # `image.text` would decode the whole image to find any after it.
            return {k: v for k, v in image.info.items() if isinstance(v, str)}
    except Exception as exc:  # Pillow raises many kinds (bombs, truncated chunks, limits)
        raise InputError(f"cannot open {path}: {exc}") from None


def _older_text(text: dict[str, str]) -> dict[str, str]:
    """The text of PNGs saved by 0.1 and 0.2 in today's keys: `polarity` was the
    white_on_black field, `variation` a JSON object of the variation fields."""
    values = dict(text)
    polarity = values.pop("polarity", None)
    if polarity is not None and "white_on_black" not in values:
        values["white_on_black"] = str(polarity == "white-on-black")
    varied = values.pop("variation", None)
    if varied is not None:
        try:
            fields = json.loads(varied) if len(varied) <= _MAX_VALUE else None
        except (ValueError, RecursionError):
            fields = None
        if not isinstance(fields, dict):
            raise InputError("its variation text is damaged")
        for name, value in fields.items():
            if name not in FIELDS or not isinstance(value, (int, float, list)):
                raise InputError(f"its variation field {shown(name)} is not one of ours")
            if isinstance(value, list) and len(value) != 2:
                raise InputError(f"its variation field {name} is not a (low, high) range")
            values[name] = FIELDS[name].to_text(tuple(value) if isinstance(value, list) else value)
    return values


def _whole(text: str, name: str, high: int) -> int:
    if len(text) > 40 or not text.isdigit() or int(text) > high:
        raise InputError(f"its {name} {shown(text)} is not a whole number in 0..{high:,}")
    return int(text)


def read_saved(path: str | os.PathLike[str]) -> SavedImage:
    """What a PNG written with `composition_text` records; InputError (one line) if it
    was not saved by mnist-seq or its text is damaged."""
    path = Path(path)
    text = _text_chunks(path)
    missing = [k for k in _IDENTITY if k not in text]
    if missing:
        raise InputError(
            f"{path} was not saved by mnist-seq (no {', '.join(missing)}); "
            "open a PNG that mnist-seq saved"
        )
    try:
        if any(len(value) > _MAX_VALUE for value in text.values()):
            raise InputError("a text chunk is far longer than mnist-seq writes")
        recipe, problems = from_text(_older_text(text), Recipe(placement="fill"))
        if problems:
            raise problems[0]
        digits = parse_sequence(text["sequence"])
        indices = tuple(_whole(i, "MNIST index", 2**32) for i in text["mnist_indices"].split(","))
        seed = _whole(text["seed"], "seed", MAX_SEED)
        item = _whole(text.get("item", "0"), "item", MAX_ITEM)
        if len(indices) != len(digits):
            raise InputError(f"{len(indices)} MNIST indices for {len(digits)} digits")
    except InputError as exc:
        raise InputError(f"{path}: its saved parameters are damaged ({exc})") from None
    source = text.get("source")
    if source is None or source.startswith(_BUNDLED_SOURCE):
        source = None
    elif source.endswith(_EMNIST_NOTE):
        source = source[: -len(_EMNIST_NOTE)]
    return SavedImage(recipe, digits, seed, indices, item, source)
