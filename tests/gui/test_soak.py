"""Soak: 10,000 random changes through the window's own controls.

Every kind of change a user makes (typing, sliders, spin boxes, rule, polarity, seed,
sample, rerolls of the seed and of single digits, gallery on and off, zoom, every
numeric field the recipe declares, variation included: the pool, both ends of every
range, "No variation", ink boxes) in a random order from a fixed seed. At the end the
image shown is the one the recipe describes, Qt said nothing (qt_log_level_fail),
memory did not grow, and closing joins both threads.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.gui.drawing import compose_recipe
from mnist_seq_gui.gui.image_view import FIT, ZOOM_STEPS
from mnist_seq_gui.gui.number_rows import RangeRow

from .conftest import TIMEOUT_MS, shown_pixels, wait_for_latest

CHANGES = 10_000
# The core keeps bounded caches keyed by what is drawn (per bank and pool: glyph and row
# tables; per style grid: sampling maps; rows padded for the last gap), and their size
# moves with the parameters. So the second half replays the first half's changes: the
# caches then go through the same states, while anything kept per change (a leak) grows
# again. RSS is compared at the end of each half.
HALF = CHANGES // 2
SEED = 20241127


def rss_bytes() -> int:
    """Resident memory, after garbage collection and after glibc has handed its free
    pages back (malloc_trim): memory freed but kept by the allocator is no leak."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS as it is
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _owned_bytes(value: object, seen: set[int]) -> int:
    """Bytes of the numpy buffers `value` owns, through dicts, lists and attributes."""
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return value.nbytes if value.base is None else 0
    if isinstance(value, dict):
        return sum(_owned_bytes(v, seen) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_owned_bytes(v, seen) for v in value)
    if hasattr(value, "__dict__") and type(value).__module__.startswith("mnist_seq_gui.core"):
        return _owned_bytes(vars(value), seen)
    return 0


def core_cache_bytes() -> int:
    """Bytes in the core's bounded caches, which fill and empty with what is drawn: each
    digit bank's tables (glyph tables, rows padded for the last gap used, the pools' own
    banks) and the sampling maps of core/warp.py (up to 4,096 of 12.5 kB per style grid,
    last four grids; only the rows made count, the rest is never touched)."""
    seen: set[int] = set()
    total = 0
    for obj in gc.get_objects():
        kind = type(obj).__name__
        if kind == "DigitBank":
            total += _owned_bytes(obj._tables, seen)
        elif kind == "_MapCache":
            total += len(obj.rows) * 28 * 28 * 16
    return total


def _changes(window, rng: np.random.Generator):
    panel = window.panel

    def sequence() -> None:
        length = int(rng.integers(1, 13))
        panel.sequence_edit.setText("".join(map(str, rng.integers(0, 10, length))))

    def width_slider() -> None:
        slider = panel.width_slider
        slider.setValue(int(rng.integers(slider.minimum(), slider.maximum() + 1)))

    def width_spin() -> None:  # any width, valid or not: the bar explains a bad one
        panel.width_spin.setValue(int(rng.integers(28, 800)))

    def number_row() -> None:
        row = panel.rows[str(rng.choice(sorted(panel.rows)))]
        if isinstance(row, RangeRow):
            control = row.low if rng.random() < 0.5 else row.high
        else:
            control = row.slider if rng.random() < 0.5 else row.spin
        low, high = control.minimum(), min(control.maximum(), 60)
        if isinstance(control, QDoubleSpinBox):
            control.setValue(float(rng.uniform(low, high)))
        else:
            control.setValue(int(rng.integers(low, high + 1)))

    def pool() -> None:
        panel.pool_combo.setCurrentIndex(int(rng.integers(0, panel.pool_combo.count())))

    def no_variation() -> None:
        if rng.random() < 0.2:  # rarely: the ranges should have time to pile up
            panel.variation.clear_button.click()

    def ink_boxes() -> None:
        window.ink_boxes_action.trigger()

    def rule() -> None:
        panel.rule_combo.setCurrentIndex(int(rng.integers(0, panel.rule_combo.count())))

    def polarity() -> None:
        panel.white_on_black_check.toggle()

    def seed() -> None:
        panel.seed_spin.setValue(int(rng.integers(0, 2**63 - 1)))

    def item() -> None:
        panel.item_spin.setValue(int(rng.integers(0, 100)))

    def reroll() -> None:
        window.reroll_action.trigger()

    def reroll_digit() -> None:
        result = window.result()
        if result is not None:
            window.samples.reroll_digit(int(rng.integers(0, len(result.composition.indices))))

    def offered_width() -> None:
        for button in window.problem_bar.offer_buttons:
            if button.isVisibleTo(window):
                button.click()
                return

    def gallery() -> None:
        window.gallery_action.trigger()

    def sample() -> None:
        count = len(window.gallery.canvas.images())
        if count:
            window.samples.use_sample(int(rng.integers(0, count)))

    def zoom() -> None:
        window.set_zoom(int(rng.choice((FIT, *ZOOM_STEPS[:6]))))

    kinds = [sequence, width_slider, width_spin, number_row, number_row, number_row, rule,
             polarity, seed, item, reroll, reroll_digit, offered_width, offered_width, gallery,
             sample, zoom, pool, no_variation, ink_boxes]  # fmt: skip
    while True:
        yield kinds[int(rng.integers(0, len(kinds)))]


@pytest.mark.slow
def test_ten_thousand_random_changes(qtbot, window):
    changes = _changes(window, np.random.default_rng(SEED))
    start_rss = start_caches = 0
    for n in range(CHANGES):
        if n == HALF:
            wait_for_latest(qtbot, window)
            start_rss, start_caches = rss_bytes(), core_cache_bytes()
            changes = _changes(window, np.random.default_rng(SEED))  # the same again
        next(changes)()
        if n % 20 == 0:
            QApplication.processEvents()  # let results arrive, as a user's pauses do
    # End on an image: plain digits and an offered width if the last change left a problem
    # (the variation stays unless it is the problem).
    if window.problem_text():
        window.model.set("sequence", "2024")
        window.model.set("width", window.model.widths()[0])
    if window.problem_text():
        window.model.clear_variation()
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    recipe = window.model.recipe()
    assert window.result().recipe == recipe
    assert np.array_equal(shown_pixels(window), compose_recipe(bundled_bank(), recipe).pixels)
    rss_growth = (rss_bytes() - start_rss) / 2**20
    caches_growth = (core_cache_bytes() - start_caches) / 2**20
    growth = rss_growth - caches_growth
    print(
        f"soak: {CHANGES:,} changes; over the replayed half RSS grew {rss_growth:.1f} MiB, "
        f"the core's caches {caches_growth:.1f} MiB: {growth:.1f} MiB besides them"
    )
    print(f"soak: the image shown at the end: {recipe}")
    assert growth < 20
    window.close()
    qtbot.waitUntil(lambda: not window._render.isRunning(), timeout=TIMEOUT_MS)
    assert not window._gallery_thread.isRunning()
