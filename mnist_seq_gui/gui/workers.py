"""Worker threads: long-lived render threads where the newest request always wins, and
the export thread.

Modelled on Qt's threaded Mandelbrot example: `submit()` overwrites the single pending
request under a mutex and wakes the thread; `run()` takes the newest request, does
the work, and emits the result only if nothing newer arrived meanwhile. Every request
carries an increasing id, so the GUI slot also drops a result that is not the newest
(one already queued in the event loop when a newer request was made). QImages are
built here; pixmaps only ever in the GUI thread.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QMutex, QMutexLocker, QObject, QThread, QWaitCondition, Signal
from PySide6.QtGui import QImage

from ..core import Composition, DigitBank, MnistSeqError, prepare_maps
from .qimage import grey_qimage
from .state.jobs import BankCache, compose_session, gallery_batch
from .state.session import Session

ComposeFn = Callable[[DigitBank, Session], Composition]


@dataclass(frozen=True)
class RenderRequest:
    """Draw `session` (main image) or `count` gallery samples of it."""

    request_id: int
    session: Session
    count: int = 0  # gallery requests only


@dataclass(frozen=True, eq=False)
class RenderResult:
    """A finished main image: the composition, its 1:1 QImage and how long it took."""

    request_id: int
    session: Session
    composition: Composition
    image: QImage  # H x W, Format_Grayscale8, owns its pixels
    elapsed_ms: float
    bank: DigitBank  # where the digits came from: labels for per-digit reroll, source name
    ink_boxes: tuple[tuple[int, int, int, int], ...] = ()  # each digit's ink (x0, y0, x1, y1)


@dataclass(frozen=True, eq=False)
class GalleryResult:
    """Gallery samples: items 0..K-1 of the recipe's data set."""

    request_id: int
    session: Session
    images: tuple[QImage, ...]
    labels: tuple[str, ...]
    indices: np.ndarray  # (K, n) MNIST indices
    boxes: np.ndarray  # (K, n, 4)
    elapsed_ms: float
    ink_boxes: np.ndarray | None = None  # (K, n, 4), -1 past a sample's length


class LatestWinsThread(QThread):
    """Runs `job(request)` off the GUI thread; see the module docstring for the protocol."""

    done = Signal(object)  # whatever the job returns
    failed = Signal(int, str)  # request id, one-line reason

    def __init__(self, job: Callable[[Any], Any], name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self._job = job
        self._mutex = QMutex()
        self._condition = QWaitCondition()
        self._pending: Any = None
        self._busy = False  # a request taken and not yet answered
        self._abort = False

    def submit(self, request: Any) -> None:
        """Queue `request` (it has a `request_id`), replacing any request not yet started."""
        with QMutexLocker(self._mutex):
            if self._abort:
                return
            self._pending = request
            if not self.isRunning():
                self.start(QThread.Priority.LowPriority)
            else:
                self._condition.wakeOne()

    def stop(self) -> None:
        """Abort, wake and join the thread; safe to call more than once."""
        with QMutexLocker(self._mutex):
            self._abort = True
            self._pending = None
            self._condition.wakeOne()
        # No time limit: destroying a QThread that still runs aborts the process.
        self.wait()

    def is_idle(self) -> bool:
        """True when no request waits and none is being worked on (its answer, if any,
        has been emitted; a queued connection delivers it at the next event loop turn)."""
        with QMutexLocker(self._mutex):
            return self._pending is None and not self._busy

    def _superseded(self) -> bool:
        with QMutexLocker(self._mutex):
            return self._abort or self._pending is not None

    def run(self) -> None:
        while True:
            with QMutexLocker(self._mutex):
                while self._pending is None and not self._abort:
                    self._condition.wait(self._mutex)
                if self._abort:
                    return
                request = self._pending
                self._pending = None
                self._busy = True
            try:
                self._answer(request)
            finally:
                with QMutexLocker(self._mutex):
                    self._busy = False

    def _answer(self, request: Any) -> None:
        try:
            result = self._job(request)
        except Exception as exc:  # an exception must never end the thread
            text = str(exc) if isinstance(exc, MnistSeqError) else f"{type(exc).__name__}: {exc}"
            if not self._superseded():
                self.failed.emit(request.request_id, text)
            return
        # Latest wins: a newer request is already waiting, so this result is stale.
        if not self._superseded():
            self.done.emit(result)
        if not self._superseded():
            # Warm-up only: if it fails, the next draw makes what it needs and says why.
            with contextlib.suppress(Exception):
                self.idle_work(request, self._superseded)

    def idle_work(self, request: Any, stop: Callable[[], bool]) -> None:
        """Optional work after `request` was answered, which stops early when `stop()`
        says a newer request waits (or the thread is stopping)."""


class RenderThread(LatestWinsThread):
    """The main image: session -> RenderResult (bank loading is not counted as render time)."""

    def __init__(
        self,
        compose_fn: ComposeFn = compose_session,
        banks: BankCache | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(self._draw, "renderThread", parent)
        self._compose, self._banks = compose_fn, banks or BankCache()

    def _draw(self, request: RenderRequest) -> RenderResult:
        bank = self._banks.get(request.session.source)
        start = time.perf_counter()
        comp = self._compose(bank, request.session)
        image = grey_qimage(comp.pixels)
        ink = comp.ink_boxes  # worked out here, off the GUI thread
        elapsed = (time.perf_counter() - start) * 1000.0
        return RenderResult(request.request_id, request.session, comp, image, elapsed, bank, ink)


class GalleryThread(LatestWinsThread):
    """Gallery samples: recipe + count -> GalleryResult, one batch. Once they are shown, it
    makes the rest of their style's sampling maps (in steps that stop for new work), so
    rerolls never wait for them."""

    def __init__(self, banks: BankCache | None = None, parent: QObject | None = None) -> None:
        super().__init__(self._draw, "galleryThread", parent)
        self._banks = banks or BankCache()

    def _draw(self, request: RenderRequest) -> GalleryResult:
        bank = self._banks.get(request.session.source)
        start = time.perf_counter()
        batch = gallery_batch(bank, request.session, request.count)
        images = tuple(grey_qimage(pixels) for pixels in batch["image"])
        elapsed = (time.perf_counter() - start) * 1000.0
        return GalleryResult(
            request.request_id,
            request.session,
            images,
            tuple(str(label) for label in batch["label"]),
            batch["mnist_indices"],
            batch["boxes"],
            elapsed,
            batch["ink_boxes"],
        )

    def idle_work(self, request: RenderRequest, stop: Callable[[], bool]) -> None:
        prepare_maps(request.session.recipe.variation, stop)
