"""What a session draws (Qt-free): the main image, the gallery (the first items of the
data set the export dialog writes), the dialog's first values and its checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mnist_seq_gui.core import DataError, MnistSeqError, compose
from mnist_seq_gui.dataset import MAX_LENGTH, DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.state.jobs import (
    BankCache,
    compose_session,
    describe_config,
    export_defaults,
    folder_problem,
    gallery_batch,
    gallery_config,
    gallery_key,
)
from mnist_seq_gui.gui.state.session import Session

VARIED = Session(sequence="31415", seed=9).replace(
    rule="random",
    spacing=(-6, 8),
    width=150,
    pool="train",
    white_on_black=True,
    height=40,
    jitter_y=(0, 12),
    slant=(-15.0, 15.0),
    scale=(0.8, 1.1),
    thickness=(0.0, 0.5),
    noise=4.0,
    blur=0.5,
)


def test_the_main_image_is_the_cores_composition_of_the_session(bank):
    session = VARIED.replace(item=6, indices=None)
    comp = compose_session(bank, session)
    expected = compose(bank, session.recipe, "31415", 9, item=6)
    assert comp.pixels.dtype == np.uint8 and comp.pixels.shape == (40, 150)
    assert np.array_equal(comp.pixels, expected.pixels) and comp.indices == expected.indices
    i = comp.indices
    swapped = (i[0], i[3], i[2], i[1], i[4])  # the two 1s trade images
    picked = compose_session(bank, session.replace(indices=swapped))
    assert picked.indices == swapped and picked.gaps == comp.gaps
    assert np.array_equal(
        picked.pixels, compose(bank, session.recipe, "31415", 9, item=6, indices=swapped).pixels
    )


def test_a_session_that_describes_no_image_raises_the_cores_error(bank):
    with pytest.raises(MnistSeqError):
        compose_session(bank, Session().replace(width=125))


@pytest.mark.parametrize(
    "session", [Session(), VARIED, Session(sequence="007", seed=2**63 - 1).replace(width=100)]
)
def test_gallery_sample_i_is_item_i_of_the_data_set_export_writes(bank, session):
    count = 12
    batch = gallery_batch(bank, session, count)
    config = DatasetConfig(**{**export_defaults(session), "count": count})
    dataset = SequenceDataset(config)  # its own bank, as an export loads it
    assert batch["image"].shape == (count, session.get("height"), session.recipe.width)
    for i in range(count):
        item = dataset[i]
        assert np.array_equal(batch["image"][i], item["image"]), i
        assert batch["label"][i] == item["label"]
        assert np.array_equal(batch["mnist_indices"][i], item["mnist_indices"])
        assert np.array_equal(batch["ink_boxes"][i], item["ink_boxes"])


def test_a_gallery_sample_is_the_main_image_of_its_digits_and_number(bank):
    batch = gallery_batch(bank, VARIED, 8)
    for i in (0, 5):
        sample = VARIED.replace(sequence=str(batch["label"][i]), item=i)
        assert np.array_equal(compose_session(bank, sample).pixels, batch["image"][i]), i


def test_the_gallery_config_is_the_sessions_length_recipe_seed_and_source():
    config = gallery_config(VARIED, 16)
    assert (config.count, config.min_length, config.max_length) == (16, 5, 5)
    assert config.recipe == VARIED.recipe and config.seed == 9 and config.source is None


def test_a_gallery_of_a_sequence_longer_than_a_data_set_item_is_refused():
    with pytest.raises(MnistSeqError, match=f"at most {MAX_LENGTH} digits"):
        gallery_config(Session(sequence="1" * (MAX_LENGTH + 1)), 4)


def test_a_session_with_a_problem_gives_no_gallery_but_picked_images_do_not_matter(bank):
    with pytest.raises(MnistSeqError, match="Width 125"):
        gallery_batch(bank, Session().replace(width=125), 4)
    picked = gallery_batch(bank, Session(indices=(1, 2)), 4)  # a problem of the main image
    assert np.array_equal(picked["image"], gallery_batch(bank, Session(), 4)["image"])


def test_the_gallery_depends_on_the_number_of_digits_not_which_they_are():
    key = gallery_key(Session(sequence="2024", item=5, indices=(1, 2, 3, 4)))
    assert key == gallery_key(Session(sequence="9999"))
    assert key != gallery_key(Session(sequence="20245"))
    assert key != gallery_key(Session(seed=1))
    assert key != gallery_key(Session().replace(noise=1.0))
    assert key != gallery_key(Session(source="/x"))


def test_the_export_dialog_starts_from_the_session():
    defaults = export_defaults(VARIED.replace(source="/digits"), count=500)
    assert defaults == {
        "count": 500,
        "min_length": 5,
        "max_length": 5,
        "seed": 9,
        "source": "/digits",
        "recipe": VARIED.recipe,
    }
    assert export_defaults(Session(sequence=""))["min_length"] == 5
    assert export_defaults(Session())["count"] == 10_000


def test_the_export_is_described_in_a_sentence_with_a_word_on_shared_images():
    shared = describe_config(DatasetConfig(1234, 4, 4, recipe=Session().recipe))
    assert shared.startswith("1,234 images of 124 \u00d7 28 px, 4 digits")
    assert "share MNIST images" in shared and "train pool" in shared
    own = describe_config(DatasetConfig(10, 5, 5, recipe=VARIED.recipe))
    assert own == "10 images of 150 \u00d7 40 px, 5 digits, from the train pool only."
    spread = describe_config(DatasetConfig(10, 3, 5))
    assert ", 3\u20135 digits, " in spread


def test_a_folder_an_export_cannot_use_is_named_with_what_would_work(tmp_path: Path):
    assert folder_problem(tmp_path / "new", overwrite=False) is None
    assert folder_problem(tmp_path, overwrite=False) is None  # empty
    (tmp_path / "taken.txt").write_text("x")
    said = folder_problem(tmp_path, overwrite=False)
    assert said is not None and "is not empty" in said and "Replace an earlier export" in said
    assert folder_problem(tmp_path, overwrite=True) is None
    file = tmp_path / "taken.txt"
    assert folder_problem(file, overwrite=True) == f"{file} is a file; choose a folder."


def test_banks_are_loaded_once_per_source(tmp_path: Path, write_idx_pair, bank):
    cache = BankCache()
    assert cache.get(None) is cache.get(None)
    assert np.array_equal(cache.get(None).images, bank.images)
    folder = tmp_path / "digits"
    write_idx_pair(folder, "few", bank.images[:50], bank.labels[:50])
    other = cache.get(str(folder))
    assert other is cache.get(str(folder)) and len(other.labels) == 50
    with pytest.raises(DataError):
        cache.get(str(tmp_path / "missing"))
