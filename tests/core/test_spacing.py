"""The strict uniform rule, the random rule and the list of valid widths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import MAX_WIDTH, SpacingError, check_width, uniform_gap, valid_widths
from mnist_seq_gui.core.keyed_random import keyed_uint32
from mnist_seq_gui.core.spacing import random_gaps


def test_original_examples_have_the_expected_uniform_gap():
    assert uniform_gap(2, 66, 0, 10) == 10
    assert uniform_gap(8, 224, 0, 10) == 0
    assert uniform_gap(9, 292, 0, 10) == 5
    assert uniform_gap(10, 280, 0, 10) == 0


def test_valid_widths_uniform_and_random():
    assert list(valid_widths(3, 0, 4, "uniform")) == [84, 86, 88, 90, 92]
    assert list(valid_widths(3, 0, 4, "random")) == list(range(84, 93))
    assert list(valid_widths(1, 0, 10)) == [28]
    assert valid_widths(3000, 0, 10)[-1] <= MAX_WIDTH < 28 * 3000 + 2999 * 10
    assert not valid_widths(4000, 0, 10)  # 4000 digits never fit


def test_width_between_valid_ones_names_both_neighbours():
    with pytest.raises(SpacingError) as err:
        check_width(3, 85, 0, 10)
    message = str(err.value)
    assert "width 85 has no uniform spacing for 3 digits in 0..10" in message
    assert "84 or 86" in message and "random rule" in message
    check_width(3, 85, 0, 10, "random")  # the random rule has an answer


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2, 50, 0, 10), "too small .* at least 56 px; use width 56"),
        ((2, 70, 0, 10), "too wide .* at most 66 px; use width 66"),
        ((1, 66, 0, 10), "single digit.*use width 28"),
        ((2, 200_000, 0, 10), "above the 100,000 px limit"),
        ((2, 66, 5, 2), "min spacing 5 is above max spacing 2"),
        ((2, 66, -15, 2), "below the overlap limit; use spacings of -14"),
        ((2, 66.5, 0, 10), "not a whole number"),
    ],
)
def test_impossible_layouts_explain_themselves(args, expected):
    with pytest.raises(SpacingError, match=expected):
        check_width(*args)


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(2, 12),
    lo=st.integers(0, 20),
    extra=st.integers(0, 20),
    pick=st.floats(0, 1),
    seed=st.integers(0, 2**63 - 1),
)
def test_random_gaps_stay_in_range_and_sum_exactly(n, lo, extra, pick, seed):
    hi = lo + extra
    widths = valid_widths(n, lo, hi, "random")
    width = widths[int(pick * (len(widths) - 1))]
    items = np.arange(50, dtype=np.uint64)
    total = np.full(50, width - 28 * n)
    gaps = random_gaps(
        total,
        n - 1,
        lo,
        hi,
        keyed_uint32(seed, items, 2, n - 1),
        keyed_uint32(seed, items, 3, n - 1),
    )
    assert gaps.shape == (50, n - 1)
    assert (gaps >= lo).all() and (gaps <= hi).all()
    assert (gaps.sum(axis=1) == width - 28 * n).all()


def test_random_gaps_favour_no_position():
    n, items = 5, np.arange(20_000, dtype=np.uint64)
    gaps = random_gaps(
        np.full(len(items), 20),
        n - 1,
        0,
        10,
        keyed_uint32(1, items, 2, n - 1),
        keyed_uint32(1, items, 3, n - 1),
    )
    means = gaps.mean(axis=0)
    assert np.allclose(means, 5.0, atol=0.1), means
