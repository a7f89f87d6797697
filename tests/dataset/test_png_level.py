"""PNGs of exports (pngenc.py): the same pixels at every level, the same bytes on every
run and any number of workers, smaller at higher levels, and `--png-level` refused
where it does not apply or out of range."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.dataset import DatasetError, SequenceDataset, export
from mnist_seq_gui.dataset.cli import main
from mnist_seq_gui.dataset.pngenc import DEFAULT_PNG_LEVEL, encode_grey

DETECTION = {"count": 40, "min_length": 1, "max_length": 10, "placement": "free",
             "rule": "random", "width": 300, "variation": {"height": 300}, "seed": 1}  # fmt: skip


def _decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "L" and image.format == "PNG"
        image.load()
        return np.asarray(image)


@pytest.mark.parametrize("level", range(10))
def test_every_level_gives_the_images_own_pixels(level, varied):
    ds = SequenceDataset(**{**varied, "count": 12, "dtype": "float32"})
    for image in ds[0:12]["image"]:
        expected = np.rint(image * 255).astype(np.uint8)
        np.testing.assert_array_equal(_decoded(encode_grey(image, level)), expected)


def test_level_1_is_the_default_and_higher_levels_are_smaller():
    images = SequenceDataset(**DETECTION)[0:40]["image"]
    size = {level: sum(len(encode_grey(im, level)) for im in images) for level in (0, 1, 6, 9)}
    assert DEFAULT_PNG_LEVEL == 1
    assert size[0] > 10 * size[1] and size[9] < size[1]
    # level 1 stays within 1.25x the bytes of Pillow's own encoder at its default level
    pillow = 0
    for image in images:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG")
        pillow += buffer.tell()
    assert size[1] <= 1.25 * pillow


def test_chunks_have_valid_crcs():
    data = encode_grey(np.arange(60, dtype=np.uint8).reshape(6, 10))
    at, kinds = 8, []
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert int.from_bytes(data[at + 8 + length : at + 12 + length], "big") == zlib.crc32(
            kind + body
        )
        kinds.append(kind)
        at += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize("fmt", ["png", "yolo"])
def test_an_export_writes_the_same_bytes_on_one_worker_or_two(tmp_path, varied, folder_bytes, fmt):
    ds = SequenceDataset(**{**varied, "count": 80})
    export(ds, tmp_path / "one", fmt, workers=1, png_level=4, masks=True)
    export(ds, tmp_path / "two", fmt, workers=2, png_level=4, masks=True)
    one, two = folder_bytes(tmp_path / "one"), folder_bytes(tmp_path / "two")
    assert one == two
    name = "000005.png" if fmt == "png" else "images/000005.png"
    assert one[name] == encode_grey(ds[5]["image"], 4)


def test_the_level_changes_bytes_not_pixels(tmp_path, varied):
    ds = SequenceDataset(**{**varied, "count": 20})
    export(ds, tmp_path / "fast", "coco", png_level=0)
    export(ds, tmp_path / "small", "coco", png_level=9)
    for i in range(20):
        fast = (tmp_path / "fast" / "images" / f"{i:06d}.png").read_bytes()
        small = (tmp_path / "small" / "images" / f"{i:06d}.png").read_bytes()
        assert len(small) < len(fast)
        np.testing.assert_array_equal(_decoded(fast), _decoded(small))


@pytest.mark.parametrize("level", [-1, 10, 2.0, True, "3"])
def test_a_level_outside_0_to_9_is_refused(tmp_path, varied, level):
    with pytest.raises(DatasetError, match="png_level"):
        export(SequenceDataset(**varied), tmp_path / "x", "png", png_level=level)
    assert not (tmp_path / "x").exists()


def test_the_command_line_takes_a_level_and_refuses_it_for_npz(tmp_path, capsys):
    base = ["--count", "10", "--length", "3", "--seed", "5", "--quiet"]
    assert main([*base, "--format", "png", "--png-level", "9", "--out", str(tmp_path / "a")]) == 0
    assert (tmp_path / "a" / "000009.png").read_bytes() == encode_grey(
        SequenceDataset(count=10, min_length=3, max_length=3, seed=5)[9]["image"], 9
    )
    capsys.readouterr()
    for bad in (["--png-level", "10", "--format", "png"], ["--png-level", "3"]):
        assert main([*base, *bad, "--out", str(tmp_path / "b")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "png-level" in err
    assert not (tmp_path / "b").exists()
