"""The one stop policy: what Ctrl+C (SIGINT) and SIGTERM do, for every command, export
and the explorer. Standard library only, so the entry points can install it before
numpy or Qt load.

- A stop signal that whoever started us set to be ignored (a background job's SIGINT)
  stays ignored, as Python itself leaves it.
- Handlers are installed from the main thread only, and always put back afterwards.
- SIGTERM (what batch schedulers send first) is handled like Ctrl+C; a command exits
  with 128 + the signal's number (130, 143), as a shell reports a process it stopped.

The forms the policy takes: `routed(handler)` for a block; `noted()` while a command
loads; `deferred()` around steps that belong together (renames); `StopRequest`, a stop
at the next safe point of long work (a second stop raises at once); `Waker`, a stop
written to a socket an event loop watches (the explorer); `ignore_interrupts()` in
worker processes, whose parent decides how to stop.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

STOPS = (signal.SIGINT, signal.SIGTERM)
Handler = Callable[[int, Any], object]


def exit_status(signum: int) -> int:
    """The exit status of a command stopped by `signum`: 130 after SIGINT, 143 after SIGTERM."""
    return 128 + int(signum)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl+C so that clean-up runs."""


def interrupt(signum: int | None, text: str = "") -> KeyboardInterrupt:
    """The exception that reports a stop by `signum` (`text`: what the stopped work left)."""
    return Terminated(text) if signum == signal.SIGTERM else KeyboardInterrupt(text)


def said(exc: KeyboardInterrupt) -> str:
    return "terminated" if isinstance(exc, Terminated) else "interrupted"


def status_of(exc: KeyboardInterrupt) -> int:
    return exit_status(signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def routed(handler: Handler) -> Iterator[dict[int, Any]]:
    """SIGINT and SIGTERM go to `handler` for the block (main thread only; a stop the
    parent ignores stays ignored); yields the handlers that were there before."""
    if not _main_thread():
        yield {}
        return
    previous: dict[int, Any] = {
        s: signal.signal(s, handler) for s in STOPS if signal.getsignal(s) is not signal.SIG_IGN
    }
    try:
        yield previous
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


@contextlib.contextmanager
def noted() -> Iterator[list[int]]:
    """Stops only noted (in the list yielded) for the block: nothing is raised mid-import."""
    seen: list[int] = []
    with routed(lambda signum, _frame: seen.append(signum)):
        yield seen


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold stops until the block is done, then act on the first as before (main thread)."""
    seen: list[int] = []
    with routed(lambda signum, _frame: seen.append(signum)) as previous:
        yield
    if seen:
        handler = previous.get(seen[0], signal.SIG_IGN)
        if callable(handler):
            handler(seen[0], None)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(seen[0])


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated for the block, so that clean-up runs (main thread only)."""
    if not _main_thread() or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        yield
        return

    def raise_terminated(_signum: int, _frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StopRequest:
    """A stop as a request to wind down at the next safe point: a cancel check for long
    work (`cancel=stop`), so that nothing is cut between two steps that belong together.
    A second stop raises at once (KeyboardInterrupt or Terminated, saying `after`)."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.after = ""  # what a second stop's exception says (e.g. "the export is complete")

    def __call__(self) -> bool:
        return self.signal is not None

    def interrupt(self) -> KeyboardInterrupt:
        return interrupt(self.signal, self.after)

    def _handle(self, signum: int, _frame: object) -> None:
        if self.signal is not None:
            raise self.interrupt()  # of the first stop's kind: its reason stands
        self.signal = signum

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopRequest]:
        with routed(self._handle):
            yield self


class Waker:
    """From construction (main thread), a stop raises nothing: its number is written to a
    socket (`signal.set_wakeup_fd`) that an event loop watches (`fileno`), and `read()`
    returns the first stop seen. `close()` puts back what was there; idempotent."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._route = routed(lambda _signum, _frame: None)
        # Both steps with the stops held back, so that none falls between them.
        hold = getattr(signal, "pthread_sigmask", None)  # POSIX only
        mask = hold(signal.SIG_BLOCK, STOPS) if hold else None
        try:
            self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
            self._route.__enter__()
        finally:
            if hold:
                hold(signal.SIG_SETMASK, mask)
        self._open = True

    def fileno(self) -> int:
        return self._reader.fileno()

    def read(self) -> int | None:
        """The first stop received (None for another signal's byte); once set, it stays."""
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return self.received
        stops = [n for n in numbers if n in STOPS]
        if self.received is None and stops:
            self.received = stops[0]
        return self.received

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        signal.set_wakeup_fd(self._previous_fd)
        self._route.__exit__(None, None, None)
        self._reader.close()
        self._writer.close()


def ignore_interrupts() -> None:
    """In a worker process: Ctrl+C reaches the whole process group, but only the parent
    decides how to stop; the worker finishes its task and lets the parent clean up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ignore_stops() -> None:
    """A command that has stopped and said so: further Ctrl+C or SIGTERM must not cut its
    exit short (joining threads, closing pools), which would end it by the signal itself."""
    for signum in STOPS:
        signal.signal(signum, signal.SIG_IGN)
