"""Read and validate IDX files (the MNIST container format), gzip-compressed or raw.

Everything a header claims is checked before any payload is decompressed: the counts of
an images file and its labels file against each other, each size against a fixed limit,
and against the file itself (a raw file's size, a gzip file's recorded length and the
most deflate can expand). The payload is then decompressed in bounded chunks, never past
the header's size, so a crafted file (a decompression bomb, a sparse file claiming
billions of labels) fails at once instead of exhausting memory and time.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError

LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, one dimension
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, three dimensions
DIGIT_SIZE = 28
# No digit set we know comes near this (MNIST: 55 MB, EMNIST digits: 220 MB); larger
# headers are refused before any payload is read, unless the user raises the limit.
LIMIT_VARIABLE = "MNIST_SEQ_MAX_SOURCE_MB"
_DEFAULT_LIMIT_MB = 1024
# The most items (images or labels) a file may claim: as many 28 x 28 images as fit
# in the largest limit a user may set (4 GiB).
MAX_PAYLOAD_BYTES = 4 * 1024**3
MAX_ITEMS = MAX_PAYLOAD_BYTES // (DIGIT_SIZE * DIGIT_SIZE)


def payload_limit() -> int:
    """Bytes an IDX file may hold: $MNIST_SEQ_MAX_SOURCE_MB megabytes (default 1,024, at
    most 4,096); an unreadable setting keeps the default."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    megabytes = int(text) if text.isascii() and text.isdigit() and len(text) < 6 else 0
    return min(megabytes or _DEFAULT_LIMIT_MB, MAX_PAYLOAD_BYTES >> 20) << 20


# Deflate expands at most 1032:1 (a 258-byte match per 2 bits, plus block overhead).
_DEFLATE_MAX_RATIO = 1032
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_OVERHEAD = 18  # 10-byte header, 8-byte trailer
_CHUNK = 1 << 20


@dataclass(frozen=True)
class IdxHeader:
    """What an IDX file claims, checked against the file before its payload is read."""

    path: Path
    dims: tuple[int, ...]
    gzipped: bool

    @property
    def count(self) -> int:
        return self.dims[0] if self.dims else 0

    @property
    def payload(self) -> int:
        return math.prod(self.dims)  # Python ints: no overflow

    @property
    def header_size(self) -> int:
        return 4 + 4 * len(self.dims)


def _parse_header(path: Path, stream: io.BufferedIOBase, expected_magic: int) -> tuple[int, ...]:
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


def _check_gzip_size(path: Path, expected: int) -> None:
    """Compare the size the header promises with what the gzip file can hold."""
    size = path.stat().st_size
    if expected > (size - _GZIP_OVERHEAD) * _DEFLATE_MAX_RATIO:
        raise DataError(
            f"{path}: header promises {expected:,} bytes but {size:,} compressed bytes "
            "cannot hold that many; the file is truncated or damaged"
        )
    with open(path, "rb") as f:
        f.seek(size - 4)
        (recorded,) = struct.unpack("<I", f.read(4))
    if recorded != expected % 2**32:
        raise DataError(
            f"{path}: header promises {expected:,} bytes but the gzip trailer records "
            f"{recorded:,}; the file is truncated or damaged (if it is several gzip "
            "members joined, gunzip it and use the raw file)"
        )


def read_header(path: str | os.PathLike, expected_magic: int) -> IdxHeader:
    """Parse and check an IDX header against the file, without reading its payload."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        with open(path, "rb") as f:
            gzipped = f.read(2) == _GZIP_MAGIC
        with (gzip.open if gzipped else open)(path, "rb") as stream:
            header = IdxHeader(path, _parse_header(path, stream, expected_magic), gzipped)
        if header.count > MAX_ITEMS or header.payload > MAX_PAYLOAD_BYTES:
            raise DataError(
                f"{path}: header claims {header.dims} ({header.payload:,} bytes), more than "
                f"the limit of {MAX_ITEMS:,} items or {MAX_PAYLOAD_BYTES:,} bytes; "
                "the header is damaged"
            )
        if gzipped:
            _check_gzip_size(path, header.header_size + header.payload)
        else:
            actual = path.stat().st_size - header.header_size
            if actual != header.payload:
                raise DataError(
                    f"{path}: header promises {header.payload:,} data bytes but the file "
                    f"holds {actual:,}; the file is truncated or damaged"
                )
        if header.payload > (limit := payload_limit()):
            raise DataError(
                f"{path}: holds {header.payload:,} bytes of digits, more than the "
                f"{limit >> 20:,} MB this reads; set {LIMIT_VARIABLE} to more (up to 4096) "
                "if it is a digit set you mean to use"
            )
    except (OSError, EOFError, zlib.error) as exc:
        # gzip raises BadGzipFile (an OSError) or EOFError on damaged archives.
        raise DataError(f"{path}: cannot be read ({exc}); the file is damaged") from None
    return header


def read_payload(header: IdxHeader) -> np.ndarray:
    """The uint8 array behind a checked header, decompressed in bounded chunks."""
    path, payload = header.path, header.payload
    buffer = bytearray()
    try:
        with (gzip.open if header.gzipped else open)(path, "rb") as stream:
            stream.read(header.header_size)
            while len(buffer) < payload:
                chunk = stream.read(min(payload - len(buffer), _CHUNK))
                if not chunk:
                    break
                buffer += chunk  # grows in place: memory follows what the file really holds
            if len(buffer) != payload:
                raise DataError(
                    f"{path}: header promises {payload:,} data bytes but the file "
                    f"holds {len(buffer):,}; the file is truncated"
                )
            if stream.read(1):
                raise DataError(f"{path}: trailing bytes after the {payload:,} promised")
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: cannot be read ({exc}); the file is damaged") from None
    array = np.frombuffer(buffer, dtype=np.uint8).reshape(header.dims)
    array.flags.writeable = False
    return array


def read_idx(path: str | os.PathLike, expected_magic: int) -> np.ndarray:
    """Return the uint8 array stored in an IDX file, raising DataError on any defect."""
    return read_payload(read_header(path, expected_magic))


def read_pair(
    images_path: str | os.PathLike, labels_path: str | os.PathLike
) -> tuple[np.ndarray, np.ndarray]:
    """Read 28 x 28 images and their labels; check they match and labels are digits."""
    images_header = read_header(images_path, IMAGES_MAGIC)
    if images_header.dims[1:] != (DIGIT_SIZE, DIGIT_SIZE):
        rows, cols = images_header.dims[1:]
        raise DataError(
            f"{images_header.path}: images are {rows}x{cols}, "
            f"but digits must be {DIGIT_SIZE}x{DIGIT_SIZE} as in MNIST"
        )
    labels_header = read_header(labels_path, LABELS_MAGIC)
    if images_header.count != labels_header.count:
        raise DataError(
            f"{images_path} holds {images_header.count:,} images but {labels_path} holds "
            f"{labels_header.count:,} labels; use the labels file that belongs to these images"
        )
    labels = read_payload(labels_header)
    if len(labels) and labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise DataError(
            f"{labels_path}: label {labels[bad]} at index {bad} is not a digit 0..9; "
            "use a digit data set (MNIST, EMNIST digits)"
        )
    return read_payload(images_header), labels
