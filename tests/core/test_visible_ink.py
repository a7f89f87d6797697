"""Exact labels: every digit keeps visible ink whatever its style, its ink box bounds all of
it, and its mask is that ink; noise and blur drawn per image from a range."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mnist_seq_gui.core import Recipe, Variation, bundled_bank, compose, compose_batch

BANK = bundled_bank()
EXTREMES = {
    "thinnest": Variation(thickness=(-1, -1)),
    "smallest": Variation(scale=(0.25, 0.25)),
    "everything at its limits": Variation(
        slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4), aspect=(0.5, 2.0),
        thickness=(-1, 1),
    ),
}  # fmt: skip


def alone(variation: Variation, count: int, seed: int = 1):
    """`count` digits, each alone in its own 28 px image, white on black, no noise."""
    digits = np.random.default_rng(seed).integers(0, 10, (count, 1))
    recipe = Recipe(width=28, white_on_black=True, variation=variation)
    return compose_batch(BANK, recipe, digits, seed, masks=True)


@pytest.mark.parametrize("name", list(EXTREMES))
def test_no_style_leaves_a_digit_without_visible_ink_or_its_box_without_area(name):
    made = alone(EXTREMES[name], 4000)
    ink = made.pixels[:, :, :].reshape(len(made.pixels), -1).astype(int)
    source_peak = BANK.images[made.indices[:, 0]].reshape(len(ink), -1).max(axis=1).astype(int)
    # every digit keeps at least half of its darkest value
    assert (ink.max(axis=1) >= (source_peak + 1) // 2).all()
    x0, y0, x1, y1 = made.ink_boxes[:, 0].T
    assert ((x1 > x0) & (y1 > y0)).all()
    # the box holds all of the digit's visible ink (32 of 255 and more): 100%, not 99%
    images = made.pixels.astype(int)
    for r in range(len(images)):
        visible = images[r] >= 32
        assert visible[y0[r] : y1[r], x0[r] : x1[r]].sum() == visible.sum()


@pytest.mark.parametrize("name", list(EXTREMES))
def test_a_mask_is_the_digits_ink_and_its_bounds_are_the_ink_box(name):
    made = alone(EXTREMES[name], 500, seed=2)
    masks = made.masks()[:, 0]
    for r, (image, mask) in enumerate(zip(made.pixels.astype(int), masks)):
        least = max(1, math.ceil(image.max() * 32 / 255))
        assert np.array_equal(mask, image >= least)
        ys, xs = np.nonzero(mask)
        box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        assert box == tuple(made.ink_boxes[r, 0])


def test_masks_of_sequences_sit_in_their_cells_and_agree_with_the_boxes():
    recipe = Recipe(
        width=280, spacing=(-8, 12), rule="random", placement="free",
        variation=Variation(height=40, jitter_y=(0, 12), rotation=(-20, 20), thickness=(-1, 0)),
    )  # fmt: skip
    digits = np.random.default_rng(3).integers(0, 10, (40, 7))
    lengths = np.random.default_rng(4).integers(1, 8, 40)
    for variation in (recipe.variation, Variation(height=40, jitter_y=(0, 12))):
        made = compose_batch(
            BANK, recipe.replace(variation=variation), digits, 5, lengths=lengths, masks=True
        )
        masks, active = made.masks(), made.indices >= 0
        assert not masks[~active].any()
        rows, cols = masks.any(axis=3), masks.any(axis=2)
        r, j = np.nonzero(active)
        box = made.ink_boxes[r, j]
        assert (rows[r, j].argmax(axis=1) == box[:, 1]).all()
        assert (cols[r, j].argmax(axis=1) == box[:, 0]).all()
        assert (masks.shape[3] - cols[r, j][:, ::-1].argmax(axis=1) == box[:, 2]).all()
        labels = made.label_images()
        assert labels.dtype == np.uint8 and set(np.unique(labels)) <= set(range(8))
        # a labelled pixel is in that digit's mask
        for slot in range(7):
            assert masks[:, slot][labels == slot + 1].all()
        assert np.array_equal(labels > 0, masks.any(axis=1))


def test_a_batch_made_without_masks_says_how_to_get_them():
    made = compose_batch(BANK, Recipe(), [[1, 2]], 0)
    with pytest.raises(ValueError, match="masks=True"):
        made.masks()


# --- noise and blur ranges -------------------------------------------------------------


def test_one_value_of_noise_or_blur_is_a_range_of_one():
    for one, pair in (
        ({"noise": 9.5}, {"noise": (9.5, 9.5)}),
        ({"blur": 0.6}, {"blur": (0.6, 0.6)}),
    ):
        a = compose_batch(BANK, Recipe(variation=one), [[1, 2, 3]] * 4, 7).pixels
        b = compose_batch(BANK, Recipe(variation=pair), [[1, 2, 3]] * 4, 7).pixels
        assert np.array_equal(a, b)
        assert Recipe(variation=one) == Recipe(variation=pair)


def test_each_image_draws_its_noise_and_blur_and_item_i_is_the_same_alone():
    recipe = Recipe(variation=Variation(height=32, noise=(0, 40), blur=(0, 1.5)))
    made = compose_batch(BANK, recipe, [[4, 5, 6]] * 64, 9, dtype="float32")
    clean = compose_batch(BANK, Recipe(variation=Variation(height=32)), [[4, 5, 6]] * 64, 9)
    spread = [np.std(m * 255.0 - c) for m, c in zip(made.pixels, clean.pixels)]
    assert max(spread) > 4 * min(spread)  # some images hardly noised, others a lot
    for item in (0, 17, 63):
        one = compose(BANK, recipe, [4, 5, 6], 9, item=item, dtype="float32")
        assert np.array_equal(one.pixels, made.pixels[item])


def test_a_blur_too_small_to_compute_keeps_the_pixels():
    tiny = compose_batch(BANK, Recipe(variation={"blur": 1e-300}), [[7, 8]], 3).pixels
    none = compose_batch(BANK, Recipe(variation={"height": 28}), [[7, 8]], 3).pixels
    assert np.array_equal(tiny, none)
