"""Why a session gives no image (Qt-free): the field to change, a sentence in the
explorer's words, and the one-click offers (nearest widths, the random rule)."""

from __future__ import annotations

import pytest

from mnist_seq_gui.gui.state.edits import MAX_IMAGE_PIXELS, Problem, problem
from mnist_seq_gui.gui.state.session import Session

FIRST = Session()  # 2024 filling 124 px in spacing 0..10: widths 112, 115, ..., 142


@pytest.mark.parametrize(
    "session",
    [
        FIRST,
        FIRST.replace(width=142),
        FIRST.replace(rule="random", width=125),
        FIRST.replace(placement="free", width=500),
        FIRST.replace(placement="auto", width=300),  # free there: 300 holds 142
        FIRST.replace(height=30),  # centred jitter always fits
        FIRST.replace(indices=(1, 2, 3, 4)),
        FIRST.replace(source="/no/such/folder"),  # found when drawn, not here
        Session(sequence="7").replace(width=28),
    ],
)
def test_a_session_the_core_can_draw_has_no_problem(session):
    assert problem(session) is None


def test_a_width_between_two_uniform_widths_offers_both_and_the_random_rule():
    found = problem(FIRST.replace(width=125))
    assert found == Problem(
        "width",
        "Width 125 has no uniform spacing for 4 digits in 0..10 (13 px over 3 gaps is not "
        "whole); nearest valid widths: 124 or 127, or use the random rule.",
        (124, 127),
        True,
    )


def test_a_width_beyond_the_range_offers_the_widest_and_not_the_random_rule():
    found = problem(FIRST.replace(width=200))
    assert found is not None and found.field == "width"
    assert found.widths == (142,) and not found.random_fits
    assert found.message.startswith("Width 200 is too wide for 4 digits with spacing 0..10")


def test_a_width_below_the_range_offers_the_narrowest():
    found = problem(FIRST.replace(width=100))
    assert found is not None and found.widths == (112,)
    assert "they need at least 112 px" in found.message


def test_the_random_rule_is_never_offered_to_a_session_already_random():
    found = problem(FIRST.replace(rule="random", width=200))
    assert found is not None and found.widths == (142,) and not found.random_fits


def test_a_free_layout_too_narrow_offers_the_width_holding_the_longest_layout():
    found = problem(FIRST.replace(placement="free", width=130))
    assert found is not None and found.field == "width" and found.widths == (142,)
    assert "freely placed" in found.message


def test_a_longer_sequence_at_the_old_width_names_the_width_it_needs():
    found = problem(Session(sequence="1" * 12))
    assert found is not None and found.widths == (336,)
    assert found.message == (
        "Width 124 is too small for 12 digits with spacing 0..10: they need at least 336 px; "
        "use width 336."
    )


@pytest.mark.parametrize(
    ("sequence", "said"),
    [
        ("", "The sequence is empty; give digits such as 2024."),
        ("x", "use only the digits 0-9"),
    ],
)
def test_a_sequence_without_digits_is_a_sequence_problem(sequence, said):
    found = problem(Session(sequence=sequence))
    assert found is not None and found.field == "sequence" and said in found.message
    assert found.widths == () and not found.random_fits


def test_too_many_digits_for_any_width_is_a_spacing_problem():
    found = problem(Session(sequence="5" * 4000).replace(width=100_000))
    assert found is not None and found.field == "spacing" and found.widths == ()
    assert "112,000 px, above the 100,000 px limit" in found.message


def test_a_problem_without_a_value_reads_as_a_sentence():
    found = problem(Session(sequence="5" * 4000).replace(width=100_000))
    assert found is not None  # the field heads the sentence, which names no value
    assert found.message.startswith("Spacing: 4000 digits with spacing >= 0 need")


def test_an_image_larger_than_the_explorer_draws_is_a_height_problem():
    tall = FIRST.replace(spacing=(0, 2000), width=4999, height=1024)
    found = problem(tall)
    assert found == Problem(
        "height",
        "A 4,999 \u00d7 1,024 px image is more than the explorer draws (2,800,000 pixels, as "
        "28 \u00d7 100,000); lower the height or the width.",
    )
    assert MAX_IMAGE_PIXELS == 28 * 100_000
    assert problem(tall.replace(height=560)) is None  # 4,999 x 560 is within it


@pytest.mark.parametrize("indices", [(1, 2, 3), (1, 2, 3, 4, 5)])
def test_a_count_of_picked_images_other_than_the_digits_is_an_indices_problem(indices):
    found = problem(FIRST.replace(indices=indices))
    assert found == Problem("indices", f"{len(indices)} MNIST indices are fixed for 4 digits.")
