"""The project's own exception types. Every error says what is wrong and what would work.

    MnistSeqError                 everything mnist-seq raises on purpose
    ├── InputError (ValueError)   bad input: arguments, sequences, layouts, data files
    │   ├── SequenceError         not a list of digits 0..9
    │   ├── SpacingError          no layout of the digits fits the width and spacing
    │   ├── StyleError            a variation field that cannot be drawn
    │   └── DataError             an IDX file or data folder that cannot be used
    ├── OutputError (OSError)     a file or folder that cannot be written
    └── Cancelled                 the user stopped the work; nothing partial is kept

An input error about one recipe field carries it as data: `field` (its name in the
recipe's table), `value`, `limits` (low, high) where there are any, `reason` (what is
wrong, a phrase) and `suggestion` (what would work), plus `offers` (values a door may
offer in one click, such as the nearest valid widths). `str(error)` is the library's
own sentence; the command line and the explorer word the same fields their own way.
"""

from __future__ import annotations

import numbers
from typing import Any


class MnistSeqError(Exception):
    """Base class of every error mnist-seq raises on purpose."""


class InputError(MnistSeqError, ValueError):
    """An argument, sequence, layout or data file that cannot be used."""

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        value: Any = None,
        reason: str = "",
        suggestion: str = "",
        limits: tuple[Any, Any] | None = None,
        offers: tuple[Any, ...] = (),
    ) -> None:
        if not message:
            subject = f"{field} {shown(value)} " if field and value is not None else ""
            message = f"{subject}{reason}" + (f"; {suggestion}" if suggestion else "")
        super().__init__(message)
        self.field = field
        self.value = value
        self.reason = reason or message
        self.suggestion = suggestion
        self.limits = limits
        self.offers = offers

    def words(self, names: dict[str, str], value: str | None = None) -> str:
        """This error in a door's own words: the field by the door's name for it (and the
        value as the door shows it); the library's sentence when it names no field."""
        if self.field is None or self.field not in names:
            return str(self)
        shown_value = shown(self.value) if value is None else value
        # Without a value the reason is a sentence of its own: the field heads it.
        subject = names[self.field] + (":" if self.value is None else f" {shown_value}")
        return f"{subject} {self.reason}" + (f"; {self.suggestion}" if self.suggestion else "")


class DataError(InputError):
    """An IDX file or data folder that cannot be used."""


class SequenceError(InputError):
    """A digit sequence that is not a list of digits 0..9."""


class SpacingError(InputError):
    """A spacing range or width that no layout of the digits can satisfy."""


class StyleError(InputError):
    """A variation field (height, jitter, slant, noise, ...) that cannot be drawn."""


class OutputError(MnistSeqError, OSError):
    """A file or folder that cannot be written (missing or read-only folder, full disk)."""


class Cancelled(MnistSeqError):
    """The work was cancelled; nothing it started is left on disk."""


def counted(count: int, noun: str) -> str:
    """'1 file', '2,048 files': a count and its noun, plural unless one."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def shown(value: Any, limit: int = 40) -> str:
    """A value as a message quotes it: ranges as 'lo..hi', huge ints by their size, long
    text cut, so that a hostile value cannot flood a message."""
    if isinstance(value, tuple) and len(value) == 2:
        return f"{shown(value[0])}..{shown(value[1])}"
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() >= 128:  # Python refuses to print ints of 4,300+ digits
            return f"of about {int(value.bit_length() * 0.30103) + 1:,} digits"
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def whole_number(
    name: str,
    value: object,
    low: int | None = None,
    high: int | None = None,
    *,
    error: type[InputError] = InputError,
) -> int:
    """`value` as an int within [low, high], else `error` naming `name`. Python and
    numpy integers are whole numbers; bools, floats and text are not (a command line
    parses its text first)."""
    if low is None:
        span = "any whole number" if high is None else f"at most {high:,}"
    else:
        span = f"{low} or more" if high is None else f"{low}..{high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise error(
            f"{name} {shown(value)} is not a whole number; use {span}",
            field=name,
            value=value,
            reason=f"{'None ' if value is None else ''}is not a whole number",
            suggestion=f"use {span}",
        )
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise error(
            field=name,
            value=number,
            reason="is out of range",
            suggestion=f"use {span}",
            limits=(low, high),
        )
    return number
