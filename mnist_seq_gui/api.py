"""The seed-compatible Python API: `MNIST_Sequence_API().generate_mnist_sequence(...)`.

A thin door onto the core. Each call without an explicit seed draws a fresh one from
the object's own numpy Generator, so results vary call to call (as the original's did)
yet every image can be reproduced from the seed recorded in its Composition.

Every method checks its arguments and raises only the project's own errors: an
InputError (a ValueError; SequenceError, SpacingError and DataError are kinds of it) for
any argument that cannot work, an OutputError when a file cannot be written.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .core import (
    DIGIT_SIZE,
    MAX_HEIGHT,
    MAX_SEED,
    NO_VARIATION,
    Composition,
    InputError,
    SequenceError,
    SpacingError,
    Variation,
    as_digits,
    check_pool,
    compose,
    compose_batch,
    file_stem,
    load_bank,
    new_seeds,
    plain_pixels,
    random_sequences,
    sequence_spec,
    valid_widths,
    whole_number,
)
from .files import composition_text, write_png

# generate_data returns every image in one array; past this, use SequenceDataset, which
# makes any number of items batch by batch.
MAX_SAMPLES = 10_000_000
_DTYPES = (np.dtype(np.float32), np.dtype(np.uint8))
_SEED_BLOCK = 64


def _spacing_pair(spacing_range: Any) -> tuple[int, int]:
    try:
        lo, hi = spacing_range
    except (TypeError, ValueError):
        raise SpacingError(
            f"spacing_range {spacing_range!r} is not a (min, max) pair; pass e.g. (0, 10)"
        ) from None
    return lo, hi


def _dtype(dtype: Any) -> DTypeLike:
    if dtype is np.float32 or dtype is np.uint8:
        return dtype  # as given: the core's single-image path knows these at once
    try:
        checked = np.dtype(dtype)
        if checked in _DTYPES:
            return checked
    except (TypeError, ValueError):
        pass
    raise InputError(f"dtype {dtype!r} is not supported; use np.float32 or np.uint8")


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} {value!r} must be True or False")
    return bool(value)


def _folder(name: str, value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} {value!r} is not a folder path; pass a str or pathlib.Path")
    return Path(value)


def _pixels(img: Any) -> np.ndarray:
    """An H x W image (H from 28 to MAX_HEIGHT) of float pixels in [0, 1] or uint8, else
    InputError saying why."""
    try:
        pixels = np.asarray(img)
    except (TypeError, ValueError):
        pixels = np.asarray(None)
    if pixels.dtype != np.uint8 and pixels.dtype.kind != "f":
        raise InputError(
            f"image of type {type(img).__name__} (dtype {pixels.dtype}) is not a sequence "
            "image; pass float pixels in [0, 1] or uint8, shape (28, W) or taller"
        )
    if pixels.ndim != 2 or not DIGIT_SIZE <= pixels.shape[0] <= MAX_HEIGHT or pixels.shape[1] < 1:
        raise InputError(
            f"image of shape {pixels.shape} is not a sequence image (28..{MAX_HEIGHT:,} x W)"
        )
    if pixels.dtype.kind == "f" and not np.isfinite(pixels).all():
        raise InputError("image holds NaN or infinite values; pass pixels in [0, 1]")
    return pixels


def _available_memory() -> int | None:
    """Bytes of memory the system could give now (Linux's MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


class MNIST_Sequence_API:
    """Generate images of digit sequences; loads its digit data once, at construction.

    data_dir: a folder holding one MNIST-style IDX pair or a training and a test set (or
    an images file); the bundled MNIST test set when None. seed: seeds the object's
    Generator, for runs that repeat. pool: "train" or "test" draws only from that pool
    of the digits (core/source.py), "all" from every digit; calls may override it.
    Every call takes `variation` (core.Variation: height, jitter, per-digit style,
    noise, blur); spacing may go down to -14 (neighbours overlap).
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        seed: int | None = None,
        *,
        pool: str = "all",
    ) -> None:
        if seed is not None:
            seed = whole_number("seed", seed, 0)
        self.bank = load_bank(None if data_dir is None else _folder("data_dir", data_dir))
        self.pool = check_pool(pool)
        self._rng = np.random.default_rng(seed)
        self._seeds: list[int] = []

    def _next_seed(self, seed: int | None) -> int:
        if seed is not None:
            if type(seed) is int and 0 <= seed <= MAX_SEED:
                return seed
            return whole_number("seed", seed, 0, MAX_SEED)
        if not self._seeds:
            # A block of seeds costs about what one does: the same seeds, in the same
            # order, as one new_seed(self._rng) per call.
            self._seeds = new_seeds(self._rng, _SEED_BLOCK)[::-1]
        return self._seeds.pop()

    def compose(
        self,
        digits: Any,
        spacing_range: tuple[int, int],
        image_width: int,
        *,
        seed: int | None = None,
        rule: str = "uniform",
        white_on_black: bool = False,
        dtype: DTypeLike = np.float32,
        pool: str | None = None,
        variation: Variation | None = None,
    ) -> Composition:
        """Like generate_mnist_sequence, returning the pixels with their metadata."""
        lo, hi = _spacing_pair(spacing_range)
        polarity = _flag("white_on_black", white_on_black)
        spec = sequence_spec(digits, image_width, lo, hi, rule, polarity)
        pool = self.pool if pool is None else pool
        if pool != "all" or variation is not None:
            spec = dataclasses.replace(spec, pool=pool, variation=variation or NO_VARIATION)
        return compose(self.bank, spec, self._next_seed(seed), dtype=_dtype(dtype))

    def generate_mnist_sequence(
        self, digits: Any, spacing_range: tuple[int, int], image_width: int, **options: Any
    ) -> np.ndarray:
        """A (28, image_width) float32 image in [0, 1]: dark digits on white by default.

        Options as for `compose`: seed, rule ("uniform" or "random"), white_on_black,
        dtype, pool, variation (whose height makes the image taller).
        """
        if not options and self.pool == "all":
            # The original's call: pixels only, so no Composition is made around them. The
            # checks and the seed drawn are compose's, in the same order.
            lo, hi = _spacing_pair(spacing_range)
            spec = sequence_spec(digits, image_width, lo, hi)
            if spec.is_plain:
                return plain_pixels(self.bank, spec, self._next_seed(None))
        return self.compose(digits, spacing_range, image_width, **options).pixels

    def save_image(
        self, img: np.ndarray, sequence: Any, directory: str | os.PathLike[str] = "."
    ) -> Path:
        """Write `img` unscaled as an 8-bit greyscale PNG named like '3-5-0.png'.

        img: (H, W) float pixels (H >= 28) in [0, 1] (values outside are clipped) or uint8.
        """
        pixels = _pixels(img)
        name = f"{file_stem(as_digits(sequence))}.png"
        return write_png(_folder("directory", directory) / name, pixels)

    def save_composition(self, comp: Composition, directory: str | os.PathLike[str] = ".") -> Path:
        """Write a composition as PNG, its parameters in the PNG's text chunks."""
        if not isinstance(comp, Composition):
            raise InputError(f"{type(comp).__name__} is not a Composition; pass what compose made")
        path = _folder("directory", directory) / f"{file_stem(comp.spec.digits)}.png"
        return write_png(path, comp.pixels, composition_text(comp, self.bank.source))

    def generate_data(
        self,
        num_samples: int,
        seq_len: int,
        spacing_range: tuple[int, int] = (0, 0),
        image_width: int | None = None,
        *,
        seed: int | None = None,
        rule: str = "uniform",
        dtype: DTypeLike = np.float32,
        pool: str | None = None,
        variation: Variation | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(images (N, H, W), labels (N, seq_len)) of random digit sequences, vectorised.

        num_samples: 0..MAX_SAMPLES (10,000,000), and no more than the memory free now
        can hold; SequenceDataset makes any number, batch by batch. image_width defaults
        to the narrowest valid width for the spacing range.
        """
        lo, hi = _spacing_pair(spacing_range)
        num_samples = whole_number("num_samples", num_samples, 0, MAX_SAMPLES, error=SequenceError)
        seq_len = whole_number("seq_len", seq_len, 1, None, error=SequenceError)
        dtype = np.dtype(_dtype(dtype))
        if image_width is None:
            widths = valid_widths(seq_len, lo, hi, rule)
            image_width = widths[0] if widths else 28 * seq_len + (seq_len - 1) * lo
        if isinstance(image_width, (int, np.integer)) and not isinstance(image_width, bool):
            self._check_memory(num_samples, int(image_width), dtype)
        seed = self._next_seed(seed)
        items = np.arange(num_samples, dtype=np.uint64)
        _, labels = random_sequences(seed, items, seq_len, seq_len)
        batch = compose_batch(
            self.bank,
            labels,
            image_width,
            lo,
            hi,
            rule,
            seed=seed,
            items=items,
            dtype=dtype,
            pool=self.pool if pool is None else pool,
            variation=variation,
        )
        return batch.pixels, labels

    @staticmethod
    def _check_memory(num_samples: int, width: int, dtype: np.dtype) -> None:
        need = num_samples * DIGIT_SIZE * max(width, 0) * dtype.itemsize
        free = _available_memory()
        if free is not None and need > free:
            raise InputError(
                f"{num_samples:,} images of 28 x {width} {dtype} need {need / 1e9:,.1f} GB, "
                f"more than the {free / 1e9:,.1f} GB of memory free; ask for fewer, or use "
                "SequenceDataset, which makes any number batch by batch"
            )
