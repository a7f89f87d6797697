"""Fixtures for the dataset tests."""

from __future__ import annotations

import pytest

from mnist_seq_gui.core import DigitBank, bundled_bank


@pytest.fixture(scope="session")
def bank() -> DigitBank:
    return bundled_bank()
