"""One name per field everywhere: a field of the recipe's table means the same thing, by
the same name, in the core, the API, the dataset, both commands (`--` + the name with _
as -), config.json and a PNG's text; the old spellings (--rotate, --mode, --data,
min/max spacing) still work and give the same pixels."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.cli import main
from mnist_seq_gui.core import (
    FIELDS,
    VARIATION_FIELDS,
    InputError,
    Recipe,
    Variation,
    compose,
    from_dict,
    to_dict,
    to_text,
)
from mnist_seq_gui.core.bank import bundled_data_dir
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset, export, load_npz
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.files import composition_text

VARIED = {  # field -> fields that vary it (a jitter needs a canvas taller than a digit)
    "height": {"height": 40},
    "jitter_y": {"height": 40, "jitter_y": (0, 12)},
    "slant": {"slant": (-20.0, 20.0)},
    "rotation": {"rotation": (-10.0, 10.0)},
    "scale": {"scale": (0.8, 1.2)},
    "aspect": {"aspect": (1.2, 1.6)},
    "thickness": {"thickness": (-0.5, 1.0)},
    "noise": {"noise": 6.0},
    "blur": {"blur": 0.8},
}
DIGITS, SPACING, WIDTH, SEED = (2, 0, 2, 4), (0, 10), 142, 5


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def options(fields: dict) -> list[str]:
    """The command-line options for `fields`, by the rule: -- + the name with _ as -."""
    args = []
    for name, value in fields.items():
        assert FIELDS[name].flag == flag(name)
        values = value if isinstance(value, tuple) else (value,)
        args += [flag(name), *(f"{v:g}" if isinstance(v, float) else str(v) for v in values)]
    return args


def png_pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def core_image(bank, width: int = WIDTH, **fields) -> np.ndarray:
    recipe = Recipe(width=width, spacing=SPACING, placement="fill").replace(**fields)
    return compose(bank, recipe, DIGITS, SEED).pixels


def test_every_variation_field_of_the_table_is_tried_here():
    assert set(VARIED) == set(VARIATION_FIELDS)
    assert all(entry.flag == flag(name) for name, entry in FIELDS.items())


@pytest.mark.parametrize("name", list(VARIED))
def test_a_variation_field_means_the_same_by_its_name_in_the_core_and_the_api(name, bank):
    fields = VARIED[name]
    variation = Variation(**fields)
    assert variation.varies(name)
    base = Recipe(width=WIDTH, spacing=SPACING, placement="fill")
    made = {
        Recipe(width=WIDTH, spacing=SPACING, placement="fill", variation=variation),
        Recipe(width=WIDTH, spacing=SPACING, placement="fill", variation=fields),
        base.replace(**fields),
        from_dict({**to_dict(base), "variation": fields}),
    }
    assert len(made) == 1
    assert made.pop().get(name) == FIELDS[name].check(fields[name])  # noise 6 is (6, 6)
    expected = core_image(bank, **fields)
    assert not np.array_equal(expected, core_image(bank))  # the field changes the pixels
    api = MNIST_Sequence_API().compose(DIGITS, SPACING, WIDTH, seed=SEED, variation=fields,
                                       dtype="uint8")  # fmt: skip
    assert np.array_equal(api.pixels, expected)
    # Stored by the same name: config.json's variation, a PNG's text, settings text.
    recipe = api.recipe
    assert set(to_dict(recipe)["variation"]) == set(fields)
    assert set(fields) <= set(to_text(recipe)) and set(fields) <= set(composition_text(api))


@pytest.mark.parametrize("name", list(VARIED))
def test_a_variation_field_means_the_same_by_its_option_on_the_image_command(
    name, bank, tmp_path, run_main
):
    out = tmp_path / "x.png"
    args = ["2024", "0", "10", str(WIDTH), "--seed", str(SEED), *options(VARIED[name])]
    ran = run_main(main, [*args, "-o", str(out)])
    assert ran.status == 0, ran.err
    assert np.array_equal(png_pixels(out), core_image(bank, **VARIED[name]))


@pytest.mark.parametrize("name", list(VARIED))
def test_a_variation_field_means_the_same_in_a_dataset_and_by_its_dataset_option(
    name, bank, tmp_path, run_main
):
    fields = VARIED[name]
    lengths = {"count": 6, "min_length": 4, "max_length": 4, "seed": SEED}
    ds = SequenceDataset(**lengths, spacing=SPACING, width=WIDTH, variation=fields)
    flat = DatasetConfig(**lengths, spacing=SPACING, width=WIDTH, **fields)
    assert ds.config.recipe == flat.recipe
    assert ds.config.recipe == Recipe(width=WIDTH, spacing=SPACING, placement="fill",
                                      variation=fields)  # fmt: skip
    batch = ds[:]
    for r in (0, 5):
        comp = compose(bank, ds.config.recipe, batch["digits"][r], SEED, item=r)
        assert np.array_equal(batch["image"][r], comp.pixels)
    assert json.loads(ds.config.to_json())["variation"] == {
        k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()
    }
    args = ["--count", "6", "--length", "4", "--spacing", "0", "10", "--width", str(WIDTH)]
    args += ["--seed", str(SEED), "--quiet", "--out", str(tmp_path / "d"), *options(fields)]
    ran = run_main(dataset_main, args)
    assert ran.status == 0, ran.err
    assert np.array_equal(load_npz(tmp_path / "d" / "dataset.npz")["images"], batch["image"])


LAYOUT = {"rule": "random", "white_on_black": True, "pool": "test"}
NARROWER = 130  # 18 px over 3 gaps: the random rule has room to draw them


@pytest.mark.parametrize("name", list(LAYOUT))
def test_a_layout_field_means_the_same_by_its_name_at_every_door(name, bank, tmp_path, run_main):
    fields = {name: LAYOUT[name]}
    expected = core_image(bank, NARROWER, **fields)
    assert not np.array_equal(expected, core_image(bank, NARROWER))
    api = MNIST_Sequence_API().compose(DIGITS, SPACING, NARROWER, seed=SEED, dtype="uint8",
                                       **fields)  # fmt: skip
    assert np.array_equal(api.pixels, expected) and api.recipe.get(name) == LAYOUT[name]
    cli_flag = [flag(name)] + ([] if LAYOUT[name] is True else [LAYOUT[name]])
    out = tmp_path / "x.png"
    ran = run_main(main, ["2024", "0", "10", str(NARROWER), "--seed", str(SEED), *cli_flag,
                          "-o", str(out)])  # fmt: skip
    assert ran.status == 0, ran.err
    assert np.array_equal(png_pixels(out), expected)
    ds = SequenceDataset(count=4, min_length=4, max_length=4, seed=SEED, spacing=SPACING,
                         width=NARROWER, **fields)  # fmt: skip
    assert ds.config.recipe.get(name) == LAYOUT[name]
    args = ["--count", "4", "--length", "4", "--spacing", "0", "10", "--width", str(NARROWER),
            "--seed", str(SEED), "--quiet", "--out", str(tmp_path / "d"), *cli_flag]  # fmt: skip
    assert run_main(dataset_main, args).status == 0
    assert np.array_equal(load_npz(tmp_path / "d" / "dataset.npz")["images"], ds[:]["image"])


@pytest.mark.parametrize("name", ["rotation", "jitter_y", "noise", "rule"])
def test_an_error_names_the_field_by_its_name_and_each_command_by_its_option(name, run_main):
    bad = {"rotation": (-50.0, 10.0), "jitter_y": (0, 13), "noise": 200.0, "rule": "wavy"}[name]
    with pytest.raises(InputError) as info:
        Recipe().replace(**{name: bad})
    assert info.value.field == name and str(info.value).startswith(f"{name} ")
    args = options({name: bad}) if name != "rule" else [flag(name), bad]
    for command, fixed in ((main, ["2024", "0", "10", "142"]), (dataset_main, ["--count", "5"])):
        ran = run_main(command, [*fixed, "--out" if command is dataset_main else "-o", "-", *args])
        assert ran.status == 2 and flag(name) in ran.err and ran.err.count("\n") == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["--rotate", "-10", "10"], ["--rotation", "-10", "10"]),
        (["--mode", "random"], ["--rule", "random"]),
    ],
)
def test_an_old_spelling_is_still_accepted_on_both_commands(old, new, tmp_path, run_main):
    images = []
    for i, spelling in enumerate((old, new)):
        ran = run_main(main, ["2024", "0", "10", str(NARROWER), "--seed", "3", *spelling,
                              "-o", str(tmp_path / f"{i}.png")])  # fmt: skip
        assert ran.status == 0, ran.err
        images.append(png_pixels(tmp_path / f"{i}.png"))
        args = ["--count", "8", "--length", "3-5", "--spacing", "0", "30", "--seed", "3"]
        ran = run_main(dataset_main, [*args, *spelling, "--quiet", "--out", str(tmp_path / str(i))])
        assert ran.status == 0, ran.err
        images.append(load_npz(tmp_path / str(i) / "dataset.npz")["images"])
    assert np.array_equal(images[0], images[2]) and np.array_equal(images[1], images[3])
    plain = run_main(
        main, ["2024", "0", "10", str(NARROWER), "--seed", "3", "-o", str(tmp_path / "p.png")]
    )
    assert plain.status == 0  # and the option changed the image
    assert not np.array_equal(images[0], png_pixels(tmp_path / "p.png"))


def test_data_is_still_accepted_for_source_on_the_image_command(tmp_path, run_main):
    folder = tmp_path / "digits"
    folder.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(bundled_data_dir() / name, folder / name.replace("t10k", "train"))
    made = []
    for option in ("--data", "--source"):
        out = tmp_path / f"{option[2:]}.png"
        ran = run_main(main, ["2024", "0", "10", "142", "--seed", "2", option, str(folder),
                              "-o", str(out)])  # fmt: skip
        assert ran.status == 0, ran.err
        with Image.open(out) as image:
            assert image.text["source"].endswith("train-images-idx3-ubyte.gz")
            made.append(np.asarray(image))
    assert np.array_equal(made[0], made[1])
    ran = run_main(main, ["2024", "0", "10", "142", "--data", str(tmp_path / "none")])
    assert ran.status == 2 and "no such data folder" in ran.err


def test_min_and_max_spacing_are_old_names_of_the_spacing_ends():
    recipe = Recipe(spacing=(2, 9))
    assert Recipe().replace(min_spacing=2, max_spacing=9) == recipe
    assert (recipe.min_spacing, recipe.max_spacing) == (2, 9)
    assert from_dict({"min_spacing": 2, "max_spacing": 9}) == recipe
    config = DatasetConfig.from_dict({"count": 5, "min_length": 3, "max_length": 3,
                                      "max_spacing": 4, "seed": 2})  # fmt: skip
    assert config.recipe.spacing == (0, 4) and config.recipe.pool == "all"
    assert config.recipe.variation == Variation() and config.to_dict()["variation"] == {}


def test_a_varied_png_export_records_each_digits_cell_and_ink_box(tmp_path):
    ds = SequenceDataset(count=20, seed=3, variation={"height": 34, "rotation": [-10, 10]})
    export(ds, tmp_path / "png", "png", workers=1)
    lines = (tmp_path / "png" / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
    batch = ds[:]
    assert len(lines) == 20
    for record in map(json.loads, lines):
        r, n = record["item"], record["length"]
        assert record["ink_boxes"] == batch["ink_boxes"][r, :n].tolist()
        assert record["boxes"] == batch["boxes"][r, :n].tolist()
        assert np.array_equal(png_pixels(tmp_path / "png" / record["file_name"]), batch["image"][r])
