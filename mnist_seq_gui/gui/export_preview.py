"""The export dialog's Preview tab: the first items of exactly the export the form would
write (dataset/preview.py), every length mixed as the export mixes them, with each
digit's ink box or mask on demand, and plots of what the export holds.

The items are made off the UI thread by a PreviewThread (the gallery's latest-wins
protocol, gui/workers.py). Once they are shown and nothing changed for STATS_DELAY_MS,
the same thread counts the statistics of a bounded sample, giving the UI thread room
between its steps and stopping when newer work arrives, and the plots follow. pyqtgraph
is imported when the plots are first made, so the explorer starts without it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QMetaObject, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core import Cancelled, InputError, MnistSeqError, prepare_maps
from ..dataset.preview import (
    PREVIEW_ITEMS,
    PreviewStats,
    Source,
    export_parts,
    first_items,
    sample_stats,
    tiles,
)
from ..files import to_uint8
from .gallery import MAX_SAMPLES, MIN_SAMPLES, _Scroll
from .gallery_canvas import GalleryCanvas
from .panel import scrolled
from .qimage import grey_qimage
from .state.jobs import BankCache
from .state.session import worded
from .workers import LatestWinsThread

PLOT_COLOUR = (42, 130, 218)  # the gallery's hover blue
ROOM = QSize(1040, 760)  # the window size the tab asks for when first shown
STATS_DELAY_MS = 150  # statistics wait until the form is still this long


@dataclass(frozen=True)
class PreviewRequest:
    """The first `count` items of the export of `source`, masks tinted if asked."""

    request_id: int
    source: Source
    count: int
    masks: bool


@dataclass(frozen=True)
class StatsRequest:
    """The statistics of the export of `source` (its items were request `request_id`)."""

    request_id: int
    source: Source


@dataclass(frozen=True, eq=False)
class StatsResult:
    request_id: int
    stats: PreviewStats


@dataclass(frozen=True, eq=False)
class PreviewResult:
    request_id: int
    images: tuple[QImage, ...]
    tips: tuple[str, ...]
    ink_boxes: list[Any]  # per item, its digits' ink boxes (-1 rows past its length)
    elapsed_ms: float


def rgb_qimage(pixels: np.ndarray) -> QImage:
    """An (H, W, 3) uint8 array -> an owning RGB888 QImage of the same pixels."""
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape[:2]
    view = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)
    return view.copy()


class PreviewThread(LatestWinsThread):
    """PreviewRequest -> PreviewResult (then, while nothing newer waits, the style's
    sampling maps, as the gallery's thread makes them); StatsRequest -> StatsResult."""

    def __init__(self, banks: BankCache, parent: QObject | None = None) -> None:
        super().__init__(self._draw, "previewThread", parent)
        self._banks = banks

    def _bank(self, source: Source) -> Any:
        return self._banks.get(export_parts(source)[0][1].source)

    def _draw(self, request: PreviewRequest | StatsRequest) -> PreviewResult | StatsResult:
        if isinstance(request, StatsRequest):
            return self._count(request)
        bank = self._bank(request.source)
        start = time.perf_counter()
        items = first_items(request.source, request.count, masks=request.masks, bank=bank)
        if request.masks:
            images = tuple(rgb_qimage(tile) for tile in tiles(items, masks=True))
        else:
            images = tuple(map(grey_qimage, to_uint8(items.fields["image"])))
        fields = items.fields
        tips = tuple(
            f"{f'{split}: ' if split else ''}item {item:,}: {label} ({length} digits)\n"
            f"MNIST images {', '.join(map(str, row[:length].tolist()))}"
            for split, item, label, length, row in zip(
                items.splits,
                fields["item"].tolist(),
                fields["label"].tolist(),
                fields["length"].tolist(),
                fields["mnist_indices"],
            )
        )
        elapsed = (time.perf_counter() - start) * 1000.0
        return PreviewResult(
            request.request_id, images, tips, fields["ink_boxes"].tolist(), elapsed
        )

    def _count(self, request: StatsRequest) -> StatsResult:
        def stop() -> bool:
            # A moment without the GIL between steps: the UI thread stays responsive.
            time.sleep(0.001)
            return self._superseded()

        stats = sample_stats(request.source, bank=self._bank(request.source), stop=stop)
        if stats is None:  # stopped for newer work: this answer is never shown
            raise Cancelled("statistics stopped")
        return StatsResult(request.request_id, stats)

    def idle_work(self, request: Any, stop: Callable[[], bool]) -> None:
        if isinstance(request, PreviewRequest):
            for _, config in export_parts(request.source):
                prepare_maps(config.recipe.variation, stop)


class ExportPreview(QWidget):
    """The Preview tab. `source()` gives what the form would export (a DatasetConfig or
    each split's), or raises MnistSeqError; `refresh()` shows its first items."""

    shown = Signal(int)  # id of the request whose items are now shown
    counted = Signal(int)  # id of the request whose statistics are now plotted
    wants_room = Signal(QSize)  # the window size at which the plots read well

    def __init__(self, source: Callable[[], Source], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPreview")
        self._source = source
        self.count_spin = QSpinBox(self)
        self.count_spin.setObjectName("previewCount")
        self.count_spin.setRange(MIN_SAMPLES, MAX_SAMPLES)
        self.count_spin.setValue(PREVIEW_ITEMS // 2)
        self.count_spin.setKeyboardTracking(False)
        self.count_spin.setToolTip("How many of the export's first images to show")
        label = QLabel("&Images", self)
        label.setBuddy(self.count_spin)
        self.ink_check = QCheckBox("Ink &boxes", self)
        self.ink_check.setToolTip("Outline each digit's ink, as COCO and YOLO write it")
        self.masks_check = QCheckBox("Mas&ks", self)
        self.masks_check.setToolTip("Tint each digit's ink mask, a colour per digit slot")
        self.note = QLabel(self)
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        # Two lines whatever it says: a new text never lays out (and repaints) the plots.
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.note.setFixedHeight(2 * self.note.fontMetrics().lineSpacing() + 2)
        header = QHBoxLayout()
        for widget in (label, self.count_spin, self.ink_check, self.masks_check):
            header.addWidget(widget)
        header.addWidget(self.note, 1)
        self.canvas = GalleryCanvas()
        self.canvas.setObjectName("previewCanvas")
        self.scroll_area = _Scroll(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll_area.setMinimumHeight(96)
        self.splitter = QSplitter(self)
        self.splitter.setOrientation(self.splitter.orientation().Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll_area)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        # On a small screen the images and plots keep a readable size and scroll.
        layout.addWidget(scrolled(self.splitter), 1)
        self.plots: Any = None  # a pyqtgraph GraphicsLayoutWidget, made when first shown
        self.stats: PreviewStats | None = None
        self._banks = BankCache()
        self.worker: PreviewThread | None = None  # made when first asked; stop() joins it
        self._joining: QMetaObject.Connection | None = None
        self.count_spin.valueChanged.connect(self.refresh)
        self.masks_check.toggled.connect(self.refresh)
        self.ink_check.toggled.connect(self.canvas.set_show_ink)
        self.latest_id = self._shown_id = self._counted_id = 0
        self._key: tuple[Any, int, bool] | None = None
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(STATS_DELAY_MS)
        self._stats_timer.timeout.connect(self._count)

    def refresh(self) -> None:
        """Ask for the items of what the form would export now, unless already asked."""
        if not self.isVisible():
            return
        try:
            source = self._source()
        except MnistSeqError as exc:
            self._key = None
            self.latest_id += 1
            self._show_problem(worded(exc) if isinstance(exc, InputError) else str(exc))
            return
        key = (source, self.count_spin.value(), self.masks_check.isChecked())
        if key == self._key:
            return
        self._stats_timer.stop()
        self._key = key
        self.latest_id += 1
        self.note.setText("Making the preview\u2026")
        if self.worker is None:
            # Without a parent: a thread still running when its parent goes would abort
            # the process, so the tab joins it when it goes (and in stop()).
            self.worker = PreviewThread(self._banks)
            join = functools.partial(PreviewThread.stop, self.worker)
            self._joining = self.destroyed.connect(join)
            self.worker.done.connect(self._on_result)
            self.worker.failed.connect(self._on_failed)
        self.worker.submit(PreviewRequest(self.latest_id, *key))

    def is_current(self) -> bool:
        """True when the items of the newest request are shown."""
        return 0 < self.latest_id == self._shown_id

    def is_counted(self) -> bool:
        """True when the plots show the statistics of the newest request."""
        return 0 < self.latest_id == self._counted_id

    def stop(self) -> None:
        """Join the thread (the next refresh starts another); answers still on their
        way are dropped."""
        self.latest_id += 1
        self._key = None
        self._stats_timer.stop()
        worker, self.worker = self.worker, None
        if worker is not None:
            if self._joining is not None:
                QObject.disconnect(self._joining)
            worker.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.plots is None:
            self.plots = stats_plots()
            self.splitter.addWidget(self.plots)
            self.splitter.setSizes([1, 2])
            self.wants_room.emit(ROOM)
        self.refresh()

    def _show_problem(self, text: str) -> None:
        self.canvas.set_samples((), ())
        self.note.setText(text)
        self.note.setToolTip(text)  # in full, should two lines not hold it
        self.note.setStyleSheet("color: #b3261e;")

    def _count(self) -> None:
        """Count the statistics of the items shown, if they are still the newest."""
        if self.is_current() and self._key is not None and self.worker is not None:
            self.worker.submit(StatsRequest(self.latest_id, self._key[0]))

    def _on_result(self, result: PreviewResult | StatsResult) -> None:
        if result.request_id != self.latest_id:
            return
        if isinstance(result, StatsResult):
            self._on_counted(result.stats)
            return
        self._shown_id = result.request_id
        self.canvas.set_room(self.scroll_area.viewport().size())
        self.canvas.set_samples(result.images, result.tips, result.ink_boxes)
        count = len(result.images)
        self.note.setStyleSheet("")
        self.note.setToolTip("")
        self.note.setText(
            f"The first {count} images the export writes, made as it makes them "
            f"\u00b7 {result.elapsed_ms:.0f} ms \u00b7 counting statistics\u2026"
        )
        self._stats_timer.start()
        self.shown.emit(result.request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self.latest_id:
            self._show_problem(message)

    def _on_counted(self, stats: PreviewStats) -> None:
        request_id = self._counted_id = self.latest_id
        self.stats = stats
        plot_stats(self.plots, stats)
        text = self.note.text().replace(" \u00b7 counting statistics\u2026", "")
        self.note.setText(f"{text} \u00b7 plots: the first {stats.sample:,} of {stats.total:,}")
        self.counted.emit(request_id)


# --- plots ---------------------------------------------------------------------------

_PLOTS = (  # (title, x axis, y axis) of each plot, in grid order
    ("Digits per image", "digits", "images"),
    ("Digit frequency", "digit", "digits"),
    ("Gap between neighbours", "gap (px; below 0: overlap)", "digit pairs"),
    ("Ink box width (blue), height (orange)", "px", "digits"),
    ("Ink coverage", "% of the image", "images"),
    ("MNIST image reuse", "digits drawn from one image", "MNIST images"),
)


def stats_plots() -> Any:
    """An empty grid of the six plots, labelled (pyqtgraph imported here)."""
    import pyqtgraph as pg  # type: ignore[import-untyped,unused-ignore]

    widget = pg.GraphicsLayoutWidget()
    widget.setObjectName("previewPlots")
    widget.setBackground("w")
    widget.setMinimumSize(600, 300)
    for i, (title, x_label, y_label) in enumerate(_PLOTS):
        plot = widget.addPlot(row=i // 3, col=i % 3)
        plot.setTitle(title, color="#202020", size="10pt")
        for side, text in (("bottom", x_label), ("left", y_label)):
            axis = plot.getAxis(side)
            axis.setLabel(text, color="#404040")
            axis.setPen("#606060")
            axis.setTextPen("#404040")
        plot.getAxis("left").setWidth(58)  # room for the label beside five-digit ticks
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.25)
    return widget


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, how many) for whole numbers, every value from the least to the most."""
    low = int(values.min()) if values.size else 0
    counts = np.bincount(values.astype(np.int64) - low) if values.size else np.zeros(1)
    return np.arange(low, low + len(counts)), counts


def plot_stats(widget: Any, stats: PreviewStats) -> None:
    """Draw `stats` into the plots of stats_plots."""
    import pyqtgraph as pg  # type: ignore[import-untyped,unused-ignore]

    blue, orange = pg.mkBrush(*PLOT_COLOUR), pg.mkBrush(224, 138, 0)
    plots = [widget.getItem(i // 3, i % 3) for i in range(len(_PLOTS))]
    for plot in plots:
        plot.clear()

    def bars(plot: Any, x: np.ndarray, y: np.ndarray, brush: Any, width: float = 0.8) -> None:
        plot.addItem(pg.BarGraphItem(x=x, height=y, width=width, brush=brush, pen=None))

    lengths = np.flatnonzero(stats.lengths)
    bars(plots[0], lengths, stats.lengths[lengths], blue)
    bars(plots[1], np.arange(10), stats.digits, blue)
    bars(plots[2], *_counts(stats.gaps), blue, 1.0)
    for values, brush, shift in (
        (stats.box_widths, blue, -0.22),
        (stats.box_heights, orange, 0.22),
    ):
        x, y = _counts(values)
        bars(plots[3], x + shift, y, brush, 0.44)
    shares, edges = np.histogram(stats.coverage * 100, bins=20)
    bars(plots[4], (edges[:-1] + edges[1:]) / 2, shares, blue, float(edges[1] - edges[0]))
    bars(plots[5], *_counts(stats.uses), blue)
    for plot in plots:
        plot.enableAutoRange()
