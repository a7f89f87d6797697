"""The pure-numpy core: IDX reading, the digit bank, spacing rules, composition.

This package's `__all__` is the only door into the core: code outside it imports these
names from `mnist_seq_gui.core`, never from its modules. Nothing here imports Qt or
Pillow (an import-linter contract in pyproject.toml holds both rules).
"""

from .checks import span_text, whole_number
from .composition import (
    BatchComposition,
    Composition,
    SequenceSpec,
    batch_offsets,
    boxes_from_offsets,
    compose,
    compose_batch,
    render_batch,
    sequence_spec,
)
from .errors import (
    Cancelled,
    DataError,
    InputError,
    MnistSeqError,
    OutputError,
    SequenceError,
    SpacingError,
)
from .idx import DIGIT_SIZE
from .keyed_random import MAX_SEED, check_seed, new_seed, new_seeds
from .sequence import DIGIT_CHARS, as_digits, file_stem, parse_sequence, random_sequences
from .single import PlainItems
from .source import DigitBank, bundled_bank, bundled_data_dir, load_bank
from .spacing import (
    MAX_WIDTH,
    RULES,
    check_rule,
    check_spacing_range,
    check_width,
    lengths_layout_problem,
    nearest_valid_widths,
    uniform_gap,
    valid_widths,
    widths_for_lengths,
)

__all__ = [
    "DIGIT_CHARS",
    "DIGIT_SIZE",
    "MAX_SEED",
    "MAX_WIDTH",
    "RULES",
    "BatchComposition",
    "Cancelled",
    "Composition",
    "DataError",
    "DigitBank",
    "InputError",
    "MnistSeqError",
    "OutputError",
    "PlainItems",
    "SequenceError",
    "SequenceSpec",
    "SpacingError",
    "as_digits",
    "batch_offsets",
    "boxes_from_offsets",
    "bundled_bank",
    "bundled_data_dir",
    "check_rule",
    "check_seed",
    "check_spacing_range",
    "check_width",
    "compose",
    "compose_batch",
    "file_stem",
    "lengths_layout_problem",
    "load_bank",
    "nearest_valid_widths",
    "new_seed",
    "new_seeds",
    "parse_sequence",
    "random_sequences",
    "render_batch",
    "sequence_spec",
    "span_text",
    "uniform_gap",
    "valid_widths",
    "whole_number",
    "widths_for_lengths",
]
