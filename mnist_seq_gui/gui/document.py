"""The open file: Open, Save, Save As and Copy, with document semantics.

As in Qt's Application example: the title shows the file name and an unsaved-changes
marker (`setWindowFilePath`, `setWindowModified`). Save never replaces a file that
holds a different image without asking. Opening goes through the recipe's own checks
and restores the digit source the file records.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core import MnistSeqError, file_stem
from ..files import composition_text, read_recipe, write_png
from .qimage import qimage_to_grey
from .recipe import Recipe, variation_values
from .stored import from_mapping

if TYPE_CHECKING:
    from .main_window import MainWindow

STATUS_MS = 6000
APP_TITLE = "mnist-seq explorer"


def recipe_from_file(path: Path) -> Recipe:
    """The recipe a PNG records; MnistSeqError (one line) if it cannot be used."""
    saved = read_recipe(path)
    spec = saved.spec
    values = {
        "sequence": "".join(map(str, spec.digits)),
        "rule": spec.rule,
        "min_spacing": spec.min_spacing,
        "max_spacing": spec.max_spacing,
        "width": spec.width,
        "white_on_black": spec.white_on_black,
        "seed": saved.seed,
        "item": saved.item,
        "indices": saved.indices,
        "source": saved.source,
        "pool": spec.pool,
        **variation_values(spec.variation),
    }
    recipe, notes = from_mapping(values, what=path.name)
    if notes:
        raise MnistSeqError(notes[0])
    return recipe


def _pixels_on_disk(path: Path) -> np.ndarray | None:
    image = QImage(str(path))
    return None if image.isNull() else qimage_to_grey(image)


class Document(QObject):
    """Which file the window shows and whether the recipe still matches it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        self.saved: Recipe | None = None  # the recipe at the last open or save
        self.folder = Path.home()

    # ------------------------------------------------------------------ state

    def update_title(self, recipe: Recipe) -> None:
        window = self.window
        if self.path is None:
            try:
                name = file_stem(recipe.digits())
            except MnistSeqError:
                name = "untitled"
            if len(name) > 40:
                name = name[:39] + "\u2026"
            window.setWindowFilePath("")
            window.setWindowTitle(f"{name} \u2014 {APP_TITLE}")
            window.setWindowModified(False)
        else:
            window.setWindowFilePath(str(self.path))
            window.setWindowTitle(f"{self.path.name}[*] \u2014 {APP_TITLE}")
            window.setWindowModified(recipe != self.saved)

    def _attach(self, path: Path, recipe: Recipe) -> None:
        self.path, self.saved, self.folder = path, recipe, path.parent
        self.update_title(self.window.model.recipe())

    def default_save_path(self) -> Path:
        result = self.window.result()
        stem = file_stem(result.composition.spec.digits) if result else "mnist-seq"
        return self.folder / f"{stem}.png"

    # ------------------------------------------------------------------ actions

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        result = self.window.result()
        if result is None:
            return False
        on_disk = _pixels_on_disk(self.path) if self.path.exists() else result.composition.pixels
        if on_disk is None or not np.array_equal(on_disk, result.composition.pixels):
            answer = self._ask_replace(self.path)
            if answer == QMessageBox.StandardButton.Save:
                return self.save_as()
            if answer != QMessageBox.StandardButton.Yes:
                self.window.show_status("Not saved", STATUS_MS)
                return False
        return self.save_to(self.path)

    def _ask_replace(self, path: Path) -> QMessageBox.StandardButton:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"{path.name} holds a different image.",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("replaceDialog")
        box.setInformativeText(
            "Replace it with the image shown now, or save the new image under another name?"
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.button(QMessageBox.StandardButton.Save).setText("Save As\u2026")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    def save_as(self) -> bool:
        if self.window.result() is None:
            return False
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save Image", str(self.default_save_path()), "PNG images (*.png)"
        )
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        return self.save_to(target)

    def save_to(self, path: str | Path) -> bool:
        """Write the shown image 1:1 with its recipe; a dialog explains any failure."""
        result = self.window.result()
        if result is None:
            self.window.show_status("Nothing to save yet", STATUS_MS)
            return False
        path = Path(path)
        comp = result.composition
        text = composition_text(comp, result.bank.source, result.recipe.item)
        try:
            write_png(path, comp.pixels, text)
        except (MnistSeqError, OSError) as exc:
            self.window.show_error("Could not save the image", str(exc))
            return False
        self._attach(path, result.recipe)
        width, height = comp.pixels.shape[1], comp.pixels.shape[0]
        self.window.show_status(f"Saved {path.name} ({width} \u00d7 {height} px)", STATUS_MS)
        return True

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open Image", str(self.folder), "PNG images (*.png)"
        )
        return bool(path) and self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """Restore the recipe saved in a PNG; the same pixels are then drawn."""
        path = Path(path)
        try:
            recipe = recipe_from_file(path)
        except MnistSeqError as exc:
            self.window.show_error("Could not open the image", str(exc))
            return False
        self.window.model.reset(recipe, snap=False)
        self._attach(path, recipe)
        self.window.show_status(f"Opened {path.name}", STATUS_MS)
        return True

    def copy_image(self) -> None:
        result = self.window.result()
        if result is None:
            return
        QGuiApplication.clipboard().setImage(result.image)
        size = f"{result.image.width()} \u00d7 {result.image.height()} px"
        self.window.show_status(f"Copied the {size} image", STATUS_MS)


def error_box(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A window-modal warning that does not block the caller (tests, timers)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
