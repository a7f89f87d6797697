"""Save, Save As, Open and Copy: 1:1 pixels, the session in PNG text, the title's file
name and unsaved-changes mark, and a message (never an exception) for what fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mnist_seq_gui.core import Recipe, bundled_bank, compose
from mnist_seq_gui.files import composition_text, write_png
from mnist_seq_gui.gui.qimage import qimage_to_grey

from .conftest import answer_next_dialog, png_file, session_pixels, shown_pixels, wait_for_latest


def test_save_writes_the_shown_pixels_and_the_session_as_text(qtbot, window, tmp_path):
    window.panel.rows["white_on_black"].check.setChecked(True)
    wait_for_latest(qtbot, window)
    target = tmp_path / "out.png"
    assert window.document.save_to(target)
    pixels, text = png_file(target)
    assert pixels.dtype == np.uint8 and pixels.shape == (28, 124)
    assert np.array_equal(pixels, shown_pixels(window))
    comp = window.result().composition
    assert text["sequence"] == "2024" and text["seed"] == "0" and text["width"] == "124"
    assert text["white_on_black"] == "true" and text["spacing"] == "0,10"
    assert text["mnist_indices"] == ",".join(map(str, comp.indices))
    assert text["Software"].startswith("mnist-seq ")
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary file left
    assert window.status.text() == "Saved out.png (124 \u00d7 28 px)"


def test_open_brings_back_the_session_and_its_pixels(qtbot, window, tmp_path):
    window.model.set("rule", "random")
    window.panel.rows["width"].spin.setValue(131)
    window.panel.item_spin.setValue(3)
    wait_for_latest(qtbot, window)
    window.reroll_digit(0)  # picked images differ from what the seed alone gives
    wait_for_latest(qtbot, window)
    saved = window.model.session()
    target = tmp_path / "saved.png"
    assert window.document.save_to(target)
    on_disk, text = png_file(target)
    assert text["item"] == "3"
    window.panel.sequence_edit.setText("99")
    window.reroll()
    wait_for_latest(qtbot, window)
    assert shown_pixels(window).shape != on_disk.shape
    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    assert window.model.session() == saved
    assert np.array_equal(shown_pixels(window), on_disk)
    assert window.problem_text() == "" and window.status.text() == "Opened saved.png"


def test_the_title_names_the_file_and_marks_unsaved_changes(qtbot, window, tmp_path):
    assert not window.isWindowModified() and window.windowFilePath() == ""
    path = tmp_path / "a.png"
    assert window.document.save_to(path)
    assert Path(window.windowFilePath()) == path
    assert window.windowTitle() == "a.png[*] \u2014 mnist-seq explorer"
    assert not window.isWindowModified()
    window.panel.sequence_edit.setText("31415")
    assert window.isWindowModified()
    window.panel.sequence_edit.setText("2024")  # back to what the file holds
    assert not window.isWindowModified()


def test_save_asks_before_replacing_a_file_that_holds_another_image(qtbot, window, tmp_path):
    path = tmp_path / "a.png"
    assert window.document.save_to(path)
    before, _text = png_file(path)
    window.panel.sequence_edit.setText("31415")
    wait_for_latest(qtbot, window)
    cancel = QMessageBox.StandardButton.Cancel
    asked = answer_next_dialog(lambda box: box.button(cancel).click())
    assert not window.document.save()
    assert asked == ["a.png holds a different image."]
    assert np.array_equal(png_file(path)[0], before)  # nothing replaced
    assert window.status.text() == "Not saved" and window.isWindowModified()
    replace = QMessageBox.StandardButton.Yes
    asked = answer_next_dialog(lambda box: box.button(replace).click())
    assert window.document.save()
    assert asked == ["a.png holds a different image."]
    assert np.array_equal(png_file(path)[0], shown_pixels(window))
    assert not window.isWindowModified()
    assert window.document.save()  # the same image again: no question


def test_save_as_suggests_the_digits_name_and_remembers_the_folder(
    qtbot, window, tmp_path, make_window
):
    def choose(dialog: QFileDialog) -> None:
        chose["suggested"] = dialog.selectedFiles()[0]
        dialog.selectFile(str(tmp_path / "chosen"))  # no suffix: .png is added
        dialog.accept()

    chose: dict[str, str] = {}
    seen = answer_next_dialog(choose)
    window.actions_.save_as.trigger()
    assert seen == ["Save Image"]
    assert Path(chose["suggested"]).name == "2-0-2-4.png"
    written = tmp_path / "chosen.png"
    assert np.array_equal(png_file(written)[0], shown_pixels(window))
    assert window.document.default_save_path() == tmp_path / "2-0-2-4.png"
    window.close()
    again = make_window()  # the folder is remembered across sessions
    assert again.document.default_save_path() == tmp_path / "2-0-2-4.png"


def test_save_into_a_read_only_folder_says_why_and_writes_nothing(
    qtbot, window, tmp_path, read_only_folder
):
    with read_only_folder(tmp_path / "locked") as folder:
        assert not window.document.save_to(folder / "2-0-2-4.png")
        assert list(folder.iterdir()) == []
    dialog = window.error_dialog()
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "errorDialog"
    assert "cannot write" in dialog.text()
    assert any(why in dialog.text().lower() for why in ("denied", "read-only", "not permitted"))
    assert window.status.text() == dialog.text()
    dialog.close()


def test_save_into_a_missing_folder_says_so(qtbot, window, tmp_path):
    assert not window.document.save_to(tmp_path / "nope" / "x.png")
    assert "does not exist" in window.error_dialog().text()
    assert not (tmp_path / "nope").exists()
    window.error_dialog().close()


def test_a_png_not_saved_by_mnist_seq_is_refused_with_a_reason(qtbot, window, tmp_path):
    before, session = shown_pixels(window), window.model.session()
    foreign = tmp_path / "foreign.png"
    write_png(foreign, np.zeros((28, 28), np.uint8), {})
    assert not window.open_file(foreign)
    assert "was not saved by mnist-seq" in window.error_dialog().text()
    assert window.error_dialog().windowTitle() == "Could not open the image"
    assert window.model.session() == session and np.array_equal(shown_pixels(window), before)


def test_copy_puts_the_one_to_one_image_on_the_clipboard(qtbot, window):
    QGuiApplication.clipboard().clear()
    window.actions_.copy.trigger()
    copied = qimage_to_grey(QGuiApplication.clipboard().image())
    assert np.array_equal(copied, shown_pixels(window))
    assert np.array_equal(copied, session_pixels(window.model.session()))
    assert window.status.text() == "Copied the 124 \u00d7 28 px image"


def test_nothing_is_saved_or_copied_before_the_first_image(qtbot, make_window):
    from mnist_seq_gui.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.result() is None
    assert not window.actions_.save.isEnabled() and not window.actions_.copy.isEnabled()
    assert not window.document.save_to(Path("never-written.png"))
    assert window.status.text() == "Nothing to save yet"
    wait_for_latest(qtbot, window)
    assert window.actions_.save.isEnabled() and window.actions_.copy.isEnabled()


def test_a_file_made_by_the_core_with_wide_spacing_opens(qtbot, window, tmp_path):
    recipe = Recipe(width=3 * 28 + 2 * 250, spacing=(240, 260), placement="fill")
    comp = compose(bundled_bank(), recipe, "505", 424242)
    path = write_png(tmp_path / "wide.png", comp.pixels, composition_text(comp))
    assert window.open_file(path)
    wait_for_latest(qtbot, window)
    assert window.model.session().recipe == recipe
    assert np.array_equal(shown_pixels(window), comp.pixels)


def test_open_uses_the_digit_source_the_file_records(qtbot, window, tmp_path, write_idx_pair):
    from mnist_seq_gui.cli import main as cli_main

    bank = bundled_bank()  # in reverse order: the same index shows another image
    folder = tmp_path / "other"
    write_idx_pair(folder, "other", bank.images[::-1], bank.labels[::-1])
    load = QMessageBox.StandardButton.Yes  # a source never chosen here is confirmed once
    asked = answer_next_dialog(lambda box: box.button(load).click())
    for seed in range(2):
        target = tmp_path / f"other-{seed}.png"
        argv = ["2024", "0", "10", "142", "--seed", str(seed), "--source", str(folder)]
        assert cli_main([*argv, "-o", str(target)]) == 0
        assert window.open_file(target)
        assert len(asked) == 1 and f"draws its digits from {folder}/" in asked[0], asked
        wait_for_latest(qtbot, window)
        source = window.model.session().source
        assert source is not None and Path(source).parent == folder
        assert np.array_equal(shown_pixels(window), png_file(target)[0]), seed
    assert window.panel.source_combo.currentData() == source
    assert window.panel.source_combo.currentText() == "other-images-idx3-ubyte"
    tip = window.preview.canvas.tips[0]  # another source: its images are not MNIST's test set
    assert tip.startswith("Digit 2 \u00b7 index ") and "MNIST" not in tip


def test_another_digit_folder_is_chosen_from_the_source_list(
    qtbot, window, tmp_path, write_idx_pair
):
    bank = bundled_bank()
    folder = tmp_path / "digits"
    write_idx_pair(folder, "mine", bank.images[::-1], bank.labels[::-1])

    def choose(dialog: QFileDialog) -> None:
        dialog.setDirectory(str(folder))
        dialog.selectFile(str(folder))
        dialog.accept()

    combo = window.panel.source_combo
    assert combo.currentText() == "Bundled MNIST test set"
    seen = answer_next_dialog(choose)
    combo.activated.emit(combo.count() - 1)  # "Other IDX folder..."
    assert seen == ["Folder with MNIST IDX files"]
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.source == str(folder) and combo.currentData() == str(folder)
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    assert not np.array_equal(shown_pixels(window), session_pixels(session.replace(source=None)))
    combo.activated.emit(0)  # back to the bundled digits
    wait_for_latest(qtbot, window)
    assert window.model.session().source is None
