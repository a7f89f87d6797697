"""The Image tab: the crisp preview and its zoom control."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .image_view import FIT, ZOOM_STEPS, PreviewView

HINT = "Hover a digit to see its MNIST index; click it to draw another sample of it"


def corner_toggle(action: QAction, name: str) -> QToolButton:
    """A button for a checkable window action, for the tab bar's corner (both views)."""
    button = QToolButton()
    button.setObjectName(name)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAutoRaise(True)
    return button


class ImagePage(QWidget):
    """Zoom combo over the preview; zoom steps go through whole factors only."""

    zoomChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = PreviewView()
        self.preview.setObjectName("previewView")
        self.preview.setAccessibleName("Preview")
        self.preview.setToolTip(HINT)
        self.preview.setStatusTip(HINT)
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("zoomCombo")
        self.zoom_combo.setAccessibleName("Zoom")
        self.zoom_combo.setToolTip("Preview zoom (whole factors stay crisp)")
        self.zoom_combo.addItem("Fit", FIT)
        for step in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{step}\u00d7", step)
        label = QLabel("&Zoom")
        label.setBuddy(self.zoom_combo)
        self.header = QHBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.addWidget(label)
        self.header.addWidget(self.zoom_combo)
        self.header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.header)
        layout.addWidget(self.preview, 1)
        self.zoom_combo.currentIndexChanged.connect(self._on_zoom_combo)
        self.preview.zoomStepRequested.connect(
            lambda step: self.zoom_in() if step > 0 else self.zoom_out()
        )

    def set_zoom(self, zoom: int) -> None:
        """A whole factor from ZOOM_STEPS, or FIT."""
        index = self.zoom_combo.findData(zoom)
        if index >= 0:
            self.zoom_combo.setCurrentIndex(index)  # fires _on_zoom_combo
            self.preview.set_zoom(zoom)

    def _on_zoom_combo(self, _index: int) -> None:
        self.preview.set_zoom(int(self.zoom_combo.currentData()))
        self.zoomChanged.emit()

    def zoom_in(self) -> None:
        current = self.preview.effective_zoom()
        bigger = [z for z in ZOOM_STEPS if z > current + 1e-9]
        if bigger:
            self.set_zoom(bigger[0])

    def zoom_out(self) -> None:
        current = self.preview.effective_zoom()
        smaller = [z for z in ZOOM_STEPS if z < current - 1e-9]
        if smaller:
            self.set_zoom(smaller[-1])
