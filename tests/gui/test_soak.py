"""Soak: 10,000 random changes through the window's own controls.

Every kind of change a user makes (typing, sliders, spin boxes, rule, polarity, seed,
sample, rerolls of the seed and of single digits, gallery on and off, zoom, every
field of the table through its row: numbers, both ends of every range, the choices,
"No variation", ink boxes) in a random order from a fixed seed. At the end the
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

from mnist_seq_gui.core import warp
from mnist_seq_gui.gui.preview import FIT, ZOOM_STEPS
from mnist_seq_gui.gui.rows import ChoiceRow, FlagRow, RangeRow

from .conftest import TIMEOUT_MS, session_pixels, shown_pixels, wait_for_latest

CHANGES = 10_000
# The second half replays the first half's changes, so that whatever is made once (Qt's
# caches, lazily built widgets) is made in the first; anything kept per change (a leak)
# grows again in the second. RSS is compared at the end of each half, with the core's
# bounded caches emptied both times: their size follows the last few recipes drawn (per
# bank and pool: glyph and row tables; per style grid: sampling maps), not the count.
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


def drop_core_caches() -> None:
    """Empty the core's bounded caches, which fill and empty with what is drawn: each
    digit bank's tables (glyph tables, rows padded for the last gap used, the pools' own
    banks) and the sampling maps of core/warp.py. Called only while nothing is drawn."""
    for obj in gc.get_objects():
        if type(obj).__name__ == "DigitBank":
            obj._tables.clear()
    warp._cache_for.cache_clear()
    warp._grid.cache_clear()


def settled_rss(qtbot, window) -> int:
    """RSS once both render threads are idle and their answers delivered, with the
    core's caches dropped: what they hold depends on the last few recipes, while a leak
    grows with every change."""
    wait_for_latest(qtbot, window)
    qtbot.waitUntil(window._gallery_thread.is_idle, timeout=TIMEOUT_MS)
    QApplication.processEvents()
    assert window._render.is_idle()
    drop_core_caches()
    return rss_bytes()


def _changes(window, rng: np.random.Generator):
    panel = window.panel

    def sequence() -> None:
        length = int(rng.integers(1, 13))
        panel.sequence_edit.setText("".join(map(str, rng.integers(0, 10, length))))

    def width_slider() -> None:
        slider = panel.rows["width"].slider
        slider.setValue(int(rng.integers(slider.minimum(), slider.maximum() + 1)))

    def width_spin() -> None:  # any width, valid or not: the bar explains a bad one
        panel.rows["width"].spin.setValue(int(rng.integers(28, 800)))

    def number_row() -> None:
        numbers = [n for n, r in panel.rows.items() if not isinstance(r, (ChoiceRow, FlagRow))]
        row = panel.rows[str(rng.choice(numbers))]
        if isinstance(row, RangeRow):
            control = row.low if rng.random() < 0.5 else row.high
        else:
            control = row.slider if rng.random() < 0.5 else row.spin
        low = control.minimum()
        high = min(control.maximum(), max(low, 0) + 60)  # the usual values, mostly
        if isinstance(control, QDoubleSpinBox):
            control.setValue(float(rng.uniform(low, high)))
        else:
            control.setValue(int(rng.integers(low, high + 1)))

    def choice() -> None:  # rule, placement or pool
        combo = panel.rows[str(rng.choice(["rule", "placement", "pool"]))].combo
        combo.setCurrentIndex(int(rng.integers(0, combo.count())))

    def no_variation() -> None:
        if rng.random() < 0.2:  # rarely: the ranges should have time to pile up
            panel.clear_button.click()

    def ink_boxes() -> None:
        window.actions_.ink_boxes.trigger()

    def polarity() -> None:
        panel.rows["white_on_black"].check.toggle()

    def seed() -> None:
        panel.seed_spin.setValue(int(rng.integers(0, 2**63 - 1)))

    def item() -> None:
        panel.item_spin.setValue(int(rng.integers(0, 100)))

    def reroll() -> None:
        window.actions_.reroll.trigger()

    def reroll_digit() -> None:
        result = window.result()
        if result is not None:
            window.reroll_digit(int(rng.integers(0, len(result.composition.indices))))

    def offered_width() -> None:
        for button in window.problem_bar.offer_buttons:
            if button.isVisibleTo(window):
                button.click()
                return

    def gallery() -> None:
        window.actions_.gallery.trigger()

    def sample() -> None:
        count = len(window.gallery.canvas.images())
        if count:
            window.use_sample(int(rng.integers(0, count)))

    def zoom() -> None:
        window.image_page.set_zoom(int(rng.choice((FIT, *ZOOM_STEPS[:6]))))

    kinds = [sequence, width_slider, width_spin, number_row, number_row, number_row, choice,
             polarity, seed, item, reroll, reroll_digit, offered_width, offered_width, gallery,
             sample, zoom, choice, no_variation, ink_boxes]  # fmt: skip
    while True:
        yield kinds[int(rng.integers(0, len(kinds)))]


@pytest.mark.slow
def test_ten_thousand_random_changes(qtbot, window):
    changes = _changes(window, np.random.default_rng(SEED))
    half_rss = 0
    for n in range(CHANGES):
        if n == HALF:
            half_rss = settled_rss(qtbot, window)
            changes = _changes(window, np.random.default_rng(SEED))  # the same again
        next(changes)()
        if n % 20 == 0:
            QApplication.processEvents()  # let results arrive, as a user's pauses do
    growth = (settled_rss(qtbot, window) - half_rss) / 2**20
    # End on an image: plain digits and an offered width if the last change left a problem
    # (the variation stays unless it is the problem).
    if window.problem_text():
        window.model.set("sequence", "2024")
        window.model.set("width", window.model.widths()[0])
    if window.problem_text():
        window.model.clear_variation()
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    session = window.model.session()
    assert window.result().session == session
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    print(f"soak: {CHANGES:,} changes; over the replayed half RSS grew {growth:.1f} MiB")
    print(f"soak: the image shown at the end: {session}")
    assert growth < 20
    window.close()
    qtbot.waitUntil(lambda: not window._render.isRunning(), timeout=TIMEOUT_MS)
    assert not window._gallery_thread.isRunning()
