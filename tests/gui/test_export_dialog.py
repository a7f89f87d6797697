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


VARIED = Recipe(
    "3141",
    "random",
    min_spacing=-6,
    max_spacing=8,
    width=110,
    seed=9,
    pool="train",
    height=40,
    jitter_y=(0, 12),
    slant=(-15.0, 15.0),
    scale=(0.8, 1.2),
    noise=5.0,
)


def test_prefilled_with_the_windows_pool_and_variation(qtbot, tmp_path):
    defaults = defaults_from_recipe(VARIED, count=500) | {"out": str(tmp_path)}
    dialog = _dialog(qtbot, **defaults)
    config = dialog.config()
    assert config == DatasetConfig(
        count=500, min_length=4, max_length=4, width=110, min_spacing=-6, max_spacing=8,
        rule="random", seed=9, dtype="uint8", pool="train", variation=VARIED.variation(),
    )  # fmt: skip
    assert config.placement == "fill"
    rows = dialog.form.variation_form.rows
    assert (rows["slant"].low.value(), rows["slant"].high.value()) == (-15, 15)
    assert rows["height"].spin.value() == 40 and dialog.form.pool_combo.currentData() == "train"
    assert dialog.form.min_spacing_spin.value() == -6  # overlap
    assert "500 images of 110 x 40 px" in dialog.status_text()
    assert "train pool only" in dialog.status_text()


def test_variation_tab_edits_reach_the_config_and_are_checked(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, out=str(tmp_path))
    assert "share MNIST images" in dialog.status_text()  # every digit: a word on leaks
    form = dialog.form
    form.setCurrentIndex(1)
    form.variation_form.rows["rotation"].high.setValue(12)
    form.variation_form.rows["rotation"].low.setValue(20)  # past the top: it follows
    form.variation_form.rows["height"].spin.setValue(48)
    form.variation_form.rows["jitter_y"].high.setValue(20)
    form.variation_form.rows["blur"].spin.setValue(1.5)
    config = dialog.config()
    assert config.variation.style.rotation == (20.0, 20.0)
    assert config.variation.height == 48 and config.variation.jitter_y == (10, 20)
    assert config.variation.blur == 1.5 and dialog.export_button.isEnabled()
    form.variation_form.rows["height"].spin.setValue(40)
    assert not dialog.export_button.isEnabled()
    text = dialog.status_text()
    assert "Vertical jitter 10..20 does not fit a 40 px canvas" in text and "jitter_y" not in text
    form.variation_form.rows["height"].spin.setValue(48)
    form.placement_combo.setCurrentIndex(form.placement_combo.findData("free"))
    form.max_spacing_spin.setValue(10)
    form.width_spin.setValue(150)  # five digits with gaps up to 10 may span 180 px
    assert not dialog.export_button.isEnabled()
    assert "freely placed" in dialog.status_text()
    form.width_spin.setValue(form.width_spin.minimum())  # auto: wide enough
    assert dialog.export_button.isEnabled() and dialog.config().placement == "free"
    assert dialog.config().width == 5 * 28 + 4 * 10


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_detection_exports_from_the_dialog(qtbot, tmp_path, fmt):
    import json

    out = tmp_path / fmt
    defaults = defaults_from_recipe(VARIED, count=12) | {"out": str(out), "format": fmt}
    dialog = _dialog(qtbot, **defaults)
    assert dialog.form.format_combo.currentText().startswith(fmt.upper())
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    assert blocker.args == [str(out)]
    assert len(list((out / "images").glob("*.png"))) == 12
    item = SequenceDataset(dialog.config())[3]
    x0, y0, x1, y1 = item["ink_boxes"][2].tolist()
    if fmt == "coco":
        assert "annotations.json" in dialog.status_text()
        data = json.loads((out / "annotations.json").read_text())
        assert len(data["annotations"]) == 12 * 4
        box = next(a["bbox"] for a in data["annotations"] if a["image_id"] == 3 and
                   a["mnist_index"] == item["mnist_indices"][2])  # fmt: skip
        assert box == [x0, y0, x1 - x0, y1 - y0]
    else:
        assert "labels/" in dialog.status_text() and (out / "data.yaml").exists()
        lines = sorted((out / "labels").glob("*.txt"))[3].read_text().splitlines()
        digit, cx, _cy, _w, h = lines[2].split()
        assert int(digit) == item["digits"][2]
        assert float(cx) == pytest.approx((x0 + x1) / 2 / 110, abs=1e-5)
        assert float(h) == pytest.approx((y1 - y0) / 40, abs=1e-5)


def test_the_source_is_described_for_folders_with_both_sets(qtbot):
    dialog = _dialog(qtbot, count=5)
    tip = dialog.form.source_edit.toolTip()
    assert "training and test sets" in tip and "one MNIST IDX pair" not in tip
