"""What a recipe draws, through the core and the dataset (Qt-free, run off the GUI thread).

`compose_recipe` gives the main image: item `recipe.item` of the seed with the typed
digits (and MNIST images picked by hand, if any), pool and variation included.
`gallery_batch` gives items 0..K-1 of the data set the export dialog would write with
the same parameters and seed.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..core import Composition, DigitBank, MnistSeqError, compose, load_bank
from ..dataset import MAX_LENGTH, DatasetConfig, SequenceDataset
from .recipe import Recipe, size_problem


class BankCache:
    """Digit banks by source, loaded once, shared by the render threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._banks: dict[str | None, DigitBank] = {}

    def get(self, source: str | None) -> DigitBank:
        with self._lock:
            bank = self._banks.get(source)
            if bank is None:
                bank = load_bank(source)
                self._banks[source] = bank
            return bank


def compose_recipe(bank: DigitBank, recipe: Recipe) -> Composition:
    """The recipe's image as uint8; MnistSeqError if it describes none."""
    # Item i of the seed's batch with these digits; compose() checks fixed indices
    # against the digits and the pool.
    spec = recipe.spec()
    return compose(bank, spec, recipe.seed, recipe.indices, np.uint8, item=recipe.item)


def gallery_config(recipe: Recipe, count: int) -> DatasetConfig:
    """The export dialog's data set for this recipe: same length, layout and seed."""
    n = len(recipe.digits())
    if n > MAX_LENGTH:
        raise MnistSeqError(
            f"the gallery shows data-set samples, which have at most {MAX_LENGTH} digits; "
            f"this sequence has {n}"
        )
    return DatasetConfig(
        count=count,
        min_length=n,
        max_length=n,
        width=recipe.width,
        min_spacing=recipe.min_spacing,
        max_spacing=recipe.max_spacing,
        rule=recipe.rule,
        white_on_black=recipe.white_on_black,
        seed=recipe.seed,
        dtype="uint8",
        source=recipe.source,
        pool=recipe.pool,
        variation=recipe.variation(),
    )


def gallery_key(recipe: Recipe) -> Recipe:
    """What the gallery depends on: not the digits typed (only their number), the
    sample shown in the main preview, or digits picked by hand."""
    return recipe.replace(sequence="0" * len(recipe.sequence), item=0, indices=None)


def gallery_batch(bank: DigitBank, recipe: Recipe, count: int) -> dict[str, Any]:
    """Items 0..count-1 of that data set, in one vectorised batch."""
    recipe.spec()  # the same one-line reasons as the main image
    too_large = size_problem(recipe)
    if too_large:
        raise MnistSeqError(too_large)
    dataset = SequenceDataset(gallery_config(recipe, count), bank=bank)
    return dataset.batch(np.arange(count, dtype=np.int64))
