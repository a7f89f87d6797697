"""IDX reading and validation on the real MNIST files and on damaged copies of them."""

from __future__ import annotations

import functools
import gzip
import hashlib
import shutil
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import DataError
from mnist_seq_gui.core.bank import BUNDLED_IMAGES, BUNDLED_LABELS, bundled_data_dir
from mnist_seq_gui.core.idx import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    read_header,
    read_idx,
    read_pair,
    read_payload,
)

DATA = bundled_data_dir()
IMAGES = DATA / BUNDLED_IMAGES
LABELS = DATA / BUNDLED_LABELS


@functools.cache
def raw_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def read_images(path: Path) -> np.ndarray:
    return read_idx(path, IMAGES_MAGIC)


def read_labels(path: Path) -> np.ndarray:
    return read_idx(path, LABELS_MAGIC)


def write_raw(path: Path, magic: int, dims: tuple[int, ...], payload: bytes) -> Path:
    path.write_bytes(struct.pack(f">I{len(dims)}I", magic, *dims) + payload)
    return path


def test_the_bundled_files_match_their_published_checksums():
    lines = (DATA / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split()) for line in lines)
    assert set(sums) == {BUNDLED_IMAGES, BUNDLED_LABELS}
    for name, digest in sums.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest


def test_the_real_test_set_loads_with_its_shape_and_label_counts():
    images, labels = read_pair(IMAGES, LABELS)
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    # Published class sizes of the MNIST test set.
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert (images.min(), images.max()) == (0, 255)
    assert not images.flags.writeable and not labels.flags.writeable


def test_a_header_is_read_and_checked_without_its_payload():
    header = read_header(IMAGES, IMAGES_MAGIC)
    assert (header.dims, header.gzipped, header.count) == ((10_000, 28, 28), True, 10_000)
    assert (header.payload, header.header_size) == (7_840_000, 16)
    assert np.array_equal(read_payload(header), read_images(IMAGES))


def test_gzip_or_raw_is_decided_by_content_not_name(tmp_path):
    raw = tmp_path / "t10k-images-idx3-ubyte.gz"  # raw bytes under a .gz name
    raw.write_bytes(raw_bytes(IMAGES))
    packed = tmp_path / "images.bin"  # gzip bytes under a neutral name
    shutil.copy(IMAGES, packed)
    assert not read_header(raw, IMAGES_MAGIC).gzipped and read_header(packed, IMAGES_MAGIC).gzipped
    assert np.array_equal(read_images(raw), read_images(packed))


@pytest.mark.parametrize("compress", [False, True])
def test_a_truncated_file_is_refused(tmp_path, compress):
    data = struct.pack(">IIII", 2051, 1000, 28, 28) + raw_bytes(IMAGES)[16 : 16 + 1000 * 784 - 100]
    path = tmp_path / "images"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(DataError, match="truncated"):
        read_images(path)


def test_a_wrong_magic_number_is_refused(tmp_path):
    path = tmp_path / "swapped"
    shutil.copy(LABELS, path)
    with pytest.raises(DataError, match="magic number 2049 is not 2051.*not an IDX images file"):
        read_images(path)
    with pytest.raises(DataError, match="not an IDX labels file"):
        read_labels(IMAGES)


def test_a_corrupt_gzip_is_refused_naming_the_file(tmp_path):
    blob = bytearray(IMAGES.read_bytes())
    blob[5000:5100] = b"\x00" * 100
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=str(path)):
        read_images(path)


def test_gzip_members_joined_are_refused_with_what_to_do(tmp_path):
    data = raw_bytes(LABELS)
    path = tmp_path / "joined.gz"
    path.write_bytes(gzip.compress(data[:5000]) + gzip.compress(data[5000:]))
    with pytest.raises(DataError, match="gzip trailer records .* gunzip it"):
        read_labels(path)


def refused_with_peak_memory(path: Path, message: str) -> int:
    """Bytes allocated at the peak while reading `path` is refused with `message`."""
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=message):
            read_images(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_header_claiming_billions_is_refused_without_allocating(tmp_path):
    path = write_raw(tmp_path / "huge", 2051, (4_000_000_000, 28, 28), b"\x00" * 784)
    packed = tmp_path / "huge.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    for candidate in (path, packed):
        assert refused_with_peak_memory(candidate, "limit") < 8 * 1024**2


def test_a_header_larger_than_the_content_reads_only_what_exists(tmp_path):
    # Under the size limit but far more than the file holds: refused, memory stays small.
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 2051, 1_000_000, 28, 28) + b"\x00" * 784))
    assert refused_with_peak_memory(path, "truncated|cannot hold") < 8 * 1024**2


def test_trailing_bytes_and_a_wrong_digit_size_are_refused(tmp_path):
    longer = write_raw(tmp_path / "long", 2049, (3,), b"\x01\x02\x03\x04")
    with pytest.raises(DataError, match="holds 4"):
        read_labels(longer)
    labels = write_raw(tmp_path / "labels", 2049, (1,), b"\x01")
    small = write_raw(tmp_path / "small", 2051, (1, 20, 20), b"\x00" * 400)
    with pytest.raises(DataError, match="images are 20x20, but digits must be 28x28"):
        read_pair(small, labels)


def test_a_count_mismatch_and_labels_that_are_not_digits_are_refused(tmp_path):
    labels = write_raw(tmp_path / "labels", 2049, (9_999,), raw_bytes(LABELS)[8:-1])
    with pytest.raises(DataError, match="10,000 images but .* 9,999 labels; use the labels"):
        read_pair(IMAGES, labels)
    bad = bytearray(raw_bytes(LABELS)[8:])
    bad[17] = 12
    labels = write_raw(tmp_path / "labels12", 2049, (10_000,), bytes(bad))
    with pytest.raises(DataError, match="label 12 at index 17 is not a digit 0..9"):
        read_pair(IMAGES, labels)


def test_empty_and_missing_files_are_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_labels(empty)
    with pytest.raises(DataError, match="no such file"):
        read_labels(tmp_path / "absent")
    with pytest.raises(DataError, match="no such file"):
        read_labels(tmp_path)  # a folder is no file
    inside = tmp_path / "cut"
    inside.write_bytes(struct.pack(">I", 2051) + b"\x00\x00")
    with pytest.raises(DataError, match="truncated inside the IDX header"):
        read_images(inside)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(0, 3200),
    flips=st.lists(st.tuples(st.integers(0, 3199), st.integers(0, 255)), max_size=4),
    compress=st.booleans(),
)
def test_damaged_files_only_ever_raise_data_error(tmp_path_factory, cut, flips, compress):
    blob = bytearray(struct.pack(">IIII", 2051, 4, 28, 28) + raw_bytes(IMAGES)[16 : 16 + 4 * 784])
    for position, value in flips:
        blob[position % len(blob)] = value
    data = bytes(blob[: len(blob) - cut])
    path = tmp_path_factory.mktemp("fuzz") / "images"
    path.write_bytes(gzip.compress(data) if compress else data)
    try:
        images = read_images(path)
    except DataError as exc:
        assert str(path) in str(exc)
    else:
        assert images.dtype == np.uint8 and images.nbytes == len(data) - 16
