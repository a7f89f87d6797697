"""A canvas of things under the mouse (digits in the preview, samples in the gallery)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

INK_COLOUR = QColor(0xE5, 0x3E, 0x2B)  # stands out on white, black and the grey around


def ink_rects(boxes: Iterable[Iterable[int]], left: int, top: int, scale: int) -> list[QRect]:
    """Device-pixel rectangles of ink boxes (x0, y0, x1, y1) drawn at `scale` from
    (left, top); empty boxes and the -1 rows past a sample's length are left out."""
    return [
        QRect(left + x0 * scale, top + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)
        for x0, y0, x1, y1 in boxes
        if x1 > x0 >= 0 and y1 > y0 >= 0
    ]


def paint_outlines(painter: QPainter, rects: Iterable[QRect], colour: QColor, width: int) -> None:
    """A ring `width` device pixels wide just outside each rect: the pixels inside,
    the ink's own edge included, stay visible. The painter works in device pixels."""
    for rect in rects:
        r = rect.adjusted(-width, -width, width, width)
        painter.fillRect(QRect(r.left(), r.top(), r.width(), width), colour)
        painter.fillRect(QRect(r.left(), r.bottom() - width + 1, r.width(), width), colour)
        painter.fillRect(QRect(r.left(), r.top(), width, r.height()), colour)
        painter.fillRect(QRect(r.right() - width + 1, r.top(), width, r.height()), colour)


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
        self.show_ink = False  # outline each digit's ink

    def set_show_ink(self, shown: bool) -> None:
        if shown != self.show_ink:
            self.show_ink = shown
            self.update()

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
