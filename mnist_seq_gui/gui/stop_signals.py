"""Ctrl+C and SIGTERM close the explorer as its close button does.

Python runs its signal handlers only between bytecodes, and while Qt's event loop waits
no bytecode runs, so by default the explorer ignored Ctrl+C in its terminal and SIGTERM
killed it on the spot (no session saved, an export in the window cut off). Here the
C-level handler writes the signal's number into a socket (`signal.set_wakeup_fd`)
that Qt watches; the window is then closed (which saves the session, cancels and
joins an export, and joins the render threads) and the event loop ends; the entry
point then exits with 128 + the signal's number, as a shell reports a process stopped
by it.
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication, QWidget

STOPS = (signal.SIGINT, signal.SIGTERM)


class StopSignals(QObject):
    """While installed (main thread only), SIGINT and SIGTERM close `window` and end
    the event loop; `received` is then the signal's number. `uninstall()` puts back
    what was there before."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        # Python-level handlers that do nothing: the wake-up byte does the work, and
        # no KeyboardInterrupt is raised in whatever slot runs next.
        self._previous = {s: signal.signal(s, lambda _signum, _frame: None) for s in STOPS}
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier: QSocketNotifier | None = QSocketNotifier(
            self._reader.fileno(), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        stops = [n for n in numbers if n in STOPS]
        if not stops or self.received is not None:
            return  # another signal's wake-up byte, or a stop already under way
        self.received = stops[0]
        self.window.close()  # never refused: it saves the session and joins every thread
        QApplication.quit()

    def uninstall(self) -> None:
        """Put back the handlers and wake-up descriptor there were before; idempotent."""
        if self._notifier is None:
            return
        self._notifier.setEnabled(False)
        self._notifier = None
        signal.set_wakeup_fd(self._previous_fd)
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._reader.close()
        self._writer.close()
