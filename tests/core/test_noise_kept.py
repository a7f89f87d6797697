"""Noisy images keep their pixels: digests pinned before the noise's byte sum was made
faster (the same integer sums, so the same pixels, bit for bit)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mnist_seq_gui.core import Variation, bundled_bank, compose_batch

PINNED = [
    (
        Variation(height=36, noise=9.5, blur=0.6),
        np.tile(np.arange(6), (50, 1)),
        (6 * 28 + 5 * 2, 2, 2, "uniform", False, 3, np.uint8),
        "2ed1c27c109f6b867dd93f8f1c7ab8d3f4181b52e67c0ff0dce62426b8dddb4e",
    ),
    (
        Variation(noise=30.0),
        np.tile(np.arange(4), (20, 1)),
        (4 * 28, 0, 0, "uniform", True, 8, np.float32),
        "c33774349953a93bb6d22fb859c1a2b4bb27788610d7fb6029f9fb3bfb138388",
    ),
]


@pytest.mark.parametrize(("variation", "digits", "layout", "digest"), PINNED)
def test_noise_gives_the_pinned_pixels(variation, digits, layout, digest):
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    batch = compose_batch(bundled_bank(), digits, width, lo, hi, rule, white_on_black,
                          seed=seed, dtype=dtype, variation=variation)  # fmt: skip
    assert hashlib.sha256(batch.pixels.tobytes()).hexdigest() == digest
