"""The data set handed as-is to a PyTorch DataLoader with worker processes, as the README
feeds a CTC model (skipped without torch)."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.dataset import BLANK, SequenceDataset

torch = pytest.importorskip("torch")
from torch.utils.data import (  # noqa: E402
    BatchSampler,
    DataLoader,
    SequentialSampler,
    default_collate,
)


@pytest.mark.parametrize("context", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_dataloader_workers_see_the_same_items(context, mixed_lengths):
    ds = SequenceDataset(count=96, seed=31, **mixed_lengths)
    loader = DataLoader(ds, batch_size=16, num_workers=2, multiprocessing_context=context)
    batches = list(loader)
    expected = ds[:]
    for key in ("image", "digits", "length", "boxes", "ink_boxes", "mnist_indices", "item"):
        got = torch.cat([b[key] for b in batches]).numpy()
        assert got.dtype == expected[key].dtype, key
        np.testing.assert_array_equal(got, expected[key], err_msg=key)
    assert [label for b in batches for label in b["label"]] == expected["label"].tolist()


def test_per_item_and_whole_batch_loading_give_the_same_tensors(mixed_lengths):
    """Per item (default collate, which fetches through __getitems__) and whole batches
    through a BatchSampler, with workers, equal collating ds[i] one by one."""
    ds = SequenceDataset(count=200, seed=5, dtype="float32", **mixed_lengths)
    per_item = list(DataLoader(ds, batch_size=64, num_workers=2))
    sampler = BatchSampler(SequentialSampler(ds), batch_size=64, drop_last=False)
    batched = list(DataLoader(ds, sampler=sampler, batch_size=None, num_workers=2))
    one_by_one = [
        default_collate([ds[i] for i in range(s, min(s + 64, 200))]) for s in range(0, 200, 64)
    ]
    assert len(per_item) == len(batched) == len(one_by_one) == 4
    for a, b, c in zip(per_item, batched, one_by_one):
        assert list(a) == list(b) == list(c)
        for key in a:
            if key == "label":
                assert list(a[key]) == list(b[key]) == list(c[key])
                continue
            assert a[key].dtype == b[key].dtype == c[key].dtype, key
            assert torch.equal(a[key], b[key]) and torch.equal(a[key], c[key]), key


def test_the_readme_recipe_gives_the_float32_values_and_only_the_fields_asked():
    """uint8 batches through a BatchSampler, / 255 on the consumer's side: the float32
    data set's values bit for bit; the lengths are the digits that are not BLANK."""
    recipe = dict(count=150, min_length=3, max_length=8, rule="random", spacing=(0, 80), seed=1)
    ds = SequenceDataset(**recipe, fields=("image", "digits"))
    sampler = BatchSampler(SequentialSampler(ds), batch_size=64, drop_last=False)
    batches = list(DataLoader(ds, sampler=sampler, batch_size=None, num_workers=2))
    reference = SequenceDataset(**recipe, dtype="float32")[:]
    assert [list(b) for b in batches] == [["image", "digits"]] * 3
    assert batches[0]["image"].dtype == torch.uint8
    images = torch.cat([b["image"].float().div_(255) for b in batches])
    assert torch.equal(images, torch.from_numpy(reference["image"]))
    digits = torch.cat([b["digits"] for b in batches])
    assert torch.equal(digits, torch.from_numpy(reference["digits"]))
    assert torch.equal((digits != BLANK).sum(1), torch.from_numpy(reference["length"]))


def test_padded_digits_feed_ctc_loss_with_the_documented_blank(mixed_lengths):
    ds = SequenceDataset(count=8, seed=2, **mixed_lengths)
    batch = next(iter(DataLoader(ds, batch_size=8)))
    steps, classes = 40, 11  # digits 0-9 plus the blank, 10
    log_probs = torch.randn(steps, 8, classes, generator=torch.Generator().manual_seed(0))
    loss = torch.nn.CTCLoss(blank=BLANK)(
        log_probs.log_softmax(2),
        batch["digits"],
        torch.full((8,), steps, dtype=torch.long),
        batch["length"],
    )
    assert torch.isfinite(loss)
    padding = int((batch["digits"] == BLANK).sum())
    assert padding == 8 * ds.max_length - int(batch["length"].sum())
