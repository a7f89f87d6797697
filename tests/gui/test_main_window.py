"""The main window: the image is the session's composition, the newest request wins,
rerolls of the seed and of one digit, hover and click on digits, closing."""

from __future__ import annotations

import itertools
import threading

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QKeySequence

from mnist_seq_gui.core import bundled_bank, compose, valid_widths
from mnist_seq_gui.gui.state.jobs import compose_session
from mnist_seq_gui.gui.state.session import Session
from mnist_seq_gui.gui.workers import RenderResult

from .conftest import TIMEOUT_MS, enter, session_pixels, shown_pixels, wait_for_latest


def test_the_first_image_is_2024_as_the_session_draws_it(window):
    session = window.model.session()
    assert session == Session()
    assert window.result().composition.digits == (2, 0, 2, 4)
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    assert window.size_label.text() == "124 \u00d7 28 px"
    assert window.seed_label.text() == "seed 0"
    assert window.windowTitle() == "2-0-2-4 \u2014 mnist-seq explorer"


def test_the_preview_holds_the_image_one_to_one_in_greyscale(window):
    image = window.preview.image()
    assert (image.width(), image.height()) == (window.model.session().recipe.width, 28)
    assert image.format() == QImage.Format.Format_Grayscale8


def test_typed_digits_and_seed_show_the_sessions_pixels(qtbot, window):
    window.panel.seed_spin.setValue(31337)
    window.panel.sequence_edit.setText("31415")
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.sequence == "31415" and session.seed == 31337
    assert session.recipe.width == 5 * 28 + 4 * 4  # the gap of 2024 at 124 px is kept
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    assert window.size_label.text() == f"{session.recipe.width} \u00d7 28 px"
    assert window.seed_label.text() == "seed 31337"
    assert window.windowTitle().startswith("3-1-4-1-5 ")


def test_polarity_and_the_random_rule_draw_as_the_session_says(qtbot, window):
    window.panel.rows["white_on_black"].check.setChecked(True)
    combo = window.panel.rows["rule"].combo
    combo.setCurrentIndex(combo.findData("random"))
    window.panel.rows["width"].spin.setValue(125)  # no uniform width, fine for random
    wait_for_latest(qtbot, window)
    recipe = window.model.session().recipe
    assert (recipe.white_on_black, recipe.rule, recipe.width) == (True, "random", 125)
    pixels = shown_pixels(window)
    assert np.array_equal(pixels, session_pixels(window.model.session()))
    assert pixels[0, 0] == 0  # black background


def test_twenty_rapid_slider_moves_end_on_the_last(qtbot, window):
    shown: list[int] = []
    window.imageShown.connect(shown.append)
    widths = list(valid_widths(4, 0, 10, "uniform"))
    targets = [widths[i % len(widths)] for i in range(3, 23)]
    for width in targets:
        window.panel.rows["width"].slider.setValue(width)
    wait_for_latest(qtbot, window)
    assert window.preview.image().width() == targets[-1]
    assert shown and shown[-1] == window.latest_request_id()
    assert all(a < b for a, b in itertools.pairwise(shown))  # never an older one after
    assert np.array_equal(shown_pixels(window), session_pixels(window.model.session()))


def test_a_request_superseded_mid_render_is_never_shown(qtbot, make_window):
    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def held(bank, session):
        if session.sequence == "111":  # held until the test has sent the next request
            started.set()
            assert release.wait(TIMEOUT_MS / 1000)
        comp = compose_session(bank, session)
        finished.append(session.sequence)
        return comp

    window = make_window(compose_fn=held)
    shown: list[int] = []
    window.imageShown.connect(shown.append)
    try:
        window.panel.sequence_edit.setText("111")
        superseded = window.latest_request_id()
        assert started.wait(TIMEOUT_MS / 1000)
        window.panel.sequence_edit.setText("999")
        newest = window.latest_request_id()
    finally:
        release.set()
    wait_for_latest(qtbot, window)
    qtbot.waitUntil(lambda: "111" in finished, timeout=TIMEOUT_MS)  # drawn, then dropped
    assert superseded not in shown and shown == [newest]
    assert np.array_equal(shown_pixels(window), session_pixels(window.model.session()))


def test_a_result_that_is_not_the_newest_is_dropped_by_the_window(qtbot, window):
    before = shown_pixels(window)
    old = window.result()
    other = Session(sequence="7777", seed=3)
    stale = RenderResult(
        window.latest_request_id() - 1,
        other,
        compose_session(old.bank, other),
        QImage(124, 28, QImage.Format.Format_Grayscale8),
        0.1,
        old.bank,
    )
    with qtbot.assertNotEmitted(window.imageShown, wait=50):
        window._on_rendered(stale)
    assert np.array_equal(shown_pixels(window), before) and window.result() is old


def test_reroll_draws_a_new_seed_and_keeps_every_other_field(qtbot, window):
    before, recipe = shown_pixels(window), window.model.session().recipe
    window.panel.reroll_button.click()
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.recipe == recipe and session.seed != 0
    assert session.seed == window.panel.seed_spin.value()
    assert window.status.text() == f"Rerolled: seed {session.seed}"
    after = shown_pixels(window)
    assert not np.array_equal(after, before)
    assert np.array_equal(after, session_pixels(session))
    window.actions_.reroll.trigger()
    wait_for_latest(qtbot, window)
    assert window.model.session().seed not in (0, session.seed)
    assert QKeySequence("Ctrl+R") in window.actions_.reroll.shortcuts()


def test_a_typed_64_bit_seed_reproduces_its_image(qtbot, window):
    seed = 2**63 - 5
    spin = window.panel.seed_spin
    enter(qtbot, spin, str(seed))
    wait_for_latest(qtbot, window)
    assert spin.value() == seed and window.model.session().seed == seed
    expected = compose(bundled_bank(), window.model.session().recipe, "2024", seed)
    assert np.array_equal(shown_pixels(window), expected.pixels)


def _click_digit(qtbot, window, position: int) -> None:
    canvas = window.preview.canvas
    x0, y0, x1, y1 = window.result().composition.boxes[position]
    point = canvas.widget_point_of((x0 + x1) / 2, (y0 + y1) / 2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)


def test_a_click_on_a_digit_draws_another_image_for_it_alone(qtbot, window):
    before, old = shown_pixels(window), window.result().composition
    _click_digit(qtbot, window, 2)
    wait_for_latest(qtbot, window)
    new, after = window.result().composition, shown_pixels(window)
    assert new.indices[2] != old.indices[2] and new.digits == old.digits
    assert new.indices[:2] == old.indices[:2] and new.indices[3:] == old.indices[3:]
    x0, _, x1, _ = old.boxes[2]
    assert not np.array_equal(after[:, x0:x1], before[:, x0:x1])
    outside = np.ones(after.shape[1], bool)
    outside[x0:x1] = False
    assert np.array_equal(after[:, outside], before[:, outside])
    session = window.model.session()
    assert session.indices == new.indices and session.seed == 0
    assert np.array_equal(after, session_pixels(session))
    assert "digits picked by hand" in window.seed_label.text()
    assert f"is now MNIST image {new.indices[2]}" in window.status.text()
    # The picked images stay through a change of width; a new seed lets them go.
    window.panel.rows["width"].slider.setValue(130)
    wait_for_latest(qtbot, window)
    assert window.result().composition.indices == new.indices
    window.panel.seed_spin.setValue(1)
    wait_for_latest(qtbot, window)
    assert window.model.session().indices is None


def test_entering_the_seed_again_brings_its_own_draws_back(qtbot, window):
    window.panel.seed_spin.setValue(4711)
    wait_for_latest(qtbot, window)
    drawn = shown_pixels(window)
    _click_digit(qtbot, window, 1)
    wait_for_latest(qtbot, window)
    assert not np.array_equal(shown_pixels(window), drawn)
    enter(qtbot, window.panel.seed_spin, "4711")
    wait_for_latest(qtbot, window)
    assert window.model.session().indices is None
    assert np.array_equal(shown_pixels(window), drawn)


def test_hovering_a_digit_names_it_and_its_mnist_index(qtbot, window):
    canvas = window.preview.canvas
    comp = window.result().composition
    x0, _, x1, _ = comp.boxes[1]
    qtbot.mouseMove(canvas, canvas.widget_point_of((x0 + x1) / 2, 14))
    said = f"Digit 2: 0, MNIST test index {comp.indices[1]} \u2014 click to draw another sample"
    qtbot.waitUntil(lambda: window.status.text() == said, timeout=TIMEOUT_MS)
    assert canvas.digit_at(QPoint(1, 1)) == -1  # the margin is no digit
    assert canvas.tips[1].startswith(f"Digit 0 \u00b7 MNIST test index {comp.indices[1]}")


def test_closing_stops_both_threads_and_later_edits_send_nothing(qtbot, window):
    render, gallery = window._render, window._gallery_thread
    assert render.isRunning()
    window.close()
    assert not render.isRunning() and not gallery.isRunning()
    window.panel.sequence_edit.setText("42")  # raises nothing, starts nothing
    assert not render.isRunning() and not gallery.isRunning()
