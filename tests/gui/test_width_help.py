"""What the window says and offers when the session gives no image: the problem bar, its
one-click widths and random rule, the width slider that stops only on usable widths,
typed text cleaned with a note, and range ends that follow each other."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import enter, session_pixels, shown_pixels, wait_for_latest


def test_a_width_the_digits_cannot_fill_is_explained_with_the_nearest_widths(qtbot, window):
    before, latest = shown_pixels(window), window.latest_request_id()
    window.panel.rows["width"].spin.setValue(125)  # 4 digits, uniform: 124 and 127 work
    text = window.problem_text()
    assert text.startswith("Width 125 has no uniform spacing for 4 digits in 0..10")
    assert text.endswith("The preview shows the last valid image.")
    offers = [b for b in window.problem_bar.offer_buttons if b.isVisible()]
    assert [b.text() for b in offers] == ["Use width 124", "Use width 127"]
    assert window.problem_bar.offer_random_button.isVisible()
    assert window.latest_request_id() == latest  # nothing sent to the render thread
    assert np.array_equal(shown_pixels(window), before)  # never blank
    offers[1].click()
    wait_for_latest(qtbot, window)
    assert window.problem_text() == "" and window.problem_bar.isHidden()
    assert window.preview.image().width() == 127
    assert np.array_equal(shown_pixels(window), session_pixels(window.model.session()))


def test_the_random_rule_offered_keeps_the_width(qtbot, window):
    window.panel.rows["width"].spin.setValue(125)
    window.problem_bar.offer_random_button.click()
    wait_for_latest(qtbot, window)
    assert window.model.session().recipe.rule == "random"
    assert window.panel.rows["rule"].combo.currentData() == "random"
    assert window.problem_text() == "" and window.preview.image().width() == 125


def test_a_typed_impossible_width_stays_as_typed_and_names_the_widest(qtbot, window):
    enter(qtbot, window.panel.rows["width"].spin, "200")
    assert window.panel.rows["width"].spin.value() == 200
    assert window.model.session().recipe.width == 200
    text = window.problem_text()
    assert "Width 200 is too wide" in text and "at most 142 px" in text
    assert [b.text() for b in window.problem_bar.offer_buttons if b.isVisible()] == [
        "Use width 142"
    ]
    assert not window.problem_bar.offer_random_button.isVisible()


def test_the_width_slider_stops_only_on_widths_the_digits_can_use(qtbot, window):
    row = window.panel.rows["width"]
    assert (row.slider.minimum(), row.slider.maximum(), row.slider.singleStep()) == (112, 142, 3)
    row.slider.setValue(126)  # between 124 and 127: the nearer
    assert row.spin.value() == 127 and row.slider.value() == 127
    assert window.problem_text() == ""
    wait_for_latest(qtbot, window)
    assert window.preview.image().width() == 127
    assert row.spin.minimum() == 28  # the spin box takes any width; the bar explains it


def test_typing_a_spacing_applies_the_number_not_each_keystroke(qtbot, window):
    window.panel.rows["width"].spin.setValue(142)  # 2024 with gaps of 10
    wait_for_latest(qtbot, window)
    high = window.panel.rows["spacing"].high
    enter(qtbot, high, "20")  # never 2 on the way: the width would have had to shrink
    wait_for_latest(qtbot, window)
    assert high.value() == 20 and window.model.session().recipe.spacing == (0, 20)
    assert window.panel.rows["width"].spin.value() == 142
    assert window.result().composition.recipe.width == 142


def test_a_narrow_spacing_on_the_way_gives_the_width_back(qtbot, window):
    window.panel.rows["width"].spin.setValue(142)
    high = window.panel.rows["spacing"].high
    high.setValue(2)
    assert window.model.session().recipe.width == 118
    high.setValue(20)
    wait_for_latest(qtbot, window)
    assert window.model.session().recipe.width == 142
    assert window.panel.rows["width"].slider.value() == 142


def test_a_spacing_end_pushed_past_the_other_takes_it_along(qtbot, window):
    row = window.panel.rows["spacing"]
    row.high.setValue(5)
    row.low.setValue(8)
    assert (row.low.value(), row.high.value()) == (8, 8)
    assert row.slider.value() == (8, 8)
    assert window.status.text() == "Spacing: the top end raised to 8 to stay above the bottom"
    wait_for_latest(qtbot, window)
    comp = window.result().composition
    assert comp.recipe.spacing == (8, 8) and comp.recipe.width == 4 * 28 + 3 * 8
    row.high.setValue(2)
    assert row.low.value() == 2 and "bottom end lowered to 2" in window.status.text()


@pytest.mark.parametrize(
    ("typed", "kept", "said"),
    [
        ("20a4", "204", "'a'"),
        ("12 34", "1234", "spaces"),
        ("\u0663\u0664", "", "'\u0663'"),  # Arabic-Indic digits are not ASCII 0-9
    ],
)
def test_text_that_is_no_digit_is_cleaned_with_a_message(qtbot, window, typed, kept, said):
    window.panel.sequence_edit.setText(typed)
    assert window.panel.sequence_edit.text() == kept
    assert window.status.text().startswith("Sequence: removed") and said in window.status.text()
    if kept:
        wait_for_latest(qtbot, window)
        assert window.result().composition.digits == tuple(int(c) for c in kept)


def test_an_empty_sequence_is_explained_and_keeps_the_image(qtbot, window):
    before, latest = shown_pixels(window), window.latest_request_id()
    window.panel.sequence_edit.setText("")
    assert "The sequence is empty" in window.problem_text()
    assert window.latest_request_id() == latest
    assert not window.actions_.reroll.isEnabled() and not window.panel.reroll_button.isEnabled()
    assert np.array_equal(shown_pixels(window), before)
    window.panel.sequence_edit.setText("5")
    wait_for_latest(qtbot, window)
    assert window.problem_text() == "" and window.actions_.reroll.isEnabled()
    assert window.preview.image().width() == 28  # a single digit is always 28 wide


def test_a_hundred_digits_draw_and_stay_editable(qtbot, window):
    digits = "".join(str(i % 10) for i in range(100))
    window.panel.sequence_edit.setText(digits)
    wait_for_latest(qtbot, window)
    assert window.result().composition.digits == tuple(int(c) for c in digits)
    window.panel.sequence_edit.setText(digits + "7")
    wait_for_latest(qtbot, window)
    assert len(window.result().composition.digits) == 101
    assert np.array_equal(shown_pixels(window), session_pixels(window.model.session()))


def test_an_image_too_large_to_draw_is_explained_and_not_drawn(qtbot, window):
    window.model.set("spacing", (0, 2000))
    window.model.set("width", 4999)
    wait_for_latest(qtbot, window)
    latest = window.latest_request_id()
    window.panel.rows["height"].spin.setValue(1024)  # 4,999 x 1,024: 5.1 million pixels
    text = window.problem_text()
    assert "A 4,999 \u00d7 1,024 px image is more than the explorer draws" in text
    assert "2,800,000 pixels" in text and "lower the height or the width" in text
    assert window.latest_request_id() == latest
    window.actions_.gallery.trigger()  # no gallery of such images either
    assert window.latest_gallery_id() == 0
    window.panel.rows["height"].spin.setValue(560)  # 2.8 million: drawn
    wait_for_latest(qtbot, window)
    assert window.problem_text() == "" and shown_pixels(window).shape == (560, 4999)
