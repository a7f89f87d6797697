"""The recipe: everything that decides the explorer's image, checked in one place.

Qt-free. Widgets never hold the truth: they send edits to `RecipeModel`
(gui/model.py), which applies them here (`edit`) and shows the result. Settings and
opened files come back through `from_mapping`, so a damaged value becomes a note and
the default, never an exception. Adding a parameter means adding a field with a
`Param` in its metadata: the parameters panel builds its control from it, settings
store it under its name, and `from_mapping` checks its range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..core import (
    MAX_WIDTH,
    MnistSeqError,
    SequenceSpec,
    nearest_valid_widths,
    parse_sequence,
    valid_widths,
)

SPACING_SLIDER_MAX = 200  # the spacing sliders' span; the spin boxes accept more


@dataclass(frozen=True)
class Param:
    """How a numeric field is edited and which values it accepts."""

    label: str  # with "&" before the mnemonic letter
    low: int | float
    high: int | float  # the spin box accepts up to here
    slider_high: int | float | None = None  # the slider's end, if shorter than `high`
    step: int | float = 1
    suffix: str = ""
    tip: str = ""
    group: str = "layout"  # "layout" or "variation" (a panel section)
    decimals: int = 0


def _param(**kwargs: Any) -> dict[str, Param]:
    return {"param": Param(**kwargs)}


@dataclass(frozen=True)
class Recipe:
    """What the explorer draws. `indices` fixes the MNIST image of each digit (a
    per-digit reroll or an opened file); `item` is the sample number of the seed
    (item i of the data set the export dialog would write); `source` is the folder or
    IDX file the digits come from (None: the bundled MNIST test set)."""

    sequence: str = "2024"
    rule: str = "uniform"
    min_spacing: int = field(
        default=0,
        metadata=_param(
            label="M&in spacing",
            low=0,
            high=MAX_WIDTH,
            slider_high=SPACING_SLIDER_MAX,
            suffix=" px",
            tip="Smallest gap between digits",
        ),
    )
    max_spacing: int = field(
        default=10,
        metadata=_param(
            label="Ma&x spacing",
            low=0,
            high=MAX_WIDTH,
            slider_high=SPACING_SLIDER_MAX,
            suffix=" px",
            tip="Largest gap between digits",
        ),
    )
    width: int = 124  # 4 digits, gap 4
    white_on_black: bool = False
    seed: int = 0
    item: int = 0
    indices: tuple[int, ...] | None = None
    source: str | None = None

    def digits(self) -> tuple[int, ...]:
        """The digits; SequenceError if the text holds none."""
        return parse_sequence(self.sequence)

    def spec(self) -> SequenceSpec:
        """The core's spec; MnistSeqError (with the reason) if it describes no image."""
        return SequenceSpec(
            digits=self.digits(),
            width=self.width,
            min_spacing=self.min_spacing,
            max_spacing=self.max_spacing,
            rule=self.rule,
            white_on_black=self.white_on_black,
        )

    def replace(self, **changes: Any) -> Recipe:
        return dataclasses.replace(self, **changes)


DEFAULT = Recipe()
FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Recipe)}


def param(name: str) -> Param | None:
    """The Param of a field, or None for fields without a numeric control."""
    return FIELDS[name].metadata.get("param")


def params(group: str) -> list[tuple[str, Param]]:
    """(field name, Param) of every field in a panel group, in declaration order."""
    out = []
    for name, f in FIELDS.items():
        p = f.metadata.get("param")
        if p is not None and p.group == group:
            out.append((name, p))
    return out


# ---------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """Why a recipe gives no image, and the one-click ways out."""

    message: str  # a sentence
    widths: tuple[int, ...] = ()  # nearest valid widths to offer
    random_fits: bool = False  # the random rule would take this width


def sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def width_range(recipe: Recipe) -> range | None:
    """Every width the digits can fill under the recipe's spacing and rule, or None."""
    try:
        n = len(recipe.digits())
        widths = valid_widths(n, recipe.min_spacing, recipe.max_spacing, recipe.rule)
    except MnistSeqError:
        return None
    return widths if len(widths) else None


def problem(recipe: Recipe) -> Problem | None:
    """None if the recipe describes an image, else what is wrong and what would work."""
    try:
        recipe.spec()
    except MnistSeqError as exc:
        widths = width_range(recipe)
        if widths is None or recipe.width in widths:
            return Problem(sentence(str(exc)))
        offers = tuple(nearest_valid_widths(recipe.width, widths))
        random_fits = False
        if recipe.rule == "uniform":
            other = width_range(recipe.replace(rule="random"))
            random_fits = other is not None and recipe.width in other
        return Problem(sentence(str(exc)), offers, random_fits)
    if recipe.indices is not None and len(recipe.indices) != len(recipe.sequence):
        return Problem(
            f"{len(recipe.indices)} MNIST indices are fixed for {len(recipe.sequence)} digits."
        )
    return None
