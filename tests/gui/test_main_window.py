"""The main window: controls, latest-wins display, rerolls, width help, bad input, zoom."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QWidget

from mnist_seq_gui.core import SequenceSpec, compose, valid_widths
from mnist_seq_gui.gui.drawing import compose_recipe
from mnist_seq_gui.gui.image_view import FIT, PreviewView
from mnist_seq_gui.gui.main_window import MainWindow
from mnist_seq_gui.gui.qimage import rgb_array
from mnist_seq_gui.gui.render_thread import RenderResult

from .conftest import TIMEOUT_MS, core_pixels, shown_pixels, wait_for_latest

NAMES = {
    "sequenceEdit": "Sequence",
    "minSpacingSpin": "Min spacing",
    "maxSpacingSpin": "Max spacing",
    "widthSpin": "Width",
    "minSpacingSlider": "Min spacing",
    "maxSpacingSlider": "Max spacing",
    "widthSlider": "Width",
    "ruleCombo": "Rule",
    "whiteOnBlackCheck": "White on black",
    "seedSpin": "Seed",
    "itemSpin": "Sample",
    "rerollButton": "Reroll",
    "sourceCombo": "Digits from",
    "previewView": "Preview",
    "zoomCombo": "Zoom",
}


def test_controls_have_object_names_and_human_accessible_names(window):
    for name, words in NAMES.items():
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName() == words, name


def test_first_image_is_the_default_sequence(window):
    spec = window.current_spec()
    assert spec.digits == (2, 0, 2, 4)
    assert np.array_equal(shown_pixels(window), core_pixels(spec, window.panel.seed_spin.value()))


def test_typed_sequence_shows_the_core_pixels(qtbot, window):
    window.panel.seed_spin.setValue(31337)
    window.panel.sequence_edit.setText("31415")
    wait_for_latest(qtbot, window)
    spec = window.current_spec()
    assert spec.digits == (3, 1, 4, 1, 5)
    # The gap of the previous layout (4 px) is kept when the length changes.
    assert spec.width == 5 * 28 + 4 * 4
    assert np.array_equal(shown_pixels(window), core_pixels(spec, 31337))
    assert window.size_label.text().startswith(f"{spec.width} \u00d7 28")
    assert "31337" in window.seed_label.text()


def test_polarity_and_random_rule_match_core(qtbot, window):
    window.panel.white_on_black_check.setChecked(True)
    window.panel.rule_combo.setCurrentIndex(window.panel.rule_combo.findData("random"))
    window.panel.width_spin.setValue(125)  # not uniform-valid, fine for random
    wait_for_latest(qtbot, window)
    spec = window.current_spec()
    assert spec.white_on_black and spec.rule == "random" and spec.width == 125
    pixels = shown_pixels(window)
    assert np.array_equal(pixels, core_pixels(spec, window.panel.seed_spin.value()))
    assert pixels[0, 0] == 0  # black background


def test_twenty_rapid_slider_changes_end_on_the_last(qtbot, window):
    shown: list[int] = []
    window.imageShown.connect(shown.append)
    widths = list(valid_widths(4, 0, 10, "uniform"))
    targets = [widths[i % len(widths)] for i in range(3, 23)]
    for width in targets:
        window.panel.width_slider.setValue(width)
    wait_for_latest(qtbot, window)
    assert window.preview.image().width() == targets[-1]
    assert shown and shown[-1] == window.latest_request_id()
    assert all(a < b for a, b in itertools.pairwise(shown))
    assert np.array_equal(
        shown_pixels(window), core_pixels(window.current_spec(), window.panel.seed_spin.value())
    )


def test_request_superseded_mid_render_is_never_shown(qtbot, make_window):
    slow_started = threading.Event()
    release = threading.Event()
    finished: list[tuple[int, ...]] = []

    def held_compose(bank, recipe):
        # The render of 111 waits until the test has sent the next request.
        if recipe.sequence == "111":
            slow_started.set()
            assert release.wait(5)
        comp = compose_recipe(bank, recipe)
        finished.append(comp.spec.digits)
        return comp

    window = make_window(compose_fn=held_compose)
    shown: list[int] = []
    window.imageShown.connect(shown.append)
    window.panel.sequence_edit.setText("111")
    superseded = window.latest_request_id()
    assert slow_started.wait(5)
    window.panel.sequence_edit.setText("999")
    newest = window.latest_request_id()
    release.set()
    wait_for_latest(qtbot, window)
    # The held render of 111 did finish, and was dropped instead of shown.
    qtbot.waitUntil(lambda: (1, 1, 1) in finished, timeout=TIMEOUT_MS)
    assert superseded not in shown
    assert shown == [newest]
    assert np.array_equal(
        shown_pixels(window), core_pixels(window.current_spec(), window.panel.seed_spin.value())
    )


def test_gui_slot_drops_a_result_that_is_not_the_newest(qtbot, window):
    before = shown_pixels(window)
    spec = SequenceSpec((7, 7, 7, 7), width=124, max_spacing=10)
    old = window.result()
    stale = RenderResult(
        window.latest_request_id() - 1,
        old.recipe,
        compose(old.bank, spec, 3, dtype=np.uint8),
        QImage(124, 28, QImage.Format.Format_Grayscale8),
        0.1,
        old.bank,
    )
    with qtbot.assertNotEmitted(window.imageShown, wait=50):
        window._on_rendered(stale)
    assert np.array_equal(shown_pixels(window), before)


def test_reroll_changes_pixels_and_keeps_parameters(qtbot, window):
    before_spec = window.current_spec()
    before_seed = window.panel.seed_spin.value()
    before = shown_pixels(window)
    window.panel.reroll_button.click()
    wait_for_latest(qtbot, window)
    assert window.current_spec() == before_spec
    seed = window.panel.seed_spin.value()
    assert seed != before_seed
    after = shown_pixels(window)
    assert not np.array_equal(after, before)
    assert np.array_equal(after, core_pixels(before_spec, seed))
    # The shortcut action does the same.
    window.reroll_action.trigger()
    wait_for_latest(qtbot, window)
    assert window.panel.seed_spin.value() != seed
    assert QKeySequence("Ctrl+R") in window.reroll_action.shortcuts()


def test_typed_64_bit_seed_reproduces_the_image(qtbot, window):
    seed = 2**63 - 5
    window.panel.seed_spin.lineEdit().setText(str(seed))
    window.panel.seed_spin.editingFinished.emit()
    wait_for_latest(qtbot, window)
    assert window.panel.seed_spin.value() == seed
    assert np.array_equal(shown_pixels(window), core_pixels(window.current_spec(), seed))


def test_click_rerolls_only_that_digit(qtbot, window):
    canvas = window.preview.canvas
    before = shown_pixels(window)
    old = window.result().composition
    x0, _, x1, _ = old.boxes[2]
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point_of((x0 + x1) / 2, 14)
    )
    wait_for_latest(qtbot, window)
    new = window.result().composition
    after = shown_pixels(window)
    assert new.indices[2] != old.indices[2]
    assert new.indices[:2] == old.indices[:2] and new.indices[3:] == old.indices[3:]
    assert not np.array_equal(after[:, x0:x1], before[:, x0:x1])
    outside = np.ones(after.shape[1], bool)
    outside[x0:x1] = False
    assert np.array_equal(after[:, outside], before[:, outside])
    assert np.array_equal(
        after, core_pixels(window.current_spec(), window.panel.seed_spin.value(), new.indices)
    )
    # The fixed indices survive a change of width (the same digits keep their pixels).
    window.panel.width_slider.setValue(130)
    wait_for_latest(qtbot, window)
    assert window.result().composition.indices == new.indices


def test_hover_names_the_digit_and_its_mnist_index(qtbot, window):
    canvas = window.preview.canvas
    comp = window.result().composition
    x0, _, x1, _ = comp.boxes[1]
    qtbot.mouseMove(canvas, canvas.widget_point_of((x0 + x1) / 2, 14))
    qtbot.waitUntil(
        lambda: f"MNIST test index {comp.indices[1]}" in window.statusBar().currentMessage(),
        timeout=TIMEOUT_MS,
    )
    assert window.statusBar().currentMessage().startswith("Digit 2: 0")


def test_invalid_width_explains_and_offers_nearest(qtbot, window):
    shown_before = shown_pixels(window)
    window.panel.width_spin.setValue(125)  # 4 digits, uniform: 124 and 127 work
    text = window.problem_text()
    assert "125" in text and "124 or 127" in text
    offers = [b for b in window.problem_bar.offer_buttons if b.isVisible()]
    assert [b.text() for b in offers] == ["Use width 124", "Use width 127"]
    assert window.problem_bar.offer_random_button.isVisible()
    assert np.array_equal(shown_pixels(window), shown_before)  # never blank
    offers[1].click()
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    assert window.preview.image().width() == 127
    assert np.array_equal(
        shown_pixels(window), core_pixels(window.current_spec(), window.panel.seed_spin.value())
    )


def test_offer_random_rule_keeps_the_width(qtbot, window):
    window.panel.width_spin.setValue(125)
    window.problem_bar.offer_random_button.click()
    wait_for_latest(qtbot, window)
    assert window.model.recipe().rule == "random"
    assert window.problem_text() == ""
    assert window.preview.image().width() == 125


def test_width_slider_snaps_to_valid_widths(qtbot, window):
    window.panel.width_slider.setValue(126)  # between 124 and 127: snaps to the nearer
    assert window.panel.width_spin.value() == 127
    assert window.panel.width_slider.value() == 127
    assert window.problem_text() == ""
    wait_for_latest(qtbot, window)
    assert window.preview.image().width() == 127
    slider = window.panel.width_slider
    assert (slider.minimum(), slider.maximum(), slider.singleStep()) == (112, 142, 3)
    # The spin box takes any width; the problem bar explains one the rule cannot use.
    assert window.panel.width_spin.minimum() == 28


@pytest.mark.parametrize(
    ("typed", "kept", "said"),
    [
        ("20a4", "204", "'a'"),
        ("12 34", "1234", "spaces"),
        ("\u0663\u0664", "", "'\u0663'"),  # Arabic-Indic digits are not ASCII 0-9
    ],
)
def test_bad_sequence_text_is_cleaned_with_a_message(qtbot, window, typed, kept, said):
    window.panel.sequence_edit.setText(typed)
    assert window.panel.sequence_edit.text() == kept
    assert said in window.statusBar().currentMessage()
    if kept:
        wait_for_latest(qtbot, window)
        assert window.result().composition.spec.digits == tuple(int(c) for c in kept)


def test_empty_sequence_is_explained_and_keeps_the_image(qtbot, window):
    before = shown_pixels(window)
    latest = window.latest_request_id()
    window.panel.sequence_edit.setText("")
    assert "empty" in window.problem_text()
    assert window.latest_request_id() == latest  # nothing was sent to the thread
    assert not window.reroll_action.isEnabled()
    assert np.array_equal(shown_pixels(window), before)
    window.panel.sequence_edit.setText("5")
    wait_for_latest(qtbot, window)
    assert window.problem_text() == ""
    assert window.preview.image().width() == 28  # a single digit is always 28 wide


def test_min_spacing_never_passes_max(qtbot, window):
    window.panel.max_spacing_spin.setValue(5)
    window.panel.min_spacing_slider.setValue(8)
    assert window.panel.min_spacing_spin.value() == 8
    assert window.panel.max_spacing_spin.value() == 8
    assert window.panel.max_spacing_slider.value() == 8
    assert "Max spacing raised" in window.statusBar().currentMessage()
    wait_for_latest(qtbot, window)
    spec = window.result().composition.spec
    assert spec.min_spacing == spec.max_spacing == 8
    assert spec.width == 4 * 28 + 3 * 8
    window.panel.max_spacing_spin.setValue(2)
    assert window.panel.min_spacing_spin.value() == 2


def _image_block(canvas, k: int, dpr: float, painted: np.ndarray) -> np.ndarray:
    origin = canvas.image_origin(dpr, k)
    image = canvas.image()
    return painted[
        origin.y() : origin.y() + image.height() * k, origin.x() : origin.x() + image.width() * k
    ]


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_integer_zoom_is_crisp_nearest_neighbour(qtbot, window, dpr):
    window.set_zoom(3)
    canvas = window.preview.canvas
    # QWidget.render() paints at the widget's own ratio (1 offscreen) and scales the
    # result, which matches painting at `dpr` only for even sizes; a real HiDPI
    # screen is checked under Xvfb (test_xvfb.py, QT_SCALE_FACTOR=2).
    canvas.setFixedSize(canvas.width() // 2 * 2, canvas.height() // 2 * 2)
    pixels = shown_pixels(window)
    target = QImage(canvas.size() * dpr, QImage.Format.Format_RGB32)
    target.setDevicePixelRatio(dpr)
    canvas.render(target)
    k = canvas.device_scale(dpr)
    assert k == round(3 * dpr)
    painted = rgb_array(target)
    block = _image_block(canvas, k, dpr, painted)
    expected = np.repeat(np.repeat(pixels, k, axis=0), k, axis=1)
    for channel in range(3):
        assert np.array_equal(block[..., channel], expected)
    # A dark frame right outside the image makes its edge visible.
    origin = canvas.image_origin(dpr, k)
    assert tuple(painted[origin.y() - 1, origin.x() + 5]) == (0x30, 0x30, 0x30)


def test_fit_uses_the_largest_whole_zoom_that_fits(qtbot, window):
    window.set_zoom(FIT)
    canvas = window.preview.canvas
    k = canvas.device_scale(1.0)
    image = canvas.image()
    assert k >= 2
    assert image.width() * k <= canvas.width() and image.width() * (k + 1) > canvas.width() - 32
    window.zoom_in_action.trigger()
    assert window.preview.zoom() > k
    window.zoom_out_action.trigger()
    window.zoom_out_action.trigger()
    assert window.preview.zoom() < k


def test_actions_have_status_tips_and_standard_shortcuts(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    # Before the first image arrives there is nothing to save or copy.
    assert not window.save_action.isEnabled()
    assert not window.copy_action.isEnabled()
    wait_for_latest(qtbot, window)
    assert window.save_action.isEnabled() and window.copy_action.isEnabled()
    for action in window.actions():
        assert action.statusTip(), action.text()
    standard = {
        window.open_action: QKeySequence.StandardKey.Open,
        window.save_action: QKeySequence.StandardKey.Save,
        window.save_as_action: QKeySequence.StandardKey.SaveAs,
        window.copy_action: QKeySequence.StandardKey.Copy,
        window.quit_action: QKeySequence.StandardKey.Quit,
        window.zoom_in_action: QKeySequence.StandardKey.ZoomIn,
    }
    for action, key in standard.items():
        bindings = QKeySequence.keyBindings(key)
        assert action.shortcuts()[: len(bindings)] == bindings, action.text()
    assert QKeySequence("Ctrl+=") in window.zoom_in_action.shortcuts()  # no Shift needed
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Help"]


def test_settings_restore_the_last_session(qtbot, make_window):
    first = make_window()
    first.panel.sequence_edit.setText("8675309")
    first.panel.max_spacing_spin.setValue(20)
    first.panel.width_slider.setValue(7 * 28 + 6 * 12)
    first.panel.white_on_black_check.setChecked(True)
    first.panel.seed_spin.setValue(2**40 + 3)
    first.set_zoom(4)
    wait_for_latest(qtbot, first)
    expected = shown_pixels(first)
    spec = first.current_spec()
    first.close()

    second = make_window()
    assert second.current_spec() == spec
    assert second.panel.seed_spin.value() == 2**40 + 3
    assert second.preview.zoom() == 4
    assert np.array_equal(shown_pixels(second), expected)


def test_settings_start_empty_in_each_test(window):
    # Isolation: the previous test's session is not visible here.
    assert window.panel.sequence_edit.text() == "2024"


def test_about_names_version_data_and_licence(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from mnist_seq_gui import __version__

    seen = {}
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: seen.update(text=text))
    window.about_action.trigger()
    assert __version__ in seen["text"]
    assert "CC BY-SA 3.0" in seen["text"] and "LeCun" in seen["text"]


def test_preview_image_is_one_to_one(window):
    view = window.findChild(PreviewView, "previewView")
    image = view.image()
    assert (image.width(), image.height()) == (window.panel.width_spin.value(), 28)
    assert image.format() == QImage.Format.Format_Grayscale8


def test_closing_stops_the_render_thread(qtbot, window):
    thread = window._render
    assert thread.isRunning()
    window.close()
    assert not thread.isRunning()
    # A control change after close sends nothing and raises nothing.
    window.panel.sequence_edit.setText("42")
    assert not thread.isRunning()


def test_mouse_outside_the_image_is_no_digit(window):
    assert window.preview.canvas.digit_at(QPoint(1, 1)) == -1


def test_damaged_settings_fall_back_to_sane_values(qtbot, make_window):
    from mnist_seq_gui.gui.settings import settings_store

    store = settings_store()
    for key, value in {
        "params/sequence": "12ab\u00b2",
        "params/width": "wide",
        "params/min_spacing": "-15",
        "params/max_spacing": "9999",
        "params/seed": "-1",
        "params/rule": "sideways",
        "view/zoom": "7",
        "files/save_dir": "/no/such/folder",
    }.items():
        store.setValue(key, value)
    store.sync()
    window = make_window()
    spec = window.current_spec()
    assert spec.digits == (2, 0, 2, 4)  # "12ab\u00b2" is no sequence: the default
    assert spec.rule == "uniform"
    assert (spec.min_spacing, spec.max_spacing) == (0, 9999)  # -15 refused (overlap ends at -14)
    assert window.panel.seed_spin.value() == 0
    assert window.problem_text() == ""
    assert np.array_equal(shown_pixels(window), core_pixels(spec, 0))
