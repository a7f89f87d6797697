"""What both commands (`mnist-seq` and `mnist-seq dataset`) share.

The recipe's options are made from its field table (core/recipe.py): one option per
field, named by its flag, with its limits, default and help; old spellings (`--rotate`,
`--mode`) are accepted and not listed. Errors are worded from their fields in the
command line's own names ("--rotation -50 10 is out of bounds; use -45..45"), and every
error is one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from .core import (
    DEFAULT,
    FIELDS,
    MAX_SEED,
    Field,
    InputError,
    MnistSeqError,
    Recipe,
    new_seed,
    shown,
    whole_number,
)
from .stops import said, status_of, terminate_as_interrupt

EXIT_OK = 0
EXIT_BAD_INPUT = 2
_MAX_DIGITS = 40  # far beyond any valid value; int() refuses text of over 4,300 digits


class UsageError(InputError):
    """A command line that does not parse."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line (raised as UsageError), and
    takes every word that starts as a number does for a value: -1e-05 too, as Python
    3.13's argparse does (before it, only -1 and -1.5 were numbers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if args is not None:
            args = self._attach_dash_values(list(args))
        return super().parse_known_args(args, namespace)

    def _attach_dash_values(self, args: list[str]) -> list[str]:
        """'--shard -1/4' -> '--shard=-1/4', so the value's own check explains it: argparse
        takes a value starting with '-' for a missing one unless it looks like a number."""
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
        raise UsageError(f"{name} has {len(digits):,} digits, which is out of range")
    try:
        value = int(text, 10)
    except ValueError:
        raise UsageError(f"{name} {shown(text)} is not a whole number") from None
    return whole_number(name, value, minimum, maximum, error=UsageError)


def parse_seed(text: str | None) -> int:
    """The --seed value, or a fresh seed when none was given."""
    return new_seed() if text is None else parse_whole("seed", text, 0, MAX_SEED)


def _describe(entry: Field) -> str:
    if entry.kind == "flag":
        return entry.help
    if entry.kind == "choice":
        return f"{entry.help} (default {entry.default})"
    default = entry.none if entry.default is None else Field.to_text(entry, entry.default)
    return f"{entry.help} ({entry.span()}{entry.unit}; default {default.replace(',', ' ')})"


def add_recipe_options(parser: argparse.ArgumentParser, skip: Sequence[str] = ()) -> None:
    """One option per recipe field (but `skip`), from the field table."""
    groups = {
        "layout": parser.add_argument_group("recipe"),
        "variation": parser.add_argument_group(
            "variation (each digit draws its own value in every LO HI range; default: none)"
        ),
    }
    for entry in FIELDS.values():
        if entry.name in skip:
            continue
        add = groups[entry.group].add_argument
        options: dict[str, Any] = {"dest": entry.name, "default": argparse.SUPPRESS}
        if entry.kind == "flag":
            options["action"] = "store_true"
        elif entry.kind == "choice":
            options["choices"] = entry.choices
        elif entry.is_range:
            options.update(nargs="+" if entry.one else 2, metavar=("LO", "HI"))
        else:
            options["metavar"] = "N"
        add(entry.flag, help=_describe(entry), **options)
        for old in entry.old_flags:
            add(old, help=argparse.SUPPRESS, **options)


def recipe_from_args(args: argparse.Namespace, base: Recipe) -> Recipe:
    """`base` with every recipe option given on the command line (checked by the table)."""
    changes: dict[str, Any] = {}
    for name, entry in FIELDS.items():
        if not hasattr(args, name):
            continue
        value = getattr(args, name)
        if entry.kind != "flag":
            value = entry.from_text(",".join(value) if isinstance(value, list) else value)
        changes[name] = value
    return base.replace(**changes)


def recipe_to_args(recipe: Recipe, base: Recipe = DEFAULT) -> list[str]:
    """The recipe options that make `recipe` from `base` (whose flags are off): the
    inverse of recipe_from_args, from the same table (flags, Field.to_text's values)."""
    words: list[str] = []
    for entry, value in recipe.items():
        if value == base.get(entry.name) or value is None:
            continue
        if entry.kind == "flag":
            words.append(entry.flag)
            continue
        text = entry.to_text(value)
        words += [entry.flag, *(text.split(",") if entry.is_range else [text])]
    return words


def cli_words(exc: MnistSeqError, names: Mapping[str, str]) -> str:
    """An error in the command line's words: a field's problem names its option."""
    if not isinstance(exc, InputError):
        return str(exc)
    value = exc.value
    text = " ".join(f"{v:g}" for v in value) if isinstance(value, tuple) else None
    return exc.words(dict(names), text)


FLAG_NAMES = {name: entry.flag for name, entry in FIELDS.items()}


def guarded(
    prog: str,
    run_fn: Callable[[list[str]], int],
    argv: Sequence[str],
    names: Mapping[str, str] = FLAG_NAMES,
    untouched: str | Callable[[], str] = "",
) -> int:
    """Run a command: bad input -> one line on stderr and status 2; Ctrl+C -> status 130,
    SIGTERM -> 143, each with what the interrupted work left: the exception's text, or
    `untouched` (or what it returns, at the time) when nothing more specific was said."""
    for stream in (sys.stdout, sys.stderr):  # a path the terminal cannot show is escaped
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        with terminate_as_interrupt():
            return run_fn(list(argv))
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except MnistSeqError as exc:
        print(f"{prog}: error: {cli_words(exc, names)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        left = str(exc) or (untouched() if callable(untouched) else untouched)
        print(f"{prog}: {said(exc)}" + (f"; {left}" if left else ""), file=sys.stderr)
        return status_of(exc)
