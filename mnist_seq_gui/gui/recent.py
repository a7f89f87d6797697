"""File > Open Recent: the last 10 files opened or saved, newest first, kept in the
settings; a file that is gone is pruned from the list when the menu opens.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from .settings import RECENT_COUNT, RECENT_KEY, remember, remembered, store_paths

if TYPE_CHECKING:
    from .document import Document


class RecentMenu(QObject):
    """File > Open Recent, after the Open action; lists the files `document` opens or
    saves, and opens them with it."""

    def __init__(self, open_action: QAction, document: Document, parent: QObject) -> None:
        super().__init__(parent)
        self._open_file = document.open_file
        document.attached.connect(self.add)
        file_menu = next(m for m in open_action.associatedObjects() if isinstance(m, QMenu))
        self.menu = QMenu("Open &Recent", file_menu)
        self.menu.setObjectName("recentFilesMenu")
        self.menu.setStatusTip("Open one of the last files opened or saved")
        actions = file_menu.actions()
        file_menu.insertMenu(actions[actions.index(open_action) + 1], self.menu)
        self.menu.aboutToShow.connect(self.fill)
        self.fill()

    def add(self, path: Path) -> None:
        """A file was opened or saved: it comes first."""
        remember(RECENT_KEY, path, RECENT_COUNT)
        self.fill()

    def fill(self) -> None:
        """The menu's entries: the remembered files that still exist."""
        files = remembered(RECENT_KEY)
        kept = [path for path in files if os.path.isfile(path)]
        if kept != files:
            store_paths(RECENT_KEY, kept)
        self.menu.clear()
        for number, path in enumerate(kept, 1):
            key = f"&{number}" if number < 10 else "1&0"
            action = self.menu.addAction(f"{key} {Path(path).name.replace('&', '&&')}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setData(path)
            action.triggered.connect(lambda _c=False, p=path: self._open_file(p, True))
        self.menu.addSeparator()
        clear = self.menu.addAction("&Clear Menu")
        clear.setObjectName("clearRecentAction")
        clear.setStatusTip("Forget the files listed here (the files themselves stay)")
        clear.triggered.connect(self.clear)
        self.menu.setEnabled(bool(kept))

    def clear(self) -> None:
        store_paths(RECENT_KEY, [])
        self.fill()
