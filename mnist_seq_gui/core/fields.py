"""Field: one recipe field. The recipe's table (core/recipe.py) is made of these."""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Any

from .errors import InputError

_MAX_TEXT = 40  # longer text is no number of ours: int() and float() never see it


@dataclass(frozen=True)
class Field:
    """One recipe field: how it is checked, shown, stored and typed on a command line."""

    name: str
    kind: str  # "int", "float", "choice", "flag", "range" (of floats) or "int range"
    default: Any
    low: float = 0
    high: float = 0
    label: str = ""  # the explorer's label, "&" before the mnemonic letter
    help: str = ""
    unit: str = ""
    step: float = 1  # style values lie on a grid at most this far apart (core/draws.py)
    decimals: int = 0
    soft_high: float | None = None  # where sliders end; typed values may go on to `high`
    choices: tuple[str, ...] = ()
    group: str = "layout"  # "layout" or "variation"
    none: str = ""  # what None means, for fields that may be None
    flag: str = ""  # the command line's long option
    old_flags: tuple[str, ...] = ()  # old spellings the command line still accepts
    old_keys: tuple[str, ...] = ()  # (low, high) keys a range was stored under before
    one: bool = False  # a range that may be one value (both ends), written as one number
    error: type[InputError] = InputError

    @property
    def is_range(self) -> bool:
        return self.kind in ("range", "int range")

    def refuse(self, value: Any, reason: str, suggestion: str = "") -> InputError:
        limits = (self.low, self.high) if self.kind not in ("choice", "flag") else None
        return self.error(
            field=self.name, value=value, reason=reason, suggestion=suggestion, limits=limits
        )

    def span(self) -> str:
        return f"{self.low:g}..{self.high:,g}"

    # -- checking ------------------------------------------------------------------

    def check(self, value: Any) -> Any:
        """`value` in this field's canonical type, or the field's error saying why not."""
        if value is None and self.none:
            return None
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise self.refuse(value, "is unknown", f"use one of: {', '.join(self.choices)}")
            return value
        if self.kind == "flag":
            if type(value) is bool or type(value).__name__ == "bool_":
                return bool(value)
            raise self.refuse(value, "is not True or False")
        if self.is_range:
            return self._check_range(value)
        number = self._number(value)
        if not self.low <= number <= self.high:
            raise self.refuse(value, "is out of range", f"use {self.span()}")
        return number

    def _number(self, value: Any) -> Any:
        whole = self.kind in ("int", "int range")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            what = "a whole number" if whole else "a number"
            raise self.refuse(value, f"is not {what}", f"use {self.span()}")
        if whole:
            if not isinstance(value, numbers.Integral):
                raise self.refuse(value, "is not a whole number", f"use {self.span()}")
            return int(value)
        number = float(value)
        if not math.isfinite(number):
            raise self.refuse(value, "is not finite", f"use {self.span()}")
        return number

    def _check_range(self, value: Any) -> tuple[Any, Any]:
        if self.one and not isinstance(value, (tuple, list)):
            number = self._number(value)
            if not self.low <= number <= self.high:
                raise self.refuse(value, "is out of range", f"use {self.span()}")
            return number, number
        try:
            lo, hi = value
        except (TypeError, ValueError):
            example = f"{self.low:g} {self.high:g}" if self.kind == "range" else "0 12"
            raise self.refuse(
                value, "is not a range", f"give two numbers, such as {example}"
            ) from None
        lo, hi = self._number(lo), self._number(hi)
        if lo > hi:
            raise self.refuse((lo, hi), "is reversed", f"swap them ({hi:g}..{lo:g})")
        if lo < self.low or hi > self.high:
            raise self.refuse((lo, hi), "is out of bounds", f"use {self.span()}")
        return lo, hi

    # -- text (settings, PNG chunks, command lines) ---------------------------------

    def to_text(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "flag":
            return "true" if value else "false"
        if self.is_range and not isinstance(value, (tuple, list)):
            return repr(value)  # one value (0.2 stored noise so); from_text judges it
        if self.one and value[0] == value[1]:
            return repr(value[0])
        if self.is_range:
            return f"{value[0]!r},{value[1]!r}"
        return repr(value) if self.kind == "float" else str(value)

    def from_text(self, text: str) -> Any:
        """Stored or typed text -> a checked value (a range as 'lo,hi'); the field's error."""
        text = text.strip()
        if not text and self.none:
            return None
        if self.kind == "flag":
            if text.lower() in ("true", "1", "false", "0"):
                return text.lower() in ("true", "1")
            raise self.refuse(text, "is not true or false")
        if self.kind == "choice":
            return self.check(text)
        parts = text.replace(" ", ",").split(",") if self.is_range else [text]
        parts = [p for p in parts if p]
        values = [self._parse_number(p) for p in parts]
        if self.one and len(values) == 1:
            return self.check(values[0])
        if self.one and len(values) > 2:
            raise self.refuse(text, "is not one value or a range", "give one value, or LO HI")
        if self.is_range:
            return self.check(values if len(values) == 2 else text)
        return self.check(values[0] if values else text)

    def _parse_number(self, text: str) -> Any:
        whole = self.kind in ("int", "int range")
        plain = text.isascii() and "_" not in text  # int() takes "1_000", other scripts
        if plain and len(text) > _MAX_TEXT and text.lstrip("+-").isdigit():
            raise self.refuse(text, "is far out of range", f"use {self.span()}")
        if plain and len(text) <= _MAX_TEXT:
            try:
                return int(text, 10) if whole else float(text)
            except ValueError:
                pass
        what = "a whole number" if whole else "a number"
        raise self.refuse(text, f"is not {what}", f"use {self.span()}")


def _spec(kind: str, default: Any, **info: Any) -> Any:
    """A dataclass field whose metadata is its Field (named when the table is built)."""
    entry = Field("", kind, default, **info)
    return dataclasses.field(default=default, metadata={"field": entry})
