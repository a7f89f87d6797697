"""The pure-numpy core: IDX reading, the digit bank, spacing rules, composition.

This package's `__all__` is the only door into the core: code outside it imports these
names from `mnist_seq_gui.core`, never from its modules. Nothing here imports Qt or
Pillow (an import-linter contract in pyproject.toml holds both rules).
"""

from .canvas import INK_THRESHOLD, digit_ink_boxes, ink_boxes_of, render_canvas
from .checks import span_text, whole_number
from .composition import compose, compose_batch, render_batch
from .errors import (
    Cancelled,
    DataError,
    InputError,
    MnistSeqError,
    OutputError,
    SequenceError,
    SpacingError,
    StyleError,
)
from .idx import DIGIT_SIZE
from .keyed_random import MAX_SEED, check_seed, new_seed, new_seeds
from .layout import PLACEMENTS, batch_offsets, boxes_from_offsets, free_width
from .sequence import DIGIT_CHARS, as_digits, file_stem, parse_sequence, random_sequences
from .single import PlainItems, plain_pixels
from .source import POOLS, DigitBank, bundled_bank, bundled_data_dir, check_pool, load_bank
from .spacing import (
    MAX_WIDTH,
    MIN_SPACING,
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
from .spec import BatchComposition, Composition, SequenceSpec, sequence_spec
from .style import LIMITS as STYLE_LIMITS
from .style import QUANTA as STYLE_STEPS
from .style import DigitStyle, StyleDraws, draw_styles
from .variation import MAX_BLUR, MAX_HEIGHT, MAX_NOISE, NO_VARIATION, Variation
from .warp import prepare_maps

__all__ = [
    "DIGIT_CHARS",
    "DIGIT_SIZE",
    "INK_THRESHOLD",
    "MAX_BLUR",
    "MAX_HEIGHT",
    "MAX_NOISE",
    "MAX_SEED",
    "MAX_WIDTH",
    "MIN_SPACING",
    "NO_VARIATION",
    "PLACEMENTS",
    "POOLS",
    "RULES",
    "STYLE_LIMITS",
    "STYLE_STEPS",
    "BatchComposition",
    "Cancelled",
    "Composition",
    "DataError",
    "DigitBank",
    "DigitStyle",
    "InputError",
    "MnistSeqError",
    "OutputError",
    "PlainItems",
    "SequenceError",
    "SequenceSpec",
    "SpacingError",
    "StyleDraws",
    "StyleError",
    "Variation",
    "as_digits",
    "batch_offsets",
    "boxes_from_offsets",
    "bundled_bank",
    "bundled_data_dir",
    "check_pool",
    "check_rule",
    "check_seed",
    "check_spacing_range",
    "check_width",
    "compose",
    "compose_batch",
    "digit_ink_boxes",
    "draw_styles",
    "file_stem",
    "free_width",
    "ink_boxes_of",
    "lengths_layout_problem",
    "load_bank",
    "nearest_valid_widths",
    "new_seed",
    "new_seeds",
    "parse_sequence",
    "plain_pixels",
    "prepare_maps",
    "random_sequences",
    "render_batch",
    "render_canvas",
    "sequence_spec",
    "span_text",
    "uniform_gap",
    "valid_widths",
    "whole_number",
    "widths_for_lengths",
]
