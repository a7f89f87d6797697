"""Let the window's shortcuts through text fields that would otherwise swallow them.

A focused QLineEdit claims some keys before shortcuts see them: on Linux Ctrl+E is
its "end of line", and Ctrl+C is "copy" even with nothing selected. This filter declines
the field's claim for keys bound to an enabled window action, except Copy while the
field has selected text (then copying that text is what the user means).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget


class ShortcutPassthrough(QObject):
    """An event filter for line edits; `copy_action` yields to a text selection."""

    def __init__(
        self, actions: Iterable[QAction], copy_action: QAction, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._actions = list(actions)
        self._copy = copy_action

    def watch(self, fields: Iterable[QWidget]) -> None:
        """Line edits and spin boxes (a spin box passes the event to its line edit
        directly, past any filter on that line edit)."""
        for field in fields:
            field.installEventFilter(self)

    def _action_for(self, event: QKeyEvent) -> QAction | None:
        pressed = QKeySequence(event.keyCombination())
        for action in self._actions:
            if action.isEnabled() and any(
                pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch
                for key in action.shortcuts()
            ):
                return action
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            action = self._action_for(event)
            if action is None:
                return False
            edit = watched.lineEdit() if isinstance(watched, QAbstractSpinBox) else watched
            copies_text = isinstance(edit, QLineEdit) and edit.hasSelectedText()
            if action is self._copy and copies_text:
                return False
            event.ignore()  # not overridden: the shortcut fires
            return True
        return False
