"""The rules that tie the explorer's fields together when the user edits one (Qt-free):
each rule of gui/state/edits.py's docstring, and refusals that leave the session as it was."""

from __future__ import annotations

import pytest

from mnist_seq_gui.core import FIELDS, VARIATION_FIELDS, bundled_bank
from mnist_seq_gui.gui.state.edits import (
    edit,
    pick_another,
    problem,
    settle,
    width_range,
    without_variation,
)
from mnist_seq_gui.gui.state.session import Session

FIRST = Session()  # 2024 filling 124 px: gaps of 4 in spacing 0..10
VARIED = FIRST.replace(
    pool="train",
    spacing=(-5, 3),
    width=4 * 28 - 3,
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


# ---------------------------------------------------------------------------- sequence


def test_a_longer_sequence_keeps_the_gap_and_the_width_follows():
    result = edit(FIRST, 124, "sequence", "314159")
    assert result.session.sequence == "314159"
    assert result.session.recipe.width == 6 * 28 + 5 * 4  # gap 4, as 2024 at 124
    assert result.wanted_width == result.session.recipe.width and result.notes == ()
    assert problem(result.session) is None


def test_a_second_digit_takes_the_middle_of_the_spacing_as_its_gap():
    one = Session(sequence="5").replace(width=28)
    assert edit(one, 28, "sequence", "55").session.recipe.width == 2 * 28 + 5


def test_other_digits_of_the_same_length_keep_the_width():
    result = edit(FIRST.replace(width=142), 142, "sequence", "9876")
    assert result.session.recipe.width == 142 and result.session.sequence == "9876"


@pytest.mark.parametrize(
    ("typed", "kept", "said"),
    [
        ("20a4", "204", "removed 'a'"),
        ("12 34", "1234", "removed spaces"),
        ("\u0663\u0664", "", "removed '\u0663', '\u0664'"),  # Arabic-Indic digits are not 0-9
        ("2-0-2-4", "2024", "removed '-'"),
    ],
)
def test_text_that_is_no_digit_is_removed_with_a_note(typed, kept, said):
    result = edit(FIRST, 124, "sequence", typed)
    assert result.session.sequence == kept
    assert len(result.notes) == 1 and said in result.notes[0]
    assert result.notes[0].startswith("Sequence: ") and "only digits 0-9" in result.notes[0]


def test_new_digits_drop_the_mnist_images_picked_by_hand():
    picked = FIRST.replace(indices=(1, 2, 3, 4))
    assert edit(picked, 124, "sequence", "1234").session.indices is None
    assert edit(picked, 124, "sequence", "20a4").session.indices is None
    assert edit(picked, 124, "sequence", "2024").session == picked  # nothing changed


def test_an_empty_sequence_keeps_the_width_and_is_a_problem():
    result = edit(FIRST, 124, "sequence", "")
    assert result.session.sequence == "" and result.session.recipe.width == 124
    found = problem(result.session)
    assert found is not None and found.field == "sequence" and "empty" in found.message


# ---------------------------------------------------------------------------- ranges


def test_the_spacing_end_not_moved_follows_the_one_moved_and_says_so():
    raised = edit(FIRST, 124, "spacing", (15, 10))  # the low end moved up past the top
    assert raised.session.recipe.spacing == (15, 15)
    assert raised.notes == ("Spacing: the top end raised to 15 to stay above the bottom",)
    assert raised.session.recipe.width == 4 * 28 + 3 * 15  # the only width 15..15 allows
    lowered = edit(FIRST, 124, "spacing", (0, -3))  # the top end moved down past the low
    assert lowered.session.recipe.spacing == (-3, -3)
    assert lowered.notes == ("Spacing: the bottom end lowered to -3 to stay below the top",)


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items() if f.is_range and n != "spacing"])
def test_every_variation_range_end_takes_the_other_along(name):
    entry = FIELDS[name]
    label = entry.label.replace("&", "")
    low, high = entry.low, min(entry.high, 100)
    middle = (low + high) // 2 if entry.kind == "int range" else (low + high) / 2
    tall = VARIED.replace(height=200)
    up = edit(tall.replace(**{name: (low, middle)}), 109, name, (high, middle))
    assert up.session.get(name) == (high, high)
    assert up.notes == (f"{label}: the top end raised to {high:g} to stay above the bottom",)
    down = edit(tall.replace(**{name: (middle, high)}), 109, name, (middle, low))
    assert down.session.get(name) == (low, low)
    assert down.notes == (f"{label}: the bottom end lowered to {low:g} to stay below the top",)


def test_a_jitter_end_moved_while_centred_takes_the_other_along():
    tall = FIRST.replace(height=48)
    assert edit(tall, 124, "jitter_y", (15, 10)).session.get("jitter_y") == (15, 15)


# ---------------------------------------------------------------------------- width


def test_a_narrow_spacing_on_the_way_does_not_lose_the_width_asked_for():
    wide = FIRST.replace(width=142)  # 2024 with gaps of 10
    narrowed = edit(wide, 142, "spacing", (0, 2))
    assert narrowed.session.recipe.width == 118 and narrowed.wanted_width == 142
    widened = edit(narrowed.session, narrowed.wanted_width, "spacing", (0, 20))
    assert widened.session.recipe.width == 142


def test_the_width_returns_to_the_nearest_valid_width_to_the_one_asked_for():
    # asked for 130 (random rule), then uniform in 0..10 allows 112, 115, ..., 142
    result = edit(FIRST.replace(rule="random", width=130), 130, "spacing", (0, 9))
    assert result.session.recipe.width == 130
    uniform = edit(result.session, result.wanted_width, "rule", "uniform")
    assert uniform.session.recipe.width == 130  # 112 + 6 * 3
    odd = edit(FIRST.replace(rule="random", width=129), 129, "rule", "uniform")
    assert odd.session.recipe.width == 130 and odd.wanted_width == 129


def test_a_typed_width_is_taken_as_typed_even_one_the_digits_cannot_fill():
    result = edit(FIRST, 124, "width", 125)
    assert result.session.recipe.width == 125 and result.wanted_width == 125
    assert result.notes == () and problem(result.session) is not None


def test_a_rule_change_keeps_the_width_inside_the_rules_range():
    wide = FIRST.replace(rule="random", width=142)
    assert edit(wide, 142, "rule", "uniform").session.recipe.width == 142
    between = FIRST.replace(rule="random", width=125)
    back = edit(between, 125, "rule", "uniform")
    assert back.session.recipe.width in width_range(back.session)
    assert back.session.recipe.width == 124  # 124 and 127 are as near: the narrower


def test_free_placement_widens_to_the_narrowest_width_holding_the_longest_layout():
    result = edit(FIRST, 124, "placement", "free")
    assert result.session.recipe.placement == "free"
    assert result.session.recipe.width == 4 * 28 + 3 * 10 and result.wanted_width == 124
    assert width_range(result.session) == range(142, 100_001)


# ---------------------------------------------------------------------------- height, jitter


def test_a_lower_height_brings_the_jitter_inside_the_canvas_with_a_note():
    tall = FIRST.replace(height=60, jitter_y=(0, 30))
    result = edit(tall, 124, "height", 40)
    assert result.session.get("height") == 40 and result.session.get("jitter_y") == (0, 12)
    assert result.notes == ("Jitter: now 0..12 px, to stay inside the 40 px height",)
    assert problem(result.session) is None
    assert edit(tall, 124, "height", 80).notes == ()  # room enough: the jitter stays
    centred = edit(FIRST.replace(height=60), 124, "height", 40)
    assert centred.session.get("jitter_y") is None and centred.notes == ()


def test_a_jitter_top_beyond_the_canvas_is_lowered_into_it():
    result = edit(FIRST.replace(height=60), 124, "jitter_y", (10, 40))
    assert result.session.get("jitter_y") == (10, 32)
    assert result.notes == ("Jitter: the top end lowered to 32 to stay inside the 60 px height",)
    both = edit(FIRST.replace(height=40), 124, "jitter_y", (30, 40))
    assert both.session.get("jitter_y") == (12, 12)


# ---------------------------------------------------------------------------- new draws


@pytest.mark.parametrize(("name", "value"), [("seed", 5), ("pool", "test"), ("source", "/x")])
def test_new_draws_drop_the_mnist_images_picked_by_hand(name, value):
    picked = VARIED.replace(indices=(1, 2, 3, 4))
    result = edit(picked, picked.recipe.width, name, value)
    assert result.session.get(name) == value and result.session.indices is None


def test_other_fields_keep_the_picked_images():
    picked = VARIED.replace(indices=(1, 2, 3, 4))
    assert edit(picked, 109, "noise", 2.0).session.indices == (1, 2, 3, 4)


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("width", 10, "Width 10 is out of range; use 28..100,000."),
        ("width", 100_001, "Width 100,001 is out of range"),
        ("height", 2000, "Height 2000 is out of range; use 28..1,024."),
        ("rotation", (-50, 3), "Rotation -50..3\u00b0 is out of bounds; use -45..45."),
        ("spacing", (-20, 3), "Spacing -20..3 px is out of bounds; use -14..100,000."),
        ("noise", "abc", "Noise 'abc' is not a number; use 0..128."),
        ("noise", float("nan"), "Noise nan is not finite"),
        ("rule", "sideways", "Rule 'sideways' is unknown; use one of: uniform, random."),
        ("white_on_black", 1, "White on black 1 is not True or False."),
        ("jitter_y", (-1, 3), "Jitter -1..3 px is out of bounds"),
        ("pool", "validation", "Pool 'validation' is unknown"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_with_a_worded_note(name, value, said):
    result = edit(VARIED, 109, name, value)
    assert result.session == VARIED and result.wanted_width == 109
    assert len(result.notes) == 1 and result.notes[0].startswith(said), result.notes
    assert result.notes[0].endswith(".")


@pytest.mark.parametrize(("name", "value"), [("seed", -1), ("seed", 2**64), ("item", -5)])
def test_a_seed_or_sample_out_of_range_is_refused_with_a_note(name, value):
    result = edit(VARIED, 109, name, value)
    assert result.session == VARIED and len(result.notes) == 1


@pytest.mark.parametrize(("name", "value"), [("spacing", (0,)), ("rotation", 5)])
def test_a_range_that_is_no_pair_is_refused_with_a_note(name, value):
    result = edit(VARIED, 109, name, value)
    assert result.session == VARIED and "is not a range" in result.notes[0]


# ---------------------------------------------------------------------------- whole session


def test_no_variation_turns_every_variation_field_off_and_keeps_pool_and_spacing():
    plain = without_variation(VARIED.replace(indices=(1, 2, 3, 4)))
    assert all(plain.get(name) == FIELDS[name].default for name in VARIATION_FIELDS)
    assert plain.recipe.variation.is_plain
    assert (plain.recipe.pool, plain.recipe.spacing, plain.recipe.width) == ("train", (-5, 3), 109)
    assert plain.indices == (1, 2, 3, 4) and plain.sequence == VARIED.sequence


def test_settle_snaps_a_restored_width_to_the_nearest_the_digits_can_use():
    assert settle(FIRST.replace(width=125)).recipe.width == 124
    assert settle(FIRST.replace(width=200)).recipe.width == 142
    assert settle(FIRST.replace(width=127)) == FIRST.replace(width=127)
    empty = Session(sequence="")
    assert settle(empty) == empty and width_range(empty) is None


def test_another_image_for_one_digit_keeps_the_others():
    bank = bundled_bank()
    pool = bank.pool("all")
    first = int(pool.starts[0])
    zeros = pool.by_label_order[first : first + int(pool.counts[0])].tolist()
    indices = (11, zeros[0], 12, 13)
    made, note = pick_another(FIRST, (2, 0, 2, 4), indices, zeros, 1, 7)
    assert made is not None and made.indices[::2] == (11, 12) and made.indices[3] == 13
    assert made.indices[1] in zeros and made.indices[1] != zeros[0]
    assert note.startswith(f"Digit 2 (0) is now MNIST image {made.indices[1]}")
    none, why = pick_another(FIRST, (2, 0, 2, 4), indices, [zeros[0]], 1, 7)
    assert none is None and why == "The all pool has no other 0 to draw"
