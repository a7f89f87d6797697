"""File > Export Dataset from the main window: prefilled with the session (its gallery
shows the first items), exports, says so in the window, and is joined when it closes."""

from __future__ import annotations

import numpy as np

from mnist_seq_gui.dataset import NPZ_NAME, load_npz
from mnist_seq_gui.gui.export_dialog import ExportDialog

from .conftest import TIMEOUT_MS, gallery_pixels, open_gallery, wait_for_latest


def _open_dialog(window) -> ExportDialog:
    window.actions_.export.trigger()
    dialogs = window.findChildren(ExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    return dialogs[0]


def test_the_export_is_prefilled_from_the_window_and_its_first_items_are_the_gallery(
    qtbot, window, tmp_path
):
    window.panel.sequence_edit.setText("007")
    window.panel.seed_spin.setValue(4242)
    window.model.set("noise", 3.0)
    open_gallery(qtbot, window)
    samples = gallery_pixels(window)
    session = window.model.session()
    assert window.actions_.export.isEnabled() and window.actions_.export.statusTip()
    dialog = _open_dialog(window)
    config = dialog.config()
    assert (config.min_length, config.max_length, config.seed) == (3, 3, 4242)
    assert config.recipe == session.recipe
    dialog.form.count_spin.setValue(300)
    dialog.form.out_edit.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS):
        assert dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=TIMEOUT_MS)
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    assert data["images"].shape == (300, 28, session.recipe.width)
    for i, sample in enumerate(samples):
        assert np.array_equal(data["images"][i], sample), i
    assert window.status.text() == f"Exported to {tmp_path / 'out' / NPZ_NAME}"


def test_the_export_opens_for_a_session_with_a_problem_and_says_it(qtbot, window, tmp_path):
    window.model.set("width", 125)
    assert "Width 125" in window.problem_text()
    dialog = _open_dialog(window)
    dialog.form.out_edit.setText(str(tmp_path / "out"))
    assert not dialog.export_button.isEnabled()
    assert dialog.status_text().startswith("Width 125 has no uniform spacing for 4 digits")
    dialog.form.rows["width"].spin.setValue(127)
    assert dialog.export_button.isEnabled() and dialog.config().recipe.width == 127
    dialog.close()


def test_closing_the_window_mid_export_cancels_and_joins_it(qtbot, window, tmp_path):
    dialog = _open_dialog(window)
    dialog.form.count_spin.setValue(2_000_000)
    dialog.form.out_edit.setText(str(tmp_path / "big"))
    assert dialog.start_export()
    qtbot.waitUntil(lambda: dialog.progress_dialog.value() > 0, timeout=TIMEOUT_MS)
    window.close()  # must cancel and join the export thread (the autouse fixture checks)
    assert not dialog.is_exporting()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing half-written


def test_the_dialog_closed_lets_a_new_one_open_with_the_newest_session(qtbot, window):
    first = _open_dialog(window)
    first.close()
    qtbot.waitUntil(lambda: window.findChildren(ExportDialog) == [], timeout=TIMEOUT_MS)
    window.panel.sequence_edit.setText("12345")
    wait_for_latest(qtbot, window)
    second = _open_dialog(window)
    assert second.config().max_length == 5
    second.close()
