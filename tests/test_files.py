"""files.py: atomic writes, PNG encoding, and PNG files that remember their recipe."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import (
    InputError,
    OutputError,
    SequenceSpec,
    bundled_bank,
    compose,
)
from mnist_seq_gui.files import (
    atomic_output,
    composition_text,
    encode_png,
    read_composition_text,
    to_uint8,
    write_bytes_atomic,
    write_png,
)


def test_to_uint8_rounds_and_clips_and_round_trips_exactly():
    values = np.array([[0.0, 0.5, 1.0, -0.2, 1.7, 127.4 / 255]], dtype=np.float32)
    assert to_uint8(values).tolist() == [[0, 128, 255, 0, 255, 127]]
    every = np.arange(256, dtype=np.uint8).reshape(1, -1)
    assert np.array_equal(to_uint8(every.astype(np.float32) / np.float32(255)), every)
    assert to_uint8(every) is every  # uint8 passes through untouched


def test_encoded_png_is_8_bit_grey_with_its_text(tmp_path):
    pixels = np.linspace(0, 1, 28 * 40, dtype=np.float32).reshape(28, 40)
    path = tmp_path / "a.png"
    path.write_bytes(encode_png(pixels, {"sequence": "2024", "note": "x"}))
    with Image.open(path) as image:
        assert (image.mode, image.size) == ("L", (40, 28))
        assert np.array_equal(np.asarray(image), to_uint8(pixels))
        assert image.text == {"sequence": "2024", "note": "x"}


def test_atomic_output_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("stopped mid-write")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]  # no temporary left
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_writing_into_a_missing_folder_is_an_output_error_not_a_value_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist") as info:
        write_png(tmp_path / "nowhere" / "a.png", np.zeros((28, 28), np.float32))
    assert not isinstance(info.value, ValueError)
    assert isinstance(info.value, OSError)


def test_read_only_folder_is_an_output_error_naming_the_file(tmp_path, read_only_folder):
    with read_only_folder(tmp_path / "locked") as locked:
        with pytest.raises(OutputError, match="cannot write .*a.png"):
            write_png(locked / "a.png", np.ones((28, 28), np.float32))
        assert list(locked.iterdir()) == []


def test_composition_text_round_trips_the_recipe(tmp_path):
    spec = SequenceSpec((3, 1, 4), 110, 2, 30, "random", white_on_black=True)
    comp = compose(bundled_bank(), spec, 99)
    path = write_png(tmp_path / "c.png", comp.pixels, composition_text(comp, "somewhere"))
    again_spec, seed, indices = read_composition_text(path)
    assert (again_spec, seed, indices) == (spec, 99, comp.indices)
    with Image.open(path) as image:
        assert image.text["source"] == "somewhere"
        assert image.text["Software"].startswith("mnist-seq ")


def test_a_png_without_a_recipe_or_with_a_damaged_one_is_an_input_error(tmp_path):
    plain = tmp_path / "plain.png"
    plain.write_bytes(encode_png(np.ones((28, 28), np.float32)))
    with pytest.raises(InputError, match="was not saved by mnist-seq"):
        read_composition_text(plain)
    spec = SequenceSpec((7,), 28)
    text = composition_text(compose(bundled_bank(), spec, 1))
    text["width"] = "wide"
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(encode_png(np.ones((28, 28), np.float32), text))
    with pytest.raises(InputError, match="saved parameters are damaged"):
        read_composition_text(damaged)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a png at all")
    with pytest.raises(InputError, match="cannot open"):
        read_composition_text(junk)
