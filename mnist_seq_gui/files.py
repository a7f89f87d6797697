"""Atomic file output and PNG files that remember how they were made.

Every door (API, CLI, GUI, dataset export) writes through here, so a failed write
never leaves a half file: data goes to a temporary file in the same folder, which
is renamed over the target only once complete.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from .core import Composition, InputError, OutputError, SequenceSpec

__all__ = [
    "OutputError",
    "atomic_output",
    "composition_text",
    "encode_png",
    "read_composition_text",
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


def composition_text(comp: Composition, source: str | None = None) -> dict[str, str]:
    """The parameters of a composition as PNG text chunks."""
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
    if source:
        text["source"] = source
    return text


def read_composition_text(path: str | os.PathLike) -> tuple[SequenceSpec, int, tuple[int, ...]]:
    """(spec, seed, MNIST indices) from a PNG written with `composition_text`."""
    path = Path(path)
    try:
        with Image.open(path) as image:
            text = dict(getattr(image, "text", {}) or {})
    except (OSError, SyntaxError) as exc:
        raise InputError(f"cannot open {path}: {exc}") from None
    missing = [k for k in _KEYS if k not in text]
    if missing:
        raise InputError(
            f"{path} was not saved by mnist-seq (no {', '.join(missing)}); "
            "open a PNG that mnist-seq saved"
        )
    try:
        spec = SequenceSpec(
            digits=text["sequence"],
            width=int(text["width"]),
            min_spacing=int(text["min_spacing"]),
            max_spacing=int(text["max_spacing"]),
            rule=text["rule"],
            white_on_black=text["polarity"] == "white-on-black",
        )
        seed = int(text["seed"])
        indices = tuple(int(i) for i in text["mnist_indices"].split(","))
    except ValueError as exc:
        raise InputError(f"{path}: its saved parameters are damaged ({exc})") from None
    return spec, seed, indices
