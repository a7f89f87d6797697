"""The pure-numpy core: IDX files, the digit bank, the recipe, and the one door to pixels.

    bank = bundled_bank()
    recipe = Recipe(spacing=(0, 10), variation=Variation(rotation=(-10, 10)))
    one = compose(bank, recipe, "2024", seed=1)                  # a Composition
    batch = compose_batch(bank, recipe, digits, seed=1)          # a Batch of N images

This package's `__all__` is the only door into the core: code outside it imports these
names from `mnist_seq_gui.core`, never from its modules. Nothing here imports Qt or
Pillow (import-linter contracts in pyproject.toml hold both rules).
"""

from .bank import DigitBank, bundled_bank, load_bank
from .checks import DIGIT_CHARS, DTYPES, as_digits, output_dtype, parse_sequence
from .door import Batch, Composition, compose, compose_batch
from .draws import MAX_ITEM, MAX_SEED, is_held, new_seed, new_seeds, sequences, stream_key
from .errors import (
    Cancelled,
    DataError,
    InputError,
    MnistSeqError,
    OutputError,
    SequenceError,
    SpacingError,
    StyleError,
    counted,
    shown,
    whole_number,
)
from .idx import DIGIT_SIZE
from .layout import common_widths, free_width, nearest_valid_widths, resolve, valid_widths
from .recipe import (
    DEFAULT,
    FIELDS,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_SPACING,
    PLACEMENTS,
    POOLS,
    RULES,
    VARIATION_FIELDS,
    Field,
    Recipe,
    Variation,
    from_dict,
    from_text,
    to_dict,
    to_text,
)
from .render import INK_THRESHOLD, to_float, usable_cores
from .warp import prepare_maps

# fmt: off
__all__ = [
    "DEFAULT", "DIGIT_CHARS", "DIGIT_SIZE", "DTYPES", "FIELDS", "INK_THRESHOLD", "MAX_HEIGHT",
    "MAX_ITEM", "MAX_SEED", "MAX_WIDTH", "MIN_SPACING", "PLACEMENTS", "POOLS", "RULES",
    "VARIATION_FIELDS",
    "Batch", "Cancelled", "Composition", "DataError", "DigitBank", "Field", "InputError",
    "MnistSeqError", "OutputError", "Recipe", "SequenceError", "SpacingError", "StyleError",
    "Variation", "as_digits", "bundled_bank", "common_widths", "compose", "compose_batch",
    "counted", "free_width", "from_dict", "from_text", "is_held", "load_bank",
    "nearest_valid_widths", "new_seed", "new_seeds", "output_dtype", "parse_sequence",
    "prepare_maps", "resolve",
    "sequences", "shown", "stream_key", "to_dict", "to_float", "to_text", "usable_cores",
    "valid_widths",
    "whole_number",
]
# fmt: on
