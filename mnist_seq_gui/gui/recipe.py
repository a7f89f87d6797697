"""The recipe: everything that decides the explorer's image, checked in one place.

Qt-free. Widgets never hold the truth: they send edits to `RecipeModel`
(gui/model.py), which applies them here (`edit`) and shows the result. Settings and
opened files come back through `from_mapping`, so a damaged value becomes a note and
the default, never an exception. Adding a parameter means adding a field with a
`Param` in its metadata: the parameters panel builds its control from it (a slider
and a spin box, or for `kind="range"` a compact two-value row), settings store it
under its name, and `from_mapping` checks it. Fields in the "variation" group become
the core's `Variation` (height, jitter, per-digit style, noise, blur); `pool` chooses
the part of the digit source the digits are drawn from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..core import (
    DIGIT_SIZE,
    MAX_BLUR,
    MAX_HEIGHT,
    MAX_NOISE,
    MAX_WIDTH,
    MIN_SPACING,
    STYLE_LIMITS,
    STYLE_STEPS,
    DigitStyle,
    MnistSeqError,
    SequenceSpec,
    Variation,
    nearest_valid_widths,
    parse_sequence,
    valid_widths,
)

SPACING_SLIDER_MAX = 200  # the spacing sliders' span; the spin boxes accept more
# The largest image the explorer draws: the largest plain one (28 x 100,000 px). A taller
# canvas needs a narrower width; the gallery holds at most 64 of them.
MAX_IMAGE_PIXELS = DIGIT_SIZE * MAX_WIDTH
STYLE_FIELDS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect", "thickness")
VARIATION_FIELDS: tuple[str, ...] = ("height", "jitter_y", *STYLE_FIELDS, "noise", "blur")


@dataclass(frozen=True)
class Param:
    """How a numeric field is edited and which values it accepts."""

    label: str  # with "&" before the mnemonic letter
    low: int | float
    high: int | float  # the spin box accepts up to here
    slider_high: int | float | None = None  # the slider's end, if shorter than `high`
    step: int | float = 1
    suffix: str = ""
    tip: str = ""
    group: str = "layout"  # "layout" or "variation" (a panel section)
    decimals: int = 0
    kind: str = "number"  # "number" (slider and spin box) or "range" (two spin boxes)


def _param(**kwargs: Any) -> dict[str, Param]:
    return {"param": Param(**kwargs)}


def _style(name: str, label: str, suffix: str, decimals: int, tip: str) -> Any:
    """A per-digit style range field: no style by default, the core's limits and step."""
    low, high = STYLE_LIMITS[name]
    return field(
        default=getattr(_NO_STYLE, name),
        metadata=_param(
            label=label,
            low=low,
            high=high,
            step=STYLE_STEPS[name],
            suffix=suffix,
            tip=tip,
            group="variation",
            decimals=decimals,
            kind="range",
        ),
    )


_NO_STYLE = DigitStyle()


@dataclass(frozen=True)
class Recipe:
    """What the explorer draws. `indices` fixes the MNIST image of each digit (a
    per-digit reroll or an opened file); `item` is the sample number of the seed
    (item i of the data set the export dialog would write); `source` is the folder or
    IDX file the digits come from (None: the bundled MNIST test set)."""

    sequence: str = "2024"
    rule: str = "uniform"
    min_spacing: int = field(
        default=0,
        metadata=_param(
            label="M&in spacing",
            low=MIN_SPACING,
            high=MAX_WIDTH,
            slider_high=SPACING_SLIDER_MAX,
            suffix=" px",
            tip=f"Smallest gap between digits; below 0 neighbours overlap (down to {MIN_SPACING})",
        ),
    )
    max_spacing: int = field(
        default=10,
        metadata=_param(
            label="Ma&x spacing",
            low=MIN_SPACING,
            high=MAX_WIDTH,
            slider_high=SPACING_SLIDER_MAX,
            suffix=" px",
            tip=f"Largest gap between digits; below 0 neighbours overlap (down to {MIN_SPACING})",
        ),
    )
    width: int = 124  # 4 digits, gap 4
    white_on_black: bool = False
    seed: int = 0
    item: int = 0
    indices: tuple[int, ...] | None = None
    source: str | None = None
    pool: str = "all"  # "train" or "test": only that part of the source
    height: int = field(
        default=DIGIT_SIZE,
        metadata=_param(
            label="&Height",
            low=DIGIT_SIZE,
            high=MAX_HEIGHT,
            slider_high=128,
            suffix=" px",
            tip="Image height; above 28 px the digits have room to move up and down",
            group="variation",
        ),
    )
    jitter_y: tuple[int, int] | None = field(  # None: every digit centred
        default=None,
        metadata=_param(
            label="&Jitter",
            low=0,
            high=MAX_HEIGHT - DIGIT_SIZE,
            suffix=" px",
            tip="Vertical jitter: each digit's top edge is drawn in this range of rows "
            "(at most height - 28)",
            group="variation",
            kind="range",
        ),
    )
    slant: tuple[float, float] = _style(
        "slant", "S&lant", "\u00b0", 0, "Slant per digit; positive leans right, as handwriting can"
    )
    rotation: tuple[float, float] = _style(
        "rotation", "R&otation", "\u00b0", 0, "Rotation per digit; positive turns counter-clockwise"
    )
    scale: tuple[float, float] = _style(
        "scale", "Sc&ale", "\u00d7", 2, "Size per digit; 1.2 is 20% larger"
    )
    aspect: tuple[float, float] = _style(
        "aspect", "Aspe&ct", "\u00d7", 2, "Extra width per digit; 1.5 is 50% wider, same height"
    )
    thickness: tuple[float, float] = _style(
        "thickness", "Thic&kness", "", 2, "Stroke width per digit: 1 one step thicker, -1 thinner"
    )
    noise: float = field(
        default=0.0,
        metadata=_param(
            label="&Noise",
            low=0,
            high=MAX_NOISE,
            slider_high=64,
            step=1,
            tip="Noise added to each image: its standard deviation in grey levels (0-255)",
            group="variation",
            decimals=1,
        ),
    )
    blur: float = field(
        default=0.0,
        metadata=_param(
            label="Bl&ur",
            low=0,
            high=MAX_BLUR,
            step=0.1,
            suffix=" px",
            tip="Blur of each image: the Gaussian's sigma in pixels",
            group="variation",
            decimals=1,
        ),
    )

    def digits(self) -> tuple[int, ...]:
        """The digits; SequenceError if the text holds none."""
        return parse_sequence(self.sequence)

    def variation(self) -> Variation:
        """The core's Variation; StyleError (with the reason) if it cannot be drawn."""
        style = DigitStyle(**{name: getattr(self, name) for name in STYLE_FIELDS})
        return Variation(self.height, self.jitter_y, style, self.noise, self.blur)

    def has_variation(self) -> bool:
        """True if any variation field differs from none (pool and spacing aside)."""
        return any(getattr(self, name) != getattr(DEFAULT, name) for name in VARIATION_FIELDS)

    def spec(self) -> SequenceSpec:
        """The core's spec; MnistSeqError (with the reason) if it describes no image."""
        return SequenceSpec(
            digits=self.digits(),
            width=self.width,
            min_spacing=self.min_spacing,
            max_spacing=self.max_spacing,
            rule=self.rule,
            white_on_black=self.white_on_black,
            pool=self.pool,
            variation=self.variation(),
        )

    def replace(self, **changes: Any) -> Recipe:
        return dataclasses.replace(self, **changes)


def variation_values(variation: Variation) -> dict[str, Any]:
    """The recipe fields of a core Variation (an opened file's, a data set's)."""
    values: dict[str, Any] = {name: getattr(variation.style, name) for name in STYLE_FIELDS}
    values.update(
        height=variation.height,
        jitter_y=variation.jitter_y,
        noise=variation.noise,
        blur=variation.blur,
    )
    return values


DEFAULT = Recipe()
FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Recipe)}


def param(name: str) -> Param | None:
    """The Param of a field, or None for fields without a numeric control."""
    return FIELDS[name].metadata.get("param")


def params(group: str) -> list[tuple[str, Param]]:
    """(field name, Param) of every field in a panel group, in declaration order."""
    out = []
    for name, f in FIELDS.items():
        p = f.metadata.get("param")
        if p is not None and p.group == group:
            out.append((name, p))
    return out


# ---------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """Why a recipe gives no image, and the one-click ways out."""

    message: str  # a sentence
    widths: tuple[int, ...] = ()  # nearest valid widths to offer
    random_fits: bool = False  # the random rule would take this width


# The core's names for things, as the window calls them.
_GUI_WORDS = (
    ("jitter_y", "vertical jitter"),
    ("a taller canvas", "a greater height"),
    ("(1 entries)", "(1 entry)"),
)


def in_gui_words(message: str) -> str:
    """A message written for the command line or the API, in the window's words."""
    for code, gui in _GUI_WORDS:
        message = message.replace(code, gui)
    return message


def sentence(text: str) -> str:
    text = in_gui_words(text)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def width_range(recipe: Recipe) -> range | None:
    """Every width the digits can fill under the recipe's spacing and rule, or None."""
    try:
        n = len(recipe.digits())
        widths = valid_widths(n, recipe.min_spacing, recipe.max_spacing, recipe.rule)
    except MnistSeqError:
        return None
    return widths if len(widths) else None


def size_problem(recipe: Recipe) -> str | None:
    """Why the image is too large for the explorer to draw, or None."""
    pixels = recipe.height * recipe.width
    if pixels <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"A {recipe.width:,} \u00d7 {recipe.height:,} px image is more than the explorer draws "
        f"({MAX_IMAGE_PIXELS:,} pixels, as 28 \u00d7 {MAX_WIDTH:,}); lower the height or the "
        "width"
    )


def problem(recipe: Recipe) -> Problem | None:
    """None if the recipe describes an image, else what is wrong and what would work."""
    try:
        recipe.spec()
    except MnistSeqError as exc:
        widths = width_range(recipe)
        if widths is None or recipe.width in widths:
            return Problem(sentence(str(exc)))
        offers = tuple(nearest_valid_widths(recipe.width, widths))
        random_fits = False
        if recipe.rule == "uniform":
            other = width_range(recipe.replace(rule="random"))
            random_fits = other is not None and recipe.width in other
        return Problem(sentence(str(exc)), offers, random_fits)
    too_large = size_problem(recipe)
    if too_large:
        return Problem(too_large)
    if recipe.indices is not None and len(recipe.indices) != len(recipe.sequence):
        return Problem(
            f"{len(recipe.indices)} MNIST indices are fixed for {len(recipe.sequence)} digits."
        )
    return None
