"""Composition on the real MNIST digits: pixels, boxes, determinism, batches."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import (
    SequenceError,
    SequenceSpec,
    bundled_bank,
    compose,
    compose_batch,
)

BANK = bundled_bank()


def digit_in_float(index: int, white_on_black: bool = False) -> np.ndarray:
    light = BANK.images[index].astype(np.float32) / 255
    return light if white_on_black else (255 - BANK.images[index]).astype(np.float32) / 255


def test_shape_dtype_range_and_white_gaps():
    comp = compose(BANK, SequenceSpec((0, 1), 66, 0, 10), seed=3)
    assert comp.pixels.shape == (28, 66) and comp.pixels.dtype == np.float32
    assert comp.pixels.min() >= 0.0 and comp.pixels.max() <= 1.0
    assert comp.gaps == (10,)
    assert (comp.pixels[:, 28:38] == 1.0).all()  # the gap is white
    assert comp.pixels.min() == 0.0  # the digits are dark


def test_each_box_holds_exactly_the_mnist_digit_it_names():
    spec = SequenceSpec((3, 1, 4, 1, 5, 9), 200, 0, 10, "random")
    comp = compose(BANK, spec, seed=314159)
    assert sum(comp.gaps) == 200 - 6 * 28
    for digit, index, (x0, y0, x1, y1) in zip(spec.digits, comp.indices, comp.boxes):
        assert BANK.labels[index] == digit
        assert np.array_equal(comp.pixels[y0:y1, x0:x1], digit_in_float(index))
    covered = np.zeros(200, bool)
    for x0, _, x1, _ in comp.boxes:
        covered[x0:x1] = True
    assert (comp.pixels[:, ~covered] == 1.0).all()


def test_white_on_black_and_uint8_agree_with_float():
    spec = SequenceSpec((7, 0, 7), 100, 0, 8, white_on_black=True)
    light = compose(BANK, spec, seed=9)
    dark = compose(BANK, SequenceSpec((7, 0, 7), 100, 0, 8), seed=9)
    assert light.indices == dark.indices
    assert np.allclose(light.pixels, 1.0 - dark.pixels, atol=1e-6)
    assert (light.pixels[:, 28:36] == 0.0).all()
    as_bytes = compose(BANK, spec, seed=9, dtype=np.uint8)
    assert as_bytes.pixels.dtype == np.uint8
    assert np.array_equal(as_bytes.pixels.astype(np.float32) / 255, light.pixels)


def test_same_seed_same_pixels_other_seed_other_digits():
    spec = SequenceSpec((2, 0, 2, 4), 140, 0, 10, "random")
    a, b, c = (compose(BANK, spec, seed=s) for s in (42, 42, 43))
    assert np.array_equal(a.pixels, b.pixels) and a.indices == b.indices
    assert a.indices != c.indices


def test_explicit_indices_reproduce_and_are_checked():
    spec = SequenceSpec((2, 0), 60, 0, 4)
    first = compose(BANK, spec, seed=1)
    again = compose(BANK, spec, seed=99, indices=first.indices)
    assert np.array_equal(first.pixels, again.pixels)
    with pytest.raises(SequenceError, match="shows a"):
        compose(BANK, spec, seed=1, indices=(first.indices[1], first.indices[0]))
    with pytest.raises(SequenceError, match="outside"):
        compose(BANK, spec, seed=1, indices=(10_000, first.indices[1]))


def test_single_digit_is_one_mnist_image():
    comp = compose(BANK, SequenceSpec((8,), 28), seed=5)
    assert np.array_equal(comp.pixels, digit_in_float(comp.indices[0]))


@pytest.mark.parametrize("rule", ["uniform", "random"])
def test_batch_rows_equal_single_images_of_the_same_items(rule):
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 10, size=(300, 5))
    batch = compose_batch(BANK, digits, 160, 0, 10, rule, seed=77, dtype=np.float32)
    assert batch.pixels.shape == (300, 28, 160)
    # Row 0 is item 0, which is what compose() draws for the same seed.
    single = compose(BANK, SequenceSpec(tuple(digits[0]), 160, 0, 10, rule), seed=77)
    assert np.array_equal(batch.pixels[0], single.pixels)
    assert batch.indices[0].tolist() == list(single.indices)
    # Item 123 alone gives the same row as inside the batch.
    alone = compose_batch(BANK, digits[123:124], 160, 0, 10, rule, seed=77, items=[123])
    assert np.array_equal(alone.pixels[0], batch.pixels[123])
    for r in (0, 57, 299):
        assert (BANK.labels[batch.indices[r]] == digits[r]).all()
        for j, (x0, y0, x1, y1) in enumerate(batch.boxes[r]):
            assert np.array_equal(
                batch.pixels[r, y0:y1, x0:x1], digit_in_float(batch.indices[r, j])
            )
    if rule == "random":
        assert len({tuple(g) for g in batch.gaps}) > 10
        assert (batch.gaps.sum(axis=1) == 20).all()


@pytest.mark.parametrize("rule", ["uniform", "random"])
@pytest.mark.parametrize("count", [20, 2_000])  # small batches and the multi-threaded row path
def test_batch_uint8_matches_float_exactly_and_boxes_hold_digits(rule, count):
    digits = np.tile(np.arange(5), (count, 1))
    f = compose_batch(BANK, digits, 160, 0, 10, rule, seed=5, dtype=np.float32)
    u = compose_batch(BANK, digits, 160, 0, 10, rule, seed=5, dtype=np.uint8)
    assert np.array_equal(f.indices, u.indices)
    assert np.array_equal(u.pixels.astype(np.float32) / 255, f.pixels)
    for r in (0, count // 2, count - 1):
        covered = np.zeros(160, bool)
        for j, (x0, y0, x1, y1) in enumerate(u.boxes[r]):
            assert np.array_equal(u.pixels[r, y0:y1, x0:x1], 255 - BANK.images[u.indices[r, j]])
            covered[x0:x1] = True
        assert (u.pixels[r][:, ~covered] == 255).all()


def test_unsupported_output_dtype_is_refused():
    with pytest.raises(ValueError, match="float64 is not supported"):
        compose(BANK, SequenceSpec((1, 2), 56), seed=0, dtype=np.float64)
