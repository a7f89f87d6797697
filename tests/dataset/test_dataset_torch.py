"""The dataset handed as-is to a PyTorch DataLoader with workers (skipped without torch)."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.dataset import BLANK, SequenceDataset

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("context", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_dataloader_workers_see_the_same_items(context, mixed_lengths):
    ds = SequenceDataset(count=96, seed=31, **mixed_lengths)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=16, num_workers=2, multiprocessing_context=context
    )
    batches = list(loader)
    expected = ds[:]
    images = torch.cat([b["image"] for b in batches]).numpy()
    np.testing.assert_array_equal(images, expected["image"])
    np.testing.assert_array_equal(torch.cat([b["digits"] for b in batches]), expected["digits"])
    np.testing.assert_array_equal(torch.cat([b["length"] for b in batches]), expected["length"])
    labels = [label for b in batches for label in b["label"]]
    assert labels == expected["label"].tolist()


def test_padded_digits_feed_ctc_loss_with_the_documented_blank(mixed_lengths):
    ds = SequenceDataset(count=8, seed=2, **mixed_lengths)
    batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=8)))
    steps, classes = 40, 11  # digits 0-9 plus the blank, 10
    log_probs = torch.randn(steps, 8, classes).log_softmax(2)
    loss = torch.nn.CTCLoss(blank=BLANK)(
        log_probs,
        batch["digits"],
        torch.full((8,), steps, dtype=torch.long),
        batch["length"],
    )
    assert torch.isfinite(loss)
    assert (batch["digits"][batch["digits"] == BLANK].numel()) == int(
        (8 * ds.max_length) - batch["length"].sum()
    )
