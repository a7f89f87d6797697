"""files.py: atomic writes, PNG encoding, and PNG files that remember their recipe
(including those saved by 0.1 and 0.2). Hostile files: tests/reliability."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import InputError, OutputError, Recipe, compose
from mnist_seq_gui.files import (
    atomic_output,
    atomic_outputs,
    composition_text,
    encode_png,
    output_path,
    read_saved,
    to_uint8,
    write_bytes_atomic,
    write_png,
)

V010 = Path(__file__).parent / "data" / "v0.1.0"


def test_to_uint8_rounds_and_clips_and_round_trips_exactly():
    values = np.array([[0.0, 0.5, 1.0, -0.2, 1.7, 127.4 / 255]], dtype=np.float32)
    assert to_uint8(values).tolist() == [[0, 128, 255, 0, 255, 127]]
    every = np.arange(256, dtype=np.uint8).reshape(1, -1)
    assert np.array_equal(to_uint8(every.astype(np.float32) / np.float32(255)), every)
    assert to_uint8(every) is every  # uint8 passes through untouched


def test_an_encoded_png_is_8_bit_grey_with_its_text(tmp_path):
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
    assert write_bytes_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_several_files_replace_their_targets_all_or_none(tmp_path):
    paths = [tmp_path / "a", tmp_path / "b", tmp_path / "c"]
    for path in paths:
        path.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_outputs(paths) as tmps:
        tmps[0].write_bytes(b"new")
        tmps[1].write_bytes(b"new")
        raise RuntimeError("the third could not be made")
    assert [p.read_bytes() for p in paths] == [b"old"] * 3
    with atomic_outputs(paths) as tmps:
        for tmp in tmps:
            tmp.write_bytes(b"new")
    assert [p.read_bytes() for p in paths] == [b"new"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]


def test_writing_into_a_missing_folder_is_an_output_error_not_a_value_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist") as info:
        write_png(tmp_path / "nowhere" / "a.png", np.zeros((28, 28), np.float32))
    assert not isinstance(info.value, ValueError)
    assert isinstance(info.value, OSError)


def test_a_read_only_folder_is_an_output_error_naming_the_file(tmp_path, read_only_folder):
    with read_only_folder(tmp_path / "locked") as locked:
        with pytest.raises(OutputError, match="cannot write .*a.png"):
            write_png(locked / "a.png", np.ones((28, 28), np.float32))
        assert list(locked.iterdir()) == []


def test_output_path_puts_a_default_name_into_an_existing_folder_only(tmp_path):
    assert output_path(tmp_path, "1-2.png") == tmp_path / "1-2.png"
    assert output_path(f"{tmp_path}/", "1-2.png") == tmp_path / "1-2.png"
    assert output_path(tmp_path / "x.png", "1-2.png") == tmp_path / "x.png"
    with pytest.raises(OutputError, match="that folder does not exist"):
        output_path(f"{tmp_path}/new/", "1-2.png")


def test_composition_text_records_the_recipe_by_the_fields_names(bank):
    recipe = Recipe(width=110, spacing=(2, 30), rule="random", placement="fill",
                    variation={"rotation": (-8, 8), "height": 36})  # fmt: skip
    comp = compose(bank, recipe, [3, 1, 4], 99, item=5)
    text = composition_text(comp, "somewhere")
    assert list(text)[:1] == ["sequence"] and text["sequence"] == "314"
    assert {"width", "spacing", "rule", "placement", "white_on_black", "pool"} <= set(text)
    assert {"height", "rotation"} <= set(text)
    assert not {"slant", "scale", "noise", "blur", "jitter_y"} & set(text)  # only what varies
    assert (text["seed"], text["item"], text["source"]) == ("99", "5", "somewhere")
    assert text["mnist_indices"] == ",".join(map(str, comp.indices))
    assert text["boxes"] == ";".join(",".join(map(str, box)) for box in comp.boxes)
    assert text["Software"].startswith("mnist-seq ")
    assert "item" not in composition_text(compose(bank, recipe, [3, 1, 4], 99))


def test_a_saved_png_reopens_to_the_same_recipe_digits_seed_item_and_source(tmp_path, bank):
    recipe = Recipe(width=110, spacing=(2, 30), rule="random", white_on_black=True,
                    placement="fill", pool="train",
                    variation={"rotation": (-8, 8), "height": 36, "noise": 4.5})  # fmt: skip
    comp = compose(bank, recipe, [3, 1, 4], 99, item=7)
    path = write_png(tmp_path / "c.png", comp.pixels, composition_text(comp, "/data/mine"))
    saved = read_saved(path)
    assert saved.recipe == comp.recipe
    assert (saved.digits, saved.seed, saved.item, saved.source) == ((3, 1, 4), 99, 7, "/data/mine")
    assert saved.indices == comp.indices
    again = compose(bank, saved.recipe, saved.digits, saved.seed, item=saved.item)
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image), again.pixels)


def test_the_bundled_source_is_recorded_by_name_and_read_back_as_none(tmp_path, bank):
    comp = compose(bank, Recipe(width=28), "7", 1)
    path = write_png(tmp_path / "7.png", comp.pixels, composition_text(comp, bank.source))
    assert read_saved(path).source is None


@pytest.mark.parametrize(
    ("name", "recipe", "digits", "seed", "indices"),
    [
        (
            "a.png",
            Recipe(width=142, spacing=(0, 10), placement="fill"),
            (2, 0, 2, 4),
            1,
            (1407, 9952, 4876, 48),
        ),
        (
            "b.png",
            Recipe(
                width=200, spacing=(0, 30), rule="random", placement="fill", white_on_black=True
            ),
            (3, 1, 4, 1, 5),
            42,
            (5356, 5614, 908, 3779, 4548),
        ),
    ],
)
def test_a_png_saved_by_0_1_0_reopens_to_its_recipe(name, recipe, digits, seed, indices):
    # 0.1.0 wrote min_spacing/max_spacing and polarity, and no placement: the strict rule.
    # (That the recipe gives the file's pixels is pinned in tests/pinned/.)
    saved = read_saved(V010 / name)
    assert (saved.recipe, saved.digits, saved.seed, saved.item) == (recipe, digits, seed, 0)
    assert saved.indices == indices
    assert saved.source is None  # the bundled test set


def test_a_png_saved_by_0_2_with_a_variation_chunk_reopens_to_its_recipe(tmp_path, bank):
    text = {  # as 0.2.0 wrote it for: 2024 -6 4 100 --rule random --height 40 ... --seed 3
        "sequence": "2024", "min_spacing": "-6", "max_spacing": "4", "width": "100",
        "rule": "random", "polarity": "dark-on-white", "seed": "3",
        "mnist_indices": "2157,9358,7015,6138", "Software": "mnist-seq 0.2.0", "pool": "test",
        "variation": json.dumps({"height": 40, "jitter_y": [0, 12], "noise": 6.0,
                                 "rotation": [-8.0, 8.0], "scale": [0.8, 1.2],
                                 "slant": [-20.0, 20.0]}),
        "source": "MNIST test set, bundled (t10k-images-idx3-ubyte.gz)",
    }  # fmt: skip
    path = write_png(tmp_path / "old.png", np.zeros((40, 100)), text)
    saved = read_saved(path)
    expected = Recipe(width=100, spacing=(-6, 4), rule="random", placement="fill", pool="test",
                      variation={"height": 40, "jitter_y": (0, 12), "noise": 6.0,
                                 "rotation": (-8, 8), "scale": (0.8, 1.2),
                                 "slant": (-20, 20)})  # fmt: skip
    assert saved.recipe == expected and saved.source is None
    # The recipe draws the MNIST images the file records.
    assert compose(bank, saved.recipe, saved.digits, saved.seed).indices == saved.indices


def test_a_png_without_a_recipe_or_with_a_damaged_one_is_an_input_error(tmp_path, bank):
    plain = tmp_path / "plain.png"
    plain.write_bytes(encode_png(np.ones((28, 28), np.float32)))
    with pytest.raises(InputError, match="was not saved by mnist-seq"):
        read_saved(plain)
    text = composition_text(compose(bank, Recipe(width=28), "7", 1))
    text["width"] = "wide"
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(encode_png(np.ones((28, 28), np.float32), text))
    with pytest.raises(InputError, match="saved parameters are damaged .*width 'wide'"):
        read_saved(damaged)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a png at all")
    with pytest.raises(InputError, match="cannot open"):
        read_saved(junk)
    with pytest.raises(InputError, match="cannot open .*missing.png"):
        read_saved(tmp_path / "missing.png")
