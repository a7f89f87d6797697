"""Save, Save As, Open and Copy: 1:1 pixels, parameters in PNG text, clean failures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mnist_seq_gui.gui.qimage import qimage_to_grey

from .conftest import core_pixels, shown_pixels, wait_for_latest


def _png(path: Path) -> tuple[np.ndarray, dict[str, str], str]:
    with Image.open(path) as image:
        return np.asarray(image).copy(), dict(image.text), image.mode


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in.

    Permission bits stop ordinary users; root ignores them, so as root the test uses
    /sys, where the kernel refuses new files to everyone.
    """
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        fd, probe = tempfile.mkstemp(dir=folder)
    except OSError:
        yield folder
        folder.chmod(0o755)
        return
    os.close(fd)
    os.unlink(probe)
    folder.chmod(0o755)
    yield Path("/sys")


def test_save_writes_the_shown_pixels_one_to_one(qtbot, window, tmp_path):
    window.panel.sequence_edit.setText("2024")
    window.panel.white_on_black_check.setChecked(True)
    wait_for_latest(qtbot, window)
    target = tmp_path / "out.png"
    assert window.save_to(target)
    pixels, text, mode = _png(target)
    assert mode == "L"
    assert pixels.shape == (28, window.panel.width_spin.value())
    assert np.array_equal(pixels, shown_pixels(window))
    comp = window.result().composition
    assert text["sequence"] == "2024"
    assert text["seed"] == str(comp.seed)
    assert text["width"] == str(comp.spec.width)
    assert text["polarity"] == "white-on-black"
    assert text["mnist_indices"] == ",".join(map(str, comp.indices))
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary left


def test_open_restores_parameters_and_pixels(qtbot, window, tmp_path):
    # A per-digit reroll makes the indices differ from what the seed alone gives.
    window.model.set("rule", "random")
    window.panel.width_spin.setValue(131)
    wait_for_latest(qtbot, window)
    window.samples.reroll_digit(0)
    wait_for_latest(qtbot, window)
    saved_spec = window.current_spec()
    target = tmp_path / "saved.png"
    assert window.save_to(target)
    saved_pixels, _, _ = _png(target)

    window.panel.sequence_edit.setText("99")
    window.samples.reroll()
    wait_for_latest(qtbot, window)
    assert shown_pixels(window).shape != saved_pixels.shape

    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    assert window.current_spec() == saved_spec
    assert np.array_equal(shown_pixels(window), saved_pixels)
    assert window.problem_text() == ""


def test_save_as_suggests_the_cli_name_and_remembers_the_folder(
    qtbot, window, tmp_path, monkeypatch, make_window
):
    asked = {}

    def fake_dialog(parent, caption, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "chosen"), filters  # no suffix: .png is added

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    window.save_as_action.trigger()
    assert Path(asked["suggested"]).name == "2-0-2-4.png"
    written = tmp_path / "chosen.png"
    assert np.array_equal(_png(written)[0], shown_pixels(window))
    assert window.document.default_save_path().parent == tmp_path
    # Save writes to the same file; as it holds another image now, it asks first.
    window.samples.reroll()
    wait_for_latest(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", None)  # would fail if called
    asked_to_replace: list[str] = []

    def replace() -> None:
        box = QApplication.activeModalWidget()
        asked_to_replace.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, replace)
    window.save_action.trigger()
    assert asked_to_replace == ["chosen.png holds a different image."]
    assert np.array_equal(_png(written)[0], shown_pixels(window))
    assert not window.isWindowModified()
    # Saving the same image again does not ask.
    assert window.save()
    window.close()
    # The folder is remembered across sessions.
    again = make_window()
    assert again.document.default_save_path() == tmp_path / "2-0-2-4.png"


def test_save_into_an_unwritable_folder_reports_and_writes_nothing(
    qtbot, window, unwritable_folder
):
    before = set(os.listdir(unwritable_folder))
    assert not window.save_to(unwritable_folder / "2-0-2-4.png")
    dialog = window.error_dialog()
    assert dialog is not None and dialog.isVisible()
    assert "cannot write" in dialog.text()
    assert "denied" in dialog.text().lower() or "read-only" in dialog.text().lower()
    assert set(os.listdir(unwritable_folder)) == before
    assert "cannot write" in window.statusBar().currentMessage()
    dialog.close()


def test_save_into_a_missing_folder_reports(qtbot, window, tmp_path):
    assert not window.save_to(tmp_path / "nope" / "x.png")
    assert "does not exist" in window.error_dialog().text()
    assert not (tmp_path / "nope").exists()
    window.error_dialog().close()


def test_open_a_foreign_png_explains(qtbot, window, tmp_path):
    before = shown_pixels(window)
    foreign = tmp_path / "foreign.png"
    Image.fromarray(np.zeros((28, 28), np.uint8), mode="L").save(foreign)
    assert not window.open_file(foreign)
    assert "not saved by mnist-seq" in window.error_dialog().text()
    window.error_dialog().close()
    assert np.array_equal(shown_pixels(window), before)


def test_copy_puts_the_one_to_one_image_on_the_clipboard(qtbot, window):
    window.copy_action.trigger()
    copied = QGuiApplication.clipboard().image()
    assert np.array_equal(qimage_to_grey(copied), shown_pixels(window))
    assert np.array_equal(
        qimage_to_grey(copied), core_pixels(window.current_spec(), window.panel.seed_spin.value())
    )


def test_open_a_file_made_by_the_core_with_wide_spacing(qtbot, window, tmp_path):
    from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
    from mnist_seq_gui.files import composition_text, write_png

    spec = SequenceSpec((5, 0, 5), width=3 * 28 + 2 * 250, min_spacing=240, max_spacing=260)
    comp = compose(bundled_bank(), spec, 424242, dtype=np.uint8)
    path = tmp_path / "wide.png"
    write_png(path, comp.pixels, composition_text(comp))
    assert window.open_file(path)
    wait_for_latest(qtbot, window)
    assert window.current_spec() == spec
    assert np.array_equal(shown_pixels(window), comp.pixels)
