"""A spin box for 64-bit numbers: QSpinBox stops at 2**31-1, the core's seeds go to 2**63-1."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QSizePolicy, QWidget

from ..core import MAX_SEED

_DIGITS = frozenset("0123456789")


class SeedSpin(QAbstractSpinBox):
    """Whole numbers 0..maximum; `valueChanged` fires when a new value is committed,
    `committed` whenever the user enters a value (also the same one again)."""

    valueChanged = Signal(object)  # a Python int: Signal(int) would truncate to 32 bits
    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None, maximum: int = MAX_SEED) -> None:
        super().__init__(parent)
        self._value = 0
        self._maximum = maximum
        self._typed = False  # the user edited the text since the last commit
        self.lineEdit().setText("0")
        # Not QLineEdit.isModified(): the spin box clears it on Return.
        self.lineEdit().textEdited.connect(lambda _text: setattr(self, "_typed", True))
        self.setAccelerated(True)
        # May shrink below the width of a 19-digit number on small screens (it scrolls).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.editingFinished.connect(self._commit_text)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        value = min(max(int(value), 0), self._maximum)
        if self.lineEdit().text() != str(value):
            self.lineEdit().setText(str(value))
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)

    def _commit_text(self) -> None:
        text = self.lineEdit().text().strip()
        typed, self._typed = self._typed, False
        if text and set(text) <= _DIGITS and len(text) <= 20 and int(text) <= self._maximum:
            self.setValue(int(text))
            if typed:
                self.committed.emit(self._value)
        else:
            self.lineEdit().setText(str(self._value))

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        if not stripped:
            return QValidator.State.Intermediate, text, pos
        if not set(stripped) <= _DIGITS or len(stripped) > 20 or int(stripped) > self._maximum:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos

    def fixup(self, text: str) -> str:
        return str(self._value)

    def stepBy(self, steps: int) -> None:
        self._commit_text()
        self.setValue(self._value + steps)
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value > 0:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self._value < self._maximum:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        digits = len(str(self._maximum)) + 1  # room for the largest number
        return QSize(self.fontMetrics().horizontalAdvance("9" * digits) + 32, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("9" * 8) + 32, hint.height())
