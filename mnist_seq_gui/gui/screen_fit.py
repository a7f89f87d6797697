"""The window on the screen it opens on: it and its frame (title bar, borders) fit the
screen's available area, the first time and with a geometry saved on another screen.

A window manager says how large its frame is only once the window is shown, so the
window is first sized for a frame as large as FRAME_GUESS, then, once shown, moved and
shrunk if its real frame still reaches past the screen's edge.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMargins, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QWidget

FRAME_GUESS = QMargins(8, 32, 8, 8)  # larger than the frames of common window managers
_RECHECK_MS = (0, 250, 1000)  # after showing: at once, and once the frame has come


def inside(client: QRect, margins: QMargins, available: QRect) -> QRect:
    """`client` (its frame `margins` around it) moved and shrunk until the frame lies
    within `available`."""
    room = available.marginsRemoved(margins)
    size = client.size().boundedTo(room.size())
    x = min(max(client.x(), room.left()), room.right() + 1 - size.width())
    y = min(max(client.y(), room.top()), room.bottom() + 1 - size.height())
    return QRect(x, y, size.width(), size.height())


def first_place(available: QRect, preferred: QSize, margins: QMargins = FRAME_GUESS) -> QRect:
    """Where the first window goes: `preferred` within the screen with a frame, centred."""
    room = available.marginsRemoved(margins)
    size = preferred.boundedTo(room.size())
    x = room.x() + (room.width() - size.width()) // 2
    y = room.y() + (room.height() - size.height()) // 2
    return QRect(x, y, size.width(), size.height())


def _margins(window: QWidget) -> QMargins:
    """The frame's margins if the window system has said them, else FRAME_GUESS."""
    frame, client = window.frameGeometry(), window.geometry()
    if frame == client:
        return FRAME_GUESS
    return QMargins(
        client.left() - frame.left(),
        client.top() - frame.top(),
        frame.right() - client.right(),
        frame.bottom() - client.bottom(),
    )


def place(window: QWidget, saved: QByteArray | None, preferred: tuple[int, int]) -> None:
    """Size and place a window before it is shown: its saved geometry brought onto the
    current screen, or (none saved) the preferred size, the frame included, fitted."""
    available = window.screen().availableGeometry()
    if saved is not None and window.restoreGeometry(saved):
        if not window.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            window.setGeometry(inside(window.geometry(), _margins(window), available))
        return
    window.setGeometry(first_place(available, QSize(*preferred)))


def keep_on_screen(window: QWidget) -> None:
    """Once shown: move and shrink the window if its real frame reaches off the screen."""

    def check() -> None:
        if not window.isVisible() or window.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            return
        available = window.screen().availableGeometry()
        if available.contains(window.frameGeometry()):
            return
        window.setGeometry(inside(window.geometry(), _margins(window), available))

    for ms in _RECHECK_MS:
        QTimer.singleShot(ms, window, check)
