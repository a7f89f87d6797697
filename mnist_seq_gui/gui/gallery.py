"""The gallery: K samples of the recipe in a grid (gallery_canvas.py), crisp at a whole zoom.

Sample i is item i of the data set the export dialog would write with the same
parameters and seed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .gallery_canvas import GalleryCanvas
from .state.jobs import BankCache, gallery_key
from .state.session import Session, index_name
from .workers import GalleryResult, GalleryThread, RenderRequest

MIN_SAMPLES, MAX_SAMPLES = 4, 64


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
            "\nClick (or Enter) to show it in the Image tab"
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
            f"{', '.join(map(str, row[row >= 0].tolist()))} \u2014 click or press Enter to show it"
        )
