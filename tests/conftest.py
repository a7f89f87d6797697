"""Shared test set-up and helpers.

Qt runs offscreen, settings are per test, no QThread may leak. Helpers every test
folder uses live here: the repository root, the environment for subprocesses, commands
run in-process or as a user runs them, a folder nobody can write into, IDX files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Before anything imports Qt: tests need no display unless one is asked for.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QThread

from mnist_seq_gui.core import DigitBank, bundled_bank

REPO_ROOT = Path(__file__).resolve().parents[1]

# The offscreen platform reports this on every top-level window it shows; it is the
# plugin describing itself, not a problem in our code, so it must not fail a test
# under qt_log_level_fail = WARNING.
_PLATFORM_NOISE = "This plugin does not support propagateSizeHints"


def pytest_configure(config: pytest.Config) -> None:
    """Started as a background job of a shell without job control, this process (and
    each xdist worker) inherits an ignored SIGINT, which every command a test starts
    keeps, as the commands should; the stop tests need Ctrl+C delivered, so the suite
    takes Python's own handler back."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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


# --- helpers shared by every test folder (as fixtures) ------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def subprocess_env() -> dict[str, str]:
    """The environment for a child Python that imports this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder_bytes() -> Callable[[Path], dict[str, bytes]]:
    """Every file under a folder (hidden ones too): relative path -> bytes."""
    return _folder_bytes


@pytest.fixture
def run_python(subprocess_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`python ARGS` in a fresh interpreter that imports this checkout (output as text)."""

    def run(
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=subprocess_env if env is None else env,
            timeout=timeout,
            cwd=cwd or REPO_ROOT,
        )

    return run


@pytest.fixture
def run_module(run_python: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., Any]:
    """`python -m MODULE ARGS` in a fresh interpreter, as a user runs a command."""
    return lambda module, *args, **options: run_python("-m", module, *args, **options)


@dataclass(frozen=True)
class Ran:
    """What a command run in-process returned and printed."""

    status: int
    out: str
    err: str


@pytest.fixture
def run_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Ran]:
    """Run a command's `main(argv)` in this process, in folder `cwd`; capture its output."""

    def run(main: Callable[[list[str]], int], args: Sequence[str], cwd: Path | None = None) -> Ran:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    return run


def _writable(folder: Path) -> bool:
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    immutable = False
    if _writable(folder):
        immutable = (
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        )
    try:
        if _writable(folder):
            pytest.skip("cannot make a read-only folder here (root without chattr)")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)


@pytest.fixture
def read_only_folder() -> Callable[[Path], contextlib.AbstractContextManager[Path]]:
    """`with read_only_folder(path):` makes `path` unwritable for the block, even for root
    (chmod, plus `chattr +i` when running as root); skips where that cannot be done."""
    return _read_only_folder


def _write_idx_pair(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    n = len(labels)
    image_path = folder / f"{prefix}-images-idx3-ubyte"
    image_path.write_bytes(
        np.array([2051, n, 28, 28], dtype=">i4").tobytes() + images.astype(np.uint8).tobytes()
    )
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        np.array([2049, n], dtype=">i4").tobytes() + labels.astype(np.uint8).tobytes()
    )
    return image_path


@pytest.fixture
def write_idx_pair() -> Callable[[Path, str, np.ndarray, np.ndarray], Path]:
    """Write raw IDX files `<prefix>-images-idx3-ubyte` and its labels; returns the images."""
    return _write_idx_pair


def _expected_digit(bank: DigitBank, index: int, dtype: str, white_on_black: bool) -> np.ndarray:
    digit = bank.images[index].astype(np.int64)
    light = digit if white_on_black else 255 - digit
    if dtype == "uint8":
        return light.astype(np.uint8)
    return (light.astype(np.float32) / np.float32(255)).astype(np.float32)


@pytest.fixture
def expected_digit() -> Callable[[DigitBank, int, str, bool], np.ndarray]:
    """The 28x28 MNIST digit as composition renders it: (bank, index, dtype, white_on_black)."""
    return _expected_digit


@pytest.fixture(scope="session")
def bank() -> DigitBank:
    """The bundled MNIST test set."""
    return bundled_bank()


@pytest.fixture
def mixed_lengths() -> dict[str, Any]:
    """Data-set fields for items of 3..8 digits in one width (random rule, spacing 0..80)."""
    return {"min_length": 3, "max_length": 8, "rule": "random", "spacing": (0, 80)}
