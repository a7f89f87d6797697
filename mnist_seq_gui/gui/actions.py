"""The window's actions and menus (after Qt's Application example).

Every action has a status tip and, where one exists, a standard shortcut; the window
enables them only when they can act (MainWindow.update_actions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__
from .image_view import FIT

if TYPE_CHECKING:
    from .main_window import MainWindow

K = QKeySequence


def _action(
    window: MainWindow,
    text: str,
    tip: str,
    slot: Callable[[], object],
    keys: QKeySequence.StandardKey | list[QKeySequence] | None = None,
    icon: str | None = None,
) -> QAction:
    action = QAction(text, window)
    if icon:
        action.setIcon(QIcon.fromTheme(icon))
    if keys:
        action.setShortcuts(keys)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def _with(standard: QKeySequence.StandardKey, *extra: str) -> list[QKeySequence]:
    """A standard shortcut plus extra keys (e.g. Ctrl+= for zoom in, no Shift needed)."""
    keys = list(K.keyBindings(standard))
    keys += [K(e) for e in extra if K(e) not in keys]
    return keys


def about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        "About mnist-seq",
        f"<h3>mnist-seq explorer {__version__}</h3>"
        "<p>Images of handwritten digit sequences composed from MNIST digits.</p>"
        "<p><b>Data:</b> the 10,000-image MNIST test set, by Yann LeCun, Corinna Cortes "
        "and Christopher J.C. Burges, used under the "
        "<a href='https://creativecommons.org/licenses/by-sa/3.0/'>CC BY-SA 3.0</a> "
        "licence.</p><p>Code: MIT licence.</p>",
    )


def create_actions(w: MainWindow) -> None:
    doc = w.document
    w.open_action = _action(
        w,
        "&Open\u2026",
        "Open a PNG saved by mnist-seq and restore its parameters",
        doc.open_dialog,
        K.StandardKey.Open,
        "document-open",
    )
    w.save_action = _action(
        w,
        "&Save",
        "Save the image 1:1 as PNG (with its parameters) to the current file",
        doc.save,
        K.StandardKey.Save,
        "document-save",
    )
    w.save_as_action = _action(
        w,
        "Save &As\u2026",
        "Save the image 1:1 as PNG under a new name",
        doc.save_as,
        K.StandardKey.SaveAs,
        "document-save-as",
    )
    w.export_action = _action(
        w,
        "&Export Dataset\u2026",
        "Write a training data set (npz, PNG folder, COCO or YOLO) with the current parameters",
        w.export_dataset,
        [K("Ctrl+E")],
        "document-export",
    )
    w.quit_action = _action(
        w, "&Quit", "Quit the explorer", w.close, K.StandardKey.Quit, "application-exit"
    )
    w.copy_action = _action(
        w,
        "&Copy Image",
        "Copy the image 1:1 to the clipboard",
        doc.copy_image,
        K.StandardKey.Copy,
        "edit-copy",
    )
    reroll_keys = [K("Ctrl+R")]
    reroll_keys += [k for k in K.keyBindings(K.StandardKey.Refresh) if k not in reroll_keys]
    w.reroll_action = _action(
        w,
        "&Reroll",
        "Draw new MNIST samples with a new seed, keeping every other parameter",
        w.samples.reroll,
        reroll_keys,
        "view-refresh",
    )
    w.zoom_in_action = _action(
        w,
        "Zoom &In",
        "Enlarge the preview",
        w.zoom_in,
        _with(K.StandardKey.ZoomIn, "Ctrl+="),
        "zoom-in",
    )
    w.zoom_out_action = _action(
        w, "Zoom &Out", "Shrink the preview", w.zoom_out, K.StandardKey.ZoomOut, "zoom-out"
    )
    w.actual_size_action = _action(
        w,
        "&Actual Size",
        "One screen pixel per image pixel",
        lambda: w.set_zoom(1),
        [K("Ctrl+1")],
        "zoom-original",
    )
    w.fit_action = _action(
        w,
        "&Fit to Window",
        "The largest whole zoom that fits the window",
        lambda: w.set_zoom(FIT),
        [K("Ctrl+0")],
        "zoom-fit-best",
    )
    w.fit_action.setCheckable(True)
    w.gallery_action = _action(
        w,
        "&Gallery",
        "Show many samples of the recipe at once (the data set Export writes)",
        lambda: w.tabs.setCurrentIndex(0 if w.gallery_visible() else 1),
        [K("Ctrl+G")],
        "view-grid",
    )
    w.ink_boxes_action = _action(
        w,
        "&Ink Boxes",
        "Outline each digit's ink: the boxes saved with the image and written by Export",
        lambda: None,
        [K("Ctrl+B")],
    )
    w.ink_boxes_action.setCheckable(True)
    w.ink_boxes_action.toggled.connect(w.show_ink_boxes)
    w.about_action = _action(
        w, "&About mnist-seq", "Version, data source and licence", lambda: about(w)
    )
    w.about_qt_action = _action(w, "About &Qt", "The Qt library's about box", QApplication.aboutQt)


def create_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    w.file_menu = bar.addMenu("&File")
    for action in (w.open_action, w.save_action, w.save_as_action):
        w.file_menu.addAction(action)
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.export_action)
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.quit_action)
    w.edit_menu = bar.addMenu("&Edit")
    w.edit_menu.addAction(w.copy_action)
    w.edit_menu.addSeparator()
    w.edit_menu.addAction(w.reroll_action)
    w.view_menu = bar.addMenu("&View")
    for action in (w.zoom_in_action, w.zoom_out_action, w.actual_size_action, w.fit_action):
        w.view_menu.addAction(action)
    w.view_menu.addSeparator()
    w.view_menu.addAction(w.gallery_action)
    w.view_menu.addAction(w.ink_boxes_action)
    w.help_menu = bar.addMenu("&Help")
    w.help_menu.addAction(w.about_action)
    w.help_menu.addAction(w.about_qt_action)
