"""A canvas of things under the mouse (digits in the preview, samples in the gallery)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QToolTip, QWidget


class PointingCanvas(QWidget):
    """Tracks which item is under the mouse; hover, click and tooltip per item.

    Subclasses say where items are (`item_at`) and set `tips`, one per item.
    """

    hovered = Signal(int)  # index of the item under the mouse, -1 when over none
    clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.tips: tuple[str, ...] = ()
        self.hover = -1

    def item_at(self, pos: QPoint) -> int:
        """Index of the item at a widget position, or -1."""
        raise NotImplementedError

    def set_hover(self, index: int) -> None:
        if index != self.hover:
            self.hover = index
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor
            )
            self.update()
            self.hovered.emit(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.set_hover(self.item_at(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.set_hover(-1)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.item_at(event.position().toPoint())
            if index >= 0:
                self.clicked.emit(index)
                event.accept()
                return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.item_at(event.pos())
            if 0 <= index < len(self.tips):
                QToolTip.showText(event.globalPos(), self.tips[index], self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
