"""Said, not done silently: a width the rules moved is explained in the problem bar with
a way back; pools named without the bundled set's own split; "picked by hand" only when
a digit was; the Ink Boxes toggle looks like one when off."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox

from .conftest import session_pixels, shown_pixels, wait_for_latest


def _moved(window):
    for name, value in (("sequence", "31415926"), ("rule", "uniform"), ("spacing", (0, 101)),
                        ("width", 497)):  # fmt: skip
        window.model.set(name, value)
    assert window.problem_text() == ""
    window.model.set("spacing", (0, 4))  # the widest uniform width is now 252
    assert window.model.session().recipe.width == 252


def test_a_width_the_spacing_moved_is_explained_with_a_way_back(qtbot, window):
    _moved(window)
    said = window.problem_text()
    assert said.startswith("The width moved from 497 to 252 px") and "0..4 px" in said
    back = window.problem_bar.width_back_button
    assert back.isVisible() and back.text() == "Width 497, placed freely"
    back.click()
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.recipe.width == 497 and session.recipe.spacing == (0, 4)
    assert session.recipe.placement == "free" and window.problem_text() == ""
    assert np.array_equal(shown_pixels(window), session_pixels(session))


def test_the_width_the_rules_chose_can_be_kept(qtbot, window):
    _moved(window)
    keep = window.problem_bar.keep_width_button
    assert keep.text() == "Keep 252 px"
    keep.click()
    assert window.problem_text() == ""
    window.model.set("seed", 5)  # a later change does not bring the notice back
    assert window.problem_text() == "" and window.model.session().recipe.width == 252


def test_a_problem_comes_before_the_width_notice(qtbot, window):
    _moved(window)
    window.model.set("width", 253)  # no uniform layout: the problem, with its offers
    assert window.problem_text().startswith("Width 253")
    assert not window.problem_bar.width_back_button.isVisible()


def test_hovering_a_digit_from_a_pool_names_the_pool_not_the_sets_split(qtbot, window):
    window.model.set("pool", "train")
    wait_for_latest(qtbot, window)
    tip = window.preview.canvas.tips[0]
    assert "train pool \u00b7 index" in tip and "test" not in tip


def test_digits_picked_by_hand_only_when_they_were(qtbot, window, tmp_path):
    window.model.set("seed", 11)
    wait_for_latest(qtbot, window)
    assert window.document.save_to(tmp_path / "drawn.png")
    window.model.set("seed", 12)
    assert window.open_file(tmp_path / "drawn.png")
    wait_for_latest(qtbot, window)
    assert window.model.session().indices is not None  # the file's images, as saved
    assert window.seed_label.text() == "seed 11"
    window.reroll_digit(1)
    wait_for_latest(qtbot, window)
    assert window.seed_label.text() == "seed 11 \u00b7 digits picked by hand"
    assert window.document.save_to(tmp_path / "picked.png")
    assert window.open_file(tmp_path / "picked.png")
    wait_for_latest(qtbot, window)
    assert window.seed_label.text().endswith("digits picked by hand")


def test_the_ink_boxes_toggle_is_a_check_box_that_follows_its_action(qtbot, window):
    toggle = window.tabs.cornerWidget()
    assert isinstance(toggle, QCheckBox) and toggle.objectName() == "inkBoxesButton"
    assert toggle.text() == "Ink Boxes" and not toggle.isChecked()
    toggle.click()
    assert window.actions_.ink_boxes.isChecked() and window.preview.canvas.show_ink
    window.actions_.ink_boxes.trigger()
    assert not toggle.isChecked()


def test_in_a_narrow_window_the_notice_stacks_its_buttons_whole(qtbot, window):
    window.panel.show_variation(True)
    _moved(window)
    assert window.minimumSizeHint().width() <= 640
    window.resize(640, 400)
    qtbot.waitUntil(lambda: window.width() <= 640)
    bar = window.problem_bar
    back, keep = bar.width_back_button, bar.keep_width_button
    qtbot.waitUntil(lambda: back.width() >= back.sizeHint().width())
    assert keep.width() >= keep.sizeHint().width()
    assert bar.rect().contains(back.geometry()) and bar.rect().contains(keep.geometry())
