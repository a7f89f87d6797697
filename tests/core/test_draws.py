"""Counter-based draws: every draw is a function of (seed, item, stream, slot), so an item
is the same image whatever the batch around it, and compose(item=i) is row i."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import (
    MAX_SEED,
    Recipe,
    SpacingError,
    bundled_bank,
    compose,
    compose_batch,
    free_width,
    new_seed,
    new_seeds,
    resolve,
    sequences,
    valid_widths,
)
from mnist_seq_gui.core.draws import below, keyed, random_gaps, style_codes, style_grid

BANK = bundled_bank()
ITEM = st.integers(0, 2**64 - 1)
SEED = st.integers(0, MAX_SEED)


@settings(max_examples=200, deadline=None)
@given(
    seed=SEED,
    item=ITEM,
    stream=st.integers(1, 14),
    count=st.sampled_from([1, 2, 5, 64, 1024, 1025, 2000]),
)
def test_an_items_draws_are_that_row_of_a_batchs_draws(seed, item, stream, count):
    items = np.array([3, item, 0, item], dtype=np.uint64)
    rows = keyed(seed, items, stream, count)
    assert keyed(seed, item, stream, count) == rows[1].tolist() == rows[3].tolist()
    assert keyed(seed, item, stream, min(count, 3)) == rows[1, :3].tolist()  # slots stay put
    assert rows.min() >= 0 and rows.max() < 2**32


def test_draws_differ_by_seed_stream_and_item_and_are_uniform():
    items = np.arange(100_000, dtype=np.uint64)
    base = keyed(7, items, 1, 2)
    for other in (keyed(8, items, 1, 2), keyed(7, items, 2, 2), keyed(7, items + 1, 1, 2)):
        assert (other != base).mean() > 0.999
    assert (base[:, 0] != base[:, 1]).mean() > 0.999
    counts = np.bincount(below(base[:, 0], 10), minlength=10)
    assert counts.min() > 0.95 * counts.mean() and counts.max() < 1.05 * counts.mean()


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n_gaps=st.integers(1, 12), lo=st.integers(-14, 30), cap=st.integers(0, 60))
def test_random_gaps_stay_in_range_and_sum_exactly(data, n_gaps, lo, cap):
    slack = data.draw(st.integers(0, n_gaps * cap))  # what the gaps share above lo each
    draws = st.lists(st.integers(0, 2**32 - 1), min_size=n_gaps, max_size=n_gaps)
    sizes, orders = data.draw(draws), data.draw(draws)
    if data.draw(st.booleans()):
        orders = [orders[0] % 3] * n_gaps  # repeated order draws: a stable tie-break
    row = random_gaps(slack, n_gaps, cap, sizes, orders, lo)
    assert sum(row) == slack + n_gaps * lo and all(lo <= g <= lo + cap for g in row)
    as_array = random_gaps(
        np.array([slack]), np.array([n_gaps]), cap, np.array([sizes]), np.array([orders]), lo
    )
    assert as_array[0].tolist() == row


def test_random_gaps_favour_no_position():
    items = np.arange(20_000, dtype=np.uint64)
    sizes, orders = keyed(1, items, 2, 4), keyed(1, items, 3, 4)
    gaps = random_gaps(np.full(len(items), 20), np.full(len(items), 4), 10, sizes, orders, 0)
    assert (gaps.sum(axis=1) == 20).all()
    assert np.allclose(gaps.mean(axis=0), 5.0, atol=0.1)


@settings(max_examples=100, deadline=None)
@given(seed=SEED, item=st.integers(0, 2**40), low=st.integers(1, 6), span=st.integers(0, 6))
def test_an_items_sequence_is_its_row_of_the_batch_and_a_prefix_of_longer_ones(
    seed, item, low, span
):
    lengths = range(low, low + span + 1)
    n, digits = sequences(seed, item, lengths)
    counts, rows = sequences(seed, np.array([item, 0], dtype=np.uint64), lengths)
    assert low <= n <= lengths[-1] and len(digits) == n and set(digits) <= set(range(10))
    assert (counts[0], tuple(rows[0, :n].tolist())) == (n, digits)
    assert rows.shape == (2, lengths[-1])
    _, longer = sequences(seed, item, range(12, 13))
    assert longer[:n] == digits


def test_data_set_lengths_and_digits_cover_their_ranges():
    counts, rows = sequences(3, np.arange(20_000, dtype=np.uint64), range(2, 9))
    assert np.bincount(counts).tolist()[:2] == [0, 0] and set(counts.tolist()) == set(range(2, 9))
    assert np.bincount(counts)[2:].min() > 0.9 * len(counts) / 7
    assert set(np.unique(rows).tolist()) == set(range(10))


def test_style_values_lie_on_a_grid_drawn_evenly_per_item():
    grid = style_grid(-20, 20, 2)
    assert grid[0] == -20 and grid[-1] == 20 and len(grid) == 21
    scale = style_grid(0.8, 1.23, 0.05)
    assert (scale[0], scale[-1]) == (0.8, 1.23) and np.diff(scale).max() <= 0.05 + 1e-12
    assert style_grid(3, 3, 2).tolist() == [3]
    grids = {"rotation": style_grid(-10, 10, 2)}
    codes = style_codes(7, np.arange(20_000, dtype=np.uint64), 5, grids)["rotation"]
    counts = np.bincount(codes.reshape(-1), minlength=11)
    assert counts.min() > 0.9 * counts.mean()
    again = style_codes(7, np.array([11, 12_345], dtype=np.uint64), 5, grids)["rotation"]
    assert np.array_equal(again, codes[[11, 12_345]])


def test_new_seeds_are_the_seeds_new_seed_draws_one_at_a_time():
    for start in (0, 7, 2**40):
        many = new_seeds(np.random.default_rng(start), 200)
        rng = np.random.default_rng(start)
        assert many == [new_seed(rng) for _ in range(200)]
        assert all(type(s) is int and 0 <= s <= MAX_SEED for s in many)
    fresh = {new_seed() for _ in range(20)}
    assert len(fresh) == 20 and all(0 <= s <= MAX_SEED for s in fresh)


# --- an item is the same image whatever the batch -----------------------------------

VARIED = {"height": 40, "jitter_y": (0, 12), "slant": (-20, 20), "rotation": (-8, 8),
          "scale": (0.8, 1.2), "thickness": (-0.5, 0.5), "noise": 6.0, "blur": 0.7}  # fmt: skip


def test_rows_do_not_depend_on_the_batch_their_order_or_threads():
    recipe = Recipe(spacing=(-4, 6), rule="random", pool="train", variation=VARIED)
    digits = np.random.default_rng(21).integers(0, 10, (1200, 5))
    full = compose_batch(BANK, recipe, digits, 4, threads=1)
    some = np.array([1199, 3, 600, 3])
    part = compose_batch(BANK, recipe, digits[some], 4, items=some, threads=2)
    threaded = compose_batch(BANK, recipe, digits, 4, threads=2)
    assert np.array_equal(threaded.pixels, full.pixels)
    for name in ("pixels", "indices", "gaps", "offsets", "y_offsets", "boxes", "ink_boxes"):
        assert np.array_equal(getattr(part, name), getattr(full, name)[some]), name
    assert np.array_equal(full.items, np.arange(1200))
    assert (compose(BANK, recipe, digits[7], 4, item=7).pixels == full.pixels[7]).all()


@st.composite
def recipes(draw):
    """A recipe of one kind (plain, random gaps, overlapping, free, varied) and digits."""
    kind = draw(st.sampled_from(["plain", "random", "overlap", "free", "varied"]))
    n = draw(st.integers(1, 8))
    rule = "uniform" if kind == "plain" else draw(st.sampled_from(["uniform", "random"]))
    lowest = {"overlap": -14, "varied": -14}.get(kind, 0)
    lo = draw(st.integers(lowest, -1 if kind == "overlap" else 12))
    hi = lo + draw(st.integers(0, 30))
    fields = {"spacing": (lo, hi), "rule": rule, "white_on_black": draw(st.booleans()),
              "pool": draw(st.sampled_from(["all", "train", "test"]))}  # fmt: skip
    if kind == "free":
        extra = draw(st.none() | st.integers(0, 100))
        width = None if extra is None else free_width(n, hi) + extra
        fields.update(placement="free", width=width)
    else:
        widths = valid_widths(n, lo, hi, rule)
        pick = draw(st.none() | st.integers(0, len(widths) - 1))
        fields.update(placement="fill", width=None if pick is None else widths[pick])
    if kind == "varied":
        chosen = draw(st.sets(st.sampled_from(sorted(VARIED)), max_size=5))
        variation = {k: VARIED[k] for k in chosen if k not in ("height", "jitter_y")}
        height = draw(st.integers(28, 48))
        if draw(st.booleans()):
            variation["jitter_y"] = (0, height - 28)
        fields["variation"] = {"height": height, **variation}
    digits = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    return Recipe(**fields), digits


@settings(max_examples=120, deadline=None)
@given(
    made=recipes(),
    seed=SEED,
    item=ITEM,
    dtype=st.sampled_from(["uint8", "float32"]),
)
def test_compose_item_i_is_row_i_of_compose_batch(made, seed, item, dtype):
    recipe, digits = made
    one = compose(BANK, recipe, digits, seed, item=item, dtype=dtype)
    others = np.random.default_rng(seed % 97).integers(0, 10, (2, len(digits)))
    rows = np.stack([others[0], digits, others[1]])
    items = np.array([item ^ 1, item, 5], dtype=np.uint64)
    batch = compose_batch(BANK, recipe, rows, seed, items=items, dtype=dtype)
    assert one.pixels.dtype == batch.pixels.dtype and one.pixels.flags.c_contiguous
    assert np.array_equal(one.pixels, batch.pixels[1])
    assert one.recipe == batch.recipe and one.recipe.width == one.pixels.shape[1]
    assert (one.digits, one.seed, one.item) == (tuple(digits), seed, item)
    for name in ("indices", "gaps", "offsets", "y_offsets", "boxes", "ink_boxes"):
        value = getattr(one, name)
        assert np.array_equal(np.asarray(value).reshape(-1), getattr(batch, name)[1].reshape(-1))
        assert all(type(v) is int for v in np.ravel(np.asarray(value, dtype=object))), name


def test_without_items_row_r_is_item_r():
    recipe = Recipe(spacing=(0, 10), rule="random")
    digits = np.random.default_rng(2).integers(0, 10, (300, 5))
    batch = compose_batch(BANK, recipe, digits, 77)
    for r in (0, 57, 299):
        assert np.array_equal(compose(BANK, recipe, digits[r], 77, item=r).pixels, batch.pixels[r])


# --- rows of several lengths in one batch ------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    rule=st.sampled_from(["uniform", "random"]),
    placement=st.sampled_from(["auto", "fill", "free"]),
    lo=st.integers(-6, 6),
    extra=st.integers(0, 60),
    varied=st.booleans(),
    seed=SEED,
    dtype=st.sampled_from(["uint8", "float32"]),
)
def test_rows_of_several_lengths_equal_batches_of_their_own_length(
    rule, placement, lo, extra, varied, seed, dtype
):
    recipe = Recipe(spacing=(lo, lo + extra), rule=rule, placement=placement,
                    variation=VARIED if varied else {})  # fmt: skip
    try:
        drawn = resolve(recipe, range(2, 7))
    except SpacingError:
        assume(False)
    rng = np.random.default_rng(seed % 1000)
    count = 200
    digits = rng.integers(0, 10, size=(count, 6))
    lengths = rng.integers(2, 7, size=count)
    items = rng.permutation(10 * count)[:count]
    mixed = compose_batch(BANK, drawn, digits, seed, items=items, lengths=lengths, dtype=dtype)
    assert np.array_equal(mixed.lengths, lengths)
    for n in range(2, 7):
        rows = np.flatnonzero(lengths == n)
        alone = compose_batch(BANK, drawn, digits[rows, :n], seed, items=items[rows], dtype=dtype)
        assert np.array_equal(mixed.pixels[rows], alone.pixels)
        for name in ("indices", "offsets", "y_offsets", "boxes", "ink_boxes"):
            ours = getattr(mixed, name)[rows]
            assert np.array_equal(ours[:, :n], getattr(alone, name)), name
            assert (ours[:, n:] == -1).all(), name
        assert np.array_equal(mixed.gaps[rows, : n - 1], alone.gaps)
        assert (mixed.gaps[rows, n - 1 :] == -1).all()


def test_full_lengths_are_the_batch_without_lengths():
    recipe = Recipe(width=112, spacing=(0, 60), rule="random")
    digits = np.random.default_rng(0).integers(0, 10, (3, 4))
    full = compose_batch(BANK, recipe, digits, 3, lengths=[4, 4, 4])
    assert np.array_equal(full.pixels, compose_batch(BANK, recipe, digits, 3).pixels)


@pytest.mark.parametrize("seed", [0, 1, MAX_SEED])
def test_other_seeds_draw_other_images(seed):
    recipe = Recipe(spacing=(0, 10), rule="random")
    a, b = (compose(BANK, recipe, "2024", s) for s in (seed, seed ^ 1))
    again = compose(BANK, recipe, "2024", seed)
    assert np.array_equal(a.pixels, again.pixels) and a.indices == again.indices
    assert a.indices != b.indices
