"""Counter-based random numbers: a pure function of (seed, item, stream, slot).

Item i of a batch or data set gets the same draws whatever the batch size, access
order, thread or process, and a whole batch is drawn in a few vectorised numpy
operations. The mixer is SplitMix64's finaliser, applied twice.
"""

from __future__ import annotations

import secrets

import numpy as np

from .checks import whole_number

MAX_SEED = 2**63 - 1
_MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SLOT_STEP = np.uint64(0xD1B54A32D192ED03)

# Independent streams so that adding a kind of draw never shifts another.
STREAM_INDEX = 1  # which MNIST image shows each digit
STREAM_GAPS = 2  # gap sizes under the random rule
STREAM_GAP_ORDER = 3  # shuffle of those gaps
STREAM_DIGITS = 4  # the digits of data-set items
STREAM_LENGTH = 5  # the length of data-set items


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _mix_int(x: int) -> int:
    x &= _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def check_seed(seed: object) -> int:
    """Seeds are integers in 0..2**63-1 (they must fit a signed 64-bit field)."""
    return whole_number("seed", seed, 0, MAX_SEED)


def new_seed(rng: np.random.Generator | None = None) -> int:
    """A fresh seed in 0..MAX_SEED: from `rng` when given (repeatable runs), else the OS."""
    if rng is None:
        return secrets.randbelow(MAX_SEED + 1)
    return int(rng.integers(0, MAX_SEED, endpoint=True))


def new_seeds(rng: np.random.Generator, count: int) -> list[int]:
    """`count` fresh seeds from `rng`: the same values, in the same order, as `count`
    calls of new_seed(rng) (a test checks it), for about the cost of one call."""
    return rng.integers(0, MAX_SEED, endpoint=True, size=count).tolist()


def keyed_uint32(seed: int, items: np.ndarray, stream: int, width: int) -> np.ndarray:
    """(len(items), width) uint32 draws; row r depends only on (seed, items[r], stream)."""
    key = np.uint64(_mix_int(_mix_int(seed) ^ (stream * 0x9E3779B97F4A7C15)))
    items = np.asarray(items, dtype=np.uint64).reshape(-1, 1)
    slots = np.arange(1, width + 1, dtype=np.uint64) * _SLOT_STEP
    with np.errstate(over="ignore"):
        x = _mix((items * _GOLDEN) ^ key)
        x = _mix(x + slots)
    return (x >> np.uint64(32)).astype(np.uint32)


def below(draws: np.ndarray, high: np.ndarray | int) -> np.ndarray:
    """Map uint32 draws to integers in [0, high) by a multiply-shift (high < 2**32)."""
    high = np.asarray(high, dtype=np.uint64)
    return ((draws.astype(np.uint64) * high) >> np.uint64(32)).astype(np.int64)
