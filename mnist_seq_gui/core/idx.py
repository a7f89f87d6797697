"""Read and validate IDX files (the MNIST container format), gzip-compressed or raw.

The header is checked against the file before any array is allocated, so a crafted
header claiming billions of images fails at once instead of exhausting memory.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .errors import DataError

LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, one dimension
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, three dimensions
DIGIT_SIZE = 28
# No real digit set comes near this; anything larger is a damaged or hostile header.
MAX_PAYLOAD_BYTES = 4 * 1024**3
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == _GZIP_MAGIC


def _read_exact(stream, size: int) -> bytes:
    """Read exactly `size` bytes in bounded chunks; short reads return what exists."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _parse_header(path: Path, stream, expected_magic: int) -> tuple[int, ...]:
    head = stream.read(4)
    if len(head) < 4:
        raise DataError(f"{path}: file is empty or truncated before the IDX header")
    (magic,) = struct.unpack(">I", head)
    if magic != expected_magic:
        kind = "labels" if expected_magic == LABELS_MAGIC else "images"
        raise DataError(
            f"{path}: magic number {magic} is not {expected_magic}, "
            f"so this is not an IDX {kind} file"
        )
    ndim = magic & 0xFF
    dims_bytes = stream.read(4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise DataError(f"{path}: file is truncated inside the IDX header")
    return struct.unpack(f">{ndim}I", dims_bytes)


def read_idx(path: str | os.PathLike, expected_magic: int) -> np.ndarray:
    """Return the uint8 array stored in an IDX file, raising DataError on any defect."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        gz = _is_gzip(path)
        opener = gzip.open if gz else open
        with opener(path, "rb") as stream:
            dims = _parse_header(path, stream, expected_magic)
            payload = math.prod(dims)  # Python ints: no overflow
            if payload > MAX_PAYLOAD_BYTES:
                raise DataError(
                    f"{path}: header claims {dims} ({payload:,} bytes), "
                    f"more than the {MAX_PAYLOAD_BYTES:,}-byte limit; the header is damaged"
                )
            header_size = 4 + 4 * len(dims)
            if not gz:
                actual = path.stat().st_size - header_size
                if actual != payload:
                    raise DataError(
                        f"{path}: header promises {payload:,} data bytes but the file "
                        f"holds {actual:,}; the file is truncated or damaged"
                    )
            data = _read_exact(stream, payload)
            if len(data) != payload:
                raise DataError(
                    f"{path}: header promises {payload:,} data bytes but the file "
                    f"holds {len(data):,}; the file is truncated"
                )
            if stream.read(1):
                raise DataError(f"{path}: trailing bytes after the {payload:,} promised")
    except (OSError, EOFError, zlib.error) as exc:
        # gzip raises BadGzipFile (an OSError) or EOFError on damaged archives.
        raise DataError(f"{path}: cannot be read ({exc}); the file is damaged") from None
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def read_labels(path: str | os.PathLike) -> np.ndarray:
    """Labels file -> (N,) uint8."""
    return read_idx(path, LABELS_MAGIC)


def read_images(path: str | os.PathLike) -> np.ndarray:
    """Images file -> (N, 28, 28) uint8; other digit sizes are refused."""
    images = read_idx(path, IMAGES_MAGIC)
    if images.shape[1:] != (DIGIT_SIZE, DIGIT_SIZE):
        raise DataError(
            f"{path}: images are {images.shape[1]}x{images.shape[2]}, "
            f"but digits must be {DIGIT_SIZE}x{DIGIT_SIZE} as in MNIST"
        )
    return images


def read_pair(images_path: str | os.PathLike, labels_path: str | os.PathLike):
    """Read an images file and its labels; check they match and labels are digits."""
    images = read_images(images_path)
    labels = read_labels(labels_path)
    if len(images) != len(labels):
        raise DataError(
            f"{images_path} holds {len(images):,} images but {labels_path} holds "
            f"{len(labels):,} labels; use the labels file that belongs to these images"
        )
    if len(labels) and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(
            f"{labels_path}: label {labels[bad]} at index {bad} is not a digit 0..9; "
            "use a digit data set (MNIST, EMNIST digits)"
        )
    return images, labels
