"""The test harness itself: a leaked QThread or a Qt warning fails a test; entry points run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mnist_seq_gui import __version__

ROOT = Path(__file__).resolve().parents[2]

INNER_TESTS = textwrap.dedent(
    """
    from PySide6.QtCore import QThread, qWarning


    def test_leaks_a_thread(qtbot):
        thread = QThread()  # runs its event loop until quit(), which the fixture calls
        thread.start()
        test_leaks_a_thread.keep = thread


    def test_warns(qtbot):
        qWarning("something Qt did not like")


    def test_clean(qtbot):
        thread = QThread()
        thread.start()
        thread.quit()
        thread.wait()
    """
)


@pytest.mark.slow  # a whole pytest run in a child process
def test_leaked_thread_and_qt_warning_fail_their_tests(tmp_path, subprocess_env):
    inner = tmp_path / "test_inner.py"
    inner.write_text(INNER_TESTS)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
            str(inner),
        ],
        cwd=ROOT,
        env=dict(subprocess_env, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "test left 1 QThread(s) running" in out
    assert "ERROR" in out and "test_leaks_a_thread" in out
    assert "FAILED" in out and "test_warns" in out
    assert "something Qt did not like" in out
    # test_leaks_a_thread passes its body and errors at teardown; test_clean passes.
    assert "1 failed, 2 passed, 1 error" in out


def test_python_m_starts_the_gui_entry_point(run_module):
    done = run_module("mnist_seq_gui", "--version")
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout
