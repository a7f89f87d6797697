"""Decompression bombs and sparse files: refused before their payload costs memory.

Every hostile file is made here, on the spot: a 4 MB gzip whose header claims 5.4M
images (a genuine gzip stream of 4.2 GB of zeros), a sparse labels file claiming 4e9
labels, and gzip files whose trailer or size contradicts their header.
"""

from __future__ import annotations

import gzip
import shutil
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from mnist_seq_gui.core import DataError, load_bank
from mnist_seq_gui.core.bank import bundled_data_dir
from mnist_seq_gui.core.idx import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    LIMIT_VARIABLE,
    MAX_ITEMS,
    read_idx,
    read_pair,
)

from ._helpers import gzip_bomb, idx_header, measured_script, run_measured, sparse_file

DATA = bundled_data_dir()
IMAGES = DATA / "t10k-images-idx3-ubyte.gz"
LABELS = DATA / "t10k-labels-idx1-ubyte.gz"
CLAIMED = 5_400_000  # images: 4.2 GB of pixels, just under the payload limit
MB = 1 << 20


def peak_while_refused(call, message: str) -> int:
    """Bytes allocated at the peak while `call()` raises DataError matching `message`."""
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=message):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def bomb_folder(tmp_path_factory) -> Path:
    """An IDX pair: a 4 MB gzip claiming 5.4M images, beside the real 10,000 labels."""
    folder = tmp_path_factory.mktemp("bomb")
    header = idx_header(2051, CLAIMED, 28, 28)
    gzip_bomb(folder / "bomb-images-idx3-ubyte.gz", header, CLAIMED * 784)
    shutil.copy(LABELS, folder / "bomb-labels-idx1-ubyte.gz")
    return folder


def test_the_bomb_is_small_on_disk_and_a_real_gzip_stream(bomb_folder):
    bomb = bomb_folder / "bomb-images-idx3-ubyte.gz"
    assert bomb.stat().st_size < 5 * MB
    with gzip.open(bomb) as stream:
        head = stream.read(16 + 3 * MB)
    assert head[:16] == idx_header(2051, CLAIMED, 28, 28)
    assert head[16:] == bytes(3 * MB)


@pytest.mark.slow
def test_the_bomb_decompresses_to_its_full_claim(bomb_folder):
    # Proves the bomb is genuine (right length, right CRC): the refusals below are not
    # an artefact of a broken stream. zlib only, in chunks: nothing of ours runs here.
    data = (bomb_folder / "bomb-images-idx3-ubyte.gz").read_bytes()
    inflate = zlib.decompressobj(31)
    total, pending = 0, data
    while pending:
        total += len(inflate.decompress(pending, 64 * MB))
        pending = inflate.unconsumed_tail
    assert inflate.eof and not inflate.unused_data
    assert total == 16 + CLAIMED * 784


def test_bomb_beside_real_labels_is_refused_by_counts_before_decompressing(
    bomb_folder, monkeypatch
):
    monkeypatch.setenv(LIMIT_VARIABLE, "4096")  # past the size limit: the counts refuse it
    images = bomb_folder / "bomb-images-idx3-ubyte.gz"
    message = "5,400,000 images but .* 10,000 labels"
    assert peak_while_refused(lambda: read_pair(images, LABELS), message) < 4 * MB
    assert peak_while_refused(lambda: load_bank(bomb_folder), message) < 4 * MB


def test_bomb_on_the_command_line_is_one_line_exit_2_and_small(bomb_folder, tmp_path):
    body = (
        "import sys\nfrom mnist_seq_gui.cli import main\n"
        f"sys.exit(main(['12', '0', '10', '66', '--seed', '1', '--source', {str(bomb_folder)!r}]))"
    )
    result = run_measured(measured_script(body), cwd=tmp_path)
    assert result.returncode == 2
    # the size limit refuses it first, from the header, saying how to raise it
    assert len(result.stderr.splitlines()) == 1 and LIMIT_VARIABLE in result.stderr
    assert list(tmp_path.iterdir()) == []
    # The interpreter with numpy and Pillow loaded is about 35-60 MB; 4.2 GB was claimed.
    assert 0 < result.peak_rss < 150 * MB


def test_sparse_labels_file_claiming_4e9_labels_is_refused_from_its_header(tmp_path):
    labels = sparse_file(tmp_path / "labels", idx_header(2049, 4_000_000_000), 8 + 4_000_000_000)
    assert labels.stat().st_size == 8 + 4_000_000_000  # consistent with its header
    assert (
        peak_while_refused(lambda: read_idx(labels, LABELS_MAGIC), f"limit of {MAX_ITEMS:,}") < MB
    )
    assert peak_while_refused(lambda: read_pair(IMAGES, labels), "limit") < MB


def test_sparse_images_file_is_refused_by_counts_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "4096")
    images = sparse_file(tmp_path / "images", idx_header(2051, CLAIMED, 28, 28), 16 + CLAIMED * 784)
    assert peak_while_refused(lambda: read_pair(images, LABELS), "5,400,000 images") < MB


def gzip_with_trailer(path: Path, data: bytes, recorded_size: int | None = None) -> Path:
    """gzip of `data`, its trailer's length forged to `recorded_size` when given."""
    packed = bytearray(gzip.compress(data, compresslevel=1))
    if recorded_size is not None:
        packed[-4:] = (recorded_size % 2**32).to_bytes(4, "little")
    path.write_bytes(bytes(packed))
    return path


# 5 MB of incompressible pixels: big enough that deflate's 1032:1 bound admits 4.2 GB.
NOISE = np.random.default_rng(0).integers(0, 256, 5 * MB, dtype=np.uint8).tobytes()


def test_gzip_trailer_contradicting_the_header_is_refused_before_decompressing(tmp_path):
    # The trailer tells the truth (5 MB), the header claims 4.2 GB.
    images = gzip_with_trailer(tmp_path / "i.gz", idx_header(2051, CLAIMED, 28, 28) + NOISE)
    assert peak_while_refused(lambda: read_idx(images, IMAGES_MAGIC), "gzip trailer records") < MB


def test_gzip_too_small_to_hold_its_claim_is_refused(tmp_path):
    claim = idx_header(2051, CLAIMED, 28, 28)
    path = gzip_with_trailer(tmp_path / "tiny.gz", claim + bytes(784), 16 + CLAIMED * 784)
    assert peak_while_refused(lambda: read_idx(path, IMAGES_MAGIC), "cannot hold") < MB


def test_forged_trailer_costs_only_what_the_file_really_holds(tmp_path):
    # Everything on paper agrees (counts, trailer, deflate bound); the stream holds 5 MB.
    # Decompression in bounded chunks stops at the real end: memory follows the content,
    # not the 4.2 GB claim.
    claim = idx_header(2051, CLAIMED, 28, 28)
    images = gzip_with_trailer(tmp_path / "i.gz", claim + NOISE, 16 + CLAIMED * 784)
    labels = sparse_file(tmp_path / "labels", idx_header(2049, CLAIMED), 8 + CLAIMED)
    peak = peak_while_refused(lambda: read_pair(images, labels), str(images))
    assert peak < len(NOISE) + CLAIMED + 16 * MB


def test_real_pair_still_loads_after_all_checks():
    images, labels = read_pair(IMAGES, LABELS)
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    assert not images.flags.writeable and not labels.flags.writeable
    # Same bytes as before the chunked reader (sums of the published test set).
    assert int(images.sum(dtype="int64")) == 264_923_200
    assert int(labels.sum(dtype="int64")) == 44_434


def test_an_honest_pair_larger_than_the_limit_is_refused_from_its_header(tmp_path, monkeypatch):
    # 5.4 million images and as many labels, consistent with each other and their sizes:
    # refused before a byte of either is read, and the message says how to read it anyway.
    labels = sparse_file(tmp_path / "labels", idx_header(2049, CLAIMED), 8 + CLAIMED)
    images = sparse_file(tmp_path / "images", idx_header(2051, CLAIMED, 28, 28), 16 + CLAIMED * 784)
    said = f"more than the 1,024 MB this reads; set {LIMIT_VARIABLE} to more"
    assert peak_while_refused(lambda: read_pair(images, labels), said) < MB
    monkeypatch.setenv(LIMIT_VARIABLE, "not a number")  # an unreadable setting: the default
    assert peak_while_refused(lambda: read_pair(images, labels), "1,024 MB") < MB
    monkeypatch.setenv(LIMIT_VARIABLE, "3000")
    assert peak_while_refused(lambda: read_pair(images, labels), "3,000 MB") < MB
