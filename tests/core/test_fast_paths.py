"""The fast paths agree bit for bit with the vectorised batch path they stand in for.

The single-image path computes draws, gaps and layout on Python ints (core/single.py);
the batch path does the same with numpy arrays, chunked and on several threads
(core/plain_batch.py). For the same recipe, seed and item both must give the same
pixels and metadata; the pinned digests in test_plain_digests.py hold both to the
pixels of earlier versions.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import (
    SequenceError,
    SequenceSpec,
    SpacingError,
    batch_offsets,
    bundled_bank,
    compose,
    compose_batch,
    render_batch,
    valid_widths,
)
from mnist_seq_gui.core.keyed_random import MAX_SEED, keyed_uint32
from mnist_seq_gui.core.single import keyed_row, random_gap_row, stream_key, stream_keys
from mnist_seq_gui.core.spacing import random_gaps

BANK = bundled_bank()


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, MAX_SEED),
    item=st.integers(0, 2**64 - 1),
    stream=st.integers(1, 5),
    count=st.sampled_from([1, 2, 5, 63, 64, 65, 200]),
)
def test_keyed_row_equals_the_vectorised_draws(seed, item, stream, count):
    from mnist_seq_gui.core.keyed_random import _mix_int

    expected = keyed_uint32(seed, np.array([item], dtype=np.uint64), stream, count)[0]
    key = stream_key(_mix_int(seed), stream)
    assert key == stream_keys(seed)[stream]
    assert keyed_row(key, item, count) == expected.tolist()


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n_gaps=st.integers(1, 12), lo=st.integers(0, 30), cap=st.integers(0, 60))
def test_random_gap_row_equals_random_gaps(data, n_gaps, lo, cap):
    total = data.draw(st.integers(n_gaps * lo, n_gaps * (lo + cap)))
    draws = st.lists(st.integers(0, 2**32 - 1), min_size=n_gaps, max_size=n_gaps)
    sizes, order = data.draw(draws), data.draw(draws)
    # Repeated order draws exercise the stable tie-break.
    if data.draw(st.booleans()):
        order = [order[0] % 3] * n_gaps
    expected = random_gaps(
        np.array([total]),
        n_gaps,
        lo,
        lo + cap,
        np.array([sizes], dtype=np.uint32),
        np.array([order], dtype=np.uint32),
    )[0]
    row = random_gap_row(total, lo, lo + cap, sizes, order)
    assert row == expected.tolist()
    assert sum(row) == total and all(lo <= g <= lo + cap for g in row)


@st.composite
def recipes(draw):
    n = draw(st.integers(1, 9))
    digits = tuple(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)))
    rule = draw(st.sampled_from(["uniform", "random"]))
    lo = draw(st.integers(0, 12))
    hi = lo + draw(st.integers(0, 40))
    widths = valid_widths(n, lo, hi, rule)
    width = widths[draw(st.integers(0, len(widths) - 1))]
    return SequenceSpec(digits, width, lo, hi, rule, draw(st.booleans()))


@settings(max_examples=150, deadline=None)
@given(spec=recipes(), seed=st.integers(0, MAX_SEED), dtype=st.sampled_from([np.uint8, np.float32]))
def test_single_image_equals_item_0_of_the_batch(spec, seed, dtype):
    one = compose(BANK, spec, seed, dtype=dtype)
    batch = compose_batch(
        BANK,
        np.array([spec.digits] * 3),
        spec.width,
        spec.min_spacing,
        spec.max_spacing,
        spec.rule,
        spec.white_on_black,
        seed,
        dtype=dtype,
    )
    assert one.pixels.dtype == batch.pixels.dtype and one.pixels.flags.c_contiguous
    assert np.array_equal(one.pixels, batch.pixels[0])
    assert one.indices == tuple(batch.indices[0].tolist())
    assert one.gaps == tuple(batch.gaps[0].tolist())
    assert one.boxes == tuple(tuple(b) for b in batch.boxes[0].tolist())
    assert all(type(v) is int for v in one.indices + one.gaps)


@pytest.mark.parametrize("rule", ["uniform", "random"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("count", [1, 7, 600, 5_000])
def test_threads_chunks_and_out_give_the_same_pixels(rule, dtype, count):
    digits = (np.arange(count * 6).reshape(count, 6) * 7) % 10
    layout = (6 * 28 + 5 * 9, 0, 18, rule, False)
    args = (BANK, digits, *layout, 31)
    one_thread = compose_batch(*args, dtype=dtype, threads=1)
    two_threads = compose_batch(*args, dtype=dtype, threads=2)
    buffer = np.full((count, 28, 6 * 28 + 45), 3, dtype=dtype)
    into = compose_batch(*args, dtype=dtype, out=buffer, threads=3)
    assert into.pixels is buffer
    assert np.array_equal(one_thread.pixels, two_threads.pixels)
    assert np.array_equal(one_thread.pixels, buffer)
    # Every row matches the single-image path for its own item.
    for r in {0, count // 2, count - 1}:
        spec = SequenceSpec(tuple(digits[r].tolist()), 6 * 28 + 45, 0, 18, rule)
        alone = compose_batch(BANK, digits[r : r + 1], *layout, 31, items=[r], dtype=dtype)
        assert np.array_equal(alone.pixels[0], buffer[r])
        if r == 0:
            assert np.array_equal(compose(BANK, spec, 31, dtype=dtype).pixels, buffer[0])


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_both_ways_of_the_batch_renderer_agree(dtype):
    """Equal gaps up to 36 px go the rows way, others the windows way: same pixels."""
    rng = np.random.default_rng(3)
    indices = rng.integers(0, len(BANK), size=(700, 4))
    for gap in (0, 5, 36, 37):
        offsets = batch_offsets(np.full((700, 3), gap))
        width = 4 * 28 + 3 * gap
        equal = render_batch(BANK, indices, offsets, width, dtype=dtype)
        # The same layout with one row nudged by a pixel no longer has equal gaps
        # everywhere, so every row goes the windows way.
        nudged = offsets.copy()
        nudged[0, 1:] += 1
        windows = render_batch(BANK, indices, nudged, width + 1, dtype=dtype)
        assert np.array_equal(windows[1:, :, :width], equal[1:])
        background = 255 if dtype == np.uint8 else 1.0
        assert (windows[1:, :, width:] == background).all()
        for j, x in enumerate(nudged[0].tolist()):
            expected = 255 - BANK.images[indices[0, j]]
            got = windows[0, :, x : x + 28]
            assert np.array_equal(got if dtype == np.uint8 else got * 255, expected)


def test_out_and_threads_are_checked():
    digits = np.zeros((4, 2), dtype=np.int64)
    with pytest.raises(ValueError, match="this batch needs uint8 of shape"):
        compose_batch(BANK, digits, 56, dtype=np.uint8, out=np.empty((4, 28, 57), np.uint8))
    with pytest.raises(ValueError, match="pass dtype= to match"):
        compose_batch(BANK, digits, 56, out=np.empty((4, 28, 56), np.uint8))
    with pytest.raises(ValueError, match="C-contiguous"):
        compose_batch(BANK, digits, 56, out=np.empty((4, 28, 112), np.float32)[:, :, ::2])
    frozen = np.empty((4, 28, 56), np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        compose_batch(BANK, digits, 56, out=frozen)
    for threads in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="threads"):
            compose_batch(BANK, digits, 56, threads=threads)


def test_plain_inputs_and_other_spellings_are_checked_alike():
    """The cached fast validation must refuse exactly what the full checks refuse."""
    good = SequenceSpec((1, 2), 60, 0, 4)
    for width in (np.int64(60), 60):
        assert SequenceSpec((1, 2), width, 0, 4) == good
    assert SequenceSpec([1, 2], 60, np.int32(0), 4) == good
    assert type(SequenceSpec([1, 2], np.int64(60), 0, 4).width) is int
    for bad in (True, 60.0, "60"):
        with pytest.raises(SpacingError, match="width"):
            SequenceSpec((1, 2), bad, 0, 4)
    with pytest.raises(SpacingError, match="min spacing True"):
        SequenceSpec((1, 2), 60, True, 4)
    with pytest.raises(SpacingError, match="has no uniform spacing"):
        SequenceSpec((1, 2, 3), 85, 0, 4)
    with pytest.raises(SpacingError, match="unknown"):
        SequenceSpec((1, 2), 60, 0, 4, "Uniform")
    with pytest.raises(SequenceError, match="not a number"):
        SequenceSpec((1, True), 60, 0, 4)
    with pytest.raises(SequenceError, match="not a single digit"):
        SequenceSpec((1, 12), 60, 0, 4)
    for seed in (-1, MAX_SEED + 1, 1.0, True):
        with pytest.raises(ValueError, match="seed"):
            compose(BANK, good, seed)
    assert np.array_equal(compose(BANK, good, np.uint32(5)).pixels, compose(BANK, good, 5).pixels)
    for dtype in ("uint8", np.dtype("u1"), np.uint8):
        assert compose(BANK, good, 5, dtype=dtype).pixels.dtype == np.uint8
    with pytest.raises(ValueError, match="float64 is not supported"):
        compose(BANK, good, 5, dtype="float64")


def test_single_images_never_share_memory_with_the_glyph_tables():
    spec = SequenceSpec((7,), 28)
    first = compose(BANK, spec, 1, dtype=np.uint8)
    first.pixels[:] = 0  # the caller owns its pixels
    again = compose(BANK, spec, 1, dtype=np.uint8)
    assert np.array_equal(again.pixels, 255 - BANK.images[first.indices[0]])
    assert first.pixels.flags.writeable and first.pixels.flags.owndata


def test_api_seeds_drawn_in_blocks_are_the_per_call_seeds():
    """MNIST_Sequence_API(seed=s) must keep giving the seeds one draw per call gave."""
    from mnist_seq_gui.api import MNIST_Sequence_API

    for start in (0, 7, 2**40):
        api = MNIST_Sequence_API(seed=start)
        rng = np.random.default_rng(start)
        for _ in range(200):
            expected = int(rng.integers(0, MAX_SEED, endpoint=True))
            assert api.compose([1, 2], (0, 4), 60).seed == expected
        # An explicit seed does not use up a drawn one.
        api.compose([1, 2], (0, 4), 60, seed=5)
        assert api.compose([1, 2], (0, 4), 60).seed == int(rng.integers(0, MAX_SEED, endpoint=True))


@pytest.mark.parametrize(
    "args",
    [
        ([3, 5, 0], 94, 0, 10, "uniform", False),
        ((3, 5, 0), 94, 0, 10, "random", True),
        ("350", 94, 0, 10, "uniform", False),
        (np.array([3, 5, 0]), np.int64(94), 0, 10, "uniform", 0),
        ([7], 28, 0, 0, "uniform", False),
    ],
)
def test_sequence_spec_is_the_dataclass_spec(args):
    from mnist_seq_gui.core import as_digits, sequence_spec

    made = sequence_spec(*args)
    expected = SequenceSpec(as_digits(args[0]), *args[1:])
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert [type(v) for v in vars(made).values()] == [type(v) for v in vars(expected).values()]
    with pytest.raises(AttributeError):
        made.width = 1  # still frozen


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([3, True], 60, 0, 4), SequenceError, "not a number"),
        (([3, 10], 60, 0, 4), SequenceError, "not a single digit"),
        (([], 60, 0, 4), SequenceError, "empty"),
        (([3, 5], 61, 0, 4), SpacingError, "too wide"),
        (([3, 5], 60, 5, 4), SpacingError, "above max spacing"),
        (([3, 5], 60, -1, 4), SpacingError, "negative"),
        (([3, 5], 60, 0, 4, "even"), SpacingError, "unknown"),
        (([3, 5], True, 0, 4), SpacingError, "whole number"),
    ],
)
def test_sequence_spec_refuses_what_the_dataclass_refuses(args, error, match):
    from mnist_seq_gui.core import sequence_spec

    with pytest.raises(error, match=match):
        SequenceSpec(*args)
    with pytest.raises(error, match=match):
        sequence_spec(*args)


@settings(max_examples=60, deadline=None)
@given(
    rule=st.sampled_from(["uniform", "random"]),
    lo=st.integers(0, 6),
    extra=st.integers(0, 60),
    seed=st.integers(0, MAX_SEED),
    dtype=st.sampled_from([np.uint8, np.float32]),
)
def test_rows_of_several_lengths_equal_batches_of_one_length(rule, lo, extra, seed, dtype):
    from mnist_seq_gui.core import widths_for_lengths

    widths = widths_for_lengths(range(2, 7), lo, lo + extra, rule)
    if not widths:
        return
    width = widths[len(widths) // 2]
    count = 300
    rng = np.random.default_rng(seed % 1000)
    digits = rng.integers(0, 10, size=(count, 6))
    lengths = rng.integers(2, 7, size=count)
    items = rng.permutation(10 * count)[:count]
    mixed = compose_batch(
        BANK,
        digits,
        width,
        lo,
        lo + extra,
        rule,
        seed=seed,
        items=items,
        dtype=dtype,
        lengths=lengths,
    )
    for n in range(2, 7):
        rows = np.flatnonzero(lengths == n)
        alone = compose_batch(
            BANK,
            digits[rows, :n],
            width,
            lo,
            lo + extra,
            rule,
            seed=seed,
            items=items[rows],
            dtype=dtype,
        )
        np.testing.assert_array_equal(mixed.pixels[rows], alone.pixels)
        np.testing.assert_array_equal(mixed.indices[rows, :n], alone.indices)
        np.testing.assert_array_equal(mixed.gaps[rows, : n - 1], alone.gaps)
        np.testing.assert_array_equal(mixed.boxes[rows, :n], alone.boxes)
        assert (mixed.indices[rows, n:] == -1).all() and (mixed.boxes[rows, n:] == -1).all()
        assert (mixed.gaps[rows, n - 1 :] == -1).all()


def test_lengths_are_checked():
    digits = np.zeros((3, 4), dtype=np.int64)
    for lengths, match in (
        ([1, 2], "3 whole numbers"),
        ([1.0, 2.0, 3.0], "3 whole numbers"),
        ([0, 2, 3], r"1\.\.4"),
        ([5, 2, 3], r"1\.\.4"),
    ):
        with pytest.raises(SequenceError, match=match):
            compose_batch(BANK, digits, 112, 0, 60, "random", lengths=lengths)
    with pytest.raises(SpacingError, match="width 112"):
        compose_batch(BANK, digits, 112, 0, 10, "random", lengths=[1, 4, 4])
    full = compose_batch(BANK, digits, 112, 0, 60, "random", seed=3, lengths=[4, 4, 4])
    plain = compose_batch(BANK, digits, 112, 0, 60, "random", seed=3)
    np.testing.assert_array_equal(full.pixels, plain.pixels)


@pytest.mark.parametrize("rule", ["uniform", "random"])
def test_first_float_images_of_a_bank_equal_the_later_ones(rule):
    """A new bank makes its first float32 images from the uint8 table, then builds the
    float32 one: the pixels before and after must be the same."""
    from mnist_seq_gui.core import DigitBank

    fresh = DigitBank(BANK.images, BANK.labels, source="a fresh copy")
    spec = SequenceSpec((3, 1, 4, 1, 5), 172, 0, 12, rule)
    warm = [compose(BANK, spec, seed).pixels for seed in range(80)]
    cold = [compose(fresh, spec, seed).pixels for seed in range(80)]
    for a, b in zip(cold, warm):
        assert a.dtype == b.dtype == np.float32 and a.flags.c_contiguous
        np.testing.assert_array_equal(a, b)
