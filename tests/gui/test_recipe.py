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
