"""IDX reading and validation on the real MNIST files and on damaged copies of them."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import DataError, DigitBank, bundled_bank, bundled_data_dir, load_bank
from mnist_seq_gui.core.idx import read_images, read_labels, read_pair
from mnist_seq_gui.core.source import find_idx_pair

DATA = bundled_data_dir()
IMAGES = DATA / "t10k-images-idx3-ubyte.gz"
LABELS = DATA / "t10k-labels-idx1-ubyte.gz"


def raw_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def test_bundled_files_match_their_published_checksums():
    sums = dict(reversed(line.split()) for line in (DATA / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest


def test_real_test_set_loads_with_expected_shape_and_label_counts():
    images, labels = read_pair(IMAGES, LABELS)
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    # Published class sizes of the MNIST test set.
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert images.max() == 255 and images.min() == 0


def test_gzip_or_raw_is_decided_by_content_not_name(tmp_path):
    raw = tmp_path / "t10k-images-idx3-ubyte.gz"  # raw bytes under a .gz name
    raw.write_bytes(raw_bytes(IMAGES))
    packed = tmp_path / "images.bin"  # gzip bytes under a neutral name
    shutil.copy(IMAGES, packed)
    assert np.array_equal(read_images(raw), read_images(packed))


def _write_raw(path: Path, magic: int, dims: tuple[int, ...], payload: bytes) -> Path:
    path.write_bytes(struct.pack(f">I{len(dims)}I", magic, *dims) + payload)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_file_is_refused(tmp_path, compress):
    data = raw_bytes(IMAGES)[:-100]
    path = tmp_path / "images"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(DataError, match="truncated"):
        read_images(path)


def test_wrong_magic_is_refused(tmp_path):
    path = tmp_path / "swapped"
    shutil.copy(LABELS, path)
    with pytest.raises(DataError, match="magic number 2049 is not 2051"):
        read_images(path)


def test_corrupt_gzip_is_refused(tmp_path):
    blob = bytearray(IMAGES.read_bytes())
    blob[5000:5100] = b"\x00" * 100
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=str(path)):
        read_images(path)


def refused_with_peak_memory(path: Path, message: str) -> int:
    """Bytes allocated at the peak while read_images refuses `path` with `message`."""
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=message):
            read_images(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_header_claiming_billions_fails_fast_without_allocating(tmp_path):
    path = _write_raw(tmp_path / "huge", 2051, (4_000_000_000, 28, 28), b"\x00" * 784)
    packed = tmp_path / "huge.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    for candidate in (path, packed):
        assert refused_with_peak_memory(candidate, "limit") < 8 * 1024**2


def test_header_larger_than_content_reads_only_what_exists(tmp_path):
    # Under the size limit but far more than the file holds: refused, memory stays small.
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(struct.pack(">IIII", 2051, 1_000_000, 28, 28) + b"\x00" * 784))
    assert refused_with_peak_memory(path, "truncated") < 8 * 1024**2


def test_trailing_bytes_and_wrong_digit_size_are_refused(tmp_path):
    longer = _write_raw(tmp_path / "long", 2049, (3,), b"\x01\x02\x03\x04")
    with pytest.raises(DataError, match="trailing"):
        read_labels(longer)
    small = _write_raw(tmp_path / "small", 2051, (1, 20, 20), b"\x00" * 400)
    with pytest.raises(DataError, match="28x28"):
        read_images(small)


def test_count_mismatch_and_non_digit_labels_are_refused(tmp_path):
    labels = _write_raw(tmp_path / "labels", 2049, (9_999,), raw_bytes(LABELS)[8:-1])
    with pytest.raises(DataError, match="10,000 images but .* 9,999 labels"):
        read_pair(IMAGES, labels)
    bad = bytearray(raw_bytes(LABELS)[8:])
    bad[17] = 12
    labels = _write_raw(tmp_path / "labels12", 2049, (10_000,), bytes(bad))
    with pytest.raises(DataError, match="label 12 at index 17"):
        read_pair(IMAGES, labels)


def test_empty_and_missing_files_are_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_labels(empty)
    with pytest.raises(DataError, match="no such file"):
        read_labels(tmp_path / "absent")


def test_folder_lookup_rules(tmp_path):
    with pytest.raises(DataError, match="no such data folder"):
        load_bank(tmp_path / "missing")
    with pytest.raises(DataError, match="no MNIST-style IDX pair"):
        load_bank(tmp_path)
    shutil.copy(IMAGES, tmp_path / IMAGES.name)
    shutil.copy(LABELS, tmp_path / LABELS.name)
    assert find_idx_pair(tmp_path) == (tmp_path / IMAGES.name, tmp_path / LABELS.name)
    # A training set beside it: one bank of both, in pools train and test (see
    # test_pools.py); a third set is refused.
    (tmp_path / "train-images-idx3-ubyte").write_bytes(raw_bytes(IMAGES))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(raw_bytes(LABELS))
    assert len(load_bank(tmp_path)) == 20_000
    (tmp_path / "extra-images-idx3-ubyte").write_bytes(raw_bytes(IMAGES))
    (tmp_path / "extra-labels-idx1-ubyte").write_bytes(raw_bytes(LABELS))
    with pytest.raises(DataError, match="holds 3 data sets"):
        load_bank(tmp_path)
    bank = load_bank(tmp_path / "train-images-idx3-ubyte")
    assert bank.source.endswith("train-images-idx3-ubyte")
    assert np.array_equal(bank.images, bundled_bank().images)


def test_bank_indexes_every_label():
    bank = bundled_bank()
    for digit in range(10):
        positions = bank.by_label_order[
            bank.starts[digit] : bank.starts[digit] + bank.counts[digit]
        ]
        assert np.array_equal(np.sort(positions), np.flatnonzero(bank.labels == digit))


def test_bank_without_a_digit_says_so():
    bank = bundled_bank()
    keep = bank.labels != 7
    partial = DigitBank(bank.images[keep], bank.labels[keep], source="no sevens")
    from mnist_seq_gui.core import SequenceError, SequenceSpec, compose

    with pytest.raises(SequenceError, match="no images of digit.* 7"):
        compose(partial, SequenceSpec((1, 7), 56), seed=0)


@settings(max_examples=100, deadline=None)
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
        assert images.shape[1:] == (28, 28) and images.dtype == np.uint8


def test_emnist_files_are_turned_upright(tmp_path):
    # EMNIST stores each 28x28 image transposed; a file named emnist-... is turned back.
    shutil.copy(IMAGES, tmp_path / "emnist-digits-test-images-idx3-ubyte.gz")
    shutil.copy(LABELS, tmp_path / "emnist-digits-test-labels-idx1-ubyte.gz")
    bank = load_bank(tmp_path)
    assert np.array_equal(bank.images, bundled_bank().images.transpose(0, 2, 1))
    assert "EMNIST" in bank.source
