"""SessionModel: the one object holding what the explorer draws (a thin QObject).

Widgets call `set(name, value)`; the rules live in gui/state (Qt-free). Every change,
whatever its origin, leaves through `changed`, so the panel, the preview, the gallery and
the title all follow the same session; `stored` also says what it was before and what
changed it (the undo history, gui/undo.py, records it; `restore` goes back).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from .state.edits import Problem, edit, problem, settle, width_range, without_variation
from .state.session import NAMES, Session

# What the model holds: the session and the width the user last asked for.
State = tuple[Session, int]


class SessionModel(QObject):
    """Holds the current Session and the width the user last asked for."""

    changed = Signal(object)  # the new Session
    noted = Signal(str)  # something the user should read (status bar)
    stored = Signal(object, object, str)  # State before, State after, what changed it

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

    def state(self) -> State:
        return self._session, self._wanted_width

    def widths(self) -> Sequence[int] | None:
        return width_range(self._session)

    def set(self, name: str, value: Any) -> None:
        """One user edit; linked fields follow (state/edits.py)."""
        result = edit(self._session, self._wanted_width, name, value)
        for note in result.notes:
            self.noted.emit(note)
        self._store(result.session, result.wanted_width, NAMES.get(name, name))

    def reset(self, session: Session, snap: bool = True, what: str = "Change") -> None:
        """Replace the whole session (an opened file, a gallery sample); `what` names
        the change (Undo's text)."""
        session = settle(session) if snap else session
        self._store(session, session.recipe.width or 0, what)

    def restore(self, state: State) -> None:
        """Go back (or forward) to a state `stored` reported; reported by `changed` only."""
        self._store(state[0], state[1], "")

    def clear_variation(self) -> None:
        self._store(without_variation(self._session), self._wanted_width, "No Variation")

    def recommit_seed(self) -> None:
        """The seed was entered again: the seed's own draws come back."""
        if self._session.indices is not None:
            self._store(self._session.replace(indices=None), self._wanted_width, "Seed")

    def _store(self, session: Session, wanted_width: int, what: str) -> None:
        before = self.state()
        self._wanted_width = wanted_width
        if session == self._session:
            return
        self._session = session
        self._problem = problem(session)
        if what:
            self.stored.emit(before, self.state(), what)
        self.changed.emit(session)
