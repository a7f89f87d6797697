"""The explorer's entry point: `mnist-seq-gui` and `python -m mnist_seq_gui`.

Everything that can be checked before Qt starts is checked here, so a missing
PySide6, a missing display or a missing X library gives one line on stderr and exit
status 2 instead of a traceback or Qt's abort (exit 134). Qt is imported only after
these checks; `--help`, `--version` and `--install-desktop` never need a display.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__
from ..stops import Waker, exit_status
from .desktop import APP_ID, ICON_NAME, ORGANIZATION, icon_path, install_desktop

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

# Qt platforms that need no window system.
_HEADLESS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description="Preview, reroll and save images of handwritten digit sequences "
        "made from MNIST.",
    )
    parser.add_argument("file", nargs="?", help="a PNG saved by mnist-seq to open")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add the explorer to your desktop's menus (a .desktop file and icon under "
        "$XDG_DATA_HOME, by default ~/.local/share) and exit",
    )
    return parser


def qt_problem() -> str | None:
    """Why PySide6 cannot be used here, or None."""
    if importlib.util.find_spec("PySide6") is None:
        return (
            "PySide6 is not installed; the explorer needs it: pip install 'PySide6-Essentials>=6.5'"
        )
    return None


def _xcb_problem(display: str) -> str | None:
    """Connect to the X server the way Qt's xcb plugin will, without Qt's abort."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return "the X client library libxcb is missing (Debian/Ubuntu: apt-get install libxcb1)"
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    failed = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if failed:
        return (
            f"cannot connect to the X display {display!r} (DISPLAY); "
            "check that the X server runs and that you may use it"
        )
    try:
        ctypes.CDLL("libxcb-cursor.so.0")
    except OSError:
        return "Qt needs libxcb-cursor0 for X11 (Debian/Ubuntu: apt-get install libxcb-cursor0)"
    return None


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why Qt would find no window system to show the window on, or None."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if platform in _HEADLESS:
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not display and not wayland:
        return (
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set; start it from a desktop "
            "session, under xvfb-run, or with QT_QPA_PLATFORM=offscreen"
        )
    if platform == "xcb" or (not platform and not wayland):
        if not display:
            return "QT_QPA_PLATFORM=xcb needs an X display, but DISPLAY is not set"
        return _xcb_problem(display)
    return None


def build_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings and the desktop use."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(sys.argv if argv is None else argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("mnist-seq explorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # matches the installed .desktop file
    path = icon_path()
    app.setWindowIcon(QIcon(str(path)) if path else QIcon.fromTheme(ICON_NAME))
    return app


def run(argv: Sequence[str], file: str | None) -> int:
    """Show the window (and open `file`); the threads are joined on every way out.

    Ctrl+C and SIGTERM are caught from the start, while Qt, numpy and the window load
    (stops.Waker: the stop's number waits in a socket Qt watches); one closes the window
    as its close button does (the session saved, an export cancelled and joined, every
    thread joined), and the process exits with 130 or 143."""
    waker = Waker()
    try:
        from PySide6.QtCore import QSocketNotifier, Qt

        from .main_window import MainWindow
        from .memory import freeze_start_up_objects

        app = build_application(argv)
        window = MainWindow()

        def woken() -> None:
            if waker.received is None and waker.read() is not None:
                window.document.asks = False  # a stop is never refused, nor asked about
                window.close()  # it saves the session and joins every thread
                app.quit()

        notifier = QSocketNotifier(waker.fileno(), QSocketNotifier.Type.Read, window)
        notifier.activated.connect(woken)
        try:
            window.show()
            if file:
                window.open_file(file)
            # After the first image: a full collection now would only delay it.
            window.imageShown.connect(
                freeze_start_up_objects, Qt.ConnectionType.SingleShotConnection
            )
            status = app.exec()
            return status if waker.received is None else exit_status(waker.received)
        finally:
            # Also after an exception: Qt aborts the process if a running QThread is destroyed.
            window.document.asks = False
            window.close()
            notifier.setEnabled(False)  # before the waker's socket closes
    finally:
        waker.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Open the explorer with the last session's recipe (or "2024") already drawn."""
    argv = list(sys.argv if argv is None else argv)
    args = _parser().parse_args(argv[1:])
    if args.install_desktop:
        from ..core import MnistSeqError

        try:
            written = install_desktop()
        except (OSError, MnistSeqError) as exc:
            print(f"{APP_ID}: error: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(f"wrote {path}")
        return 0
    problem = qt_problem() or display_problem()
    if problem:
        print(f"{APP_ID}: error: {problem}", file=sys.stderr)
        return 2
    from .memory import tune_malloc

    tune_malloc()  # flat memory, and freed memory reused, over a long session (memory.py)
    return run(argv, args.file)
