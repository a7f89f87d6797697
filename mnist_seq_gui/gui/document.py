"""The open file: Open, Save, Save As and Copy, with document semantics.

As in Qt's Application example: the title shows the file name and an unsaved-changes
marker (`setWindowFilePath`, `setWindowModified`). Save never replaces a file that
holds a different image without asking. Opening goes through the recipe's own checks
and restores the digit source the file records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core import MnistSeqError
from .model import SessionModel
from .qimage import qimage_to_grey
from .state.session import Session
from .workers import RenderResult

STATUS_MS = 6000
APP_TITLE = "mnist-seq explorer"


def _pixels_on_disk(path: Path) -> np.ndarray | None:
    image = QImage(str(path))
    return None if image.isNull() else qimage_to_grey(image)


class Document(QObject):
    """Which file the window shows and whether the session still matches it. Works with
    the window (a QWidget: its title, dialogs' parent), the model, the result shown
    (`shown()`), and says what happened through `say(text)` and `error(title, text)`."""

    def __init__(
        self,
        window: QWidget,
        model: SessionModel,
        shown: Callable[[], RenderResult | None],
        say: Callable[[str], None],
        error: Callable[[str, str], None],
    ) -> None:
        super().__init__(window)
        self.window, self.model, self.shown, self.say, self.error = window, model, shown, say, error
        self.path: Path | None = None
        self.saved: Session | None = None  # the session at the last open or save
        self.folder = Path.home()

    # ------------------------------------------------------------------ state

    def update_title(self, session: Session) -> None:
        window = self.window
        if self.path is None:
            name = "-".join(session.sequence) or "untitled"
            if len(name) > 40:
                name = name[:39] + "\u2026"
            window.setWindowFilePath("")
            window.setWindowTitle(f"{name} \u2014 {APP_TITLE}")
            window.setWindowModified(False)
        else:
            window.setWindowFilePath(str(self.path))
            window.setWindowTitle(f"{self.path.name}[*] \u2014 {APP_TITLE}")
            window.setWindowModified(session != self.saved)

    def _attach(self, path: Path, session: Session) -> None:
        self.path, self.saved, self.folder = path, session, path.parent
        self.update_title(self.model.session())

    def default_save_path(self) -> Path:
        result = self.shown()
        stem = "-".join(map(str, result.composition.digits)) if result else "mnist-seq"
        return self.folder / f"{stem}.png"

    # ------------------------------------------------------------------ actions

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        result = self.shown()
        if result is None:
            return False
        on_disk = _pixels_on_disk(self.path) if self.path.exists() else result.composition.pixels
        if on_disk is None or not np.array_equal(on_disk, result.composition.pixels):
            answer = self._ask_replace(self.path)
            if answer == QMessageBox.StandardButton.Save:
                return self.save_as()
            if answer != QMessageBox.StandardButton.Yes:
                self.say("Not saved")
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
        if self.shown() is None:
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
        result = self.shown()
        if result is None:
            self.say("Nothing to save yet")
            return False
        from ..files import composition_text, write_png

        path = Path(path)
        comp = result.composition
        try:
            write_png(path, comp.pixels, composition_text(comp, result.bank.source))
        except (MnistSeqError, OSError) as exc:
            self.error("Could not save the image", str(exc))
            return False
        self._attach(path, result.session)
        width, height = comp.pixels.shape[1], comp.pixels.shape[0]
        self.say(f"Saved {path.name} ({width} \u00d7 {height} px)")
        return True

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open Image", str(self.folder), "PNG images (*.png)"
        )
        return bool(path) and self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """Restore the recipe saved in a PNG; the same pixels are then drawn."""
        from ..files import read_saved  # here: Pillow loads only when a file is opened

        path = Path(path)
        try:
            saved = read_saved(path)
        except MnistSeqError as exc:
            self.error("Could not open the image", str(exc))
            return False
        digits = "".join(map(str, saved.digits))
        session = Session(saved.recipe, digits, saved.seed, saved.item, saved.indices, saved.source)
        self.model.reset(session, snap=False)
        self._attach(path, session)
        self.say(f"Opened {path.name}")
        return True

    def copy_image(self) -> None:
        result = self.shown()
        if result is None:
            return
        QGuiApplication.clipboard().setImage(result.image)
        size = f"{result.image.width()} \u00d7 {result.image.height()} px"
        self.say(f"Copied the {size} image")


def error_box(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A window-modal warning that does not block the caller (tests, timers)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
