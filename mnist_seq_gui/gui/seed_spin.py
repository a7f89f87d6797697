"""A spin box for 64-bit seeds: QSpinBox stops at 2**31-1, the core's seeds go to 2**63-1."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from ..core import MAX_SEED

_DIGITS = frozenset("0123456789")


class SeedSpin(QAbstractSpinBox):
    """Whole numbers 0..MAX_SEED; `valueChanged` fires when a new value is committed."""

    valueChanged = Signal(object)  # a Python int: Signal(int) would truncate to 32 bits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self.lineEdit().setText("0")
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.editingFinished.connect(self._commit_text)

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        value = min(max(int(value), 0), MAX_SEED)
        if self.lineEdit().text() != str(value):
            self.lineEdit().setText(str(value))
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)

    def _commit_text(self) -> None:
        text = self.lineEdit().text().strip()
        if text and set(text) <= _DIGITS and int(text) <= MAX_SEED:
            self.setValue(int(text))
        else:
            self.lineEdit().setText(str(self._value))

    def validate(self, text: str, pos: int) -> QValidator.State:
        text = text.strip()
        if not text:
            return QValidator.State.Intermediate
        if not set(text) <= _DIGITS or int(text) > MAX_SEED:
            return QValidator.State.Invalid
        return QValidator.State.Acceptable

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
        if self._value < MAX_SEED:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        # Room for a full 19-digit seed.
        return QSize(self.fontMetrics().horizontalAdvance("9" * 20) + 32, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
