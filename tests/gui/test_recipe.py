"""The recipe and its rules without a window: edits, problems and offers, stored values."""

from __future__ import annotations

import pytest

from mnist_seq_gui.core import MAX_SEED, SequenceSpec
from mnist_seq_gui.gui.edits import edit, settle
from mnist_seq_gui.gui.recipe import DEFAULT, Recipe, problem, width_range
from mnist_seq_gui.gui.stored import from_mapping, to_mapping


def test_the_default_recipe_draws_2024():
    assert problem(DEFAULT) is None
    assert DEFAULT.spec() == SequenceSpec((2, 0, 2, 4), 124, 0, 10)


def test_a_longer_sequence_keeps_the_gap():
    result = edit(DEFAULT, DEFAULT.width, "sequence", "314159")
    assert result.recipe.width == 6 * 28 + 5 * 4  # gap 4, as 2024 at 124
    assert result.wanted_width == result.recipe.width
    assert problem(result.recipe) is None


def test_text_is_cleaned_with_a_note_and_picked_digits_go():
    picked = DEFAULT.replace(indices=(1, 2, 3, 4))
    result = edit(picked, picked.width, "sequence", "20a4")
    assert result.recipe.sequence == "204" and result.recipe.indices is None
    assert "removed 'a'" in result.notes[0]


def test_a_narrow_spacing_on_the_way_does_not_lose_the_width():
    recipe = DEFAULT.replace(width=142)  # 2024 with gaps of 10
    narrowed = edit(recipe, 142, "max_spacing", 2)
    assert narrowed.recipe.width == 118 and narrowed.wanted_width == 142
    widened = edit(narrowed.recipe, narrowed.wanted_width, "max_spacing", 20)
    assert widened.recipe.width == 142


def test_crossing_spacings_move_the_other_one_with_a_note():
    result = edit(DEFAULT, DEFAULT.width, "min_spacing", 15)
    assert (result.recipe.min_spacing, result.recipe.max_spacing) == (15, 15)
    assert "Max spacing raised to 15" in result.notes[0]
    result = edit(result.recipe, result.wanted_width, "max_spacing", 3)
    assert (result.recipe.min_spacing, result.recipe.max_spacing) == (3, 3)


def test_a_typed_width_is_kept_and_explained_with_offers():
    result = edit(DEFAULT, DEFAULT.width, "width", 125)
    assert result.recipe.width == 125
    found = problem(result.recipe)
    assert found is not None and found.widths == (124, 127) and found.random_fits
    assert "125" in found.message and found.message.endswith(".")


def test_a_width_beyond_the_range_offers_the_widest():
    found = problem(DEFAULT.replace(width=200))
    assert found is not None and found.widths == (142,) and not found.random_fits


def test_a_new_seed_drops_picked_digits():
    picked = DEFAULT.replace(indices=(1, 2, 3, 4))
    assert edit(picked, 124, "seed", 5).recipe.indices is None


def test_a_rule_change_keeps_the_width_inside_the_rules_range():
    random = DEFAULT.replace(rule="random", width=125)
    back = edit(random, 125, "rule", "uniform")
    assert back.recipe.width == 125 and problem(back.recipe).widths == (124, 127)


def test_settle_snaps_a_stored_width_the_rule_cannot_use():
    assert settle(DEFAULT.replace(width=125)).width == 124
    assert width_range(DEFAULT.replace(sequence="")) is None


@pytest.mark.parametrize(
    ("key", "raw", "said"),
    [
        ("width", "2147483648", "width 2,147,483,648 is out of range"),
        ("width", "9" * 5000, "is not a whole number"),
        ("seed", "-1", "seed -1 is out of range"),
        ("seed", str(MAX_SEED + 1), "out of range"),
        ("sequence", "12ab", "not a sequence of digits"),
        ("rule", "sideways", "not one of uniform, random"),
        ("white_on_black", "perhaps", "not true or false"),
        ("max_spacing", "1e3", "not a whole number"),
        ("indices", "1,x", "not a whole number"),
    ],
)
def test_a_bad_stored_value_becomes_a_note_and_the_default(key, raw, said):
    recipe, notes = from_mapping({key: raw})
    assert getattr(recipe, key) == getattr(DEFAULT, key)
    assert len(notes) == 1 and said in notes[0] and notes[0].startswith("settings: ")


def test_stored_values_round_trip():
    recipe = Recipe("0071", "random", 3, 40, 190, True, MAX_SEED, 12, (3, 10, 2, 14), "/x/y")
    again, notes = from_mapping(to_mapping(recipe))
    assert again == recipe and notes == ()


VARIED = DEFAULT.replace(
    pool="train",
    min_spacing=-5,
    max_spacing=3,
    width=4 * 28 - 3 * 1,
    height=40,
    jitter_y=(0, 12),
    slant=(-20.0, 20.0),
    rotation=(-8.0, 8.0),
    scale=(0.8, 1.2),
    aspect=(0.9, 1.1),
    thickness=(-0.5, 0.5),
    noise=6.5,
    blur=0.7,
)


def test_a_varied_recipe_is_the_cores_spec():
    from mnist_seq_gui.core import DigitStyle, Variation

    assert problem(VARIED) is None and VARIED.has_variation()
    spec = VARIED.spec()
    assert (spec.pool, spec.min_spacing, spec.max_spacing) == ("train", -5, 3)
    assert spec.variation == Variation(
        height=40,
        jitter_y=(0, 12),
        style=DigitStyle((-20, 20), (-8, 8), (0.8, 1.2), (0.9, 1.1), (-0.5, 0.5)),
        noise=6.5,
        blur=0.7,
    )


def test_a_range_end_moved_past_the_other_takes_it_along():
    result = edit(VARIED, VARIED.width, "slant", (30.0, 20.0))  # low end moved up
    assert result.recipe.slant == (30.0, 30.0) and "top end raised to 30" in result.notes[0]
    result = edit(VARIED, VARIED.width, "slant", (-20.0, -25.0))  # high end moved down
    assert result.recipe.slant == (-25.0, -25.0) and "bottom end lowered" in result.notes[0]
    # No jitter yet: the rows show the centred row, and the moved end takes the other.
    tall = DEFAULT.replace(height=48)
    assert edit(tall, tall.width, "jitter_y", (15, 10)).recipe.jitter_y == (15, 15)


def test_a_new_pool_drops_picked_digits_and_no_variation_keeps_pool_and_spacing():
    from mnist_seq_gui.gui.edits import without_variation

    picked = VARIED.replace(indices=(1, 2, 3, 4))
    assert edit(picked, picked.width, "pool", "test").recipe.indices is None
    plain = without_variation(VARIED)
    assert not plain.has_variation() and plain.spec().variation.is_plain
    assert (plain.pool, plain.min_spacing, plain.width) == ("train", -5, VARIED.width)


def test_jitter_beyond_the_canvas_is_a_problem_in_the_windows_words():
    found = problem(VARIED.replace(height=30))
    assert found is not None and found.widths == ()
    assert found.message.startswith("Vertical jitter 0..12 does not fit a 30 px canvas")
    assert "jitter_y" not in found.message and found.message.endswith("greater height.")


def test_stored_variation_round_trips_as_text():
    stored = {key: str(value) for key, value in to_mapping(VARIED).items()}
    assert stored["slant"] == "-20.0,20.0" and stored["jitter_y"] == "0,12"
    assert from_mapping(stored) == (VARIED, ())
    # QSettings gives comma-separated text back as a list.
    assert from_mapping({"scale": ["0.8", "1.2"]})[0].scale == (0.8, 1.2)


@pytest.mark.parametrize(
    ("key", "raw", "said"),
    [
        ("pool", "validation", "pool 'validation' does not exist"),
        ("pool", ["train"], "does not exist"),
        ("height", "27", "height 27 is out of range; use 28..1,024"),
        ("jitter_y", "3", "is not a range of two numbers"),
        ("jitter_y", "9,2", "vertical jitter 9..2 is reversed"),
        ("slant", "-50,10", "slant -50..10 degrees is out of bounds; use -45..45"),
        ("scale", "nan,1", "not finite"),
        ("rotation", "1" * 100 + ",2", "is not a number"),
        ("thickness", object(), "is not a range of two numbers"),
        ("noise", "-1", "noise -1 is out of range; use 0..128"),
        ("blur", "inf", "blur inf is out of range"),
    ],
)
def test_damaged_variation_values_become_the_default_with_a_note(key, raw, said):
    recipe, notes = from_mapping({key: raw})
    assert recipe == DEFAULT
    assert len(notes) == 1 and said in notes[0], notes


def test_jitter_that_fits_alone_but_not_the_stored_height_is_dropped_with_a_note():
    recipe, notes = from_mapping({"height": "30", "jitter_y": "0,12"})
    assert recipe == DEFAULT.replace(height=30)
    assert "does not fit a 30 px canvas" in notes[0] and "no vertical jitter" in notes[0]
