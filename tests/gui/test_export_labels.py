"""The export dialog's label list and length weights, and its note on layouts that give
each item's length away: real widgets, offscreen."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from mnist_seq_gui.core import Recipe
from mnist_seq_gui.dataset import NPZ_NAME, DatasetConfig, SequenceDataset, load_npz
from mnist_seq_gui.gui.export_dialog import ExportDialog

from .conftest import answer_next_dialog

TIMEOUT = 60_000  # a hang guard for exports
DATES = ["20240131", "20240229", "20241224"]
VAL = Recipe(rule="random", spacing=(0, 80))  # the README's val recipe: 3-8 digits fill 224 px


def _dialog(qtbot, **values) -> ExportDialog:
    dialog = ExportDialog(None, values)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_the_note_says_when_fill_placement_gives_the_length_away(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, min_length=3, max_length=8, recipe=VAL, out=str(tmp_path))
    config = dialog.config()
    assert config.recipe.placement == "fill" and config.length_leak
    assert dialog.leak_label.isVisible() and dialog.export_button.isEnabled()  # only a note
    assert dialog.leak_label.text() == (
        f"Note: {config.length_leak}; choose Placement: Free on the Recipe tab to place each "
        "sequence anywhere in a width that holds the longest."
    )
    assert "first digit at x = 0, last ending at x = 224" in dialog.leak_label.text()
    dialog.form.setCurrentIndex(1)
    _choose(dialog.form.rows["placement"].combo, "free")
    assert not dialog.leak_label.isVisible() and dialog.config().width == 784
    # (the window's rules keep the width free placement chose: 784 px)
    dialog = _dialog(qtbot, count=10, min_length=3, max_length=8, recipe=VAL, out=str(tmp_path))
    assert dialog.leak_label.isVisible()
    dialog.form.max_length_spin.setValue(3)  # one length: nothing to give away
    assert not dialog.leak_label.isVisible()
    dialog.form.max_length_spin.setValue(8)
    qtbot.keyClicks(dialog.form.weights_edit, "0,0,0,0,0,1")  # only 8 digits are drawn
    assert dialog.config().length_weights == (0, 0, 0, 0, 0, 1)
    assert not dialog.leak_label.isVisible()
    dialog.form.seed_edit.setText("x")  # no config: no note either, the error instead
    assert not dialog.leak_label.isVisible() and not dialog.export_button.isEnabled()


def test_length_weights_typed_in_the_form_reach_the_config_or_say_what_is_wrong(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, min_length=3, max_length=5, out=str(tmp_path),
                     recipe=Recipe(rule="random", spacing=(0, 60), placement="free"))  # fmt: skip
    qtbot.keyClicks(dialog.form.weights_edit, "1, 2,0.5")
    assert dialog.config() == DatasetConfig(
        10, 3, 5, length_weights=(1, 2, 0.5), recipe=dialog.form._session.recipe
    )
    assert dialog.export_button.isEnabled()
    qtbot.keyClicks(dialog.form.weights_edit, ",9")
    assert not dialog.export_button.isEnabled()
    assert "4 length weights for the 3 lengths 3..5" in dialog.status_text()
    dialog.form.weights_edit.setText("1,x,1")
    assert "'1,x,1' are not numbers separated by commas" in dialog.status_text()


def test_a_labels_file_chosen_with_browse_gives_the_labels_and_their_lengths(qtbot, tmp_path):
    path = tmp_path / "dates.txt"
    path.write_text("\n".join(DATES) + "\n")
    dialog = _dialog(qtbot, count=12, seed=4, out=str(tmp_path / "out"), recipe=VAL)
    form = dialog.form
    assert not form.in_order_check.isEnabled() and form.min_length_spin.isEnabled()

    def choose(box: QFileDialog) -> None:
        box.selectFile(str(path))
        box.accept()

    seen = answer_next_dialog(choose)
    qtbot.mouseClick(form.labels_button, Qt.MouseButton.LeftButton)
    assert seen == ["Labels file"]
    assert form.labels_edit.text() == str(path)
    assert not form.min_length_spin.isEnabled() and not form.weights_edit.isEnabled()
    assert form.in_order_check.isEnabled()
    config = dialog.config()
    assert config.labels == tuple(DATES) and (config.min_length, config.max_length) == (8, 8)
    assert not dialog.leak_label.isVisible()  # every string has 8 digits
    assert dialog.status_text().startswith("12 images of 224 \u00d7 28 px, 8 digits")
    form.in_order_check.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    assert data["labels"].tolist() == (DATES * 4)[:12]
    assert data["config"]["config"]["labels"] == DATES
    np.testing.assert_array_equal(data["images"], SequenceDataset(dialog.config())[:]["image"])


def test_labels_of_several_lengths_in_fill_placement_show_the_note(qtbot, tmp_path):
    path = tmp_path / "amounts.txt"
    path.write_text("1234\n123456\n")
    dialog = _dialog(qtbot, count=5, out=str(tmp_path), recipe=Recipe(rule="random",
                     spacing=(0, 60)), labels_file=str(path))  # fmt: skip
    assert dialog.config().recipe.placement == "fill"
    assert dialog.leak_label.text().startswith("Note: lengths 4, 6 all span the width")


def test_a_changed_or_bad_labels_file_is_read_again_and_said_in_the_status(qtbot, tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("007\n1234\n")
    dialog = _dialog(qtbot, count=5, out=str(tmp_path), labels_file=str(path))
    assert dialog.config().labels == ("007", "1234")
    path.write_text("008\n1235\n")  # the same size
    os.utime(path, ns=(1, 1))
    assert dialog.config().labels == ("008", "1235")
    path.write_text("007\n12-4\n")
    os.utime(path, ns=(2, 2))
    dialog.form.overwrite_check.setChecked(True)  # any edit checks the form again
    assert not dialog.export_button.isEnabled()
    assert f"{str(path)!r}, line 2: '12-4' is not a string of digits" in dialog.status_text()
    dialog.form.labels_edit.setText(str(tmp_path))
    assert "is a folder, not a regular file" in dialog.status_text()
    dialog.form.labels_edit.clear()  # no list: random digits of the spins' lengths again
    assert dialog.config().labels is None and dialog.form.min_length_spin.isEnabled()
    assert not dialog.form.in_order_check.isEnabled()


def test_the_form_takes_labels_weights_and_order_as_values(qtbot, tmp_path):
    path = tmp_path / "dates.txt"
    path.write_text("\n".join(DATES))
    dialog = _dialog(qtbot, count=5, out=str(tmp_path), labels_file=str(path),
                     labels_in_order=True)  # fmt: skip
    assert dialog.config().labels_in_order and dialog.form.in_order_check.isChecked()
    weighted = _dialog(qtbot, count=5, min_length=2, max_length=3, length_weights=(1, 3),
                       recipe=Recipe(placement="free"), out=str(tmp_path))  # fmt: skip
    assert weighted.form.weights_edit.text() == "1,3"
    assert weighted.config().length_weights == (1, 3)
