"""The panel's rows are made from the field table: every field has one, in the window and
in the export dialog, with the table's label, limits and help; editing each row through
its own widgets changes the session, and the window shows what the session draws."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QWidget

from mnist_seq_gui.core import FIELDS, VARIATION_FIELDS
from mnist_seq_gui.gui.export_dialog import ExportDialog
from mnist_seq_gui.gui.rows import ChoiceRow, FlagRow, NumberRow, RangeRow

from .conftest import session_pixels, shown_pixels, wait_for_latest

KINDS = {
    "int": NumberRow,
    "float": NumberRow,
    "int range": RangeRow,
    "range": RangeRow,
    "choice": ChoiceRow,
    "flag": FlagRow,
}


def _plain(label: str) -> str:
    return label.replace("&", "")


def test_every_field_of_the_table_has_a_row_of_its_kind_in_the_panel(window):
    rows = window.panel.rows
    assert list(rows) == list(FIELDS)
    labels = {label.text() for label in window.panel.findChildren(QLabel)}
    for name, entry in FIELDS.items():
        row = rows[name]
        assert type(row) is KINDS[entry.kind], name
        assert row.entry == entry
        if entry.kind != "flag":
            assert entry.label in labels, name  # with its mnemonic
        for widget in row.widgets:
            assert widget.objectName() == f"{name}Row"


def test_every_field_has_a_row_in_the_export_dialogs_recipe_tab(qtbot):
    dialog = ExportDialog(None, {})
    qtbot.addWidget(dialog)
    rows = dialog.form.rows
    assert list(rows) == list(FIELDS)
    for name, entry in FIELDS.items():
        assert type(rows[name]) is KINDS[entry.kind], name
    assert rows["width"].spin.specialValueText() == "auto"  # the narrowest that fits


def test_number_rows_take_the_tables_limits_and_sliders_end_at_the_usual_top(window):
    for name, entry in FIELDS.items():
        row = window.panel.rows[name]
        if isinstance(row, NumberRow):
            spins, slider_top = (row.spin,), entry.soft_high or entry.high
            if name != "width":  # the width slider spans the widths the digits can use
                assert row.slider.maximum() == round(slider_top * row.scale), name
        elif isinstance(row, RangeRow):
            spins = (row.low, row.high)
        else:
            continue
        for spin in spins:
            assert (spin.minimum(), spin.maximum()) == (entry.low, entry.high), name
            assert spin.suffix() == entry.unit and not spin.keyboardTracking(), name


def test_each_control_has_a_human_accessible_name_and_the_fields_help(window):
    for name, entry in FIELDS.items():
        row = window.panel.rows[name]
        widgets: list[QWidget] = {
            NumberRow: lambda r: [r.slider, r.spin],
            RangeRow: lambda r: [r.slider, r.low, r.high],
            ChoiceRow: lambda r: [r.combo],
            FlagRow: lambda r: [r.check],
        }[type(row)](row)
        for widget in widgets:
            assert widget.accessibleName().startswith(_plain(entry.label)), name
            assert widget.toolTip() == entry.help, name
    panel = window.panel
    named = {
        panel.sequence_edit: "Sequence",
        panel.seed_spin: "Seed",
        panel.item_spin: "Sample",
        panel.reroll_button: "Reroll",
        panel.source_combo: "Digits from",
        window.preview: "Preview",
        window.image_page.zoom_combo: "Zoom",
    }
    for widget, words in named.items():
        assert widget.accessibleName() == words, widget.objectName()


def _range(name: str, low: Any, high: Any) -> Callable[[Any], None]:
    def change(window) -> None:
        row = window.panel.rows[name]
        row.high.setValue(high)  # high first: the ranges start at their neutral value
        row.low.setValue(low)

    return change


def _choose(name: str, value: str) -> Callable[[Any], None]:
    def change(window) -> None:
        combo = window.panel.rows[name].combo
        combo.setCurrentIndex(combo.findData(value))

    return change


def _jitter(window) -> None:
    window.panel.rows["height"].slider.setValue(48)
    _range("jitter_y", 2, 18)(window)


# field: (change through the row's widgets, the value the session then holds)
EDITS: dict[str, tuple[Callable[[Any], None], Any]] = {
    "width": (lambda w: w.panel.rows["width"].spin.setValue(164), 164),
    "spacing": (_range("spacing", 6, 20), (6, 20)),  # the width follows: 164
    "rule": (_choose("rule", "random"), "random"),
    "placement": (_choose("placement", "free"), "free"),
    "white_on_black": (lambda w: w.panel.rows["white_on_black"].check.setChecked(True), True),
    "pool": (_choose("pool", "test"), "test"),
    "height": (lambda w: w.panel.rows["height"].spin.setValue(44), 44),
    "jitter_y": (_jitter, (2, 18)),
    "slant": (_range("slant", -20, 20), (-20.0, 20.0)),
    "rotation": (lambda w: w.panel.rows["rotation"].slider.setValue((-10, 6)), (-10.0, 6.0)),
    "scale": (_range("scale", 0.7, 1.25), (0.7, 1.25)),
    "aspect": (lambda w: w.panel.rows["aspect"].slider.setValue((0.8, 1.5)), (0.8, 1.5)),
    "thickness": (_range("thickness", -0.5, 0.75), (-0.5, 0.75)),
    "noise": (_range("noise", 12.5, 12.5), (12.5, 12.5)),
    "blur": (_range("blur", 0.4, 0.8), (0.4, 0.8)),
}


def test_the_edits_cover_every_field():
    assert set(EDITS) == set(FIELDS)


@pytest.mark.parametrize("name", list(EDITS))
def test_editing_a_row_changes_the_session_and_the_window_draws_it(qtbot, window, name):
    window.panel.sequence_edit.setText("31415")
    window.panel.seed_spin.setValue(5)
    wait_for_latest(qtbot, window)
    plain = shown_pixels(window)
    change, value = EDITS[name]
    change(window)
    wait_for_latest(qtbot, window)
    session = window.model.session()
    assert session.get(name) == value
    assert window.model.problem() is None
    # A spacing or placement that moves the width says so (the width asked for was 156).
    if name in ("spacing", "placement"):
        moved = f"The width moved from 156 to {session.recipe.width} px"
        assert window.problem_text().startswith(moved)
    else:
        assert window.problem_text() == ""
    pixels = shown_pixels(window)
    assert np.array_equal(pixels, session_pixels(session))
    assert pixels.shape != plain.shape or not np.array_equal(pixels, plain)
    height = session.get("height")
    assert window.size_label.text() == f"{session.recipe.width} \u00d7 {height} px"
    varied = sum(session.recipe.variation.varies(n) for n in VARIATION_FIELDS)
    assert varied == (2 if name == "jitter_y" else int(name in VARIATION_FIELDS))
    title = window.panel.variation.text()
    assert title == ("Variation" if varied == 0 else f"Variation ({varied} on)")


def test_the_rows_show_a_session_set_from_elsewhere_without_sending_it_back(qtbot, window):
    latest = window.latest_request_id()
    session = window.model.session().replace(
        spacing=(-3, 9), rule="random", width=120, height=40, jitter_y=(1, 7), scale=(0.9, 1.1)
    )
    window.model.reset(session, snap=False)
    assert window.latest_request_id() == latest + 1  # one request, not one per row
    rows = window.panel.rows
    assert (rows["spacing"].low.value(), rows["spacing"].high.value()) == (-3, 9)
    assert rows["rule"].combo.currentData() == "random"
    assert rows["width"].spin.value() == 120 and rows["height"].spin.value() == 40
    assert rows["jitter_y"].slider.value() == (1, 7)
    assert (rows["scale"].low.value(), rows["scale"].high.value()) == (0.9, 1.1)
    assert window.model.session() == session
    wait_for_latest(qtbot, window)


def test_centred_jitter_shows_the_one_row_it_draws(qtbot, window):
    window.panel.rows["height"].spin.setValue(60)
    row = window.panel.rows["jitter_y"]
    assert window.model.session().get("jitter_y") is None
    assert (row.low.value(), row.high.value()) == (16, 16)
    assert row.slider.maximum() == 32  # the slider ends where a digit's top can go
