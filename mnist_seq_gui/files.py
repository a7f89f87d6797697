"""Atomic file output and PNG files that remember how they were made.

Every door (API, CLI, GUI, dataset export) writes through here, so a failed write
never leaves a half file: data goes to a temporary file in the same folder, which
is renamed over the target only once complete.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from .core import (
    MAX_SEED,
    Composition,
    InputError,
    OutputError,
    SequenceSpec,
    Variation,
    parse_sequence,
)

__all__ = [
    "OutputError",
    "SavedRecipe",
    "atomic_output",
    "composition_text",
    "encode_png",
    "read_composition_text",
    "read_recipe",
    "to_uint8",
    "write_bytes_atomic",
    "write_png",
]


def _describe_os_error(path: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"cannot write {path}: {reason}"


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, else vanishes."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist; create it first")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(_describe_os_error(path, exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(_describe_os_error(path, exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """float32 [0, 1] or uint8 pixels -> uint8 (rounded, so uint8 -> float -> uint8 is exact)."""
    if pixels.dtype == np.uint8:
        return pixels
    return np.rint(np.clip(pixels, 0.0, 1.0) * 255.0).astype(np.uint8)


def encode_png(
    pixels: np.ndarray, text: dict[str, str] | None = None, compress_level: int = 6
) -> bytes:
    """8-bit greyscale PNG bytes of a 2-D image, with optional tEXt chunks."""
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
    path = Path(path)
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_png(
    path: str | os.PathLike, pixels: np.ndarray, text: dict[str, str] | None = None
) -> Path:
    """Save a 28 x W image 1:1 as an 8-bit greyscale PNG, atomically."""
    return write_bytes_atomic(path, encode_png(pixels, text))


# PNG text keys: every parameter needed to make the same pixels again.
_KEYS = (
    "sequence",
    "min_spacing",
    "max_spacing",
    "width",
    "rule",
    "polarity",
    "seed",
    "mnist_indices",
)
_SOFTWARE_KEY = "Software"


def composition_text(comp: Composition, source: str | None = None, item: int = 0) -> dict[str, str]:
    """The parameters of a composition as PNG text chunks (`item` only when not 0)."""
    from . import __version__

    spec = comp.spec
    text = {
        "sequence": "".join(map(str, spec.digits)),
        "min_spacing": str(spec.min_spacing),
        "max_spacing": str(spec.max_spacing),
        "width": str(spec.width),
        "rule": spec.rule,
        "polarity": "white-on-black" if spec.white_on_black else "dark-on-white",
        "seed": str(comp.seed),
        "mnist_indices": ",".join(map(str, comp.indices)),
        _SOFTWARE_KEY: f"mnist-seq {__version__}",
    }
    if spec.pool != "all":
        text["pool"] = spec.pool
    if not spec.variation.is_plain:
        text["variation"] = json.dumps(spec.variation.to_dict(), sort_keys=True)
    text["boxes"] = _boxes_text(comp.boxes)
    if comp.bank is not None or comp.ink is not None:
        text["ink_boxes"] = _boxes_text(comp.ink_boxes)
    if source:
        text["source"] = source
    if item:
        text["item"] = str(item)
    return text


def _boxes_text(boxes: Iterable[Iterable[int]]) -> str:
    """'x0,y0,x1,y1;...' per digit, end-exclusive."""
    return ";".join(",".join(str(int(v)) for v in box) for box in boxes)


# A PNG saved by mnist-seq is at most 1,024 x 100,000 pixels (100 MB raw); usually
# 28 px high and a few kB.
_MAX_RECIPE_FILE = 128 << 20
_BUNDLED_SOURCE = "MNIST test set, bundled"  # how core.source names the bundled digits
_EMNIST_NOTE = " (EMNIST, transposed to MNIST orientation)"


@dataclass(frozen=True)
class SavedRecipe:
    """What a PNG saved by mnist-seq records: enough to draw the same pixels again."""

    spec: SequenceSpec
    seed: int
    indices: tuple[int, ...]
    source: str | None = None  # None: the bundled MNIST test set
    item: int = 0


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
        with Image.open(path, formats=["PNG"]) as image:
            # `info` holds the text chunks before the pixels, where mnist-seq puts them;
            # `image.text` would decode the whole image to find any after it.
            return {k: v for k, v in image.info.items() if isinstance(v, str)}
    except Exception as exc:  # Pillow raises many kinds (bombs, truncated chunks, limits)
        raise InputError(f"cannot open {path}: {exc}") from None


def read_recipe(path: str | os.PathLike) -> SavedRecipe:
    """The recipe recorded in a PNG written with `composition_text`."""
    path = Path(path)
    text = _text_chunks(path)
    missing = [k for k in _KEYS if k not in text]
    if missing:
        raise InputError(
            f"{path} was not saved by mnist-seq (no {', '.join(missing)}); "
            "open a PNG that mnist-seq saved"
        )
    try:
        spec = SequenceSpec(
            digits=parse_sequence(text["sequence"]),
            width=int(text["width"]),
            min_spacing=int(text["min_spacing"]),
            max_spacing=int(text["max_spacing"]),
            rule=text["rule"],
            white_on_black=text["polarity"] == "white-on-black",
            # Saved before pools and variation existed: the whole source, no variation.
            pool=text.get("pool", "all"),
            variation=Variation.from_dict(json.loads(text.get("variation", "{}"))),
        )
        seed = int(text["seed"])
        item = int(text.get("item", "0"))
        indices = tuple(int(i) for i in text["mnist_indices"].split(","))
    except ValueError as exc:
        raise InputError(f"{path}: its saved parameters are damaged ({exc})") from None
    for name, value in (("seed", seed), ("item", item)):
        if not 0 <= value <= MAX_SEED:
            raise InputError(f"{path}: its {name} {value} is outside 0..{MAX_SEED}")
    source = text.get("source")
    if source is None or source.startswith(_BUNDLED_SOURCE):
        source = None
    elif source.endswith(_EMNIST_NOTE):
        source = source[: -len(_EMNIST_NOTE)]
    return SavedRecipe(spec, seed, indices, source, item)


def read_composition_text(path: str | os.PathLike) -> tuple[SequenceSpec, int, tuple[int, ...]]:
    """(spec, seed, MNIST indices) from a PNG written with `composition_text`."""
    saved = read_recipe(path)
    return saved.spec, saved.seed, saved.indices
