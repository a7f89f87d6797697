"""The export dialog's Splits row: train, val and test written by one export, equal to the
library's, and bad splits refused in the status line (real widgets, offscreen)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from mnist_seq_gui.core import Recipe
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset, export, split_configs
from mnist_seq_gui.gui.export_dialog import ExportDialog

TIMEOUT = 60_000  # a hang guard for exports
RECIPE = Recipe(rule="random", spacing=(0, 8), placement="free")
VALUES = {"min_length": 2, "max_length": 4, "seed": 3, "recipe": RECIPE, "format": "coco"}


def test_splits_typed_in_the_dialog_write_what_the_library_writes(qtbot, tmp_path, folder_bytes):
    out = tmp_path / "gui"
    dialog = ExportDialog(None, {**VALUES, "out": str(out)})
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    assert form.count_spin.isEnabled() and not form.hold_out_spin.isEnabled()
    qtbot.keyClicks(form.splits_edit, "train:40,val:10,test:12")
    assert not form.count_spin.isEnabled() and form.hold_out_spin.isEnabled()
    form.hold_out_spin.setValue(0.3)
    assert dialog.status_text().startswith("Splits train 40, val 10, test 12: ")
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    assert (
        dialog.status_text() == f"Wrote 62 images in a folder per split, and config.json to {out}"
    )
    base = DatasetConfig(10_000, 2, 4, seed=3, recipe=RECIPE)
    configs = split_configs(base, {"train": 40, "val": 10, "test": 12}, 0.3)
    export({k: SequenceDataset(c) for k, c in configs.items()}, tmp_path / "lib", "coco")
    assert folder_bytes(out) == folder_bytes(tmp_path / "lib")
    top = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert top["splits"]["test"]["config"]["hold_out"][:2] == [0.3, True]


def test_bad_splits_keep_export_off_and_say_why(qtbot, tmp_path):
    dialog = ExportDialog(None, {**VALUES, "out": str(tmp_path / "x")})
    qtbot.addWidget(dialog)
    dialog.show()
    for text, said in (
        ("train:40,dev:3", "is not of the form name:count"),
        ("train:40,val:5", ""),
    ):
        dialog.form.splits_edit.setText(text)
        if said:
            assert said in dialog.status_text() and not dialog.export_button.isEnabled()
        else:
            assert dialog.export_button.isEnabled()
    dialog.form.hold_out_spin.setValue(0.2)  # holds strings out for a test split: none here
    assert "add test:N" in dialog.status_text() and not dialog.export_button.isEnabled()
    dialog.form.splits_edit.setText("")
    assert dialog.export_button.isEnabled() and not dialog.form.hold_out_spin.isEnabled()
