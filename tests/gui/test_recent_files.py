"""File > Open Recent: the last 10 files opened or saved, newest first, kept in the
settings across sessions; files that are gone are pruned; an entry opens its file, asking
first about unsaved changes."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMenu, QMessageBox

from mnist_seq_gui.gui.settings import RECENT_KEY, settings_store

from .conftest import answer_next_dialog, png_file, shown_pixels, wait_for_latest


def recent_menu(window) -> QMenu:
    menu = window.findChild(QMenu, "recentFilesMenu")
    assert menu is not None
    menu.aboutToShow.emit()  # as when the user opens it
    return menu


def entries(window) -> list[str]:
    return [a.text() for a in recent_menu(window).actions() if a.data()]


def test_open_recent_follows_open_in_the_file_menu(window):
    file_menu = window.menuBar().actions()[0].menu()
    items = file_menu.actions()
    opened = items.index(window.actions_.open)
    assert items[opened + 1].menu() is recent_menu(window)
    assert not recent_menu(window).isEnabled()  # nothing yet


def test_the_last_ten_files_newest_first_across_sessions(qtbot, make_window, tmp_path):
    window = make_window()
    for n in range(12):
        assert window.document.save_to(tmp_path / f"f{n}.png")
    assert entries(window) == [f"&{n + 1} f{11 - n}.png" for n in range(9)] + ["1&0 f2.png"]
    assert window.document.open_file(tmp_path / "f5.png")
    assert entries(window)[:2] == ["&1 f5.png", "&2 f11.png"]
    window.close()
    again = make_window()
    assert entries(again)[:2] == ["&1 f5.png", "&2 f11.png"]
    assert recent_menu(again).isEnabled()


def test_files_that_are_gone_are_pruned(qtbot, window, tmp_path):
    for name in ("a.png", "b.png", "c.png"):
        assert window.document.save_to(tmp_path / name)
    (tmp_path / "b.png").unlink()
    assert entries(window) == ["&1 c.png", "&2 a.png"]
    assert settings_store().value(RECENT_KEY) == [str(tmp_path / n) for n in ("c.png", "a.png")]


def test_an_entry_opens_its_file_after_asking_about_unsaved_changes(qtbot, window, tmp_path):
    window.panel.seed_spin.setValue(7)
    wait_for_latest(qtbot, window)
    first = tmp_path / "first.png"
    assert window.document.save_to(first)
    window.panel.seed_spin.setValue(8)
    wait_for_latest(qtbot, window)
    assert window.document.save_to(tmp_path / "second.png")
    window.panel.sequence_edit.setText("555")
    wait_for_latest(qtbot, window)
    entry = next(a for a in recent_menu(window).actions() if a.text() == "&2 first.png")
    discard = QMessageBox.StandardButton.Discard
    asked = answer_next_dialog(lambda box: box.button(discard).click())
    entry.trigger()
    assert asked == ["The recipe shown has changes not saved to second.png."]
    wait_for_latest(qtbot, window)
    assert window.model.session().seed == 7 and not window.isWindowModified()
    assert np.array_equal(shown_pixels(window), png_file(first)[0])
    assert entries(window)[0] == "&1 first.png"


def test_clear_menu_forgets_the_list(qtbot, window, tmp_path):
    assert window.document.save_to(tmp_path / "a.png")
    menu = recent_menu(window)
    next(a for a in menu.actions() if a.objectName() == "clearRecentAction").trigger()
    assert entries(window) == [] and not menu.isEnabled()
    assert (tmp_path / "a.png").exists()
