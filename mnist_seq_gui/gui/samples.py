"""What to draw next: rerolls, per-digit picks, gallery samples and the digit source.

Each of these ends as a change of the recipe (seed, fixed MNIST indices, sample
number, source), so the image shown always matches what the recipe says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from ..core import MnistSeqError, new_seed
from .document import STATUS_MS
from .model import RecipeModel
from .recipe import Recipe
from .render_thread import GalleryResult, RenderResult

if TYPE_CHECKING:
    from .main_window import MainWindow


def _index_name(recipe: Recipe, plural: bool = False) -> str:
    name = "MNIST test ind" if recipe.source is None else "ind"
    return name + ("ices" if plural else "ex")


class Samples(QObject):
    """Rerolls and picks for the window; reads the shown result, writes the model."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._gallery: GalleryResult | None = None

    @property
    def model(self) -> RecipeModel:
        return self.window.model

    def can_reroll(self) -> bool:
        try:
            self.model.recipe().digits()
        except MnistSeqError:
            return False
        return True

    def reroll(self) -> None:
        """New seed (new MNIST samples and gaps), every other parameter kept."""
        seed = new_seed()
        self.model.set("seed", seed)
        self.window.show_status(f"Rerolled: seed {seed}", STATUS_MS)

    def reroll_digit(self, position: int) -> None:
        """Draw another MNIST image for one digit; the others keep their pixels."""
        result = self.window.result()
        recipe = self.model.recipe()
        if result is None or result.recipe.sequence != recipe.sequence:
            return
        if not 0 <= position < len(result.composition.indices):
            return
        indices = list(result.composition.indices)
        digit = result.composition.spec.digits[position]
        pool = result.bank.pool(result.recipe.pool)  # only the recipe's pool's images
        first = int(pool.starts[digit])
        candidates = pool.by_label_order[first : first + int(pool.counts[digit])]
        candidates = candidates[candidates != indices[position]]
        if candidates.size == 0:
            where = "data set" if pool.pool_name == "all" else f"{pool.pool_name} pool"
            self.window.show_status(f"The {where} has no other {digit} to draw", STATUS_MS)
            return
        indices[position] = int(candidates[new_seed() % candidates.size])
        self.model.set("indices", tuple(indices))
        self.window.show_status(
            f"Digit {position + 1} ({digit}) is now {_index_name(recipe)} {indices[position]}; "
            "enter the seed again to undo",
            STATUS_MS,
        )

    def digit_tips(self, result: RenderResult) -> list[str]:
        comp = result.composition
        name = _index_name(result.recipe)
        return [
            f"Digit {d} \u00b7 {name} {i}\nClick to draw another {d}"
            for d, i in zip(comp.spec.digits, comp.indices, strict=True)
        ]

    def digit_hovered(self, position: int) -> None:
        result = self.window.result()
        if result is None or not 0 <= position < len(result.composition.indices):
            self.window.statusBar().clearMessage()
            return
        comp = result.composition
        self.window.show_status(
            f"Digit {position + 1}: {comp.spec.digits[position]}, "
            f"{_index_name(result.recipe)} {comp.indices[position]} "
            "\u2014 click to draw another sample"
        )

    @staticmethod
    def seed_text(recipe: Recipe) -> str:
        """The seed as shown in the status bar, saying when it alone does not make the image."""
        text = f"seed {recipe.seed}"
        if recipe.item:
            text += f" \u00b7 sample {recipe.item}"
        if recipe.indices is not None:
            text += " \u00b7 digits picked by hand"
        return text

    # ------------------------------------------------------------------ gallery

    def show_gallery(self, result: GalleryResult) -> None:
        self._gallery = result
        name = _index_name(result.recipe, plural=True)
        tips = [
            f"Sample {i}: {label}\n{name} {', '.join(map(str, row[row >= 0].tolist()))}"
            "\nClick to show it in the Image tab"
            for i, (label, row) in enumerate(zip(result.labels, result.indices, strict=True))
        ]
        count = len(result.images)
        note = (
            f"items 0\u2013{count - 1} of the data set Export writes with seed "
            f"{result.recipe.seed} \u00b7 {result.elapsed_ms:.1f} ms"
        )
        ink = () if result.ink_boxes is None else result.ink_boxes.tolist()
        self.window.gallery.set_samples(result.images, tips, note, ink)
        self.mark_current_sample()

    def mark_current_sample(self) -> None:
        """Frame the sample the main preview shows, if it shows one."""
        gallery, recipe = self._gallery, self.model.recipe()
        current = -1
        if (
            gallery is not None
            and recipe.indices is None
            and recipe.item < len(gallery.labels)
            and gallery.labels[recipe.item] == recipe.sequence
        ):
            current = recipe.item
        self.window.gallery.canvas.set_current(current)

    def use_sample(self, index: int) -> None:
        """Make gallery sample `index` the main image (same pixels) and show it."""
        gallery = self._gallery
        if gallery is None or not 0 <= index < len(gallery.labels):
            return
        recipe = gallery.recipe.replace(sequence=gallery.labels[index], item=index, indices=None)
        self.model.reset(recipe, snap=False)
        self.window.tabs.setCurrentIndex(0)
        self.window.show_status(
            f"Sample {index} ({gallery.labels[index]}) is now the image", STATUS_MS
        )

    def sample_hovered(self, index: int) -> None:
        gallery = self._gallery
        if gallery is None or not 0 <= index < len(gallery.labels):
            self.window.statusBar().clearMessage()
            return
        row = gallery.indices[index]
        self.window.show_status(
            f"Sample {index}: {gallery.labels[index]}, {_index_name(gallery.recipe, plural=True)} "
            f"{', '.join(map(str, row[row >= 0].tolist()))} \u2014 click to show it"
        )

    # ------------------------------------------------------------------ source

    def choose_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, "Folder with MNIST IDX files", str(self.window.document.folder)
        )
        if folder:
            self.model.set("source", folder)
