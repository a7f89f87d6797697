"""Shared test set-up: Qt runs offscreen, settings are per test, no QThread may leak."""

from __future__ import annotations

import os

# Before anything imports Qt: tests need no display unless one is asked for.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings, QThread

# The guard against PySide6 6.12.0 losing references (mnist_seq_gui/gui/_refcount_guard.py)
# runs before the fixtures below call Qt, as the entry point runs it before Qt starts.
from mnist_seq_gui.gui._refcount_guard import guard_singletons

guard_singletons()

# The offscreen platform reports this on every top-level window it shows; it is the
# plugin describing itself, not a problem in our code, so it must not fail a test
# under qt_log_level_fail = WARNING.
_PLATFORM_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(_PLATFORM_NOISE))


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test reads and writes its own, initially empty, settings."""
    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_leaked_qthreads(monkeypatch: pytest.MonkeyPatch):
    """Fail any test that leaves a QThread running (napari does the same).

    A thread still running when its QThread is destroyed aborts the whole process, so
    a leak found here is also stopped before the next test runs.
    """
    started: list[QThread] = []
    original_start = QThread.start

    def tracking_start(self: QThread, *args, **kwargs):
        started.append(self)
        return original_start(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", tracking_start)
    yield
    leaked = []
    for thread in started:
        try:
            running = thread.isRunning()
        except RuntimeError:  # its C++ object is already deleted, so it was stopped
            continue
        if running:
            leaked.append(thread)
    for thread in leaked:
        thread.requestInterruption()
        stop = getattr(thread, "stop", None)
        if callable(stop):
            stop()
        thread.quit()
        thread.wait()
    started.clear()
    if leaked:
        names = ", ".join(t.objectName() or type(t).__name__ for t in leaked)
        pytest.fail(f"test left {len(leaked)} QThread(s) running: {names}")
