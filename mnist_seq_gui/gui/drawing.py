"""What a recipe draws, through the core and the dataset (Qt-free, run off the GUI thread).

`compose_recipe` gives the main image: item `recipe.item` of the seed with the typed
digits (item 0 is exactly the core's `compose`). `gallery_batch` gives items 0..K-1
of the data set the export dialog would write with the same parameters and seed.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..core import (
    Composition,
    DigitBank,
    MnistSeqError,
    compose,
    compose_batch,
    load_bank,
    render_batch,
)
from ..dataset import MAX_LENGTH, DatasetConfig, SequenceDataset
from .recipe import Recipe


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
    spec = recipe.spec()
    # compose() checks fixed indices against the digits and is item 0 exactly.
    comp = compose(bank, spec, recipe.seed, indices=recipe.indices, dtype=np.uint8)
    if recipe.item == 0:
        return comp
    batch = compose_batch(
        bank,
        np.asarray([spec.digits], dtype=np.int64),
        spec.width,
        spec.min_spacing,
        spec.max_spacing,
        spec.rule,
        spec.white_on_black,
        seed=recipe.seed,
        items=np.asarray([recipe.item], dtype=np.uint64),
        dtype=np.uint8,
    )
    if recipe.indices is None:
        pixels, indices = batch.pixels[0], tuple(batch.indices[0].tolist())
    else:
        # Item i's layout with the fixed digits (already checked by compose above).
        indices = comp.indices
        pixels = render_batch(
            bank,
            np.asarray([indices], dtype=np.int64),
            batch.offsets,
            spec.width,
            spec.white_on_black,
            np.uint8,
        )[0]
    return Composition(spec, pixels, indices, tuple(batch.gaps[0].tolist()), recipe.seed)


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
    )


def gallery_key(recipe: Recipe) -> Recipe:
    """What the gallery depends on: not the digits typed (only their number), the
    sample shown in the main preview, or digits picked by hand."""
    return recipe.replace(sequence="0" * len(recipe.sequence), item=0, indices=None)


def gallery_batch(bank: DigitBank, recipe: Recipe, count: int) -> dict[str, Any]:
    """Items 0..count-1 of that data set, in one vectorised batch."""
    recipe.spec()  # the same one-line reasons as the main image
    dataset = SequenceDataset(gallery_config(recipe, count), bank=bank)
    return dataset.batch(np.arange(count, dtype=np.int64))
