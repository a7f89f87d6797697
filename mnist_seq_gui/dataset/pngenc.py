"""The PNG bytes of an export's images, written here around zlib.

An export's images are 8-bit greyscale, so a PNG is four parts: the signature, an IHDR
chunk, one IDAT chunk holding the zlib stream of the rows (each row led by its filter
byte; here always 0, none) and an IEND chunk, each chunk with its CRC. Pillow's encoder
tries every row filter and deflates at level 6; on these images (mostly one background
grey) run-length deflate of the unfiltered rows is 2-4x faster and about as small.

Levels, as `--png-level` takes them: 0 stores the rows (no compression), 1 (the
default) is run-length deflate, the fastest; 2..9 are zlib's levels (9 the smallest and
slowest). Pixels are the same at every level. The same level gives the same bytes
wherever the same zlib library runs.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

from ..core import whole_number
from ..files import to_uint8
from .config import DatasetError

DEFAULT_PNG_LEVEL = 1
MAX_PNG_LEVEL = 9
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_STRIP_BYTES = 4 << 20  # rows deflated at a time


def check_png_level(value: object) -> int:
    """A PNG level 0..9 as given by a caller; DatasetError saying what to pass otherwise."""
    return whole_number("png_level", value, 0, MAX_PNG_LEVEL, error=DatasetError)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _packer(level: int) -> Any:
    if level == 1:
        return zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_RLE)
    return zlib.compressobj(level)


def png_parts(pixels: np.ndarray, level: int = DEFAULT_PNG_LEVEL) -> list[bytes]:
    """The bytes of an 8-bit greyscale PNG of a 2-D image (uint8, or float32 in [0, 1]),
    in parts to write one after another: the rows are deflated a strip of at most
    _STRIP_BYTES at a time, so a huge image is never copied whole."""
    image = to_uint8(pixels)
    height, width = image.shape
    step = max(1, min(height, _STRIP_BYTES // (width + 1)))
    rows = np.zeros((step, width + 1), dtype=np.uint8)  # column 0: filter none
    packer, idat = _packer(level), []
    for top in range(0, height, step):
        strip = image[top : top + step]
        rows[: len(strip), 1:] = strip
        idat.append(packer.compress(rows[: len(strip)]))
    idat.append(packer.flush())
    size, crc = 0, zlib.crc32(b"IDAT")
    for part in idat:
        size, crc = size + len(part), zlib.crc32(part, crc)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    opening = _SIGNATURE + _chunk(b"IHDR", header) + struct.pack(">I", size) + b"IDAT"
    return [opening, *idat, struct.pack(">I", crc) + _IEND]


def encode_grey(pixels: np.ndarray, level: int = DEFAULT_PNG_LEVEL) -> bytes:
    """8-bit greyscale PNG bytes of a 2-D image (uint8, or float32 in [0, 1])."""
    return b"".join(png_parts(pixels, level))
