"""Waiting for the explorer in the GUI benchmarks (bench_gui.py): until a condition holds,
or a widget paints, in a sleeping event loop."""

from __future__ import annotations

import time


def paint_watch(painted_at: list[float]):
    """An event filter noting the time of every paint of the widget it watches; its
    `painted` signal fires after each note."""
    from PySide6.QtCore import QEvent, QObject, Signal

    class PaintWatch(QObject):
        painted = Signal()

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                painted_at.append(time.perf_counter())
                self.painted.emit()
            return False

    return PaintWatch()


def wait_until(condition, signals=(), poll_ms: int = 0, timeout_s: float = 10.0) -> None:
    """Run the event loop until condition() holds, checking it whenever one of `signals`
    fires (and every `poll_ms` if given). The loop sleeps between events, as the
    explorer's own loop does: a loop spinning processEvents() would take a core and the
    GIL from the render threads, which no user's session does."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()

    def check() -> None:
        if condition():
            loop.quit()

    for signal in signals:
        signal.connect(check)
    poll = QTimer()
    if poll_ms:
        poll.timeout.connect(check)
        poll.start(poll_ms)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(round(timeout_s * 1000))
    loop.exec()
    guard.stop()
    poll.stop()
    for signal in signals:
        signal.disconnect(check)
    if not condition():
        raise SystemExit(f"the explorer did not answer within {timeout_s:.0f} s")
