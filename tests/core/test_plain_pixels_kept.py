"""Recipes without variation keep today's pixels bit for bit.

The digests were computed on main before per-digit style, taller canvases, jitter and
overlap were added (and checked to be the same on this branch then); every path a
plain recipe takes (single image, row-gather batch, per-slot batch, both dtypes and
polarities, the dataset) must keep giving them.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose, compose_batch
from mnist_seq_gui.dataset import SequenceDataset


def digest(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    head = f"{array.dtype}{array.shape}".encode()
    return hashlib.sha256(head + array.tobytes()).hexdigest()[:16]


@pytest.mark.parametrize(
    ("spec", "seed", "dtype", "expected"),
    [
        (SequenceSpec((1, 2, 3), 100, 0, 16), 5, np.float32, "c4348fca942368ce"),
        (SequenceSpec((9,), 28, white_on_black=True), 0, np.uint8, "49e0685125e648ea"),
        (SequenceSpec((4, 4, 4, 4), 150, 0, 20, "random"), 77, np.uint8, "9289f47e6dd05c74"),
    ],
)
def test_single_images(spec, seed, dtype, expected):
    assert digest(compose(bundled_bank(), spec, seed, dtype=dtype).pixels) == expected


BATCHES = {
    ("uniform", "uint8", False): "637dc78423bbd414",
    ("uniform", "uint8", True): "cd4b8323b0a85ae2",
    ("uniform", "float32", False): "00225e37e4926246",
    ("uniform", "float32", True): "f4c5f10f4066ae76",
    ("random", "uint8", False): "7ee85270ea2e56fb",
    ("random", "uint8", True): "13d26cea1823bf4d",
    ("random", "float32", False): "393279f76b799828",
    ("random", "float32", True): "32fc6cbb1b690100",
}


@pytest.mark.parametrize(("rule", "dtype", "white_on_black"), list(BATCHES))
def test_batches(rule, dtype, white_on_black):
    digits = np.random.default_rng(12).integers(0, 10, (1000, 6))
    width = 198 if rule == "uniform" else 230
    batch = compose_batch(
        bundled_bank(), digits, width, 0, 20, rule, white_on_black, seed=31, dtype=dtype
    )
    assert digest(batch.pixels) == BATCHES[(rule, dtype, white_on_black)]
    assert digest(batch.indices) == "b23f476e7346a634"
    boxes = {"uniform": "d6f6985fb9b3e743", "random": "90ea936fdcd741b5"}
    assert digest(batch.boxes) == boxes[rule]


def test_dataset_items():
    ds = SequenceDataset(
        count=500,
        min_length=2,
        max_length=7,
        max_spacing=140,
        rule="random",
        seed=8,
        dtype="uint8",
    )
    batch = ds[:]
    got = " ".join(digest(batch[k]) for k in ("image", "digits", "boxes", "mnist_indices", "label"))
    assert (
        got
        == "cdf8eb01d0c5d8aa a0c2a824348ba5df 342dbce89ee3850c 8fddfb4136235eb7 aa188d21ccf347d3"
    )
