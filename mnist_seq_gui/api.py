"""The original project's API, seed-compatible: `MNIST_Sequence_API().generate_mnist_sequence(...)`.

A thin door onto the core. A call is a recipe (core.Recipe: the spacing range and width
given, the original's strict fill rule unless `placement=` says otherwise, and any other
recipe field by its name, `variation=` included) and a seed. Each call without a seed
draws a fresh one from the object's own numpy Generator, so results vary call to call
(as the original's did) yet every image can be made again from its Composition's seed.

Every method checks its arguments and raises only the project's own errors: an
InputError (a ValueError) for any argument that cannot work, an OutputError when a file
cannot be written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .core import (
    DIGIT_SIZE,
    MAX_HEIGHT,
    MAX_SEED,
    Composition,
    InputError,
    MnistSeqError,
    Recipe,
    SequenceError,
    SpacingError,
    as_digits,
    compose,
    compose_batch,
    load_bank,
    new_seeds,
    output_dtype,
    resolve,
    sequences,
    whole_number,
)
from .files import composition_text, write_png

# generate_data returns every image in one array; past this, use SequenceDataset, which
# makes any number of items batch by batch.
MAX_SAMPLES = 10_000_000
_SEED_BLOCK = 64
_KEPT_RECIPES = 256


def _folder(name: str, value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"{name} {value!r} is not a folder path; pass a str or pathlib.Path")
    return Path(value)


def _pixels(img: Any) -> np.ndarray:
    """An H x W image (H from 28 to MAX_HEIGHT) of float pixels in [0, 1] or uint8."""
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
    of the digits, "all" from every digit; calls may override it.
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
        self.pool = Recipe(pool=pool).pool
        self.bank = load_bank(None if data_dir is None else _folder("data_dir", data_dir))
        self._rng = np.random.default_rng(seed)
        self._seeds: list[int] = []
        self._recipes: dict[Any, Recipe] = {}

    def _next_seed(self, seed: int | None) -> int:
        if seed is not None and type(seed) is int and 0 <= seed <= MAX_SEED:
            return seed
        if seed is not None:
            return whole_number("seed", seed, 0, MAX_SEED)
        if not self._seeds:
            # A block of seeds costs about what one does: the same seeds, in the same
            # order, as one new_seed(self._rng) per call.
            self._seeds = new_seeds(self._rng, _SEED_BLOCK)[::-1]
        return self._seeds.pop()

    def recipe(self, spacing_range: Any, image_width: int | None, **fields: Any) -> Recipe:
        """The recipe of a call: the spacing range and width given, this object's pool,
        the original's strict fill rule, and `fields` (rule, white_on_black, placement,
        pool, variation, ...) by their names. Kept: a loop of calls checks it once."""
        key: Any = (spacing_range, image_width, *sorted(fields.items()))
        try:
            return self._recipes[key]
        except KeyError:
            pass
        except TypeError:  # holding an unhashable value (a dict): made anew each call
            key = None
        try:
            lo, hi = spacing_range
        except (TypeError, ValueError):
            raise SpacingError(
                f"spacing_range {spacing_range!r} is not a (min, max) pair; pass e.g. (0, 10)"
            ) from None
        options = {"pool": self.pool, "placement": "fill", **fields}
        made = Recipe().replace(width=image_width, spacing=(lo, hi), **options)
        if key is not None and len(self._recipes) < _KEPT_RECIPES:
            self._recipes[key] = made
        return made

    def compose(
        self,
        digits: Any,
        spacing_range: tuple[int, int],
        image_width: int,
        *,
        seed: int | None = None,
        dtype: DTypeLike = np.float32,
        **fields: Any,
    ) -> Composition:
        """Like generate_mnist_sequence, returning the pixels with their metadata."""
        recipe = self.recipe(spacing_range, image_width, **fields)
        drawn = self._next_seed(seed)
        try:
            return compose(self.bank, recipe, digits, drawn, dtype=dtype)
        except MnistSeqError:
            if seed is None:  # a refused call uses up no seed: later calls stay as they were
                self._seeds.append(drawn)
            raise

    def generate_mnist_sequence(
        self, digits: Any, spacing_range: tuple[int, int], image_width: int, **options: Any
    ) -> np.ndarray:
        """A (28, image_width) float32 image in [0, 1]: dark digits on white by default.

        Options as for `compose`: seed, dtype, and any recipe field (rule, white_on_black,
        pool, placement, variation: whose height makes the image taller).
        """
        return self.compose(digits, spacing_range, image_width, **options).pixels

    def save_image(
        self, img: np.ndarray, sequence: Any, directory: str | os.PathLike[str] = "."
    ) -> Path:
        """Write `img` unscaled as an 8-bit greyscale PNG named like '3-5-0.png'.

        img: (H, W) float pixels (H >= 28) in [0, 1] (values outside are clipped) or uint8.
        """
        pixels = _pixels(img)
        name = "-".join(map(str, as_digits(sequence))) + ".png"
        return write_png(_folder("directory", directory) / name, pixels)

    def save_composition(self, comp: Composition, directory: str | os.PathLike[str] = ".") -> Path:
        """Write a composition as PNG, its recipe in the PNG's text chunks."""
        if not isinstance(comp, Composition):
            raise InputError(f"{type(comp).__name__} is not a Composition; pass what compose made")
        path = _folder("directory", directory) / ("-".join(map(str, comp.digits)) + ".png")
        return write_png(path, comp.pixels, composition_text(comp, self.bank.source))

    def generate_data(
        self,
        num_samples: int,
        seq_len: int,
        spacing_range: tuple[int, int] = (0, 0),
        image_width: int | None = None,
        *,
        seed: int | None = None,
        dtype: DTypeLike = np.float32,
        **fields: Any,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(images (N, H, W), labels (N, seq_len)) of random digit sequences, vectorised.

        num_samples: 0..MAX_SAMPLES (10,000,000), and no more than the memory free now
        can hold; SequenceDataset makes any number, batch by batch. image_width defaults
        to the narrowest valid width for the spacing range.
        """
        count = whole_number("num_samples", num_samples, 0, MAX_SAMPLES, error=SequenceError)
        length = whole_number("seq_len", seq_len, 1, 1024, error=SequenceError)
        recipe = resolve(
            self.recipe(spacing_range, image_width, **fields), range(length, length + 1)
        )
        self._check_memory(count, recipe, output_dtype(dtype))
        seed = self._next_seed(seed)
        items = np.arange(count, dtype=np.uint64)
        _, labels = sequences(seed, items, range(length, length + 1))
        batch = compose_batch(self.bank, recipe, labels, seed, items=items, dtype=dtype)
        return batch.pixels, labels

    @staticmethod
    def _check_memory(count: int, recipe: Recipe, dtype: np.dtype) -> None:
        height, width = recipe.variation.height, recipe.width or 0
        need = count * height * width * dtype.itemsize
        free = _available_memory()
        if free is not None and need > free:
            raise InputError(
                f"{count:,} images of {height} x {width} {dtype} need {need / 1e9:,.1f} GB, "
                f"more than the {free / 1e9:,.1f} GB of memory free; ask for fewer, or use "
                "SequenceDataset, which makes any number batch by batch"
            )
