"""The recipe: how an image of digits looks, checked once when made, and its field table.

A `Recipe` holds every choice that decides the pixels besides the digits, the seed and
the item number: width, spacing range and rule, placement, polarity, pool and, in
`variation`, canvas height, vertical jitter, per-digit style, noise and blur. It is
frozen and checked when it is made, so code that holds one trusts it.

Each field is declared once, below, as a Field (core/fields.py) with what every door
needs. The command line's options, the explorer's rows, the settings, the PNG text
chunks and config.json are made from this table (`FIELDS`) and its codec (`to_dict`/
`from_dict`, `to_text`/`from_text`), never written beside it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DataError, InputError, SpacingError, StyleError
from .fields import Field, _spec
from .idx import DIGIT_SIZE

MAX_WIDTH = 100_000
MIN_SPACING = -DIGIT_SIZE // 2  # neighbours may overlap by half a digit, no more
MAX_HEIGHT = 1024
RULES: tuple[str, ...] = ("uniform", "random")
PLACEMENTS: tuple[str, ...] = ("auto", "fill", "free")
POOLS: tuple[str, ...] = ("all", "train", "test")
_VARIED: dict[str, Any] = {"group": "variation", "error": StyleError}


@dataclass(frozen=True)
class Variation:
    """What a recipe varies besides spacing (see the module docstring); each digit draws
    its own style from the ranges. The default varies nothing: the original's pixels."""

    # fmt: off
    height: int = _spec(
        "int", DIGIT_SIZE, low=DIGIT_SIZE, high=MAX_HEIGHT, soft_high=128, unit=" px",
        label="Heigh&t", flag="--height", **_VARIED,
        help="canvas height; above 28 px each digit's 28 px cell can move up and down")
    jitter_y: tuple[int, int] | None = _spec(
        "int range", None, low=0, high=MAX_HEIGHT - DIGIT_SIZE, unit=" px", none="centred",
        label="&Jitter", flag="--jitter-y", **_VARIED,
        help="top of each digit's cell, drawn in this range of rows")
    slant: tuple[float, float] = _spec(
        "range", (0.0, 0.0), low=-45, high=45, step=2, unit="\u00b0", label="Sl&ant",
        flag="--slant", **_VARIED, help="horizontal shear in degrees; positive leans right")
    rotation: tuple[float, float] = _spec(
        "range", (0.0, 0.0), low=-45, high=45, step=2, unit="\u00b0", label="R&otation",
        flag="--rotation", old_flags=("--rotate",), **_VARIED,
        help="rotation in degrees; positive turns counter-clockwise")
    scale: tuple[float, float] = _spec(
        "range", (1.0, 1.0), low=0.25, high=1.4, step=0.05, decimals=2, unit="\u00d7",
        label="Scale", flag="--scale", **_VARIED,
        help="size factor (ink outside the cell is cut)")
    aspect: tuple[float, float] = _spec(
        "range", (1.0, 1.0), low=0.5, high=2.0, step=0.05, decimals=2, unit="\u00d7",
        label="Aspect", flag="--aspect", **_VARIED, help="extra width factor")
    thickness: tuple[float, float] = _spec(
        "range", (0.0, 0.0), low=-1.0, high=1.0, step=0.25, decimals=2, label="Thic&kness",
        flag="--thickness", **_VARIED,
        help="stroke width: -1 one erosion step .. 1 one dilation step")
    noise: tuple[float, float] = _spec(
        "range", (0.0, 0.0), low=0, high=128, soft_high=64, step=0.5, decimals=1,
        label="&Noise", flag="--noise", one=True, **_VARIED,
        help="additive noise per image: standard deviation in grey levels (0..255), one "
        "value or a range each image draws from")
    blur: tuple[float, float] = _spec(
        "range", (0.0, 0.0), low=0, high=4, step=0.1, decimals=1, unit=" px", label="Bl&ur",
        flag="--blur", one=True, **_VARIED,
        help="Gaussian blur per image: sigma in px, one value or a range each image draws from")
    # fmt: on

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
            and not (self.jitter_y not in (None, (0, 0)) or self.finishes)
        )

    @property
    def finishes(self) -> bool:
        """True when images are blurred or noised."""
        return self.noise[1] > 0 or self.blur[1] > 0

    def varies(self, name: str) -> bool:
        """True unless field `name` is at its default (no variation in it)."""
        return bool(getattr(self, name) != FIELDS[name].default)

    @functools.cached_property
    def varies_style(self) -> bool:
        return any(self.varies(name) for name in STYLE_FIELDS)

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

    # fmt: off
    width: int | None = _spec(
        "int", None, low=DIGIT_SIZE, high=MAX_WIDTH, soft_high=2000, unit=" px",
        none="the narrowest width that fits", label="&Width", flag="--width",
        error=SpacingError, help="image width")
    spacing: tuple[int, int] = _spec(
        "int range", (0, 0), low=MIN_SPACING, high=MAX_WIDTH, soft_high=200, unit=" px",
        label="Spa&cing", flag="--spacing", old_keys=("min_spacing", "max_spacing"),
        error=SpacingError, help="gap between neighbouring digits; below 0 they overlap")
    rule: str = _spec(
        "choice", "uniform", choices=RULES, label="&Rule", flag="--rule",
        old_flags=("--mode",), error=SpacingError,
        help="uniform: every gap equal, the original rule; random: each gap drawn in range")
    placement: str = _spec(
        "choice", "auto", choices=PLACEMENTS, label="P&lacement", flag="--placement",
        error=SpacingError,
        help="fill: the digits span the width (the original); free: each gap drawn in "
        "range, the sequence anywhere in the width; auto: fill when the width lets every "
        "length fill it, else free")
    white_on_black: bool = _spec(
        "flag", False, label="White on black (as MNIST)", flag="--white-on-black",
        help="MNIST's own polarity (white digits on black) instead of dark on white")
    pool: str = _spec(
        "choice", "all", choices=POOLS, label="&Pool", flag="--pool", error=DataError,
        help="draw digits only from the train or the test pool of the source, which share "
        "no image, or from all")
    # fmt: on
    variation: Variation = dataclasses.field(default_factory=lambda: NO_VARIATION)

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

    def __hash__(self) -> int:  # kept: every draw looks its layout up by recipe
        return self._hash

    @functools.cached_property
    def _hash(self) -> int:
        return hash(dataclasses.astuple(self))

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
        unknown = sorted(str(k) for k in changes if k not in FIELDS and k != "variation")
        if unknown:
            raise InputError(
                f"unknown recipe field(s): {', '.join(unknown)}; use {', '.join(FIELDS)}"
            )
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


FIELDS: dict[str, Field] = {
    f.name: dataclasses.replace(f.metadata["field"], name=f.name)
    for cls in (Recipe, Variation)
    for f in dataclasses.fields(cls)
    if "field" in f.metadata
}
VARIATION_FIELDS: tuple[str, ...] = tuple(n for n, f in FIELDS.items() if f.group == "variation")
STYLE_FIELDS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect", "thickness")
GEOMETRY_FIELDS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect")
NO_VARIATION: Variation = Variation()  # the default variation, shared
DEFAULT = Recipe()


# --- the codec: JSON values (config.json) and text (settings, PNG chunks) -------------


def to_dict(recipe: Recipe) -> dict[str, Any]:
    """JSON-ready: every layout field, and `variation` with the fields that vary."""
    out: dict[str, Any] = {}
    varied: dict[str, Any] = {}
    for entry, value in recipe.items():
        if entry.one and value[0] == value[1]:
            value = value[0]  # one value, written as 0.2 wrote it
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
        kept = base.variation.jitter_y  # the base's jitter where it fits, else centred
        room = changes.get("height", base.variation.height) - DIGIT_SIZE
        return base.replace(
            **{**changes, "jitter_y": kept if kept and kept[1] <= room else None}
        ), problems
