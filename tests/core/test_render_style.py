"""Per-digit style on the real MNIST digits: directions and sizes, Pillow's bilinear
affine transform as the reference, and the sampling maps shared by digits of one style."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import (
    INK_THRESHOLD,
    Recipe,
    Variation,
    bundled_bank,
    compose_batch,
    prepare_maps,
)
from mnist_seq_gui.core import warp as warp_module
from mnist_seq_gui.core.draws import style_codes
from mnist_seq_gui.core.warp import style_grid_of

BANK = bundled_bank()
SAMPLE = np.arange(0, 10_000, 37)  # 271 real digits of every kind
ROWS = np.arange(28, dtype=np.float64)
PLAIN = BANK.images[SAMPLE]


def styled(indices: np.ndarray = SAMPLE, seed: int = 0, **variation) -> np.ndarray:
    """Each digit alone in a 28 x 28 image, in MNIST polarity (ink = 255)."""
    recipe = Recipe(width=28, white_on_black=True, variation=variation)
    digits = BANK.labels[indices][:, None]
    return compose_batch(BANK, recipe, digits, seed, indices=indices[:, None]).pixels


def centroid_x(ink: np.ndarray, rows: slice) -> np.ndarray:
    """Ink-weighted mean column of some rows of each digit (NaN where they hold no ink)."""
    part = ink[:, rows, :].astype(np.float64)
    total = part.sum(axis=(1, 2))
    return (part * ROWS).sum(axis=(1, 2)) / np.where(total > 0, total, np.nan)


def shift(ink: np.ndarray, rows: slice) -> float:
    return float(np.nanmedian(centroid_x(ink, rows) - centroid_x(PLAIN, rows)))


def axis_angle(ink: np.ndarray) -> np.ndarray:
    """Angle of each digit's main axis of ink in degrees, counter-clockwise, y up."""
    weight = ink.astype(np.float64)
    total = weight.sum(axis=(1, 2))
    xs, ys = ROWS[None, None, :], -ROWS[None, :, None]
    mx = (weight * xs).sum(axis=(1, 2)) / total
    my = (weight * ys).sum(axis=(1, 2)) / total
    dx, dy = xs - mx[:, None, None], ys - my[:, None, None]
    mu20 = (weight * dx * dx).sum(axis=(1, 2))
    mu02 = (weight * dy * dy).sum(axis=(1, 2))
    mu11 = (weight * dx * dy).sum(axis=(1, 2))
    return np.degrees(0.5 * np.arctan2(2 * mu11, mu20 - mu02))


def turned(ink: np.ndarray) -> float:
    return float(np.median((axis_angle(ink) - axis_angle(PLAIN) + 90) % 180 - 90))


def ink_extent(ink: np.ndarray, axis: int) -> np.ndarray:
    """Width (axis=2) or height (axis=1) of each digit's ink at the threshold."""
    hit = (ink >= INK_THRESHOLD).any(axis=3 - axis)
    first = hit.argmax(axis=1)
    last = hit.shape[1] - hit[:, ::-1].argmax(axis=1)
    return last - first


def test_no_style_is_the_digit_itself_bit_for_bit():
    assert np.array_equal(styled(), PLAIN)
    assert np.array_equal(styled(slant=(0, 0), scale=(1, 1)), PLAIN)


def test_positive_slant_leans_right():
    ink = styled(slant=(20, 20))
    # tan(20 deg) = 0.36 px per row: the top rows move right, the bottom rows left
    assert 1.5 < shift(ink, slice(0, 10)) < 4.5
    assert shift(ink, slice(18, 28)) < -1.5
    assert shift(styled(slant=(-20, -20)), slice(0, 10)) < -1.5


def test_positive_rotation_turns_counter_clockwise():
    ink = styled(rotation=(15, 15))
    assert shift(ink, slice(0, 10)) < -0.5 and shift(ink, slice(18, 28)) > 0.5
    assert turned(ink) == pytest.approx(15, abs=2)
    assert turned(styled(rotation=(-15, -15))) == pytest.approx(-15, abs=2)


def test_scale_and_aspect_change_the_ink_size_by_their_factors():
    width, height = ink_extent(PLAIN, 2), ink_extent(PLAIN, 1)
    big, small = styled(scale=(1.25, 1.25)), styled(scale=(0.75, 0.75))
    assert np.median(ink_extent(big, 1) / height) == pytest.approx(1.25, abs=0.08)
    assert np.median(ink_extent(small, 1) / height) == pytest.approx(0.75, abs=0.08)
    wide = styled(aspect=(1.5, 1.5))
    ratio = ink_extent(wide, 2)[width >= 8] / width[width >= 8]
    assert np.median(ratio) == pytest.approx(1.5, abs=0.12)
    assert np.median(ink_extent(wide, 1) / height) == pytest.approx(1.0, abs=0.05)


def test_thickness_grows_and_shrinks_the_strokes_in_steps():
    ink = {t: styled(thickness=(t, t)).astype(np.int64).sum() for t in (-1, -0.5, 0.5, 1)}
    plain = PLAIN.astype(np.int64).sum()
    assert ink[-1] < ink[-0.5] < plain < ink[0.5] < ink[1]
    assert (styled(thickness=(1, 1)) >= PLAIN).all()  # a dilation never removes ink
    assert (styled(thickness=(-1, -1)) <= PLAIN).all()


def test_each_digit_draws_its_own_style_from_the_range():
    ink = styled(rotation=(-20, 20), seed=3)
    angles = (axis_angle(ink) - axis_angle(PLAIN) + 90) % 180 - 90
    assert angles.min() < -10 and angles.max() > 10  # not one angle for all
    assert np.array_equal(styled(rotation=(-20, 20), seed=3), ink)
    assert not np.array_equal(styled(rotation=(-20, 20), seed=4), ink)


def test_the_warp_matches_pillows_bilinear_affine_transform():
    # Digits whose ink keeps 2 px from the edge: there Pillow clamps to the edge pixel,
    # where the warp interpolates towards a background outside the cell.
    border = np.ones((28, 28), bool)
    border[2:-2, 2:-2] = False
    sample = SAMPLE[~(BANK.images[SAMPLE][:, border] > 0).any(axis=1)]
    assert len(sample) > 200
    variation = Variation(slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2))
    ours = styled(sample, 5, **{k: getattr(variation, k) for k in ("slant", "rotation", "scale")})
    grid = style_grid_of(variation)
    codes = style_codes(5, np.arange(len(sample), dtype=np.uint64), 1, grid.values)
    inverse = grid.inverse_matrices(grid.geometry_keys(codes, (len(sample), 1))[:, 0])
    for k, index in enumerate(sample):
        (a, b), (d, e) = inverse[k]
        data = (a, b, 14 - 14 * (a + b), d, e, 14 - 14 * (d + e))
        pillow = np.asarray(
            Image.fromarray(BANK.images[index]).transform(
                (28, 28), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR
            )
        )
        difference = np.abs(ours[k].astype(np.int16) - pillow)
        # positions are rounded to 1/16 px and weights to 1/256
        assert difference.max() <= 16, index
        assert difference.mean() < 1.0, index


# --- the sampling maps ------------------------------------------------------------------

BROAD = {"slant": (-30, 30), "rotation": (-30, 30), "scale": (0.7, 1.2), "aspect": (0.8, 1.2)}


@pytest.fixture
def fresh_maps():
    warp_module._cache_for.cache_clear()
    yield
    warp_module._cache_for.cache_clear()


def test_a_small_map_cache_gives_the_same_pixels(monkeypatch, fresh_maps):
    indices = np.resize(SAMPLE, 3000)
    expected = styled(indices, 4, **BROAD)
    monkeypatch.setattr(warp_module, "_MAX_MAPS", 50)
    monkeypatch.setattr(warp_module, "_KEYS_PER_LOOKUP", 40)
    warp_module._cache_for.cache_clear()
    assert np.array_equal(styled(indices, 4, **BROAD), expected)


def test_items_do_not_depend_on_the_batch_that_shares_their_maps():
    # In a big batch digits of one style share a map; in a small one each has its own.
    narrow = {"slant": (-4, 4), "rotation": (-2, 2), "scale": (0.95, 1.05), "thickness": (-1, 1)}
    recipe = Recipe(spacing=(5, 5), variation={**narrow, "height": 40, "jitter_y": (0, 12)})
    digits = np.random.default_rng(1).integers(0, 10, (4000, 5))
    big = compose_batch(BANK, recipe, digits, 3, threads=2)
    some = np.array([0, 1, 2, 1999, 3998])
    small = compose_batch(BANK, recipe, digits[some], 3, items=some, threads=1)
    assert np.array_equal(big.pixels[some], small.pixels)
    assert np.array_equal(big.ink_boxes[some], small.ink_boxes)


def test_prepared_maps_cover_the_grid_and_draw_the_same_pixels(fresh_maps):
    variation = Variation(slant=(-6, 6), rotation=(-4, 4), scale=(0.9, 1.1))
    grid = style_grid_of(variation)
    size = len(grid.values["slant"]) * len(grid.values["rotation"]) * len(grid.values["scale"])
    indices = np.resize(SAMPLE, 400)
    fields = {k: getattr(variation, k) for k in ("slant", "rotation", "scale")}
    expected = styled(indices, 9, **fields)
    warp_module._cache_for.cache_clear()
    assert prepare_maps(variation, stop=lambda: True) is False  # stopped at once
    assert len(warp_module.map_cache(grid).rows) == 0
    assert prepare_maps(variation) is True
    assert sorted(warp_module.map_cache(grid).rows) == list(range(size))
    assert np.array_equal(styled(indices, 9, **fields), expected)


def test_grids_larger_than_the_cache_are_not_prepared():
    broad = Variation(slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4), aspect=(0.5, 2))
    assert prepare_maps(broad) is False
    assert prepare_maps(Variation(thickness=(-1, 1))) is True  # no geometry: no maps
    assert prepare_maps(Variation()) is True
