"""Pinned pixels of the plain (no-variation) paths: every saved recipe must keep its image.

The digests below were computed by the composition code as it was before the fast
single-image and batch paths were written (commit c43e031). Each one covers the
pixels, dtype, shape and metadata (MNIST indices, gaps or boxes, lengths) of a whole
group of recipes, so one changed pixel anywhere fails its group. Regenerating them is
only right when a change of pixels is intended and announced: run this file as a
script (`python tests/core/test_plain_digests.py`) to print the current values.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from mnist_seq_gui.core import (
    SequenceSpec,
    batch_offsets,
    bundled_bank,
    compose,
    compose_batch,
    render_batch,
)
from mnist_seq_gui.dataset import SequenceDataset

BANK = bundled_bank()
SEEDS = (0, 1, 77, 123_456_789, 2**63 - 1)
DTYPES = (np.float32, np.uint8)
POLARITIES = (False, True)

# (digits, width, min spacing, max spacing, rule): gaps of 0, small, above the row
# path's limit, a single digit, ten digits, and random gaps with wide and narrow slack.
SINGLE_RECIPES = [
    ((3, 5, 0), 94, 0, 10, "uniform"),
    ((2, 0, 2, 4), 142, 0, 10, "uniform"),
    ((7,), 28, 0, 0, "uniform"),
    ((1, 2, 3, 4, 5), 160, 0, 10, "uniform"),
    (tuple(range(10)), 280, 0, 0, "uniform"),
    ((1, 2), 156, 0, 100, "uniform"),
    ((3, 1, 4, 1, 5, 9), 200, 0, 10, "random"),
    ((9, 9), 100, 0, 50, "random"),
    ((4, 2), 56, 0, 0, "random"),
    ((8, 6, 7, 5, 3, 0, 9), 400, 2, 60, "random"),
    ((5,), 28, 0, 9, "random"),
]


def whole_numbers(rng: random.Random, high: int, shape: tuple[int, int]) -> np.ndarray:
    """Integers in [0, high) from `random()`, whose output Python keeps stable across
    versions (unlike numpy's Generator streams, which may change)."""
    values = [int(rng.random() * high) for _ in range(shape[0] * shape[1])]
    return np.asarray(values, dtype=np.int64).reshape(shape)


def _update(h: hashlib._Hash, *parts: object) -> None:
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())


def single_images() -> str:
    h = hashlib.sha256()
    for recipe in SINGLE_RECIPES:
        for white_on_black in POLARITIES:
            spec = SequenceSpec(*recipe, white_on_black=white_on_black)
            for seed in SEEDS:
                for dtype in DTYPES:
                    comp = compose(BANK, spec, seed, dtype=dtype)
                    _update(h, comp.pixels, comp.indices, comp.gaps, comp.boxes, comp.seed)
    return h.hexdigest()


def single_images_with_indices() -> str:
    h = hashlib.sha256()
    spec = SequenceSpec((2, 0, 2, 4), 150, 0, 20, "random")
    picks = [
        (i, j, k, m)
        for i, j, k, m in zip(*(np.flatnonzero(BANK.labels == d)[:40:7] for d in (2, 0, 2, 4)))
    ]
    for indices in picks:
        for seed in (3, 4):
            for dtype in DTYPES:
                comp = compose(BANK, spec, seed, indices=indices, dtype=dtype)
                _update(h, comp.pixels, comp.indices, comp.gaps)
    return h.hexdigest()


# (count, length, width, min, max, rule): the equal-gap row path (count >= 256, gap
# <= 36), its fallbacks (few rows, wide gap) and random gaps.
BATCH_RECIPES = [
    (300, 5, 160, 0, 10, "uniform"),
    (20, 5, 160, 0, 10, "uniform"),
    (300, 2, 156, 0, 100, "uniform"),
    (300, 3, 84, 0, 0, "uniform"),
    (300, 5, 160, 0, 10, "random"),
    (40, 4, 150, 0, 30, "random"),
    (300, 1, 28, 0, 0, "random"),
]


def batches() -> str:
    h = hashlib.sha256()
    rng = random.Random(2024)
    for count, length, width, lo, hi, rule in BATCH_RECIPES:
        digits = whole_numbers(rng, 10, (count, length))
        for white_on_black in POLARITIES:
            for seed in (0, 77, 2**63 - 1):
                for dtype in DTYPES:
                    b = compose_batch(
                        BANK, digits, width, lo, hi, rule, white_on_black, seed, dtype=dtype
                    )
                    _update(h, b.pixels, b.digits, b.indices, b.gaps, b.offsets, b.boxes)
    return h.hexdigest()


def batches_of_chosen_items() -> str:
    h = hashlib.sha256()
    digits = np.tile([6, 1, 8], (300, 1))
    items = np.arange(300, dtype=np.uint64)[::-1] * 1_000_003
    for rule in ("uniform", "random"):
        for dtype in DTYPES:
            b = compose_batch(BANK, digits, 120, 0, 20, rule, seed=9, items=items, dtype=dtype)
            _update(h, b.pixels, b.indices, b.gaps)
    return h.hexdigest()


def rendered_offsets() -> str:
    """render_batch with gaps that differ from row to row and within rows."""
    h = hashlib.sha256()
    rng = random.Random(5)
    indices = whole_numbers(rng, len(BANK), (300, 3))
    offsets = batch_offsets(whole_numbers(rng, 21, (300, 2)))
    width = 3 * 28 + 40
    for white_on_black in POLARITIES:
        for dtype in DTYPES:
            for rows in (slice(None), slice(0, 7)):
                pixels = render_batch(
                    BANK, indices[rows], offsets[rows], width, white_on_black, dtype
                )
                _update(h, pixels)
    return h.hexdigest()


DATASETS = [
    dict(count=600, min_length=5, max_length=5, min_spacing=0, max_spacing=10),
    dict(count=600, min_length=3, max_length=8, rule="random", max_spacing=80, seed=1),
    dict(count=600, min_length=4, max_length=4, min_spacing=2, max_spacing=2, seed=7),
    dict(count=600, min_length=1, max_length=1, rule="random", seed=3),
    dict(count=600, min_length=2, max_length=3, width=140, rule="random", max_spacing=90),
    dict(count=600, min_length=2, max_length=6, rule="random", max_spacing=120, seed=2**63 - 1),
]


def _dataset_items(config: dict) -> Iterator[dict]:
    for dtype in ("float32", "uint8"):
        for white_on_black in POLARITIES:
            ds = SequenceDataset(
                **config,
                dtype=dtype,
                white_on_black=white_on_black,
                **({} if "seed" in config else {"seed": 11}),
            )
            for i in (0, 1, 2, 299, 599, -1):
                yield ds[i]
            yield ds[0:300]
            yield ds[np.array([599, 3, 3, 42])]


def dataset_items() -> str:
    h = hashlib.sha256()
    for config in DATASETS:
        for item in _dataset_items(config):
            for key in sorted(item):
                value = item[key]
                _update(h, key, np.asarray(value) if isinstance(value, np.ndarray) else value)
    return h.hexdigest()


PINNED: dict[str, tuple[Callable[[], str], str]] = {
    "single_images": (
        single_images,
        "72ed0a9d5f9449500d23f665fb61f445d23067d4d352b58a69b52d77b660a306",
    ),
    "single_images_with_indices": (
        single_images_with_indices,
        "b4005db2a37fc6ec574f07dcc9eaf00e940f8354efb2223845ad76b4e6a5b822",
    ),
    "batches": (batches, "dab136a2894736621ed360f6cc3b511f85eb0606a5eba41273673dc4bf50481d"),
    "batches_of_chosen_items": (
        batches_of_chosen_items,
        "f4bd2b8a09029fe17123b5728c36ec22b1bcdf3f940b5a24ce5a5de473abd8a5",
    ),
    "rendered_offsets": (
        rendered_offsets,
        "fe901c867c4e00b06dffff64e0eb449c113f8a135eec670386824dec72342ee1",
    ),
    "dataset_items": (
        dataset_items,
        "82dc5554bc9baddc0e2df989e6f544c31533f1980071daad17491d607e052de8",
    ),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pixels_and_metadata_match_the_pinned_digest(name):
    make, expected = PINNED[name]
    assert make() == expected


if __name__ == "__main__":
    for name, (make, _) in PINNED.items():
        print(f"{name}: {make()}")
