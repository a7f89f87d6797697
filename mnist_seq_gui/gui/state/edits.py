"""The rules that tie fields together when the user edits one, and why a session gives no
image (Qt-free). Every edit leaves a checked session: a value that cannot be used is
refused with a note, and the controls show the session again.

- sequence: only the digits 0-9 stay; a new length keeps the gap (the width follows);
  MNIST images picked by hand belong to the old digits and go.
- spacing and every other range: the end the user did not move follows the one they did.
- spacing: the width returns to the valid width nearest the one the user asked for (so
  a narrow range on the way does not lose it); rule: the width stays inside its range.
- width: taken as typed; a width the digits cannot fill is explained, never reverted; a
  width moved by a spacing, rule or placement is explained with a way back (width_moved).
- height: the jitter follows into the new canvas; jitter: its top is kept inside it.
- seed, pool, source: new draws, so picked images go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...core import (
    DIGIT_CHARS,
    DIGIT_SIZE,
    FIELDS,
    MAX_ITEM,
    MAX_SEED,
    MAX_WIDTH,
    VARIATION_FIELDS,
    InputError,
    MnistSeqError,
    free_width,
    nearest_valid_widths,
    resolve,
    valid_widths,
    whole_number,
)
from .session import NAMES, Session, worded

# The largest image the explorer draws: the largest plain one (28 x 100,000 px). A taller
# canvas needs a narrower width.
MAX_IMAGE_PIXELS = DIGIT_SIZE * MAX_WIDTH


@dataclass(frozen=True)
class Edit:
    """The outcome of one edit: the new session, the width the user asked for, notes."""

    session: Session
    wanted_width: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Why a session gives no image: the field to change, a sentence, one-click offers."""

    field: str | None
    message: str
    widths: tuple[int, ...] = ()  # nearest valid widths to offer
    random_fits: bool = False  # the random rule would take this width


@dataclass(frozen=True)
class WidthNotice:
    """A width the rules moved from the one the user asked for: why, and a way back (the
    session with the asked-for width, and the offer's words), if one exists."""

    message: str
    width: int  # the width the rules chose
    offer: str = ""
    back: Session | None = None


def width_range(session: Session) -> Sequence[int] | None:
    """The widths the digits can use under the session's spacing, rule and placement."""
    n = len(session.sequence)
    if n == 0:
        return None
    recipe = session.recipe
    lo, hi = recipe.spacing
    if recipe.placement != "free":
        widths = valid_widths(n, lo, hi, recipe.rule)
        if len(widths) or recipe.placement == "fill":
            return widths if len(widths) else None
    first = free_width(n, hi)
    return range(first, MAX_WIDTH + 1) if first <= MAX_WIDTH else None


def _nearest(width: int, widths: Sequence[int]) -> int:
    return min(nearest_valid_widths(width, widths), key=lambda w: (abs(w - width), w))


def edit(session: Session, wanted_width: int, name: str, value: Any) -> Edit:
    """Apply one edit with the rules of the module docstring."""
    try:
        return _edit(session, wanted_width, name, value)
    except InputError as exc:
        return Edit(session, wanted_width, (worded(exc),))


def _edit(session: Session, wanted: int, name: str, value: Any) -> Edit:
    if name == "sequence":
        return _sequence(session, wanted, str(value))
    if name == "width":
        return Edit(session.replace(width=int(value)), int(value))
    if name in ("seed", "item"):
        value = whole_number(name, value, 0, MAX_SEED if name == "seed" else MAX_ITEM)
    if name in ("seed", "pool", "source"):
        return Edit(session.replace(**{name: value}, indices=None), wanted)
    notes: tuple[str, ...] = ()
    if name in FIELDS and FIELDS[name].is_range and value is not None:
        value, notes = _follow(name, session.get(name), _pair(name, value))
    if name == "height":
        value, jitter = int(value), session.get("jitter_y")
        kept = _jitter_within(jitter, value)
        if kept is not None and kept != jitter:
            notes = (f"Jitter: now {kept[0]}..{kept[1]} px, to stay inside the {value} px height",)
        new = session.replace(height=value, jitter_y=kept)
    elif name == "jitter_y" and value is not None:
        room = session.get("height") - DIGIT_SIZE
        if value[1] > room:
            value = (min(value[0], room), room)
            notes += (
                f"Jitter: the top end lowered to {room} to stay inside the "
                f"{room + DIGIT_SIZE} px height",
            )
        new = session.replace(jitter_y=value)
    else:
        new = session.replace(**{name: value})
    if name in ("spacing", "rule", "placement"):
        widths = width_range(new)
        if widths is not None:
            new = new.replace(width=_nearest(wanted, widths))
    return Edit(new, wanted, notes)


def _sequence(session: Session, wanted: int, text: str) -> Edit:
    cleaned = "".join(ch for ch in text if ch in DIGIT_CHARS)
    notes: tuple[str, ...] = ()
    if cleaned != text:
        removed = dict.fromkeys(
            "spaces" if ch == " " else repr(ch) for ch in text if ch not in DIGIT_CHARS
        )
        notes = (f"Sequence: removed {', '.join(removed)}: the sequence takes only digits 0-9",)
    if cleaned == session.sequence:
        return Edit(session, wanted, notes)
    new = session.replace(sequence=cleaned, indices=None)
    previous, n = len(session.sequence), len(cleaned)
    widths = width_range(new)
    if n and n != previous and widths is not None:
        lo, hi = session.recipe.spacing
        gap = (
            round((wanted - DIGIT_SIZE * previous) / (previous - 1))
            if previous > 1
            else round((lo + hi) / 2)
        )
        wanted = _nearest(DIGIT_SIZE * n + min(max(gap, lo), hi) * max(n - 1, 0), widths)
        new = new.replace(width=wanted)
    return Edit(new, wanted, notes)


def _pair(name: str, value: Any) -> tuple[Any, Any]:
    """A range's two ends checked by the field (in either order: one follows the other)."""
    entry = FIELDS[name]
    if entry.one and not isinstance(value, (tuple, list)):
        return entry.check(value)  # one value: both ends
    try:
        ordered = tuple(sorted(value))
    except TypeError:
        ordered = ()
    if len(ordered) != 2:
        raise entry.refuse(value, "is not a range", "give its low and high ends")
    low, high = entry.check(ordered)
    return (low, high) if ordered == tuple(value) else (high, low)


def _follow(
    name: str, old: tuple[Any, Any] | None, new: tuple[Any, Any]
) -> tuple[Any, tuple[str, ...]]:
    """(low, high) with the end the user did not move following the one they did."""
    lo, hi = new
    if lo <= hi:
        return (lo, hi), ()
    label = NAMES[name]
    if old is None or lo != old[0]:  # the low end moved up past the high end
        return (lo, lo), (f"{label}: the top end raised to {lo:g} to stay above the bottom",)
    return (hi, hi), (f"{label}: the bottom end lowered to {hi:g} to stay below the top",)


def _jitter_within(jitter: tuple[int, int] | None, height: int) -> tuple[int, int] | None:
    room = height - DIGIT_SIZE
    if jitter is None or jitter[1] <= room:
        return jitter
    return (min(jitter[0], room), room)


def without_variation(session: Session) -> Session:
    """Every variation field back at none (pool and spacing stay)."""
    return session.replace(**{name: FIELDS[name].default for name in VARIATION_FIELDS})


def settle(session: Session) -> Session:
    """A restored width the digits cannot use snaps to the nearest one they can."""
    widths = width_range(session)
    width = session.recipe.width
    if widths is None or width is None or width in widths:
        return session
    return session.replace(width=_nearest(width, widths))


def width_moved(session: Session, wanted: int) -> WidthNotice | None:
    """Why the width is not the one the user asked for (`wanted`), when a spacing, rule or
    placement moved it; the way back keeps the new spacing and places the digits freely,
    or draws their gaps with the random rule, whichever takes the wanted width."""
    width, n = session.recipe.width, len(session.sequence)
    widths = width_range(session)
    if not wanted or width in (None, wanted) or widths is None or wanted in widths:
        return None
    recipe = session.recipe
    lo, hi = recipe.spacing
    if recipe.placement == "free":
        reason = f"the narrowest that holds {n} freely placed digits with spacing {lo}..{hi} px"
    else:
        reason = f"the nearest {n} digits fill with spacing {lo}..{hi} px ({recipe.rule} rule)"
    message = f"The width moved from {wanted:,} to {width:,} px: {reason}."
    for name, value, words in (
        ("placement", "free", "placed freely"),
        ("rule", "random", "random rule"),
    ):
        if recipe.get(name) == value:
            continue
        back = session.replace(**{name: value})
        other = width_range(back)
        if other is not None and wanted in other:
            back = back.replace(width=wanted)
            if problem(back) is None:
                return WidthNotice(message, width, f"Width {wanted:,}, {words}", back)
    return WidthNotice(message, width)


def problem(session: Session) -> Problem | None:
    """None if the session gives an image, else what is wrong and what would work."""
    try:
        n = len(session.digits())
        resolve(session.recipe, range(n, n + 1))
    except InputError as exc:
        random_fits = False
        if session.recipe.rule == "uniform" and exc.offers:
            other = width_range(session.replace(rule="random"))
            random_fits = other is not None and session.recipe.width in other
        return Problem(exc.field or "sequence", worded(exc), tuple(exc.offers), random_fits)
    except MnistSeqError as exc:
        return Problem(None, str(exc))
    recipe = session.recipe
    width, height = recipe.width or 0, recipe.variation.height
    if width * height > MAX_IMAGE_PIXELS:
        return Problem(
            "height",
            f"A {width:,} \u00d7 {height:,} px image is more than the explorer draws "
            f"({MAX_IMAGE_PIXELS:,} pixels, as 28 \u00d7 {MAX_WIDTH:,}); "
            "lower the height or the width.",
        )
    if session.indices is not None and len(session.indices) != n:
        return Problem("indices", f"{len(session.indices)} MNIST indices are fixed for {n} digits.")
    return None


def pick_another(
    session: Session,
    digits: Sequence[int],
    indices: Sequence[int],
    candidates: Sequence[int],
    position: int,
    draw: int,
) -> tuple[Session | None, str]:
    """The session with digit `position` drawn from another MNIST image of its pool
    (`candidates`: that digit's images there; `draw`: a random number), and a note."""
    others = [int(c) for c in candidates if int(c) != indices[position]]
    digit = digits[position]
    if not others:
        return None, f"The {session.recipe.pool} pool has no other {digit} to draw"
    chosen = list(indices)
    chosen[position] = others[draw % len(others)]
    note = (
        f"Digit {position + 1} ({digit}) is now MNIST image {chosen[position]}; "
        "enter the seed again to undo"
    )
    return session.replace(indices=tuple(chosen)), note
