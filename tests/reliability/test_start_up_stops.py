"""Ctrl+C or SIGTERM while a command is still loading numpy and its own modules.

A real signal is sent at a real import: an import hook in the child process sends it
to the process itself when numpy starts to load (the moment CI once hit at random:
numpy then reported the interrupted import as "Importing the numpy C-extensions
failed"). The command must end with its one line, the right status, and nothing written.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from ._helpers import signal_at_numpy_import, subprocess_env

ENTRY = """
from mnist_seq_gui.cli import main
assert "numpy" not in sys.modules, "the entry point must load numpy inside main()"
sys.exit(main(sys.argv[1:]))
"""

COMMANDS = {
    "image": (["01", "0", "10", "66"], "mnist-seq", ["0-1.png"]),
    "dataset": (["dataset", "--count", "50", "--out", "out"], "mnist-seq dataset", ["out"]),
}


def run_child(code: str, args: list[str], cwd) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "status", "said"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_stop_while_the_command_loads_is_one_line_and_writes_nothing(
    tmp_path, kind, name, status, said
):
    args, prog, _ = COMMANDS[kind]
    done = run_child(signal_at_numpy_import(name, ENTRY), args, tmp_path)
    assert done.returncode == status, done.stderr
    assert done.stderr == f"{prog}: {said}; nothing was written\n"
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_ctrl_c_ignored_by_whoever_started_us_stays_ignored(tmp_path, kind):
    """A background job's SIGINT is ignored by its shell's choice: the command, like
    Python, leaves it ignored and runs to its end; SIGTERM still stops it."""
    args, prog, written = COMMANDS[kind]
    ignoring = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    done = run_child(ignoring + signal_at_numpy_import("SIGINT", ENTRY), args, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote ")
    assert sorted(p.name for p in tmp_path.iterdir()) == written
    again = run_child(ignoring + signal_at_numpy_import("SIGTERM", ENTRY), args, tmp_path / "x")
    assert again.returncode == 143
    assert again.stderr == f"{prog}: terminated; nothing was written\n"


def test_the_entry_point_puts_back_the_callers_handlers_once_the_command_has_run(tmp_path):
    """In-process callers (tests, scripts) get their own signal handlers back."""
    from mnist_seq_gui.cli import main

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main(["01", "0", "10", "66", "--output", str(tmp_path)]) == 0
    assert main(["dataset", "--count", "3", "--quiet", "--out", str(tmp_path / "d")]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert (tmp_path / "0-1.png").is_file() and (tmp_path / "d" / "dataset.npz").is_file()
