"""Getting items: ds[i] is row i of ds[a:b] (and of any index array, and of what a
DataLoader fetches through __getitems__), field for field and type for type; `fields=`
keeps only the keys named; what a caller is given is its own; pickling reloads the digits."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import DigitBank
from mnist_seq_gui.dataset import FIELDS, DatasetConfig, DatasetError, SequenceDataset

COUNT = 200
VARIATIONS = [
    {},
    {"height": 36, "jitter_y": (0, 8), "rotation": (-10, 10), "scale": (0.8, 1.2)},
    {"slant": (-20, 20), "thickness": (-0.5, 1), "noise": 6.0, "blur": 0.5},
]


def _row(batch: dict, r: int) -> dict:
    """Row r of a batch in the types an item holds (Python int and str for the scalars)."""
    row = {key: value[r] for key, value in batch.items()}
    for key in ("length", "item"):
        if key in row:
            row[key] = int(row[key])
    if "label" in row:
        row["label"] = str(row["label"])
    return row


# assert_same_item is a stateless function, so one per test is right for every example.
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**63 - 1),
    lo=st.integers(1, 4),
    extra=st.integers(0, 4),
    spacing=st.sampled_from([(0, 0), (0, 40), (-8, 12), (3, 3)]),
    rule=st.sampled_from(["uniform", "random"]),
    variation=st.sampled_from(VARIATIONS),
    dtype=st.sampled_from(["uint8", "float32"]),
    white_on_black=st.booleans(),
    start=st.integers(0, COUNT - 1),
    size=st.integers(1, 40),
    picks=st.lists(st.integers(-COUNT, COUNT - 1), min_size=1, max_size=12),
)
def test_an_item_is_its_row_of_any_batch_holding_it(
    seed,
    lo,
    extra,
    spacing,
    rule,
    variation,
    dtype,
    white_on_black,
    start,
    size,
    picks,
    assert_same_item,
):
    same = assert_same_item
    ds = SequenceDataset(count=COUNT, seed=seed, min_length=lo, max_length=lo + extra,
                         spacing=spacing, rule=rule, variation=variation, dtype=dtype,
                         white_on_black=white_on_black)  # fmt: skip
    stop = min(start + size, COUNT)
    part = ds[start:stop]
    assert len(part["image"]) == stop - start
    for i in sorted({start, stop - 1, (start + stop) // 2}):
        same(ds[i], _row(part, i - start))
    picked = ds[np.asarray(picks)]
    listed = ds.__getitems__(picks)
    for r, i in enumerate(picks):
        one = ds[i]
        same(one, _row(picked, r))
        same(listed[r], one)


def test_every_index_form_gives_the_items_it_names():
    ds = SequenceDataset(count=20, seed=0)
    assert len(ds) == 20 and len(list(ds)) == 20
    np.testing.assert_array_equal(ds[-1]["image"], ds[19]["image"])
    assert ds[np.int64(3)]["item"] == 3 and ds[np.uint8(4)]["item"] == 4
    assert ds[2:5]["image"].shape == (3, 28, ds.width)
    np.testing.assert_array_equal(ds[::7]["item"], [0, 7, 14])
    np.testing.assert_array_equal(ds[[3, 3, -1]]["item"], [3, 3, 19])
    np.testing.assert_array_equal(ds[np.array([[1, 2], [3, 4]])]["item"], [1, 2, 3, 4])
    empty = ds[[]]
    assert empty["image"].shape == (0, 28, ds.width) and list(empty) == list(FIELDS)
    assert ds[30:40]["image"].shape == (0, 28, ds.width)


@pytest.mark.parametrize("bad", [20, -21, 2**70, [0, 20], np.array([-21])])
def test_an_index_outside_the_data_set_is_an_index_error_naming_it(bad):
    ds = SequenceDataset(count=20, seed=0)
    with pytest.raises(IndexError, match="out of range for a dataset of 20 items"):
        ds[bad]


@pytest.mark.parametrize("bad", [1.5, "3", np.array([True, False]), [0.5], None])
def test_an_index_that_is_no_integer_is_a_type_error(bad):
    ds = SequenceDataset(count=20, seed=0)
    with pytest.raises(TypeError, match="integers"):
        ds[bad]


def test_fields_keep_only_the_named_keys_in_every_access(mixed_lengths):
    full = SequenceDataset(count=40, seed=4, **mixed_lengths)
    some = SequenceDataset(full.config, fields=("digits", "image", "length"))
    for got in (
        some[3],
        some[0:5],
        some[[1, 2]],
        some.__getitems__([1, 2])[1],
        pickle.loads(pickle.dumps(some))[3],
    ):
        assert list(got) == ["digits", "image", "length"]
    np.testing.assert_array_equal(some[3]["image"], full[3]["image"])
    np.testing.assert_array_equal(some[0:5]["digits"], full[0:5]["digits"])
    assert list(SequenceDataset(full.config, fields="image")[0]) == ["image"]
    assert SequenceDataset(full.config).fields == FIELDS
    assert list(full[0]) == list(FIELDS)


@pytest.mark.parametrize("bad", [("image", "pixels"), (), ("image", "image"), "pixels"])
def test_unknown_empty_or_repeated_fields_are_refused_with_the_known_names(bad):
    with pytest.raises(DatasetError, match="image, label, length") as info:
        SequenceDataset(count=4, fields=bad)
    assert info.value.args and "\n" not in str(info.value)


def test_a_config_and_config_keywords_together_are_refused():
    with pytest.raises(TypeError, match="not both"):
        SequenceDataset(DatasetConfig(count=3), count=4)


def test_what_a_caller_is_given_is_its_own(mixed_lengths):
    ds = SequenceDataset(count=8, seed=1, **mixed_lengths)
    before = {key: np.copy(value) for key, value in ds[0].items()}
    first = ds[0]
    for key in ("image", "digits", "boxes", "mnist_indices", "ink_boxes"):
        assert first[key].flags.writeable and first[key].flags.c_contiguous, key
        first[key][...] = 7  # the caller owns what it was given
    # Writing one field changed no other field of the same item.
    assert first["label"] == str(before["label"])
    for listed in ds.__getitems__([0, 1]):
        listed["image"][...] = 3
    batch = ds[0:4]
    for value in batch.values():
        if value.dtype.kind != "U":
            value[...] = 1
    for key, value in before.items():
        np.testing.assert_array_equal(ds[0][key], value, err_msg=key)
        np.testing.assert_array_equal(ds[0:4][key][0], value, err_msg=key)


def test_a_pickled_data_set_reloads_its_digits_and_gives_the_same_items(
    mixed_lengths, assert_same_item
):
    ds = SequenceDataset(count=30, seed=8, **mixed_lengths)
    data = pickle.dumps(ds)
    assert len(data) < 10_000  # the config travels, not the digits
    clone = pickle.loads(data)
    assert clone.config == ds.config
    assert_same_item(clone[:], ds[:])


def test_a_data_set_of_digits_passed_in_travels_with_them(bank, assert_same_item):
    own = DigitBank(bank.images[:2000], bank.labels[:2000], source="first 2000")
    ds = SequenceDataset(count=20, seed=3, bank=own)
    assert ds.has_own_bank
    clone = pickle.loads(pickle.dumps(ds))
    assert_same_item(clone[:], ds[:])
    assert (clone[:]["mnist_indices"] < 2000).all()
