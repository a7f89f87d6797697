"""The gallery's grid: samples crisp at a whole zoom, spread across the width, picked
with the mouse or the keyboard.

The zoom is the gallery's own: Fit (the largest whole number of device pixels per image
pixel at which the whole grid fits; at least 1, then the grid scrolls) or a whole factor
chosen with Ctrl+wheel over the grid, or Ctrl++ / Ctrl+- while it has the focus (Ctrl+0:
Fit again). The arrow keys, Home and End move a visible selection, whose tip shows as a
hovered sample's does; Enter or Space picks it, as a click does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget

from .pointing import INK_COLOUR, PointingCanvas, ink_rects, paint_outlines

GAP = 8  # logical pixels between samples and around the grid, at least
MAX_SCALE = 32
FIT = 0  # the zoom that fits the whole grid
_CURRENT, _HOVER = QColor(0xE0, 0x8A, 0), QColor(0x2A, 0x82, 0xDA)
_SELECTED = QColor(0x10, 0x10, 0x10)
_CHORDS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.MetaModifier
)


def grid_layout(
    count: int, image: QSize, room_w: int, room_h: int, gap: int, zoom: int = FIT
) -> tuple[int, int, int]:
    """(scale, columns, rows) in device pixels: at `zoom` (as many columns as the width
    holds), or with FIT the largest whole scale at which all fit."""
    if count == 0 or image.isEmpty():
        return 1, 1, 0

    def columns_at(scale: int) -> int:
        return min(count, (room_w - gap) // (image.width() * scale + gap))

    if zoom == FIT:
        for scale in range(MAX_SCALE, 0, -1):
            columns = columns_at(scale)
            if (
                columns >= 1
                and math.ceil(count / columns) * (image.height() * scale + gap) + gap <= room_h
            ):
                return scale, columns, math.ceil(count / columns)
        zoom = 1
    columns = max(1, columns_at(zoom))
    return zoom, columns, math.ceil(count / columns)


class GalleryCanvas(PointingCanvas):
    """Paints the samples; reports the one under the mouse or selected with the keys."""

    zoomChanged = Signal(int)  # the chosen zoom (FIT or a whole factor)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryCanvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Samples")
        self._images: tuple[QImage, ...] = ()
        self._ink: Sequence[Sequence[Sequence[int]]] = ()  # per sample, its digits' ink boxes
        self._current = -1
        self._selected = -1
        self._zoom = FIT
        self._room = QSize(0, 0)  # the visible area the grid should fit
        # scale, columns, rows, gap, spread (the width the columns leave, per space), dpr
        self._grid: tuple[int, int, int, int, int, float] | None = None

    def images(self) -> tuple[QImage, ...]:
        return self._images

    def ink_boxes(self) -> Sequence[Sequence[Sequence[int]]]:
        return self._ink

    def set_samples(
        self,
        images: Sequence[QImage],
        tips: Sequence[str],
        ink: Sequence[Sequence[Sequence[int]]] = (),
    ) -> None:
        self._images, self.tips, self._ink = tuple(images), tuple(tips), ink
        self.hover = -1
        if self._selected >= len(self._images):
            self._selected = len(self._images) - 1
        self._relayout()

    def current(self) -> int:
        """The framed sample (the one the main preview shows), or -1."""
        return self._current

    def set_current(self, index: int) -> None:
        """Frame the sample the main preview shows (-1: none)."""
        if index != self._current:
            self._current = index
            self.update()

    def selected(self) -> int:
        """The sample the keys have selected, or -1."""
        return self._selected

    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, zoom: int) -> None:
        """FIT, or a whole factor (device pixels per image pixel) from 1 to MAX_SCALE."""
        zoom = FIT if zoom == FIT else min(max(zoom, 1), MAX_SCALE)
        if zoom != self._zoom:
            self._zoom = zoom
            self._relayout()
            self.zoomChanged.emit(zoom)

    def zoom_by(self, steps: int) -> None:
        """One whole factor larger (steps > 0) or smaller, from the scale shown."""
        self.set_zoom(max(1, self.layout_in_device_pixels()[0] + steps))

    def set_room(self, room: QSize) -> None:
        self._room = room
        self._relayout()

    def layout_in_device_pixels(self) -> tuple[int, int, int, int]:
        """(scale, columns, rows, gap) in device pixels for the current room."""
        scale, columns, rows, gap, _spread, _dpr = self._layout()
        return scale, columns, rows, gap

    def _layout(self) -> tuple[int, int, int, int, int, float]:
        dpr = self.devicePixelRatioF()
        if self._grid is None or self._grid[5] != dpr:
            gap = max(1, round(GAP * dpr))
            size = self._images[0].size() if self._images else QSize()
            room_w = math.floor(self._room.width() * dpr)
            scale, columns, rows = grid_layout(
                len(self._images), size, room_w, math.floor(self._room.height() * dpr),
                gap, self._zoom,
            )  # fmt: skip
            # What the columns leave of the width, spread evenly between and around them.
            used = gap + columns * (size.width() * scale + gap)
            self._grid = scale, columns, rows, gap, max(0, room_w - used) // (columns + 1), dpr
        return self._grid

    def sample_rect(self, index: int) -> QRect:
        """Where sample `index` is painted, in device pixels."""
        scale, columns, _rows, gap, spread, _dpr = self._layout()
        image = self._images[index]
        row, column = divmod(index, columns)
        x = gap + spread + column * (image.width() * scale + gap + spread)
        y = gap + row * (image.height() * scale + gap)
        return QRect(x, y, image.width() * scale, image.height() * scale)

    def _relayout(self) -> None:
        self._grid = None
        if self._images:
            scale, columns, rows, gap = self.layout_in_device_pixels()
            dpr = self.devicePixelRatioF()
            image = self._images[0]
            height = gap + rows * (image.height() * scale + gap)
            width = gap + columns * (image.width() * scale + gap)
            self.setMinimumSize(math.ceil(width / dpr), math.ceil(height / dpr))
        else:
            self.setMinimumSize(0, 0)
        self.update()

    def item_at(self, pos: QPoint) -> int:
        dpr = self.devicePixelRatioF()
        point = QPoint(round(pos.x() * dpr), round(pos.y() * dpr))
        for i in range(len(self._images)):
            if self.sample_rect(i).contains(point):
                return i
        return -1

    def widget_point_of(self, index: int) -> QPoint:
        """The centre of sample `index` in widget (logical) coordinates."""
        rect = self.sample_rect(index)
        dpr = self.devicePixelRatioF()
        return QPoint(round(rect.center().x() / dpr), round(rect.center().y() / dpr))

    # -- the keyboard and the wheel ---------------------------------------------------

    def select(self, index: int) -> None:
        """Select sample `index` (clamped to the samples), bring it into view, show its tip."""
        if not self._images:
            return
        index = min(max(index, 0), len(self._images) - 1)
        self._selected = index
        self.update()
        point = self.widget_point_of(index)
        rect = self.sample_rect(index)
        dpr = self.devicePixelRatioF()
        margin = round(max(rect.width(), rect.height()) / dpr / 2) + GAP
        viewport = self.parentWidget()
        scroll = viewport.parentWidget() if viewport is not None else None
        if isinstance(scroll, QScrollArea):
            scroll.ensureVisible(point.x(), point.y(), margin, margin)
        if index < len(self.tips) and self.isVisible():
            QToolTip.showText(self.mapToGlobal(point), self.tips[index], self)
        self.hovered.emit(index)

    def _step(self, key: int) -> int | None:
        """Where a key moves the selection, or None if it does not."""
        columns = self.layout_in_device_pixels()[1]
        at = self._selected
        moves = {
            Qt.Key.Key_Left: at - 1,
            Qt.Key.Key_Right: at + 1,
            Qt.Key.Key_Up: at - columns if at >= columns else at,
            Qt.Key.Key_Down: at + columns if at + columns < len(self._images) else at,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: len(self._images) - 1,
        }
        return moves.get(Qt.Key(key))

    def _zoom_key(self, event: QKeyEvent) -> int | None:
        """+1, -1 or 0 (Fit) for the zoom keys, else None."""
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
            event.key() in (Qt.Key.Key_Equal, Qt.Key.Key_Plus)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            return 1
        if event.matches(QKeySequence.StandardKey.ZoomOut):
            return -1
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        return 0 if ctrl and event.key() == Qt.Key.Key_0 else None

    def event(self, event: QEvent) -> bool:
        # The window's own zoom shortcuts act on the image: the gallery claims them first.
        overrides = event.type() == QEvent.Type.ShortcutOverride
        if overrides and isinstance(event, QKeyEvent) and self._zoom_key(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        zoom = self._zoom_key(event)
        if zoom is not None:
            self.set_zoom(FIT) if zoom == 0 else self.zoom_by(zoom)
            return
        if self._images and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if self._selected >= 0:
                self.clicked.emit(self._selected)
            return
        target = self._step(event.key()) if self._images else None
        if target is None or event.modifiers() & _CHORDS:
            super().keyPressEvent(event)
            return
        self.select(target if self._selected >= 0 else max(self._current, 0))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self._selected < 0 and self._images:
            self._selected = max(self._current, 0)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps:
                self.zoom_by(1 if steps > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    # -- painting -------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(0x84, 0x84, 0x84))
        if not self._images:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No samples yet")
            painter.end()
            return
        dpr = painter.device().devicePixelRatioF()
        painter.scale(1.0 / dpr, 1.0 / dpr)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        frame = max(1, round(dpr))
        selected = self._selected if self.hasFocus() else -1
        for i, image in enumerate(self._images):
            rect = self.sample_rect(i)
            if i in (self._current, self.hover, selected):
                colour = _HOVER if i == self.hover else _CURRENT if i == self._current else None
                if colour is not None:
                    pen = QPen(colour, 2 * frame)
                    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                    painter.setPen(pen)
                    painter.drawRect(rect.adjusted(-frame, -frame, frame, frame))
                if i == selected:  # a dashed ring outside any other frame
                    pen = QPen(_SELECTED, frame, Qt.PenStyle.DashLine)
                    painter.setPen(pen)
                    painter.drawRect(rect.adjusted(-3 * frame, -3 * frame, 3 * frame, 3 * frame))
            painter.drawImage(rect, image)
            if self.show_ink and i < len(self._ink):
                rects = ink_rects(self._ink[i], rect.x(), rect.y(), rect.width() // image.width())
                paint_outlines(painter, rects, INK_COLOUR, frame)
        painter.end()
