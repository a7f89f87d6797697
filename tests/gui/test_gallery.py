"""The gallery: items 0..K-1 of the export data set, crisp, clickable, refreshed by reroll."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.export_checks import defaults_from_recipe
from mnist_seq_gui.gui.qimage import qimage_to_grey, rgb_array

from .conftest import TIMEOUT_MS, shown_pixels, wait_for_gallery, wait_for_latest


def _export_items(window, count: int) -> dict:
    """What the export dialog, opened now, would write: its first `count` items."""
    fields = defaults_from_recipe(window.model.recipe(), count=count)
    return SequenceDataset(DatasetConfig(**fields, dtype="uint8"))[0:count]


def _gallery_pixels(window) -> list[np.ndarray]:
    return [qimage_to_grey(image) for image in window.gallery.canvas.images()]


def _open_gallery(qtbot, window) -> None:
    window.gallery_action.trigger()
    assert window.gallery_visible()
    wait_for_gallery(qtbot, window)


def test_samples_are_the_first_items_of_the_export(qtbot, window):
    window.model.set("rule", "random")
    window.model.set("max_spacing", 30)
    window.model.set("white_on_black", True)
    _open_gallery(qtbot, window)
    expected = _export_items(window, window.gallery.count())
    shown = _gallery_pixels(window)
    assert len(shown) == 16
    for i, pixels in enumerate(shown):
        assert np.array_equal(pixels, expected["image"][i]), i
    window.gallery.count_spin.setValue(40)
    wait_for_gallery(qtbot, window)
    expected = _export_items(window, 40)
    assert [p.tolist() for p in _gallery_pixels(window)] == expected["image"].tolist()


def test_clicking_a_sample_makes_it_the_image_with_the_same_pixels(qtbot, window):
    window.model.set("rule", "random")
    window.model.set("max_spacing", 20)
    _open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    target = 5
    sample = _gallery_pixels(window)[target]
    label = _export_items(window, 16)["label"][target]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point_of(target))
    wait_for_latest(qtbot, window)
    assert not window.gallery_visible()  # the Image tab shows it
    recipe = window.model.recipe()
    assert (recipe.sequence, recipe.item) == (label, target)
    assert np.array_equal(shown_pixels(window), sample)
    # Back in the gallery, that sample is framed as the current one.
    window.gallery_action.trigger()
    qtbot.waitUntil(lambda: canvas.current() == target, timeout=TIMEOUT_MS)


def test_reroll_refreshes_every_sample(qtbot, window):
    _open_gallery(qtbot, window)
    before = _gallery_pixels(window)
    window.reroll_action.trigger()
    wait_for_gallery(qtbot, window)
    after = _gallery_pixels(window)
    assert len(after) == len(before)
    assert all(not np.array_equal(a, b) for a, b in zip(after, before))
    expected = _export_items(window, len(after))
    assert all(np.array_equal(a, e) for a, e in zip(after, expected["image"]))


def test_typing_other_digits_of_the_same_length_keeps_the_samples(qtbot, window):
    _open_gallery(qtbot, window)
    latest = window.latest_gallery_id()
    window.panel.sequence_edit.setText("1234")
    wait_for_latest(qtbot, window)
    assert window.latest_gallery_id() == latest  # nothing to redraw
    window.panel.sequence_edit.setText("12345")
    wait_for_gallery(qtbot, window)
    assert window.latest_gallery_id() > latest
    assert all(p.shape == (28, window.model.recipe().width) for p in _gallery_pixels(window))


def test_hover_names_the_sample_and_its_mnist_indices(qtbot, window):
    _open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    expected = _export_items(window, 16)
    qtbot.mouseMove(canvas, canvas.widget_point_of(3))
    indices = ", ".join(map(str, expected["mnist_indices"][3].tolist()))
    qtbot.waitUntil(
        lambda: (
            window.statusBar()
            .currentMessage()
            .startswith(f"Sample 3: {expected['label'][3]}, MNIST test indices {indices}")
        ),
        timeout=TIMEOUT_MS,
    )


def test_samples_are_painted_crisp_at_a_whole_zoom(qtbot, window):
    window.resize(1000, 700)
    window.gallery.count_spin.setValue(4)
    _open_gallery(qtbot, window)
    canvas = window.gallery.canvas
    scale, _columns, _rows, _gap = canvas.layout_in_device_pixels()
    assert scale >= 2  # four samples of 124 x 28 fit at least twice as large
    target = QImage(canvas.size(), QImage.Format.Format_RGB32)
    canvas.render(target)
    painted = rgb_array(target)
    for i, pixels in enumerate(_gallery_pixels(window)):
        rect = canvas.sample_rect(i)
        block = painted[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1, 0]
        assert np.array_equal(block, np.repeat(np.repeat(pixels, scale, 0), scale, 1)), i


def test_a_recipe_with_a_problem_sends_no_gallery_request(qtbot, window):
    _open_gallery(qtbot, window)
    latest = window.latest_gallery_id()
    window.model.set("width", 125)
    assert window.problem_text()
    assert window.latest_gallery_id() == latest


def test_after_a_varied_gallery_the_rest_of_its_style_maps_are_made(qtbot, window):
    # Idle-time work of the gallery thread: every sampling map of the style's grid, so
    # later rerolls never wait for maps of combinations not drawn yet.
    from mnist_seq_gui.core import warp

    warp._cache_for.cache_clear()
    window.model.set("slant", (-6.0, 6.0))
    window.model.set("rotation", (-4.0, 4.0))
    style = window.model.recipe().spec().variation.style
    size = len(style.grid("slant")) * len(style.grid("rotation"))
    _open_gallery(qtbot, window)
    qtbot.waitUntil(window._gallery_thread.is_idle, timeout=TIMEOUT_MS)
    assert sorted(warp.map_cache(style).rows) == list(range(size))
    expected = _export_items(window, window.gallery.count())
    assert [p.tolist() for p in _gallery_pixels(window)] == expected["image"].tolist()
