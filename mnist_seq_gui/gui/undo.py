"""Undo and redo of every session change, whatever made it (a QUndoStack).

The model reports each change with the state before and after (`SessionModel.stored`);
each becomes one step, which restores the exact session, so the same pixels are drawn
again. A gesture is one step too: the changes of one field made while a slider is held
down, or the digits typed until Return or leaving the field, merge into one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QAbstractSlider, QLineEdit, QWidget

from .model import SessionModel, State
from .state.session import NAMES

_TYPED = NAMES["sequence"]  # the field typed into key by key (spin boxes apply on Return)
UNDO_LIMIT = 1000  # steps kept (each holds two sessions, shared with its neighbours)
_MERGES = 1  # QUndoCommand.id() of steps that may merge (any id but -1)


class Step(QUndoCommand):
    """One change: going back restores `before`, going forward `after`."""

    def __init__(
        self, model: SessionModel, before: State, after: State, what: str, gesture: int | None
    ) -> None:
        super().__init__(what)
        self.model, self.before, self.after, self.gesture = model, before, after, gesture
        self._done = True  # pushed after the model changed: the first redo has nothing to do

    def id(self) -> int:
        return -1 if self.gesture is None else _MERGES

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, Step) or other.gesture != self.gesture:
            return False
        if other.text() != self.text():
            return False
        self.after = other.after
        self.setObsolete(self.after[0] == self.before[0])  # back where it started: no step
        return True

    def undo(self) -> None:
        self.model.restore(self.before)

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.model.restore(self.after)


class History(QObject):
    """The undo stack of a model; `panel` holds the sliders and text fields whose
    gestures make one step each."""

    def __init__(self, model: SessionModel, panel: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        self._sliders = panel.findChildren(QAbstractSlider)
        self._gesture = 0  # a new number for each gesture
        for slider in self._sliders:
            slider.sliderPressed.connect(self.seal)
            slider.sliderReleased.connect(self.seal)
        for field in panel.findChildren(QLineEdit):
            field.editingFinished.connect(self.seal)
        model.stored.connect(self._record)

    def seal(self) -> None:
        """The gesture under way ends: the next change is a step of its own."""
        self._gesture += 1

    def _record(self, before: State, after: State, what: str) -> None:
        dragged = any(slider.isSliderDown() for slider in self._sliders)
        gesture = self._gesture if dragged or what == _TYPED else None
        self.stack.push(Step(self.model, before, after, what, gesture))

    def bind(self, undo: QAction, redo: QAction) -> None:
        """Keep the Undo and Redo actions enabled and named after the step they take."""

        for action, verb, can, named in (
            (undo, "&Undo", self.stack.canUndoChanged, self.stack.undoTextChanged),
            (redo, "&Redo", self.stack.canRedoChanged, self.stack.redoTextChanged),
        ):
            action.setEnabled(False)
            can.connect(action.setEnabled)
            named.connect(lambda text, a=action, v=verb: a.setText(f"{v} {text}".strip()))

    def undo(self) -> None:
        self.seal()
        self.stack.undo()

    def redo(self) -> None:
        self.seal()
        self.stack.redo()
