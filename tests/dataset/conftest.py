"""Helpers of the dataset tests: a varied recipe, and comparing items and export folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest


@pytest.fixture
def varied() -> dict[str, Any]:
    """Data-set fields with most of the variation: overlap, height, jitter, slant, scale."""
    return {
        "count": 60,
        "min_length": 2,
        "max_length": 5,
        "spacing": (-6, 12),
        "rule": "random",
        "seed": 3,
        "placement": "free",
        "variation": {"height": 40, "jitter_y": (0, 12), "slant": (-20, 20), "scale": (0.8, 1.2)},
    }


def _assert_same_item(one: dict[str, Any], other: dict[str, Any]) -> None:
    assert list(one) == list(other)
    for key, value in one.items():
        expected = other[key]
        if isinstance(value, np.ndarray):
            assert isinstance(expected, np.ndarray), key
            assert (value.dtype, value.shape) == (expected.dtype, expected.shape), key
            np.testing.assert_array_equal(value, expected, err_msg=key)
        else:
            assert type(value) is type(expected) and value == expected, key


def _stop_leftovers(out: Path, message: str) -> list[Path]:
    left = sorted(
        p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.mnist-seq-staging")
    )
    assert left == [] and "are left in" not in message, message  # one stop finishes its clean-up
    return left


@pytest.fixture
def stop_leftovers() -> Callable[[Path, str], list[Path]]:
    """What a stopped export into `out` left beside it: nothing, however many files it had
    written (only a second stop leaves them; see tests/reliability/test_stop_finishes.py)."""
    return _stop_leftovers


@pytest.fixture
def assert_same_item() -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """Two items (or batches) hold the same keys in the same order, value for value and
    type for type (arrays: dtype and shape too)."""
    return _assert_same_item
