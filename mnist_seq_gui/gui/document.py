"""The open file: Open, Save, Save As and Copy, with document semantics.

As in Qt's Application example: the title shows the file name and an unsaved-changes
marker (`setWindowFilePath`, `setWindowModified`). Save never replaces a file that
holds a different image without asking, and nothing unsaved is lost without asking
(Open, Open Recent, closing: Save / Discard / Cancel). Opening goes through the recipe's
own checks and restores the digit source the file records, once the user has seen it
(a source they never chose is confirmed first). A file whose image data is damaged is
opened from its recipe with a warning that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core import MnistSeqError
from .model import SessionModel
from .settings import is_chosen_source, remember_source
from .state.session import Session
from .workers import RenderResult

STATUS_MS = 6000
APP_TITLE = "mnist-seq explorer"
Button = QMessageBox.StandardButton


def _file_pixels(path: Path) -> np.ndarray:
    """A PNG's pixels, decoded whole; an exception (Pillow's, saying what) if damaged."""
    from PIL import Image  # here: Pillow loads only when a file is opened or saved

    with Image.open(path, formats=["PNG"]) as image:
        return np.asarray(image.convert("L"))


def _pixels_on_disk(path: Path) -> np.ndarray | None:
    try:
        return _file_pixels(path)
    except Exception:  # Pillow raises many kinds; any of them: not the image shown
        return None


def _damage(path: Path) -> str | None:
    """What is damaged in a PNG whose recipe could be read, or None."""
    try:
        _file_pixels(path)
    except Exception as exc:
        return f"its image data is damaged ({exc})"
    return None


class Document(QObject):
    """Which file the window shows and whether the session still matches it. Works with
    the window (a QWidget: its title, dialogs' parent), the model, the result shown
    (`shown()`), and says what happened through `say(text)` and `error(title, text)`."""

    attached = Signal(object)  # the Path of a file just opened or saved

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
        self.asks = True  # False: nothing is asked any more (the process is being stopped)

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

    def modified(self) -> bool:
        """The session differs from the open file's (the title's `*`)."""
        return self.path is not None and self.model.session() != self.saved

    def _attach(self, path: Path, session: Session | None) -> None:
        self.path, self.saved, self.folder = path, session, path.parent
        self.update_title(self.model.session())
        self.attached.emit(path)

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
            answer = self._ask(
                "replaceDialog",
                "Replace the file?",
                f"{self.path.name} holds a different image.",
                "Replace it with the image shown now, or save the new image under another name?",
                {Button.Yes: "Replace", Button.Save: "Save As\u2026", Button.Cancel: ""},
            )
            if answer == Button.Save:
                return self.save_as()
            if answer != Button.Yes:
                self.say("Not saved")
                return False
        return self.save_to(self.path)

    def _ask(
        self, name: str, title: str, text: str, more: str, buttons: dict[Button, str]
    ) -> Button:
        """A question with `buttons` (a new text, or "" for the standard one); the last
        is the default. Waits for the answer."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, Button.NoButton, self.window)
        box.setObjectName(name)
        box.setInformativeText(more)
        for button, label in buttons.items():
            made = box.addButton(button)
            if label:
                made.setText(label)
        box.setDefaultButton(list(buttons)[-1])
        return Button(box.exec())

    def may_discard(self) -> bool:
        """True when no unsaved change would be lost: none, saved now, or discarded."""
        if not (self.asks and self.modified()):
            return True
        assert self.path is not None
        answer = self._ask(
            "unsavedDialog",
            "Save the changes?",
            f"The recipe shown has changes not saved to {self.path.name}.",
            "Save them to the file, discard them, or go back to them?",
            {Button.Discard: "", Button.Cancel: "", Button.Save: ""},
        )
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

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
        if not self.may_discard():
            return False
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open Image", str(self.folder), "PNG images (*.png)"
        )
        return bool(path) and self._open(Path(path))

    def open_file(self, path: str | Path, ask: bool = False) -> bool:
        """Restore the recipe saved in a PNG; the same pixels are then drawn. With `ask`
        (Open Recent), unsaved changes are asked about first."""
        return (not ask or self.may_discard()) and self._open(Path(path))

    def _open(self, path: Path) -> bool:
        from ..files import read_saved  # here: Pillow loads only when a file is opened

        try:
            saved = read_saved(path)
        except MnistSeqError as exc:
            self.error("Could not open the image", str(exc))
            return False
        if saved.source is not None and not self._source_confirmed(path, saved.source):
            self.say(f"Not opened: {path.name} draws its digits from {saved.source}")
            return False
        damage = _damage(path)
        digits = "".join(map(str, saved.digits))
        session = Session(saved.recipe, digits, saved.seed, saved.item, saved.indices, saved.source)
        self.model.reset(session, snap=False, what="Open")
        self._attach(path, session if damage is None else None)  # damaged: not saved as shown
        if damage is None:
            self.say(f"Opened {path.name}")
        else:
            self.error(
                "The image was damaged",
                f"{path}: {damage}; the recipe was read from its text chunks and the image "
                "drawn again from it. Save to write the file whole again.",
            )
        return True

    def _source_confirmed(self, path: Path, source: str) -> bool:
        """A source the user never chose is shown, and loaded only if they say so."""
        if source == self.model.session().source or is_chosen_source(source):
            return True
        answer = self._ask(
            "sourceDialog",
            "Load digits from another source?",
            f"{path.name} draws its digits from {source}",
            "The explorer reads digits only from its bundled MNIST set and the sources you "
            "chose. Read the digit images from this one?",
            {Button.Yes: "Load", Button.Cancel: ""},
        )
        if answer != Button.Yes:
            return False
        remember_source(source)
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
