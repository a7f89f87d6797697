"""File > Export Dataset: a form prefilled from the session, checked as it is edited, an
export off the UI thread with progress, and Cancel, Close or a failure leave nothing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from mnist_seq_gui.core import FIELDS, Recipe
from mnist_seq_gui.dataset import METADATA_NAME, NPZ_NAME, DatasetConfig, load_npz
from mnist_seq_gui.dataset import SequenceDataset as Dataset
from mnist_seq_gui.gui.export_dialog import ExportDialog
from mnist_seq_gui.gui.state.jobs import export_defaults
from mnist_seq_gui.gui.state.session import Session

TIMEOUT = 60_000  # a hang guard for exports

VARIED = Session(sequence="3141", seed=9).replace(
    rule="random", spacing=(-6, 8), width=110, pool="train", height=40, jitter_y=(0, 12),
    slant=(-15.0, 15.0), scale=(0.8, 1.2), noise=5.0,
)  # fmt: skip


def _dialog(qtbot, **values) -> ExportDialog:
    dialog = ExportDialog(None, values)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _export(qtbot, dialog: ExportDialog) -> list:
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT) as blocker:
        assert dialog.start_export()
        assert dialog.is_exporting() and not dialog.form.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    return blocker.args


def test_prefilled_from_the_session(qtbot, tmp_path):
    session = Session(sequence="007", seed=77).replace(rule="random", spacing=(2, 9), width=100)
    dialog = _dialog(qtbot, **export_defaults(session, count=1234), out=str(tmp_path))
    assert dialog.config() == DatasetConfig(1234, 3, 3, seed=77, recipe=session.recipe)
    assert dialog.form.count_spin.value() == 1234 and dialog.form.seed_edit.text() == "77"
    assert dialog.form.rows["rule"].combo.currentData() == "random"
    assert dialog.export_button.isEnabled()
    assert dialog.status_text().startswith("1,234 images of 100 \u00d7 28 px, 3 digits")


def test_prefilled_with_the_pool_and_the_variation(qtbot, tmp_path):
    dialog = _dialog(qtbot, **export_defaults(VARIED, count=500), out=str(tmp_path))
    config = dialog.config()
    assert config == DatasetConfig(500, 4, 4, seed=9, recipe=VARIED.recipe)
    assert config.recipe.placement == "fill"
    rows = dialog.form.rows
    assert (rows["slant"].low.value(), rows["slant"].high.value()) == (-15, 15)
    assert rows["height"].spin.value() == 40 and rows["pool"].combo.currentData() == "train"
    assert rows["spacing"].low.value() == -6  # overlap
    assert dialog.status_text() == (
        "500 images of 110 \u00d7 40 px, 4 digits, from the train pool only."
    )


def test_impossible_parameters_disable_export_and_say_what_would_work(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, out=str(tmp_path))
    assert dialog.export_button.isEnabled() and "share MNIST images" in dialog.status_text()
    form = dialog.form
    form.min_length_spin.setValue(3)
    form.max_length_spin.setValue(8)
    form.rows["spacing"].high.setValue(10)
    assert not dialog.export_button.isEnabled()
    assert "use the random rule" in dialog.status_text()
    form.rows["rule"].combo.setCurrentIndex(form.rows["rule"].combo.findData("random"))
    assert "allow max spacing 70 or more" in dialog.status_text()
    form.rows["spacing"].high.setValue(80)
    assert dialog.export_button.isEnabled()
    form.seed_edit.setText("12x")
    assert not dialog.export_button.isEnabled()
    assert dialog.status_text() == (
        "Seed '12x' is not a whole number; use 0..9,223,372,036,854,775,807."
    )
    assert "--" not in dialog.status_text()


def test_recipe_tab_edits_reach_the_config_with_the_windows_rules(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, out=str(tmp_path))
    rows = dialog.form.rows
    dialog.form.setCurrentIndex(1)
    rows["rotation"].high.setValue(12)
    rows["rotation"].low.setValue(20)  # past the top: the top follows
    rows["height"].spin.setValue(48)
    rows["jitter_y"].high.setValue(20)
    rows["blur"].high.setValue(1.5)
    rows["blur"].low.setValue(1.5)
    variation = dialog.config().recipe.variation
    assert variation.rotation == (20.0, 20.0) and variation.blur == (1.5, 1.5)
    assert (variation.height, variation.jitter_y) == (48, (10, 20))
    rows["height"].spin.setValue(40)  # the jitter follows into the canvas
    assert dialog.config().recipe.variation.jitter_y == (10, 12)
    assert dialog.export_button.isEnabled()
    assert dialog.status_text().startswith("10 images of 140 \u00d7 40 px")


def test_the_width_set_to_auto_makes_the_narrowest_width_that_fits(qtbot, tmp_path):
    dialog = _dialog(qtbot, **export_defaults(Session(), count=10), out=str(tmp_path))
    spin = dialog.form.rows["width"].spin
    spin.setValue(spin.minimum())
    assert spin.text() == "auto"
    assert dialog.config().recipe.width == 4 * 28 and dialog.export_button.isEnabled()


def test_an_export_runs_in_the_background_and_writes_the_data_set(qtbot, tmp_path):
    out = tmp_path / "npz"
    dialog = _dialog(qtbot, count=2000, seed=5, min_length=3, max_length=8, out=str(out),
                     recipe=Recipe(rule="random", spacing=(0, 80)))  # fmt: skip
    assert _export(qtbot, dialog) == [str(out / NPZ_NAME)]
    assert dialog.status_text() == f"Wrote 2,000 images to {out / NPZ_NAME}"
    assert dialog.form.isEnabled() and dialog.progress_dialog is None
    data = load_npz(out / NPZ_NAME)
    expected = Dataset(dialog.config())[:]
    np.testing.assert_array_equal(data["images"], expected["image"])
    np.testing.assert_array_equal(data["labels"], expected["label"])


def test_a_png_export_writes_one_file_per_image_and_the_metadata(qtbot, tmp_path):
    out = tmp_path / "png"
    dialog = _dialog(qtbot, count=300, seed=1, format="png", out=str(out))
    assert _export(qtbot, dialog) == [str(out)]
    assert len(list(out.glob("*.png"))) == 300
    assert len((out / METADATA_NAME).read_text().splitlines()) == 300
    assert "(PNG files, metadata.jsonl, config.json)" in dialog.status_text()


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_detection_exports_write_each_digits_ink_box(qtbot, tmp_path, fmt):
    import json

    out = tmp_path / fmt
    dialog = _dialog(qtbot, **export_defaults(VARIED, count=12), out=str(out), format=fmt)
    assert dialog.form.format_combo.currentText().startswith(fmt.upper())
    assert _export(qtbot, dialog) == [str(out)]
    assert len(list((out / "images").glob("*.png"))) == 12
    item = Dataset(dialog.config())[3]
    x0, y0, x1, y1 = item["ink_boxes"][2].tolist()
    if fmt == "coco":
        assert "annotations.json" in dialog.status_text()
        data = json.loads((out / "annotations.json").read_text())
        assert len(data["annotations"]) == 12 * 4
        boxes = [a["bbox"] for a in data["annotations"] if a["image_id"] == 3]
        assert [x0, y0, x1 - x0, y1 - y0] in boxes
    else:
        assert "labels/" in dialog.status_text() and (out / "data.yaml").exists()
        lines = sorted((out / "labels").glob("*.txt"))[3].read_text().splitlines()
        digit, cx, _cy, _w, h = lines[2].split()
        assert int(digit) == item["digits"][2]
        assert float(cx) == pytest.approx((x0 + x1) / 2 / 110, abs=1e-5)
        assert float(h) == pytest.approx((y1 - y0) / 40, abs=1e-5)


@pytest.mark.parametrize("fmt", ["npz", "png"])
def test_cancel_stops_the_export_and_leaves_no_partial_files(qtbot, tmp_path, fmt):
    out = tmp_path / "out"
    out.mkdir()
    count = 3_000_000 if fmt == "npz" else 200_000  # far more than finishes before Cancel
    dialog = _dialog(qtbot, count=count, seed=2, format=fmt, out=str(out))
    with qtbot.waitSignal(dialog.export_cancelled, timeout=TIMEOUT):
        assert dialog.start_export()
        qtbot.waitUntil(lambda: dialog.progress_dialog.value() > 0, timeout=TIMEOUT)
        cancel = dialog.progress_dialog.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    assert list(out.iterdir()) == []
    assert dialog.status_text() == f"Export cancelled; {out} was not changed."  # the library's
    assert dialog.export_button.isEnabled()


def test_closing_the_dialog_during_an_export_cancels_and_joins_it(qtbot, tmp_path):
    out = tmp_path / "created-by-export"
    dialog = _dialog(qtbot, count=3_000_000, seed=3, out=str(out))
    assert dialog.start_export()
    qtbot.waitUntil(lambda: dialog.progress_dialog.value() > 0, timeout=TIMEOUT)
    dialog.reject()
    assert not dialog.is_exporting()
    assert not out.exists()


def test_a_failed_export_is_reported_and_leaves_nothing(qtbot, tmp_path):
    out = tmp_path / "out"
    dialog = _dialog(qtbot, count=5, out=str(out), source=str(tmp_path / "no-such-digits"))
    with qtbot.waitSignal(dialog.export_failed, timeout=TIMEOUT) as blocker:
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    assert "no-such-digits" in blocker.args[0]
    assert dialog.status_text().startswith("Export failed: ")
    assert not out.exists() and dialog.export_button.isEnabled()


def test_a_failure_inside_the_export_is_reported_not_left_as_exporting(qtbot, tmp_path):
    (tmp_path / "notes.txt").write_text("x")  # a file where the output's parent should be
    dialog = _dialog(qtbot, count=10, out=str(tmp_path / "notes.txt" / "out"))
    with qtbot.waitSignal(dialog.export_failed, timeout=TIMEOUT):
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    said = dialog.status_text()
    assert said.startswith("Export failed: ") and "is a file, not a folder" in said, said
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_folder_name_holding_a_nul_is_refused_before_anything_starts(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=10, out="bad\x00folder")
    assert not dialog.start_export() and not dialog.export_button.isEnabled()
    assert "NUL" in dialog.status_text()


def test_a_folder_that_is_not_empty_is_refused_until_replacing_is_ticked(qtbot, tmp_path):
    (tmp_path / "taken.txt").write_text("x")
    dialog = _dialog(qtbot, count=5, out=str(tmp_path))
    assert not dialog.export_button.isEnabled() and not dialog.start_export()
    said = dialog.status_text()
    assert "is not empty" in said and "Replace an earlier export" in said and "--" not in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.txt"]
    dialog.form.overwrite_check.setChecked(True)
    assert "not empty" not in dialog.status_text() and dialog.export_button.isEnabled()


def test_the_dialog_speaks_the_explorers_words(qtbot):
    dialog = _dialog(qtbot, count=5)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    table = {FIELDS[name].label for name in ("rule", "spacing", "width", "rotation")}
    assert table | {"&Images:", "&Output folder:"} <= labels
    assert not any("Mode" in text for text in labels)
    assert (
        dialog.status_text() == "Choose an output folder." and not dialog.export_button.isEnabled()
    )
    tip = dialog.form.source_edit.toolTip()
    assert "training and test sets" in tip
