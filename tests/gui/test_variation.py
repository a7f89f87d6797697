"""Variation through the window's own controls: every field redraws live, the image is
the core's for the same parameters, bad combinations are explained, files and settings
keep them, and ink boxes are drawn over the preview and the gallery."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import (
    DigitStyle,
    SequenceSpec,
    Variation,
    bundled_bank,
    compose,
)
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.pointing import INK_COLOUR
from mnist_seq_gui.gui.qimage import qimage_to_grey, rgb_array
from mnist_seq_gui.gui.recipe import DEFAULT

from .conftest import TIMEOUT_MS, shown_pixels, wait_for_gallery, wait_for_latest

SEQ = "31415"


def _core(spec: SequenceSpec, seed: int, item: int = 0, indices=None) -> np.ndarray:
    return compose(bundled_bank(), spec, seed, indices, np.uint8, item=item).pixels


def _plain_spec(window) -> SequenceSpec:
    r = window.model.recipe()
    digits = tuple(int(c) for c in r.sequence)
    return SequenceSpec(digits, r.width, r.min_spacing, r.max_spacing, r.rule, r.white_on_black)


@pytest.fixture
def varied_window(qtbot, window):
    window.panel.sequence_edit.setText(SEQ)
    window.panel.seed_spin.setValue(5)
    wait_for_latest(qtbot, window)
    return window


def _set_range(window, name: str, low: float, high: float) -> None:
    row = window.panel.rows[name]
    row.high.setValue(high)  # high first: the ranges start at their neutral value
    row.low.setValue(low)


# Each control, set through its own widgets, against the core's Variation made here.
CASES = {
    "height": (lambda w: w.panel.rows["height"].spin.setValue(44), Variation(height=44)),
    "jitter": (
        lambda w: (w.panel.rows["height"].slider.setValue(48), _set_range(w, "jitter_y", 2, 18)),
        Variation(height=48, jitter_y=(2, 18)),
    ),
    "slant": (
        lambda w: _set_range(w, "slant", -20, 20),
        Variation(style=DigitStyle(slant=(-20, 20))),
    ),
    "rotation": (
        lambda w: _set_range(w, "rotation", -10, 6),
        Variation(style=DigitStyle(rotation=(-10, 6))),
    ),
    "scale": (
        lambda w: _set_range(w, "scale", 0.7, 1.25),
        Variation(style=DigitStyle(scale=(0.7, 1.25))),
    ),
    "aspect": (
        lambda w: _set_range(w, "aspect", 0.8, 1.5),
        Variation(style=DigitStyle(aspect=(0.8, 1.5))),
    ),
    "thickness": (
        lambda w: _set_range(w, "thickness", -0.5, 0.75),
        Variation(style=DigitStyle(thickness=(-0.5, 0.75))),
    ),
    "noise": (lambda w: w.panel.rows["noise"].spin.setValue(12.5), Variation(noise=12.5)),
    "blur": (lambda w: w.panel.rows["blur"].slider.setValue(8), Variation(blur=0.8)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_control_redraws_the_cores_varied_image(qtbot, varied_window, case):
    window = varied_window
    plain = shown_pixels(window)
    spec = _plain_spec(window)
    change, variation = CASES[case]
    change(window)
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    expected = _core(SequenceSpec(**{**spec.__dict__, "variation": variation}), 5)
    assert np.array_equal(shown_pixels(window), expected)
    assert not np.array_equal(expected[: plain.shape[0]], plain) or expected.shape != plain.shape
    assert window.size_label.text().endswith(f"\u00d7 {variation.height} px")
    on = 2 if case == "jitter" else 1  # jitter needs a taller canvas too
    assert window.panel.variation_button.text() == f"Variation ({on} on)"


def test_overlap_through_negative_spacing_and_the_pool(qtbot, varied_window):
    window = varied_window
    window.panel.max_spacing_spin.setValue(-2)  # min follows: -2..-2
    window.panel.min_spacing_slider.setValue(-8)
    wait_for_latest(qtbot, window)
    recipe = window.model.recipe()
    assert (recipe.min_spacing, recipe.max_spacing) == (-8, -2)
    assert recipe.width == 5 * 28 - 4 * 2  # the nearest to the width asked for (gaps of 4)
    window.panel.pool_combo.setCurrentIndex(window.panel.pool_combo.findData("test"))
    wait_for_latest(qtbot, window)
    assert window.model.recipe().pool == "test"
    spec = SequenceSpec((3, 1, 4, 1, 5), 132, -8, -2, pool="test")
    assert np.array_equal(shown_pixels(window), _core(spec, 5))
    test_pool = set(bundled_bank().pool("test").by_label_order.tolist())
    assert set(window.result().composition.indices) <= test_pool


def test_a_range_end_pushed_past_the_other_moves_it_with_a_note(qtbot, varied_window):
    window = varied_window
    _set_range(window, "rotation", -4, 10)
    window.panel.rows["rotation"].low.setValue(20)
    assert window.model.recipe().rotation == (20, 20)
    assert window.panel.rows["rotation"].high.value() == 20
    assert "top end raised to 20" in window.statusBar().currentMessage()
    window.panel.rows["rotation"].high.setValue(-30)
    assert window.model.recipe().rotation == (-30, -30)


def test_jitter_that_leaves_the_canvas_is_explained_then_fixed(qtbot, varied_window):
    window = varied_window
    window.panel.rows["height"].spin.setValue(60)
    _set_range(window, "jitter_y", 0, 30)
    wait_for_latest(qtbot, window)
    shown_before = window.latest_request_id()
    window.panel.rows["height"].spin.setValue(40)
    text = window.problem_text()
    assert "Vertical jitter 0..30 does not fit a 40 px canvas" in text
    assert "jitter_y" not in text and "greater height" in text
    assert window.latest_request_id() == shown_before  # nothing drawn for it
    window.panel.rows["height"].spin.setValue(58)
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    assert shown_pixels(window).shape == (58, window.model.recipe().width)


def test_no_variation_turns_every_field_off_and_keeps_the_pool(qtbot, varied_window):
    window = varied_window
    window.panel.pool_combo.setCurrentIndex(window.panel.pool_combo.findData("train"))
    _set_range(window, "slant", -10, 10)
    window.panel.rows["noise"].spin.setValue(5)
    wait_for_latest(qtbot, window)
    assert window.panel.variation_button.text() == "Variation (3 on)"
    assert window.panel.variation.clear_button.isEnabled()
    window.panel.variation.clear_button.click()
    wait_for_latest(qtbot, window)
    recipe = window.model.recipe()
    assert not recipe.has_variation() and recipe.pool == "train"
    assert window.panel.variation_button.text() == "Variation (1 on)"
    assert not window.panel.variation.clear_button.isEnabled()
    spec = SequenceSpec(**{**_plain_spec(window).__dict__, "pool": "train"})
    assert np.array_equal(shown_pixels(window), _core(spec, 5))


def test_the_section_is_closed_at_first_and_remembered(qtbot, make_window):
    window = make_window()
    assert not window.panel.variation.is_open()
    assert window.panel.variation_button.text() == "Variation"
    window.panel.variation_button.click()
    assert window.panel.variation.is_open() and window.panel.rows["slant"].low.isVisible()
    window.close()
    again = make_window()
    assert again.panel.variation.is_open()


def test_save_and_open_keep_pool_and_variation(qtbot, varied_window, tmp_path):
    window = varied_window
    window.panel.pool_combo.setCurrentIndex(window.panel.pool_combo.findData("train"))
    window.panel.min_spacing_spin.setValue(-3)
    window.panel.rows["height"].spin.setValue(36)
    _set_range(window, "jitter_y", 0, 8)
    _set_range(window, "slant", -12, 12)
    window.panel.rows["blur"].spin.setValue(0.6)
    wait_for_latest(qtbot, window)
    varied = window.model.recipe()
    shown = shown_pixels(window)
    target = tmp_path / "varied.png"
    assert window.save_to(target)
    with Image.open(target) as image:
        on_disk, text = np.asarray(image).copy(), dict(image.text)
    assert np.array_equal(on_disk, shown) and on_disk.shape == (36, varied.width)
    assert text["pool"] == "train" and '"slant": [-12.0, 12.0]' in text["variation"]
    assert text["ink_boxes"].count(";") == 4
    window.model.reset(DEFAULT)
    wait_for_latest(qtbot, window)
    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    assert window.model.recipe().replace(indices=None) == varied
    assert np.array_equal(shown_pixels(window), shown)
    assert window.panel.rows["jitter_y"].high.value() == 8
    assert window.panel.pool_combo.currentData() == "train"


def test_settings_keep_the_variation_and_refuse_damaged_values(qtbot, make_window):
    from mnist_seq_gui.gui.settings import settings_store

    window = make_window()
    window.model.set("height", 40)
    window.model.set("jitter_y", (1, 9))
    window.model.set("scale", (0.8, 1.2))
    window.model.set("pool", "test")
    wait_for_latest(qtbot, window)
    kept = window.model.recipe()
    window.close()
    window = make_window()
    assert window.model.recipe() == kept
    window.close()
    store = settings_store()
    for key, value in {
        "params/height": "99999",
        "params/jitter_y": "0,500",
        "params/slant": "a,b",
        "params/rotation": "-90,90",
        "params/scale": "1e999,2",
        "params/noise": "inf",
        "params/blur": "x" * 10_000,
        "params/pool": "validation",
    }.items():
        store.setValue(key, value)
    store.sync()
    window = make_window()
    recipe = window.model.recipe()
    assert not recipe.has_variation() and recipe.pool == "all"
    assert window.problem_text() == ""
    spec = _plain_spec(window)
    assert np.array_equal(shown_pixels(window), _core(spec, recipe.seed))


def _ink_ring_pixels(canvas, rects) -> list[tuple[int, int, int]]:
    """The colours just outside the left edge of each rect (device pixels)."""
    grab = rgb_array(canvas.grab().toImage())
    return [tuple(grab[r.center().y(), r.left() - 1]) for r in rects]


def test_ink_boxes_are_outlined_in_the_preview_and_the_gallery(qtbot, varied_window):
    from mnist_seq_gui.gui.pointing import ink_rects

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
    colour = (INK_COLOUR.red(), INK_COLOUR.green(), INK_COLOUR.blue())
    assert colour not in _ink_ring_pixels(canvas, rects)
    window.ink_boxes_action.trigger()  # Ctrl+B, the corner button, View > Ink Boxes
    assert window.findChild(type(window.tabs.cornerWidget()), "inkBoxesButton").isChecked()
    assert _ink_ring_pixels(canvas, rects) == [colour] * 5
    window.gallery_action.trigger()
    wait_for_gallery(qtbot, window)
    gallery = window.gallery.canvas
    first = gallery.sample_rect(0)
    scale = first.width() // gallery.images()[0].width()
    boxes = gallery.ink_boxes()[0]
    assert _ink_ring_pixels(gallery, ink_rects(boxes, first.x(), first.y(), scale)) == (
        [colour] * 5
    )
    window.ink_boxes_action.trigger()
    assert colour not in _ink_ring_pixels(gallery, ink_rects(boxes, first.x(), first.y(), scale))


def test_the_gallery_is_the_varied_export_and_a_sample_keeps_its_pixels(qtbot, varied_window):
    from mnist_seq_gui.gui.export_checks import defaults_from_recipe

    window = varied_window
    window.model.set("rule", "random")
    window.model.set("min_spacing", -6)
    window.model.set("max_spacing", 8)
    window.model.set("pool", "train")
    for name, value in (("height", 40), ("jitter_y", (0, 12)), ("slant", (-15.0, 15.0)),
                        ("scale", (0.8, 1.1)), ("thickness", (0.0, 0.5)), ("noise", 4.0),
                        ("blur", 0.5)):  # fmt: skip
        window.model.set(name, value)
    window.gallery_action.trigger()
    wait_for_gallery(qtbot, window)
    count = window.gallery.count()
    fields = defaults_from_recipe(window.model.recipe(), count=count)
    expected = SequenceDataset(DatasetConfig(**fields, dtype="uint8"))[0:count]
    images = [qimage_to_grey(image) for image in window.gallery.canvas.images()]
    assert [p.tolist() for p in images] == expected["image"].tolist()
    assert np.array_equal(np.asarray(window.gallery.canvas.ink_boxes()), expected["ink_boxes"])
    # Sample 6 becomes the image, then one of its digits is drawn again by hand.
    with qtbot.waitSignal(window.imageShown, timeout=TIMEOUT_MS):
        window.samples.use_sample(6)
    wait_for_latest(qtbot, window)
    assert np.array_equal(shown_pixels(window), expected["image"][6])
    before = window.result().composition
    window.samples.reroll_digit(1)
    wait_for_latest(qtbot, window)
    after = window.result().composition
    recipe = window.model.recipe()
    assert recipe.item == 6 and recipe.indices == after.indices != before.indices
    assert after.indices[1] in set(bundled_bank().pool("train").by_label_order.tolist())
    assert after.gaps == before.gaps and after.y_offsets == before.y_offsets
    spec = recipe.spec()
    assert np.array_equal(shown_pixels(window), _core(spec, recipe.seed, 6, after.indices))
    assert "sample 6" in window.seed_label.text() and "by hand" in window.seed_label.text()


def test_an_image_too_large_to_draw_is_explained_not_drawn(qtbot, varied_window, tmp_path):
    window = varied_window
    window.model.set("max_spacing", 2000)
    window.model.set("width", 5000)
    wait_for_latest(qtbot, window)
    shown = window.latest_request_id()
    window.panel.rows["height"].spin.setValue(1024)  # 5,000 x 1,024: 5.1 million pixels
    text = window.problem_text()
    assert "A 5,000 \u00d7 1,024 px image is more than the explorer draws" in text
    assert "2,800,000 pixels" in text and "lower the height or the width" in text
    assert window.latest_request_id() == shown
    window.gallery_action.trigger()  # no gallery of 64 such images either
    assert window.latest_gallery_id() == 0
    window.panel.rows["height"].spin.setValue(560)  # 2.8 million: drawn
    wait_for_latest(qtbot, window)
    assert window.problem_text() == "" and shown_pixels(window).shape == (560, 5000)


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("variation", '{"slant": [100, 200]}', "slant 100..200 degrees is out of bounds"),
        ("variation", '{"height": 30, "jitter_y": [0, 12]}', "does not fit a 30 px canvas"),
        ("variation", "[1, 2", "damaged"),
        ("variation", '{"wobble": 3}', "unknown variation field"),
        ("pool", "validation", "pool 'validation' does not exist"),
    ],
)
def test_a_file_with_damaged_variation_is_refused_with_a_reason(
    qtbot, varied_window, tmp_path, key, value, said
):
    from PIL.PngImagePlugin import PngInfo

    window = varied_window
    target = tmp_path / "saved.png"
    assert window.save_to(target)
    with Image.open(target) as image:
        pixels, text = np.asarray(image).copy(), dict(image.text)
    info = PngInfo()
    for name, chunk in {**text, key: value}.items():
        info.add_text(name, chunk)
    damaged = tmp_path / "damaged.png"
    Image.fromarray(pixels).save(damaged, pnginfo=info)
    before = window.model.recipe()
    assert not window.open_file(damaged)
    assert said in window.error_dialog().text()
    assert window.model.recipe() == before


def test_export_opens_for_a_recipe_with_a_variation_problem_and_says_it(qtbot, varied_window):
    window = varied_window
    window.model.set("height", 60)
    window.model.set("jitter_y", (0, 30))
    window.model.set("height", 40)
    assert "does not fit a 40 px canvas" in window.problem_text()
    window.export_action.trigger()
    dialog = window._export_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.export_button.isEnabled()
    assert "Vertical jitter 0..30 does not fit a 40 px canvas" in dialog.status_text()
    dialog.form.variation_form.rows["height"].spin.setValue(58)
    assert "does not fit" not in dialog.status_text()
    assert dialog.config().variation.jitter_y == (0, 30)
    dialog.close()


def test_a_varied_png_made_on_the_command_line_opens_with_its_pixels(
    qtbot, varied_window, tmp_path, run_main
):
    from mnist_seq_gui.cli import main as cli_main

    window = varied_window
    target = tmp_path / "cli.png"
    args = ["3141", "-3", "3", "109", "--seed", "12", "--pool", "test", "--height", "36",
            "--jitter-y", "0", "8", "--slant", "-12", "12", "--rotate", "-6", "6",
            "--scale", "0.9", "1.1", "--thickness", "-0.5", "0.5", "--noise", "4",
            "--blur", "0.5", "-o", str(target)]  # fmt: skip
    assert run_main(cli_main, args).status == 0
    with Image.open(target) as image:
        on_disk = np.asarray(image).copy()
    assert window.open_file(target)
    wait_for_latest(qtbot, window)
    recipe = window.model.recipe()
    assert (recipe.pool, recipe.height, recipe.jitter_y) == ("test", 36, (0, 8))
    assert recipe.slant == (-12.0, 12.0) and recipe.noise == 4.0
    assert np.array_equal(shown_pixels(window), on_disk)
    assert window.panel.variation_button.text() == "Variation (9 on)"  # pool and 8 fields
