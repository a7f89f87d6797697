"""The explorer's session without Qt: its fields, its text form for settings, and how a
damaged stored value becomes a note while the field keeps the value it had."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mnist_seq_gui.core import FIELDS, MAX_SEED, InputError, Recipe, SequenceError
from mnist_seq_gui.gui.state.session import (
    FIRST_RECIPE,
    Session,
    from_stored,
    index_name,
    to_stored,
    worded,
)

VARIED = Session(
    FIRST_RECIPE.replace(
        rule="random",
        spacing=(-3, 40),
        width=190,
        placement="free",
        white_on_black=True,
        pool="train",
        height=40,
        jitter_y=(2, 9),
        slant=(-10.0, 12.0),
        rotation=(-4.0, 6.0),
        scale=(0.8, 1.2),
        aspect=(0.9, 1.1),
        thickness=(-0.5, 0.25),
        noise=3.5,
        blur=0.4,
    ),
    "0071",
    MAX_SEED,
    12,
    (3, 10, 2, 14),
    "/x/y",
)


def test_the_first_session_draws_2024_filling_124_px():
    session = Session()
    assert session.digits() == (2, 0, 2, 4)
    assert session.recipe == Recipe(width=124, spacing=(0, 10), placement="fill")
    assert (session.seed, session.item, session.indices, session.source) == (0, 0, None, None)


def test_get_and_replace_reach_recipe_fields_by_name_and_check_them():
    session = Session().replace(rotation=(-10, 10), seed=5, pool="test")
    assert session.get("rotation") == (-10.0, 10.0) and session.get("seed") == 5
    assert session.recipe.pool == "test" and session.get("jitter_y") is None
    with pytest.raises(InputError) as refused:
        Session().replace(rotation=(-90, 0))
    assert refused.value.field == "rotation"


def test_a_sequence_without_digits_has_no_digits():
    with pytest.raises(SequenceError, match="empty"):
        Session(sequence="").digits()


def test_the_stored_text_round_trips_every_field():
    stored = to_stored(VARIED)
    assert all(isinstance(v, str) for v in stored.values())
    assert stored["seed"] == str(MAX_SEED) and stored["indices"] == "3,10,2,14"
    assert stored["spacing"] == "-3,40" and stored["slant"] == "-10.0,12.0"
    assert from_stored(stored) == (VARIED, ())


def test_the_first_session_round_trips_with_empty_indices_and_source():
    stored = to_stored(Session())
    assert stored["indices"] == "" and stored["source"] == ""
    assert "rotation" not in stored  # variation fields only when they vary
    assert from_stored(stored) == (Session(), ())


@pytest.mark.parametrize(
    ("key", "raw", "said"),
    [
        ("width", "2147483648", "Width 2,147,483,648 is out of range; use 28..100,000; using 124"),
        ("width", "9" * 5000, "is far out of range"),
        ("seed", "-1", "Seed '-1' is not a whole number; use 0..9,223,372,036,854,775,807"),
        ("seed", str(MAX_SEED + 1), "is out of range"),
        ("item", "-3", "Sample '-3' is not a whole number"),
        ("sequence", "12ab\u00b2", "is not a sequence of digits 0-9; using '2024'"),
        ("indices", "1,x", "MNIST index 'x' is not a whole number"),
        ("rule", "sideways", "Rule 'sideways' is unknown; use one of: uniform, random"),
        ("placement", "up", "Placement 'up' is unknown"),
        ("white_on_black", "perhaps", "White on black 'perhaps' is not true or false"),
        ("pool", "validation", "Pool 'validation' is unknown; use one of: all, train, test"),
        ("spacing", "-15,10", "Spacing -15..10 px is out of bounds; use -14..100,000; using 0..10"),
        ("spacing", "1e3,2", "is not a whole number"),
        ("height", "27", "Height 27 is out of range; use 28..1,024; using 28"),
        ("jitter_y", "9,2", "Jitter 9..2 px is reversed; swap them (2..9); using centred"),
        ("jitter_y", "3", "is not a range"),
        ("rotation", "-50,3", "Rotation -50..3\u00b0 is out of bounds; use -45..45; using 0..0"),
        ("slant", "a,b", "is not a number"),
        ("scale", "nan,1", "is not finite"),
        ("noise", "inf", "Noise inf is not finite"),
        ("noise", "-1", "Noise -1 is out of range; use 0..128"),
        ("blur", "x" * 10_000, "is not a number"),
    ],
)
def test_a_damaged_stored_value_becomes_a_note_and_keeps_the_value_before(key, raw, said):
    session, notes = from_stored({key: raw})
    assert session == Session()
    assert len(notes) == 1 and notes[0].startswith("settings: "), notes
    assert said in notes[0], notes
    assert len(notes[0]) < 200  # a hostile value is quoted short


def test_every_damaged_value_is_noted_and_the_good_ones_are_kept():
    session, notes = from_stored(
        {"width": "2147483648", "seed": "-1", "sequence": "31415", "noise": "5", "zoom": "junk"}
    )
    assert session == Session(sequence="31415").replace(noise=5.0)
    assert len(notes) == 2  # width and seed; zoom is no field of the session
    assert not any("zoom" in note for note in notes)


def test_a_note_names_the_value_kept_from_the_base_and_the_place_it_came_from():
    session, notes = from_stored({"width": "2147483648"}, VARIED, "file")
    assert session == VARIED
    assert notes == ("file: Width 2,147,483,648 is out of range; use 28..100,000; using 190",)


def test_jitter_that_fits_alone_but_not_the_stored_height_is_dropped_with_a_note():
    session, notes = from_stored({"height": "30", "jitter_y": "0,12"})
    assert session == Session().replace(height=30)
    assert len(notes) == 1 and "does not fit a 30 px canvas" in notes[0]
    assert notes[0].endswith("using centred")


def test_the_spacing_of_0_2_settings_is_read_from_its_two_keys():
    session, notes = from_stored({"min_spacing": "2", "max_spacing": "20", "width": "160"})
    assert notes == ()
    assert session.recipe.spacing == (2, 20) and session.recipe.width == 160
    reversed_, notes = from_stored({"min_spacing": "9", "max_spacing": "3"})
    assert reversed_.recipe.spacing == (0, 10)
    assert len(notes) == 1 and "Spacing 9..3 px is reversed" in notes[0]


def test_an_error_is_worded_by_the_tables_labels_as_a_sentence():
    refused = FIELDS["rotation"].refuse((-50.0, 3.0), "is out of bounds", "use -45..45")
    assert worded(refused) == "Rotation -50..3\u00b0 is out of bounds; use -45..45."
    plain = InputError("the sequence is empty; give digits such as 2024")
    assert worded(plain) == "The sequence is empty; give digits such as 2024."
    with pytest.raises(InputError) as caught:
        Recipe(width=10)
    assert worded(caught.value) == "Width 10 is out of range; use 28..100,000."


def test_mnist_images_are_named_by_the_source_they_come_from():
    assert index_name(Session()) == "MNIST test index"
    assert index_name(Session(), plural=True) == "MNIST test indices"
    other = VARIED.replace(pool="all")
    assert index_name(other) == "index" and index_name(other, plural=True) == "indices"
    # From a pool, the pool is named, not the bundled set's own split ("test").
    assert index_name(VARIED) == "train pool \u00b7 index"
    assert index_name(Session().replace(pool="train"), plural=True) == "train pool \u00b7 indices"
    assert "test" not in index_name(Session().replace(pool="train"))


STATE_WITHOUT_QT = """
import sys
from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.gui.state import edits, jobs, session
s = session.Session()
s = edits.edit(s, 124, "sequence", "31415").session
assert edits.problem(s) is None
session.from_stored(session.to_stored(s))
jobs.compose_session(bundled_bank(), s)
jobs.gallery_batch(bundled_bank(), s, 4)
qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
print(qt)
"""


def test_the_state_package_runs_without_importing_qt(subprocess_env):
    done = subprocess.run(
        [sys.executable, "-c", STATE_WITHOUT_QT],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
