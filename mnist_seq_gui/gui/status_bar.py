"""A status bar whose messages end in an ellipsis before the permanent labels.

QStatusBar cuts a long message off in the middle of a letter right at the first
permanent widget, so "...some more" ran into "1234 x 28 px". Here the message is
elided with a gap before those labels, and its full text is the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QStyle, QStyleOption, QToolTip, QWidget

GAP = 16  # logical pixels between the message and the permanent labels


class StatusBar(QStatusBar):
    """QStatusBar with elided messages; `add_label` adds a permanent label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._permanent: list[QLabel] = []
        self.messageChanged.connect(lambda _text: self.update())

    def add_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        self.addPermanentWidget(label)
        self._permanent.append(label)
        return label

    def message_rect(self) -> QRect:
        """Where the message is drawn: up to GAP pixels before the first visible label."""
        right = self.width() - 12
        for widget in self._permanent:
            if widget.isVisible() and widget.width() > 0 and widget.text():
                right = min(right, widget.x() - GAP)
        return QRect(6, 0, max(0, right - 6), self.height())

    def shown_message(self) -> str:
        """The message as drawn (elided if it does not fit)."""
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, self.message_rect().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        message = self.currentMessage()
        for widget in self._permanent:
            if widget.isVisible():
                option.rect = widget.geometry().adjusted(-1, -1, 1, 1)
                self.style().drawPrimitive(
                    QStyle.PrimitiveElement.PE_FrameStatusBarItem, option, painter, widget
                )
        if message:
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                self.message_rect(),
                Qt.AlignmentFlag.AlignLeading
                | Qt.AlignmentFlag.AlignVCenter
                | Qt.TextFlag.TextSingleLine,
                self.shown_message(),
            )
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            message = self.currentMessage()
            inside = self.message_rect().contains(event.pos())
            if message and inside and self.shown_message() != message:
                QToolTip.showText(event.globalPos(), message, self)
                return True
        return super().event(event)
