"""The original's API, seed-compatible (`MNIST_Sequence_API`), on the bundled data."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.core import (
    Recipe,
    SequenceError,
    SpacingError,
    Variation,
    compose,
)
from mnist_seq_gui.core.bank import bundled_data_dir
from mnist_seq_gui.dataset import SequenceDataset
from mnist_seq_gui.files import read_saved, to_uint8

API = MNIST_Sequence_API(seed=2024)


@pytest.mark.parametrize("digits", [[3, 5, 0], (3, 5, 0), np.array([3, 5, 0]), "350"])
def test_list_likes_give_a_28_by_width_float32_image_with_white_gaps(digits):
    img = API.generate_mnist_sequence(digits, (0, 10), 94)
    assert img.shape == (28, 94) and img.dtype == np.float32
    assert img.min() >= 0.0 and img.max() <= 1.0
    assert (img[:, 28:33] == 1.0).all()  # (94 - 84) / 2 = 5 px white gaps


def test_range_of_eight_at_the_original_width():
    assert API.generate_mnist_sequence(range(8), (0, 10), 224).shape == (28, 224)


def test_uint8_is_the_float_image_times_255():
    floats = API.generate_mnist_sequence("2024", (0, 10), 142, seed=4)
    bytes_ = API.generate_mnist_sequence("2024", (0, 10), 142, seed=4, dtype=np.uint8)
    assert bytes_.dtype == np.uint8 and np.array_equal(to_uint8(floats), bytes_)


def test_the_api_draws_what_the_core_draws_under_the_strict_fill_rule(bank):
    comp = API.compose([2, 0, 2, 4], (0, 10), 142, seed=11)
    assert comp.recipe.placement == "fill" and comp.seed == 11
    recipe = Recipe(width=142, spacing=(0, 10), placement="fill")
    core = compose(bank, recipe, (2, 0, 2, 4), 11, dtype="float32")
    assert np.array_equal(comp.pixels, core.pixels) and comp.indices == core.indices
    again = API.generate_mnist_sequence([2, 0, 2, 4], (0, 10), 142, seed=11)
    assert np.array_equal(again, core.pixels)


def test_the_digits_span_the_width_as_the_original_rule_wants():
    comp = API.compose("012", (0, 10), 94, seed=3)
    assert comp.offsets == (0, 33, 66) and comp.gaps == (5, 5)
    # A width the digits cannot fill is refused, where the core's auto placement would
    # place them freely; placement="free" asks for that.
    with pytest.raises(SpacingError, match="too wide .* use width 104"):
        API.compose("012", (0, 10), 110, seed=3)
    free = API.compose("012", (0, 10), 110, seed=3, placement="free")
    assert free.recipe.placement == "free" and free.pixels.shape == (28, 110)
    assert all(0 <= gap <= 10 for gap in free.gaps)


def test_calls_without_a_seed_differ_and_objects_with_a_seed_repeat():
    a, b = MNIST_Sequence_API(seed=5), MNIST_Sequence_API(seed=5)
    first = a.compose([1, 2, 3], (0, 0), 84)
    assert np.array_equal(first.pixels, b.generate_mnist_sequence([1, 2, 3], (0, 0), 84))
    second = a.compose([1, 2, 3], (0, 0), 84)
    assert second.seed != first.seed and not np.array_equal(first.pixels, second.pixels)
    # Every image can be made again from its seed.
    remade = MNIST_Sequence_API().compose([1, 2, 3], (0, 0), 84, seed=second.seed)
    assert np.array_equal(remade.pixels, second.pixels)


def test_a_refused_call_draws_no_seed():
    refused, clean = MNIST_Sequence_API(seed=9), MNIST_Sequence_API(seed=9)
    with pytest.raises(SpacingError):
        refused.generate_mnist_sequence([2, 0, 2, 4], (0, 10), 143)
    with pytest.raises(SequenceError):
        refused.generate_mnist_sequence([2, 10], (0, 10), 66)
    assert refused.compose("2024", (0, 10), 142).seed == clean.compose("2024", (0, 10), 142).seed


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ([1, 10], "digit 10 at position 1 is not a digit"),
        ([-1], "digit -1 at position 0"),
        ([3.5], "digit 3.5 at position 0 is not a digit"),
        ([], "empty"),
        (["a"], "'a' at position 0 is not a number"),
        (5, "digits 5 is not a list of digits"),
        ("3a", "holds 'a'"),
        pytest.param(
            None,
            "digits None is not a list of digits",
        ),
    ],
)
def test_bad_digits_are_refused_saying_what_would_work(digits, message):
    with pytest.raises(SequenceError, match="use integers 0..9|e.g. \\[3, 5, 0\\]|0-9") as info:
        API.generate_mnist_sequence(digits, (0, 10), 66)
    assert message in str(info.value)


def test_bad_spacing_is_refused_with_the_nearest_valid_widths():
    with pytest.raises(SpacingError, match="not a \\(min, max\\) pair"):
        API.generate_mnist_sequence([0, 1], 5, 66)
    with pytest.raises(SpacingError, match="nearest valid widths: 84 or 86") as info:
        API.generate_mnist_sequence([0, 1, 2], (0, 10), 85)
    assert info.value.field == "width" and info.value.offers[:2] == (84, 86)
    with pytest.raises(SpacingError, match="spacing 5..2 is reversed"):
        API.generate_mnist_sequence([0, 1], (5, 2), 66)


def test_save_image_writes_unscaled_8bit_png_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    img = API.generate_mnist_sequence([3, 5, 0], (0, 10), 90)
    path = API.save_image(img, [3, 5, 0])
    assert path.name == "3-5-0.png" and (tmp_path / "3-5-0.png").is_file()
    with Image.open(tmp_path / "3-5-0.png") as saved:
        assert saved.mode == "L" and saved.size == (90, 28)
        assert np.array_equal(np.asarray(saved), to_uint8(img))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3-5-0.png"]  # no temp file left


def test_save_composition_writes_a_png_that_reopens_to_its_recipe(tmp_path):
    api = MNIST_Sequence_API(pool="train")
    comp = api.compose("907", (-4, 6), 80, seed=6, rule="random", variation={"height": 34})
    path = api.save_composition(comp, tmp_path)
    assert path == tmp_path / "9-0-7.png"
    saved = read_saved(path)
    assert (saved.recipe, saved.digits, saved.seed, saved.indices) == (
        comp.recipe,
        (9, 0, 7),
        6,
        comp.indices,
    )
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image), to_uint8(comp.pixels))


def test_generate_data_labels_are_the_digits_drawn(bank):
    images, labels = API.generate_data(64, 4, (2, 2), seed=8)
    assert images.shape == (64, 28, 4 * 28 + 3 * 2) and images.dtype == np.float32
    assert labels.shape == (64, 4) and labels.min() >= 0 and labels.max() <= 9
    assert len({tuple(row) for row in labels}) > 50
    # Each digit cell is an MNIST image of its label.
    dark = (255 - bank.images).astype(np.float32) / 255
    for r in (0, 31, 63):
        for j in range(4):
            cell = images[r, :, j * 30 : j * 30 + 28]
            matches = np.flatnonzero((dark == cell).all(axis=(1, 2)))
            assert len(matches) >= 1 and bank.labels[matches[0]] == labels[r, j]


def test_generate_data_draws_the_digits_a_fixed_length_dataset_of_its_seed_draws():
    api = MNIST_Sequence_API()
    narrowest, _ = api.generate_data(3, 6, (0, 4), seed=77)
    assert narrowest.shape == (3, 28, 6 * 28)  # no width given: the narrowest that fits
    images, labels = api.generate_data(200, 6, (0, 4), 180, seed=77, rule="random")
    ds = SequenceDataset(count=200, min_length=6, max_length=6, spacing=(0, 4), rule="random",
                         width=images.shape[2], seed=77, dtype="float32")  # fmt: skip
    batch = ds[:]
    np.testing.assert_array_equal(labels, batch["digits"])
    np.testing.assert_array_equal(images, batch["image"])


def test_another_data_folder_is_read_once_at_construction(tmp_path):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(bundled_data_dir() / name, tmp_path / name.replace("t10k", "train"))
    api = MNIST_Sequence_API(tmp_path)
    assert api.bank.source.endswith("train-images-idx3-ubyte.gz")
    assert api.generate_mnist_sequence([4, 2], (0, 0), 56).shape == (28, 56)


def test_pool_and_variation_by_name(bank):
    api = MNIST_Sequence_API(pool="train")
    variation = Variation(height=32, slant=(10, 10))
    comp = api.compose((1, 2, 3), (-4, -4), 76, seed=5, variation=variation)
    assert comp.pixels.shape == (32, 76) and comp.recipe.pool == "train"
    assert set(comp.indices) <= set(bank.pools["train"].tolist())
    recipe = Recipe(width=76, spacing=(-4, -4), placement="fill", pool="train", variation=variation)
    assert np.array_equal(compose(bank, recipe, (1, 2, 3), 5, dtype="float32").pixels, comp.pixels)
    # A call's own pool overrides the object's.
    images, labels = api.generate_data(30, 3, (-4, 2), seed=1, variation=variation, pool="test")
    assert images.shape == (30, 32, 76)  # the narrowest width of 3 digits, gaps -4
    assert labels.shape == (30, 3)
    with pytest.raises(ValueError, match="pool 'dev' is unknown; use one of: all, train, test"):
        MNIST_Sequence_API(pool="dev")
