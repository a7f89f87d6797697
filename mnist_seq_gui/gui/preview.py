"""The Image tab: the crisp preview (integer nearest-neighbour zoom in device pixels, on a
checkerboard) and its zoom control.

QLabel.setScaledContents always smooths, which blurs 28-pixel digits, so the canvas
paints the image itself. Zoom is worked out in device pixels (logical zoom times the
devicePixelRatio, rounded to a whole number), so every image pixel becomes the same
whole block of screen pixels on HiDPI screens too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .pointing import INK_COLOUR, PointingCanvas, ink_rects, paint_outlines

FIT = 0  # zoom value meaning "largest whole zoom that fits the window"
ZOOM_STEPS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32)
MARGIN = 16  # logical pixels of checkerboard around the image

Box = tuple[int, int, int, int]


def _checker_pixmap() -> QPixmap:
    """A 16 x 16 tile of two mid greys: both white and black images stand out on it."""
    tile = QPixmap(16, 16)
    tile.fill(QColor(0x8C, 0x8C, 0x8C))
    painter = QPainter(tile)
    dark = QColor(0x7A, 0x7A, 0x7A)
    painter.fillRect(0, 0, 8, 8, dark)
    painter.fillRect(8, 8, 8, 8, dark)
    painter.end()
    return tile


class ImageCanvas(PointingCanvas):
    """Paints one QImage at an integer zoom; reports the digit under the mouse."""

    scaleChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewCanvas")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image = QImage()
        self._boxes: tuple[Box, ...] = ()
        self._ink: tuple[Box, ...] = ()
        self._zoom = FIT
        self._checker: QBrush | None = None  # QPixmap needs the GUI app: made on first paint

    # -- state -------------------------------------------------------------------------

    def image(self) -> QImage:
        return self._image

    def ink_boxes(self) -> tuple[Box, ...]:
        return self._ink

    def set_image(
        self,
        image: QImage,
        boxes: Sequence[Box] = (),
        tips: Sequence[str] = (),
        ink: Sequence[Box] = (),
    ) -> None:
        """Show `image` (1:1 pixels); `boxes` are digit cells and `ink` the digits' ink
        boxes, in image pixels (x0, y0, x1, y1), end-exclusive."""
        resized = image.size() != self._image.size()
        self._image = image
        self._boxes = tuple(tuple(int(v) for v in b) for b in boxes)  # type: ignore[misc]
        self._ink = tuple(tuple(int(v) for v in b) for b in ink)  # type: ignore[misc]
        self.tips = tuple(tips)
        if self.hover >= len(self._boxes):
            self.set_hover(-1)
        if resized:
            self._update_minimum_size()
        self.update()

    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, zoom: int) -> None:
        """A logical zoom factor (1, 2, ...) or FIT."""
        self._zoom = max(FIT, int(zoom))
        self._update_minimum_size()
        self.update()
        self.scaleChanged.emit()

    def device_scale(self, dpr: float | None = None) -> int:
        """Screen (device) pixels per image pixel, always a whole number >= 1."""
        dpr = self.devicePixelRatioF() if dpr is None else dpr
        if self._image.isNull():
            return 1
        if self._zoom != FIT:
            return max(1, round(self._zoom * dpr))
        room_w = (self.width() - 2 * MARGIN) * dpr
        room_h = (self.height() - 2 * MARGIN) * dpr
        fit = math.floor(min(room_w / self._image.width(), room_h / self._image.height()))
        return max(1, min(fit, ZOOM_STEPS[-1] * math.ceil(dpr)))

    def effective_zoom(self) -> float:
        """The zoom in logical pixels actually used (FIT resolved)."""
        return self.device_scale() / self.devicePixelRatioF()

    def _update_minimum_size(self) -> None:
        if self._image.isNull():
            self.setMinimumSize(0, 0)
            return
        dpr = self.devicePixelRatioF()
        k = 1 if self._zoom == FIT else max(1, round(self._zoom * dpr))
        self.setMinimumSize(
            math.ceil(self._image.width() * k / dpr) + 2 * MARGIN,
            math.ceil(self._image.height() * k / dpr) + 2 * MARGIN,
        )
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return self.minimumSize().expandedTo(QSize(320, 120))

    # -- geometry ----------------------------------------------------------------------

    def placement(self, dpr: float | None = None) -> tuple[float, int, QPoint]:
        """(device pixel ratio, device scale, image origin in device pixels)."""
        dpr = self.devicePixelRatioF() if dpr is None else dpr
        k = self.device_scale(dpr)
        return dpr, k, self.image_origin(dpr, k)

    def image_origin(self, dpr: float, k: int) -> QPoint:
        """Top-left of the image in device pixels: centred, never inside the margin."""
        width_dev = round(self.width() * dpr)
        height_dev = round(self.height() * dpr)
        margin_dev = round(MARGIN * dpr)
        x0 = max(margin_dev, (width_dev - self._image.width() * k) // 2)
        y0 = max(margin_dev, (height_dev - self._image.height() * k) // 2)
        return QPoint(x0, y0)

    def item_at(self, pos: QPoint) -> int:
        return self.digit_at(pos)

    def digit_at(self, pos: QPoint) -> int:
        """Position in the sequence of the digit under `pos`, or -1."""
        if self._image.isNull():
            return -1
        dpr, k, origin = self.placement()
        x = math.floor((pos.x() * dpr - origin.x()) / k)  # the image pixel under `pos`
        y = math.floor((pos.y() * dpr - origin.y()) / k)
        for i, (x0, y0, x1, y1) in enumerate(self._boxes):
            if x0 <= x < x1 and y0 <= y < y1:
                return i
        return -1

    def widget_point_of(self, x: float, y: float) -> QPoint:
        """Widget position (logical) of image pixel coordinates; used by tests and tools."""
        dpr, k, origin = self.placement()
        return QPoint(round((origin.x() + x * k) / dpr), round((origin.y() + y * k) / dpr))

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._checker is None:
            self._checker = QBrush(_checker_pixmap())
        painter.fillRect(event.rect(), self._checker)
        if self._image.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No image yet")
            painter.end()
            return
        # Work in device pixels so the zoom is a whole number of screen pixels.
        dpr, k, origin = self.placement(painter.device().devicePixelRatioF())
        width, height = self._image.width(), self._image.height()
        painter.scale(1.0 / dpr, 1.0 / dpr)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        frame = max(1, round(dpr))
        shown = QRect(origin.x(), origin.y(), width * k, height * k)
        painter.fillRect(shown.adjusted(-frame, -frame, frame, frame), QColor(0x30, 0x30, 0x30))
        # Only the exposed columns are drawn, so very wide images stay cheap.
        exposed = event.rect()
        first = max(0, math.floor((exposed.left() * dpr - origin.x()) / k))
        last = min(width, math.ceil(((exposed.right() + 1) * dpr - origin.x()) / k))
        if last > first:
            painter.drawImage(
                QRect(origin.x() + first * k, origin.y(), (last - first) * k, height * k),
                self._image,
                QRect(first, 0, last - first, height),
            )
        if self.show_ink:
            paint_outlines(
                painter, ink_rects(self._ink, origin.x(), origin.y(), k), INK_COLOUR, frame
            )
        if 0 <= self.hover < len(self._boxes):
            x0, y0, x1, y1 = self._boxes[self.hover]
            pen = QPen(QColor(0x2A, 0x82, 0xDA), 2 * frame)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(
                QRect(origin.x() + x0 * k, origin.y() + y0 * k, (x1 - x0) * k, (y1 - y0) * k)
            )
        painter.end()


class PreviewView(QScrollArea):
    """Scrollable preview; `image()` is the image shown, at 1:1.

    Zooming keeps the image point at the centre of the view where it was; Ctrl+wheel
    asks for a zoom step (`zoomStepRequested`, +1 in, -1 out).
    """

    zoomStepRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = ImageCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)  # the canvas fills the view; FIT uses its size
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(28 + 2 * MARGIN + 4)
        self.digitHovered = self.canvas.hovered  # position in the sequence, or -1
        self.digitClicked = self.canvas.clicked

    def image(self) -> QImage:
        """The shown image, 1:1 (H x W greyscale)."""
        return self.canvas.image()

    def zoom(self) -> int:
        return self.canvas.zoom()

    def set_zoom(self, zoom: int) -> None:
        centre = self.centre_in_image()
        self.canvas.set_zoom(zoom)
        # Size the canvas now (not on the next layout pass) so the scroll bars can be set.
        self.canvas.resize(self.viewport().size().expandedTo(self.canvas.minimumSize()))
        if centre is not None:  # the image point at the centre of the view stays there
            point = self.canvas.widget_point_of(*centre)
            middle = self.viewport().rect().center()
            self.horizontalScrollBar().setValue(point.x() - middle.x())
            self.verticalScrollBar().setValue(point.y() - middle.y())

    def centre_in_image(self) -> tuple[float, float] | None:
        """The image point (in image pixels) at the centre of the view, if any."""
        if self.canvas.image().isNull():
            return None
        dpr, k, origin = self.canvas.placement()
        middle = self.viewport().rect().center()
        x = (self.horizontalScrollBar().value() + middle.x()) * dpr
        y = (self.verticalScrollBar().value() + middle.y()) * dpr
        return (x - origin.x()) / k, (y - origin.y()) / k

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps:
                self.zoomStepRequested.emit(1 if steps > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)


HINT = "Hover a digit to see its MNIST index; click it to draw another sample of it"


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
        current = self.preview.canvas.effective_zoom()
        bigger = [z for z in ZOOM_STEPS if z > current + 1e-9]
        if bigger:
            self.set_zoom(bigger[0])

    def zoom_out(self) -> None:
        current = self.preview.canvas.effective_zoom()
        smaller = [z for z in ZOOM_STEPS if z < current - 1e-9]
        if smaller:
            self.set_zoom(smaller[-1])
