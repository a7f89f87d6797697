"""The gallery: sample i is item i of the data set the export dialog writes; a click makes
a sample the image with the same pixels; crisp, refreshed by reroll, idle when it can be."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mnist_seq_gui.core import bundled_bank, warp
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.state.jobs import export_defaults

from .conftest import (
    TIMEOUT_MS,
    gallery_pixels,
    open_gallery,
    rgb_array,
    session_pixels,
    shown_pixels,
    wait_for_gallery,
    wait_for_latest,
)


def export_items(window, count: int) -> dict:
    """What the export dialog, opened now, would write: its first `count` items."""
    defaults = export_defaults(window.model.session(), count=count)
    return SequenceDataset(DatasetConfig(**defaults))[0:count]


def test_the_samples_are_the_first_items_of_the_export(qtbot, window):
    window.model.set("rule", "random")
    window.model.set("spacing", (0, 30))
    window.model.set("white_on_black", True)
    open_gallery(qtbot, window)
    shown = gallery_pixels(window)
    assert len(shown) == window.gallery.count() == 16
    expected = export_items(window, 16)
    for i, pixels in enumerate(shown):
        assert np.array_equal(pixels, expected["image"][i]), i
    assert window.gallery.note.text().startswith(
        "items 0\u201315 of the data set Export writes with seed 0"
    )
    window.gallery.count_spin.setValue(40)
    wait_for_gallery(qtbot, window)
    expected = export_items(window, 40)
    assert [p.tolist() for p in gallery_pixels(window)] == expected["image"].tolist()


def test_a_clicked_sample_becomes_the_image_with_the_same_pixels(qtbot, window):
    window.model.set("rule", "random")
    window.model.set("spacing", (0, 20))
    open_gallery(qtbot, window)
    canvas, target = window.gallery.canvas, 5
    sample = gallery_pixels(window)[target]
    label = export_items(window, 16)["label"][target]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point_of(target))
    wait_for_latest(qtbot, window)
    assert not window.gallery_visible()  # the Image tab shows it
    session = window.model.session()
    assert (session.sequence, session.item, session.indices) == (label, target, None)
    assert np.array_equal(shown_pixels(window), sample)
    assert window.panel.item_spin.value() == target
    assert window.seed_label.text() == f"seed 0 \u00b7 sample {target}"
    assert window.status.text() == f"Sample {target} ({label}) is now the image"
    window.actions_.gallery.trigger()  # back in the gallery, that sample is framed
    qtbot.waitUntil(lambda: canvas.current() == target, timeout=TIMEOUT_MS)


def test_a_varied_gallery_is_the_varied_export_and_a_sample_keeps_its_pixels(qtbot, window):
    window.panel.sequence_edit.setText("31415")
    window.panel.seed_spin.setValue(5)
    for name, value in (("rule", "random"), ("spacing", (-6, 8)), ("pool", "train"),
                        ("height", 40), ("jitter_y", (0, 12)), ("slant", (-15.0, 15.0)),
                        ("scale", (0.8, 1.1)), ("thickness", (0.0, 0.5)), ("noise", 4.0),
                        ("blur", 0.5)):  # fmt: skip
        window.model.set(name, value)
    open_gallery(qtbot, window)
    count = window.gallery.count()
    expected = export_items(window, count)
    assert [p.tolist() for p in gallery_pixels(window)] == expected["image"].tolist()
    assert np.array_equal(np.asarray(window.gallery.canvas.ink_boxes()), expected["ink_boxes"])
    with qtbot.waitSignal(window.imageShown, timeout=TIMEOUT_MS):
        window.use_sample(6)
    wait_for_latest(qtbot, window)
    assert np.array_equal(shown_pixels(window), expected["image"][6])
    before = window.result().composition
    window.reroll_digit(1)  # then one of its digits is drawn again by hand
    wait_for_latest(qtbot, window)
    after, session = window.result().composition, window.model.session()
    assert session.item == 6 and session.indices == after.indices != before.indices
    assert after.indices[0] == before.indices[0] and after.indices[2:] == before.indices[2:]
    assert after.indices[1] in set(bundled_bank().pool("train").by_label_order.tolist())
    assert after.gaps == before.gaps and after.y_offsets == before.y_offsets
    assert np.array_equal(shown_pixels(window), session_pixels(session))
    text = window.seed_label.text()
    assert "sample 6" in text and "digits picked by hand" in text


def test_reroll_refreshes_every_sample(qtbot, window):
    open_gallery(qtbot, window)
    before = gallery_pixels(window)
    window.actions_.reroll.trigger()
    wait_for_gallery(qtbot, window)
    after = gallery_pixels(window)
    assert len(after) == len(before)
    assert all(not np.array_equal(a, b) for a, b in zip(after, before))
    expected = export_items(window, len(after))
    assert all(np.array_equal(a, e) for a, e in zip(after, expected["image"]))


def test_other_digits_of_the_same_length_keep_the_samples(qtbot, window):
    open_gallery(qtbot, window)
    latest = window.latest_gallery_id()
    window.panel.sequence_edit.setText("1234")
    wait_for_latest(qtbot, window)
    assert window.latest_gallery_id() == latest  # nothing to draw again
    window.panel.sequence_edit.setText("12345")
    wait_for_gallery(qtbot, window)
    assert window.latest_gallery_id() > latest
    width = window.model.session().recipe.width
    assert all(p.shape == (28, width) for p in gallery_pixels(window))


def test_hovering_a_sample_names_it_and_its_mnist_indices(qtbot, window):
    open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    expected = export_items(window, 16)
    qtbot.mouseMove(canvas, canvas.widget_point_of(3))
    indices = ", ".join(map(str, expected["mnist_indices"][3].tolist()))
    said = (
        f"Sample 3: {expected['label'][3]}, MNIST test indices {indices} "
        "\u2014 click or press Enter to show it"
    )
    qtbot.waitUntil(lambda: window.status.text() == said, timeout=TIMEOUT_MS)


def test_the_samples_are_painted_crisp_at_a_whole_zoom(qtbot, window):
    window.resize(1000, 700)
    window.gallery.count_spin.setValue(4)
    open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    scale, _columns, _rows, _gap = canvas.layout_in_device_pixels()
    assert scale >= 2  # four samples of 124 x 28 fit at least twice as large
    target = QImage(canvas.size(), QImage.Format.Format_RGB32)
    canvas.render(target)
    painted = rgb_array(target)
    for i, pixels in enumerate(gallery_pixels(window)):
        rect = canvas.sample_rect(i)
        block = painted[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1, 0]
        assert np.array_equal(block, np.repeat(np.repeat(pixels, scale, 0), scale, 1)), i


def test_a_session_with_a_problem_sends_no_gallery_request(qtbot, window):
    open_gallery(qtbot, window)
    latest = window.latest_gallery_id()
    window.model.set("width", 125)
    assert window.problem_text()
    assert window.latest_gallery_id() == latest


def test_a_sequence_longer_than_a_data_set_item_says_why_there_are_no_samples(qtbot, window):
    window.panel.sequence_edit.setText("1" * 65)
    wait_for_latest(qtbot, window)
    window.actions_.gallery.trigger()
    qtbot.waitUntil(lambda: "at most 64 digits" in window.gallery.note.text(), timeout=TIMEOUT_MS)
    assert window.gallery.canvas.images() == ()


def test_after_a_varied_gallery_the_rest_of_its_style_maps_are_made(qtbot, window):
    # Idle-time work of the gallery thread: every sampling map of the style's grid, so
    # later rerolls never wait for maps of combinations not drawn yet.
    warp._cache_for.cache_clear()
    window.model.set("slant", (-6.0, 6.0))
    window.model.set("rotation", (-4.0, 4.0))
    grid = warp.style_grid_of(window.model.session().recipe.variation)
    size = math.prod(len(grid.values[name]) for name in ("slant", "rotation", "scale", "aspect"))
    open_gallery(qtbot, window)
    qtbot.waitUntil(window._gallery_thread.is_idle, timeout=TIMEOUT_MS)
    assert sorted(warp.map_cache(grid).rows) == list(range(size))
    expected = export_items(window, window.gallery.count())
    assert [p.tolist() for p in gallery_pixels(window)] == expected["image"].tolist()
