"""Pinned images: plain and varied recipes through the core, and the original's API."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from mnist_seq_gui.core import Variation, compose, compose_batch
from mnist_seq_gui.core.render import render

from .digests import BANK, DTYPES, POLARITIES, SEEDS, digest16, recipe, sha, update, whole_numbers

# --- plain recipes (pinned at c43e031, before the fast paths) ---------------------------

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


def single_images() -> str:
    h = hashlib.sha256()
    for digits, width, lo, hi, rule in SINGLE_RECIPES:
        for white_on_black in POLARITIES:
            made = recipe(width, lo, hi, rule, white_on_black)
            for seed in SEEDS:
                for dtype in DTYPES:
                    comp = compose(BANK, made, digits, seed, dtype=dtype)
                    update(h, comp.pixels, comp.indices, comp.gaps, comp.boxes, comp.seed)
    return h.hexdigest()


def single_images_with_indices() -> str:
    h = hashlib.sha256()
    made = recipe(150, 0, 20, "random")
    picks = list(zip(*(np.flatnonzero(BANK.labels == d)[:40:7] for d in (2, 0, 2, 4))))
    for indices in picks:
        for seed in (3, 4):
            for dtype in DTYPES:
                comp = compose(BANK, made, (2, 0, 2, 4), seed, indices=indices, dtype=dtype)
                update(h, comp.pixels, comp.indices, comp.gaps)
    return h.hexdigest()


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
                    made = recipe(width, lo, hi, rule, white_on_black)
                    b = compose_batch(BANK, made, digits, seed, dtype=dtype)
                    update(h, b.pixels, b.digits, b.indices, b.gaps, b.offsets, b.boxes)
    return h.hexdigest()


def batches_of_chosen_items() -> str:
    h = hashlib.sha256()
    digits = np.tile([6, 1, 8], (300, 1))
    items = np.arange(300, dtype=np.uint64)[::-1] * 1_000_003
    for rule in ("uniform", "random"):
        for dtype in DTYPES:
            b = compose_batch(BANK, recipe(120, 0, 20, rule), digits, 9, items=items, dtype=dtype)
            update(h, b.pixels, b.indices, b.gaps)
    return h.hexdigest()


def rendered_offsets() -> str:
    """The renderer with gaps that differ from row to row and within rows (pinned as the
    public render_batch of 0.2, whose work the renderer does now)."""
    h = hashlib.sha256()
    rng = random.Random(5)
    indices = whole_numbers(rng, len(BANK), (300, 3))
    gaps = whole_numbers(rng, 21, (300, 2))
    offsets = np.zeros((300, 3), dtype=np.int64)
    offsets[:, 1:] = np.cumsum(gaps + 28, axis=1)
    width = 3 * 28 + 40
    for white_on_black in POLARITIES:
        for dtype in DTYPES:
            for rows in (slice(None), slice(0, 7)):
                out = np.empty((len(indices[rows]), 28, width), dtype)
                render(
                    BANK,
                    indices[rows],
                    offsets[rows],
                    np.zeros_like(offsets[rows]),
                    out,
                    white_on_black=white_on_black,
                )
                update(h, out)
    return h.hexdigest()


PLAIN: dict[str, tuple[Callable[[], str], str]] = {
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
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_pixels_and_metadata_keep_their_digest(name):
    make, expected = PLAIN[name]
    assert make() == expected


@pytest.mark.parametrize(
    ("digits", "made", "seed", "dtype", "expected"),
    [
        ((1, 2, 3), recipe(100, 0, 16), 5, "float32", "c4348fca942368ce"),
        ((9,), recipe(28, 0, 0, white_on_black=True), 0, "uint8", "49e0685125e648ea"),
        ((4, 4, 4, 4), recipe(150, 0, 20, "random"), 77, "uint8", "9289f47e6dd05c74"),
    ],
)
def test_single_plain_images_keep_their_pixels(digits, made, seed, dtype, expected):
    assert digest16(compose(BANK, made, digits, seed, dtype=dtype).pixels) == expected


PLAIN_BATCHES = {
    ("uniform", "uint8", False): "637dc78423bbd414",
    ("uniform", "uint8", True): "cd4b8323b0a85ae2",
    ("uniform", "float32", False): "00225e37e4926246",
    ("uniform", "float32", True): "f4c5f10f4066ae76",
    ("random", "uint8", False): "7ee85270ea2e56fb",
    ("random", "uint8", True): "13d26cea1823bf4d",
    ("random", "float32", False): "393279f76b799828",
    ("random", "float32", True): "32fc6cbb1b690100",
}


@pytest.mark.parametrize(("rule", "dtype", "white_on_black"), list(PLAIN_BATCHES))
def test_plain_batches_keep_their_pixels(rule, dtype, white_on_black):
    digits = np.random.default_rng(12).integers(0, 10, (1000, 6))
    width = 198 if rule == "uniform" else 230
    batch = compose_batch(BANK, recipe(width, 0, 20, rule, white_on_black), digits, 31, dtype=dtype)
    assert digest16(batch.pixels) == PLAIN_BATCHES[(rule, dtype, white_on_black)]
    assert digest16(batch.indices) == "b23f476e7346a634"
    assert (
        digest16(batch.boxes) == {"uniform": "d6f6985fb9b3e743", "random": "90ea936fdcd741b5"}[rule]
    )


# --- varied recipes (pinned in 0.2) ----------------------------------------------------

OVERLAPPING = Variation(
    height=44,
    jitter_y=(0, 16),
    slant=(-20, 20),
    rotation=(-10, 10),
    scale=(0.8, 1.2),
    aspect=(0.9, 1.1),
    thickness=(-0.5, 1.0),
)
EXTREME = Variation(slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4))
# The pixels are 0.2's. The ink boxes were re-pinned once, on purpose, by the labels issue
# (#16): a box now bounds every pixel at 32/255 of its digit's darkest value, where 0.2
# took pixels of 128 or more and so cut faint edges and lost thin digits (zero-area boxes).
STYLED = [
    (
        OVERLAPPING,
        (300, 6),
        (6 * 28 - 5 * 6, -8, -4, "random", False, 11, "uint8"),
        "52b07c6c4f86a22b515b828c6bd10262f104cc09979b8c2984e23ba515ba1902",
        "039c7360aa22b1c5932cafd32fe554e5ab1273cdb621b20915aca3cfa990d7ea",
    ),
    (
        EXTREME,
        (200, 4),
        (4 * 28 + 3 * 5, 0, 10, "uniform", True, 5, "float32"),
        "844ae035084771d9653a0b278cf0b1c574e788c07796147f4962a40125634467",
        "107333d000f96585c3fe83b57652378eb86f81e4c417b71305ec82970ad86a09",
    ),
]


@pytest.mark.parametrize(("variation", "shape", "layout", "pixels", "ink"), STYLED)
def test_styled_batches_keep_their_pixels_and_ink_boxes(variation, shape, layout, pixels, ink):
    digits = np.random.default_rng(3).integers(0, 10, shape)
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    made = recipe(width, lo, hi, rule, white_on_black, variation)
    batch = compose_batch(BANK, made, digits, seed, dtype=dtype)
    assert sha(batch.pixels) == pixels
    assert sha(batch.ink_boxes) == ink


NOISY = [
    (
        Variation(height=36, noise=9.5, blur=0.6),
        np.tile(np.arange(6), (50, 1)),
        (6 * 28 + 5 * 2, 2, 2, "uniform", False, 3, "uint8"),
        "2ed1c27c109f6b867dd93f8f1c7ab8d3f4181b52e67c0ff0dce62426b8dddb4e",
    ),
    (
        Variation(noise=30.0),
        np.tile(np.arange(4), (20, 1)),
        (4 * 28, 0, 0, "uniform", True, 8, "float32"),
        "c33774349953a93bb6d22fb859c1a2b4bb27788610d7fb6029f9fb3bfb138388",
    ),
]


@pytest.mark.parametrize(("variation", "digits", "layout", "expected"), NOISY)
def test_noisy_batches_keep_their_pixels(variation, digits, layout, expected):
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    made = recipe(width, lo, hi, rule, white_on_black, variation)
    assert sha(compose_batch(BANK, made, digits, seed, dtype=dtype).pixels) == expected


def test_the_pool_split_keeps_its_digest():
    digest = hashlib.sha256(BANK.pools["test"].astype("<i8").tobytes()).hexdigest()
    assert digest == "3120df87c27fb46324849a9679b8a8ddc3b7fd10eaf7faa716a32d57b8172894"


def _all_tables() -> Iterator[tuple[str, str]]:
    for name, (make, _) in PLAIN.items():
        yield name, make()


if __name__ == "__main__":
    for name, value in _all_tables():
        print(f"{name}: {value}")


# --- the original's API (pinned by 0.1.0) ----------------------------------------------

API_CASES = [
    ((2, 0, 2, 4), (0, 10), 142, {"seed": 1}, "2e49b0a0d0033e40"),
    ((0, 1), (0, 10), 66, {"seed": 7}, "c3be8ce645f9fc47"),
    ((3, 1, 4, 1, 5, 9, 2, 6), (0, 40), 400, {"seed": 99, "rule": "random"}, "119eb56545d44424"),
    ((7,), (0, 0), 28, {"seed": 3, "white_on_black": True}, "f5be250ae3c82b46"),
    (
        (9, 8, 7, 6, 5),
        (2, 9),
        160,
        {"seed": 2**63 - 1, "rule": "random", "white_on_black": True, "dtype": np.uint8},
        "bd9dc37d42060034",
    ),
]


@pytest.mark.parametrize(("digits", "spacing", "width", "options", "expected"), API_CASES)
def test_api_images_keep_their_pixels(digits, spacing, width, options, expected):
    from mnist_seq_gui.api import MNIST_Sequence_API

    api = MNIST_Sequence_API()
    assert digest16(api.generate_mnist_sequence(digits, spacing, width, **options)) == expected
