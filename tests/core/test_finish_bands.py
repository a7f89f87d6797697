"""Blur and noise of a huge image go in bands of rows (core/render.py `_finish`), so its
float work never holds the whole image; every pixel must come out as it does in one go."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import Recipe, bundled_bank, compose_batch
from mnist_seq_gui.core import render as render_module
from mnist_seq_gui.core.draws import noise_draws

BANK = bundled_bank()


def _images(recipe: Recipe, digits: list[list[int]]) -> np.ndarray:
    return compose_batch(BANK, recipe, digits, 11, items=[5, 900_000_000_001]).pixels


@pytest.mark.parametrize("blur", [(0.0, 0.0), (0.6, 0.6), (0.1, 4.0)])
@pytest.mark.parametrize("band_bytes", [1, 120 * 1024, 900 * 1024])
def test_bands_of_any_height_give_the_pixels_of_one_pass(monkeypatch, blur, band_bytes):
    recipe = Recipe(
        spacing=(0, 30),
        rule="random",
        placement="free",
        width=440,
        variation={"height": 120, "jitter_y": (0, 92), "noise": (0.0, 40.0), "blur": blur},
    )
    digits = [[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]]
    whole = _images(recipe, digits)
    # 48 bytes a pixel of work: 1 byte gives bands of the blur's radius (or of one row),
    # 120 kB bands of 2 rows (or the radius), 900 kB of 21; 120 rows never divide evenly
    monkeypatch.setattr(render_module, "_WORK_BYTES", band_bytes)
    banded = _images(recipe, digits)
    assert whole.shape == (2, 120, 440)
    assert (whole != 255).any() and len(np.unique(whole)) > 100  # noised and blurred ink
    np.testing.assert_array_equal(banded, whole)


def test_noise_drawn_in_parts_equals_noise_drawn_at_once():
    items = np.array([0, 7, 2**62], dtype=np.uint64)
    whole = noise_draws(4, items, 5000)
    parts = [noise_draws(4, items, 1000, first=start) for start in range(0, 5000, 1000)]
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), whole)
    np.testing.assert_array_equal(noise_draws(4, items, 10, first=1020), whole[:, 1020:1030])


class _Stop(Exception):
    pass


def test_a_checkpoint_stops_one_huge_image_between_its_bands():
    """An export's stop reaches inside one image: checkpoint runs between bands of blur and
    noise, and what it raises ends the batch."""
    recipe = Recipe(width=20_000, variation={"height": 600, "noise": (10.0, 10.0)})
    calls = []

    def checkpoint() -> None:
        calls.append(len(calls))
        if len(calls) == 3:
            raise _Stop

    with pytest.raises(_Stop):
        compose_batch(BANK, recipe, [[1, 2, 3]], 5, checkpoint=checkpoint)
    assert calls == [0, 1, 2]  # 12 M pixels: many bands, stopped at the third call
    every = []
    compose_batch(BANK, recipe, [[1, 2, 3]], 5, checkpoint=lambda: every.append(1))
    assert len(every) > 5
