"""The window's actions: menus, status tips, standard shortcuts, shortcuts that work while
a text field has focus, About, and status messages that stop before the permanent labels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from mnist_seq_gui import __version__
from mnist_seq_gui.gui.actions import ACTIONS, MENUS
from mnist_seq_gui.gui.export_dialog import ExportDialog
from mnist_seq_gui.gui.qimage import qimage_to_grey

from .conftest import TIMEOUT_MS, answer_next_dialog, rgb_array, shown_pixels


def test_every_action_has_a_status_tip_and_a_menu(window):
    assert set(window.actions_.by_name) == set(ACTIONS)
    for name, action in window.actions_.by_name.items():
        assert action.statusTip() and action.toolTip(), name
        assert action.objectName() == f"{name}Action"
    in_menus = {name for names in MENUS.values() for name in names if name}
    assert in_menus == set(ACTIONS)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]


def test_actions_use_the_platforms_standard_shortcuts(window):
    actions = window.actions_
    standard = {
        actions.open: QKeySequence.StandardKey.Open,
        actions.save: QKeySequence.StandardKey.Save,
        actions.save_as: QKeySequence.StandardKey.SaveAs,
        actions.copy: QKeySequence.StandardKey.Copy,
        actions.quit: QKeySequence.StandardKey.Quit,
        actions.zoom_in: QKeySequence.StandardKey.ZoomIn,
        actions.zoom_out: QKeySequence.StandardKey.ZoomOut,
    }
    for action, key in standard.items():
        bindings = QKeySequence.keyBindings(key)
        assert action.shortcuts()[: len(bindings)] == bindings, action.text()
    assert QKeySequence("Ctrl+=") in actions.zoom_in.shortcuts()  # no Shift needed
    assert QKeySequence("Ctrl+E") in actions.export.shortcuts()
    assert QKeySequence("Ctrl+B") in actions.ink_boxes.shortcuts()
    assert QKeySequence("Ctrl+G") in actions.gallery.shortcuts()


def test_shortcuts_work_while_a_text_field_has_focus(qtbot, window):
    edit = window.panel.sequence_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in window.findChildren(ExportDialog) if w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].windowTitle() == "Export Dataset"
    dialogs[0].close()
    seed = window.panel.seed_spin
    seed.setFocus()
    qtbot.waitUntil(seed.hasFocus, timeout=TIMEOUT_MS)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(seed.lineEdit(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = qimage_to_grey(QGuiApplication.clipboard().image())
    assert np.array_equal(copied, shown_pixels(window))


def test_ctrl_c_copies_the_selected_text_of_a_field(qtbot, window):
    edit = window.panel.sequence_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=TIMEOUT_MS)
    edit.setSelection(1, 2)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "02"
    assert QGuiApplication.clipboard().image().isNull()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
def test_the_export_action_opens_one_dialog(qtbot, window):
    window.actions_.export.trigger()
    window.actions_.export.trigger()  # raises the open one
    dialogs = window.findChildren(ExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()


def test_about_names_the_version_the_data_and_the_licences(qtbot, window):
    seen = answer_next_dialog(lambda box: box.accept())
    window.actions_.about.trigger()
    assert len(seen) == 1
    text = seen[0]
    assert __version__ in text and "CC BY-SA 3.0" in text and "LeCun" in text
    assert "MIT" in text


def test_a_long_status_message_stops_before_the_size_label(qtbot, window):
    size_label = window.size_label
    long = "Digit 2: 0, MNIST test index 4876 \u2014 click to draw another sample " * 4
    window.status.say(long)
    qtbot.waitUntil(lambda: size_label.isVisible() and size_label.text() != "")
    assert window.status.text() == long and window.status.message.toolTip() == long
    painted = rgb_array(window.status.grab().toImage())
    x = size_label.x()
    band = painted[2:-2, max(0, x - 8) : x]
    assert (band == band[0, 0]).all()  # a gap of background before the label


def test_a_timed_message_clears_itself(qtbot, window):
    window.status.say("for a moment", 50)
    assert window.status.text() == "for a moment"
    qtbot.waitUntil(lambda: window.status.text() == "", timeout=TIMEOUT_MS)


def test_quit_closes_the_window(qtbot, window):
    window.actions_.quit.trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT_MS)
    assert not window._render.isRunning()
    assert QApplication.activeModalWidget() is None
