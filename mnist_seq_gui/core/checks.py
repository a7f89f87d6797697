"""The one whole-number check every door uses for counts, sizes, seeds and lengths."""

from __future__ import annotations

import numbers

from .errors import InputError, SequenceError


def span_text(minimum: int | None, maximum: int | None) -> str:
    """'1..100,000', '0 or more', 'at most 64': the range a value must lie in."""
    if minimum is None:
        return "any whole number" if maximum is None else f"at most {maximum:,}"
    return f"{minimum} or more" if maximum is None else f"{minimum}..{maximum:,}"


def whole_number(
    name: str,
    value: object,
    minimum: int | None = None,
    maximum: int | None = None,
    *,
    error: type[InputError] = InputError,
) -> int:
    """`value` as an int within [minimum, maximum], else `error` naming `name`.

    Python and numpy integers are whole numbers; bools, floats and strings are not
    (a command line parses its text first).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise error(f"{name} {value!r} is not a whole number; use {span_text(minimum, maximum)}")
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        # Python refuses to print an int of over 4,300 digits; such a value is only sized.
        if number.bit_length() < 128:
            shown = f"{number:,}"
        else:
            shown = f"of about {int(number.bit_length() * 0.30103) + 1:,} digits"
        raise error(f"{name} {shown} is out of range; use {span_text(minimum, maximum)}")
    return number


def item_number(value: object) -> int:
    """An item number of a seed's batch: 0..2**64 - 1, the keyed draws' counters."""
    if type(value) is int and 0 <= value < 2**64:
        return value
    return whole_number("item", value, 0, 2**64 - 1, error=SequenceError)
