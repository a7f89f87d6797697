"""The explorer's settings: the last session, the view and the window, read defensively.

The session goes through its own text codec (gui/state/session.py), which is the
recipe's, so a damaged or absurd value (width=2147483648, zoom=10**30, seed=-1) becomes a
note in the status bar and the value from before, never an exception at every start.
Lists of paths are kept too: the recent files (gui/recent.py) and the digit sources the
user chose, from which a saved PNG's recipe may read without asking (gui/document.py).
"""

from __future__ import annotations

import os
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .desktop import APP_ID, ORGANIZATION
from .gallery import MAX_SAMPLES, MIN_SAMPLES
from .preview import FIT, ZOOM_STEPS
from .state.edits import settle
from .state.session import Session, from_stored, to_stored

_GROUP = "params"  # where the session's fields are stored (as in 0.2)


def settings_store() -> QSettings:
    """The explorer's settings (an INI file, so tests can redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_ID)


@dataclass
class ViewState:
    """How the window showed the session."""

    zoom: int = FIT
    gallery_count: int = 16
    gallery_shown: bool = False
    variation_shown: bool = False
    ink_boxes: bool = False
    save_dir: Path = field(default_factory=Path.home)
    geometry: QByteArray | None = None
    notes: tuple[str, ...] = ()


def _choice(
    settings: QSettings, key: str, allowed: Container[int], default: int, notes: list[str]
) -> int:
    raw = str(settings.value(key, default))
    value = int(raw) if len(raw) <= 20 and raw.strip().lstrip("-").isdigit() else None
    if value is None or value not in allowed:
        notes.append(
            f"settings: {key.split('/')[-1]} {raw[:40]!r} is not usable; using the default"
        )
        return default
    return value


def _flag(settings: QSettings, key: str) -> bool:
    return settings.value(key, False) in (True, "true", "1", 1)


def read_session() -> tuple[Session, ViewState]:
    """The last session and view, with a note for every value that could not be used."""
    settings = settings_store()
    settings.beginGroup(_GROUP)
    stored = {}
    for key in settings.childKeys():
        value = settings.value(key)  # a hand-edited "0,10" without quotes reads as a list
        stored[key] = ",".join(map(str, value)) if isinstance(value, list) else value
    settings.endGroup()
    session, session_notes = from_stored(stored)
    notes = list(session_notes)
    zoom = _choice(settings, "view/zoom", (FIT, *ZOOM_STEPS), FIT, notes)
    count = _choice(settings, "gallery/count", range(MIN_SAMPLES, MAX_SAMPLES + 1), 16, notes)
    folder = Path(str(settings.value("files/save_dir", str(Path.home()))))
    geometry = settings.value("window/geometry")
    view = ViewState(
        zoom=zoom,
        gallery_count=count,
        gallery_shown=_flag(settings, "gallery/shown"),
        variation_shown=_flag(settings, "view/variation_shown"),
        ink_boxes=_flag(settings, "view/ink_boxes"),
        save_dir=folder if folder.is_dir() else Path.home(),
        geometry=geometry if isinstance(geometry, QByteArray) else None,
        notes=tuple(notes),
    )
    return settle(session), view


def write_session(session: Session, view: ViewState) -> None:
    settings = settings_store()
    settings.remove(_GROUP)  # older keys (min_spacing, ...) go with the values they held
    for name, value in to_stored(session).items():
        settings.setValue(f"{_GROUP}/{name}", value)
    settings.setValue("view/zoom", view.zoom)
    settings.setValue("gallery/count", view.gallery_count)
    settings.setValue("gallery/shown", view.gallery_shown)
    settings.setValue("view/variation_shown", view.variation_shown)
    settings.setValue("view/ink_boxes", view.ink_boxes)
    settings.setValue("files/save_dir", str(view.save_dir))
    if view.geometry is not None:
        settings.setValue("window/geometry", view.geometry)
    settings.sync()


RECENT_KEY, RECENT_COUNT = "files/recent", 10
SOURCES_KEY, SOURCES_COUNT = "sources/chosen", 100


def _same(path: str) -> str:
    """A path as compared: absolute, ~ expanded, links resolved."""
    return os.path.realpath(os.path.expanduser(path))


def remembered(key: str) -> list[str]:
    """The paths stored under `key`, newest first (a damaged value reads as none)."""
    value = settings_store().value(key, [])
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v and "\0" not in v]


def store_paths(key: str, paths: list[str]) -> None:
    """Replace the list of paths under `key`."""
    settings = settings_store()
    settings.setValue(key, paths)
    settings.sync()


def remember(key: str, path: str | Path, count: int) -> None:
    """Put `path` first in the list under `key`, which keeps `count` paths."""
    path = _same(str(path))
    store_paths(key, [path, *(p for p in remembered(key) if _same(p) != path)][:count])


def remember_source(source: str) -> None:
    remember(SOURCES_KEY, source, SOURCES_COUNT)


def is_chosen_source(source: str) -> bool:
    """The user chose this digit source, or the folder it is in (with the source chooser,
    or by confirming it)."""
    path = Path(_same(source))
    return any(path.is_relative_to(_same(p)) for p in remembered(SOURCES_KEY))
