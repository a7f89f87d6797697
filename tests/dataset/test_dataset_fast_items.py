"""ds[i] (the core's one-image path), ds[a:b] and __getitems__ (its batch path) agree.

Each field of every item must be the same, value for value and type for type, however
the item is fetched, so that a DataLoader gives the same batches with or without the
batched recipes the README recommends.
"""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.dataset import BLANK, NO_BOX, SequenceDataset

RECIPES = [
    dict(min_length=5, max_length=5, min_spacing=0, max_spacing=10),
    dict(min_length=3, max_length=8, rule="random", max_spacing=80),
    dict(min_length=2, max_length=4, rule="random", max_spacing=60),
    dict(min_length=1, max_length=1, rule="random", seed=3),
    dict(min_length=4, max_length=4, min_spacing=3, max_spacing=3, white_on_black=True),
    dict(min_length=2, max_length=2, width=120, rule="random", max_spacing=64),
]


def assert_same_item(one: dict, row: dict) -> None:
    assert one.keys() == row.keys()
    for key, value in one.items():
        expected = row[key]
        if isinstance(value, np.ndarray):
            assert isinstance(expected, np.ndarray)
            assert value.dtype == expected.dtype and value.shape == expected.shape, key
            np.testing.assert_array_equal(value, expected, err_msg=key)
        else:
            assert type(value) is type(expected) and value == expected, key


@pytest.mark.parametrize("recipe", RECIPES)
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_item_equals_its_row_of_the_batch(recipe, dtype):
    ds = SequenceDataset(count=700, dtype=dtype, **{"seed": 2024, **recipe})
    batch = ds[0:700]
    picked = [0, 1, 2, 257, 511, 699, 3, 3]
    listed = ds.__getitems__(picked)
    for r, i in enumerate(picked):
        one = ds[i]
        row = {
            key: (value[i].item() if key in ("length", "item") else value[i])
            for key, value in batch.items()
        }
        row["label"] = str(row["label"])
        assert_same_item(one, row)
        assert_same_item(listed[r], one)
    assert_same_item(ds[-1], ds[699])


def test_item_fields_describe_the_pixels():
    ds = SequenceDataset(
        count=50, seed=9, dtype="uint8", min_length=2, max_length=6, rule="random", max_spacing=120
    )
    for i in range(50):
        item = ds[i]
        n = item["length"]
        assert item["label"] == "".join(str(d) for d in item["digits"][:n])
        assert (item["digits"][n:] == BLANK).all() and (item["mnist_indices"][n:] == NO_BOX).all()
        assert (item["boxes"][n:] == NO_BOX).all()
        covered = np.zeros(ds.width, bool)
        for index, (x0, y0, x1, y1) in zip(item["mnist_indices"][:n], item["boxes"][:n]):
            assert (y0, y1, x1 - x0) == (0, 28, 28)
            np.testing.assert_array_equal(item["image"][y0:y1, x0:x1], 255 - ds.bank.images[index])
            assert ds.bank.labels[index] == item["digits"][list(item["mnist_indices"]).index(index)]
            covered[x0:x1] = True
        assert (item["image"][:, ~covered] == 255).all()
        assert item["image"].flags.c_contiguous and item["image"].flags.writeable


def test_items_do_not_share_memory_with_each_other_or_the_tables():
    ds = SequenceDataset(count=4, seed=1, dtype="uint8")
    before = {key: np.copy(value) for key, value in ds[0].items()}
    first = ds[0]
    for key in ("image", "digits", "boxes", "mnist_indices"):
        first[key][...] = 7  # the caller owns what it was given
    again = ds[0]
    for key, value in before.items():
        np.testing.assert_array_equal(again[key], value, err_msg=key)


def test_fields_keep_only_the_named_keys_everywhere():
    import pickle

    from mnist_seq_gui.dataset import FIELDS, DatasetError

    full = SequenceDataset(
        count=40, seed=4, min_length=2, max_length=5, rule="random", max_spacing=90
    )
    some = SequenceDataset(full.config, fields=("digits", "image", "length"))
    for got in (
        some[3],
        some[0:5],
        some.__getitems__([1, 2])[1],
        pickle.loads(pickle.dumps(some))[3],
    ):
        assert list(got) == ["digits", "image", "length"]
    np.testing.assert_array_equal(some[3]["image"], full[3]["image"])
    np.testing.assert_array_equal(some[0:5]["digits"], full[0:5]["digits"])
    assert SequenceDataset(full.config, fields="image")[0].keys() == {"image"}
    assert SequenceDataset(full.config).fields == FIELDS
    for bad in (("image", "pixels"), (), ("image", "image")):
        with pytest.raises(DatasetError, match="fields"):
            SequenceDataset(full.config, fields=bad)


torch = pytest.importorskip("torch")


@pytest.mark.parametrize("recipe", RECIPES[:2])
def test_dataloader_recipes_give_the_same_batches(recipe):
    """Per item (default collate over __getitems__), and whole batches through a
    BatchSampler: identical tensors, with worker processes."""
    from torch.utils.data import BatchSampler, DataLoader, SequentialSampler

    ds = SequenceDataset(count=200, seed=5, **recipe)
    per_item = list(DataLoader(ds, batch_size=64, num_workers=2))
    batched = list(
        DataLoader(
            ds,
            sampler=BatchSampler(SequentialSampler(ds), batch_size=64, drop_last=False),
            batch_size=None,
            num_workers=2,
        )
    )
    one_by_one = [
        torch.utils.data.default_collate([ds[i] for i in range(s, min(s + 64, 200))])
        for s in range(0, 200, 64)
    ]
    assert len(per_item) == len(batched) == len(one_by_one) == 4
    for a, b, c in zip(per_item, batched, one_by_one):
        assert a.keys() == b.keys() == c.keys()
        for key in a:
            if key == "label":
                assert list(a[key]) == list(b[key]) == list(c[key])
                continue
            assert a[key].dtype == b[key].dtype == c[key].dtype, key
            assert torch.equal(a[key], b[key]) and torch.equal(a[key], c[key]), key


def test_readme_recipe_gives_the_float32_values_and_fields():
    """uint8 batches through a BatchSampler, / 255 on the consumer's side: the same
    tensors as the float32 data set, with only the fields asked for."""
    from torch.utils.data import BatchSampler, DataLoader, SequentialSampler

    recipe = dict(count=150, min_length=3, max_length=8, rule="random", max_spacing=80, seed=1)
    ds = SequenceDataset(**recipe, dtype="uint8", fields=("image", "digits"))
    sampler = BatchSampler(SequentialSampler(ds), batch_size=64, drop_last=False)
    batches = list(DataLoader(ds, sampler=sampler, batch_size=None, num_workers=2))
    reference = SequenceDataset(**recipe)[:]
    assert [list(b) for b in batches] == [["image", "digits"]] * 3
    images = torch.cat([b["image"].float().div_(255) for b in batches])
    assert torch.equal(images, torch.from_numpy(reference["image"]))
    assert torch.equal(
        torch.cat([b["digits"] for b in batches]), torch.from_numpy(reference["digits"])
    )
    lengths = torch.cat([(b["digits"] != BLANK).sum(1) for b in batches])
    assert torch.equal(lengths, torch.from_numpy(reference["length"]))
