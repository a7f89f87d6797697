"""What the explorer draws (Qt-free): a checked Recipe, the digits typed, and which sample
of which seed, stored as text (settings) through the recipe's own codec.

A damaged or absurd stored value never raises: it becomes a note ("settings: Width
2,147,483,648 is out of range; use 28..100,000; using 124") and the field keeps its
value from before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core import (
    DIGIT_CHARS,
    FIELDS,
    MAX_ITEM,
    MAX_SEED,
    InputError,
    Recipe,
    from_text,
    parse_sequence,
    shown,
    to_text,
    whole_number,
)

# The explorer's first image: "2024" filling 124 px with gaps of 4 (spacing 0..10).
FIRST_RECIPE = Recipe(width=124, spacing=(0, 10), placement="fill")
MAX_SEQUENCE = 4096  # more digits than the widest image holds (100,000 px / 28)
# The explorer's names for what it shows: the field table's labels, and its own fields.
NAMES = {
    **{name: f.label.replace("&", "") for name, f in FIELDS.items()},
    "white_on_black": "White on black",
    "sequence": "Sequence",
    "seed": "Seed",
    "item": "Sample",
    "indices": "MNIST index",
}


@dataclass(frozen=True)
class Session:
    """A recipe (checked), the digits as typed, the seed, the sample number of the seed
    (item i of the data set Export writes), MNIST images picked by hand, and the digit
    source (None: the bundled MNIST test set)."""

    recipe: Recipe = FIRST_RECIPE
    sequence: str = "2024"
    seed: int = 0
    item: int = 0
    indices: tuple[int, ...] | None = None
    source: str | None = None

    def digits(self) -> tuple[int, ...]:
        """The digits; SequenceError if the text holds none."""
        return parse_sequence(self.sequence)

    def get(self, name: str) -> Any:
        return self.recipe.get(name) if name in FIELDS else getattr(self, name)

    def replace(self, **changes: Any) -> Session:
        """A copy with fields changed (recipe fields by their names, checked)."""
        recipe = {k: changes.pop(k) for k in list(changes) if k in FIELDS}
        if recipe:
            changes["recipe"] = self.recipe.replace(**recipe)
        return dataclasses.replace(self, **changes)


def index_name(session: Session, plural: bool = False) -> str:
    """How the explorer names an MNIST image's number: 'MNIST test index' for the bundled
    test set, 'index' for another source; from a pool, the pool it is in ('train pool
    \u00b7 index'), not the name of the source's own split, which would read as a leak."""
    word = "indices" if plural else "index"
    pool = session.recipe.pool
    if pool != "all":
        return f"{pool} pool \u00b7 {word}"
    return f"MNIST test {word}" if session.source is None else word


def worded(exc: InputError) -> str:
    """An error as the explorer says it: the field by its label, as a sentence."""
    value = exc.value
    numbers = isinstance(value, tuple) and len(value) == 2
    if numbers and all(isinstance(v, (int, float)) for v in value) and exc.field in FIELDS:
        unit = FIELDS[exc.field].unit
        text: str | None = f"{value[0]:g}..{value[1]:g}{unit}"
    else:
        text = None
    said = exc.words(NAMES, text)
    said = said[:1].upper() + said[1:]
    return said if said.endswith((".", "!", "?")) else said + "."


def to_stored(session: Session) -> dict[str, str]:
    """The session as text: the recipe's codec, and the session's own fields."""
    return {
        **to_text(session.recipe),
        "sequence": session.sequence,
        "seed": str(session.seed),
        "item": str(session.item),
        "indices": "" if session.indices is None else ",".join(map(str, session.indices)),
        "source": session.source or "",
    }


def _whole(name: str, text: str, high: int) -> int:
    if len(text) > 40 or not text.strip().isdigit():
        raise InputError(
            field=name, value=text, reason="is not a whole number", suggestion=f"use 0..{high:,}"
        )
    return whole_number(name, int(text), 0, high)


def _own(name: str, text: str) -> Any:
    if name == "sequence":
        if len(text) > MAX_SEQUENCE or not set(text) <= set(DIGIT_CHARS):
            raise InputError(field=name, value=text, reason="is not a sequence of digits 0-9")
        return text
    if name in ("seed", "item"):
        return _whole(name, text, MAX_SEED if name == "seed" else MAX_ITEM)
    if name == "indices":
        if not text:
            return None
        parts = text.split(",")
        if len(parts) > MAX_SEQUENCE:
            raise InputError(field=name, value=text, reason="lists too many images")
        return tuple(_whole(name, part, 2**32) for part in parts)
    return text or None  # source


def from_stored(
    values: Mapping[str, Any], base: Session = Session(), what: str = "settings"
) -> tuple[Session, tuple[str, ...]]:
    """A session from stored text (settings); a value that cannot be used keeps `base`'s
    and says so in a note."""
    text = {str(k): str(v) for k, v in values.items() if v is not None}
    recipe, problems = from_text(text, base.recipe)
    changes: dict[str, Any] = {}
    for name in ("sequence", "seed", "item", "indices", "source"):
        if name in text:
            try:
                changes[name] = _own(name, text[name])
            except InputError as exc:
                problems.append(exc)
    made = dataclasses.replace(base, recipe=recipe, **changes)
    notes = tuple(f"{what}: {worded(p)[:-1]}; using {_kept(made, p.field)}" for p in problems)
    return made, notes


def _kept(base: Session, name: str | None) -> str:
    if name is None:
        return "the previous value"
    value = base.get(name)
    if value is None:
        return FIELDS[name].none if name in FIELDS else "none"
    if isinstance(value, tuple):
        return f"{value[0]:g}..{value[1]:g}"
    return shown(value)
