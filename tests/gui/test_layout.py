"""The window on small screens: it fits 800 x 600 (and 640 x 400 logical pixels, a
1280 x 800 screen at scale 2), every control can be reached, no label is cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSlider,
    QWidget,
)

from .conftest import TIMEOUT_MS


def _controls(window: QWidget) -> list[QWidget]:
    kinds = (QAbstractSpinBox, QSlider, QComboBox, QAbstractButton, QLineEdit)
    found = []
    for widget in window.centralWidget().findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QAbstractSpinBox):
            continue  # part of a spin box
        if isinstance(widget.parent(), QScrollArea) or widget.objectName().startswith("qt_"):
            continue  # scroll bars and Qt's own internals
        found.append(widget)
    return found


def _reachable(window: QWidget, widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    visible = widget.visibleRegion().boundingRect()
    inside = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return (
        visible.width() * visible.height() >= 0.9 * widget.width() * widget.height()
        and window.rect().contains(inside)
    )


def test_the_window_opens_within_the_screen(window):
    screen = window.screen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert window.width() >= 640 and window.height() >= 400


@pytest.mark.parametrize(("width", "height"), [(800, 600), (640, 400)])
@pytest.mark.parametrize("variation", [False, True])
def test_every_control_can_be_reached_on_a_small_screen(qtbot, window, width, height, variation):
    window.panel.show_variation(variation)
    window.resize(width, height)
    qtbot.waitUntil(
        lambda: window.width() <= width and window.height() <= height, timeout=TIMEOUT_MS
    )
    controls = _controls(window)
    assert len(controls) >= (30 if variation else 15)
    unreachable = [
        w.objectName() or w.accessibleName() for w in controls if not _reachable(window, w)
    ]
    assert unreachable == []
    cut = [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisibleTo(window)
        and label.text()
        and not label.wordWrap()
        and label.width() < label.minimumSizeHint().width()
    ]
    assert cut == []


def test_the_panel_is_never_wider_than_its_view(qtbot, window):
    window.panel.show_variation(True)
    window.resize(640, 400)
    qtbot.waitUntil(lambda: window.width() <= 640, timeout=TIMEOUT_MS)
    assert window.panel.width() <= window.panel_scroll.viewport().width()
    assert window.panel_scroll.horizontalScrollBar().maximum() == 0
