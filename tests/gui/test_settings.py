"""The last session and view come back at the next start; damaged or absurd settings give
a note and a sane value, never an exception."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mnist_seq_gui.gui.preview import FIT
from mnist_seq_gui.gui.settings import read_session, settings_store, write_session
from mnist_seq_gui.gui.state.session import Session

from .conftest import session_pixels, shown_pixels, wait_for_latest


def store(values: dict[str, object]) -> None:
    settings = settings_store()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()


def test_settings_start_empty_in_each_test(window):
    assert window.model.session() == Session()
    assert settings_store().allKeys() == []


def test_the_last_session_and_view_come_back(qtbot, make_window):
    first = make_window()
    first.panel.sequence_edit.setText("8675309")
    first.panel.rows["spacing"].high.setValue(20)
    first.panel.rows["width"].slider.setValue(7 * 28 + 6 * 12)
    first.panel.rows["white_on_black"].check.setChecked(True)
    first.panel.seed_spin.setValue(2**40 + 3)
    first.model.set("height", 40)
    first.model.set("jitter_y", (1, 9))
    first.model.set("scale", (0.8, 1.2))
    first.model.set("pool", "test")
    first.gallery.count_spin.setValue(24)
    first.actions_.ink_boxes.setChecked(True)
    wait_for_latest(qtbot, first)
    expected, session = shown_pixels(first), first.model.session()
    first.close()
    second = make_window()
    assert second.model.session() == session
    assert second.panel.seed_spin.value() == 2**40 + 3
    assert second.gallery.count() == 24
    assert second.actions_.ink_boxes.isChecked()
    assert np.array_equal(shown_pixels(second), expected)


def test_damaged_settings_fall_back_to_sane_values_with_notes(qtbot, make_window, tmp_path):
    store(
        {
            "params/sequence": "12ab\u00b2",
            "params/width": "2147483648",
            "params/spacing": "-15,9999",
            "params/seed": "-1",
            "params/rule": "sideways",
            "params/rotation": "1e999,2",
            "params/blur": "x" * 10_000,
            "params/zoom": str(10**30),  # no field of the session: ignored
            "view/zoom": "junk",
            "gallery/count": str(10**30),
            "files/save_dir": str(tmp_path / "no" / "such" / "folder"),
            "window/geometry": "not a geometry",
        }
    )
    window = make_window()
    assert window.model.session() == Session()
    assert window.preview.zoom() == FIT and window.gallery.count() == 16
    assert window.document.folder == Path.home()
    assert window.problem_text() == ""
    assert np.array_equal(shown_pixels(window), session_pixels(Session()))
    _session, view = read_session()
    notes = " | ".join(view.notes)
    for said in ("Width 2,147,483,648 is out of range", "Seed '-1' is not a whole number",
                 "Rule 'sideways' is unknown", "Spacing -15..9999 px is out of bounds",
                 "settings: zoom 'junk' is not usable; using the default",
                 "settings: count '1000000000000000000000000000000' is not usable"):  # fmt: skip
        assert said in notes, notes
    assert all(len(note) < 300 for note in view.notes)
    assert window.status.text() in view.notes  # the window says them


def test_settings_of_0_2_are_read_and_their_old_keys_go_when_written(qtbot, make_window):
    store(
        {
            "params/sequence": "31415",
            "params/min_spacing": "2",
            "params/max_spacing": "20",
            "params/width": "180",
            "params/white_on_black": "true",
            "params/jitter_y": "",
            "params/seed": "77",
        }
    )
    window = make_window()
    session = window.model.session()
    assert session.recipe.spacing == (2, 20) and session.recipe.width == 180
    assert session.recipe.white_on_black and session.seed == 77
    assert session.get("jitter_y") is None
    window.close()
    keys = settings_store().allKeys()
    assert "params/spacing" in keys
    assert "params/min_spacing" not in keys and "params/max_spacing" not in keys


def test_a_hand_edited_range_without_quotes_is_read(qtbot):
    folder = Path(settings_store().fileName()).parent
    folder.mkdir(parents=True, exist_ok=True)
    Path(settings_store().fileName()).write_text(
        "[params]\nspacing=0, 20\nwidth=160\nrotation=-10, 10\n"
    )
    session, view = read_session()
    assert session.recipe.spacing == (0, 20) and session.get("rotation") == (-10.0, 10.0)
    assert session.recipe.width == 160 and view.notes == ()


def test_a_stored_width_the_digits_cannot_use_snaps_to_the_nearest(qtbot):
    store({"params/width": "125"})
    session, view = read_session()
    assert session.recipe.width == 124 and view.notes == ()


@pytest.mark.parametrize("zoom", [FIT, 1, 8])
def test_a_written_view_reads_back(zoom):
    _session, view = read_session()
    view.zoom, view.gallery_shown, view.variation_shown = zoom, True, True
    write_session(Session(sequence="42"), view)
    again_session, again = read_session()
    assert again_session == Session(sequence="42").replace(width=again_session.recipe.width)
    assert (again.zoom, again.gallery_shown, again.variation_shown) == (zoom, True, True)
