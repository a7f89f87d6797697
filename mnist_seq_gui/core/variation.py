"""Variation beyond the original's plain row of digits, and the renderer for it.

A `Variation` holds what a recipe may vary besides digits and spacing: a taller canvas
(`height`), each digit's vertical place in it (`jitter_y`), per-digit `style` (see
core/style.py), and per-image additive `noise` and `blur`. The default varies nothing;
such recipes (with spacing of 0 or more) keep the plain renderer and today's pixels.

Order of work: cells placed (styled) -> blur -> noise -> uint8 (float32 is that / 255).
Ink boxes describe the digits' ink after style and placement, before blur and noise.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .canvas import draw_offsets_y, render_canvas
from .checks import whole_number
from .errors import StyleError
from .idx import DIGIT_SIZE
from .keyed_random import STREAM_NOISE, keyed_uint32
from .source import DigitBank
from .style import DigitStyle, draw_styles

MAX_HEIGHT = 1024
MAX_NOISE = 128.0  # standard deviation in grey levels (0..255)
MAX_BLUR = 4.0  # Gaussian sigma in pixels
_FINISH_BYTES = 64 * 1024 * 1024  # working memory of one step of blur and noise


@dataclass(frozen=True)
class Variation:
    """Canvas height, vertical jitter, per-digit style and per-image noise and blur.

    height: canvas height in px, 28..MAX_HEIGHT. jitter_y: (lo, hi), each digit's cell
    top drawn in lo..hi (0 <= lo <= hi <= height - 28); None centres every cell at
    (height - 28) // 2. noise: standard deviation of additive noise in grey levels
    (0..255 scale). blur: sigma of a Gaussian blur in px.
    """

    height: int = DIGIT_SIZE
    jitter_y: tuple[int, int] | None = None
    style: DigitStyle = field(default_factory=DigitStyle)
    noise: float = 0.0
    blur: float = 0.0

    def __post_init__(self) -> None:
        height = whole_number("height", self.height, DIGIT_SIZE, MAX_HEIGHT, error=StyleError)
        object.__setattr__(self, "height", height)
        if self.jitter_y is not None:
            try:
                lo, hi = self.jitter_y
            except (TypeError, ValueError):
                raise StyleError(
                    f"jitter_y {self.jitter_y!r} is not a range; give two numbers, such as 0 12"
                ) from None
            room = height - DIGIT_SIZE
            lo = whole_number("jitter_y", lo, error=StyleError)
            hi = whole_number("jitter_y", hi, error=StyleError)
            if lo > hi:
                raise StyleError(f"jitter_y {lo}..{hi} is reversed; swap them ({hi}..{lo})")
            if lo < 0 or hi > room:
                raise StyleError(
                    f"jitter_y {lo}..{hi} does not fit a {height} px canvas: a digit's top "
                    f"can be at 0..{room}; use a range within it or a taller canvas"
                )
            object.__setattr__(self, "jitter_y", (lo, hi))
        if not isinstance(self.style, DigitStyle):
            raise StyleError(f"style {self.style!r} is not a DigitStyle")
        for name, limit in (("noise", MAX_NOISE), ("blur", MAX_BLUR)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise StyleError(f"{name} {value!r} is not a number; use 0..{limit:g}")
            if not 0 <= float(value) <= limit:
                raise StyleError(f"{name} {value} is out of bounds; use 0..{limit:g}")
            object.__setattr__(self, name, float(value))

    @staticmethod
    def check(value: object) -> Variation:
        if not isinstance(value, Variation):
            raise StyleError(f"variation {value!r} is not a Variation")
        return value

    @functools.cached_property
    def is_plain(self) -> bool:
        """True when nothing differs from the original's 28 px row of unchanged digits."""
        return (
            self.height == DIGIT_SIZE
            and self.jitter_y in (None, (0, 0))
            and self.style.is_plain
            and self.noise == 0
            and self.blur == 0
        )

    @property
    def y_range(self) -> tuple[int, int]:
        if self.jitter_y is None:
            centre = (self.height - DIGIT_SIZE) // 2
            return centre, centre
        return self.jitter_y

    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from no variation, JSON-ready (empty when plain)."""
        out: dict[str, Any] = {}
        if self.height != DIGIT_SIZE:
            out["height"] = self.height
        if self.jitter_y is not None:
            out["jitter_y"] = list(self.jitter_y)
        out.update(self.style.to_dict())
        for name in ("noise", "blur"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out

    @classmethod
    def from_dict(cls, values: object) -> Variation:
        """Inverse of to_dict; a missing field means no variation in it."""
        if values is not None and not isinstance(values, Mapping):
            raise StyleError(f"variation {values!r} is not a mapping of its fields")
        values = dict(values or {})
        style = {k: values.pop(k) for k in list(values) if k in DigitStyle.__dataclass_fields__}
        unknown = sorted(set(values) - {"height", "jitter_y", "noise", "blur"})
        if unknown:
            raise StyleError(f"unknown variation field(s): {', '.join(unknown)}")
        jitter = values.pop("jitter_y", None)
        return cls(
            style=DigitStyle.from_dict(style),
            jitter_y=None if jitter is None else tuple(jitter),
            **values,
        )


NO_VARIATION = Variation()  # shared: a Variation is immutable


def render_varied(
    bank: DigitBank,
    indices: np.ndarray,
    x: np.ndarray,
    width: int,
    variation: Variation,
    white_on_black: bool,
    dtype: DTypeLike,
    seed: int,
    items: np.ndarray,
    overlap: bool,
    active: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pixels (N, H, W), y offsets (N, n), ink boxes (N, n, 4)) of a varied batch.

    Digit indices[r, j] has its cell's left edge at x[r, j]; with `overlap`, neighbours
    may overlap; `active` (N, n) bool, if given, leaves out the digits it marks False.
    Row r depends only on (seed, items[r]): vertical offsets, styles and noise are keyed
    draws like the digits and gaps.
    """
    n = indices.shape[1]
    y = draw_offsets_y(*variation.y_range, seed, items, n)
    style = variation.style
    draws = None if style.is_plain else draw_styles(style, seed, items, n)
    finish = variation.noise > 0 or variation.blur > 0
    pixels, ink = render_canvas(
        bank,
        indices,
        x,
        y,
        variation.height,
        width,
        draws=draws,
        white_on_black=white_on_black,
        dtype=np.uint8 if finish else dtype,
        overlap=overlap,
        active=active,
    )
    if finish:
        background = 0 if white_on_black else 255
        rows = max(1, _FINISH_BYTES // (16 * variation.height * width))  # ~4 float32 copies
        for start in range(0, len(pixels), rows):
            part = slice(start, start + rows)
            _finish(pixels[part], variation, background, seed, items[part])
        if np.dtype(dtype) != np.uint8:
            pixels = np.divide(pixels, np.float32(255), dtype=np.float32)
    return pixels, y, ink


def _finish(
    images: np.ndarray, variation: Variation, background: int, seed: int, items: np.ndarray
) -> None:
    """Blur, then add noise to uint8 images in place (rounded, clipped to 0..255)."""
    work = images.astype(np.float32)
    if variation.blur > 0:
        work = _blur(work, variation.blur, float(background))
    if variation.noise > 0:
        height, width = images.shape[1:]
        draws = keyed_uint32(seed, items, STREAM_NOISE, height * width)
        # The sum of a draw's four bytes is close to normal (mean 510, sd 147.8): one
        # draw per pixel, no transcendental functions, the same on every platform.
        # The four bytes summed in 16-bit lanes (far faster than a sum over a length-4
        # axis, and the same integers).
        pairs = (draws & _LOW_BYTES) + ((draws >> np.uint32(8)) & _LOW_BYTES)
        total = (pairs & np.uint32(0xFFFF)) + (pairs >> np.uint32(16))
        unit = (total.astype(np.float32) - np.float32(510.0)) / np.float32(_BYTE_SUM_SD)
        work += unit.reshape(images.shape) * np.float32(variation.noise)
    np.clip(np.rint(work), 0, 255, out=work)
    images[...] = work


_BYTE_SUM_SD = math.sqrt(4 * (256**2 - 1) / 12)
_LOW_BYTES = np.uint32(0x00FF00FF)


def _blur(images: np.ndarray, sigma: float, background: float) -> np.ndarray:
    """Separable Gaussian blur (radius 3 sigma); outside the image is background."""
    radius = max(1, math.ceil(3 * sigma))
    weights = [math.exp(-(k * k) / (2 * sigma * sigma)) for k in range(-radius, radius + 1)]
    weights = [np.float32(w / sum(weights)) for w in weights]
    for axis in (1, 2):
        pad = [(0, 0)] * 3
        pad[axis] = (radius, radius)
        padded = np.pad(images, pad, constant_values=background)
        size = images.shape[axis]
        out = np.zeros_like(images)
        for k, w in enumerate(weights):
            window = [slice(None)] * 3
            window[axis] = slice(k, k + size)
            out += padded[tuple(window)] * w
        images = out
    return images
