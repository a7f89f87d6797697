"""What the door checks at the edge: digits, item numbers, lengths, fixed MNIST images,
output buffers and pixel types. Below the door every value is trusted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .bank import DigitBank
from .errors import InputError, SequenceError, counted, shown, whole_number
from .recipe import Recipe

DTYPES: tuple[str, ...] = ("uint8", "float32")  # output pixel types; float32 is uint8 / 255
DIGIT_CHARS = "0123456789"  # the only characters a typed sequence may hold
_KNOWN_DTYPES: dict[Any, np.dtype] = {
    k: np.dtype(t) for t in (np.uint8, np.float32) for k in (t, t.__name__, np.dtype(t))
}


def output_dtype(dtype: object) -> np.dtype:
    """uint8 or float32 as a numpy dtype; InputError for anything else."""
    try:
        return _KNOWN_DTYPES[dtype]
    except (KeyError, TypeError):  # TypeError: unhashable
        pass
    raise InputError(
        f"dtype {shown(dtype)} is not supported; use uint8 or float32",
        field="dtype",
        value=dtype,
        reason=f"{'None ' if dtype is None else ''}is not supported",
        suggestion="use uint8 or float32",
    )


def as_recipe(recipe: Any) -> Recipe:
    if not isinstance(recipe, Recipe):
        raise InputError(
            field="recipe", value=recipe, reason="is not a Recipe", suggestion="pass Recipe(...)"
        )
    return recipe


def as_digits(digits: Any) -> tuple[int, ...]:
    """A list-like of integers 0..9 ([3, 5, 0], range(8), a numpy array, "350") -> a tuple."""
    if isinstance(digits, str):
        return parse_sequence(digits)
    if (
        type(digits) in (tuple, list)
        and digits
        and all(type(d) is int and 0 <= d <= 9 for d in digits)
    ):
        return tuple(digits)
    try:
        values = (
            np.asarray(digits).reshape(-1).tolist()
            if isinstance(digits, np.ndarray)
            else list(digits)
        )
    except TypeError:
        raise SequenceError(
            f"digits {shown(digits)} is not a list of digits; pass e.g. [3, 5, 0]",
            field="digits",
            value=digits,
            reason="is not a list of digits",
            suggestion="pass e.g. [3, 5, 0]",
        ) from None
    if not values:
        raise SequenceError("the digit list is empty; pass at least one digit, e.g. [3, 5, 0]")
    out = []
    for position, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise SequenceError(
                f"digit {shown(value)} at position {position} is not a number; use integers 0..9"
            )
        if not (0 <= value <= 9 and float(value) == int(value)):  # NaN fails the range
            raise SequenceError(
                f"digit {shown(value)} at position {position} is not a digit; use integers 0..9"
            )
        out.append(int(value))
    return tuple(out)


def parse_sequence(text: str) -> tuple[int, ...]:
    """'2024' -> (2, 0, 2, 4); only ASCII digits 0-9 are accepted."""
    if not text:
        raise SequenceError("the sequence is empty; give digits such as 2024")
    bad = [ch for ch in text if ch not in DIGIT_CHARS]
    if bad:
        listed = ", ".join(repr(ch) for ch in dict.fromkeys(bad[:20]))
        raise SequenceError(
            f"sequence {text[:40]!r} holds {listed}; use only the digits 0-9, such as 2024"
        )
    return tuple(map(int, text))


def _array(values: ArrayLike, problem: str) -> np.ndarray:
    """`values` as an array; numbers above int64 stay whole (uint64), ragged lists refused."""
    try:
        array = np.asarray(values)
        floats = array.dtype.kind == "f"  # whole numbers past 2**63 - 1, listed, become floats
        if floats and isinstance(values, (list, tuple)) and all(type(v) is int for v in values):
            array = np.asarray(values, dtype=np.uint64)
    except (ValueError, TypeError, OverflowError):
        raise SequenceError(problem) from None
    return array


def digit_rows(digits: ArrayLike) -> np.ndarray:
    rows = _array(digits, "batch digits must be a 2-D array: one row of digits per image")
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise SequenceError("batch digits must be a 2-D array: one row of digits per image")
    if rows.size and (
        not np.issubdtype(rows.dtype, np.integer) or rows.min() < 0 or rows.max() > 9
    ):
        raise SequenceError("batch digits must be integers 0..9")
    return rows.astype(np.int64, copy=False)


def item_numbers(items: ArrayLike, count: int) -> np.ndarray:
    problem = f"items must be {counted(count, 'whole number')}, one per row of digits"
    numbers = _array(items, problem)
    if numbers.shape != (count,) or not (
        numbers.size == 0 or np.issubdtype(numbers.dtype, np.integer)
    ):
        raise SequenceError(problem)
    if numbers.size and numbers.dtype.kind == "i" and numbers.min() < 0:
        raise SequenceError("item numbers must be 0 or more")
    return np.asarray(numbers, dtype=np.uint64)


def row_lengths(lengths: ArrayLike, count: int, n: int) -> np.ndarray | None:
    problem = f"lengths must be {counted(count, 'whole number')}, one per row of digits"
    rows = _array(lengths, problem)
    if rows.shape != (count,) or not (rows.size == 0 or np.issubdtype(rows.dtype, np.integer)):
        raise SequenceError(problem)
    if rows.size and (rows.min() < 1 or rows.max() > n):
        raise SequenceError(f"lengths must lie in 1..{n}, the number of digits given per row")
    rows = rows.astype(np.int64, copy=False)
    return None if rows.size == 0 or (rows == n).all() else rows


def fixed_indices(
    bank: DigitBank, recipe: Recipe, digits: Sequence[int], indices: Iterable[int]
) -> list[int]:
    """Explicit MNIST indices must exist, show the digit they stand for, and be in the pool."""
    chosen = [
        whole_number("MNIST index", i, 0, len(bank) - 1, error=SequenceError) for i in indices
    ]
    if len(chosen) != len(digits):
        raise SequenceError(
            f"{len(chosen)} MNIST indices given for {len(digits)} digits; give one per digit"
        )
    for position, (digit, index) in enumerate(zip(digits, chosen)):
        if bank.labels[index] != digit:
            raise SequenceError(
                f"MNIST index {index} shows a {bank.labels[index]}, "
                f"not the {digit} at position {position}"
            )
    bank.pool(recipe.pool).check_holds(chosen)
    return chosen


def fixed_rows(pool: DigitBank, rows: np.ndarray, indices: ArrayLike) -> np.ndarray:
    fixed = _array(indices, f"indices must be whole numbers of shape {rows.shape}, one per digit")
    if fixed.shape != rows.shape or not np.issubdtype(fixed.dtype, np.integer):
        raise SequenceError(f"indices must be whole numbers of shape {rows.shape}, one per digit")
    if fixed.size and (
        fixed.min() < 0 or fixed.max() >= len(pool) or (pool.labels[fixed] != rows).any()
    ):
        raise SequenceError("indices must be MNIST images of the digits they stand for")
    pool.check_holds(fixed)
    return fixed.astype(np.int64, copy=False)


def output_array(out: object, shape: tuple[int, int, int], dtype: np.dtype) -> np.ndarray:
    """`out` checked as a destination for a batch, or a new array if None."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise InputError(f"out must be a numpy array of shape {shape}, not {type(out).__name__}")
    if out.shape != shape or out.dtype != dtype:
        raise InputError(
            f"out is {out.dtype} of shape {out.shape}; this batch needs {dtype} of shape {shape} "
            "(pass dtype= to match a uint8 buffer)"
        )
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise InputError("out must be a writeable, C-contiguous array")
    return out
