"""The pure-numpy core: IDX reading, the digit bank, spacing rules, composition.

Nothing under this package imports Qt.
"""

from .compose import (
    BatchComposition,
    Composition,
    SequenceSpec,
    batch_offsets,
    compose,
    compose_batch,
    render_batch,
    sequence_spec,
)
from .errors import DataError, MnistSeqError, SequenceError, SpacingError
from .keyed_random import MAX_SEED
from .sequence import as_digits, file_stem, parse_sequence
from .source import DigitBank, bundled_bank, bundled_data_dir, load_bank
from .spacing import MAX_WIDTH, RULES, check_width, nearest_valid_widths, uniform_gap, valid_widths

__all__ = [
    "MAX_SEED",
    "MAX_WIDTH",
    "RULES",
    "BatchComposition",
    "Composition",
    "DataError",
    "DigitBank",
    "MnistSeqError",
    "SequenceError",
    "SequenceSpec",
    "SpacingError",
    "as_digits",
    "batch_offsets",
    "bundled_bank",
    "bundled_data_dir",
    "check_width",
    "compose",
    "compose_batch",
    "file_stem",
    "load_bank",
    "nearest_valid_widths",
    "parse_sequence",
    "render_batch",
    "sequence_spec",
    "uniform_gap",
    "valid_widths",
]
