"""Digit pools on the real MNIST digits: disjoint, stratified, stable, and drawn from."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mnist_seq_gui.core import DataError, SequenceError, bundled_bank, compose_batch, load_bank
from mnist_seq_gui.core.source import DigitBank, split_pools

BANK = bundled_bank()


def write_idx(folder, prefix: str, images: np.ndarray, labels: np.ndarray) -> None:
    n = len(labels)
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(
        np.array([2051, n, 28, 28], ">i4").tobytes() + images.tobytes()
    )
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        np.array([2049, n], ">i4").tobytes() + labels.tobytes()
    )


def test_one_set_is_split_by_the_documented_rule():
    train, test = BANK.pools["train"], BANK.pools["test"]
    assert len(np.intersect1d(train, test)) == 0
    assert np.array_equal(np.union1d(train, test), np.arange(len(BANK)))
    for digit in range(10):
        mine = np.flatnonzero(BANK.labels == digit)  # file order
        # every fifth image of each digit (the 5th, 10th, ...) is in test
        assert np.array_equal(np.intersect1d(mine, test), mine[4::5])
        assert len(mine[4::5]) == len(mine) // 5
    assert (len(train), len(test)) == (8004, 1996)


def test_the_split_is_the_same_everywhere():
    # a digest of today's split: a change of rule or of its arithmetic fails here
    digest = hashlib.sha256(BANK.pools["test"].astype("<i8").tobytes()).hexdigest()
    assert digest == "3120df87c27fb46324849a9679b8a8ddc3b7fd10eaf7faa716a32d57b8172894"
    again = split_pools(BANK.labels.copy())
    assert all(np.array_equal(again[k], BANK.pools[k]) for k in ("train", "test"))


def test_batches_from_different_pools_never_share_an_image():
    digits = np.random.default_rng(0).integers(0, 10, (5000, 6))
    used = {}
    for pool in ("train", "test"):
        batch = compose_batch(BANK.pool(pool), digits, 168, 0, 0, seed=1, dtype=np.uint8)
        used[pool] = np.unique(batch.indices)
        assert np.isin(used[pool], BANK.pools[pool]).all()
        assert (BANK.labels[batch.indices] == digits).all()
    assert len(np.intersect1d(used["train"], used["test"])) == 0
    assert len(used["test"]) > 1500  # most of the pool is drawn


def test_pool_all_is_the_bank_as_before():
    assert BANK.pool("all") is BANK
    assert BANK.pool("train") is BANK.pool("train")  # kept, not rebuilt
    assert np.array_equal(BANK.by_label_order, np.argsort(BANK.labels, kind="stable"))


def test_a_folder_with_training_and_test_files_gives_pools_train_and_test(tmp_path):
    rng = np.random.default_rng(5)
    first, second = rng.permutation(len(BANK))[:3000], rng.permutation(len(BANK))[:700]
    write_idx(tmp_path, "train", BANK.images[first], BANK.labels[first])
    write_idx(tmp_path, "t10k", BANK.images[second], BANK.labels[second])
    bank = load_bank(tmp_path)
    assert len(bank) == 3700
    assert np.array_equal(bank.pools["train"], np.arange(3000))
    assert np.array_equal(bank.pools["test"], np.arange(3000, 3700))
    assert np.array_equal(bank.images[3000:], BANK.images[second])
    assert "train-images" in bank.source and "t10k-images" in bank.source
    digits = rng.integers(0, 10, (400, 3))
    test_batch = compose_batch(bank.pool("test"), digits, 84, seed=2)
    assert test_batch.indices.min() >= 3000
    assert compose_batch(bank.pool("train"), digits, 84, seed=2).indices.max() < 3000


def test_two_sets_that_are_not_train_and_test_are_refused(tmp_path):
    write_idx(tmp_path, "first", BANK.images[:50], BANK.labels[:50])
    write_idx(tmp_path, "second", BANK.images[50:100], BANK.labels[50:100])
    with pytest.raises(DataError, match="not one training and one test set"):
        load_bank(tmp_path)


def test_unknown_pool_and_a_pool_without_a_digit_say_what_to_do():
    with pytest.raises(DataError, match="pool 'validation' does not exist; use one of train"):
        BANK.pool("validation")
    sevens = np.flatnonzero(BANK.labels == 7)
    rest = np.setdiff1d(np.arange(len(BANK)), sevens)
    bank = DigitBank(BANK.images, BANK.labels, "real digits", {"train": rest, "test": sevens})
    with pytest.raises(SequenceError, match=r"train pool has no images of digit\(s\) 7"):
        compose_batch(bank.pool("train"), np.array([[7, 7]]), 56)


def test_single_images_and_items_from_a_pool_stay_in_it():
    from mnist_seq_gui.core import SequenceSpec, compose
    from mnist_seq_gui.dataset import SequenceDataset

    compose(BANK, SequenceSpec((1, 2, 3), 84), 0)  # the whole bank's tables exist first
    test = set(BANK.pools["test"].tolist())
    for seed in range(200):
        comp = compose(BANK, SequenceSpec((1, 2, 3), 84, pool="test"), seed)
        assert set(comp.indices) <= test
    ds = SequenceDataset(count=300, pool="test", seed=3)
    assert {int(v) for i in range(300) for v in ds[i]["mnist_indices"] if v >= 0} <= test
