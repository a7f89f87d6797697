"""Styled images keep their pixels and ink boxes: digests pinned before the sampling
maps were made with shifts instead of // and % and kept in tables that never grow."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mnist_seq_gui.core import DigitStyle, Variation, bundled_bank, compose_batch

OVERLAPPING = Variation(
    height=44,
    jitter_y=(0, 16),
    style=DigitStyle(
        slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2), aspect=(0.9, 1.1),
        thickness=(-0.5, 1.0),
    ),
)  # fmt: skip
EXTREME = Variation(style=DigitStyle(slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4)))

PINNED = [
    (
        OVERLAPPING,
        (300, 6),
        (6 * 28 - 5 * 6, -8, -4, "random", False, 11, np.uint8),
        "52b07c6c4f86a22b515b828c6bd10262f104cc09979b8c2984e23ba515ba1902",
        "57a358af4cccab2fbd07d6d09f335ef9e8b33f738881f9bdd274d06d372fdcf7",
    ),
    (
        EXTREME,
        (200, 4),
        (4 * 28 + 3 * 5, 0, 10, "uniform", True, 5, np.float32),
        "844ae035084771d9653a0b278cf0b1c574e788c07796147f4962a40125634467",
        "7932182f4101eedd5d6d533271a1b6226c93d8fd43ffbb500e5a2d9e6dd55a11",
    ),
]


def sha(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


@pytest.mark.parametrize(("variation", "shape", "layout", "pixels", "ink"), PINNED)
def test_styled_batches_give_the_pinned_pixels(variation, shape, layout, pixels, ink):
    digits = np.random.default_rng(3).integers(0, 10, shape)
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    batch = compose_batch(bundled_bank(), digits, width, lo, hi, rule, white_on_black,
                          seed=seed, dtype=dtype, variation=variation)  # fmt: skip
    assert sha(batch.pixels) == pixels
    assert sha(batch.ink_boxes) == ink
