"""The one stop policy (mnist_seq_gui/stops.py), with real signals sent to this process.

Every test puts the handlers it found back, so a failure here cannot leave the test
process deaf (or fatal) to Ctrl+C. What a stop does to a running command is tested in
child processes: tests/reliability/test_start_up_stops.py and test_signals.py.
"""

from __future__ import annotations

import contextlib
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from mnist_seq_gui import stops
from mnist_seq_gui.stops import (
    StopRequest,
    Terminated,
    Waker,
    deferred,
    exit_status,
    ignore_interrupts,
    interrupt,
    noted,
    routed,
    said,
    status_of,
    terminate_as_interrupt,
)

STOPS = (signal.SIGINT, signal.SIGTERM)
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def send(signum: int) -> None:
    """A real signal to this process; its Python handler has run when this returns."""
    signal.raise_signal(signum)


@contextlib.contextmanager
def handlers(**wanted) -> Iterator[list[tuple[str, int]]]:
    """SIGINT/SIGTERM set to recording handlers (or SIG_IGN) for the test; all put back."""
    calls: list[tuple[str, int]] = []
    before = {s: signal.getsignal(s) for s in STOPS}
    try:
        for name, how in wanted.items():
            s = getattr(signal, name)
            record = lambda n, _f, k=how: calls.append((k, n))  # noqa: E731
            signal.signal(s, how if how is signal.SIG_IGN else record)
        yield calls
    finally:
        for s, old in before.items():
            signal.signal(s, old)


def current() -> tuple:
    return tuple(signal.getsignal(s) for s in STOPS)


def test_a_stop_routed_for_a_block_reaches_the_handler_and_the_old_ones_come_back():
    with handlers(SIGINT="int", SIGTERM="term") as calls:
        before = current()
        seen = []
        with routed(lambda n, _f: seen.append(n)) as previous:
            send(signal.SIGTERM)
            send(signal.SIGINT)
        assert seen == [signal.SIGTERM, signal.SIGINT] and calls == []
        assert tuple(previous[s] for s in STOPS) == before and current() == before


def test_the_handlers_come_back_when_the_block_raises():
    with handlers(SIGINT="int", SIGTERM="term"):
        before = current()
        for block in (routed(print), noted(), deferred(), terminate_as_interrupt()):
            with pytest.raises(RuntimeError), block:
                raise RuntimeError("failed inside")
            assert current() == before
        with pytest.raises(RuntimeError), StopRequest().installed():
            raise RuntimeError("failed inside")
        assert current() == before


def test_a_stop_the_parent_ignores_stays_ignored_by_every_form(tmp_path):
    with handlers(SIGINT=signal.SIG_IGN, SIGTERM="term") as calls:
        seen: list[int] = []
        with routed(lambda n, _f: seen.append(n)):
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            send(signal.SIGINT)  # ignored: nobody sees it
            send(signal.SIGTERM)
        assert seen == [signal.SIGTERM]
        with noted() as noted_stops, deferred(), StopRequest().installed() as stop:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            send(signal.SIGINT)
        assert noted_stops == [] and stop.signal is None and calls == []
        waker = Waker()
        try:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        finally:
            waker.close()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    with handlers(SIGTERM=signal.SIG_IGN), terminate_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        send(signal.SIGTERM)  # nothing raised


def test_outside_the_main_thread_nothing_is_installed_and_nothing_fails():
    with handlers(SIGINT="int", SIGTERM="term"):
        before = current()
        failures: list[BaseException] = []

        def work() -> None:
            try:
                with routed(print) as previous, noted(), deferred(), terminate_as_interrupt():
                    assert previous == {}
                    with StopRequest().installed() as stop:
                        assert not stop()
            except BaseException as exc:  # reported below, in the main thread
                failures.append(exc)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        assert failures == [] and current() == before


def test_noted_stops_are_only_noted_in_order():
    with handlers(SIGINT="int", SIGTERM="term") as calls, noted() as seen:
        send(signal.SIGINT)
        send(signal.SIGTERM)
        send(signal.SIGINT)
    assert seen == [signal.SIGINT, signal.SIGTERM, signal.SIGINT] and calls == []


def test_deferred_holds_the_stops_then_delivers_the_first_once():
    with handlers(SIGINT="int", SIGTERM="term") as calls:
        with deferred():
            send(signal.SIGTERM)
            send(signal.SIGINT)
            assert calls == []  # nothing reached the handlers inside the block
        assert calls == [("term", signal.SIGTERM)]
        with deferred():
            pass
        assert calls == [("term", signal.SIGTERM)]  # no stop, nothing delivered


def test_deferred_delivers_python_s_own_ctrl_c_as_a_keyboard_interrupt():
    done = []
    with handlers():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python starts
        with pytest.raises(KeyboardInterrupt), deferred():
            send(signal.SIGINT)
            done.append("the block ran to its end")
    assert done == ["the block ran to its end"]


def test_deferred_gives_a_default_action_its_signal_back(subprocess_env, tmp_path):
    # SIGTERM's default action ends the process: only after the block, and by the signal.
    child = (
        "import signal, sys\n"
        "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
        "from mnist_seq_gui.stops import deferred\n"
        "with deferred():\n"
        "    signal.raise_signal(signal.SIGTERM)\n"
        "    print('block done', flush=True)\n"
        "print('survived', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", child], env=subprocess_env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert done.stdout == "block done\n"


def test_terminate_as_interrupt_raises_terminated_a_keyboard_interrupt():
    with handlers(SIGTERM="term") as calls:
        before = current()
        with pytest.raises(Terminated) as info, terminate_as_interrupt():
            send(signal.SIGTERM)
        assert isinstance(info.value, KeyboardInterrupt) and calls == []
        assert current() == before
        assert (said(info.value), status_of(info.value)) == ("terminated", 143)


def test_a_stop_request_asks_first_and_a_second_stop_raises_of_the_first_kind():
    with handlers(SIGINT="int", SIGTERM="term") as calls:
        for first, second, kind in (
            (signal.SIGTERM, signal.SIGINT, Terminated),
            (signal.SIGINT, signal.SIGTERM, KeyboardInterrupt),
        ):
            with StopRequest().installed() as stop:
                assert not stop() and stop.signal is None
                send(first)
                assert stop() and stop.signal == first  # a request: nothing raised
                stop.after = "the export into out is complete"
                with pytest.raises(KeyboardInterrupt) as info:
                    send(second)
            assert type(info.value) is kind
            assert str(info.value) == "the export into out is complete"
            assert status_of(info.value) == exit_status(first)
        assert calls == []


def test_the_waker_writes_a_stop_to_its_socket_and_read_returns_the_first():
    with handlers(SIGINT="int", SIGTERM="term") as calls:
        before = current()
        previous_fd = signal.set_wakeup_fd(-1)
        signal.set_wakeup_fd(previous_fd)
        waker = Waker()
        try:
            assert waker.read() is None  # nothing yet, and no waiting
            send(signal.SIGTERM)  # nothing raised
            readable, _, _ = select.select([waker.fileno()], [], [], 30)
            assert readable == [waker.fileno()]
            assert waker.read() == signal.SIGTERM
            send(signal.SIGINT)
            assert waker.read() == signal.SIGTERM  # the first stays
        finally:
            waker.close()
        waker.close()  # idempotent
        assert calls == [] and current() == before
        assert signal.set_wakeup_fd(previous_fd) == previous_fd


def test_the_waker_ignores_the_bytes_of_other_signals():
    old = signal.signal(signal.SIGUSR1, lambda _n, _f: None)
    waker = Waker()
    try:
        send(signal.SIGUSR1)
        select.select([waker.fileno()], [], [], 30)
        assert waker.read() is None
    finally:
        waker.close()
        signal.signal(signal.SIGUSR1, old)


def test_a_worker_ignores_ctrl_c_so_its_parent_decides():
    before = signal.getsignal(signal.SIGINT)
    try:
        ignore_interrupts()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        send(signal.SIGINT)  # nothing raised
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_stop_s_exception_wording_and_exit_status():
    assert (exit_status(signal.SIGINT), exit_status(signal.SIGTERM)) == (130, 143)
    term, ctrl_c = interrupt(signal.SIGTERM, "nothing was written"), interrupt(signal.SIGINT)
    assert isinstance(term, Terminated) and str(term) == "nothing was written"
    assert type(ctrl_c) is KeyboardInterrupt and type(interrupt(None)) is KeyboardInterrupt
    assert (said(term), said(ctrl_c)) == ("terminated", "interrupted")
    assert (status_of(term), status_of(ctrl_c)) == (143, 130)
    assert stops.STOPS == STOPS
