"""A width the rules moved from the one asked for is explained, with a way back that
keeps the new spacing (Qt-free)."""

from __future__ import annotations

from mnist_seq_gui.gui.state.edits import edit, problem, width_moved
from mnist_seq_gui.gui.state.session import Session

EIGHT = Session(sequence="31415926").replace(spacing=(0, 101), rule="uniform", width=497)


def test_a_narrower_spacing_moves_the_width_and_free_placement_takes_it_back():
    made = edit(EIGHT, 497, "spacing", (0, 4))
    assert (made.session.recipe.width, made.wanted_width) == (252, 497)
    notice = width_moved(made.session, made.wanted_width)
    assert notice is not None and notice.width == 252
    assert notice.message == (
        "The width moved from 497 to 252 px: the nearest 8 digits fill with spacing "
        "0..4 px (uniform rule)."
    )
    assert notice.offer == "Width 497, placed freely" and notice.back is not None
    back = notice.back.recipe
    assert (back.width, back.spacing, back.placement, back.rule) == (497, (0, 4), "free", "uniform")
    assert problem(notice.back) is None and width_moved(notice.back, 497) is None


def test_the_random_rule_takes_back_a_width_free_placement_cannot():
    four = Session(sequence="2024").replace(spacing=(0, 10), rule="random", width=113)
    made = edit(four, 113, "rule", "uniform")  # uniform steps of 3: 112, 115, ...
    assert made.session.recipe.width == 112
    notice = width_moved(made.session, made.wanted_width)
    assert notice.offer == "Width 113, random rule"
    assert notice.back.recipe.rule == "random" and notice.back.recipe.width == 113


def test_no_notice_for_a_width_as_asked_or_one_the_digits_can_take():
    assert width_moved(EIGHT, 497) is None
    typed = edit(EIGHT, 497, "width", 300)  # typed: taken as typed (a problem, not a move)
    assert width_moved(typed.session, typed.wanted_width) is None
    longer = edit(EIGHT, 497, "sequence", "314159265")  # a new length asks for a new width
    assert width_moved(longer.session, longer.wanted_width) is None
    assert width_moved(Session(sequence=""), 124) is None


def test_a_width_no_way_back_reaches_is_still_explained():
    free = EIGHT.replace(placement="free", spacing=(0, 30), width=497)
    made = edit(free, 400, "spacing", (0, 30))
    notice = width_moved(made.session, 400)
    assert notice is not None and notice.back is None and notice.offer == ""
    assert notice.message.startswith("The width moved from 400 to 434 px: the narrowest")
