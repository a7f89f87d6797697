"""What both commands (`mnist-seq` and `mnist-seq dataset`) share.

A parser that reports a bad command line in one line, whole-number parsing, the
options both take, and the runner that turns the project's errors into one line on
stderr and an exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .core import MAX_SEED, RULES, InputError, MnistSeqError, new_seed, whole_number

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class UsageError(InputError):
    """A command line that does not parse."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line (raised as UsageError)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def parse_whole(name: str, text: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Parse a whole number within [minimum, maximum] or raise UsageError naming it."""
    try:
        value = int(text, 10)
    except ValueError:
        raise UsageError(f"{name} {text!r} is not a whole number") from None
    return whole_number(name, value, minimum, maximum, error=UsageError)


def parse_seed(text: str | None) -> int:
    """The --seed value, or a fresh seed when none was given."""
    return new_seed() if text is None else parse_whole("seed", text, 0, MAX_SEED)


def add_rule_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """--rule uniform|random; --mode is its old name, still accepted but not listed."""
    parser.add_argument("--rule", choices=RULES, default="uniform", help=help_text)
    parser.add_argument(
        "--mode", dest="rule", choices=RULES, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def add_polarity_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--white-on-black",
        action="store_true",
        help="MNIST's own polarity (white digits on black) instead of dark digits on white",
    )


def guarded(
    prog: str,
    run_fn: Callable[[list[str]], int],
    argv: Sequence[str],
    interrupted: str = "interrupted",
) -> int:
    """Run a command: bad input -> one line on stderr and status 2; Ctrl+C -> status 130."""
    try:
        return run_fn(list(argv))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except MnistSeqError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{prog}: {interrupted}", file=sys.stderr)
        return EXIT_INTERRUPTED
