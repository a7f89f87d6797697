"""Per-digit style on the real MNIST digits: directions, interpolation, draws, ink boxes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import bundled_bank, compose_batch
from mnist_seq_gui.core import warp as warp_module
from mnist_seq_gui.core.canvas import INK_THRESHOLD, draw_offsets_y, render_canvas
from mnist_seq_gui.core.errors import StyleError
from mnist_seq_gui.core.style import QUANTA, DigitStyle, draw_styles, grid, inverse_matrices

BANK = bundled_bank()
SAMPLE = np.arange(0, 10_000, 37)  # 271 real digits of every kind
ROWS = np.arange(28, dtype=np.float64)


def styled(indices: np.ndarray, seed: int = 0, threads=None, **ranges) -> np.ndarray:
    """Each digit alone in a 28 x 28 cell, in MNIST polarity (ink = 255)."""
    draws = draw_styles(DigitStyle(**ranges), seed, np.arange(len(indices)), 1)
    zeros = np.zeros((len(indices), 1), np.int64)
    pixels, _ = render_canvas(
        BANK,
        indices[:, None],
        zeros,
        zeros,
        28,
        28,
        draws=draws,
        white_on_black=True,
        threads=threads,
    )
    return pixels


def centroid_x(ink: np.ndarray, rows: slice) -> np.ndarray:
    """Ink-weighted mean column of some rows of each digit (NaN where they hold no ink)."""
    part = ink[:, rows, :].astype(np.float64)
    total = part.sum(axis=(1, 2))
    return (part * ROWS).sum(axis=(1, 2)) / np.where(total > 0, total, np.nan)


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


def ink_extent(ink: np.ndarray, axis: int) -> np.ndarray:
    """Width (axis=2) or height (axis=1) of each digit's ink at the threshold."""
    hit = (ink >= INK_THRESHOLD).any(axis=3 - axis)
    first = hit.argmax(axis=1)
    last = hit.shape[1] - hit[:, ::-1].argmax(axis=1)
    return last - first


PLAIN = BANK.images[SAMPLE]


def test_no_style_is_the_digit_itself_bit_for_bit():
    assert np.array_equal(styled(SAMPLE), PLAIN)
    # A range that is fixed at the neutral value is no style at all.
    assert DigitStyle(slant=(0, 0), scale=(1, 1)).is_plain


def test_positive_slant_moves_the_top_rows_right_and_the_bottom_rows_left():
    ink = styled(SAMPLE, slant=(20, 20))
    top = centroid_x(ink, slice(0, 10)) - centroid_x(PLAIN, slice(0, 10))
    bottom = centroid_x(ink, slice(18, 28)) - centroid_x(PLAIN, slice(18, 28))
    assert np.median(top) > 1.5 and np.median(bottom) < -1.5
    # the shear is tan(20 deg) = 0.36 px per row: about 3.4 px at the top quarter
    assert 2.0 < np.median(top) < 4.5
    back = styled(SAMPLE, slant=(-20, -20))
    assert np.median(centroid_x(back, slice(0, 10)) - centroid_x(PLAIN, slice(0, 10))) < -1.5


def test_positive_rotation_turns_counter_clockwise():
    ink = styled(SAMPLE, rotation=(15, 15))
    # counter-clockwise: the top goes left, the bottom right
    top = centroid_x(ink, slice(0, 10)) - centroid_x(PLAIN, slice(0, 10))
    bottom = centroid_x(ink, slice(18, 28)) - centroid_x(PLAIN, slice(18, 28))
    assert np.median(top) < -0.5 and np.median(bottom) > 0.5
    # and the main axis of the ink turns by +15 degrees (measured with y pointing up)
    turned = axis_angle(ink) - axis_angle(PLAIN)
    turned = (turned + 90) % 180 - 90
    assert np.median(turned) == pytest.approx(15, abs=2)
    assert np.median(
        (axis_angle(styled(SAMPLE, rotation=(-15, -15))) - axis_angle(PLAIN) + 90) % 180 - 90
    ) == pytest.approx(-15, abs=2)


def test_scale_and_aspect_change_the_ink_size_by_their_factors():
    width, height = ink_extent(PLAIN, 2), ink_extent(PLAIN, 1)
    big = styled(SAMPLE, scale=(1.25, 1.25))
    assert np.median(ink_extent(big, 1) / height) == pytest.approx(1.25, abs=0.08)
    small = styled(SAMPLE, scale=(0.75, 0.75))
    assert np.median(ink_extent(small, 1) / height) == pytest.approx(0.75, abs=0.08)
    wide = styled(SAMPLE, aspect=(1.5, 1.5))
    wide_ratio = ink_extent(wide, 2)[width >= 8] / width[width >= 8]
    assert np.median(wide_ratio) == pytest.approx(1.5, abs=0.12)
    assert np.median(ink_extent(wide, 1) / height) == pytest.approx(1.0, abs=0.05)


def test_thickness_grows_and_shrinks_the_strokes_in_steps():
    ink = {t: styled(SAMPLE, thickness=(t, t)).astype(np.int64).sum() for t in (-1, -0.5, 0.5, 1)}
    plain = PLAIN.astype(np.int64).sum()
    assert ink[-1] < ink[-0.5] < plain < ink[0.5] < ink[1]
    # a full dilation step by a 3 x 3 cross: every ink pixel's neighbours gain ink
    thick = styled(SAMPLE, thickness=(1, 1))
    assert (thick >= PLAIN).all()
    assert (styled(SAMPLE, thickness=(-1, -1)) <= PLAIN).all()


def test_warp_matches_pillows_bilinear_affine_transform():
    # Digits whose ink keeps 2 px from the edge: there Pillow clamps to the edge pixel
    # or returns 0, where we interpolate towards a background outside the cell.
    border = np.ones((28, 28), bool)
    border[2:-2, 2:-2] = False
    sample = SAMPLE[~(BANK.images[SAMPLE][:, border] > 0).any(axis=1)]
    assert len(sample) > 200
    style = DigitStyle(slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2))
    draws = draw_styles(style, 5, np.arange(len(sample)), 1)
    zeros = np.zeros((len(sample), 1), np.int64)
    ours, _ = render_canvas(
        BANK, sample[:, None], zeros, zeros, 28, 28, draws=draws, white_on_black=True
    )
    inverse = inverse_matrices(style, draws.geometry_keys()[:, 0])
    for k, index in enumerate(sample):
        (a, b), (d, e) = inverse[k]
        data = (a, b, 14 - 14 * (a + b), d, e, 14 - 14 * (d + e))
        pillow = np.asarray(
            Image.fromarray(BANK.images[index]).transform(
                (28, 28), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR
            )
        )
        difference = np.abs(ours[k].astype(np.int16) - pillow)
        # positions are rounded to 1/32 px (255 / 32 per axis on the steepest edge) and
        # weights to 1/256
        assert difference.max() <= 16, index
        assert difference.mean() < 1.0, index


def test_grid_holds_both_ends_and_steps_no_larger_than_the_quantum():
    values = grid(-20, 20, QUANTA["slant"])
    assert values[0] == -20 and values[-1] == 20 and len(values) == 21
    values = grid(0.8, 1.23, QUANTA["scale"])
    assert values[0] == 0.8 and values[-1] == 1.23
    assert np.diff(values).max() <= QUANTA["scale"] + 1e-12
    assert list(grid(3, 3, 2.0)) == [3]


def test_draws_cover_the_grid_and_depend_only_on_seed_and_item():
    style = DigitStyle(rotation=(-10, 10))
    draws = draw_styles(style, 7, np.arange(20_000), 5)
    values = draws.values("rotation")
    assert set(np.unique(values)) == set(grid(-10, 10, 2.0))
    counts = np.unique(values, return_counts=True)[1]
    assert counts.min() > 0.8 * counts.mean()
    again = draw_styles(style, 7, np.array([11, 12_345]), 5)
    assert np.array_equal(again.values("rotation"), values[[11, 12_345]])
    other_seed = draw_styles(style, 8, np.arange(20_000), 5).values("rotation")
    assert (other_seed != values).mean() > 0.8


def test_item_pixels_do_not_depend_on_the_batch_around_them():
    # In a big batch digits share maps by style; in a small one each has its own map.
    style = DigitStyle(slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2), thickness=(-1, 1))
    items = np.arange(4000)
    draws = draw_styles(style, 3, items, 5)
    digits = np.random.default_rng(1).integers(0, 10, (len(items), 5))
    layout = compose_batch(BANK, digits, 160, 5, 5, seed=3, dtype=np.uint8)
    y = draw_offsets_y(0, 12, 3, items, 5)
    big, big_boxes = render_canvas(
        BANK, layout.indices, layout.offsets, y, 40, 160, draws=draws, threads=2
    )
    some = np.array([0, 1, 2, 1999, 3998])
    small, small_boxes = render_canvas(
        BANK,
        layout.indices[some],
        layout.offsets[some],
        y[some],
        40,
        160,
        draws=draw_styles(style, 3, items[some], 5),
        threads=1,
    )
    assert np.array_equal(big[some], small)
    assert np.array_equal(big_boxes[some], small_boxes)


def test_a_small_map_cache_gives_the_same_pixels(monkeypatch):
    style = DigitStyle(slant=(-30, 30), rotation=(-30, 30), scale=(0.7, 1.2), aspect=(0.8, 1.2))
    indices = np.resize(SAMPLE, 3000)
    expected = styled(indices, seed=4, **style.to_dict())
    monkeypatch.setattr(warp_module, "_MAX_MAPS", 50)
    monkeypatch.setattr(warp_module, "_KEYS_PER_LOOKUP", 40)
    warp_module._cache_for.cache_clear()
    try:
        assert np.array_equal(styled(indices, seed=4, **style.to_dict()), expected)
    finally:
        warp_module._cache_for.cache_clear()


def test_prepared_maps_cover_the_grid_and_draw_the_same_pixels():
    style = DigitStyle(slant=(-6, 6), rotation=(-4, 4), scale=(0.9, 1.1))
    size = len(style.grid("slant")) * len(style.grid("rotation")) * len(style.grid("scale"))
    indices = np.resize(SAMPLE, 400)
    warp_module._cache_for.cache_clear()
    try:
        expected = styled(indices, seed=9, **style.to_dict())
        warp_module._cache_for.cache_clear()
        assert warp_module.prepare_maps(style, stop=lambda: True) is False  # stopped at once
        assert len(warp_module.map_cache(style).rows) == 0
        assert warp_module.prepare_maps(style) is True
        assert sorted(warp_module.map_cache(style).rows) == list(range(size))
        assert np.array_equal(styled(indices, seed=9, **style.to_dict()), expected)
    finally:
        warp_module._cache_for.cache_clear()


def test_grids_larger_than_the_cache_are_not_prepared():
    broad = DigitStyle(slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4), aspect=(0.5, 2))
    assert warp_module.prepare_maps(broad) is False
    assert warp_module.prepare_maps(DigitStyle(thickness=(-1, 1))) is True  # no geometry


def test_ink_boxes_hold_all_ink_and_are_tight():
    style = DigitStyle(slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2))
    items = np.arange(300)
    digits = np.random.default_rng(2).integers(0, 10, (300, 4))
    layout = compose_batch(BANK, digits, 130, 6, 6, seed=9, dtype=np.uint8)
    y = draw_offsets_y(0, 20, 9, items, 4)
    pixels, boxes = render_canvas(
        BANK, layout.indices, layout.offsets, y, 48, 130, draws=draw_styles(style, 9, items, 4)
    )
    dark = pixels <= 255 - INK_THRESHOLD  # dark on white: ink of the threshold or more
    for image, image_boxes, marks in zip(pixels, boxes, dark):
        covered = np.zeros_like(marks)
        for x0, y0, x1, y1 in image_boxes:
            assert x1 > x0 and y1 > y0
            covered[y0:y1, x0:x1] = True
            inside = marks[y0:y1, x0:x1]
            # tight: every edge row and column of the box holds ink
            assert inside[0].any() and inside[-1].any()
            assert inside[:, 0].any() and inside[:, -1].any()
        assert not (marks & ~covered).any()
        assert image.shape == (48, 130)


def test_jitter_places_each_cell_at_its_drawn_height():
    items = np.arange(500)
    y = draw_offsets_y(2, 10, 1, items, 3)
    assert y.min() == 2 and y.max() == 10
    digits = np.random.default_rng(3).integers(0, 10, (500, 3))
    layout = compose_batch(BANK, digits, 96, 6, 6, seed=1, dtype=np.uint8)
    pixels, _ = render_canvas(BANK, layout.indices, layout.offsets, y, 40, 96)
    for r in (0, 17, 499):
        for j in range(3):
            x0, y0 = layout.offsets[r, j], y[r, j]
            assert np.array_equal(
                pixels[r, y0 : y0 + 28, x0 : x0 + 28], 255 - BANK.images[layout.indices[r, j]]
            )
            assert (pixels[r, :y0, x0 : x0 + 28] == 255).all()
            assert (pixels[r, y0 + 28 :, x0 : x0 + 28] == 255).all()


def test_overlapping_digits_keep_both_inks():
    # two digits 14 px apart: the darker pixel wins on white, the brighter on black
    indices = np.array([[3, 2]])
    x = np.array([[0, 14]])
    y = np.zeros((1, 2), np.int64)
    first, second = BANK.images[3].astype(np.int64), BANK.images[2].astype(np.int64)
    ink = np.zeros((28, 42), np.int64)
    ink[:, :28] = first
    ink[:, 14:] = np.maximum(ink[:, 14:], second)
    for white_on_black in (False, True):
        pixels, _ = render_canvas(
            BANK, indices, x, y, 28, 42, white_on_black=white_on_black, overlap=True
        )
        expected = ink if white_on_black else 255 - ink
        assert np.array_equal(pixels[0], expected)


def test_threads_and_dtypes_agree():
    style = DigitStyle(rotation=(-10, 10), thickness=(0, 1))
    items = np.arange(2000)
    draws = draw_styles(style, 2, items, 3)
    digits = np.random.default_rng(4).integers(0, 10, (2000, 3))
    layout = compose_batch(BANK, digits, 84, 0, 0, seed=2, dtype=np.uint8)
    y = np.zeros((2000, 3), np.int64)
    args = (BANK, layout.indices, layout.offsets, y, 28, 84)
    one, _ = render_canvas(*args, draws=draws, threads=1)
    two, _ = render_canvas(*args, draws=draws, threads=2)
    as_float, _ = render_canvas(*args, draws=draws, dtype=np.float32)
    assert np.array_equal(one, two)
    assert np.array_equal(as_float, one.astype(np.float32) / 255)


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"slant": (20, -20)}, "reversed; swap them"),
        ({"rotation": (-50, 10)}, "out of bounds; use -45..45"),
        ({"scale": (0, 1)}, "out of bounds; use 0.25..1.4"),
        ({"scale": (float("nan"), 1)}, "not finite"),
        ({"aspect": "wide"}, "not a range"),
        ({"thickness": (2, 2)}, "out of bounds"),
    ],
)
def test_bad_ranges_say_what_would_work(ranges, message):
    with pytest.raises(StyleError, match=message):
        DigitStyle(**ranges)


def test_style_round_trips_through_a_dict():
    style = DigitStyle(slant=(-5, 5), scale=(0.9, 1.1))
    assert style.to_dict() == {"slant": [-5.0, 5.0], "scale": [0.9, 1.1]}
    assert DigitStyle.from_dict(style.to_dict()) == style
    assert DigitStyle.from_dict({}) == DigitStyle() and DigitStyle.from_dict(None).is_plain
    with pytest.raises(StyleError, match="unknown style parameter"):
        DigitStyle.from_dict({"shear": [1, 2]})
