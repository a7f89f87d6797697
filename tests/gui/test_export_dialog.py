"""File > Export dataset...: prefilled form, export off the UI thread, Cancel leaves nothing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from mnist_seq_gui.dataset import (
    METADATA_NAME,
    NPZ_NAME,
    DatasetConfig,
    SequenceDataset,
    load_npz,
)
from mnist_seq_gui.gui.export_checks import defaults_from_recipe
from mnist_seq_gui.gui.export_dialog import ExportDialog
from mnist_seq_gui.gui.recipe import Recipe


def _dialog(qtbot, **defaults) -> ExportDialog:
    dialog = ExportDialog(None, defaults)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_prefilled_from_the_explorer_parameters(qtbot, tmp_path):
    recipe = Recipe("007", "random", min_spacing=2, max_spacing=9, width=100, seed=77)
    defaults = defaults_from_recipe(recipe, count=1234) | {"out": str(tmp_path)}
    dialog = _dialog(qtbot, **defaults)
    config = dialog.config()
    assert config == DatasetConfig(
        count=1234, min_length=3, max_length=3, width=100, min_spacing=2, max_spacing=9,
        rule="random", seed=77, dtype="uint8",
    )  # fmt: skip
    assert dialog.form.count_spin.value() == 1234 and dialog.form.seed_edit.text() == "77"
    assert dialog.export_button.isEnabled()
    assert "1,234 images of 100 x 28 px" in dialog.status_text()


def test_impossible_parameters_disable_export_and_say_why(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, out=str(tmp_path))
    assert dialog.export_button.isEnabled()
    dialog.form.min_length_spin.setValue(3)
    dialog.form.max_length_spin.setValue(8)
    dialog.form.max_spacing_spin.setValue(10)
    assert not dialog.export_button.isEnabled()
    assert "use the random rule" in dialog.status_text()
    dialog.form.rule_combo.setCurrentText("random")
    assert "allow max spacing 70" in dialog.status_text()
    dialog.form.max_spacing_spin.setValue(80)
    assert dialog.export_button.isEnabled()
    dialog.form.seed_edit.setText("12x")
    assert not dialog.export_button.isEnabled() and "not a whole number" in dialog.status_text()


def test_export_runs_in_the_background_and_reports_where_files_went(qtbot, tmp_path):
    out = tmp_path / "npz"
    dialog = _dialog(qtbot, count=2000, seed=5, min_length=3, max_length=8, rule="random",
                     max_spacing=80, out=str(out))  # fmt: skip
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as blocker:
        assert dialog.start_export()
        assert dialog.is_exporting() and not dialog.form.count_spin.isEnabled()
    assert blocker.args == [str(out / NPZ_NAME)]
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    assert str(out / NPZ_NAME) in dialog.status_text()
    assert dialog.form.count_spin.isEnabled() and dialog.progress_dialog is None
    data = load_npz(out / NPZ_NAME)
    expected = SequenceDataset(dialog.config())[:]
    np.testing.assert_array_equal(data["images"], expected["image"])
    np.testing.assert_array_equal(data["labels"], expected["label"])


def test_png_export_from_the_dialog(qtbot, tmp_path):
    out = tmp_path / "png"
    dialog = _dialog(qtbot, count=300, seed=1, format="png", out=str(out))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    assert len(list(out.glob("*.png"))) == 300
    assert len((out / METADATA_NAME).read_text().splitlines()) == 300


@pytest.mark.parametrize("fmt", ["npz", "png"])
def test_cancel_stops_the_work_and_leaves_no_partial_files(qtbot, tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    count = 3_000_000 if fmt == "npz" else 200_000  # far more than finishes before Cancel
    dialog = _dialog(qtbot, count=count, seed=2, format=fmt, out=str(out))
    with qtbot.waitSignal(dialog.export_cancelled, timeout=60_000):
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.progress_dialog.value() > 0, timeout=30_000)
        qtbot.mouseClick(dialog.progress_dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    assert list(out.iterdir()) == []
    assert "cancelled" in dialog.status_text()
    assert dialog.export_button.isEnabled()


def test_closing_the_dialog_during_an_export_cancels_and_joins_it(qtbot, tmp_path):
    out = tmp_path / "created-by-export"
    dialog = _dialog(qtbot, count=3_000_000, seed=3, out=str(out))
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.progress_dialog.value() > 0, timeout=30_000)
    dialog.reject()
    assert not dialog.is_exporting()
    assert not out.exists()


def test_a_failed_export_is_reported(qtbot, tmp_path):
    out = tmp_path / "out"
    dialog = _dialog(qtbot, count=5, out=str(out), source=str(tmp_path / "no-such-digits"))
    with qtbot.waitSignal(dialog.export_failed, timeout=30_000) as blocker:
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    assert "no-such-digits" in blocker.args[0]
    assert "Export failed" in dialog.status_text()
    assert not out.exists()


def test_a_folder_that_is_not_empty_is_refused_before_starting(qtbot, tmp_path):
    (tmp_path / "taken.txt").write_text("x")
    dialog = _dialog(qtbot, count=5, out=str(tmp_path))
    assert not dialog.export_button.isEnabled()
    assert not dialog.start_export()
    assert "not empty" in dialog.status_text() and "--" not in dialog.status_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.txt"]
