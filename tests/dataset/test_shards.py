"""Shards: k/n parses or says what is wrong; the n parts partition the items evenly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_seq_gui.dataset import DatasetError, SequenceDataset, Shard, export, shard_folder


@given(total=st.integers(1, 10_000), n=st.integers(1, 50))
def test_shards_partition_the_items_in_order_with_sizes_one_apart(total, n):
    if n > total:
        with pytest.raises(DatasetError, match=f"use at most {total} shards"):
            Shard(1, n).bounds(total)
        return
    bounds = [Shard(k, n).bounds(total) for k in range(1, n + 1)]
    assert bounds[0][0] == 0 and bounds[-1][1] == total
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1


def test_a_shard_parses_from_k_slash_n_and_prints_back():
    assert Shard.parse("2/4") == Shard(2, 4) and Shard.parse(" 3 / 10 ") == Shard(3, 10)
    assert str(Shard(2, 4)) == "2/4" and Shard() == Shard(1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3/2", "shard 3/2 does not exist; shards are numbered 1..2"),
        ("0/4", "numbered 1..4"),
        ("-1/4", "numbered 1..4"),
        ("1/0", "not valid; write k/n"),
        ("x", "is not of the form k/n"),
        ("2/4/8", "is not of the form k/n"),
        ("", "is not of the form k/n"),
        ("1/" + "9" * 30, "out of range"),
        ("y" * 500, "..."),  # quoted, cut short
    ],
)
def test_a_bad_shard_says_what_is_wrong_in_one_short_line(text, message):
    with pytest.raises(DatasetError) as info:
        Shard.parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and len(str(info.value)) < 120


def test_more_shards_than_items_is_refused_before_anything_is_written(tmp_path: Path):
    with pytest.raises(DatasetError, match="at most 3 shards"):
        export(SequenceDataset(count=3), tmp_path / "x", shard=Shard(1, 4))
    assert not (tmp_path / "x").exists()


def test_shard_folders_are_numbered_to_sort_in_order():
    assert shard_folder("out", 2, 16) == Path("out") / "part-02-of-16"
    assert shard_folder("out", 1, 4) == Path("out") / "part-1-of-4"
    names = [shard_folder("o", k, 100).name for k in range(1, 101)]
    assert names == sorted(names)


def test_a_shard_written_for_dask_holds_masks_when_asked(tmp_path: Path):
    import numpy as np

    from mnist_seq_gui.dataset import load_npz
    from mnist_seq_gui.dataset.shards import write_shard

    ds = SequenceDataset(count=12, min_length=2, max_length=4, seed=3, fields=("masks",))
    folder = write_shard(2, ds.config.to_json(), str(tmp_path), 3, masks=True)
    data = load_npz(Path(folder) / "dataset.npz")
    masks = np.unpackbits(data["masks"], axis=-1, count=ds.width).astype(bool)
    assert np.array_equal(masks, ds[4:8]["masks"])
    plain = write_shard(2, ds.config.to_json(), str(tmp_path / "plain"), 3)
    assert "masks" not in load_npz(Path(plain) / "dataset.npz")
