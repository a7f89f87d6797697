"""compose(item=i): item i of compose_batch for the digits given, with or without fixed
MNIST indices, plain and varied (the explorer's sample i with digits picked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import (
    DigitStyle,
    SequenceError,
    SequenceSpec,
    Variation,
    bundled_bank,
    compose,
    compose_batch,
)

VARIED = Variation(
    height=40,
    jitter_y=(0, 12),
    style=DigitStyle(slant=(-20, 20), rotation=(-8, 8), scale=(0.8, 1.2), thickness=(-0.5, 0.5)),
    noise=6.0,
    blur=0.7,
)
SPECS = {
    "plain": SequenceSpec((3, 1, 4, 1, 5), 160, 0, 10, "random"),
    "varied": SequenceSpec((3, 1, 4, 1, 5), 130, -4, 6, "random", pool="train", variation=VARIED),
}


def _batch_row(spec: SequenceSpec, seed: int, item: int):
    return compose_batch(
        bundled_bank(),
        np.asarray([spec.digits]),
        spec.width,
        spec.min_spacing,
        spec.max_spacing,
        spec.rule,
        spec.white_on_black,
        seed=seed,
        items=[item],
        dtype=np.uint8,
        pool=spec.pool,
        variation=spec.variation,
    )


@pytest.mark.parametrize("kind", sorted(SPECS))
@pytest.mark.parametrize("item", [0, 1, 7, 123_456_789, 2**64 - 1])
def test_item_i_is_row_i_of_the_batch(kind, item):
    spec = SPECS[kind]
    batch = _batch_row(spec, 11, item)
    one = compose(bundled_bank(), spec, 11, dtype=np.uint8, item=item)
    assert np.array_equal(one.pixels, batch.pixels[0])
    assert one.indices == tuple(batch.indices[0].tolist())
    assert one.gaps == tuple(batch.gaps[0].tolist())
    assert np.array_equal(np.asarray(one.ink_boxes), batch.ink_boxes[0])


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_fixed_indices_keep_item_is_layout_and_change_only_that_digit(kind):
    spec, item = SPECS[kind], 5
    bank = bundled_bank().pool(spec.pool)
    drawn = compose(bundled_bank(), spec, 3, dtype=np.uint8, item=item)
    # Its own indices given back: the very same image.
    again = compose(bundled_bank(), spec, 3, drawn.indices, np.uint8, item=item)
    assert np.array_equal(again.pixels, drawn.pixels)
    # Another 4 (position 2) from the same pool: same gaps and places, other ink there.
    fours = bank.by_label_order[bank.starts[4] : bank.starts[4] + bank.counts[4]]
    other = int(next(i for i in fours if i != drawn.indices[2]))
    picked = list(drawn.indices)
    picked[2] = other
    changed = compose(bundled_bank(), spec, 3, picked, np.uint8, item=item)
    assert changed.indices == tuple(picked)
    assert changed.gaps == drawn.gaps and changed.y_offsets == drawn.y_offsets
    assert not np.array_equal(changed.pixels, drawn.pixels)
    # Item 0 with the same picks is another image (its own gaps, places and style).
    first = compose(bundled_bank(), spec, 3, picked, np.uint8)
    assert first.indices == changed.indices
    assert not np.array_equal(first.pixels, changed.pixels)


@pytest.mark.parametrize("bad", [-1, 2**64, 1.5, "3", True])
def test_an_item_outside_the_counters_is_refused(bad):
    with pytest.raises(SequenceError, match="item"):
        compose(bundled_bank(), SPECS["plain"], 0, item=bad)
