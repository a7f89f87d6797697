"""The preview's zoom: whole factors only, crisp nearest-neighbour pixels, Fit as the
largest whole zoom that fits, steps by action, key and wheel, the centre kept."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from mnist_seq_gui.gui.preview import FIT

from .conftest import TIMEOUT_MS, rgb_array, shown_pixels, wait_for_latest


def _image_block(canvas, k: int, dpr: float, painted: np.ndarray) -> np.ndarray:
    origin = canvas.image_origin(dpr, k)
    image = canvas.image()
    return painted[
        origin.y() : origin.y() + image.height() * k, origin.x() : origin.x() + image.width() * k
    ]


def _assert_crisp(window, dpr: float) -> None:
    canvas = window.preview.canvas
    # QWidget.render() paints at the widget's own ratio (1 offscreen) and scales the
    # result, which matches painting at `dpr` only for even sizes; a real HiDPI screen
    # is checked under Xvfb (test_xvfb.py, QT_SCALE_FACTOR=2).
    canvas.setFixedSize(canvas.width() // 2 * 2, canvas.height() // 2 * 2)
    pixels = shown_pixels(window)
    target = QImage(canvas.size() * dpr, QImage.Format.Format_RGB32)
    target.setDevicePixelRatio(dpr)
    canvas.render(target)
    k = canvas.device_scale(dpr)
    assert k >= 2
    painted = rgb_array(target)
    expected = np.repeat(np.repeat(pixels, k, axis=0), k, axis=1)
    block = _image_block(canvas, k, dpr, painted)
    for channel in range(3):
        assert np.array_equal(block[..., channel], expected)
    origin = canvas.image_origin(dpr, k)  # a dark frame right outside shows the edge
    assert tuple(painted[origin.y() - 1, origin.x() + 5]) == (0x30, 0x30, 0x30)


def test_at_fit_each_image_pixel_is_painted_as_a_crisp_block(window):
    _assert_crisp(window, 1.0)


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_at_a_whole_zoom_each_image_pixel_is_a_crisp_block(window, dpr):
    window.image_page.set_zoom(3)
    assert window.preview.zoom() == 3
    assert window.preview.canvas.device_scale(dpr) == round(3 * dpr)
    _assert_crisp(window, dpr)


def test_fit_uses_the_largest_whole_zoom_that_fits(window):
    assert window.preview.zoom() == FIT and window.actions_.fit.isChecked()
    canvas = window.preview.canvas
    k = canvas.device_scale(1.0)
    width = canvas.image().width()
    assert k >= 2 and width * k <= canvas.width() - 32 < width * (k + 1)


def test_a_zoom_chosen_in_the_combo_is_used(window):
    window.image_page.zoom_combo.setCurrentIndex(window.image_page.zoom_combo.findData(3))
    assert window.preview.zoom() == 3 and not window.actions_.fit.isChecked()
    assert window.preview.canvas.device_scale(1.0) == 3


def test_zoom_actions_step_through_whole_factors(window):
    fitted = window.preview.canvas.device_scale(1.0)
    window.actions_.zoom_in.trigger()
    assert window.preview.zoom() == fitted + 1
    window.actions_.zoom_out.trigger()
    window.actions_.zoom_out.trigger()
    assert window.preview.zoom() == fitted - 1
    window.actions_.actual_size.trigger()
    assert window.preview.zoom() == 1 and not window.actions_.zoom_out.isEnabled()
    window.actions_.fit.trigger()
    assert window.preview.zoom() == FIT


def test_ctrl_equals_and_ctrl_wheel_zoom_in(qtbot, window):
    window.image_page.set_zoom(2)
    view = window.preview
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == 3
    wheel = QWheelEvent(
        QPointF(20, 20),
        QPointF(view.mapToGlobal(QPoint(20, 20))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == 4


def test_zooming_keeps_the_point_at_the_centre_of_the_view(qtbot, window):
    window.panel.sequence_edit.setText("0123456789")
    wait_for_latest(qtbot, window)
    view = window.preview
    window.image_page.set_zoom(4)
    assert view.zoom() == 4
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0, timeout=TIMEOUT_MS)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() * 3 // 4)
    before = view.centre_in_image()
    window.image_page.set_zoom(8)
    after = view.centre_in_image()
    assert before is not None and after is not None
    assert abs(after[0] - before[0]) <= 1


def test_a_zoom_chosen_comes_back_at_the_next_start(qtbot, make_window):
    first = make_window()
    first.image_page.set_zoom(4)
    first.close()
    assert make_window().preview.zoom() == 4
