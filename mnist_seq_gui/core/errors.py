"""The project's own exception types: every message says what is wrong and what would work.

    MnistSeqError                 everything mnist-seq raises on purpose
    ├── InputError (ValueError)   bad input: arguments, sequences, layouts, data files
    │   ├── SequenceError         not a list of digits 0..9
    │   ├── SpacingError          no layout of the digits fits the width and spacing
    │   └── DataError             an IDX file or data folder that cannot be used
    ├── OutputError (OSError)     a file or folder that cannot be written
    └── Cancelled                 the user stopped the work; nothing partial is kept

Input errors are also ValueErrors, as Python code expects of bad arguments; output
errors and cancellation are not, so `except ValueError` never swallows them.
"""

from __future__ import annotations


class MnistSeqError(Exception):
    """Base class of every error mnist-seq raises on purpose."""


class InputError(MnistSeqError, ValueError):
    """An argument, sequence, layout or data file that cannot be used."""


class DataError(InputError):
    """An IDX file or data folder that cannot be used."""


class SequenceError(InputError):
    """A digit sequence that is not a list of digits 0..9."""


class SpacingError(InputError):
    """A spacing range or width that no layout of the digits can satisfy."""


class OutputError(MnistSeqError, OSError):
    """A file or folder that cannot be written (missing or read-only folder, full disk)."""


class Cancelled(MnistSeqError):
    """The work was cancelled; nothing it started is left on disk."""
