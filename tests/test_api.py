"""The seed-compatible MNIST_Sequence_API on the bundled data."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.core import (
    SequenceError,
    SequenceSpec,
    SpacingError,
    bundled_bank,
    bundled_data_dir,
    compose,
    plain_pixels,
)
from mnist_seq_gui.files import to_uint8

API = MNIST_Sequence_API(seed=2024)


@pytest.mark.parametrize("digits", [[3, 5, 0], (3, 5, 0), np.array([3, 5, 0]), "350"])
def test_list_likes_give_28_by_width_float32(digits):
    img = API.generate_mnist_sequence(digits, (0, 10), 94)
    assert img.shape == (28, 94) and img.dtype == np.float32
    assert img.min() >= 0.0 and img.max() <= 1.0
    assert (img[:, 28:33] == 1.0).all()  # (94 - 84) / 2 = 5 px white gaps


def test_range_of_eight_at_the_original_width():
    img = API.generate_mnist_sequence(range(8), (0, 10), 224)
    assert img.shape == (28, 224)


def test_seeded_call_equals_the_core():
    comp = API.compose([2, 0, 2, 4], (0, 10), 142, seed=11)
    core = compose(bundled_bank(), SequenceSpec((2, 0, 2, 4), 142, 0, 10), 11)
    assert np.array_equal(comp.pixels, core.pixels)
    assert np.array_equal(
        API.generate_mnist_sequence([2, 0, 2, 4], (0, 10), 142, seed=11), core.pixels
    )


def test_calls_without_seed_differ_and_objects_with_a_seed_repeat():
    a = MNIST_Sequence_API(seed=5)
    b = MNIST_Sequence_API(seed=5)
    first = a.generate_mnist_sequence([1, 2, 3], (0, 0), 84)
    assert np.array_equal(first, b.generate_mnist_sequence([1, 2, 3], (0, 0), 84))
    assert not np.array_equal(first, a.generate_mnist_sequence([1, 2, 3], (0, 0), 84))


def test_the_plain_call_draws_the_seeds_and_pixels_compose_does():
    # generate_mnist_sequence without options takes a quicker way (no Composition); it
    # must give what compose gives, seed for seed, and a refused call draws no seed.
    quick, full = MNIST_Sequence_API(seed=9), MNIST_Sequence_API(seed=9)
    calls = [([2, 0, 2, 4], (0, 10), 142), ("31415", (2, 2), 148), ([7], (0, 3), 28)]
    for digits, spacing, width in calls * 3:
        with pytest.raises(SpacingError):
            quick.generate_mnist_sequence(digits, spacing, width + 1)
        expected = full.compose(digits, spacing, width)
        assert np.array_equal(
            quick.generate_mnist_sequence(digits, spacing, width), expected.pixels
        )
    # Overlap (negative spacing) is not plain: the call takes compose's way, same pixels.
    assert np.array_equal(
        quick.generate_mnist_sequence([1, 2], (-5, -5), 51),
        full.compose([1, 2], (-5, -5), 51).pixels,
    )


def test_plain_pixels_refuses_what_is_not_plain():
    spec = SequenceSpec((1, 2), 51, -5, -5)
    with pytest.raises(ValueError, match="use compose"):
        plain_pixels(bundled_bank(), spec, 1)


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ([1, 10], "digit 10 at position 1"),
        ([-1], "digit -1"),
        ([3.5], "not a whole number"),
        ([], "empty"),
        (["a"], "not a number"),
        (5, "not a list"),
    ],
)
def test_bad_digits_are_refused(digits, message):
    with pytest.raises(SequenceError, match=message):
        API.generate_mnist_sequence(digits, (0, 10), 66)


def test_bad_spacing_is_refused():
    with pytest.raises(SpacingError, match="not a \\(min, max\\) pair"):
        API.generate_mnist_sequence([0, 1], 5, 66)
    with pytest.raises(SpacingError, match="nearest valid widths: 84 or 86"):
        API.generate_mnist_sequence([0, 1, 2], (0, 10), 85)


def test_save_image_writes_unscaled_8bit_png_in_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    img = API.generate_mnist_sequence([3, 5, 0], (0, 10), 90)
    path = API.save_image(img, [3, 5, 0])
    assert path.name == "3-5-0.png" and (tmp_path / "3-5-0.png").is_file()
    with Image.open(tmp_path / "3-5-0.png") as saved:
        assert saved.mode == "L" and saved.size == (90, 28)
        assert np.array_equal(np.asarray(saved), to_uint8(img))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3-5-0.png"]  # no temp file left


def test_generate_data_labels_match_the_digits_drawn():
    images, labels = API.generate_data(64, 4, (2, 2), seed=8)
    assert images.shape == (64, 28, 4 * 28 + 3 * 2) and images.dtype == np.float32
    assert labels.shape == (64, 4) and labels.min() >= 0 and labels.max() <= 9
    assert len({tuple(row) for row in labels}) > 50
    # Each image's first digit cell is an MNIST image of its label.
    bank = bundled_bank()
    dark = (255 - bank.images).astype(np.float32) / 255
    for r in (0, 31, 63):
        for j in range(4):
            cell = images[r, :, j * 30 : j * 30 + 28]
            matches = np.flatnonzero((dark == cell).all(axis=(1, 2)))
            assert len(matches) >= 1 and bank.labels[matches[0]] == labels[r, j]


def test_other_data_folder(tmp_path):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(bundled_data_dir() / name, tmp_path / name.replace("t10k", "train"))
    api = MNIST_Sequence_API(tmp_path)
    assert api.bank.source.endswith("train-images-idx3-ubyte.gz")
    assert api.generate_mnist_sequence([4, 2], (0, 0), 56).shape == (28, 56)


def test_generate_data_draws_the_digits_a_fixed_length_dataset_draws():
    from mnist_seq_gui.dataset import SequenceDataset

    images, labels = MNIST_Sequence_API().generate_data(200, 6, (0, 4), seed=77, rule="random")
    ds = SequenceDataset(count=200, min_length=6, max_length=6, max_spacing=4, rule="random",
                         width=images.shape[2], seed=77)  # fmt: skip
    batch = ds[:]
    np.testing.assert_array_equal(labels, batch["digits"])
    np.testing.assert_array_equal(images, batch["image"])
