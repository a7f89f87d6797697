"""`mnist-seq`: the command line's entry point (`python -m mnist_seq_gui.cli` too).

    mnist-seq 01 0 10 66            -> writes 0-1.png (66 x 28): see sequence_cli.py
    mnist-seq dataset --help        -> training data: see dataset/cli.py

The commands' modules (numpy and the rest, about 0.1 s) are imported here, inside
main(), while Ctrl+C and SIGTERM are only noted (stops.noted): a stop that arrives while
they load ends the command with one line and nothing written. Left to Python, it would
raise in the middle of an import, which numpy reports as a misleading "Importing the
numpy C-extensions failed" traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from .stops import exit_status, ignore_stops, interrupt, noted, said, status_of

PROG = "mnist-seq"


def main(argv: list[str] | None = None) -> int:
    """Console entry point: returns the exit status."""
    status = _main(sys.argv[1:] if argv is None else list(argv))
    if argv is None and status in (exit_status(signal.SIGINT), exit_status(signal.SIGTERM)):
        ignore_stops()  # this process is the command, and it ends now with that status
    return status


def _main(argv: list[str]) -> int:
    dataset = bool(argv) and argv[0] == "dataset"
    prog = f"{PROG} dataset" if dataset else PROG
    command: Callable[[list[str]], int]
    with noted() as stops:
        if dataset:
            from .dataset.cli import main as command

            argv = argv[1:]
        else:
            from .sequence_cli import main as command
    try:
        if stops:
            raise interrupt(signal.SIGTERM if signal.SIGTERM in stops else signal.SIGINT)
        return command(argv)  # which handles its own stops from here on
    except KeyboardInterrupt as exc:  # while loading, or just outside the command's handling
        print(f"{prog}: {said(exc)}" + ("; nothing was written" if stops else ""), file=sys.stderr)
        return status_of(exc)


if __name__ == "__main__":
    sys.exit(main())
