"""The seed-compatible Python API: `MNIST_Sequence_API().generate_mnist_sequence(...)`.

A thin door onto the core. Each call without an explicit seed draws a fresh one from
the object's own numpy Generator, so results vary call to call (as the original's did)
yet every image can be reproduced from the seed recorded in its Composition.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .core import (
    Composition,
    SequenceError,
    SequenceSpec,
    SpacingError,
    as_digits,
    compose,
    compose_batch,
    file_stem,
    load_bank,
    new_seed,
    random_sequences,
    valid_widths,
)
from .files import composition_text, write_png


def _spacing_pair(spacing_range: Any) -> tuple[int, int]:
    try:
        lo, hi = spacing_range
    except (TypeError, ValueError):
        raise SpacingError(
            f"spacing_range {spacing_range!r} is not a (min, max) pair; pass e.g. (0, 10)"
        ) from None
    return lo, hi


class MNIST_Sequence_API:
    """Generate images of digit sequences; loads its digit data once, at construction.

    data_dir: a folder holding one MNIST-style IDX pair (or its images file); the bundled
    MNIST test set when None. seed: seeds the object's Generator, for runs that repeat.
    """

    def __init__(
        self, data_dir: str | os.PathLike[str] | None = None, seed: int | None = None
    ) -> None:
        self.bank = load_bank(data_dir)
        self._rng = np.random.default_rng(seed)

    def _next_seed(self, seed: int | None) -> int:
        return new_seed(self._rng) if seed is None else seed

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
    ) -> Composition:
        """Like generate_mnist_sequence, returning the pixels with their metadata."""
        lo, hi = _spacing_pair(spacing_range)
        spec = SequenceSpec(as_digits(digits), image_width, lo, hi, rule, white_on_black)
        return compose(self.bank, spec, self._next_seed(seed), dtype=dtype)

    def generate_mnist_sequence(
        self, digits: Any, spacing_range: tuple[int, int], image_width: int, **options: Any
    ) -> np.ndarray:
        """A (28, image_width) float32 image in [0, 1]: dark digits on white by default.

        Options as for `compose`: seed, rule ("uniform" or "random"), white_on_black.
        """
        return self.compose(digits, spacing_range, image_width, **options).pixels

    def save_image(
        self, img: np.ndarray, sequence: Any, directory: str | os.PathLike[str] = "."
    ) -> Path:
        """Write `img` unscaled as an 8-bit greyscale PNG named like '3-5-0.png'."""
        img = np.asarray(img)
        if img.ndim != 2 or img.shape[0] != 28:
            raise SequenceError(f"image of shape {img.shape} is not a 28 x W sequence image")
        return write_png(Path(directory) / f"{file_stem(as_digits(sequence))}.png", img)

    def save_composition(self, comp: Composition, directory: str | os.PathLike[str] = ".") -> Path:
        """Write a composition as PNG, its parameters in the PNG's text chunks."""
        path = Path(directory) / f"{file_stem(comp.spec.digits)}.png"
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
    ) -> tuple[np.ndarray, np.ndarray]:
        """(images (N, 28, W), labels (N, seq_len)) of random digit sequences, vectorised.

        image_width defaults to the narrowest valid width for the spacing range.
        """
        lo, hi = _spacing_pair(spacing_range)
        if (
            isinstance(num_samples, bool)
            or not isinstance(num_samples, (int, np.integer))
            or num_samples < 0
        ):
            raise SequenceError(f"num_samples {num_samples!r} must be a whole number >= 0")
        if isinstance(seq_len, bool) or not isinstance(seq_len, (int, np.integer)) or seq_len < 1:
            raise SequenceError(f"seq_len {seq_len!r} must be a whole number >= 1")
        if image_width is None:
            widths = valid_widths(seq_len, lo, hi, rule)
            image_width = widths[0] if widths else 28 * seq_len + (seq_len - 1) * lo
        seed = self._next_seed(seed)
        items = np.arange(num_samples, dtype=np.uint64)
        _, labels = random_sequences(seed, items, seq_len, seq_len)
        batch = compose_batch(
            self.bank, labels, image_width, lo, hi, rule, seed=seed, items=items, dtype=dtype
        )
        return batch.pixels, labels
