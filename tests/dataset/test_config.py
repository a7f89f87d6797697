"""DatasetConfig: defaults, the recipe made concrete for the lengths, config.json old and
new, errors that say which field and what would work, recipe= and keywords, replace()."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from mnist_seq_gui.core import InputError, Recipe, Variation
from mnist_seq_gui.dataset import DatasetConfig, DatasetError, SequenceDataset

V010 = Path(__file__).resolve().parents[1] / "data" / "v0.1.0"

# config.json "config" records as 0.2.0 wrote them (min/max spacing, a nested variation
# with flat style names, a placement, float32 its default dtype then).
V020_VARIED = {
    "count": 60, "dtype": "uint8", "max_length": 5, "max_spacing": 12, "min_length": 2,
    "min_spacing": -6, "placement": "free", "pool": "all", "rule": "random", "seed": 3,
    "source": None, "source_sha256": None, "white_on_black": False, "width": 188,
    "variation": {"height": 40, "jitter_y": [0, 12], "scale": [0.8, 1.2], "slant": [-20.0, 20.0]},
}  # fmt: skip
V020_STYLED = {
    "count": 30, "dtype": "float32", "max_length": 8, "max_spacing": 80, "min_length": 3,
    "min_spacing": 0, "placement": "fill", "pool": "train", "rule": "random", "seed": 5,
    "source": None, "source_sha256": None, "white_on_black": True, "width": 224,
    "variation": {"aspect": [0.8, 1.5], "blur": 0.5, "noise": 4.0, "rotation": [-10.0, 10.0],
                  "thickness": [-0.5, 1.0]},
}  # fmt: skip
NEW_KEYS = {
    "count", "min_length", "max_length", "seed", "dtype", "source", "source_sha256",
    "width", "spacing", "rule", "placement", "white_on_black", "pool", "variation",
}  # fmt: skip


def test_a_config_of_a_count_alone_is_five_plain_digits_in_uint8():
    config = DatasetConfig(count=1)
    assert (config.min_length, config.max_length, config.seed) == (5, 5, 0)
    assert config.dtype == "uint8" and config.source is None
    assert (config.width, config.height, config.recipe.placement) == (140, 28, "fill")
    assert config.recipe.spacing == (0, 0) and config.recipe.variation == Variation()
    assert config.lengths == range(5, 6)
    assert SequenceDataset(count=2)[0]["image"].dtype == np.uint8


@pytest.mark.parametrize(
    ("fields", "width", "placement"),
    [
        ({}, 140, "fill"),
        ({"spacing": (2, 4)}, 148, "fill"),
        ({"min_length": 1, "max_length": 1}, 28, "fill"),
        ({"min_length": 2, "max_length": 4, "rule": "random", "spacing": (0, 60)}, 112, "fill"),
        ({"min_length": 3, "max_length": 8, "rule": "random", "spacing": (0, 80)}, 224, "fill"),
        # No width lets 3 and 8 digits both span it: placed freely in a width holding
        # the longest sequence with its widest gaps.
        ({"min_length": 3, "max_length": 8, "rule": "random", "spacing": (0, 60)}, 644, "free"),
        ({"min_length": 3, "max_length": 8, "spacing": (0, 10)}, 294, "free"),
    ],
)
def test_auto_placement_and_no_width_resolve_to_the_narrowest_concrete_recipe(
    fields, width, placement
):
    config = DatasetConfig(count=1, **fields)
    assert (config.width, config.recipe.placement) == (width, placement)
    # Narrowest: one pixel less is refused, naming the width that works.
    with pytest.raises(DatasetError, match=rf"use (width )?{width}\b") as info:
        DatasetConfig(count=1, width=width - 1, placement=placement, **fields)
    assert info.value.field == "width"


def test_auto_places_freely_only_when_the_width_cannot_be_filled():
    fills = DatasetConfig(count=1, min_length=3, max_length=8, rule="random", spacing=(0, 80))
    assert fills.recipe.placement == "fill"
    assert DatasetConfig(count=1, width=141).recipe.placement == "free"  # 5 x 28 = 140
    # Asked for explicitly, either placement is kept.
    free = DatasetConfig(count=1, min_length=3, max_length=8, rule="random", spacing=(0, 80),
                         placement="free")  # fmt: skip
    assert (free.recipe.placement, free.width) == ("free", 8 * 28 + 7 * 80)
    with pytest.raises(DatasetError, match="allow max spacing 70 or more") as info:
        DatasetConfig(count=1, min_length=3, max_length=8, rule="random", spacing=(0, 10),
                      placement="fill")  # fmt: skip
    assert "\n" not in str(info.value)


def test_config_json_records_the_concrete_recipe_and_rebuilds_the_same_data():
    config = DatasetConfig(count=40, min_length=3, max_length=8, spacing=(0, 60), rule="random",
                           seed=7, variation={"height": 40, "jitter_y": [0, 12]})  # fmt: skip
    record = json.loads(config.to_json())
    assert record == config.to_dict() and set(record) == NEW_KEYS
    assert record["width"] == 644 and record["placement"] == "free"
    assert record["spacing"] == [0, 60] and record["dtype"] == "uint8"
    assert record["variation"] == {"height": 40, "jitter_y": [0, 12]}  # only what varies
    again = DatasetConfig.from_json(config.to_json())
    assert again == config
    np.testing.assert_array_equal(
        SequenceDataset(again)[:]["image"], SequenceDataset(config)[:]["image"]
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("npz-export-config.json", (40, 2, 4, 3, 112, (0, 60), "random")),
        ("png-export-config.json", (12, 3, 3, 4, 86, (1, 1), "uniform")),
    ],
)
def test_a_0_1_config_json_reads_as_the_strict_fill_recipe_it_described(name, expected):
    record = json.loads((V010 / name).read_text(encoding="utf-8"))["config"]
    config = DatasetConfig.from_dict(record)
    count, lo, hi, seed, width, spacing, rule = expected
    own = (config.count, config.min_length, config.max_length, config.seed)
    assert own == (count, lo, hi, seed)
    assert (config.width, config.recipe.spacing, config.recipe.rule) == (width, spacing, rule)
    assert config.recipe.placement == "fill" and config.dtype == "uint8"
    assert config.source_sha256 == record["source_sha256"]
    rewritten = config.to_dict()
    assert "min_spacing" not in rewritten and rewritten["spacing"] == list(spacing)
    SequenceDataset(config)  # the digits are the bundled ones it was made with


def test_0_2_config_json_records_keep_their_fields_and_their_dtype():
    varied = DatasetConfig.from_dict(V020_VARIED)
    assert varied.recipe == Recipe(
        width=188, spacing=(-6, 12), rule="random", placement="free",
        variation=Variation(height=40, jitter_y=(0, 12), slant=(-20, 20), scale=(0.8, 1.2)),
    )  # fmt: skip
    styled = DatasetConfig.from_dict(V020_STYLED)
    assert styled.dtype == "float32"  # recorded; the new uint8 default does not apply
    assert (styled.recipe.pool, styled.recipe.white_on_black) == ("train", True)
    v = styled.recipe.variation
    assert (v.rotation, v.thickness, v.aspect, v.noise, v.blur) == (
        (-10, 10), (-0.5, 1), (0.8, 1.5), (4.0, 4.0), (0.5, 0.5)
    )  # fmt: skip
    assert DatasetConfig.from_dict(styled.to_dict()) == styled  # and the new layout back
    # Without a placement key (0.1's layout) a config is resolved, never left on auto.
    plain = {k: v for k, v in V020_STYLED.items() if k != "placement"}
    assert DatasetConfig.from_dict(plain).recipe.placement == "fill"


@pytest.mark.parametrize(
    ("fields", "field", "value", "message", "suggestion"),
    [
        ({"count": 0}, "count", 0, "count 0 is out of range", "use 1.."),
        ({"count": 5.0}, "count", 5.0, "is not a whole number", "use 1.."),
        ({"count": True}, "count", True, "is not a whole number", "use 1.."),
        ({"count": 5, "seed": -1}, "seed", -1, "seed -1 is out of range", "use 0.."),
        ({"count": 5, "max_length": 65}, "length", 65, "length 65", "use 1..64"),
        ({"count": 5, "rule": "zigzag"}, "rule", "zigzag", "rule 'zigzag' is unknown", "uniform"),
        ({"count": 5, "rotation": (-50, 10)}, "rotation", (-50, 10), "out of bounds", "-45..45"),
        ({"count": 5, "spacing": (9, 2)}, "spacing", (9, 2), "reversed", "swap them (2..9)"),
        ({"count": 5, "width": 141, "placement": "fill"}, "width", 141, "too wide", "width 140"),
        (
            {"count": 5, "min_length": 3, "max_length": 8, "width": 200, "spacing": (0, 10)},
            "width", 200, "length(s) 3, 4, 5, 6, 7, 8", "random rule",
        ),
        (
            {"count": 5, "height": 40, "jitter_y": (0, 30)},
            "jitter_y", (0, 30), "does not fit a 40 px canvas", "greater height",
        ),
        pytest.param(
            {"count": 5, "dtype": "float64"}, "dtype", "float64", "dtype 'float64'", "float32",
        ),
        pytest.param(
            {"count": 5, "min_length": 8, "max_length": 3}, "length", "8-3", "reversed",
            "write 3-8",
        ),
    ],
)  # fmt: skip
def test_a_bad_config_is_a_dataset_error_naming_its_field_and_what_would_work(
    fields, field, value, message, suggestion
):
    with pytest.raises(DatasetError) as info:
        DatasetConfig(**fields)
    error = info.value
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    assert message in str(error) and "\n" not in str(error)
    assert (error.field, error.value) == (field, value)
    assert suggestion in error.suggestion


def test_a_too_wide_width_offers_the_nearest_widths():
    with pytest.raises(DatasetError) as info:
        DatasetConfig(count=1, min_length=3, max_length=3, width=85, spacing=(0, 10))
    assert info.value.offers == (84, 86) and "nearest valid widths: 84 or 86" in str(info.value)


@pytest.mark.parametrize(
    "record",
    [
        {"count": 5, "bogus": 1},
        {"count": 5, "variation": {"tilt": [0, 1]}},
        {"min_length": 3},
        ["count", 5],
        {"count": 5, "rotation": [-50, 10]},
    ],
)
def test_a_config_record_that_cannot_be_used_is_refused_in_one_line(record):
    with pytest.raises(DatasetError) as info:
        DatasetConfig.from_dict(record)
    assert "\n" not in str(info.value) and str(info.value)


def test_a_bad_field_in_a_config_record_keeps_its_field_and_suggestion():
    with pytest.raises(DatasetError) as info:
        DatasetConfig.from_dict({"count": 5, "rotation": [-50, 10]})
    assert (info.value.field, info.value.suggestion) == ("rotation", "use -45..45")


def test_recipe_keywords_by_name_and_a_recipe_make_the_same_config():
    by_name = DatasetConfig(count=9, min_length=3, max_length=8, spacing=(0, 60), rule="random",
                            seed=7, variation={"height": 40, "jitter_y": [0, 12]})  # fmt: skip
    same = [
        # the README's spelling: old names of the spacing's ends
        DatasetConfig(count=9, min_length=3, max_length=8, max_spacing=60, rule="random",
                      seed=7, variation={"height": 40, "jitter_y": [0, 12]}),
        # variation fields as keywords of their own
        DatasetConfig(count=9, min_length=3, max_length=8, spacing=(0, 60), rule="random",
                      seed=7, height=40, jitter_y=(0, 12)),
        DatasetConfig(count=9, min_length=3, max_length=8, seed=7, recipe=Recipe(
            spacing=(0, 60), rule="random", variation=Variation(height=40, jitter_y=(0, 12)))),
        # a recipe plus keywords: the keywords change the recipe's fields
        DatasetConfig(count=9, min_length=3, max_length=8, seed=7, spacing=(0, 60),
                      recipe=Recipe(rule="random", variation={"height": 40}), jitter_y=(0, 12)),
    ]  # fmt: skip
    for other in same:
        assert other == by_name
    with pytest.raises(DatasetError, match=r"unknown recipe field\(s\): bogus; use width, "):
        DatasetConfig(count=9, bogus=1)


def test_replace_changes_fields_by_name_and_checks_the_result():
    config = DatasetConfig(count=5, min_length=3, max_length=8, rule="random", spacing=(0, 80))
    changed = config.replace(count=7, seed=3, dtype="float32", rotation=(-10, 10), height=40,
                             white_on_black=True)  # fmt: skip
    assert (changed.count, changed.seed, changed.dtype) == (7, 3, "float32")
    assert changed.recipe.variation == Variation(height=40, rotation=(-10, 10))
    assert changed.recipe.white_on_black and changed.width == config.width
    assert config.replace(max_spacing=90).recipe.spacing == (0, 90)
    assert config.replace(variation={"slant": (-5, 5)}).recipe.variation.slant == (-5, 5)
    assert config.count == 5 and config.recipe.variation == Variation()  # unchanged
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.count = 6  # type: ignore[misc]
    with pytest.raises(InputError) as info:
        config.replace(rotation=(-60, 0))
    assert (info.value.field, info.value.suggestion) == ("rotation", "use -45..45")
    with pytest.raises(DatasetError, match="count 0"):
        config.replace(count=0)


def test_replace_refuses_a_bad_recipe_field_with_a_dataset_error():
    with pytest.raises(DatasetError):
        DatasetConfig(count=5).replace(rotation=(-60, 0))


def test_replacing_lengths_or_spacing_resolves_the_width_again():
    config = DatasetConfig(count=5)
    assert config.replace(spacing=(2, 4)) == DatasetConfig(count=5, spacing=(2, 4))
    assert config.replace(min_length=3, max_length=8) == DatasetConfig(
        count=5, min_length=3, max_length=8
    )
