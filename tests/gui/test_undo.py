"""Undo and redo (Edit > Undo, Ctrl+Z; Edit > Redo, Ctrl+Shift+Z) of every recipe change:
typed digits, a slider drag, a gallery pick, a digit drawn again, No variation. Each
restores the exact session and so the same pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from mnist_seq_gui.gui.actions import MENUS

from .conftest import (
    TIMEOUT_MS,
    enter,
    open_gallery,
    session_pixels,
    shown_pixels,
    wait_for_latest,
)

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def undo(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    wait_for_latest(qtbot, window)


def redo(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    wait_for_latest(qtbot, window)


def shown_now(window):
    return window.model.session(), shown_pixels(window)


def assert_shows(window, state) -> None:
    session, pixels = state
    assert window.model.session() == session
    assert np.array_equal(shown_pixels(window), pixels)
    assert np.array_equal(pixels, session_pixels(session))  # what the recipe draws
    assert window.panel.sequence_edit.text() == session.sequence


def test_undo_and_redo_are_edit_actions_on_the_standard_keys(window):
    actions = window.actions_
    assert actions.undo.objectName() == "undoAction"
    assert actions.redo.objectName() == "redoAction"
    assert QKeySequence("Ctrl+Z") in actions.undo.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in actions.redo.shortcuts()
    assert MENUS["&Edit"][:2] == ("undo", "redo")
    assert not actions.undo.isEnabled() and not actions.redo.isEnabled()


def test_a_gallery_pick_is_undone_back_to_the_typed_digits(qtbot, window):
    first = shown_now(window)
    enter(qtbot, window.panel.sequence_edit, "31415926")
    wait_for_latest(qtbot, window)
    typed = shown_now(window)
    assert typed[0].sequence == "31415926"
    open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point_of(5))
    wait_for_latest(qtbot, window)
    picked = shown_now(window)
    assert picked[0].item == 5 and picked[0] != typed[0]
    assert window.actions_.undo.text() == "&Undo Gallery Pick"
    undo(qtbot, window)
    assert_shows(window, typed)
    assert window.actions_.redo.text() == "&Redo Gallery Pick"
    undo(qtbot, window)  # the eight digits typed were one step
    assert_shows(window, first)
    assert not window.actions_.undo.isEnabled()
    redo(qtbot, window)
    assert_shows(window, typed)
    redo(qtbot, window)
    assert_shows(window, picked)
    assert not window.actions_.redo.isEnabled()


def test_ctrl_z_undoes_the_recipe_while_the_digits_field_has_focus(qtbot, window):
    first = shown_now(window)
    edit = window.panel.sequence_edit
    enter(qtbot, edit, "777")
    wait_for_latest(qtbot, window)
    qtbot.waitUntil(edit.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    wait_for_latest(qtbot, window)
    assert_shows(window, first)


def _handle_centre(slider: QSlider) -> QPoint:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    return handle.center()


def test_a_slider_drag_is_one_step(qtbot, window):
    first = shown_now(window)
    slider = window.panel.rows["width"].slider
    start = _handle_centre(slider)
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=start)
    for dx in (10, 25, 40, 60):
        qtbot.mouseMove(slider, QPoint(start.x() + dx, start.y()))
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 60, start.y()))
    wait_for_latest(qtbot, window)
    dragged = shown_now(window)
    assert dragged[0].get("width") > first[0].get("width")
    assert window.actions_.undo.text() == "&Undo Width"
    undo(qtbot, window)
    assert_shows(window, first)
    assert not window.actions_.undo.isEnabled()  # the whole drag was one step
    redo(qtbot, window)
    assert_shows(window, dragged)


def test_a_digit_drawn_again_and_no_variation_are_undone(qtbot, window):
    window.model.set("slant", (-10.0, 10.0))
    wait_for_latest(qtbot, window)
    varied = shown_now(window)
    canvas = window.preview.canvas
    x0, y0, x1, y1 = window.result().composition.boxes[1]
    point = canvas.widget_point_of((x0 + x1) / 2, (y0 + y1) / 2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    wait_for_latest(qtbot, window)
    rerolled = shown_now(window)
    assert rerolled[0].indices is not None
    window.panel.clear_button.click()  # "No variation"
    wait_for_latest(qtbot, window)
    assert window.model.session().get("slant") != (-10.0, 10.0)
    assert window.actions_.undo.text() == "&Undo No Variation"
    undo(qtbot, window)
    assert_shows(window, rerolled)
    assert window.actions_.undo.text() == "&Undo Draw Another 0"
    undo(qtbot, window)
    assert_shows(window, varied)


def test_a_new_change_after_undo_drops_the_steps_undone(qtbot, window):
    window.panel.seed_spin.setValue(5)
    wait_for_latest(qtbot, window)
    undo(qtbot, window)
    window.panel.seed_spin.setValue(6)
    wait_for_latest(qtbot, window)
    assert not window.actions_.redo.isEnabled()
    undo(qtbot, window)
    assert window.model.session().seed == 0
