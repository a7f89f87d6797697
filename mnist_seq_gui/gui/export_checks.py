"""What the export dialog checks and says, in its own words (Qt-free).

The dataset's messages are written for the command line ("pass --overwrite"); the
dialog has a checkbox for that, so it says so instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..dataset import DatasetConfig
from .recipe import DEFAULT, VARIATION_FIELDS, Recipe
from .recipe import in_gui_words as in_window_words


def defaults_from_recipe(recipe: Recipe, count: int = 10_000) -> dict[str, Any]:
    """Dialog defaults from the explorer's recipe: same length, layout, seed and digits.

    The explorer's gallery shows items 0..K-1 of exactly this data set.
    """
    return {
        "count": count,
        "min_length": len(recipe.sequence) or 5,
        "max_length": len(recipe.sequence) or 5,
        "width": recipe.width,
        "min_spacing": recipe.min_spacing,
        "max_spacing": recipe.max_spacing,
        "rule": recipe.rule,
        "white_on_black": recipe.white_on_black,
        "seed": recipe.seed,
        "source": recipe.source,
        "pool": recipe.pool,
        # The fields, not a checked Variation: a recipe with a problem still opens the
        # dialog, which then says what is wrong.
        "variation": {
            name: getattr(recipe, name)
            for name in VARIATION_FIELDS
            if getattr(recipe, name) != getattr(DEFAULT, name)
        },
        "placement": "fill",
    }


def describe_config(config: DatasetConfig) -> str:
    """What the export will write, in a sentence or two."""
    text = (
        f"{config.count:,} images of {config.width} x {config.variation.height} px, "
        f"{config.min_length}..{config.max_length} digits"
    )
    if config.pool == "all":
        return (
            f"{text}, from all digits: a training and a test set exported this way share "
            "MNIST images (choose the train pool for one and the test pool for the other)."
        )
    return f"{text}, from the {config.pool} pool only."


def in_gui_words(message: str) -> str:
    """A dataset message written for the command line, in this dialog's words."""
    message = message.replace("pass --overwrite", 'tick "Replace an earlier export"')
    return in_window_words(message)


def folder_problem(out: Path, overwrite: bool) -> str | None:
    """What stops an export into `out`, or None."""
    try:
        if out.exists() and not out.is_dir():
            return f"{out} is a file; choose a folder."
        if out.is_dir() and not overwrite and any(out.iterdir()):
            return (
                f"{out} is not empty; choose an empty folder, or tick "
                '"Replace an earlier export" to replace an export made there before.'
            )
    except OSError as exc:
        return f"{out} cannot be read: {exc.strerror or exc}."
    return None
