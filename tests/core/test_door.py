"""The door's checks: digits, recipes, seeds, items, lengths, fixed MNIST indices, output
buffers and pixel types; pools and banks that lack a digit."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import (
    MAX_SEED,
    DigitBank,
    InputError,
    Recipe,
    SequenceError,
    bundled_bank,
    compose,
    compose_batch,
)

BANK = bundled_bank()
RECIPE = Recipe(width=60, spacing=(0, 4))
PAIR = [[7, 2]]


def digits_for(door):
    return [7, 2] if door is compose else PAIR


def first_of(digit: int, bank: DigitBank = BANK) -> int:
    return int(bank.by_label_order[bank.starts[digit]])


# --- digits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digits",
    [[3, 5, 0], (3, 5, 0), "350", np.array([3, 5, 0]), np.array([3, 5, 0], np.uint8),
     [np.int64(3), 5, 0], [3.0, 5, 0]],
)  # fmt: skip
def test_digits_may_be_given_in_many_spellings(digits):
    assert compose(BANK, Recipe(), digits).digits == (3, 5, 0)
    assert compose(BANK, Recipe(), range(8)).digits == tuple(range(8))


@pytest.mark.parametrize(
    ("digits", "message"),
    [([], "the digit list is empty"), ("", "the sequence is empty"),
     ("12a", "holds 'a'; use only the digits 0-9"), ("\uff11\uff12", "use only the digits 0-9"),
     ([1, True], "digit True at position 1 is not a number"),
     ([1, "2"], "digit '2' at position 1 is not a number"),
     ([1, 10], "digit 10 at position 1 is not a digit"), ([1, 2.5], "2.5 .* is not a digit"),
     ([1, -1], "digit -1 .* is not a digit"), ([1, 2**70], "is not a digit"),
     (5, "digits 5 is not a list of digits; pass e.g. \\[3, 5, 0\\]")],
)  # fmt: skip
def test_what_is_not_a_list_of_digits_is_refused_saying_what_works(digits, message):
    with pytest.raises(SequenceError, match=message):
        compose(BANK, Recipe(), digits)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_digit_that_is_not_finite_is_refused_as_not_a_digit(bad):
    with pytest.raises(SequenceError, match="position 1"):
        compose(BANK, Recipe(), [1, bad])


@pytest.mark.parametrize(
    ("rows", "message"),
    [(np.array([1, 2]), "2-D array"), (np.zeros((3, 0), int), "2-D array"), ("12", "2-D"),
     (np.array([[1, 2.0]]), "integers 0..9"), (np.array([[True, False]]), "integers 0..9"),
     ([[1, 10]], "integers 0..9"), ([[1, -1]], "integers 0..9")],
)  # fmt: skip
def test_batch_digits_must_be_rows_of_digits(rows, message):
    with pytest.raises(SequenceError, match=message):
        compose_batch(BANK, RECIPE, rows)


def test_ragged_batch_digits_are_refused_as_not_rows():
    with pytest.raises(SequenceError, match="2-D array"):
        compose_batch(BANK, RECIPE, [[1, 2], [3]])


def test_the_recipe_must_be_a_recipe():
    for door in (compose, compose_batch):
        with pytest.raises(InputError) as caught:
            door(BANK, {"width": 56}, digits_for(door))
        assert caught.value.field == "recipe" and "pass Recipe(...)" in str(caught.value)


# --- seeds and items -------------------------------------------------------------------------


def test_seeds_are_whole_numbers_in_range_of_any_integer_type():
    plain = compose(BANK, RECIPE, [1, 2], 5).pixels
    for same in (np.uint32(5), np.int64(5)):
        assert np.array_equal(compose(BANK, RECIPE, [1, 2], same).pixels, plain)
        assert compose_batch(BANK, RECIPE, [[1, 2]], same).seed == 5
    assert compose(BANK, RECIPE, [1, 2], MAX_SEED).seed == MAX_SEED


@pytest.mark.parametrize(
    "bad",
    [-1, MAX_SEED + 1, 10**5000, True, 1.0, "1", None],
    ids=["negative", "above", "huge", "bool", "float", "text", "none"],
)
def test_a_bad_seed_is_refused_by_both_doors(bad):
    for door in (compose, compose_batch):
        with pytest.raises(InputError) as caught:
            door(BANK, RECIPE, digits_for(door), bad)
        assert caught.value.field == "seed"
        assert "use 0..9,223,372,036,854,775,807" in str(caught.value)
        assert len(str(caught.value)) < 120


@pytest.mark.parametrize("bad", [-1, 2**64, 1.5, "3", True])
def test_an_item_outside_the_counters_is_refused(bad):
    with pytest.raises(InputError) as caught:
        compose(BANK, RECIPE, [1, 2], item=bad)
    assert caught.value.field == "item" and "use 0..18,446,744,073,709,551,615" in str(caught.value)
    assert compose(BANK, RECIPE, [1, 2], item=np.uint64(2**64 - 1)).item == 2**64 - 1


@pytest.mark.parametrize(
    ("items", "message"),
    [([-1], "0 or more"), ([1.5], "1 whole number,"), ([2**64], "1 whole number,"),
     ([True], "1 whole number,"), (["a"], "1 whole number,"), ([1, 2], "1 whole number,"),
     (5, "1 whole number,")],
)  # fmt: skip
def test_batch_items_are_one_whole_number_per_row(items, message):
    with pytest.raises(SequenceError, match=message):
        compose_batch(BANK, RECIPE, [[1, 2]], items=items)
    assert compose_batch(BANK, RECIPE, [[1, 2]], items=[2**64 - 1]).items.tolist() == [2**64 - 1]


def test_batch_items_above_2_to_the_63_may_be_python_ints():
    made = compose_batch(BANK, RECIPE, [[1, 2], [3, 4]], items=[2**63, 5])
    assert made.items.tolist() == [2**63, 5]


@pytest.mark.parametrize(
    ("lengths", "message"),
    [([1, 2], "3 whole numbers"), ([1.0, 2.0, 3.0], "3 whole numbers"),
     ([0, 2, 3], r"lie in 1\.\.4"), ([5, 2, 3], r"lie in 1\.\.4")],
)  # fmt: skip
def test_lengths_are_one_count_per_row_within_the_digits_given(lengths, message):
    with pytest.raises(SequenceError, match=message):
        compose_batch(BANK, Recipe(spacing=(0, 60), rule="random"), np.zeros((3, 4), int),
                      lengths=lengths)  # fmt: skip


# --- MNIST indices fixed by hand ----------------------------------------------------------


def test_fixed_indices_keep_the_items_layout_and_change_only_that_digit():
    recipe = Recipe(width=130, spacing=(-4, 6), rule="random", pool="train",
                    variation={"height": 40, "jitter_y": (0, 12), "rotation": (-8, 8)})  # fmt: skip
    drawn = compose(BANK, recipe, (3, 1, 4, 1, 5), 3, item=5)
    again = compose(BANK, recipe, (3, 1, 4, 1, 5), 3, item=5, indices=drawn.indices)
    assert np.array_equal(again.pixels, drawn.pixels)
    train = BANK.pool("train")
    fours = train.by_label_order[train.starts[4] : train.starts[4] + train.counts[4]]
    picked = list(drawn.indices)
    picked[2] = int(next(i for i in fours if i != drawn.indices[2]))
    changed = compose(BANK, recipe, (3, 1, 4, 1, 5), 3, item=5, indices=picked)
    assert changed.indices == tuple(picked)
    assert (changed.gaps, changed.y_offsets) == (drawn.gaps, drawn.y_offsets)
    x0, _, x1, _ = drawn.boxes[2]
    differs = (changed.pixels != drawn.pixels).any(axis=0)  # columns that changed
    assert differs[x0:x1].any() and not differs[:x0].any() and not differs[x1:].any()
    other_item = compose(BANK, recipe, (3, 1, 4, 1, 5), 3, indices=picked)
    assert not np.array_equal(other_item.pixels, changed.pixels)  # item 0: its own layout


@pytest.mark.parametrize(
    ("indices", "message"),
    [(lambda: [first_of(2), first_of(7)], "shows a 2, not the 7 at position 0"),
     (lambda: [10_000, first_of(2)], "MNIST index 10,000 is out of range; use 0..9,999"),
     (lambda: [-1, first_of(2)], "MNIST index -1 is out of range"),
     (lambda: [first_of(7)], "1 MNIST indices given for 2 digits"),
     (lambda: [first_of(7), 1.0], "is not a whole number"),
     (lambda: [first_of(7), True], "is not a whole number")],
)  # fmt: skip
def test_fixed_indices_are_checked(indices, message):
    with pytest.raises(SequenceError, match=message):
        compose(BANK, RECIPE, [7, 2], indices=indices())


def test_a_fixed_index_outside_the_pool_is_refused():
    test_seven = next(i for i in BANK.pools["test"] if BANK.labels[i] == 7)
    with pytest.raises(SequenceError, match=f"MNIST index {test_seven} is not in the train pool"):
        compose(BANK, RECIPE.replace(pool="train"), [7, 2], indices=[test_seven, first_of(2)])


@pytest.mark.parametrize(
    "indices", [[[first_of(7)]], [[first_of(7), 1.0]], [[first_of(2), first_of(2)]],
                [[first_of(7), 10_000]], [[first_of(7), -1]]],
)  # fmt: skip
def test_fixed_batch_indices_are_checked(indices):
    with pytest.raises(SequenceError, match="indices must be"):
        compose_batch(BANK, RECIPE, PAIR, indices=indices)


def test_a_fixed_batch_index_outside_the_pool_is_refused():
    test_seven = next(i for i in BANK.pools["test"] if BANK.labels[i] == 7)
    with pytest.raises(SequenceError, match="pool"):
        compose_batch(BANK, RECIPE.replace(pool="train"), PAIR, indices=[[test_seven, 1]])


# --- pixel types and output buffers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "made"),
    [("uint8", np.uint8), (np.uint8, np.uint8), (np.dtype("u1"), np.uint8),
     ("float32", np.float32), (np.float32, np.float32), (np.dtype("float32"), np.float32)],
)  # fmt: skip
def test_pixel_types_may_be_spelled_as_numpy_does(dtype, made):
    assert compose(BANK, RECIPE, [1, 2], dtype=dtype).pixels.dtype == made
    assert compose_batch(BANK, RECIPE, PAIR, dtype=dtype).pixels.dtype == made
    assert compose(BANK, RECIPE, [1, 2]).pixels.dtype == np.uint8  # the default


@pytest.mark.parametrize("bad", ["float64", np.float64, "int8", [1]])
def test_other_pixel_types_are_refused(bad):
    for door in (compose, compose_batch):
        with pytest.raises(InputError, match="dtype .* is not supported; use uint8 or float32"):
            door(BANK, RECIPE, digits_for(door), dtype=bad)


@pytest.mark.parametrize("field", ["dtype", "seed"])
def test_a_missing_value_is_named_in_the_message(field):
    with pytest.raises(InputError) as caught:
        compose(BANK, RECIPE, [1, 2], **{field: None})
    assert str(caught.value).startswith(field)


@pytest.mark.parametrize(
    ("out", "message"),
    [(np.empty((1, 28, 61), np.uint8), r"out is uint8 of shape \(1, 28, 61\); this batch "
      r"needs uint8 of shape \(1, 28, 60\)"),
     (np.empty((1, 28, 60), np.float32), "pass dtype= to match a uint8 buffer"),
     (np.empty((1, 28, 120), np.uint8)[:, :, ::2], "writeable, C-contiguous"),
     ([[0]], "out must be a numpy array of shape"),
     (np.asfortranarray(np.empty((1, 28, 60), np.uint8)), "C-contiguous")],
)  # fmt: skip
def test_an_output_buffer_must_fit_the_batch(out, message):
    with pytest.raises(InputError, match=message):
        compose_batch(BANK, RECIPE, PAIR, out=out)


def test_a_read_only_buffer_is_refused():
    frozen = np.empty((1, 28, 60), np.uint8)
    frozen.flags.writeable = False
    with pytest.raises(InputError, match="writeable"):
        compose_batch(BANK, RECIPE, PAIR, out=frozen)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_a_bad_thread_count_is_refused(bad):
    with pytest.raises(InputError, match="threads"):
        compose_batch(BANK, RECIPE, np.zeros((2000, 2), int), threads=bad)


def test_an_empty_batch_of_a_recipe_without_width_has_no_images():
    made = compose_batch(BANK, Recipe(), np.zeros((0, 2), np.int64))
    assert made.pixels.shape[0] == 0


# --- pools, and banks that lack a digit ---------------------------------------------------


def test_batches_from_different_pools_never_share_an_image():
    digits = np.random.default_rng(0).integers(0, 10, (5000, 6))
    used = {}
    for pool in ("train", "test"):
        made = compose_batch(BANK, Recipe(spacing=(0, 0), pool=pool), digits, 1)
        used[pool] = np.unique(made.indices)
        assert np.isin(used[pool], BANK.pools[pool]).all()
        assert (BANK.labels[made.indices] == digits).all()
    assert len(np.intersect1d(used["train"], used["test"])) == 0
    assert len(used["test"]) > 1500  # most of the pool is drawn


def test_single_images_from_a_pool_stay_in_it():
    test = set(BANK.pools["test"].tolist())
    for seed in range(200):
        assert set(compose(BANK, Recipe(pool="test"), (1, 2, 3), seed).indices) <= test


def test_a_pool_lacking_a_digit_names_it():
    sevens = np.flatnonzero(BANK.labels == 7)
    rest = np.setdiff1d(np.arange(len(BANK)), sevens)
    bank = DigitBank(BANK.images, BANK.labels, "real digits", {"train": rest, "test": sevens})
    expected = r"real digits, train pool has no images of digit\(s\) 7; use another pool"
    with pytest.raises(SequenceError, match=expected):
        compose_batch(bank, Recipe(pool="train"), [[7, 7]])
    with pytest.raises(SequenceError, match=expected):
        compose(bank, Recipe(pool="train"), [1, 7])
    with pytest.raises(SequenceError, match=r"test pool has no images of digit\(s\) 1, 2, 3"):
        compose_batch(bank, Recipe(pool="test"), [[1, 2, 3]])
    assert set(compose(bank, Recipe(pool="test"), [7, 7]).indices) <= set(sevens.tolist())


def test_a_bank_lacking_a_digit_names_it_and_draws_the_others():
    keep = BANK.labels != 7
    partial = DigitBank(BANK.images[keep], BANK.labels[keep], source="no sevens")
    for door, digits in ((compose, [1, 7]), (compose_batch, [[3, 7], [1, 2]])):
        with pytest.raises(SequenceError, match=r"no sevens has no images of digit\(s\) 7; use a"):
            door(partial, Recipe(), digits)
    made = compose_batch(partial, Recipe(width=56), [[1, 7], [1, 2]], lengths=[1, 2])
    assert (made.indices[0, 1], (partial.labels[made.indices[1]] == [1, 2]).all()) == (-1, True)
