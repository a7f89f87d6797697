"""Ctrl+C and SIGTERM close the explorer as its close button does (stops.Waker in
gui/app.run): the session saved, an export cancelled and joined, and the exit status
128 + the signal. Real signals, sent by the explorer to itself in a child process."""

from __future__ import annotations

import os
import signal
from configparser import ConfigParser
from pathlib import Path

import pytest

from mnist_seq_gui.stops import Waker


def test_a_signal_ignored_by_whoever_started_us_stays_ignored():
    """A background job's SIGINT is ignored by its shell's choice; Ctrl+C must not reach it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        waker = Waker()
        try:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # SIGTERM is caught
        finally:
            waker.close()
            waker.close()  # twice is fine
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_waker_notes_the_first_stop_and_hands_everything_back():
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    waker = Waker()
    try:
        assert waker.read() is None
        os.kill(os.getpid(), signal.SIGTERM)  # raises nothing: its number goes to the socket
        os.kill(os.getpid(), signal.SIGINT)
        assert waker.read() == signal.SIGTERM and waker.received == signal.SIGTERM
    finally:
        waker.close()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert signal.set_wakeup_fd(-1) == -1  # no wake-up descriptor left behind


# Runs the explorer as its entry point does; once the first image is shown, sets the
# seed to 777 (and starts a large export with "export"), then sends itself the stop.
SIGNAL_WHEN_SHOWN = """
import os, signal, sys
from PySide6.QtCore import QTimer
from mnist_seq_gui.gui import app as entry
from mnist_seq_gui.gui.main_window import MainWindow

EXPORT = {export!r}
shown = MainWindow._on_rendered

def stop_when_writing(window):
    dialog = window._export_dialog
    if dialog.progress_dialog is None or dialog.progress_dialog.value() == 0:
        QTimer.singleShot(20, lambda: stop_when_writing(window))
        return
    os.kill(os.getpid(), signal.{name})

def show_then_signal(self, result):
    shown(self, result)
    if self.model.session().seed == 777:
        return
    self.panel.seed_spin.setValue(777)
    if EXPORT:
        self.actions_.export.trigger()
        self._export_dialog.form.count_spin.setValue(2_000_000)
        self._export_dialog.form.out_edit.setText(EXPORT)
        assert self._export_dialog.start_export()
        stop_when_writing(self)
    else:
        QTimer.singleShot(0, lambda: os.kill(os.getpid(), signal.{name}))

MainWindow._on_rendered = show_then_signal
sys.exit(entry.main(["mnist-seq-gui"]))
"""
# Sends the stop the moment numpy starts to load, inside the entry point's main().
SIGNAL_WHILE_LOADING = """
import importlib.abc, os, signal, sys

class SignalAtImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{name})
        return None

from mnist_seq_gui.gui import app as entry
assert "numpy" not in sys.modules, "the entry point must load numpy inside main()"
sys.meta_path.insert(0, SignalAtImport())
sys.exit(entry.main(["mnist-seq-gui"]))
"""


def run_explorer(run, code: str, tmp_path: Path, env: dict[str, str], status: int) -> ConfigParser:
    """Run `code` (which starts the explorer) offscreen with `run` (the run_python fixture);
    it must end with `status`, no traceback, and its session written as a closing window
    writes it (returned)."""
    config = tmp_path / "config"
    env = dict(env, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config))
    done = run("-c", code, cwd=tmp_path, env=env, timeout=180)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    settings = ConfigParser(interpolation=None)
    assert settings.read(config / "mnist-seq" / "mnist-seq-gui.ini")
    return settings


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stop_signal_closes_the_window_with_the_session_saved(
    tmp_path, subprocess_env, run_python, name, status
):
    code = SIGNAL_WHEN_SHOWN.format(name=name, export="")
    settings = run_explorer(run_python, code, tmp_path, subprocess_env, status)
    assert settings["params"]["seed"] == "777"  # written by the closing window


def test_a_stop_signal_mid_export_cancels_it_and_leaves_nothing(
    tmp_path, subprocess_env, run_python
):
    out = tmp_path / "big"
    code = SIGNAL_WHEN_SHOWN.format(name="SIGTERM", export=str(out))
    settings = run_explorer(run_python, code, tmp_path, subprocess_env, 143)
    assert settings["params"]["seed"] == "777"
    assert not out.exists()  # the export was cancelled and joined: nothing half-written


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stop_while_the_explorer_loads_closes_it_once_its_loop_runs(
    tmp_path, subprocess_env, run_python, name, status
):
    run_explorer(
        run_python, SIGNAL_WHILE_LOADING.format(name=name), tmp_path, subprocess_env, status
    )
