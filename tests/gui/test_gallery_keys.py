"""The gallery's own whole-factor zoom (Ctrl+wheel, Ctrl++ / Ctrl+- with the focus), tiles
spread across the width, and a selection the arrow keys move and Enter picks, its tip
shown as a hovered sample's is."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from mnist_seq_gui.gui.gallery_canvas import FIT

from .conftest import TIMEOUT_MS, gallery_pixels, open_gallery, shown_pixels, wait_for_latest

# A tooltip shown offscreen: the platform says it cannot raise its window.
TIP_SHOWN = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _focused_gallery(qtbot, window):
    window.resize(1000, 700)
    open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    window.activateWindow()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus, timeout=TIMEOUT_MS)
    return canvas


def _ctrl_wheel(canvas, up: bool) -> None:
    centre = QPointF(canvas.width() / 2, 20)
    event = QWheelEvent(
        centre, canvas.mapToGlobal(centre), QPoint(), QPoint(0, 120 if up else -120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(canvas, event)


def test_ctrl_wheel_and_ctrl_plus_zoom_the_gallery_by_whole_factors(qtbot, window):
    canvas = _focused_gallery(qtbot, window)
    image_zoom = window.preview.zoom()
    fitted = canvas.layout_in_device_pixels()[0]
    _ctrl_wheel(canvas, up=True)
    assert canvas.layout_in_device_pixels()[0] == fitted + 1 == canvas.zoom()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom() == fitted + 2
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    _ctrl_wheel(canvas, up=False)
    assert canvas.zoom() == fitted
    assert window.preview.zoom() == image_zoom  # the Image tab's zoom is left alone
    canvas.set_zoom(fitted + 3)  # larger than fits: the grid scrolls, still crisp
    assert window.gallery.scroll_area.verticalScrollBar().maximum() > 0
    scale, *_ = canvas.layout_in_device_pixels()
    rect = canvas.sample_rect(0)
    assert (rect.width(), rect.height()) == (124 * scale, 28 * scale)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom() == FIT and canvas.layout_in_device_pixels()[0] == fitted


def test_the_samples_spread_across_the_width(qtbot, window):
    canvas = _focused_gallery(qtbot, window)
    scale, columns, _rows, gap = canvas.layout_in_device_pixels()
    room = window.gallery.scroll_area.viewport().width()
    last = canvas.sample_rect(columns - 1)
    left, right = canvas.sample_rect(0).left(), room - last.right() - 1
    assert abs(left - right) <= columns + 1 and right < gap + 124 * scale // 2


@TIP_SHOWN
def test_arrow_keys_move_a_selection_and_enter_picks_it(qtbot, window):
    canvas = _focused_gallery(qtbot, window)
    columns = canvas.layout_in_device_pixels()[1]
    assert columns >= 2
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.selected() == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.selected() == 1 + columns
    said = window.gallery.hover_text(1 + columns)
    assert said.startswith(f"Sample {1 + columns}:") and window.status.text() == said
    assert QToolTip.isVisible() and QToolTip.text() == canvas.tips[1 + columns]
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)  # stays in the first row
    assert canvas.selected() == 0
    qtbot.keyClick(canvas, Qt.Key.Key_End)
    last = canvas.selected()
    assert last == len(canvas.images()) - 1
    sample = gallery_pixels(window)[last]
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    wait_for_latest(qtbot, window)
    assert window.model.session().item == last and not window.gallery_visible()
    assert np.array_equal(shown_pixels(window), sample)


@TIP_SHOWN
def test_the_selection_is_painted(qtbot, window):
    canvas = _focused_gallery(qtbot, window)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    rect = canvas.sample_rect(1)
    ring = canvas.grab().toImage()
    dpr = canvas.devicePixelRatioF()
    corner = QPoint(round((rect.left() - 3) / dpr), round(rect.center().y() / dpr))
    assert ring.pixelColor(corner).lightness() < 0x40  # the dark dashed ring, not the grey
