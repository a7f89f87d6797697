"""The renderer on the real MNIST digits: places, polarity, pixel types, overlap, jitter,
noise, blur, ink boxes, buffers and threads, and its plain row branch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mnist_seq_gui.core import (
    INK_THRESHOLD,
    MIN_SPACING,
    DigitBank,
    Recipe,
    bundled_bank,
    compose,
    compose_batch,
)
from mnist_seq_gui.core.render import render

BANK = bundled_bank()
DIGITS = np.random.default_rng(21).integers(0, 10, (600, 5))
STYLED = {"slant": (-20, 20), "rotation": (-10, 10), "scale": (0.8, 1.2)}


def light(index: int) -> np.ndarray:
    return BANK.images[index].astype(np.int64)


def batch(dtype="uint8", **fields):
    fields.setdefault("spacing", (2, 2))
    return compose_batch(BANK, Recipe(**fields), DIGITS, 4, dtype=dtype)


# --- places and polarity ---------------------------------------------------------------


@pytest.mark.parametrize("white_on_black", [False, True])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_each_box_holds_exactly_the_mnist_digit_it_names(white_on_black, dtype, expected_digit):
    recipe = Recipe(width=200, spacing=(0, 10), rule="random", white_on_black=white_on_black)
    comp = compose(BANK, recipe, (3, 1, 4, 1, 5, 9), 314159, dtype=dtype)
    assert comp.pixels.shape == (28, 200) and comp.pixels.dtype == np.dtype(dtype)
    assert sum(comp.gaps) == 200 - 6 * 28
    covered = np.zeros(200, bool)
    for digit, index, (x0, y0, x1, y1) in zip(comp.digits, comp.indices, comp.boxes):
        assert BANK.labels[index] == digit and (y0, y1) == (0, 28)
        cell = comp.pixels[y0:y1, x0:x1]
        assert np.array_equal(cell, expected_digit(BANK, index, dtype, white_on_black))
        covered[x0:x1] = True
    background = (0 if white_on_black else 255) / (255 if dtype == "float32" else 1)
    assert (comp.pixels[:, ~covered] == background).all()


def test_white_on_black_is_the_inverse_of_dark_on_white():
    dark = compose(BANK, Recipe(width=100, spacing=(0, 8)), (7, 0, 7), 9)
    bright = compose(BANK, Recipe(width=100, spacing=(0, 8), white_on_black=True), (7, 0, 7), 9)
    assert bright.indices == dark.indices
    assert np.array_equal(bright.pixels, 255 - dark.pixels)


def test_a_single_digit_is_one_mnist_image():
    comp = compose(BANK, Recipe(), [8], 5)
    assert np.array_equal(comp.pixels, 255 - BANK.images[comp.indices[0]])
    comp.pixels[:] = 0  # the caller owns its pixels: the tables stay as they were
    again = compose(BANK, Recipe(), [8], 5)
    assert np.array_equal(again.pixels, 255 - BANK.images[comp.indices[0]])
    assert comp.pixels.flags.writeable and comp.pixels.flags.owndata


@pytest.mark.parametrize(
    "fields",
    [{}, {"rule": "random", "spacing": (0, 10)}, {"spacing": (-8, -2), "rule": "random"},
     {"white_on_black": True, "variation": {"height": 40, "jitter_y": (0, 12), **STYLED,
                                             "noise": 10.0, "blur": 0.5}}],
)  # fmt: skip
@pytest.mark.parametrize("count", [20, 2_000])  # one thread, and several
def test_float32_pixels_are_the_uint8_pixels_over_255_exactly(fields, count):
    digits = np.tile(np.arange(5), (count, 1))
    recipe = Recipe(**fields)
    u = compose_batch(BANK, recipe, digits, 5, dtype="uint8")
    f = compose_batch(BANK, recipe, digits, 5, dtype="float32")
    assert f.pixels.dtype == np.float32 and np.array_equal(f.indices, u.indices)
    assert np.array_equal(u.pixels.astype(np.float32) / np.float32(255), f.pixels)


def test_overlapping_digits_keep_both_strokes():
    # Two digits 14 px apart: the darker pixel wins on white, the brighter on black.
    first, second = (
        int(np.flatnonzero(BANK.labels == 3)[0]),
        int(np.flatnonzero(BANK.labels == 2)[0]),
    )
    ink = np.zeros((28, 42), np.int64)
    ink[:, :28] = light(first)
    ink[:, 14:] = np.maximum(ink[:, 14:], light(second))
    for white_on_black in (False, True):
        recipe = Recipe(width=42, spacing=(-14, -14), white_on_black=white_on_black)
        comp = compose(BANK, recipe, [3, 2], indices=[first, second])
        assert comp.gaps == (-14,)
        assert np.array_equal(comp.pixels, ink if white_on_black else 255 - ink)


def test_overlapping_rows_keep_every_digits_ink():
    varied = batch(spacing=(MIN_SPACING, -4), rule="random", width=28 * 5 + 4 * -9)
    assert (varied.gaps >= MIN_SPACING).all() and (varied.gaps <= -4).all()
    for r in (0, 5, 77):
        ink = np.zeros((28, varied.pixels.shape[2]), np.int64)
        for j, x0 in enumerate(varied.offsets[r].tolist()):
            ink[:, x0 : x0 + 28] = np.maximum(ink[:, x0 : x0 + 28], light(varied.indices[r, j]))
        assert np.array_equal(varied.pixels[r], 255 - ink)


# --- height and vertical jitter ----------------------------------------------------------


def test_each_cell_sits_at_its_drawn_height_within_the_jitter_range():
    varied = batch(variation={"height": 44, "jitter_y": (3, 16)})
    assert varied.pixels.shape == (600, 44, 148)
    y = varied.y_offsets
    assert y.min() == 3 and y.max() == 16 and len(np.unique(y)) == 14
    for r in (0, 299, 599):
        for j, (x0, y0, x1, y1) in enumerate(varied.boxes[r].tolist()):
            assert (y1 - y0, x1 - x0) == (28, 28) and y0 == y[r, j]
            assert np.array_equal(varied.pixels[r, y0:y1, x0:x1], 255 - light(varied.indices[r, j]))
            column = varied.pixels[r, :, x0:x1]
            assert (column[:y0] == 255).all() and (column[y1:] == 255).all()
    assert (batch(variation={"height": 41}).y_offsets == 6).all()  # centred: (41 - 28) // 2


def test_no_variation_is_the_plain_image():
    assert np.array_equal(batch(variation={}).pixels, batch().pixels)
    assert np.array_equal(batch(variation={"jitter_y": (0, 0)}).pixels, batch().pixels)


def test_a_taller_canvas_with_every_cell_at_the_top_only_adds_background():
    plain = batch()
    taller = batch(variation={"height": 29, "jitter_y": (0, 0)})  # the general renderer
    assert np.array_equal(taller.pixels[:, :28], plain.pixels)
    assert (taller.pixels[:, 28] == 255).all()
    assert np.array_equal(taller.ink_boxes, plain.ink_boxes)


def test_a_jittered_single_digit_is_drawn_for_every_seed():
    recipe = Recipe(variation={"height": 40, "jitter_y": (0, 12)})
    for seed in range(100):  # about one in 13 draws its digit at the top
        comp = compose(BANK, recipe, [7], seed)
        x0, y0, x1, y1 = comp.boxes[0]
        assert np.array_equal(comp.pixels[y0:y1, x0:x1], 255 - light(comp.indices[0]))


# --- noise and blur ------------------------------------------------------------------------


def test_noise_has_the_asked_spread_and_differs_by_seed():
    def bright(noise: float, seed: int = 4) -> np.ndarray:
        recipe = Recipe(width=148, spacing=(2, 2), white_on_black=True,
                        variation={"height": 48, "noise": noise})  # fmt: skip
        return compose_batch(BANK, recipe, DIGITS, seed).pixels

    background = bright(0) == 0
    noisy = bright(20)[background].astype(np.float64)
    # Below 0 is clipped: half the background stays black, the rest is a half-normal
    # of mean sigma * sqrt(2 / pi).
    assert (noisy > 0).mean() == pytest.approx(0.5, abs=0.03)
    assert noisy[noisy > 0].mean() == pytest.approx(20 * np.sqrt(2 / np.pi), rel=0.08)
    assert abs(np.corrcoef(noisy[:-1], noisy[1:])[0, 1]) < 0.05  # neighbours independent
    assert (bright(20, seed=5) != bright(20)).mean() > 0.3


def test_blur_softens_edges_and_keeps_the_ink():
    plain = batch(variation={"height": 32}).pixels.astype(np.float64)
    soft = batch(variation={"height": 32, "blur": 1.0}).pixels.astype(np.float64)
    steps = np.abs(np.diff(plain, axis=2)), np.abs(np.diff(soft, axis=2))
    assert steps[1].mean() < 0.8 * steps[0].mean()
    assert np.percentile(steps[1], 99.9) < 0.6 * np.percentile(steps[0], 99.9)
    assert abs(soft.mean() - plain.mean()) < 1.0


# --- ink boxes -------------------------------------------------------------------------------


def assert_tight(pixels: np.ndarray, boxes: np.ndarray, cells: np.ndarray) -> None:
    """Every ink box is tight around its digit's visible ink (pixels of its cell at 32/255
    of the cell's darkest value or more, dark on white) and holds it all. Cells must not
    overlap."""
    for r, (image_boxes, image_cells) in enumerate(zip(boxes.tolist(), cells.tolist())):
        for (x0, y0, x1, y1), (cx0, cy0, cx1, cy1) in zip(image_boxes, image_cells):
            ink = 255 - pixels[r, cy0:cy1, cx0:cx1].astype(int)
            visible = ink >= max(1, math.ceil(ink.max() * INK_THRESHOLD / 255))
            ys, xs = np.nonzero(visible)
            assert (x0, y0, x1, y1) == (
                cx0 + xs.min(),
                cy0 + ys.min(),
                cx0 + xs.max() + 1,
                cy0 + ys.max() + 1,
            )


@pytest.mark.parametrize(
    "variation",
    [{}, {"height": 40, "jitter_y": (0, 12)}, {"height": 48, "jitter_y": (0, 20), **STYLED}],
)
def test_ink_boxes_are_tight_around_each_digits_ink_within_its_cell(variation):
    made = batch(spacing=(3, 3), variation=variation)
    assert_tight(made.pixels, made.ink_boxes, made.boxes)
    ink, cell = made.ink_boxes, made.boxes
    assert (ink[..., :2] >= cell[..., :2]).all() and (ink[..., 2:] <= cell[..., 2:]).all()


def test_ink_boxes_are_taken_before_noise_and_blur():
    clean = batch(variation={"height": 40, "jitter_y": (0, 12), **STYLED})
    noisy = batch(variation={"height": 40, "jitter_y": (0, 12), **STYLED, "noise": 30.0,
                             "blur": 1.5})  # fmt: skip
    assert not np.array_equal(noisy.pixels, clean.pixels)
    assert np.array_equal(noisy.ink_boxes, clean.ink_boxes)
    assert np.array_equal(noisy.indices, clean.indices)


# --- buffers, threads, and the plain row branch ----------------------------------------------


@pytest.mark.parametrize("rule", ["uniform", "random"])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("count", [1, 7, 600, 5_000])
def test_out_and_threads_give_the_same_pixels(rule, dtype, count):
    digits = (np.arange(count * 6).reshape(count, 6) * 7) % 10
    recipe = Recipe(width=6 * 28 + 5 * 9, spacing=(0, 18), rule=rule)
    one_thread = compose_batch(BANK, recipe, digits, 31, dtype=dtype, threads=1)
    two_threads = compose_batch(BANK, recipe, digits, 31, dtype=dtype, threads=2)
    buffer = np.full((count, 28, 6 * 28 + 45), 3, dtype=dtype)
    into = compose_batch(BANK, recipe, digits, 31, dtype=dtype, out=buffer, threads=3)
    assert into.pixels is buffer
    assert np.array_equal(one_thread.pixels, two_threads.pixels)
    assert np.array_equal(one_thread.pixels, buffer)


@pytest.mark.parametrize("count", [7, 1_200])
def test_out_and_threads_give_the_same_varied_pixels(count):
    recipe = Recipe(spacing=(-3, 9), rule="random", white_on_black=True,
                    variation={"height": 36, "jitter_y": (0, 8), **STYLED, "noise": 8.0,
                               "blur": 0.7})  # fmt: skip
    digits = np.random.default_rng(count).integers(0, 10, (count, 4))
    one_thread = compose_batch(BANK, recipe, digits, 2, threads=1)
    buffer = np.zeros(one_thread.pixels.shape, np.float32)
    into = compose_batch(BANK, recipe, digits, 2, dtype="float32", out=buffer, threads=2)
    assert into.pixels is buffer
    assert np.array_equal(buffer, one_thread.pixels / np.float32(255))
    assert np.array_equal(into.ink_boxes, one_thread.ink_boxes)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("gap", [0, 5, 36, 37])
def test_the_plain_row_branch_draws_what_the_general_way_draws(dtype, gap):
    """Uniform recipes with gaps up to 36 px are drawn as rows of a table; the same
    layout one pixel wider goes the general way (a scatter of cells)."""
    digits = np.random.default_rng(3).integers(0, 10, (700, 4))
    width = 4 * 28 + 3 * gap
    rows = compose_batch(BANK, Recipe(width=width, spacing=(gap, gap)), digits, 8, dtype=dtype)
    wider = np.empty((700, 28, width + 1), dtype)
    render(BANK, rows.indices, rows.offsets, rows.y_offsets, wider, white_on_black=False)
    assert np.array_equal(wider[:, :, :width], rows.pixels)
    assert (wider[:, :, width] == (1 if dtype == "float32" else 255)).all()


def test_a_fresh_bank_draws_what_a_warm_one_draws_whatever_came_before():
    fresh = DigitBank(BANK.images, BANK.labels, source="a fresh copy")
    digits = np.random.default_rng(9).integers(0, 10, (50, 5))
    for gap in (3, 12, 3, 0):  # the row tables are kept for one gap at a time
        recipe = Recipe(width=5 * 28 + 4 * gap, spacing=(gap, gap))
        for dtype in ("float32", "uint8"):
            warm = compose_batch(BANK, recipe, digits, gap, dtype=dtype).pixels
            cold = compose_batch(fresh, recipe, digits, gap, dtype=dtype).pixels
            assert np.array_equal(cold, warm)
        assert np.array_equal(compose(fresh, recipe, digits[0], 1).pixels,
                              compose(BANK, recipe, digits[0], 1).pixels)  # fmt: skip


def test_an_empty_batch_has_no_images():
    made = compose_batch(BANK, Recipe(width=56), np.zeros((0, 2), np.int64))
    assert made.pixels.shape == (0, 28, 56) and made.indices.shape == (0, 2)
