"""SessionModel: the one object holding what the explorer draws (a thin QObject).

Widgets call `set(name, value)`; the rules live in gui/state (Qt-free). Every change,
whatever its origin, leaves through `changed`, so the panel, the preview, the gallery and
the title all follow the same session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from .state.edits import Problem, edit, problem, settle, width_range, without_variation
from .state.session import Session


class SessionModel(QObject):
    """Holds the current Session and the width the user last asked for."""

    changed = Signal(object)  # the new Session
    noted = Signal(str)  # something the user should read (status bar)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._wanted_width = session.recipe.width or 0
        self._problem: Problem | None = problem(session)

    def session(self) -> Session:
        return self._session

    def problem(self) -> Problem | None:
        """Why the session gives no image (with offers), or None."""
        return self._problem

    def widths(self) -> Sequence[int] | None:
        return width_range(self._session)

    def set(self, name: str, value: Any) -> None:
        """One user edit; linked fields follow (state/edits.py)."""
        result = edit(self._session, self._wanted_width, name, value)
        self._wanted_width = result.wanted_width
        for note in result.notes:
            self.noted.emit(note)
        self._store(result.session)

    def reset(self, session: Session, snap: bool = True) -> None:
        """Replace the whole session (an opened file, a gallery sample)."""
        session = settle(session) if snap else session
        self._wanted_width = session.recipe.width or 0
        self._store(session)

    def clear_variation(self) -> None:
        self._store(without_variation(self._session))

    def recommit_seed(self) -> None:
        """The seed was entered again: the seed's own draws come back."""
        if self._session.indices is not None:
            self._store(self._session.replace(indices=None))

    def _store(self, session: Session) -> None:
        if session == self._session:
            return
        self._session = session
        self._problem = problem(session)
        self.changed.emit(session)
