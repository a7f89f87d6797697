"""One long-lived render thread: the newest request always wins.

Modelled on Qt's threaded Mandelbrot example: `render()` overwrites the single pending
request under a mutex and wakes the thread; `run()` takes the newest request, composes
it, and emits the result only if nothing newer arrived meanwhile. Every request carries
an increasing id, so the GUI slot can also drop a result that is not the newest (a
result already queued in the event loop when a newer request was made).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QMutex, QMutexLocker, QObject, QThread, QWaitCondition, Signal
from PySide6.QtGui import QImage

from ..core import Composition, DigitBank, MnistSeqError, SequenceSpec, bundled_bank, compose
from .qimage import grey_qimage

ComposeFn = Callable[..., Composition]


@dataclass(frozen=True)
class RenderRequest:
    """What to draw: a validated spec, a seed and optionally fixed MNIST indices."""

    request_id: int
    spec: SequenceSpec
    seed: int
    indices: tuple[int, ...] | None = None


@dataclass(frozen=True, eq=False)
class RenderResult:
    """A finished image: the composition, its 1:1 QImage and how long it took."""

    request_id: int
    composition: Composition
    image: QImage  # 28 x W, Format_Grayscale8, owns its pixels
    elapsed_ms: float
    bank: DigitBank  # where the digits came from: labels for per-digit reroll, source name


class RenderThread(QThread):
    """Composes images off the GUI thread; see the module docstring for the protocol."""

    rendered = Signal(object)  # RenderResult
    failed = Signal(int, str)  # request id, one-line reason

    def __init__(
        self,
        compose_fn: ComposeFn = compose,
        bank_loader: Callable[[], DigitBank] = bundled_bank,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("renderThread")
        self._compose = compose_fn
        self._bank_loader = bank_loader
        self._mutex = QMutex()
        self._condition = QWaitCondition()
        self._pending: RenderRequest | None = None
        self._abort = False

    def render(self, request: RenderRequest) -> None:
        """Queue `request`, replacing any request not yet started."""
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

    def _superseded(self) -> bool:
        with QMutexLocker(self._mutex):
            return self._abort or self._pending is not None

    def run(self) -> None:
        bank: DigitBank | None = None
        while True:
            self._mutex.lock()
            while self._pending is None and not self._abort:
                self._condition.wait(self._mutex)
            if self._abort:
                self._mutex.unlock()
                return
            request = self._pending
            self._pending = None
            self._mutex.unlock()

            try:
                if bank is None:
                    bank = self._bank_loader()  # once; not counted as render time
                start = time.perf_counter()
                comp = self._compose(
                    bank, request.spec, request.seed, indices=request.indices, dtype=np.uint8
                )
                image = grey_qimage(comp.pixels)
            except MnistSeqError as exc:
                if not self._superseded():
                    self.failed.emit(request.request_id, str(exc))
                continue
            except Exception as exc:  # an exception must never end the thread
                if not self._superseded():
                    self.failed.emit(request.request_id, f"{type(exc).__name__}: {exc}")
                continue
            elapsed_ms = (time.perf_counter() - start) * 1000.0
            # Latest wins: a newer request is already waiting, so this image is stale.
            if self._superseded():
                continue
            self.rendered.emit(RenderResult(request.request_id, comp, image, elapsed_ms, bank))
