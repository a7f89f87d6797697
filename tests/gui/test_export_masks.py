"""The export dialog's Masks box: off by default, and when ticked the export holds each
digit's mask (real widgets, offscreen)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from mnist_seq_gui.core import Recipe
from mnist_seq_gui.dataset import CONFIG_NAME, METADATA_NAME, NPZ_NAME, SequenceDataset
from mnist_seq_gui.gui.export_dialog import ExportDialog

TIMEOUT = 60_000  # a hang guard for exports
RECIPE = Recipe(rule="random", spacing=(-6, 8), placement="free")


def _export(qtbot, dialog: ExportDialog) -> None:
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)


@pytest.mark.parametrize("fmt", ["npz", "png"])
def test_ticking_masks_exports_each_digits_mask(qtbot, tmp_path, fmt):
    out = tmp_path / fmt
    dialog = ExportDialog(None, {"count": 30, "min_length": 2, "max_length": 4, "seed": 3,
                                 "recipe": RECIPE, "format": fmt, "out": str(out)})  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.form.masks_check
    assert box.isVisible() and box.isEnabled() and not box.isChecked()
    # on the box itself: the check box spans the row, and only its box and text toggle it
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() and dialog.export_button.isEnabled()
    _export(qtbot, dialog)
    ds = SequenceDataset(dialog.config(), fields=("masks",))
    if fmt == "npz":
        with np.load(out / NPZ_NAME, allow_pickle=False) as data:
            unpacked = np.unpackbits(data["masks"], axis=-1, count=ds.width).astype(bool)
            assert json.loads(str(data["config"]))["masks"] is True
        np.testing.assert_array_equal(unpacked, ds[:]["masks"])
        return
    labels = ds.composed(np.arange(30), masks=True)[1].label_images()
    records = [json.loads(line) for line in (out / METADATA_NAME).read_text().splitlines()]
    for item, record in enumerate(records):
        with Image.open(out / record["mask_file_name"]) as image:
            np.testing.assert_array_equal(np.asarray(image), labels[item])
    assert json.loads((out / CONFIG_NAME).read_text())["masks"] is True


def test_without_the_box_an_export_holds_no_masks(qtbot, tmp_path):
    out = tmp_path / "png"
    dialog = ExportDialog(None, {"count": 5, "seed": 1, "format": "png", "out": str(out)})
    qtbot.addWidget(dialog)
    dialog.show()
    _export(qtbot, dialog)
    assert not (out / "masks").exists()
    assert "masks" not in json.loads((out / CONFIG_NAME).read_text())
