"""Edit > Copy as Command: the export of the window's recipe as text to paste."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication

from ..core import MnistSeqError
from .state.jobs import copied_command
from .state.session import Session


def copy_command(session: Session, say: Callable[[str], None]) -> None:
    """Put the command line and its Python on the clipboard, or say why there is none."""
    try:
        text = copied_command(session)
    except MnistSeqError as exc:
        say(f"No command to copy: {exc}")
        return
    QGuiApplication.clipboard().setText(text)
    say("Copied the mnist-seq dataset command (first line) and the same export in Python")
