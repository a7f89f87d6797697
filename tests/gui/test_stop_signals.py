"""Ctrl+C and SIGTERM close the explorer as its close button does (gui/stop_signals.py).

Real signals sent to this process while a real window's event loop waits; the window
must close, save its session, cancel and join an export, and hand the handlers back.
The entry point's exit status (128 + the signal) is checked by a child process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_seq_gui.gui.main_window import MainWindow
from mnist_seq_gui.gui.settings import settings_store
from mnist_seq_gui.gui.stop_signals import StopSignals
from tests.reliability._helpers import signal_at_numpy_import, subprocess_env

from .conftest import TIMEOUT_MS


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_closes_the_window_and_saves_the_session(qtbot, window: MainWindow, signum):
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    window.panel.seed_spin.setValue(777)
    stops = StopSignals()
    stops.watch(window)
    try:
        os.kill(os.getpid(), signum)
        qtbot.waitUntil(lambda: stops.received == signum, timeout=TIMEOUT_MS)
        assert not window.isVisible()
        assert not window._render.isRunning() and not window._gallery_thread.isRunning()
        assert str(settings_store().value("params/seed")) == "777"  # the session was written
    finally:
        stops.uninstall()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert signal.set_wakeup_fd(-1) == -1  # no wake-up descriptor left behind


def test_a_stop_signal_mid_export_cancels_it_and_leaves_nothing(
    qtbot, window: MainWindow, tmp_path
):
    window.export_action.trigger()
    dialog = window._export_dialog
    dialog.form.count_spin.setValue(200_000)
    dialog.form.out_edit.setText(str(tmp_path / "big"))
    stops = StopSignals()
    stops.watch(window)
    try:
        assert dialog.start_export()
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: stops.received == signal.SIGTERM, timeout=TIMEOUT_MS)
        assert not dialog.is_exporting()
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing half-written
    finally:
        stops.uninstall()


SIGNAL_WHEN_SHOWN = """
import os, signal, sys
from PySide6.QtCore import QTimer
from mnist_seq_gui.gui import app as entry
from mnist_seq_gui.gui.main_window import MainWindow

shown = MainWindow.showEvent
def show_then_signal(self, event):
    shown(self, event)
    QTimer.singleShot(200, lambda: os.kill(os.getpid(), signal.{name}))
MainWindow.showEvent = show_then_signal
sys.exit(entry.main(["mnist-seq-gui"]))
"""
ENTRY = """
from mnist_seq_gui.gui import app as entry
assert "numpy" not in sys.modules, "the entry point must load numpy inside main()"
sys.exit(entry.main(["mnist-seq-gui"]))
"""


def run_explorer(code: str, tmp_path: Path, status: int) -> None:
    """Run `code` (which starts the explorer) offscreen; it must end with `status`, no
    traceback, and its session written as a closing window writes it."""
    env = dict(subprocess_env(), QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "mnist-seq" / "mnist-seq-gui.ini").is_file()


@pytest.mark.parametrize("name, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_the_explorer_exits_with_128_plus_the_signal(tmp_path, name, status):
    run_explorer(SIGNAL_WHEN_SHOWN.format(name=name), tmp_path, status)


@pytest.mark.parametrize("name, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stop_while_the_explorer_loads_closes_it_once_its_loop_runs(tmp_path, name, status):
    run_explorer(signal_at_numpy_import(name, ENTRY), tmp_path, status)


def test_a_signal_ignored_by_whoever_started_us_stays_ignored():
    """A background job's SIGINT is ignored by its shell's choice; Ctrl+C must not reach it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        stops = StopSignals()
        try:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # SIGTERM is caught
        finally:
            stops.uninstall()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
