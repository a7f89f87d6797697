"""The recipe: its field table, its checks (structured errors), replace() and its codecs."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import (
    DEFAULT,
    FIELDS,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_SPACING,
    VARIATION_FIELDS,
    DataError,
    InputError,
    Recipe,
    SpacingError,
    StyleError,
    Variation,
    from_dict,
    from_text,
    to_dict,
    to_text,
)

KINDS = {"int", "float", "choice", "flag", "range", "int range"}
STYLE = ("slant", "rotation", "scale", "aspect", "thickness")
VARIED = Recipe(
    width=200,
    spacing=(-3, 9),
    rule="random",
    placement="free",
    white_on_black=True,
    pool="test",
    variation={"height": 40, "jitter_y": (0, 12), "slant": (-5, 5), "noise": 3.5},
)


# --- the field table ---------------------------------------------------------------


def test_the_table_holds_every_recipe_and_variation_field_in_order():
    recipe_fields = [f.name for f in dataclasses.fields(Recipe) if f.name != "variation"]
    variation_fields = [f.name for f in dataclasses.fields(Variation)]
    assert list(FIELDS) == recipe_fields + variation_fields
    assert tuple(variation_fields) == VARIATION_FIELDS
    assert {FIELDS[n].group for n in recipe_fields} == {"layout"}
    assert {FIELDS[n].group for n in variation_fields} == {"variation"}


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_is_described_and_its_default_is_a_checked_value(name):
    field = FIELDS[name]
    assert field.name == name and field.kind in KINDS
    assert field.label.strip("&") and field.label.count("&") <= 1
    assert len(field.help) > 10
    assert field.flag == "--" + name.replace("_", "-")
    assert issubclass(field.error, InputError)
    assert field.check(field.default) == field.default
    assert DEFAULT.get(name) == field.default
    assert field.from_text(field.to_text(field.default)) == field.default
    if field.kind == "choice":
        assert field.default in field.choices
    elif field.kind != "flag":
        assert field.low <= field.high
        if field.soft_high is not None:
            assert field.low < field.soft_high <= field.high
        if field.default is None:
            assert field.none  # None has a meaning, shown to the user
        else:
            ends = field.default if field.is_range else (field.default,)
            assert all(field.low <= v <= field.high for v in ends)


def test_the_table_keeps_the_old_spellings():
    assert FIELDS["rotation"].old_flags == ("--rotate",)
    assert FIELDS["rule"].old_flags == ("--mode",)
    assert FIELDS["spacing"].old_keys == ("min_spacing", "max_spacing")
    assert (FIELDS["spacing"].low, FIELDS["width"].high) == (MIN_SPACING, MAX_WIDTH)
    assert FIELDS["height"].high == MAX_HEIGHT


# --- checks, with structured errors --------------------------------------------------


BAD = [
    # (fields, error, field, reason, what would work)
    ({"width": 27}, SpacingError, "width", "is out of range", "use 28..100,000"),
    ({"width": True}, SpacingError, "width", "is not a whole number", "use 28..100,000"),
    ({"width": 60.0}, SpacingError, "width", "is not a whole number", "use 28..100,000"),
    ({"width": "60"}, SpacingError, "width", "is not a whole number", "use 28..100,000"),
    ({"spacing": (5, 2)}, SpacingError, "spacing", "is reversed", "swap them (2..5)"),
    ({"spacing": (-15, 2)}, SpacingError, "spacing", "is out of bounds", "use -14..100,000"),
    ({"spacing": 5}, SpacingError, "spacing", "is not a range", "give two numbers"),
    ({"spacing": (0, 1, 2)}, SpacingError, "spacing", "is not a range", "give two numbers"),
    ({"rule": "Uniform"}, SpacingError, "rule", "is unknown", "use one of: uniform, random"),
    ({"placement": "left"}, SpacingError, "placement", "is unknown", "use one of: auto, fill"),
    ({"pool": "validation"}, DataError, "pool", "is unknown", "use one of: all, train, test"),
    ({"white_on_black": 1}, InputError, "white_on_black", "is not True or False", ""),
    ({"variation": 3}, StyleError, "variation", "is not a Variation", "or a mapping of its"),
    ({"height": 27}, StyleError, "height", "is out of range", "use 28..1,024"),
    ({"height": 40, "jitter_y": (5, 2)}, StyleError, "jitter_y", "is reversed", "swap them"),
    ({"jitter_y": "top"}, StyleError, "jitter_y", "is not a range", "such as 0 12"),
    ({"noise": -1}, StyleError, "noise", "is out of range", "use 0..128"),
    ({"noise": float("nan")}, StyleError, "noise", "is not finite", "use 0..128"),
    ({"blur": "much"}, StyleError, "blur", "is not a number", "use 0..4"),
    ({"slant": (20, -20)}, StyleError, "slant", "is reversed", "swap them (-20..20)"),
    ({"rotation": (-50, 10)}, StyleError, "rotation", "is out of bounds", "use -45..45"),
    ({"scale": (0, 1)}, StyleError, "scale", "is out of bounds", "use 0.25..1.4"),
    ({"scale": (float("nan"), 1)}, StyleError, "scale", "is not finite", "use 0.25..1.4"),
    ({"aspect": "wide"}, StyleError, "aspect", "is not a range", "such as 0.5 2"),
    ({"thickness": (2, 2)}, StyleError, "thickness", "is out of bounds", "use -1..1"),
]


@pytest.mark.parametrize(("fields", "error", "field", "reason", "hint"), BAD)
def test_a_bad_value_is_refused_naming_its_field_and_what_would_work(
    fields, error, field, reason, hint
):
    made_by = Variation if field in VARIATION_FIELDS else Recipe
    with pytest.raises(error) as caught:
        made_by(**fields)
    exc = caught.value
    assert (exc.field, exc.reason) == (field, reason)
    given = fields[field]
    assert math.isnan(exc.value) if "nan" in repr(given) else exc.value == given
    assert hint in exc.suggestion
    assert str(exc).startswith(field) and reason in str(exc) and exc.suggestion in str(exc)
    table = FIELDS.get(field)
    numeric = table is not None and table.kind not in ("choice", "flag")
    assert exc.limits == ((table.low, table.high) if numeric else None)


def test_a_jitter_beyond_the_height_names_the_room_there_is():
    with pytest.raises(StyleError) as caught:
        Variation(height=40, jitter_y=(0, 13))
    exc = caught.value
    assert (exc.field, exc.value) == ("jitter_y", (0, 13))
    assert "does not fit a 40 px canvas" in exc.reason and "0..12" in exc.reason
    assert "greater height" in exc.suggestion
    with pytest.raises(StyleError, match="28 px canvas.*0..0"):
        Recipe(variation={"jitter_y": (0, 1)})
    assert Variation(height=40, jitter_y=(0, 12)).y_range == (0, 12)
    assert Variation(height=41).y_range == (6, 6)  # centred: (41 - 28) // 2


def test_an_error_is_worded_by_a_doors_own_names():
    with pytest.raises(SpacingError) as caught:
        Recipe(spacing=(5, 2))
    words = caught.value.words({"spacing": "--spacing"}, "5 2")
    assert words == "--spacing 5 2 is reversed; swap them (2..5)"
    assert caught.value.words({"width": "--width"}) == str(caught.value)  # not its field


def test_huge_numbers_are_shown_by_their_size_not_printed():
    with pytest.raises(SpacingError) as caught:
        Recipe(width=10**5000)  # str() of it would itself raise
    assert "of about 5,001 digits" in str(caught.value) and len(str(caught.value)) < 100


def test_numpy_numbers_are_stored_as_python_values_and_equal_recipes_hash_alike():
    made = Recipe(width=np.int64(60), spacing=[np.int32(0), 4], variation={"slant": [-5, 5]})
    expected = Recipe(width=60, spacing=(0, 4), variation=Variation(slant=(-5.0, 5.0)))
    assert made == expected and hash(made) == hash(expected)
    assert type(made.width) is int and type(made.spacing) is tuple
    assert [type(v) for v in made.variation.slant] == [float, float]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.width = 1  # type: ignore[misc]


def test_plain_recipes_are_the_originals_kind_of_image():
    assert DEFAULT.is_plain and Recipe(spacing=(0, 30), white_on_black=True).is_plain
    assert Recipe(variation={"jitter_y": (0, 0)}).is_plain
    for changed in ({"spacing": (-2, 0)}, {"height": 29}, {"noise": 1.0}, {"blur": 0.5},
                    {"thickness": (0, 0.25)}, {"scale": (1.0, 1.05)}):  # fmt: skip
        assert not DEFAULT.replace(**changed).is_plain, changed


# --- replace(): fields by name -------------------------------------------------------


def test_replace_routes_variation_fields_and_the_old_spacing_names():
    base = Recipe(width=120, spacing=(0, 9), variation={"noise": 2.0})
    turned = base.replace(rotation=(-10, 10), rule="random")
    assert turned.variation == Variation(rotation=(-10.0, 10.0), noise=2.0)
    assert (turned.rule, turned.width, turned.spacing) == ("random", 120, (0, 9))
    assert base.replace(min_spacing=2).spacing == (2, 9)
    assert base.replace(max_spacing=5).spacing == (0, 5)
    assert base.replace(min_spacing=2, max_spacing=5).spacing == (2, 5)
    assert base.replace(spacing=(1, 30), max_spacing=20).spacing == (1, 20)
    assert (base.min_spacing, base.max_spacing) == (0, 9)
    assert base.replace() is base
    assert [(f.name, v) for f, v in base.items()] == [(n, base.get(n)) for n in FIELDS]


def test_replace_checks_the_result_as_a_whole():
    base = Recipe(variation={"height": 40, "jitter_y": (0, 12)})
    with pytest.raises(StyleError, match="does not fit a 30 px canvas"):
        base.replace(height=30)
    with pytest.raises(SpacingError, match="reversed"):
        base.replace(min_spacing=5)  # above the max spacing, 0
    with pytest.raises(StyleError, match="out of bounds"):
        base.replace(rotation=(50, 60))
    with pytest.raises(InputError, match="unknown recipe field.*shear; use width"):
        base.replace(shear=(1, 2))


# --- the dict codec (config.json) ----------------------------------------------------


def test_a_recipe_round_trips_through_json():
    data = to_dict(VARIED)
    assert data["variation"] == {"height": 40, "jitter_y": [0, 12], "slant": [-5.0, 5.0],
                                 "noise": 3.5}  # fmt: skip
    assert from_dict(json.loads(json.dumps(data))) == VARIED
    assert to_dict(DEFAULT) == {"width": None, "spacing": [0, 0], "rule": "uniform",
                                "placement": "auto", "white_on_black": False, "pool": "all",
                                "variation": {}}  # fmt: skip


def test_old_layouts_are_read():
    # 0.1: min/max spacing, no placement, no variation
    old = {"width": 112, "min_spacing": 0, "max_spacing": 60, "rule": "random",
           "white_on_black": False}  # fmt: skip
    assert from_dict(old) == Recipe(width=112, spacing=(0, 60), rule="random")
    # 0.2: a nested variation and a pool
    newer = {**old, "pool": "train", "placement": "fill",
             "variation": {"height": 40, "jitter_y": [0, 12], "rotation": [-8, 8]}}  # fmt: skip
    made = from_dict(newer)
    assert made.variation == Variation(height=40, jitter_y=(0, 12), rotation=(-8.0, 8.0))
    assert (made.pool, made.placement, made.spacing) == ("train", "fill", (0, 60))
    assert from_dict({"variation": None}) == DEFAULT


def test_unknown_keys_are_refused_by_name():
    with pytest.raises(InputError, match="unknown recipe field.*: bogus"):
        from_dict({"width": 66, "bogus": 2})
    with pytest.raises(StyleError, match="unknown variation field.*: style; use height"):
        from_dict({"variation": {"style": {"slant": [1, 2]}}})
    with pytest.raises(StyleError, match="not a mapping"):
        from_dict({"variation": [1, 2]})


# --- the text codec (settings, PNG chunks) -------------------------------------------


def test_a_recipe_round_trips_through_text():
    text = to_text(VARIED)
    assert text["spacing"] == "-3,9" and text["white_on_black"] == "true"
    assert set(text) == {*FIELDS} - {*STYLE[1:], "blur"}  # the fields that vary
    assert from_text(text) == (VARIED, [])
    assert to_text(DEFAULT)["width"] == "" and from_text(to_text(DEFAULT)) == (DEFAULT, [])
    assert from_text({"min_spacing": "2", "max_spacing": "7"})[0].spacing == (2, 7)
    typed = from_text({"spacing": "3 8", "rule": " random ", "white_on_black": "1"})
    assert typed == (Recipe(spacing=(3, 8), rule="random", white_on_black=True), [])


def test_damaged_values_become_problems_and_keep_the_bases():
    damaged = {"width": "abc", "rotation": "-10,10", "noise": "1e400", "rule": "even",
               "white_on_black": "yes", "slant": "-10"}  # fmt: skip
    recipe, problems = from_text(damaged, base=VARIED)
    assert recipe == VARIED.replace(rotation=(-10, 10))
    fields = sorted(p.field for p in problems)
    assert fields == ["noise", "rule", "slant", "white_on_black", "width"]
    assert all(isinstance(p, InputError) for p in problems)
    assert {p.field: p.value for p in problems}["width"] == "abc"


def test_huge_numbers_and_long_text_are_refused_without_parsing_them():
    # A 41-character whole number that int() reads as 60 is still refused: long text is
    # never handed to int() or float(), so no text can cost them time.
    recipe, problems = from_text({"width": "0" * 41 + "60", "noise": "1" * 1_000_000})
    assert recipe == DEFAULT and [p.field for p in problems] == ["width", "noise"]
    assert all(len(str(p)) < 120 for p in problems)
    _, (problem,) = from_text({"width": "9" * 40})  # parsed, and shown by its size
    assert re.search(r"of about 4[01] digits is out of range", str(problem))


def test_a_jitter_beyond_the_height_keeps_the_bases_jitter():
    recipe, problems = from_text({"jitter_y": "0,20"}, base=VARIED)  # height 40: 0..12
    assert [p.field for p in problems] == ["jitter_y"]
    assert recipe == VARIED


# --- round trips of any recipe ---------------------------------------------------------


def _range(low, high, whole=False):
    number = st.integers(low, high) if whole else st.floats(low, high, allow_nan=False)
    return st.tuples(number, number).map(sorted).map(tuple)


@st.composite
def recipes(draw):
    height = draw(st.integers(28, MAX_HEIGHT))
    jitter = draw(st.none() | _range(0, height - 28, whole=True))
    variation = Variation(
        height=height,
        jitter_y=jitter,
        **{name: draw(_range(FIELDS[name].low, FIELDS[name].high)) for name in STYLE},
        noise=draw(st.floats(0, 128)),
        blur=draw(st.floats(0, 4)),
    )
    return Recipe(
        width=draw(st.none() | st.integers(28, MAX_WIDTH)),
        spacing=draw(_range(MIN_SPACING, MAX_WIDTH, whole=True)),
        rule=draw(st.sampled_from(FIELDS["rule"].choices)),
        placement=draw(st.sampled_from(FIELDS["placement"].choices)),
        white_on_black=draw(st.booleans()),
        pool=draw(st.sampled_from(FIELDS["pool"].choices)),
        variation=variation,
    )


@settings(max_examples=200, deadline=None)
@given(recipe=recipes())
def test_any_recipe_round_trips_through_both_codecs(recipe):
    assert from_dict(json.loads(json.dumps(to_dict(recipe)))) == recipe
    assert from_text(to_text(recipe)) == (recipe, [])
    assert Recipe(**{f.name: getattr(recipe, f.name) for f in dataclasses.fields(recipe)}) == recipe
