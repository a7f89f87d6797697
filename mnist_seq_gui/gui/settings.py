"""The explorer's settings: the last recipe, the view and the window, read defensively.

The recipe goes through `recipe.from_mapping`, the same check an opened file gets, so
a damaged or absurd value (width=2147483648, zoom=10**30, seed=-1) becomes a note in
the status bar and the default, never an exception at every start.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .edits import settle
from .gallery import MAX_SAMPLES, MIN_SAMPLES
from .image_view import FIT, ZOOM_STEPS
from .recipe import DEFAULT, FIELDS, Recipe
from .stored import from_mapping, to_mapping

ORGANIZATION = "mnist-seq"
APPLICATION = "mnist-seq-gui"


def settings_store() -> QSettings:
    """The explorer's settings (an INI file, so tests can redirect it with QSettings.setPath)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


@dataclass
class Session:
    """Everything restored at start."""

    recipe: Recipe
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
    raw = settings.value(key, default)
    try:
        value = int(str(raw).strip()) if len(str(raw)) <= 20 else None
    except ValueError:
        value = None
    if value is None or value not in allowed:
        name = key.split("/")[-1]
        notes.append(f"settings: {name} {str(raw)[:40]!r} is not usable; using the default")
        return default
    return value


def _flag(settings: QSettings, key: str) -> bool:
    return settings.value(key, False) in (True, "true", "1", 1)


def read_session() -> Session:
    """The last session, with a note for every value that could not be used."""
    settings = settings_store()
    values = {}
    for name in FIELDS:
        raw = settings.value(f"params/{name}")
        if raw is not None:
            values[name] = raw
    recipe, recipe_notes = from_mapping(values, DEFAULT, "settings")
    notes = list(recipe_notes)
    zoom = _choice(settings, "view/zoom", (FIT, *ZOOM_STEPS), FIT, notes)
    count = _choice(settings, "gallery/count", range(MIN_SAMPLES, MAX_SAMPLES + 1), 16, notes)
    folder = Path(str(settings.value("files/save_dir", str(Path.home()))))
    geometry = settings.value("window/geometry")
    return Session(
        recipe=settle(recipe),
        zoom=zoom,
        gallery_count=count,
        gallery_shown=_flag(settings, "gallery/shown"),
        variation_shown=_flag(settings, "view/variation_shown"),
        ink_boxes=_flag(settings, "view/ink_boxes"),
        save_dir=folder if folder.is_dir() else Path.home(),
        geometry=geometry if isinstance(geometry, QByteArray) else None,
        notes=tuple(notes),
    )


def write_session(session: Session) -> None:
    settings = settings_store()
    for name, value in to_mapping(session.recipe).items():
        settings.setValue(f"params/{name}", value)
    settings.setValue("view/zoom", session.zoom)
    settings.setValue("gallery/count", session.gallery_count)
    settings.setValue("gallery/shown", session.gallery_shown)
    settings.setValue("view/variation_shown", session.variation_shown)
    settings.setValue("view/ink_boxes", session.ink_boxes)
    settings.setValue("files/save_dir", str(session.save_dir))
    if session.geometry is not None:
        settings.setValue("window/geometry", session.geometry)
    settings.sync()
