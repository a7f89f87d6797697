"""SequenceDataset items: they depend only on (config, index), and say exactly what they show."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mnist_seq_gui.core import INK_THRESHOLD, DataError, DigitBank, SequenceError, load_bank
from mnist_seq_gui.dataset import BLANK, NO_BOX, DatasetConfig, DatasetError, SequenceDataset

# Run in a separate interpreter: a digest of every field of some items.
_DIGEST_SCRIPT = """
import hashlib
import numpy as np
from mnist_seq_gui.dataset import SequenceDataset
ds = SequenceDataset(count=500, min_length=3, max_length=8, rule="random", spacing=(0, 80),
                     seed=1234, variation={"height": 36, "rotation": (-10, 10)})
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


def test_items_are_the_same_in_any_instance_order_or_batch(mixed_lengths, assert_same_item):
    one = SequenceDataset(count=300, seed=99, **mixed_lengths)
    two = SequenceDataset(count=300, seed=99, **mixed_lengths)
    forward = [one[i] for i in range(300)]
    backward = [two[i] for i in reversed(range(300))][::-1]
    for a, b in zip(forward, backward, strict=True):
        assert_same_item(a, b)
    whole = one[:]
    assert_same_item({k: v[::-1] for k, v in whole.items()}, two[::-1])
    order = np.random.default_rng(0).permutation(300)
    assert_same_item({k: v[order] for k, v in whole.items()}, two[order])


def test_items_are_the_same_in_a_separate_process(run_python):
    ds = SequenceDataset(count=500, min_length=3, max_length=8, rule="random", spacing=(0, 80),
                         seed=1234, variation={"height": 36, "rotation": (-10, 10)})  # fmt: skip
    result = run_python("-c", _DIGEST_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == _digest(ds, (499, 0, 17, 256))


def test_items_differ_by_seed_and_by_index():
    a = SequenceDataset(count=50, seed=1)
    b = SequenceDataset(count=50, seed=2)
    assert not np.array_equal(a[0]["image"], b[0]["image"])
    assert not np.array_equal(a[0]["image"], a[1]["image"])
    assert len({a[i]["label"] for i in range(50)}) > 45


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("white_on_black", [False, True])
def test_every_box_crops_exactly_the_mnist_digit_it_names(
    bank, dtype, white_on_black, mixed_lengths, expected_digit
):
    ds = SequenceDataset(
        count=300, seed=5, dtype=dtype, white_on_black=white_on_black, **mixed_lengths
    )
    batch = ds[:]
    background = 0 if white_on_black else (255 if dtype == "uint8" else 1.0)
    assert batch["image"].dtype == np.dtype(dtype) and batch["image"].shape == (300, 28, 224)
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
        # Everything outside the boxes is background; the gaps obey the spacing and the
        # digits span the width (auto resolved to fill for these lengths).
        assert (image[:, ~covered] == background).all()
        gaps = batch["boxes"][r, 1:n, 0] - batch["boxes"][r, : n - 1, 2]
        assert gaps.min() >= 0 and gaps.max() <= 80
        assert batch["boxes"][r, 0, 0] == 0 and batch["boxes"][r, n - 1, 2] == ds.width


def test_ink_boxes_are_the_tight_boxes_of_each_digits_ink(bank, mixed_lengths):
    ds = SequenceDataset(count=100, seed=6, **mixed_lengths)
    batch = ds[:]
    for r in range(0, 100, 7):
        for j in range(int(batch["length"][r])):
            ink = bank.images[batch["mnist_indices"][r, j]] >= INK_THRESHOLD
            rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
            x, y = batch["boxes"][r, j, :2]
            expected = [x + cols[0], y + rows[0], x + cols[-1] + 1, y + rows[-1] + 1]
            assert batch["ink_boxes"][r, j].tolist() == expected


def test_variable_lengths_keep_leading_zeros_and_pad_with_blank(mixed_lengths):
    ds = SequenceDataset(count=3000, seed=3, **mixed_lengths)
    batch = ds[:]
    lengths = batch["length"]
    assert set(lengths.tolist()) == set(range(3, 9))
    for r in range(len(ds)):
        n = int(lengths[r])
        label = str(batch["label"][r])
        assert len(label) == n and label == "".join(map(str, batch["digits"][r, :n]))
        assert (batch["digits"][r, n:] == BLANK).all()
        for key in ("boxes", "ink_boxes", "mnist_indices"):
            assert (batch[key][r, n:] == NO_BOX).all(), key
    zeros_first = [r for r in range(len(ds)) if str(batch["label"][r]).startswith("00")]
    assert len(zeros_first) > 10  # about one in a hundred
    item = ds[zeros_first[0]]
    assert isinstance(item["label"], str) and item["label"][:2] == "00"
    assert item["digits"][:2].tolist() == [0, 0]


def test_a_varied_recipe_moves_each_digit_within_its_jitter_range(varied):
    ds = SequenceDataset(**varied)
    batch = ds[:]
    assert batch["image"].shape == (60, 40, ds.width)
    for r in range(60):
        n = int(batch["length"][r])
        boxes = batch["boxes"][r, :n]
        assert ((boxes[:, 1] >= 0) & (boxes[:, 1] <= 12)).all()
        assert (boxes[:, 3] - boxes[:, 1] == 28).all() and (boxes[:, 2] - boxes[:, 0] == 28).all()
        gaps = boxes[1:, 0] - boxes[:-1, 2]
        assert ((gaps >= -6) & (gaps <= 12)).all()
        assert boxes[0, 0] >= 0 and boxes[-1, 2] <= ds.width
    assert len({int(y) for y in batch["boxes"][:, :, 1].ravel() if y >= 0}) > 5


@pytest.mark.parametrize("pool", ["train", "test"])
def test_a_pool_draws_only_its_own_mnist_images(bank, pool):
    ds = SequenceDataset(count=400, seed=2, pool=pool, min_length=3, max_length=8,
                         rule="random", spacing=(0, 80))  # fmt: skip
    used = set(ds[:]["mnist_indices"].ravel().tolist()) - {NO_BOX}
    assert used <= set(bank.pools[pool].tolist()) and len(used) > 500
    other = "test" if pool == "train" else "train"
    assert not used & set(bank.pools[other].tolist())


def test_a_source_from_an_idx_folder_is_recorded_and_checked(tmp_path, bank, write_idx_pair):
    order = np.random.default_rng(1).permutation(len(bank.labels))[:3000]  # other digits
    images = write_idx_pair(tmp_path / "mine", "train", bank.images[order], bank.labels[order])
    ds = SequenceDataset(count=50, source=str(tmp_path / "mine"), seed=4)
    assert ds.config.source == str(tmp_path / "mine")
    assert ds.config.source_sha256 != SequenceDataset(count=1).config.source_sha256
    own = load_bank(images)
    batch = ds[:]
    assert (batch["mnist_indices"] < 3000).all()
    assert (own.labels[batch["mnist_indices"]] == batch["digits"]).all()
    # A config made with these digits refuses other digits under the same config.
    moved = {**ds.config.to_dict(), "source": None}
    with pytest.raises(DatasetError, match="differ") as info:
        SequenceDataset(DatasetConfig.from_dict(moved))
    assert "pass the same source" in str(info.value)
    # A third set in the folder is never mixed in silently.
    write_idx_pair(tmp_path / "mine", "t10k", bank.images[:100], bank.labels[:100])
    write_idx_pair(tmp_path / "mine", "extra", bank.images[:100], bank.labels[:100])
    with pytest.raises(DataError, match="3 data sets"):
        SequenceDataset(count=5, source=str(tmp_path / "mine"))


def test_a_missing_source_folder_is_refused(tmp_path):
    with pytest.raises(DataError, match="no such data folder"):
        SequenceDataset(count=5, source=str(tmp_path / "nowhere"))


def test_digits_without_every_digit_are_refused(bank):
    keep = bank.labels != 7
    partial = DigitBank(bank.images[keep], bank.labels[keep], source="no sevens")
    with pytest.raises(SequenceError, match=r"no images of digit\(s\) 7"):
        SequenceDataset(count=5, bank=partial)
