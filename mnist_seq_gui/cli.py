"""`mnist-seq`: the command line's entry point (`python -m mnist_seq_gui.cli` too).

    mnist-seq 01 0 10 66            -> writes 0-1.png (66 x 28): see sequence_cli.py
    mnist-seq dataset --help        -> training data: see dataset/cli.py

The commands' modules (numpy and the rest, about 0.1 s) are imported here, inside
main(), while Ctrl+C and SIGTERM are only noted: a stop that arrives while they load
ends the command with one line and nothing written. Left to Python, it would raise in
the middle of an import, and numpy reports that as a misleading "Importing the numpy
C-extensions failed" traceback.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator

PROG = "mnist-seq"
_INTERRUPTED, _TERMINATED = 130, 143  # as cli_common's EXIT_INTERRUPTED, EXIT_TERMINATED


@contextlib.contextmanager
def _stops_noted() -> Iterator[list[int]]:
    """For the block, SIGINT and SIGTERM are appended to the list yielded (main thread
    only); afterwards the previous handlers are back."""
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    # A signal ignored by whoever started us (a background job's SIGINT) stays ignored.
    stops = [
        s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not signal.SIG_IGN
    ]
    previous = {s: signal.signal(s, lambda signum, _frame: noted.append(signum)) for s in stops}
    try:
        yield noted
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    dataset = bool(argv) and argv[0] == "dataset"
    prog = f"{PROG} dataset" if dataset else PROG
    command: Callable[[list[str]], int]
    with _stops_noted() as noted:
        if dataset:
            from .dataset.cli import main as command

            argv = argv[1:]
        else:
            from .sequence_cli import main as command
    if noted:
        terminated = signal.SIGTERM in noted
        said = "terminated" if terminated else "interrupted"
        print(f"{prog}: {said}; nothing was written", file=sys.stderr)
        return _TERMINATED if terminated else _INTERRUPTED
    try:
        return command(argv)  # which handles its own stops from here on
    except KeyboardInterrupt:  # in the instants just outside the command's own handling
        print(f"{prog}: interrupted", file=sys.stderr)
        return _INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
