"""Variation in the window: overlap and pools, the height and its jitter, "No variation",
the collapsible section, ink boxes over the preview and the gallery, and varied images
kept by Save and Open and by the command line."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.cli import main as cli_main
from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.gui.pointing import INK_COLOUR, ink_rects
from mnist_seq_gui.gui.state.session import Session

from .conftest import (
    open_gallery,
    png_file,
    rgb_array,
    session_pixels,
    shown_pixels,
    wait_for_latest,
)

INK = (INK_COLOUR.red(), INK_COLOUR.green(), INK_COLOUR.blue())


@pytest.fixture
def varied_window(qtbot, window):
    window.panel.sequence_edit.setText("31415")
    window.panel.seed_spin.setValue(5)
    wait_for_latest(qtbot, window)
    return window


def test_negative_spacing_overlaps_and_the_pool_gives_its_own_images(qtbot, varied_window):
    window = varied_window
    spacing = window.panel.rows["spacing"]
    spacing.high.setValue(-2)  # the low end follows: -2..-2
    spacing.low.setValue(-8)
    wait_for_latest(qtbot, window)
    recipe = window.model.session().recipe
    assert recipe.spacing == (-8, -2)
    assert recipe.width == 5 * 28 - 4 * 2  # the nearest to the width asked for (gaps of 4)
    combo = window.panel.rows["pool"].combo
    combo.setCurrentIndex(combo.findData("test"))
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.recipe.pool == "test"
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    test_pool = set(bundled_bank().pool("test").by_label_order.tolist())
    assert set(window.result().composition.indices) <= test_pool


def test_a_lower_height_brings_the_jitter_inside_with_a_note(qtbot, varied_window):
    window = varied_window
    window.panel.rows["height"].spin.setValue(60)
    jitter = window.panel.rows["jitter_y"]
    jitter.high.setValue(30)
    jitter.low.setValue(0)
    wait_for_latest(qtbot, window)
    window.panel.rows["height"].spin.setValue(40)
    assert window.model.session().get("jitter_y") == (0, 12)
    assert (jitter.low.value(), jitter.high.value()) == (0, 12)
    assert window.status.text() == "Jitter: now 0..12 px, to stay inside the 40 px height"
    assert window.problem_text() == ""
    wait_for_latest(qtbot, window)
    assert shown_pixels(window).shape == (40, window.model.session().recipe.width)


def test_no_variation_turns_every_field_off_and_keeps_the_pool(qtbot, varied_window):
    window = varied_window
    combo = window.panel.rows["pool"].combo
    combo.setCurrentIndex(combo.findData("train"))
    window.panel.rows["slant"].high.setValue(10)
    window.panel.rows["slant"].low.setValue(-10)
    window.panel.rows["noise"].high.setValue(5)
    wait_for_latest(qtbot, window)
    assert window.panel.variation.text() == "Variation (2 on)"
    assert window.panel.clear_button.isEnabled()
    window.panel.clear_button.click()
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.recipe.variation.is_plain and session.recipe.pool == "train"
    assert window.panel.variation.text() == "Variation"
    assert not window.panel.clear_button.isEnabled()
    assert window.panel.rows["noise"].high.value() == 0
    assert np.array_equal(shown_pixels(window), session_pixels(session))


def test_the_section_is_closed_at_first_and_remembered(qtbot, make_window):
    window = make_window()
    panel = window.panel
    assert not panel.variation_shown() and panel.variation.text() == "Variation"
    assert not panel.rows["slant"].low.isVisibleTo(window)
    panel.variation.expand(animate=False)
    qtbot.waitUntil(lambda: panel.rows["slant"].low.isVisibleTo(window))
    assert panel.variation_shown()
    window.close()
    again = make_window()
    assert again.panel.variation_shown()
    assert again.panel.rows["slant"].low.isVisibleTo(again)


def _ring_colours(canvas, rects) -> list[tuple[int, int, int]]:
    """The colours just outside the left edge of each rect (device pixels)."""
    grab = rgb_array(canvas.grab().toImage())
    return [tuple(int(v) for v in grab[r.center().y(), r.left() - 1]) for r in rects]


def test_ink_boxes_are_outlined_in_the_preview_and_the_gallery(qtbot, varied_window):
    window = varied_window
    window.model.set("height", 44)
    window.model.set("jitter_y", (0, 16))
    window.model.set("rotation", (-10.0, 10.0))
    wait_for_latest(qtbot, window)
    canvas = window.preview.canvas
    ink = window.result().ink_boxes
    assert ink == window.result().composition.ink_boxes and len(ink) == 5
    assert canvas.ink_boxes() == ink
    k = canvas.device_scale()
    origin = canvas.image_origin(canvas.devicePixelRatioF(), k)
    rects = ink_rects(ink, origin.x(), origin.y(), k)
    assert INK not in _ring_colours(canvas, rects)
    window.actions_.ink_boxes.trigger()  # Ctrl+B, the corner button, View > Ink Boxes
    assert window.tabs.cornerWidget().isChecked()
    assert _ring_colours(canvas, rects) == [INK] * 5
    open_gallery(qtbot, window)
    gallery = window.gallery.canvas
    first = gallery.sample_rect(0)
    scale = first.width() // gallery.images()[0].width()
    boxes = gallery.ink_boxes()[0]
    sample_rects = ink_rects(boxes, first.x(), first.y(), scale)
    assert _ring_colours(gallery, sample_rects) == [INK] * 5
    window.actions_.ink_boxes.trigger()
    assert INK not in _ring_colours(gallery, sample_rects)


def test_save_and_open_keep_the_pool_and_the_variation(qtbot, varied_window, tmp_path):
    window = varied_window
    for name, value in (("pool", "train"), ("spacing", (-3, 10)), ("height", 36),
                        ("jitter_y", (0, 8)), ("slant", (-12.0, 12.0)), ("blur", 0.6)):  # fmt: skip
        window.model.set(name, value)
    wait_for_latest(qtbot, window)
    varied, shown = window.model.session(), shown_pixels(window)
    drawn = window.result().composition.indices
    target = tmp_path / "varied.png"
    assert window.document.save_to(target)
    on_disk, text = png_file(target)
    assert np.array_equal(on_disk, shown) and on_disk.shape == (36, varied.recipe.width)
    assert text["pool"] == "train" and text["slant"] == "-12.0,12.0"
    assert text["ink_boxes"].count(";") == 4
    window.model.reset(Session())
    wait_for_latest(qtbot, window)
    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    assert window.model.session() == varied.replace(indices=drawn)  # as the file records
    assert np.array_equal(shown_pixels(window), shown)
    assert window.panel.rows["jitter_y"].high.value() == 8
    assert window.panel.rows["pool"].combo.currentData() == "train"


def test_a_varied_png_made_on_the_command_line_opens_with_its_pixels(
    qtbot, varied_window, tmp_path, run_main
):
    window = varied_window
    target = tmp_path / "cli.png"
    args = ["3141", "-3", "3", "109", "--seed", "12", "--pool", "test", "--height", "36",
            "--jitter-y", "0", "8", "--slant", "-12", "12", "--rotate", "-6", "6",
            "--scale", "0.9", "1.1", "--thickness", "-0.5", "0.5", "--noise", "4",
            "--blur", "0.5", "-o", str(target)]  # fmt: skip
    assert run_main(cli_main, args).status == 0
    on_disk, _text = png_file(target)
    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert (session.recipe.pool, session.get("height"), session.get("jitter_y")) == (
        "test",
        36,
        (0, 8),
    )
    assert session.get("slant") == (-12.0, 12.0) and session.get("noise") == (4.0, 4.0)
    assert session.seed == 12 and session.sequence == "3141"
    assert np.array_equal(shown_pixels(window), on_disk)
    assert window.panel.variation.text() == "Variation (8 on)"
