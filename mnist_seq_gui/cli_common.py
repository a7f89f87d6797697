"""What both commands (`mnist-seq` and `mnist-seq dataset`) share.

A parser that reports a bad command line in one line, whole-number parsing, the
options both take, and the runner that turns the project's errors into one line on
stderr and an exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from .core import (
    MAX_BLUR,
    MAX_HEIGHT,
    MAX_NOISE,
    MAX_SEED,
    POOLS,
    RULES,
    DigitStyle,
    InputError,
    MnistSeqError,
    Variation,
    new_seed,
    whole_number,
)
from .core import span_text as _span

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM
_MAX_DIGITS = 40  # far beyond any valid value; int() refuses text of over 4,300 digits


class UsageError(InputError):
    """A command line that does not parse."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line (raised as UsageError)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if args is not None:
            args = self._attach_dash_values(list(args))
        return super().parse_known_args(args, namespace)

    def _attach_dash_values(self, args: list[str]) -> list[str]:
        """'--shard -1/4' -> '--shard=-1/4', so the value's own check explains it.

        argparse takes a value that starts with '-' for a missing one ("expected one
        argument") unless it looks like a plain negative number.
        """
        out: list[str] = []
        i = 0
        while i < len(args):
            action = self._option_string_actions.get(args[i])
            following = args[i + 1] if i + 1 < len(args) else None
            if (
                action is not None
                and action.nargs is None
                and following is not None
                and following.startswith("-")
                and following != "--"
                and following not in self._option_string_actions
            ):
                out.append(f"{args[i]}={following}")
                i += 2
                continue
            out.append(args[i])
            i += 1
        return out


def parse_whole(name: str, text: str, minimum: int = 0, maximum: int | None = None) -> int:
    """Parse a whole number within [minimum, maximum] or raise UsageError naming it."""
    digits = text.strip().lstrip("+-")
    if len(digits) > _MAX_DIGITS and digits.isdigit():
        raise UsageError(
            f"{name} has {len(digits):,} digits, which is out of range; "
            f"use {_span(minimum, maximum)}"
        )
    try:
        value = int(text, 10)
    except ValueError:
        raise UsageError(f"{name} {shorten(text)!r} is not a whole number") from None
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


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, so a hostile argument cannot flood a message."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


class Terminated(KeyboardInterrupt):
    """SIGTERM (what batch schedulers send first), handled like Ctrl+C."""


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise Terminated()


def _ignored(signum: int) -> bool:
    """True if the process that started us set `signum` to be ignored."""
    return signal.getsignal(signum) is signal.SIG_IGN


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into Terminated for the block, so clean-up runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or _ignored(signal.SIGTERM):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class StopRequest:
    """Ctrl+C and SIGTERM as a request to stop at the next safe point: a cancel check.

    Long work polls it (`cancel=stop`) and winds down by itself, so no exception can
    land between two steps that belong together. A second signal stops at once
    (KeyboardInterrupt or Terminated, carrying `after` as its text).
    """

    def __init__(self) -> None:
        self.signal: int | None = None
        self.after = ""  # what a second signal's exception says (e.g. work complete)

    def __call__(self) -> bool:
        return self.signal is not None

    def interrupt(self) -> KeyboardInterrupt:
        """The exception that reports this stop (with `after` as its text)."""
        return (
            Terminated(self.after)
            if self.signal == signal.SIGTERM
            else KeyboardInterrupt(self.after)
        )

    def _handle(self, signum: int, _frame: object) -> None:
        if self.signal is not None:
            raise self.interrupt()  # of the first signal's kind: its reason stands
        self.signal = signum

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopRequest]:
        """Handle SIGINT and SIGTERM this way for the block (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        # A signal ignored by whoever started us (a background job's SIGINT) stays ignored.
        stops = [s for s in (signal.SIGINT, signal.SIGTERM) if not _ignored(s)]
        previous = {s: signal.signal(s, self._handle) for s in stops}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


def add_pool_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pool",
        choices=POOLS,
        default="all",
        help="draw digits only from the train or the test pool of the source, which share "
        "no image (default all: every digit)",
    )


# Per-digit style options: (flag, DigitStyle field, example range, help).
_STYLE_OPTIONS = (
    ("--slant", "slant", "-20 20", "horizontal shear, degrees (positive leans right)"),
    ("--rotate", "rotation", "-10 10", "rotation, degrees (positive turns counter-clockwise)"),
    ("--scale", "scale", "0.8 1.2", "size factor"),
    ("--aspect", "aspect", "0.9 1.1", "extra width factor"),
    ("--thickness", "thickness", "-0.5 1", "stroke: -1 one erosion step .. 1 one dilation step"),
)


def add_variation_options(parser: argparse.ArgumentParser) -> None:
    """--height, --jitter-y, the per-digit style ranges, --noise and --blur."""
    group = parser.add_argument_group(
        "variation (each digit draws its own value in every LO HI range; default: none)"
    )
    add = group.add_argument
    add("--height", help=f"canvas height, px (28..{MAX_HEIGHT:,}; default 28)")
    add(
        "--jitter-y",
        nargs=2,
        metavar=("LO", "HI"),
        help="top of each digit's 28 px cell, px from the top (default: centred)",
    )
    for flag, _, example, text in _STYLE_OPTIONS:
        add(flag, nargs=2, metavar=("LO", "HI"), help=f"{text}, e.g. {example}")
    add(
        "--noise",
        help=f"additive noise per image, standard deviation in grey levels (0..{MAX_NOISE:g})",
    )
    add("--blur", help=f"Gaussian blur per image, sigma in px (0..{MAX_BLUR:g})")


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"{name} {text!r} is not a number") from None


def variation_from_args(args: argparse.Namespace) -> Variation:
    """The Variation of the options of add_variation_options (checked by the core)."""
    style = {}
    for flag, field, _, _ in _STYLE_OPTIONS:
        pair = getattr(args, flag[2:])
        if pair is not None:
            style[field] = (_number(flag[2:], pair[0]), _number(flag[2:], pair[1]))
    height = 28 if args.height is None else parse_whole("height", args.height, 28, MAX_HEIGHT)
    jitter = args.jitter_y
    return Variation(
        height=height,
        jitter_y=None
        if jitter is None
        else (parse_whole("jitter-y", jitter[0]), parse_whole("jitter-y", jitter[1])),
        style=DigitStyle(**style),
        noise=0.0 if args.noise is None else _number("noise", args.noise),
        blur=0.0 if args.blur is None else _number("blur", args.blur),
    )


def guarded(
    prog: str,
    run_fn: Callable[[list[str]], int],
    argv: Sequence[str],
    interrupted: str = "interrupted",
    untouched: str | Callable[[], str] = "",
) -> int:
    """Run a command: bad input -> one line on stderr and status 2; Ctrl+C -> status 130,
    SIGTERM -> 143, each with what the interrupted work left: the exception's text, or
    `untouched` (or what it returns, at the time) when nothing more specific was said."""
    try:
        with sigterm_as_interrupt():
            return run_fn(list(argv))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except MnistSeqError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else interrupted
        said = str(exc) or (untouched() if callable(untouched) else untouched)
        detail = f"; {said}" if said else ""
        print(f"{prog}: {what}{detail}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
