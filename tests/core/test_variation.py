"""Varied recipes through the core's doors: height, jitter, overlap, style, noise, blur."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import (
    INK_THRESHOLD,
    MIN_SPACING,
    DigitStyle,
    SequenceSpec,
    SpacingError,
    StyleError,
    Variation,
    bundled_bank,
    compose,
    compose_batch,
)

BANK = bundled_bank()
DIGITS = np.random.default_rng(21).integers(0, 10, (600, 5))


def batch(variation=None, lo=0, hi=0, rule="uniform", width=None, dtype=np.uint8):
    width = width or 28 * 5 + 4 * lo
    return compose_batch(
        BANK, DIGITS, width, lo, hi, rule, seed=4, dtype=dtype, variation=variation
    )


def test_an_empty_variation_is_the_plain_path_bit_for_bit():
    plain = batch()
    assert np.array_equal(batch(Variation()).pixels, plain.pixels)
    assert Variation(jitter_y=(0, 0)).is_plain and SequenceSpec((1, 2), 56).is_plain
    # the general renderer itself, forced by a 1 px taller canvas, draws the same digits
    taller = batch(Variation(height=29, jitter_y=(0, 0)))
    assert np.array_equal(taller.pixels[:, :28], plain.pixels)
    assert (taller.pixels[:, 28] == 255).all()
    assert np.array_equal(taller.ink_boxes, plain.ink_boxes)


def test_height_and_jitter_place_each_cell_where_its_box_says():
    varied = batch(Variation(height=44, jitter_y=(3, 16)), 2, 2)
    assert varied.pixels.shape == (600, 44, 148)
    y = varied.y_offsets
    assert y.min() == 3 and y.max() == 16 and len(np.unique(y)) == 14
    for r in (0, 299, 599):
        for j, (x0, y0, x1, y1) in enumerate(varied.boxes[r].tolist()):
            assert (y1 - y0, x1 - x0) == (28, 28)
            cell = varied.pixels[r, y0:y1, x0:x1]
            assert np.array_equal(cell, 255 - BANK.images[varied.indices[r, j]])
    centred = batch(Variation(height=41))
    assert (centred.y_offsets == 6).all()  # (41 - 28) // 2


def test_negative_spacing_overlaps_neighbours_and_keeps_both_inks():
    lo, hi = MIN_SPACING, -4
    varied = batch(None, lo, hi, "random", width=28 * 5 + 4 * -9)
    assert varied.gaps.min() >= lo and varied.gaps.max() <= hi and (varied.gaps < 0).all()
    for r in (0, 5, 77):
        ink = np.zeros((28, varied.pixels.shape[2]), np.int64)
        for j, x0 in enumerate(varied.offsets[r].tolist()):
            digit = BANK.images[varied.indices[r, j]].astype(np.int64)
            ink[:, x0 : x0 + 28] = np.maximum(ink[:, x0 : x0 + 28], digit)
        # the darkest of the overlapping strokes wins on white
        assert np.array_equal(varied.pixels[r], 255 - ink)


def test_spacing_below_the_overlap_limit_is_refused():
    with pytest.raises(SpacingError, match="below the overlap limit; use spacings of -14"):
        SequenceSpec((1, 2), 41, -15, 0, "random")


def test_ink_boxes_of_plain_and_varied_batches_hold_all_their_ink():
    for varied in (batch(), batch(Variation(height=40, jitter_y=(0, 12)), 3, 3)):
        dark = varied.pixels <= 255 - INK_THRESHOLD
        covered = np.zeros_like(dark)
        for r, image_boxes in enumerate(varied.ink_boxes.tolist()):
            for x0, y0, x1, y1 in image_boxes:
                covered[r, y0:y1, x0:x1] = True
                assert dark[r, y0, x0:x1].any() and dark[r, y1 - 1, x0:x1].any()
                assert dark[r, y0:y1, x0].any() and dark[r, y0:y1, x1 - 1].any()
        assert not (dark & ~covered).any()


def test_a_single_varied_image_is_item_0_of_its_batch():
    variation = Variation(
        height=36, jitter_y=(0, 8), style=DigitStyle(rotation=(-10, 10)), noise=8, blur=0.7
    )
    spec = SequenceSpec((3, 1, 4), 80, -2, 6, "random", variation=variation)
    one = compose(BANK, spec, 17, dtype=np.uint8)
    many = compose_batch(
        BANK,
        np.array([[3, 1, 4]] * 3),
        80,
        -2,
        6,
        "random",
        seed=17,
        dtype=np.uint8,
        variation=variation,
    )
    assert np.array_equal(one.pixels, many.pixels[0])
    assert one.indices == tuple(many.indices[0]) and one.y_offsets == tuple(many.y_offsets[0])
    assert np.array_equal(one.ink_boxes, many.ink_boxes[0])
    assert one.boxes == tuple(map(tuple, many.boxes[0].tolist()))


def test_varied_items_do_not_depend_on_their_batch():
    variation = Variation(
        height=40,
        jitter_y=(0, 12),
        style=DigitStyle(slant=(-20, 20), scale=(0.8, 1.2)),
        noise=10,
        blur=0.5,
    )
    full = batch(variation, 2, 2)
    some = np.array([3, 300, 598])
    part = compose_batch(
        BANK, DIGITS[some], 148, 2, 2, seed=4, items=some, dtype=np.uint8, variation=variation
    )
    assert np.array_equal(full.pixels[some], part.pixels)
    assert np.array_equal(full.ink_boxes[some], part.ink_boxes)
    as_float = batch(variation, 2, 2, dtype=np.float32)
    assert np.array_equal(as_float.pixels, full.pixels.astype(np.float32) / 255)


def test_blur_softens_edges_and_keeps_the_ink():
    plain = batch(Variation(height=32), 2, 2).pixels.astype(np.float64)
    soft = batch(Variation(height=32, blur=1.0), 2, 2).pixels.astype(np.float64)
    steps = np.abs(np.diff(plain, axis=2)), np.abs(np.diff(soft, axis=2))
    assert steps[1].mean() < 0.8 * steps[0].mean()
    assert np.percentile(steps[1], 99.9) < 0.6 * np.percentile(steps[0], 99.9)
    assert abs(soft.mean() - plain.mean()) < 1.0


def test_noise_has_the_asked_spread():
    def light(noise: float, seed: int = 4) -> np.ndarray:
        variation = Variation(height=48, noise=noise)
        return compose_batch(
            BANK, DIGITS, 148, 2, 2, white_on_black=True, seed=seed, dtype=np.uint8,
            variation=variation,
        ).pixels  # fmt: skip

    noisy = light(20)[light(0) == 0].astype(np.float64)  # the black background
    # its negative half is clipped: half the pixels stay 0, the rest average
    # sigma * sqrt(2 / pi)
    assert (noisy > 0).mean() == pytest.approx(0.5, abs=0.03)
    assert noisy[noisy > 0].mean() == pytest.approx(20 * np.sqrt(2 / np.pi), rel=0.08)
    assert (light(20, seed=5) != light(20)).mean() > 0.3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"height": 27}, "height 27 is out of range; use 28..1,024"),
        ({"height": 2000}, "out of range"),
        ({"height": 40, "jitter_y": (0, 13)}, "does not fit a 40 px canvas: .* 0..12"),
        ({"height": 40, "jitter_y": (5, 2)}, "reversed"),
        ({"jitter_y": "top"}, "not a range"),
        ({"noise": -1}, "noise -1 is out of bounds; use 0..128"),
        ({"blur": "much"}, "not a number"),
    ],
)
def test_bad_variation_says_what_would_work(fields, message):
    with pytest.raises(StyleError, match=message):
        Variation(**fields)


def test_variation_round_trips_through_a_dict():
    variation = Variation(height=40, jitter_y=(0, 12), style=DigitStyle(slant=(-5, 5)), blur=1)
    assert variation.to_dict() == {
        "height": 40,
        "jitter_y": [0, 12],
        "slant": [-5.0, 5.0],
        "blur": 1.0,
    }
    assert Variation.from_dict(variation.to_dict()) == variation
    assert Variation.from_dict({}) == Variation() and Variation().to_dict() == {}
