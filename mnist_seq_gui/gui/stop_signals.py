"""Ctrl+C and SIGTERM close the explorer as its close button does.

Python runs its signal handlers only between bytecodes, and while Qt's event loop waits
no bytecode runs, so by default the explorer ignored Ctrl+C in its terminal and SIGTERM
killed it on the spot (no session saved, an export in the window cut off). Here the
C-level handler writes the signal's number into a socket (`signal.set_wakeup_fd`)
that Qt watches; the window is then closed (which saves the session, cancels and
joins an export, and joins the render threads) and the event loop ends; the entry
point then exits with 128 + the signal's number, as a shell reports a process stopped
by it.

The handlers are installed before Qt and numpy load (this module imports neither
until `watch`), so a stop during start-up raises nothing in the middle of an import:
its byte waits in the socket, and the window closes as soon as its event loop runs.
"""

from __future__ import annotations

import signal
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QWidget

STOPS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """From construction (main thread only), SIGINT and SIGTERM raise nothing (one that
    was ignored stays ignored); once `watch(window)` is called, the first of them closes
    `window` and ends the event loop, and `received` is its number. `uninstall()` puts
    back what was there before."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._window: QWidget | None = None
        self._notifier: QSocketNotifier | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        # Both steps with the stops held back, so that none falls between them (it is
        # delivered when the mask is put back).
        hold = getattr(signal, "pthread_sigmask", None)  # POSIX only
        mask = hold(signal.SIG_BLOCK, STOPS) if hold else None
        try:
            self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
            # Python-level handlers that do nothing: the wake-up byte does the work, and
            # no KeyboardInterrupt is raised in an import or in whatever slot runs next.
            # A signal ignored by whoever started us (a background job's SIGINT) stays so.
            self._previous = {
                s: signal.signal(s, lambda _signum, _frame: None)
                for s in STOPS
                if signal.getsignal(s) is not signal.SIG_IGN
            }
        finally:
            if hold:
                hold(signal.SIG_SETMASK, mask)
        self._installed = True

    def watch(self, window: QWidget) -> None:
        """Close `window` on the first stop, including one that came before this call."""
        from PySide6.QtCore import QSocketNotifier

        self._window = window
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, window)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        from PySide6.QtWidgets import QApplication

        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        stops = [n for n in numbers if n in STOPS]
        if not stops or self.received is not None or self._window is None:
            return  # another signal's wake-up byte, or a stop already under way
        self.received = stops[0]
        self._window.close()  # never refused: it saves the session and joins every thread
        QApplication.quit()

    def uninstall(self) -> None:
        """Put back the handlers and wake-up descriptor there were before; idempotent."""
        if not self._installed:
            return
        self._installed = False
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        signal.set_wakeup_fd(self._previous_fd)
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._reader.close()
        self._writer.close()
