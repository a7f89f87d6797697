"""RecipeModel: the one object holding what the explorer draws (a thin QObject).

Widgets call `set(name, value)`; the rules live in gui/recipe.py (Qt-free). Every
change, whatever its origin, leaves through `changed`, so the panel, the preview, the
gallery and the title all follow the same recipe.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from .edits import edit, settle, without_variation
from .recipe import DEFAULT, Problem, Recipe, problem, width_range


class RecipeModel(QObject):
    """Holds the current Recipe and the width the user last asked for."""

    changed = Signal(object)  # the new Recipe
    noted = Signal(str)  # something the user should read (status bar)

    def __init__(self, recipe: Recipe = DEFAULT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recipe = recipe
        self._wanted_width = recipe.width
        self._problem: Problem | None = problem(recipe)

    def recipe(self) -> Recipe:
        return self._recipe

    def problem(self) -> Problem | None:
        """Why the recipe gives no image (with offers), or None."""
        return self._problem

    def widths(self) -> range | None:
        """The widths the digits can fill under the current spacing and rule."""
        return width_range(self._recipe)

    def set(self, name: str, value: Any) -> None:
        """One user edit; linked fields follow (see recipe.edit)."""
        result = edit(self._recipe, self._wanted_width, name, value)
        self._wanted_width = result.wanted_width
        for note in result.notes:
            self.noted.emit(note)
        self._store(result.recipe)

    def reset(self, recipe: Recipe, snap: bool = True) -> None:
        """Replace the whole recipe (settings, an opened file, a gallery sample)."""
        recipe = settle(recipe) if snap else recipe
        self._wanted_width = recipe.width
        self._store(recipe)

    def clear_variation(self) -> None:
        """Every variation field back at none; pool and spacing stay."""
        self._store(without_variation(self._recipe))

    def recommit_seed(self) -> None:
        """The seed was entered again: the seed's own draws come back."""
        if self._recipe.indices is not None:
            self._store(self._recipe.replace(indices=None))

    def _store(self, recipe: Recipe) -> None:
        if recipe == self._recipe:
            return
        self._recipe = recipe
        self._problem = problem(recipe)
        self.changed.emit(recipe)
