"""File > Export Dataset... from the main window: prefilled, exports, joined on close."""

from __future__ import annotations

from mnist_seq_gui.dataset import NPZ_NAME, load_npz
from mnist_seq_gui.gui.main_window import MainWindow

from .conftest import wait_for_latest


def test_export_action_prefills_from_the_window_and_exports(qtbot, window: MainWindow, tmp_path):
    window.panel.sequence_edit.setText("007")
    window.panel.seed_spin.setValue(4242)
    wait_for_latest(qtbot, window)
    spec = window.current_spec()
    assert window.export_action.isEnabled() and window.export_action.statusTip()
    window.export_action.trigger()
    dialog = window._export_dialog
    assert dialog is not None and dialog.isVisible()
    config = dialog.config()
    assert (config.min_length, config.max_length, config.width, config.seed) == (
        3, 3, spec.width, 4242,
    )  # fmt: skip
    dialog.form.count_spin.setValue(300)
    dialog.form.out_edit.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting())
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    assert data["images"].shape == (300, 28, spec.width)
    assert "Exported to" in window.statusBar().currentMessage()


def test_closing_the_window_mid_export_joins_the_export(qtbot, window: MainWindow, tmp_path):
    window.export_action.trigger()
    dialog = window._export_dialog
    dialog.form.count_spin.setValue(200_000)
    dialog.form.out_edit.setText(str(tmp_path / "big"))
    assert dialog.start_export()
    window.close()  # must cancel and join the export thread (the autouse fixture checks)
    assert not dialog.is_exporting()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing half-written
