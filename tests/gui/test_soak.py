"""Soak: 10,000 random changes through the window's own controls.

Every kind of change a user makes (typing, sliders, spin boxes, rule, polarity, seed,
sample, rerolls of the seed and of single digits, gallery on and off, zoom, every
numeric field the recipe declares, variation included) in a random order from a
fixed seed. At the end the image shown is the one the recipe describes, Qt said
nothing (qt_log_level_fail), memory did not grow, and closing joins both threads.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.gui.drawing import compose_recipe
from mnist_seq_gui.gui.image_view import FIT, ZOOM_STEPS

from .conftest import TIMEOUT_MS, shown_pixels, wait_for_latest

CHANGES = 10_000
WARM_UP = 1_000


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


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
        control = row.slider if rng.random() < 0.5 else row.spin
        control.setValue(rng.integers(control.minimum(), min(control.maximum(), 60) + 1))

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

    kinds = [sequence, width_slider, width_spin, number_row, number_row, rule, polarity,
             seed, item, reroll, reroll_digit, offered_width, offered_width, gallery, sample,
             zoom]  # fmt: skip
    while True:
        yield kinds[int(rng.integers(0, len(kinds)))]


@pytest.mark.slow
def test_ten_thousand_random_changes(qtbot, window):
    rng = np.random.default_rng(20241127)
    changes = _changes(window, rng)
    start_rss = 0
    for n in range(CHANGES):
        next(changes)()
        if n % 20 == 0:
            QApplication.processEvents()  # let results arrive, as a user's pauses do
        if n == WARM_UP:
            wait_for_latest(qtbot, window)
            start_rss = rss_bytes()
    # End on an image: take an offered width if the last change left a problem.
    if window.problem_text():
        window.model.set("sequence", "2024")
        window.model.set("width", window.model.widths()[0])
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    recipe = window.model.recipe()
    assert window.result().recipe == recipe
    assert np.array_equal(shown_pixels(window), compose_recipe(bundled_bank(), recipe).pixels)
    growth = (rss_bytes() - start_rss) / 2**20
    print(f"soak: {CHANGES:,} changes, RSS growth after warm-up {growth:.1f} MiB")
    assert growth < 20
    window.close()
    qtbot.waitUntil(lambda: not window._render.isRunning(), timeout=TIMEOUT_MS)
    assert not window._gallery_thread.isRunning()
