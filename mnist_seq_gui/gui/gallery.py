"""The gallery: K samples of the recipe in a grid, crisp at a whole zoom.

Sample i is item i of the data set the export dialog would write with the same
parameters and seed. The zoom is the largest whole number of device pixels per image
pixel at which the whole grid fits (at least 1; then the grid scrolls).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .pointing import INK_COLOUR, PointingCanvas, ink_rects, paint_outlines
from .state.jobs import BankCache, gallery_key
from .state.session import Session, index_name
from .workers import GalleryResult, GalleryThread, RenderRequest

MIN_SAMPLES, MAX_SAMPLES = 4, 64
GAP = 8  # logical pixels between samples and around the grid
_MAX_SCALE = 32


def grid_layout(
    count: int, image: QSize, room_w: int, room_h: int, gap: int
) -> tuple[int, int, int]:
    """(scale, columns, rows) in device pixels: the largest whole scale that fits all."""
    if count == 0 or image.isEmpty():
        return 1, 1, 0
    for scale in range(_MAX_SCALE, 0, -1):
        cell_w, cell_h = image.width() * scale + gap, image.height() * scale + gap
        columns = min(count, (room_w - gap) // cell_w)
        if columns < 1:
            continue
        rows = math.ceil(count / columns)
        if rows * cell_h + gap <= room_h:
            return scale, columns, rows
    columns = max(1, min(count, (room_w - gap) // (image.width() + gap)))
    return 1, columns, math.ceil(count / columns)


class GalleryCanvas(PointingCanvas):
    """Paints the samples; reports the one under the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryCanvas")
        self._images: tuple[QImage, ...] = ()
        self._ink: Sequence[Sequence[Sequence[int]]] = ()  # per sample, its digits' ink boxes
        self._current = -1
        self._room = QSize(0, 0)  # the visible area the grid should fit

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
        self._relayout()

    def current(self) -> int:
        """The framed sample (the one the main preview shows), or -1."""
        return self._current

    def set_current(self, index: int) -> None:
        """Frame the sample the main preview shows (-1: none)."""
        if index != self._current:
            self._current = index
            self.update()

    def set_room(self, room: QSize) -> None:
        self._room = room
        self._relayout()

    def layout_in_device_pixels(self) -> tuple[int, int, int, int]:
        """(scale, columns, rows, gap) in device pixels for the current room."""
        dpr = self.devicePixelRatioF()
        gap = max(1, round(GAP * dpr))
        size = self._images[0].size() if self._images else QSize()
        scale, columns, rows = grid_layout(
            len(self._images),
            size,
            math.floor(self._room.width() * dpr),
            math.floor(self._room.height() * dpr),
            gap,
        )
        return scale, columns, rows, gap

    def sample_rect(self, index: int) -> QRect:
        """Where sample `index` is painted, in device pixels."""
        scale, columns, _rows, gap = self.layout_in_device_pixels()
        image = self._images[index]
        row, column = divmod(index, columns)
        x = gap + column * (image.width() * scale + gap)
        y = gap + row * (image.height() * scale + gap)
        return QRect(x, y, image.width() * scale, image.height() * scale)

    def _relayout(self) -> None:
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
        for i, image in enumerate(self._images):
            rect = self.sample_rect(i)
            if i in (self._current, self.hover):
                colour = QColor(0x2A, 0x82, 0xDA) if i == self.hover else QColor(0xE0, 0x8A, 0)
                pen = QPen(colour, 2 * frame)
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                painter.setPen(pen)
                painter.drawRect(rect.adjusted(-frame, -frame, frame, frame))
            painter.drawImage(rect, image)
            if self.show_ink and i < len(self._ink):
                rects = ink_rects(self._ink[i], rect.x(), rect.y(), rect.width() // image.width())
                paint_outlines(painter, rects, INK_COLOUR, frame)
        painter.end()


class _Scroll(QScrollArea):
    """Tells the canvas how much room it has whenever the view is resized."""

    def __init__(self, canvas: GalleryCanvas) -> None:
        super().__init__()
        self.canvas = canvas
        self.setWidget(canvas)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.canvas.set_room(self.viewport().size())


class GalleryView(QWidget):
    """The sample count, a line about the samples, and the scrolling grid. `request()`
    asks `worker` for the samples of the session the window shows (`current()`); only
    the answer to the newest request is shown."""

    countChanged = Signal(int)
    shown = Signal(int)  # id of the request whose samples are now shown

    def __init__(
        self, current: Callable[[], Session], banks: BankCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("galleryView")
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("galleryCountSpin")
        self.count_spin.setRange(MIN_SAMPLES, MAX_SAMPLES)
        self.count_spin.setValue(16)
        self.count_spin.setKeyboardTracking(False)
        self.count_spin.setAccessibleName("Samples")
        self.count_spin.setToolTip("How many samples the gallery shows")
        label = QLabel("Sa&mples")
        label.setBuddy(self.count_spin)
        self.note = QLabel()
        self.note.setObjectName("galleryNote")
        self.note.setEnabled(False)
        self.note.setWordWrap(True)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(label)
        header.addWidget(self.count_spin)
        header.addWidget(self.note, 1)
        self.canvas = GalleryCanvas()
        self.scroll_area = _Scroll(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.scroll_area, 1)
        self.count_spin.valueChanged.connect(self.countChanged)
        self.sampleClicked = self.canvas.clicked
        self.sampleHovered = self.canvas.hovered  # -1 when over none
        self._current = current
        self.worker = GalleryThread(banks, self)
        self.worker.done.connect(self._on_result)
        self.worker.failed.connect(self._on_failed)
        self.latest_id = self._shown_id = 0
        self._key: tuple[Session, int] | None = None  # what the samples show
        self._result: GalleryResult | None = None
        self._stopped = False

    def count(self) -> int:
        return self.count_spin.value()

    def request(self) -> None:
        """Ask for the samples of the current session, unless they are shown or asked for."""
        session = self._current()
        key = (gallery_key(session), self.count())
        if key == self._key:
            self._mark_current()
            return  # the samples do not depend on the digits typed, the item or picks
        self._key = key
        self.latest_id += 1
        self.worker.submit(RenderRequest(self.latest_id, session, self.count()))

    def is_current(self) -> bool:
        """True when the gallery shows the samples of the newest request."""
        return 0 < self.latest_id == self._shown_id

    def stop(self) -> None:
        """Join the thread; answers still on their way are dropped."""
        self._stopped = True
        self.worker.stop()

    def _on_result(self, result: GalleryResult) -> None:
        if result.request_id != self.latest_id or self._stopped:
            return
        self._shown_id = result.request_id
        self._result = result
        name = index_name(result.session, plural=True)
        tips = [
            f"Sample {i}: {label}\n{name} {', '.join(map(str, row[row >= 0].tolist()))}"
            "\nClick to show it in the Image tab"
            for i, (label, row) in enumerate(zip(result.labels, result.indices))
        ]
        note = (
            f"items 0\u2013{len(result.images) - 1} of the data set Export writes with seed "
            f"{result.session.seed} \u00b7 {result.elapsed_ms:.1f} ms"
        )
        ink = () if result.ink_boxes is None else result.ink_boxes.tolist()
        self.canvas.set_room(self.scroll_area.viewport().size())
        self.canvas.set_samples(result.images, tips, ink)
        self.note.setText(note)
        self._mark_current()
        self.shown.emit(result.request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self.latest_id and not self._stopped:
            self.canvas.set_samples((), ())
            self.note.setText(message)

    def _mark_current(self) -> None:
        """Frame the sample the main image shows, if it shows one."""
        result, session = self._result, self._current()
        current = -1
        if result is not None and session.indices is None and session.item < len(result.labels):
            current = session.item if result.labels[session.item] == session.sequence else -1
        self.canvas.set_current(current)

    def sample_session(self, index: int) -> Session | None:
        """The session whose main image is sample `index` (the same pixels), if shown."""
        result = self._result
        if result is None or not 0 <= index < len(result.labels):
            return None
        return result.session.replace(sequence=result.labels[index], item=index, indices=None)

    def hover_text(self, index: int) -> str:
        """The status bar's line about sample `index` ('' for none)."""
        result = self._result
        if result is None or not 0 <= index < len(result.labels):
            return ""
        row = result.indices[index]
        return (
            f"Sample {index}: {result.labels[index]}, {index_name(result.session, plural=True)} "
            f"{', '.join(map(str, row[row >= 0].tolist()))} \u2014 click to show it"
        )
