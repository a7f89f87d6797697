"""The digit bank: its label index, its pools (the split rule, a folder of a training and a
test set), where it finds IDX pairs, and EMNIST's transposed files."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from mnist_seq_gui.core import (
    DataError,
    Recipe,
    SequenceError,
    bundled_bank,
    compose_batch,
    load_bank,
)
from mnist_seq_gui.core.bank import (
    BUNDLED_IMAGES,
    BUNDLED_LABELS,
    bundled_data_dir,
    find_idx_sets,
    split_pools,
)

BANK = bundled_bank()
DATA = bundled_data_dir()


def copy_bundled(folder, prefix: str = "t10k", gz: bool = True) -> None:
    """The bundled pair under another prefix, gzipped or raw."""
    folder.mkdir(parents=True, exist_ok=True)
    for source, kind in ((BUNDLED_IMAGES, "images-idx3"), (BUNDLED_LABELS, "labels-idx1")):
        target = folder / f"{prefix}-{kind}-ubyte{'.gz' if gz else ''}"
        if gz:
            shutil.copy(DATA / source, target)
        else:
            target.write_bytes(gzip.decompress((DATA / source).read_bytes()))


# --- the bank and its label index ----------------------------------------------------------


def test_the_bank_indexes_every_label_and_is_read_only():
    for digit in range(10):
        start, count = BANK.starts[digit], BANK.counts[digit]
        positions = BANK.by_label_order[start : start + count]
        assert np.array_equal(np.sort(positions), np.flatnonzero(BANK.labels == digit))
    assert np.array_equal(BANK.by_label_order, np.argsort(BANK.labels, kind="stable"))
    assert not BANK.images.flags.writeable and not BANK.labels.flags.writeable
    assert bundled_bank() is BANK and load_bank(None) is BANK and len(BANK) == 10_000
    assert "MNIST test set" in BANK.source and BANK.described == BANK.source


# --- pools ---------------------------------------------------------------------------------


def test_one_set_is_split_by_the_documented_rule():
    train, test = BANK.pools["train"], BANK.pools["test"]
    assert len(np.intersect1d(train, test)) == 0
    assert np.array_equal(np.union1d(train, test), np.arange(len(BANK)))
    for digit in range(10):
        mine = np.flatnonzero(BANK.labels == digit)  # file order
        # every fifth image of each digit (the 5th, 10th, ...) is in test
        assert np.array_equal(np.intersect1d(mine, test), mine[4::5])
    assert (len(train), len(test)) == (8004, 1996)
    again = split_pools(BANK.labels.copy())
    assert all(np.array_equal(again[k], BANK.pools[k]) for k in ("train", "test"))
    thirds = split_pools(np.array([1, 1, 1, 2, 1, 2, 2]), test_every=3)
    assert thirds["test"].tolist() == [2, 6]


def test_a_pool_is_the_bank_drawing_only_from_it():
    assert BANK.pool("all") is BANK
    test = BANK.pool("test")
    assert test is BANK.pool("test")  # kept, not rebuilt
    assert test.images is BANK.images and len(test) == len(BANK)  # indices stay the bank's
    assert (test.pool_name, test.described) == ("test", f"{BANK.source}, test pool")
    assert np.isin(test.by_label_order, BANK.pools["test"]).all()
    assert test.counts.sum() == 1996 and test.pool("all") is test  # "all": the bank as is
    test.check_holds(int(BANK.pools["test"][0]))
    with pytest.raises(SequenceError, match="is not in the test pool"):
        test.check_holds(int(BANK.pools["train"][0]))


def test_an_unknown_pool_is_refused_naming_the_pools():
    with pytest.raises(DataError, match="all, train or test"):
        BANK.pool("validation")


def test_a_folder_with_a_training_and_a_test_set_is_one_bank_of_two_pools(tmp_path, write_idx_pair):
    rng = np.random.default_rng(5)
    first, second = rng.permutation(len(BANK))[:3000], rng.permutation(len(BANK))[:700]
    write_idx_pair(tmp_path, "train", BANK.images[first], BANK.labels[first])
    write_idx_pair(tmp_path, "t10k", BANK.images[second], BANK.labels[second])
    bank = load_bank(tmp_path)
    assert len(bank) == 3700
    assert np.array_equal(bank.pools["train"], np.arange(3000))
    assert np.array_equal(bank.pools["test"], np.arange(3000, 3700))
    assert np.array_equal(bank.images[3000:], BANK.images[second])
    assert "train-images" in bank.source and "t10k-images" in bank.source
    digits = rng.integers(0, 10, (400, 3))
    assert compose_batch(bank, Recipe(pool="test"), digits, 2).indices.min() >= 3000
    assert compose_batch(bank, Recipe(pool="train"), digits, 2).indices.max() < 3000


# --- finding IDX pairs ----------------------------------------------------------------------


def test_a_folder_of_one_pair_or_an_images_file_is_one_set(tmp_path):
    copy_bundled(tmp_path)
    pair = (tmp_path / "t10k-images-idx3-ubyte.gz", tmp_path / "t10k-labels-idx1-ubyte.gz")
    assert find_idx_sets(tmp_path) == {"": pair}
    assert find_idx_sets(pair[0]) == {"": pair}
    assert find_idx_sets(str(pair[0])) == {"": pair}
    bank = load_bank(tmp_path)
    assert np.array_equal(bank.images, BANK.images) and bank.source == str(pair[0])
    copy_bundled(tmp_path, gz=False)  # the same set raw beside it: still one set
    assert list(find_idx_sets(tmp_path)) == [""]


def test_a_training_and_a_test_set_are_found_by_their_names(tmp_path):
    copy_bundled(tmp_path / "official", "train")
    copy_bundled(tmp_path / "official", "t10k")
    sets = find_idx_sets(tmp_path / "official")
    assert sets["train"][0].name == "train-images-idx3-ubyte.gz"
    assert sets["test"][1].name == "t10k-labels-idx1-ubyte.gz"
    copy_bundled(tmp_path / "emnist", "emnist-digits-train", gz=False)
    copy_bundled(tmp_path / "emnist", "emnist-digits-test", gz=False)
    assert set(find_idx_sets(tmp_path / "emnist")) == {"train", "test"}
    assert len(load_bank(tmp_path / "official")) == 20_000


@pytest.mark.parametrize(
    ("prefixes", "message"),
    [(("first", "second"), "holds 2 data sets .* not one training and one test set"),
     (("train", "t10k", "extra"), "holds 3 data sets"), (("train", "training"), "holds 2")],
)  # fmt: skip
def test_sets_that_are_not_one_training_and_one_test_set_are_refused(tmp_path, prefixes, message):
    for prefix in prefixes:
        copy_bundled(tmp_path, prefix)
    with pytest.raises(DataError, match=message + ".*pass the images file of the one you want"):
        load_bank(tmp_path)
    chosen = load_bank(tmp_path / f"{prefixes[0]}-images-idx3-ubyte.gz")
    assert np.array_equal(chosen.images, BANK.images)


def test_folders_and_files_that_hold_no_pair_say_what_to_pass(tmp_path):
    with pytest.raises(DataError, match="no such data folder; pass a folder holding"):
        load_bank(tmp_path / "missing")
    with pytest.raises(DataError, match="no MNIST-style IDX pair found .* t10k-images-idx3"):
        load_bank(tmp_path)
    (tmp_path / "notes.txt").write_text("no digits here")
    with pytest.raises(DataError, match="its name should contain 'images-idx3'"):
        load_bank(tmp_path / "notes.txt")
    shutil.copy(DATA / BUNDLED_IMAGES, tmp_path / BUNDLED_IMAGES)
    with pytest.raises(DataError, match="no matching 't10k-labels-idx1...' file beside it"):
        load_bank(tmp_path / BUNDLED_IMAGES)
    with pytest.raises(DataError, match="no MNIST-style IDX pair"):
        load_bank(tmp_path)  # images without labels


def test_emnist_files_are_turned_upright(tmp_path):
    # EMNIST stores each 28x28 image transposed; a file named emnist-... is turned back.
    copy_bundled(tmp_path, "emnist-digits-test")
    bank = load_bank(tmp_path)
    assert np.array_equal(bank.images, BANK.images.transpose(0, 2, 1))
    assert "EMNIST, transposed to MNIST orientation" in bank.source
    assert np.array_equal(bank.labels, BANK.labels)


def test_a_set_with_a_missing_digit_loads_and_says_so_when_drawn(tmp_path, write_idx_pair):
    keep = np.flatnonzero(BANK.labels != 4)[:500]
    write_idx_pair(tmp_path, "t10k", BANK.images[keep], BANK.labels[keep])
    bank = load_bank(tmp_path)
    assert bank.counts[4] == 0 and not bank.has_every_digit
    assert (bank.labels[compose_batch(bank, Recipe(), [[1, 2]], 0).indices] == [1, 2]).all()
    with pytest.raises(SequenceError, match=r"has no images of digit\(s\) 4"):
        compose_batch(bank, Recipe(), [[1, 4]], 0)
