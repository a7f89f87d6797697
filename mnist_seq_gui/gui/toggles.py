"""A check box for a checkable window action: on or off at a glance, even when off (a
flat tool button showing only the action's text reads as a label)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox


def action_check_box(action: QAction, name: str) -> QCheckBox:
    """A check box that follows `action` and sets it (its text without the mnemonic: the
    action's shortcut and menu keep theirs)."""
    box = QCheckBox(action.text().replace("&", ""))
    box.setObjectName(name)
    box.setChecked(action.isChecked())
    shortcut = action.shortcut().toString()
    box.setToolTip(action.toolTip() + (f" ({shortcut})" if shortcut else ""))
    box.setStatusTip(action.statusTip())
    box.toggled.connect(action.setChecked)
    action.toggled.connect(box.setChecked)
    action.enabledChanged.connect(box.setEnabled)
    return box
