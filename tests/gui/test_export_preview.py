"""The export dialog's Preview tab: the first items of exactly the export, every length
mixed, ink boxes and masks on demand, plots of the statistics; the export's progress
says how fast and how long; dialog titles fit."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication, QWidget

from mnist_seq_gui.core import Recipe
from mnist_seq_gui.dataset import NPZ_NAME, load_npz, split_configs
from mnist_seq_gui.dataset.preview import sample_stats
from mnist_seq_gui.gui.export_dialog import ExportDialog, duration, progress_text
from mnist_seq_gui.gui.export_preview import ExportPreview
from mnist_seq_gui.gui.qimage import qimage_to_grey

from .conftest import rgb_array

TIMEOUT = 60_000  # a hang guard
FREE = Recipe(rule="random", spacing=(-4, 30), placement="free")
LABELS = ("20240131", "007", "4150", "99999", "123456", "80")


def _dialog(qtbot, **values) -> ExportDialog:
    dialog = ExportDialog(None, {"count": 300, "seed": 8, "recipe": FREE, **values})
    qtbot.addWidget(dialog)
    dialog.resize(1000, 720)
    dialog.show()
    return dialog


def _preview(qtbot, dialog: ExportDialog, counted: bool = False) -> ExportPreview:
    """Open the Preview tab (found by its object name) and wait for its items."""
    preview = dialog.findChild(QWidget, "exportPreview")
    assert isinstance(preview, ExportPreview)
    dialog.form.setCurrentWidget(preview)
    qtbot.waitUntil(preview.is_counted if counted else preview.is_current, timeout=TIMEOUT)
    return preview


def _export(qtbot, dialog: ExportDialog) -> dict:
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)
    return load_npz(dialog.form.out_edit.text() + "/" + NPZ_NAME)


def test_the_preview_shows_the_exports_first_items_with_mixed_lengths(qtbot, tmp_path):
    labels = tmp_path / "labels.txt"
    labels.write_text("\n".join(LABELS) + "\n")
    for given in ({"min_length": 3, "max_length": 8}, {"labels_file": str(labels)}):
        dialog = _dialog(qtbot, out=str(tmp_path / "out"), overwrite=True, masks=True, **given)
        preview = _preview(qtbot, dialog)
        preview.count_spin.setValue(64)
        qtbot.waitUntil(lambda p=preview: p.is_current() and len(p.canvas.images()) == 64)
        shown = np.stack([qimage_to_grey(image) for image in preview.canvas.images()])
        data = _export(qtbot, dialog)
        np.testing.assert_array_equal(shown, data["images"][:64])
        assert len(set(data["lengths"][:64].tolist())) > 2  # lengths mixed
        assert [tip.split(": ")[1].split(" (")[0] for tip in preview.canvas.tips] == data["labels"][
            :64
        ].tolist()
        preview.ink_check.setChecked(True)
        assert preview.canvas.show_ink
        np.testing.assert_array_equal(preview.canvas.ink_boxes(), data["ink_boxes"][:64])
        preview.masks_check.setChecked(True)  # each digit's ink tinted, nothing else
        qtbot.waitUntil(preview.is_current, timeout=TIMEOUT)
        tinted = np.stack([rgb_array(image) for image in preview.canvas.images()])
        width = data["images"].shape[2]
        masks = np.unpackbits(data["masks"][:64], axis=-1, count=width).any(axis=1) > 0
        grey = np.repeat(data["images"][:64, ..., None], 3, axis=-1)
        np.testing.assert_array_equal(tinted[~masks], grey[~masks])
        assert (tinted[masks] != grey[masks]).any(axis=-1).all()
        dialog.close()


def test_the_plots_show_the_statistics_of_the_exports_first_items(qtbot, tmp_path):
    dialog = _dialog(qtbot, min_length=3, max_length=8)
    preview = _preview(qtbot, dialog, counted=True)
    expected = sample_stats(dialog.config())
    stats = preview.stats
    assert stats is not None and expected is not None
    for name in ("lengths", "digits", "gaps", "box_widths", "coverage", "uses"):
        np.testing.assert_array_equal(getattr(stats, name), getattr(expected, name))
    lengths_plot = preview.plots.getItem(0, 0)
    (bars,) = lengths_plot.listDataItems() or lengths_plot.items[-1:]
    assert bars.opts["x"].tolist() == [3, 4, 5, 6, 7, 8]
    assert bars.opts["height"].tolist() == stats.lengths[3:].tolist()
    for i in range(6):  # every plot labelled
        plot = preview.plots.getItem(i // 3, i % 3)
        assert plot.titleLabel.text and plot.getAxis("left").labelText
        assert plot.getAxis("bottom").labelText
    assert "the first 300 of 300" in preview.note.text()


def test_the_preview_follows_the_form_and_says_what_is_wrong(qtbot, tmp_path):
    dialog = _dialog(qtbot, min_length=2, max_length=4)
    preview = _preview(qtbot, dialog)
    first = [qimage_to_grey(image) for image in preview.canvas.images()]
    dialog.form.seed_edit.setText("9")
    qtbot.waitUntil(preview.is_current, timeout=TIMEOUT)
    again = [qimage_to_grey(image) for image in preview.canvas.images()]
    assert not all(np.array_equal(a, b) for a, b in zip(first, again))
    dialog.form.seed_edit.setText("nine")
    assert (
        preview.note.text()
        == "Seed 'nine' is not a whole number; use 0..9,223,372,036,854,775,807."
    )
    assert preview.canvas.images() == ()
    dialog.form.seed_edit.setText("9")
    qtbot.waitUntil(preview.is_current, timeout=TIMEOUT)
    assert all(np.array_equal(a, qimage_to_grey(b)) for a, b in zip(again, preview.canvas.images()))
    qtbot.waitUntil(preview.is_counted, timeout=TIMEOUT)  # the plots follow too
    expected = sample_stats(dialog.config())
    assert expected is not None and preview.stats is not None
    np.testing.assert_array_equal(preview.stats.gaps, expected.gaps)


def test_the_preview_waits_until_it_is_shown(qtbot):
    dialog = _dialog(qtbot)
    preview = dialog.form.preview
    dialog.form.seed_edit.setText("5")
    assert preview.worker is None and preview.latest_id == 0 and preview.plots is None
    _preview(qtbot, dialog)
    assert preview.plots is not None


def test_a_splits_preview_names_each_items_split(qtbot, tmp_path):
    dialog = _dialog(qtbot, min_length=3, max_length=5, splits="train:100,val:10,test:20")
    preview = _preview(qtbot, dialog)
    splits = [tip.split(":")[0] for tip in preview.canvas.tips]
    assert splits == ["train"] * 11 + ["val"] * 10 + ["test"] * 11
    configs = split_configs(dialog.config(), {"train": 100, "val": 10, "test": 20})
    from mnist_seq_gui.dataset import SequenceDataset

    val = SequenceDataset(configs["val"])[0:10]["image"]
    shown = np.stack([qimage_to_grey(image) for image in preview.canvas.images()[11:21]])
    np.testing.assert_array_equal(shown, val)


def test_the_export_progress_says_how_fast_and_how_long(qtbot, tmp_path):
    assert progress_text(0, 1000, 0.1).endswith("working out the time left")
    assert progress_text(250, 1000, 5.0) == (
        "Exporting 1,000 images\u2026\n250 done \u00b7 50 images/s \u00b7 15 s left"
    )
    assert (duration(45.4), duration(185), duration(7620)) == ("45 s", "3 min 05 s", "2 h 07 min")
    dialog = _dialog(qtbot, count=100_000, format="png", out=str(tmp_path / "png"))
    assert dialog.start_export()
    progress = dialog.progress_dialog
    qtbot.waitUntil(lambda: "images/s" in progress.labelText(), timeout=TIMEOUT)
    assert " left" in progress.labelText()
    dialog.cancel_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)


def test_dialog_titles_fit_with_the_applications_name(qtbot, tmp_path):
    dialog = _dialog(qtbot, count=100_000, format="png", out=str(tmp_path / "png"))
    assert dialog.start_export()
    for window in (dialog, dialog.progress_dialog):
        title = f"{window.windowTitle()} \u2014 {QApplication.applicationDisplayName()}"
        assert window.width() > window.fontMetrics().horizontalAdvance(title) + 100
    dialog.cancel_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT)


def test_pyqtgraph_is_loaded_only_when_the_preview_is_first_shown(run_python):
    ran = run_python(
        "-c",
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from mnist_seq_gui.gui.app import build_application\n"
        "from mnist_seq_gui.gui.main_window import MainWindow\n"
        "app = build_application(sys.argv[:1])\n"
        "from mnist_seq_gui.gui.export_dialog import ExportDialog\n"
        "dialog = ExportDialog(None, {})\n"
        "dialog.show()\n"
        "assert 'pyqtgraph' not in sys.modules\n"
        "dialog.form.setCurrentWidget(dialog.form.preview)\n"
        "assert 'pyqtgraph' in sys.modules\n"
        "dialog.close()\n"
        "print('ok')\n",
    )
    assert ran.returncode == 0 and ran.stdout == "ok\n", ran.stderr
