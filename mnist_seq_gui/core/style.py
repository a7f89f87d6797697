"""Per-digit style: slant, rotation, scale, aspect and stroke thickness.

Each parameter is a range; every digit draws its own value from (seed, item, slot),
so item i of a batch looks the same whatever else is in the batch. The geometric
parameters act about the centre of the digit's 28 x 28 cell, in this order: scale
(width x scale x aspect, height x scale), slant, rotation. Ink pushed out of the cell
is cut. Directions, with y pointing down as in the image:

- slant (degrees): a horizontal shear; positive moves the top rows right, like
  right-leaning handwriting. tan(slant) pixels of shift per pixel of height.
- rotation (degrees): positive turns the digit counter-clockwise.
- scale: 1.2 makes the digit 20% larger in both directions.
- aspect: extra horizontal factor; 1.5 makes the digit 50% wider, height unchanged.
- thickness: stroke width by grey-level dilation (positive) or erosion (negative)
  with a 3 x 3 cross; 1 is one full step, 0.5 half of one (the average of the digit
  and its dilation), -1 one full erosion. Applied before the geometry.

Values are drawn on a fixed grid whose steps are at most QUANTA (2 degrees of slant
or rotation, 0.05 of scale or aspect, 0.25 of thickness) and which holds both ends of
the range; every grid value is equally likely. Digits that share a grid value share a
precomputed sampling map (see core/warp.py), which is what makes styling fast.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from .errors import StyleError
from .keyed_random import (
    STREAM_ASPECT,
    STREAM_ROTATION,
    STREAM_SCALE,
    STREAM_SLANT,
    STREAM_THICKNESS,
    below,
    keyed_uint32,
)

PARAMETERS: tuple[str, ...] = ("slant", "rotation", "scale", "aspect", "thickness")
GEOMETRY: tuple[str, ...] = ("slant", "rotation", "scale", "aspect")
NEUTRAL: dict[str, float] = {
    "slant": 0.0,
    "rotation": 0.0,
    "scale": 1.0,
    "aspect": 1.0,
    "thickness": 0.0,
}
LIMITS: dict[str, tuple[float, float]] = {
    "slant": (-45.0, 45.0),
    "rotation": (-45.0, 45.0),
    "scale": (0.25, 1.4),  # 1.4 x MNIST's 20 px digit box fills the 28 px cell
    "aspect": (0.5, 2.0),
    "thickness": (-1.0, 1.0),
}
QUANTA: dict[str, float] = {
    "slant": 2.0,
    "rotation": 2.0,
    "scale": 0.05,
    "aspect": 0.05,
    "thickness": 0.25,
}
_STREAMS = {
    "slant": STREAM_SLANT,
    "rotation": STREAM_ROTATION,
    "scale": STREAM_SCALE,
    "aspect": STREAM_ASPECT,
    "thickness": STREAM_THICKNESS,
}
_UNITS = {"slant": " degrees", "rotation": " degrees", "scale": "", "aspect": "", "thickness": ""}


def _check_range(name: str, value: object) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise StyleError(
            f"{name} {value!r} is not a range; give two numbers, such as "
            f"{LIMITS[name][0]:g} {LIMITS[name][1]:g}"
        ) from None
    low, high = LIMITS[name]
    unit = _UNITS[name]
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise StyleError(f"{name} {lo:g}..{hi:g} is not finite; use numbers in {low:g}..{high:g}")
    if lo > hi:
        raise StyleError(f"{name} {lo:g}..{hi:g} is reversed; swap them ({hi:g}..{lo:g})")
    if lo < low or hi > high:
        raise StyleError(f"{name} {lo:g}..{hi:g}{unit} is out of bounds; use {low:g}..{high:g}")
    return lo, hi


def grid(lo: float, hi: float, quantum: float) -> np.ndarray:
    """lo, hi and evenly spaced values between them, at most `quantum` apart."""
    steps = math.ceil((hi - lo) / quantum - 1e-9) if hi > lo else 0
    if steps == 0:
        return np.array([lo])
    return lo + (hi - lo) * np.arange(steps + 1) / steps


@dataclass(frozen=True)
class DigitStyle:
    """The range each style parameter is drawn from, per digit. The default is no style."""

    slant: tuple[float, float] = (0.0, 0.0)
    rotation: tuple[float, float] = (0.0, 0.0)
    scale: tuple[float, float] = (1.0, 1.0)
    aspect: tuple[float, float] = (1.0, 1.0)
    thickness: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        for name in PARAMETERS:
            object.__setattr__(self, name, _check_range(name, getattr(self, name)))

    def varies(self, name: str) -> bool:
        """True unless the parameter is fixed at its neutral value."""
        return getattr(self, name) != (NEUTRAL[name], NEUTRAL[name])

    @functools.cached_property
    def is_plain(self) -> bool:
        """True when no digit is changed in any way."""
        return not any(self.varies(name) for name in PARAMETERS)

    @functools.cached_property
    def changes_geometry(self) -> bool:
        return any(self.varies(name) for name in GEOMETRY)

    def grid(self, name: str) -> np.ndarray:
        """The values parameter `name` is drawn from."""
        lo, hi = getattr(self, name)
        return grid(lo, hi, QUANTA[name])

    def to_dict(self) -> dict[str, list[float]]:
        """The ranges that differ from no style, for recipes (empty when plain)."""
        return {f.name: list(getattr(self, f.name)) for f in fields(self) if self.varies(f.name)}

    @classmethod
    def from_dict(cls, values: dict | None) -> DigitStyle:
        """Inverse of to_dict; a missing parameter means no variation in it."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(PARAMETERS))
        if unknown:
            raise StyleError(
                f"unknown style parameter(s) {', '.join(unknown)}; use {', '.join(PARAMETERS)}"
            )
        return cls(**{name: tuple(value) for name, value in values.items()})


@dataclass(frozen=True, eq=False)
class StyleDraws:
    """Where on its grid each digit's parameters fell: (N, n) int64 codes per parameter.

    Parameters that do not vary have no entry (their code is 0 everywhere).
    """

    style: DigitStyle
    codes: dict[str, np.ndarray]
    shape: tuple[int, int]

    def values(self, name: str) -> np.ndarray:
        """(N, n) float64 values of parameter `name`."""
        table = self.style.grid(name)
        code = self.codes.get(name)
        return np.full(self.shape, table[0]) if code is None else table[code]

    def geometry_keys(self) -> np.ndarray:
        """(N, n) int64: one number per distinct slant/rotation/scale/aspect combination."""
        key = np.zeros(self.shape, dtype=np.int64)
        for name in GEOMETRY:
            size = len(self.style.grid(name))
            key = key * size + self.codes.get(name, 0)
        return key

    def thickness_levels(self) -> np.ndarray | None:
        """(N, n) int64 thickness in quarter steps (-4..4), or None if it never varies."""
        if "thickness" not in self.codes and not self.style.varies("thickness"):
            return None
        return np.rint(self.values("thickness") * 4).astype(np.int64)

    def rows(self, which: slice) -> StyleDraws:
        """The draws of a run of rows (images) only."""
        codes = {name: code[which] for name, code in self.codes.items()}
        return StyleDraws(self.style, codes, (len(range(self.shape[0])[which]), self.shape[1]))


def draw_styles(style: DigitStyle, seed: int, items: np.ndarray, n: int) -> StyleDraws:
    """Every digit's style for N items of n digits; row r depends only on (seed, items[r])."""
    items = np.asarray(items, dtype=np.uint64).reshape(-1)
    codes = {}
    for name in PARAMETERS:
        size = len(style.grid(name))
        if size > 1:
            codes[name] = below(keyed_uint32(seed, items, _STREAMS[name], n), size)
    return StyleDraws(style, codes, (len(items), n))


def inverse_matrices(style: DigitStyle, keys: np.ndarray) -> np.ndarray:
    """(U, 2, 2) maps from output to source offsets (x, y) about the cell centre.

    The forward map is rotation @ shear @ scale; trigonometry is done by Python's
    math module on the small grids, so every platform gets the same numbers.
    """
    rest = np.asarray(keys, dtype=np.int64).copy()
    codes = {}
    for name in reversed(GEOMETRY):
        size = len(style.grid(name))
        codes[name] = rest % size
        rest //= size
    t = _table(style.grid("slant"), lambda d: math.tan(math.radians(d)))[codes["slant"]]
    c = _table(style.grid("rotation"), lambda d: math.cos(math.radians(d)))[codes["rotation"]]
    s = _table(style.grid("rotation"), lambda d: math.sin(math.radians(d)))[codes["rotation"]]
    sy = style.grid("scale")[codes["scale"]]
    sx = sy * style.grid("aspect")[codes["aspect"]]
    inverse = np.empty((len(t), 2, 2))
    inverse[:, 0, 0] = (c + t * s) / sx
    inverse[:, 0, 1] = (t * c - s) / sx
    inverse[:, 1, 0] = s / sy
    inverse[:, 1, 1] = c / sy
    return inverse


def _table(values: np.ndarray, fn: Callable[[float], float]) -> np.ndarray:
    return np.array([fn(float(v)) for v in values])
