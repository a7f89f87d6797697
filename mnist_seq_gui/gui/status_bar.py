"""The status bar: the explorer's messages in an eliding label (superqt), which ends a
long message in an ellipsis before the permanent labels and shows it whole as a tooltip
(QStatusBar would cut it off in the middle of a letter)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget
from superqt import QElidingLabel


class StatusBar(QStatusBar):
    """`say(text, ms)` shows a message (for `ms` milliseconds; 0: until the next);
    `add_label` adds a permanent label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.message = QElidingLabel()
        self.message.setObjectName("statusMessage")
        self.addWidget(self.message, 1)
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.say(""))

    def say(self, text: str, ms: int = 0) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self._clear.stop()
        if text and ms:
            self._clear.start(ms)

    def text(self) -> str:
        return self.message.text()

    def add_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        self.addPermanentWidget(label)
        return label
