"""The explorer's entry point: `mnist-seq-gui` and `python -m mnist_seq_gui`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCommandLineParser
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__
from .main_window import APPLICATION, ORGANIZATION, MainWindow

ICON_NAME = "mnist-seq"


def icon_path() -> Path | None:
    """The SVG icon: in resources/ of a checkout, or beside this module if packaged there."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / f"{ICON_NAME}.svg",
        here.parent.parent / "resources" / f"{ICON_NAME}.svg",
    ):
        if candidate.is_file():
            return candidate
    return None


def app_icon() -> QIcon:
    path = icon_path()
    if path is not None:
        return QIcon(str(path))
    return QIcon.fromTheme(ICON_NAME)  # installed with the .desktop file


def build_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings and the desktop use."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(sys.argv if argv is None else argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("mnist-seq explorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APPLICATION)  # matches resources/mnist-seq-gui.desktop
    app.setWindowIcon(app_icon())
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Open the explorer with the last session's parameters (or "2024") already drawn."""
    app = build_application(argv)
    parser = QCommandLineParser()
    parser.setApplicationDescription(
        "Preview, reroll and save images of handwritten digit sequences made from MNIST."
    )
    parser.addHelpOption()
    parser.addVersionOption()
    parser.addPositionalArgument("file", "a PNG saved by mnist-seq to open", "[file]")
    parser.process(app)  # --help / --version print and exit here
    window = MainWindow()
    window.show()
    files = parser.positionalArguments()
    if files:
        window.open_file(files[0])
    return app.exec()
