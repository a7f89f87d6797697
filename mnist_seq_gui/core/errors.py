"""The project's own exception types: every message says what is wrong and what would work."""

from __future__ import annotations


class MnistSeqError(ValueError):
    """Base class for every error the core raises on bad input."""


class DataError(MnistSeqError):
    """An IDX file or data folder that cannot be used."""


class SequenceError(MnistSeqError):
    """A digit sequence that is not a list of digits 0..9."""


class SpacingError(MnistSeqError):
    """A spacing range or width that no layout of the digits can satisfy."""


class StyleError(MnistSeqError):
    """A per-digit style range (slant, rotation, scale, ...) that cannot be drawn."""
