"""Fixtures of the explorer's tests: a shown main window with its first image drawn, and
ways to wait for the image or the gallery of the newest request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from mnist_seq_gui.core import bundled_bank, load_bank
from mnist_seq_gui.gui.main_window import MainWindow
from mnist_seq_gui.gui.memory import tune_malloc
from mnist_seq_gui.gui.qimage import qimage_to_grey
from mnist_seq_gui.gui.state.jobs import compose_session
from mnist_seq_gui.gui.state.session import Session

# A hang guard only: every wait below ends as soon as its condition holds.
TIMEOUT_MS = 20_000

# As the explorer's entry point does before it starts (gui/app.py): without it the render
# threads' own malloc heaps fragment and resident memory creeps up over a session.
tune_malloc()


def shown_pixels(window: MainWindow) -> np.ndarray:
    """The preview's 1:1 image as a uint8 array."""
    return qimage_to_grey(window.preview.image())


def session_pixels(session: Session) -> np.ndarray:
    """What the explorer's one job draws for a session (the reference for the window)."""
    bank = bundled_bank() if session.source is None else load_bank(session.source)
    return compose_session(bank, session).pixels


def rgb_array(image: QImage) -> np.ndarray:
    """Any QImage -> (H, W, 3) uint8 RGB, a copy."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.sizeInBytes())
    rows = rows.reshape(rgb.height(), rgb.bytesPerLine())
    return rows[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).copy()


def png_file(path: Path) -> tuple[np.ndarray, dict[str, str]]:
    """A PNG's pixels and text chunks."""
    with Image.open(path) as image:
        return np.asarray(image).copy(), dict(image.text)


def enter(qtbot, widget: QWidget, text: str) -> None:
    """Type into a field as a user does: select all, the keys, then Return."""
    widget.setFocus()
    edit = widget if isinstance(widget, QLineEdit) else widget.findChild(QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def answer_next_dialog(handle) -> list[str]:
    """Call `handle(dialog)` on the next modal dialog once it is up; returns its texts."""
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle())
        handle(dialog)

    QTimer.singleShot(0, poll)
    return seen


def wait_for_latest(qtbot, window: MainWindow) -> None:
    """Wait until the image of the newest request is the one shown."""

    def newest_shown() -> bool:
        result = window.result()
        return result is not None and result.request_id == window.latest_request_id()

    qtbot.waitUntil(newest_shown, timeout=TIMEOUT_MS)


def wait_for_gallery(qtbot, window: MainWindow) -> None:
    """Wait until the samples of the newest gallery request are shown."""
    qtbot.waitUntil(window.gallery_is_current, timeout=TIMEOUT_MS)


def open_gallery(qtbot, window: MainWindow) -> None:
    """View > Gallery, then wait for its samples."""
    if not window.gallery_visible():
        window.actions_.gallery.trigger()
    assert window.gallery_visible()
    wait_for_gallery(qtbot, window)


def gallery_pixels(window: MainWindow) -> list[np.ndarray]:
    return [qimage_to_grey(image) for image in window.gallery.canvas.images()]


@pytest.fixture
def make_window(qtbot) -> Callable[..., MainWindow]:
    """Factory: a shown MainWindow (closed by qtbot at the end) with its first image."""

    def make(**kwargs) -> MainWindow:
        window = MainWindow(**kwargs)
        # Closed at the end of the test without asking about unsaved changes (a test that
        # failed half-way would otherwise wait on the question for ever).
        qtbot.addWidget(window, before_close_func=lambda w: setattr(w.document, "asks", False))
        window.show()
        wait_for_latest(qtbot, window)
        return window

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()
