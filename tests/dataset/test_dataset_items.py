"""SequenceDataset: items depend only on (config, index), and say exactly what they show."""

from __future__ import annotations

import hashlib
import itertools
import pickle
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import DataError, DigitBank, SequenceError, compose_batch, load_bank
from mnist_seq_gui.dataset import (
    BLANK,
    NO_BOX,
    DatasetConfig,
    DatasetError,
    SequenceDataset,
    Shard,
)

# Computed in a separate interpreter: a digest of every field of some items.
_DIGEST_SCRIPT = """
import hashlib, sys
import numpy as np
from mnist_seq_gui.dataset import SequenceDataset
ds = SequenceDataset(count=500, min_length=3, max_length=8, rule="random",
                     max_spacing=80, seed=1234)
h = hashlib.sha256()
for i in (499, 0, 17, 256):
    item = ds[i]
    for key in sorted(item):
        h.update(key.encode()); h.update(np.asarray(item[key]).tobytes())
print(h.hexdigest())
"""


def _digest(ds: SequenceDataset, indices) -> str:
    h = hashlib.sha256()
    for i in indices:
        item = ds[i]
        for key in sorted(item):
            h.update(key.encode())
            h.update(np.asarray(item[key]).tobytes())
    return h.hexdigest()


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)


def test_items_identical_across_instances_orders_and_batches(mixed_lengths):
    one = SequenceDataset(count=300, seed=99, **mixed_lengths)
    two = SequenceDataset(count=300, seed=99, **mixed_lengths)
    forward = [one[i] for i in range(300)]
    backward = [two[i] for i in reversed(range(300))][::-1]
    for a, b in zip(forward, backward, strict=True):
        _same(a, b)
    # A batch, a reversed slice and a shuffled index array give the same rows.
    whole = one[:]
    _same({k: v[::-1] for k, v in whole.items()}, two[::-1])
    order = np.random.default_rng(0).permutation(300)
    shuffled = two[order]
    _same({k: v[order] for k, v in whole.items()}, shuffled)
    for i in (0, 1, 150, 299):
        for key, value in whole.items():
            np.testing.assert_array_equal(np.asarray(forward[i][key]), value[i], err_msg=key)
    assert isinstance(forward[0]["label"], str) and isinstance(forward[0]["length"], int)


def test_items_identical_in_a_separate_process(mixed_lengths, subprocess_env):
    ds = SequenceDataset(count=500, seed=1234, **mixed_lengths)
    result = subprocess.run(
        [sys.executable, "-c", _DIGEST_SCRIPT],
        capture_output=True,
        text=True,
        env=subprocess_env,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == _digest(ds, (499, 0, 17, 256))


def test_items_differ_by_seed_and_index():
    a = SequenceDataset(count=50, seed=1)
    b = SequenceDataset(count=50, seed=2)
    assert not np.array_equal(a[0]["image"], b[0]["image"])
    assert not np.array_equal(a[0]["image"], a[1]["image"])


def test_fixed_length_item_equals_the_core_batch_row(bank):
    ds = SequenceDataset(count=40, min_length=5, max_length=5, width=160, max_spacing=5, seed=7)
    batch = ds[:]
    items = np.arange(40)
    core = compose_batch(bank, batch["digits"], 160, 0, 5, "uniform", False, seed=7, items=items)
    np.testing.assert_array_equal(core.pixels, batch["image"])
    np.testing.assert_array_equal(core.indices, batch["mnist_indices"])
    np.testing.assert_array_equal(core.boxes, batch["boxes"])


@pytest.mark.parametrize("dtype", ["float32", "uint8"])
@pytest.mark.parametrize("white_on_black", [False, True])
def test_every_box_crops_exactly_the_mnist_digit_it_names(
    bank, dtype, white_on_black, mixed_lengths, expected_digit
):
    ds = SequenceDataset(
        count=400, seed=5, dtype=dtype, white_on_black=white_on_black, **mixed_lengths
    )
    batch = ds[:]
    background = 0 if white_on_black else (255 if dtype == "uint8" else 1.0)
    assert batch["image"].dtype == np.dtype(dtype)
    for r in range(len(ds)):
        image = batch["image"][r]
        n = int(batch["length"][r])
        covered = np.zeros(image.shape[1], dtype=bool)
        for j in range(n):
            x0, y0, x1, y1 = batch["boxes"][r, j]
            index = int(batch["mnist_indices"][r, j])
            assert bank.labels[index] == batch["digits"][r, j]
            np.testing.assert_array_equal(
                image[y0:y1, x0:x1], expected_digit(bank, index, dtype, white_on_black)
            )
            covered[x0:x1] = True
        # Everything outside the boxes is background, and the gaps obey the spacing.
        assert (image[:, ~covered] == background).all()
        gaps = batch["boxes"][r, 1:n, 0] - batch["boxes"][r, : n - 1, 2]
        assert gaps.min() >= 0 and gaps.max() <= 80
        assert batch["boxes"][r, n - 1, 2] == ds.width


def test_variable_lengths_keep_leading_zeros_and_pad_with_blank(mixed_lengths):
    ds = SequenceDataset(count=3000, seed=3, **mixed_lengths)
    batch = ds[:]
    lengths = batch["length"]
    assert set(lengths.tolist()) == set(range(3, 9))
    zeros_first = 0
    for r in range(len(ds)):
        n = int(lengths[r])
        label = str(batch["label"][r])
        assert len(label) == n
        assert label == "".join(str(d) for d in batch["digits"][r, :n])
        assert (batch["digits"][r, n:] == BLANK).all()
        assert (batch["boxes"][r, n:] == NO_BOX).all()
        assert (batch["mnist_indices"][r, n:] == NO_BOX).all()
        zeros_first += label.startswith("0")
    assert zeros_first > 100  # about a tenth of them
    item = next(ds[i] for i in range(len(ds)) if ds[i]["label"].startswith("00"))
    assert isinstance(item["label"], str) and item["label"][:2] == "00"
    assert item["digits"][0] == 0 and item["digits"][1] == 0


def test_indexing_forms():
    ds = SequenceDataset(count=20, seed=0)
    _same(ds[-1], ds[19])
    assert ds[2:5]["image"].shape == (3, 28, ds.width)
    np.testing.assert_array_equal(ds[[3, 3, -1]]["item"], [3, 3, 19])
    assert len(ds[[]]["image"]) == 0
    for bad in (20, -21):
        with pytest.raises(IndexError):
            ds[bad]
    with pytest.raises(IndexError):
        ds[np.array([0, 20])]
    assert len(list(ds)) == 20


def test_config_json_round_trip_regenerates_the_same_pixels(mixed_lengths):
    ds = SequenceDataset(count=64, seed=11, dtype="uint8", **mixed_lengths)
    config = DatasetConfig.from_json(ds.config.to_json())
    assert config == ds.config
    again = SequenceDataset(config)
    np.testing.assert_array_equal(again[:]["image"], ds[:]["image"])


def test_pickled_dataset_gives_the_same_items(mixed_lengths):
    ds = SequenceDataset(count=30, seed=8, **mixed_lengths)
    clone = pickle.loads(pickle.dumps(ds))
    _same(clone[:], ds[:])
    assert len(pickle.dumps(ds)) < 10_000  # the digits are reloaded, not shipped


def test_source_from_an_idx_path_is_recorded_and_checked(tmp_path, bank, write_idx_pair):
    order = np.random.default_rng(1).permutation(len(bank))[:3000]  # other digits
    images_file = write_idx_pair(tmp_path / "mine", "train", bank.images[order], bank.labels[order])
    ds = SequenceDataset(count=50, source=str(tmp_path / "mine"), seed=4)
    assert ds.config.source == str(tmp_path / "mine")
    assert ds.config.source_sha256 != SequenceDataset(count=1).config.source_sha256
    own = load_bank(images_file)
    for r, index in np.ndindex(50, 5):
        idx = ds[r]["mnist_indices"][index]
        assert 0 <= idx < 3000 and own.labels[idx] == ds[r]["digits"][index]
    # A config made with these digits refuses other digits with the same config.
    moved = {**ds.config.to_dict(), "source": None}
    with pytest.raises(DatasetError, match="differ"):
        SequenceDataset(DatasetConfig.from_dict(moved))
    # Train and test sets in one folder are never mixed silently.
    write_idx_pair(tmp_path / "mine", "t10k", bank.images[:100], bank.labels[:100])
    with pytest.raises(DataError, match="2 data sets"):
        SequenceDataset(count=5, source=str(tmp_path / "mine"))


def test_a_source_missing_a_digit_is_refused(bank):
    keep = bank.labels != 7
    partial = DigitBank(bank.images[keep], bank.labels[keep], source="no sevens")
    with pytest.raises(SequenceError, match="no images of digit"):
        SequenceDataset(count=5, bank=partial)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(count=0), "count 0"),
        (dict(count=-5), "count -5"),
        (dict(count=5, min_length=8, max_length=3), "reversed; write 3-8"),
        (dict(count=5, min_length=3, max_length=8, width=200, max_spacing=10), "3, 4, 5, 6, 7, 8"),
        (
            dict(count=5, min_length=3, max_length=8, rule="random", max_spacing=10, width=150),
            "length(s) 3, 4, 6, 7, 8",
        ),
        (dict(count=5, width=141), "use width 140"),
        (dict(count=5, rule="zigzag"), "rule 'zigzag'"),
        (dict(count=5, dtype="float64"), "dtype"),
        (dict(count=5, seed=-1), "seed -1"),
    ],
)
def test_bad_configs_say_what_is_wrong(fields, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        DatasetConfig(**fields)
    assert "\n" not in str(info.value)


def test_default_width_is_the_narrowest_that_fits_every_length(mixed_lengths):
    assert DatasetConfig(count=1).width == 140
    config = DatasetConfig(count=1, **mixed_lengths)
    assert config.width == 224  # 8 digits touching; 3 digits stretch with gaps up to 80


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    lo=st.integers(2, 4),  # one digit fits only width 28, so it cannot mix with others
    extra=st.integers(0, 3),
    picks=st.lists(st.integers(0, 199), min_size=1, max_size=20),
)
def test_any_subset_in_any_order_matches_the_full_batch(seed, lo, extra, picks):
    ds = SequenceDataset(
        count=200, seed=seed, min_length=lo, max_length=lo + extra, rule="random",
        max_spacing=28 * 7, dtype="uint8",
    )  # fmt: skip
    whole = ds[:]
    part = ds[np.asarray(picks)]
    for key, value in whole.items():
        np.testing.assert_array_equal(part[key], value[picks], err_msg=key)


@given(total=st.integers(1, 10_000), n=st.integers(1, 50))
def test_shards_partition_the_index_range(total, n):
    if n > total:
        return
    bounds = [Shard(k, n).bounds(total) for k in range(1, n + 1)]
    assert bounds[0][0] == 0 and bounds[-1][1] == total
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    sizes = [stop - start for start, stop in bounds]
    assert max(sizes) - min(sizes) <= 1
