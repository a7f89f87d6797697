"""Old recipes are a promise: every pinned digest of the project lives in this folder.

Each digest was computed by an earlier version (0.1.0, or the commit named beside it)
from the same recipe; the same recipe must keep giving the same pixels, boxes and
indices, in every door. Regenerating a digest is only right when a change of pixels
is intended and announced; `python -m tests.pinned.test_images` prints the current
values of the plain tables. The calls use today's API; the values they hash are the
ones hashed when pinned. This module holds what the two test files share.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np

from mnist_seq_gui.core import Recipe, Variation, bundled_bank

BANK = bundled_bank()
SEEDS = (0, 1, 77, 123_456_789, 2**63 - 1)
DTYPES = ("float32", "uint8")
POLARITIES = (False, True)


def digest16(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    head = f"{array.dtype}{array.shape}".encode()
    return hashlib.sha256(head + array.tobytes()).hexdigest()[:16]


def sha(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def recipe(
    width: int,
    lo: int,
    hi: int,
    rule: str = "uniform",
    white_on_black: bool = False,
    variation: Variation | None = None,
) -> Recipe:
    """The recipes of 0.1 and 0.2 drew with the strict fill rule."""
    return Recipe(
        width=width,
        spacing=(lo, hi),
        rule=rule,
        placement="fill",
        white_on_black=white_on_black,
        variation=variation or Variation(),
    )


def update(h: hashlib._Hash, *parts: object) -> None:
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())


def whole_numbers(rng: random.Random, high: int, shape: tuple[int, int]) -> np.ndarray:
    """Integers in [0, high) from `random()`, whose output Python keeps stable."""
    values = [int(rng.random() * high) for _ in range(shape[0] * shape[1])]
    return np.asarray(values, dtype=np.int64).reshape(shape)
