"""Never lose work: Open (Ctrl+O), Quit (Ctrl+Q) and closing the window ask Save / Discard
/ Cancel when the recipe shown differs from the open file's (the title's `*`); a Save
that fails or is cancelled keeps the changes and the window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .conftest import answer_next_dialog, png_file, shown_pixels, wait_for_latest

B = QMessageBox.StandardButton
CTRL = Qt.KeyboardModifier.ControlModifier
ASKED = "The recipe shown has changes not saved to {}."


def changed_after_saving(qtbot, window, path):
    assert window.document.save_to(path)
    window.panel.sequence_edit.setText("31415")
    wait_for_latest(qtbot, window)
    assert window.isWindowModified()
    return window.model.session(), shown_pixels(window)


def click(button: B):
    def answer(box: QMessageBox) -> None:
        assert box.objectName() == "unsavedDialog"
        box.button(button).click()

    return answer


def discard_and_close(window) -> None:
    asked = answer_next_dialog(click(B.Discard))
    window.close()
    assert len(asked) == 1 and not window.isVisible()


def test_open_with_unsaved_changes_asks_and_cancel_keeps_them(qtbot, window, tmp_path):
    session, pixels = changed_after_saving(qtbot, window, tmp_path / "a.png")
    asked = answer_next_dialog(click(B.Cancel))
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    assert asked == [ASKED.format("a.png")]
    assert window.model.session() == session and window.isWindowModified()
    assert np.array_equal(shown_pixels(window), pixels)
    discard_and_close(window)


def test_open_then_discard_opens_the_file_chosen(qtbot, window, tmp_path):
    other = tmp_path / "b.png"
    window.panel.seed_spin.setValue(9)
    wait_for_latest(qtbot, window)
    assert window.document.save_to(other)
    saved = window.model.session()
    changed_after_saving(qtbot, window, tmp_path / "a.png")

    def choose(dialog: QFileDialog) -> None:
        dialog.selectFile(str(other))
        dialog.accept()

    def discard(box: QMessageBox) -> None:
        seen.append(answer_next_dialog(choose))  # the file dialog comes next
        box.button(B.Discard).click()

    seen: list[list[str]] = []
    asked = answer_next_dialog(discard)
    window.actions_.open.trigger()
    assert asked == [ASKED.format("a.png")] and seen == [["Open Image"]]
    wait_for_latest(qtbot, window)
    assert window.model.session().replace(indices=None) == saved
    assert not window.isWindowModified()
    assert np.array_equal(shown_pixels(window), png_file(other)[0])


def test_close_with_unsaved_changes_asks_and_cancel_keeps_the_window(qtbot, window, tmp_path):
    session, _pixels = changed_after_saving(qtbot, window, tmp_path / "a.png")
    asked = answer_next_dialog(click(B.Cancel))
    window.close()
    assert asked == [ASKED.format("a.png")]
    assert window.isVisible() and window.model.session() == session
    asked = answer_next_dialog(click(B.Cancel))
    window.actions_.quit.trigger()  # File > Quit asks the same
    assert asked == [ASKED.format("a.png")] and window.isVisible()
    discard_and_close(window)


def test_save_in_the_question_writes_the_file_then_closes(qtbot, window, tmp_path):
    path = tmp_path / "a.png"
    _session, pixels = changed_after_saving(qtbot, window, path)

    def save(box: QMessageBox) -> None:
        # The file holds another image: Save asks before replacing it, as Ctrl+S does.
        replace.append(answer_next_dialog(lambda again: again.button(B.Yes).click()))
        box.button(B.Save).click()

    replace: list[list[str]] = []
    asked = answer_next_dialog(save)
    window.close()
    assert asked == [ASKED.format("a.png")] and replace == [["a.png holds a different image."]]
    assert not window.isVisible()
    on_disk, text = png_file(path)
    assert np.array_equal(on_disk, pixels) and text["sequence"] == "31415"


def test_a_save_that_is_cancelled_or_fails_keeps_the_window(
    qtbot, window, tmp_path, read_only_folder
):
    def save_then(answer: B):
        def save(box: QMessageBox) -> None:
            answer_next_dialog(lambda again: again.button(answer).click())
            box.button(B.Save).click()

        return save

    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "a.png"
    session, _pixels = changed_after_saving(qtbot, window, path)
    before = path.read_bytes()
    answer_next_dialog(save_then(B.Cancel))  # Save, then Cancel at "Replace?"
    window.close()
    assert window.isVisible() and window.model.session() == session
    with read_only_folder(folder):
        answer_next_dialog(save_then(B.Yes))  # Save, Replace: the folder is read-only
        window.close()
        assert window.isVisible() and window.model.session() == session
        assert "cannot write" in window.error_dialog().text()
        assert path.read_bytes() == before
    window.error_dialog().close()
    discard_and_close(window)


def test_nothing_is_asked_without_unsaved_changes(qtbot, window, tmp_path):
    window.panel.sequence_edit.setText("31415")  # untitled: kept in the settings, not lost
    wait_for_latest(qtbot, window)
    window.close()
    assert not window.isVisible()
