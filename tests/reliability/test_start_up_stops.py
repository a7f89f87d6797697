"""Ctrl+C or SIGTERM while the command is still loading numpy and its own modules.

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
    "image": (["01", "0", "10", "66"], "mnist-seq"),
    "dataset": (["dataset", "--count", "50", "--out", "out"], "mnist-seq dataset"),
}


@pytest.mark.parametrize(
    "name, status, said", [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_stop_while_the_command_loads_is_one_line_and_writes_nothing(
    tmp_path, kind, name, status, said
):
    args, prog = COMMANDS[kind]
    done = subprocess.run(
        [sys.executable, "-c", signal_at_numpy_import(name, ENTRY), *args],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == status, done.stderr
    assert done.stderr == f"{prog}: {said}; nothing was written\n"
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_the_entry_point_keeps_the_default_handlers_once_the_command_has_run(tmp_path):
    """In-process callers (tests, scripts) get their own signal handlers back."""
    from mnist_seq_gui.cli import main

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main(["01", "0", "10", "66", "--output", str(tmp_path)]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert (tmp_path / "0-1.png").is_file()


def test_a_sigint_ignored_by_whoever_started_us_stays_ignored(tmp_path):
    """A background job's SIGINT is ignored by its shell's choice: the export's own stop
    handling, like Python's default, leaves it ignored (SIGTERM still stops it), and
    likewise an ignored SIGTERM."""
    child = """
import signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
from mnist_seq_gui.cli_common import StopRequest, sigterm_as_interrupt
with StopRequest().installed():
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
signal.signal(signal.SIGTERM, signal.SIG_IGN)
with sigterm_as_interrupt(), StopRequest().installed():
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", child],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
