"""The recipe: how an image of digits looks, checked once when made, and its field table.

A `Recipe` holds every choice that decides the pixels besides the digits, the seed and
the item number: width, spacing range and rule, placement, polarity, pool and, in
`variation`, canvas height, vertical jitter, per-digit style, noise and blur. It is
frozen and checked when it is made, so code that holds one trusts it.

Each field is declared once, below, with what every door needs: kind, default, limits,
step, unit, label, help, command-line flag and old spellings. The command line's
options, the explorer's rows, the settings, the PNG text chunks and config.json are
made from this table (`FIELDS`) and its codec (`to_dict`/`from_dict`, `to_text`/
`from_text`), never written beside it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DataError, InputError, SpacingError, StyleError, shown
from .idx import DIGIT_SIZE

MAX_WIDTH = 100_000
MIN_SPACING = -DIGIT_SIZE // 2  # neighbours may overlap by half a digit, no more
MAX_HEIGHT = 1024
RULES: tuple[str, ...] = ("uniform", "random")
PLACEMENTS: tuple[str, ...] = ("auto", "fill", "free")
POOLS: tuple[str, ...] = ("all", "train", "test")
_MAX_TEXT = 40  # longer text is no number of ours: int() and float() never see it


@dataclass(frozen=True)
class Field:
    """One recipe field: how it is checked, shown, stored and typed on a command line."""

    name: str
    kind: str  # "int", "float", "choice", "flag", "range" (of floats) or "int range"
    default: Any
    low: float = 0
    high: float = 0
    label: str = ""  # the explorer's label, "&" before the mnemonic letter
    help: str = ""
    unit: str = ""
    step: float = 1  # style values lie on a grid at most this far apart (core/draws.py)
    decimals: int = 0
    soft_high: float | None = None  # where sliders end; typed values may go on to `high`
    choices: tuple[str, ...] = ()
    group: str = "layout"  # "layout" or "variation"
    none: str = ""  # what None means, for fields that may be None
    flag: str = ""  # the command line's long option
    old_flags: tuple[str, ...] = ()  # old spellings the command line still accepts
    old_keys: tuple[str, ...] = ()  # (low, high) keys a range was stored under before
    error: type[InputError] = InputError

    @property
    def is_range(self) -> bool:
        return self.kind in ("range", "int range")

    def refuse(self, value: Any, reason: str, suggestion: str = "") -> InputError:
        limits = (self.low, self.high) if self.kind not in ("choice", "flag") else None
        return self.error(
            field=self.name, value=value, reason=reason, suggestion=suggestion, limits=limits
        )

    def span(self) -> str:
        return f"{self.low:g}..{self.high:,g}"

    # -- checking ------------------------------------------------------------------

    def check(self, value: Any) -> Any:
        """`value` in this field's canonical type, or the field's error saying why not."""
        if value is None and self.none:
            return None
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise self.refuse(value, "is unknown", f"use one of: {', '.join(self.choices)}")
            return value
        if self.kind == "flag":
            if type(value) is bool or type(value).__name__ == "bool_":
                return bool(value)
            raise self.refuse(value, "is not True or False")
        if self.is_range:
            return self._check_range(value)
        number = self._number(value)
        if not self.low <= number <= self.high:
            raise self.refuse(value, "is out of range", f"use {self.span()}")
        return number

    def _number(self, value: Any) -> Any:
        whole = self.kind in ("int", "int range")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            what = "a whole number" if whole else "a number"
            raise self.refuse(value, f"is not {what}", f"use {self.span()}")
        if whole:
            if not isinstance(value, numbers.Integral):
                raise self.refuse(value, "is not a whole number", f"use {self.span()}")
            return int(value)
        number = float(value)
        if not math.isfinite(number):
            raise self.refuse(value, "is not finite", f"use {self.span()}")
        return number

    def _check_range(self, value: Any) -> tuple[Any, Any]:
        try:
            lo, hi = value
        except (TypeError, ValueError):
            example = f"{self.low:g} {self.high:g}" if self.kind == "range" else "0 12"
            raise self.refuse(
                value, "is not a range", f"give two numbers, such as {example}"
            ) from None
        lo, hi = self._number(lo), self._number(hi)
        if lo > hi:
            raise self.refuse((lo, hi), "is reversed", f"swap them ({hi:g}..{lo:g})")
        if lo < self.low or hi > self.high:
            raise self.refuse((lo, hi), "is out of bounds", f"use {self.span()}")
        return lo, hi

    # -- text (settings, PNG chunks, command lines) ---------------------------------

    def to_text(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "flag":
            return "true" if value else "false"
        if self.is_range:
            return f"{value[0]!r},{value[1]!r}"
        return repr(value) if self.kind == "float" else str(value)

    def from_text(self, text: str) -> Any:
        """Stored or typed text -> a checked value (a range as 'lo,hi'); the field's error."""
        text = text.strip()
        if not text and self.none:
            return None
        if self.kind == "flag":
            if text.lower() in ("true", "1", "false", "0"):
                return text.lower() in ("true", "1")
            raise self.refuse(text, "is not true or false")
        if self.kind == "choice":
            return self.check(text)
        parts = text.replace(" ", ",").split(",") if self.is_range else [text]
        parts = [p for p in parts if p]
        values = [self._parse_number(p) for p in parts]
        if self.is_range:
            return self.check(values if len(values) == 2 else text)
        return self.check(values[0] if values else text)

    def _parse_number(self, text: str) -> Any:
        whole = self.kind in ("int", "int range")
        if len(text) <= _MAX_TEXT:
            try:
                return int(text, 10) if whole else float(text)
            except ValueError:
                pass
        what = "a whole number" if whole else "a number"
        raise self.refuse(text, f"is not {what}", f"use {self.span()}")


def _spec(kind: str, default: Any, **info: Any) -> Any:
    """A dataclass field whose metadata is its Field (named when the table is built)."""
    entry = Field("", kind, default, **info)
    return dataclasses.field(default=default, metadata={"field": entry})


_NO_VARIATION: list[Variation] = []  # the default variation, shared (made below)
_STYLE: dict[str, Any] = {"group": "variation", "error": StyleError, "kind": "range"}


@dataclass(frozen=True)
class Variation:
    """What a recipe varies besides spacing: canvas height, each digit's vertical place
    (`jitter_y`), per-digit slant, rotation, scale, aspect and stroke thickness (ranges
    each digit draws its own value from) and per-image noise and blur. The default
    varies nothing: such recipes keep the original's pixels."""

    height: int = _spec(
        "int",
        DIGIT_SIZE,
        low=DIGIT_SIZE,
        high=MAX_HEIGHT,
        soft_high=128,
        unit=" px",
        label="&Height",
        flag="--height",
        group="variation",
        error=StyleError,
        help="canvas height; above 28 px each digit's 28 px cell can move up and down",
    )
    jitter_y: tuple[int, int] | None = _spec(
        "int range",
        None,
        low=0,
        high=MAX_HEIGHT - DIGIT_SIZE,
        unit=" px",
        label="&Jitter",
        flag="--jitter-y",
        group="variation",
        error=StyleError,
        none="centred",
        help="top of each digit's cell, drawn in this range of rows",
    )
    slant: tuple[float, float] = _spec(
        default=(0.0, 0.0),
        low=-45,
        high=45,
        step=2,
        unit="\u00b0",
        label="S&lant",
        flag="--slant",
        help="horizontal shear in degrees; positive leans right",
        **_STYLE,
    )
    rotation: tuple[float, float] = _spec(
        default=(0.0, 0.0),
        low=-45,
        high=45,
        step=2,
        unit="\u00b0",
        label="R&otation",
        flag="--rotation",
        old_flags=("--rotate",),
        **_STYLE,
        help="rotation in degrees; positive turns counter-clockwise",
    )
    scale: tuple[float, float] = _spec(
        default=(1.0, 1.0),
        low=0.25,
        high=1.4,
        step=0.05,
        decimals=2,
        unit="\u00d7",
        label="Sc&ale",
        flag="--scale",
        help="size factor (ink outside the cell is cut)",
        **_STYLE,
    )
    aspect: tuple[float, float] = _spec(
        default=(1.0, 1.0),
        low=0.5,
        high=2.0,
        step=0.05,
        decimals=2,
        unit="\u00d7",
        label="Aspe&ct",
        flag="--aspect",
        help="extra width factor",
        **_STYLE,
    )
    thickness: tuple[float, float] = _spec(
        default=(0.0, 0.0),
        low=-1.0,
        high=1.0,
        step=0.25,
        decimals=2,
        label="Thic&kness",
        flag="--thickness",
        help="stroke width: -1 one erosion step .. 1 one dilation step",
        **_STYLE,
    )
    noise: float = _spec(
        "float",
        0.0,
        low=0,
        high=128,
        soft_high=64,
        decimals=1,
        label="&Noise",
        flag="--noise",
        group="variation",
        error=StyleError,
        help="additive noise per image: standard deviation in grey levels (0..255)",
    )
    blur: float = _spec(
        "float",
        0.0,
        low=0,
        high=4,
        step=0.1,
        decimals=1,
        unit=" px",
        label="Bl&ur",
        flag="--blur",
        group="variation",
        error=StyleError,
        help="Gaussian blur per image: sigma in px",
    )

    def __post_init__(self) -> None:
        _check_fields(self)
        if self.jitter_y is not None and self.jitter_y[1] > self.height - DIGIT_SIZE:
            room = self.height - DIGIT_SIZE
            raise FIELDS["jitter_y"].refuse(
                self.jitter_y,
                f"does not fit a {self.height} px canvas, where a digit's top can be at 0..{room}",
                "use a range within it or a greater height",
            )

    @functools.cached_property
    def is_plain(self) -> bool:
        """True when nothing differs from the original's 28 px row of unchanged digits."""
        return (
            self.height == DIGIT_SIZE
            and not self.varies_style
            and not (self.jitter_y not in (None, (0, 0)) or self.noise or self.blur)
        )

    def varies(self, name: str) -> bool:
        """True unless field `name` is at its default (no variation in it)."""
        return bool(getattr(self, name) != FIELDS[name].default)

    @functools.cached_property
    def varies_style(self) -> bool:
        return any(self.varies(name) for name in STYLE_FIELDS)

    @property
    def changes_geometry(self) -> bool:
        return any(self.varies(name) for name in GEOMETRY_FIELDS)

    @property
    def y_range(self) -> tuple[int, int]:
        """Where the digits' cells may start vertically (centred when jitter_y is None)."""
        if self.jitter_y is None:
            centre = (self.height - DIGIT_SIZE) // 2
            return centre, centre
        return self.jitter_y


@dataclass(frozen=True)
class Recipe:
    """How a sequence image looks; see the module docstring. `Recipe()` is the default
    recipe of every door; `recipe.replace(rotation=(-10, 10))` makes a changed copy."""

    width: int | None = _spec(
        "int",
        None,
        low=DIGIT_SIZE,
        high=MAX_WIDTH,
        soft_high=2000,
        unit=" px",
        label="&Width",
        flag="--width",
        error=SpacingError,
        none="the narrowest width that fits",
        help="image width",
    )
    spacing: tuple[int, int] = _spec(
        "int range",
        (0, 0),
        low=MIN_SPACING,
        high=MAX_WIDTH,
        soft_high=200,
        unit=" px",
        label="S&pacing",
        flag="--spacing",
        old_keys=("min_spacing", "max_spacing"),
        error=SpacingError,
        help="gap between neighbouring digits; below 0 they overlap",
    )
    rule: str = _spec(
        "choice",
        "uniform",
        choices=RULES,
        label="&Rule",
        flag="--rule",
        old_flags=("--mode",),
        error=SpacingError,
        help="uniform: every gap equal, the original rule; random: each gap drawn in range",
    )
    placement: str = _spec(
        "choice",
        "auto",
        choices=PLACEMENTS,
        label="P&lacement",
        flag="--placement",
        error=SpacingError,
        help="fill: the digits span the width (the original); free: each gap drawn in "
        "range, the sequence anywhere in the width; auto: fill when the width lets every "
        "length fill it, else free",
    )
    white_on_black: bool = _spec(
        "flag",
        False,
        label="White on black (as MNIST)",
        flag="--white-on-black",
        help="MNIST's own polarity (white digits on black) instead of dark on white",
    )
    pool: str = _spec(
        "choice",
        "all",
        choices=POOLS,
        label="&Pool",
        flag="--pool",
        error=DataError,
        help="draw digits only from the train or the test pool of the source, which share "
        "no image, or from all",
    )
    variation: Variation = dataclasses.field(default_factory=lambda: _NO_VARIATION[0])

    def __post_init__(self) -> None:
        _check_fields(self)
        if isinstance(self.variation, Mapping):
            object.__setattr__(self, "variation", variation_from_dict(self.variation))
        elif not isinstance(self.variation, Variation):
            raise StyleError(
                field="variation",
                value=self.variation,
                reason="is not a Variation",
                suggestion="pass Variation(...) or a mapping of its fields",
            )

    @property
    def min_spacing(self) -> int:
        return self.spacing[0]

    @property
    def max_spacing(self) -> int:
        return self.spacing[1]

    @functools.cached_property
    def is_plain(self) -> bool:
        """The original's kind of image: no variation, no overlap."""
        return self.spacing[0] >= 0 and self.variation.is_plain

    def get(self, name: str) -> Any:
        """Any field's value by name, variation fields included."""
        owner = self.variation if FIELDS[name].group == "variation" else self
        return getattr(owner, name)

    def replace(self, **changes: Any) -> Recipe:
        """A copy with fields changed (variation fields by their own names, a range's ends
        by their old names: min_spacing, max_spacing), checked."""
        for name, entry in FIELDS.items():
            if entry.old_keys and any(key in changes for key in entry.old_keys):
                ends = list(changes.pop(name, self.get(name)))
                for end, key in enumerate(entry.old_keys):
                    ends[end] = changes.pop(key, ends[end])
                changes[name] = tuple(ends)
        varied = {k: changes.pop(k) for k in list(changes) if k in VARIATION_FIELDS}
        if varied:
            changes["variation"] = dataclasses.replace(self.variation, **varied)
        return dataclasses.replace(self, **changes) if changes else self

    def items(self) -> Iterator[tuple[Field, Any]]:
        """(field, value) for every field of the table, in its order."""
        for entry in FIELDS.values():
            yield entry, self.get(entry.name)


def _check_fields(obj: Any) -> None:
    for f in dataclasses.fields(obj):
        entry = FIELDS.get(f.name)
        if entry is not None:
            object.__setattr__(obj, f.name, entry.check(getattr(obj, f.name)))


def _table() -> dict[str, Field]:
    table = {}
    for cls in (Recipe, Variation):
        for f in dataclasses.fields(cls):
            if "field" in f.metadata:
                table[f.name] = dataclasses.replace(f.metadata["field"], name=f.name)
    return table


FIELDS: dict[str, Field] = _table()
VARIATION_FIELDS: tuple[str, ...] = tuple(n for n, f in FIELDS.items() if f.group == "variation")
STYLE_FIELDS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect", "thickness")
GEOMETRY_FIELDS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect")
NO_VARIATION = Variation()
_NO_VARIATION.append(NO_VARIATION)
DEFAULT = Recipe()


# --- the codec: JSON values (config.json) and text (settings, PNG chunks) -------------


def to_dict(recipe: Recipe) -> dict[str, Any]:
    """JSON-ready: every layout field, and `variation` with the fields that vary."""
    out: dict[str, Any] = {}
    varied: dict[str, Any] = {}
    for entry, value in recipe.items():
        value = list(value) if isinstance(value, tuple) else value
        if entry.group == "layout":
            out[entry.name] = value
        elif recipe.variation.varies(entry.name):
            varied[entry.name] = value
    out["variation"] = varied
    return out


def variation_from_dict(values: Mapping[str, Any]) -> Variation:
    """A Variation from a mapping of its fields (the names of the command line's options);
    a missing field varies nothing."""
    if not isinstance(values, Mapping):
        raise StyleError(field="variation", value=values, reason="is not a mapping")
    unknown = sorted(str(k) for k in values if k not in VARIATION_FIELDS)
    if unknown:
        raise StyleError(
            f"unknown variation field(s): {', '.join(unknown)}; use {', '.join(VARIATION_FIELDS)}"
        )
    return Variation(**values)


def from_dict(data: Mapping[str, Any]) -> Recipe:
    """Inverse of to_dict; also reads the older layouts (min/max spacing, no placement)."""
    values = dict(data)
    known = {*FIELDS, "variation", *(k for f in FIELDS.values() for k in f.old_keys)}
    unknown = sorted(str(k) for k in values if k not in known)
    if unknown:
        raise InputError(f"unknown recipe field(s): {', '.join(unknown)}")
    variation = variation_from_dict(values.pop("variation", None) or {})
    return Recipe(variation=variation).replace(**values)


def to_text(recipe: Recipe) -> dict[str, str]:
    """Every field as text (the fields that vary only, for variation)."""
    return {
        entry.name: entry.to_text(value)
        for entry, value in recipe.items()
        if entry.group == "layout" or recipe.variation.varies(entry.name)
    }


def from_text(values: Mapping[str, str], base: Recipe = DEFAULT) -> tuple[Recipe, list[InputError]]:
    """A recipe from stored text; a value that cannot be used keeps `base`'s and becomes
    an error in the list (settings say so and go on; an opened file refuses)."""
    changes: dict[str, Any] = {}
    problems: list[InputError] = []
    for name, entry in FIELDS.items():
        if name in values:
            text: str | None = values[name]
        elif entry.old_keys and all(k in values for k in entry.old_keys):
            text = ",".join(values[k] for k in entry.old_keys)
        else:
            continue
        try:
            changes[name] = entry.from_text(str(text))
        except InputError as exc:
            problems.append(exc)
    try:
        return base.replace(**changes), problems
    except InputError as exc:  # fields fine alone, not together: jitter beyond the height
        problems.append(exc)
        return base.replace(**{**changes, "jitter_y": None}), problems


def flags_text(entry: Field, value: Any) -> str:
    """How a value reads on a command line, e.g. '--rotation -10 10'."""
    if entry.kind == "flag":
        return entry.flag if value else ""
    shown_value = " ".join(f"{v:g}" for v in value) if isinstance(value, tuple) else shown(value)
    return f"{entry.flag} {shown_value}"
