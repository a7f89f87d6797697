"""The window's actions and menus (after Qt's Application example).

Every action has a status tip and, where one exists, a standard shortcut; it calls the
slot of its name given to `create_actions` (the window enables them only when they can
act). Nothing here knows the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenuBar, QMessageBox, QWidget

from .. import __version__

K = QKeySequence
S = QKeySequence.StandardKey


def _sequences(keys: tuple[Any, ...]) -> list[QKeySequence]:
    standard, *extra = keys
    made = list(K.keyBindings(standard)) if standard is not None else []
    return made + [K(e) for e in extra if K(e) not in made]


# name: (text, tip, keys, icon, checkable); keys: a standard shortcut or None, then extra
# keys (e.g. Ctrl+= for zoom in, no Shift needed), made into key sequences once Qt runs
# fmt: off
ACTIONS = {
    "open": ("&Open\u2026", "Open a PNG saved by mnist-seq and restore its recipe",
             (S.Open,), "document-open", False),
    "save": ("&Save", "Save the image 1:1 as PNG (with its recipe) to the current file",
             (S.Save,), "document-save", False),
    "save_as": ("Save &As\u2026", "Save the image 1:1 as PNG under a new name",
                (S.SaveAs,), "document-save-as", False),
    "export": ("&Export Dataset\u2026", "Write a training data set (npz, PNG folder, COCO or "
               "YOLO) with the current recipe", (None, "Ctrl+E"), "document-export", False),
    "quit": ("&Quit", "Quit the explorer", (S.Quit,), "application-exit", False),
    "undo": ("&Undo", "Go back to the recipe before the last change", (S.Undo,), "edit-undo",
             False),
    "redo": ("&Redo", "Make the change undone last again", (S.Redo, "Ctrl+Shift+Z"),
             "edit-redo", False),
    "copy": ("&Copy Image", "Copy the image 1:1 to the clipboard", (S.Copy,), "edit-copy",
             False),
    "copyCommand": ("Copy as Co&mmand", "Copy the mnist-seq dataset command (and the Python) "
                     "that exports this recipe: the gallery's samples are its first items",
                     (None, "Ctrl+Shift+C"), None, False),
    "reroll": ("&Reroll", "Draw new MNIST samples with a new seed, keeping every other field",
               (S.Refresh, "Ctrl+R"), "view-refresh", False),
    "zoom_in": ("Zoom &In", "Enlarge the preview", (S.ZoomIn, "Ctrl+="), "zoom-in", False),
    "zoom_out": ("Zoom &Out", "Shrink the preview", (S.ZoomOut,), "zoom-out", False),
    "actual_size": ("&Actual Size", "One screen pixel per image pixel", (None, "Ctrl+1"),
                    "zoom-original", False),
    "fit": ("&Fit to Window", "The largest whole zoom that fits the window",
            (None, "Ctrl+0"), "zoom-fit-best", True),
    "gallery": ("&Gallery", "Show many samples of the recipe at once (the data set Export "
                "writes)", (None, "Ctrl+G"), "view-grid", False),
    "ink_boxes": ("Ink &Boxes", "Outline each digit's ink: the boxes saved with the image and "
                  "written by Export", (None, "Ctrl+B"), None, True),
    "about": ("&About mnist-seq", "Version, data source and licence", (), None, False),
    "about_qt": ("About &Qt", "The Qt library's about box", (), None, False),
}
# fmt: on
MENUS = {
    "&File": ("open", "save", "save_as", None, "export", None, "quit"),
    "&Edit": ("undo", "redo", None, "copy", "copyCommand", None, "reroll"),
    "&View": ("zoom_in", "zoom_out", "actual_size", "fit", None, "gallery", "ink_boxes"),
    "&Help": ("about", "about_qt"),
}


@dataclass
class Actions:
    by_name: dict[str, QAction]

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.by_name[name]
        except KeyError:
            raise AttributeError(name) from None


def create_actions(parent: QWidget, slots: Mapping[str, Callable[..., object]]) -> Actions:
    """Every action of ACTIONS, added to `parent` (so its shortcut works anywhere in it)."""
    made = {}
    for name, (text, tip, keys, icon, checkable) in ACTIONS.items():
        action = QAction(text, parent)
        action.setObjectName(f"{name}Action")
        if icon:
            action.setIcon(QIcon.fromTheme(icon))
        if keys:
            action.setShortcuts(_sequences(keys))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.setCheckable(checkable)
        if name in slots:  # a checkable action's slot takes its state, as it changes
            (action.toggled if checkable else action.triggered).connect(slots[name])
        parent.addAction(action)
        made[name] = action
    return Actions(made)


def create_menus(bar: QMenuBar, actions: Actions) -> None:
    for title, names in MENUS.items():
        menu = bar.addMenu(title)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions.by_name[name])


def about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About mnist-seq",
        f"<h3>mnist-seq explorer {__version__}</h3>"
        "<p>Images of handwritten digit sequences composed from MNIST digits.</p>"
        "<p><b>Data:</b> the 10,000-image MNIST test set, by Yann LeCun, Corinna Cortes "
        "and Christopher J.C. Burges, used under the "
        "<a href='https://creativecommons.org/licenses/by-sa/3.0/'>CC BY-SA 3.0</a> "
        "licence.</p><p>Code: MIT licence.</p>",
    )
