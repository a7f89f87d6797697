"""Digit sequences: parsing text and checking list-likes."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .errors import SequenceError
from .keyed_random import STREAM_DIGITS, STREAM_LENGTH, below, keyed_uint32

DIGIT_CHARS = "0123456789"  # the only characters a typed sequence may hold
_ASCII_DIGITS = frozenset(DIGIT_CHARS)
_DIGIT_VALUES = frozenset(range(10))
_INT_ONLY = {int}


def is_plain_digits(digits: Any) -> bool:
    """True for a non-empty list or tuple of plain ints 0..9: as_digits has nothing to do."""
    return (
        type(digits) in (tuple, list)
        and bool(digits)
        and _DIGIT_VALUES.issuperset(digits)  # also passes True, 1.0, numpy ints: hence
        and set(map(type, digits)) == _INT_ONLY  # the type check
    )


def parse_sequence(text: str) -> tuple[int, ...]:
    """'2024' -> (2, 0, 2, 4); only ASCII digits 0-9 are accepted."""
    if not text:
        raise SequenceError("the sequence is empty; give digits such as 2024")
    bad = [ch for ch in text if ch not in _ASCII_DIGITS]
    if bad:
        shown = ", ".join(repr(ch) for ch in dict.fromkeys(bad))
        raise SequenceError(
            f"sequence {text!r} holds {shown}; use only the digits 0-9, such as 2024"
        )
    return tuple(int(ch) for ch in text)


def as_digits(digits: Any) -> tuple[int, ...]:
    """A list-like of integers 0..9 ([3, 5, 0], range(8), a numpy array) -> tuple of ints."""
    if is_plain_digits(digits):
        return tuple(digits)
    if isinstance(digits, str):
        return parse_sequence(digits)
    try:
        items = (
            list(np.asarray(digits).reshape(-1)) if isinstance(digits, np.ndarray) else list(digits)
        )
    except TypeError:
        raise SequenceError(
            f"digits {digits!r} is not a list of digits; pass e.g. [3, 5, 0]"
        ) from None
    if not items:
        raise SequenceError("the digit list is empty; pass at least one digit, e.g. [3, 5, 0]")
    out = []
    for position, item in enumerate(items):
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            raise SequenceError(
                f"digit {item!r} at position {position} is not a number; use integers 0..9"
            )
        if isinstance(item, numbers.Integral):
            value = int(item)
        elif float(item).is_integer():
            value = int(float(item))
        else:
            raise SequenceError(
                f"digit {item!r} at position {position} is not a whole number; use integers 0..9"
            )
        if not 0 <= value <= 9:
            raise SequenceError(
                f"digit {value} at position {position} is not a single digit; use integers 0..9"
            )
        out.append(value)
    return tuple(out)


def file_stem(digits: tuple[int, ...]) -> str:
    """(3, 5, 0) -> '3-5-0', the original's file naming."""
    return "-".join(str(d) for d in digits)


def random_sequences(
    seed: int, items: np.ndarray, min_length: int, max_length: int
) -> tuple[np.ndarray, np.ndarray]:
    """The random length and digits of each item: ((N,) lengths, (N, max_length) digits).

    Row r depends only on (seed, items[r]); digits past an item's length are drawn
    too (and ignored), so the digits of a length-n item are a prefix that does not
    depend on max_length. The API's generate_data and the data sets both draw here.
    """
    keys = np.asarray(items).astype(np.uint64).reshape(-1)
    if min_length == max_length:
        lengths = np.full(len(keys), max_length, dtype=np.int64)
    else:
        span = max_length - min_length + 1
        lengths = min_length + below(keyed_uint32(seed, keys, STREAM_LENGTH, 1)[:, 0], span)
    digits = below(keyed_uint32(seed, keys, STREAM_DIGITS, max_length), 10)
    return lengths, digits
