"""A saved PNG's recipe may name any digit source: one the user never chose (with the
explorer's own source chooser, now or in an earlier session) is shown and confirmed
before anything is read from it; a source confirmed once, or chosen, is not asked again."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mnist_seq_gui.cli import main as cli_main
from mnist_seq_gui.core import bundled_bank

from .conftest import answer_next_dialog, png_file, shown_pixels, wait_for_latest

B = QMessageBox.StandardButton


def png_from(folder, target, seed: int = 0):
    argv = ["2024", "0", "10", "142", "--seed", str(seed), "--source", str(folder)]
    assert cli_main([*argv, "-o", str(target)]) == 0
    return target


def digits_folder(tmp_path, write_idx_pair, name: str = "other"):
    bank = bundled_bank()  # reversed: the same index shows another image
    folder = tmp_path / name
    write_idx_pair(folder, name, bank.images[::-1], bank.labels[::-1])
    return folder


polling = [True]


def answer(button: B) -> list[str]:
    """Click `button` in the source question when it comes (while `polling`)."""
    seen: list[str] = []
    polling[0] = True

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "sourceDialog":
            seen.append(box.text())
            box.button(button).click()
        elif polling[0]:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_a_source_never_chosen_is_shown_and_cancel_reads_nothing(
    qtbot, window, tmp_path, write_idx_pair
):
    folder = digits_folder(tmp_path, write_idx_pair)
    path = png_from(folder, tmp_path / "other.png")
    before, pixels = window.model.session(), shown_pixels(window)
    asked = answer(B.Cancel)
    assert not window.open_file(path)
    assert asked == [f"other.png draws its digits from {folder}/other-images-idx3-ubyte"]
    assert window.model.session() == before and window.windowFilePath() == ""
    assert np.array_equal(shown_pixels(window), pixels)
    assert window.status.text().startswith("Not opened: other.png draws its digits from ")


def test_a_confirmed_source_loads_and_is_not_asked_again(
    qtbot, make_window, tmp_path, write_idx_pair
):
    window = make_window()
    folder = digits_folder(tmp_path, write_idx_pair)
    asked = answer(B.Yes)
    assert window.open_file(png_from(folder, tmp_path / "a.png"))
    assert len(asked) == 1
    wait_for_latest(qtbot, window)
    assert np.array_equal(shown_pixels(window), png_file(tmp_path / "a.png")[0])
    window.close()
    again = make_window()  # a later session: remembered in the settings
    again.model.set("source", None)
    asked = answer(B.Cancel)  # a question would make open_file fail
    assert again.open_file(png_from(folder, tmp_path / "b.png", seed=3)) and asked == []
    polling[0] = False
    wait_for_latest(qtbot, again)
    assert np.array_equal(shown_pixels(again), png_file(tmp_path / "b.png")[0])


def test_a_folder_chosen_with_the_source_chooser_is_not_asked_about(
    qtbot, window, tmp_path, write_idx_pair
):
    folder = digits_folder(tmp_path, write_idx_pair, "mine")

    def choose(dialog: QFileDialog) -> None:
        dialog.setDirectory(str(folder))
        dialog.selectFile(str(folder))
        dialog.accept()

    combo = window.panel.source_combo
    answer_next_dialog(choose)
    combo.activated.emit(combo.count() - 1)  # "Other IDX folder..."
    wait_for_latest(qtbot, window)
    combo.activated.emit(0)  # back to the bundled digits
    wait_for_latest(qtbot, window)
    assert window.model.session().source is None
    path = png_from(folder, tmp_path / "mine.png")
    asked = answer(B.Cancel)  # a question would make open_file fail
    assert window.open_file(path) and asked == []
    polling[0] = False
    wait_for_latest(qtbot, window)
    assert np.array_equal(shown_pixels(window), png_file(path)[0])
