"""`mnist-seq`: the original positional form, its options, and one-line errors; and what
the image and dataset commands share (variation options, pools, notes).

Most cases run `main(argv)` in this process; a few run the real entry point in a fresh
interpreter, as a user does.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from PIL import Image

from mnist_seq_gui.cli import main
from mnist_seq_gui.cli_common import recipe_from_args, recipe_to_args
from mnist_seq_gui.core import DEFAULT, FIELDS, INK_THRESHOLD, InputError, Recipe, compose
from mnist_seq_gui.dataset import DatasetConfig, load_npz
from mnist_seq_gui.dataset.cli import build_parser, config_from_args
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.dataset.command import command_line, command_words, python_code
from mnist_seq_gui.files import read_saved

VARIED = [
    "--height", "40", "--jitter-y", "0", "12", "--slant", "-20", "20", "--rotation", "-8", "8",
    "--scale", "0.8", "1.2",
]  # fmt: skip


def _pixels(path) -> np.ndarray:
    with Image.open(path) as img:
        assert img.mode == "L"
        return np.asarray(img)


def _text(path) -> dict[str, str]:
    with Image.open(path) as img:
        return dict(img.text)


def test_the_original_example_writes_0_1_png_from_a_real_process(tmp_path, run_module, bank):
    result = run_module("mnist_seq_gui.cli", "01", "0", "10", "66", "--seed", "12", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / '0-1.png'} (66 x 28 px, seed 12)\n"
    expected = compose(bank, Recipe(width=66, spacing=(0, 10), placement="fill"), "01", 12)
    assert np.array_equal(_pixels(tmp_path / "0-1.png"), expected.pixels)
    saved = read_saved(tmp_path / "0-1.png")
    assert (saved.digits, saved.seed, saved.indices) == ((0, 1), 12, expected.indices)
    assert saved.recipe == expected.recipe


def test_rule_polarity_and_output_folder_or_file(tmp_path, run_main, bank):
    out = tmp_path / "sub"
    out.mkdir()
    args = ["2024", "0", "10", "137", "--rule", "random", "--seed", "3", "--white-on-black"]
    ran = run_main(main, [*args, "-o", str(out)], cwd=tmp_path)
    assert ran.status == 0, ran.err
    recipe = Recipe(width=137, spacing=(0, 10), rule="random", placement="fill",
                    white_on_black=True)  # fmt: skip
    expected = compose(bank, recipe, (2, 0, 2, 4), 3).pixels
    assert np.array_equal(_pixels(out / "2-0-2-4.png"), expected)
    assert _pixels(out / "2-0-2-4.png")[0, 0] == 0  # white on black: the background is black
    named = run_main(main, ["7", "0", "0", "28", "-o", str(tmp_path / "seven.png")])
    assert named.status == 0 and (tmp_path / "seven.png").is_file()


def test_without_a_seed_each_run_draws_its_own_and_reports_it(tmp_path, run_main):
    seeds = set()
    for name in ("a.png", "b.png"):
        ran = run_main(main, ["2024", "0", "10", "142", "-o", str(tmp_path / name)])
        assert ran.status == 0
        seeds.add(read_saved(tmp_path / name).seed)
        assert f"seed {read_saved(tmp_path / name).seed})" in ran.out
    assert len(seeds) == 2


def test_the_examples_reproduce_the_original_three(tmp_path, run_main):
    ran = run_main(main, ["--examples", "--seed", "1"], cwd=tmp_path)
    assert ran.status == 0, ran.err
    sizes = {}
    for path in tmp_path.glob("*.png"):
        with Image.open(path) as img:
            sizes[path.name] = img.size
    assert sizes == {
        "0-1-2-3-4-5-6-7.png": (224, 28),
        "0-1-2-3-4-5-6-7-8.png": (292, 28),
        "0-1-2-3-4-5-6-7-8-9.png": (280, 28),
    }
    assert len(ran.out.splitlines()) == 3


BAD = [
    (["12a", "0", "10", "66"], "holds 'a'"),
    (["-1", "0", "10", "66"], "holds '-'"),
    (["", "0", "10", "66"], "empty"),
    (["\u0663", "0", "10", "28"], "only the digits 0-9"),
    (["01", "5", "2", "66"], "spacing 5 2 is reversed; swap them (2..5)"),
    (["01", "-15", "2", "66"], "spacing -15 2 is out of bounds; use -14..100,000"),
    (["01", "0", "10", "40"], "too small for 2 digits"),
    (["012", "0", "10", "85"], "nearest valid widths: 84 or 86"),
    (["01", "0", "10", "100001"], "width 100,001 is out of range; use 28..100,000"),
    (["01", "0", "10", "66", "--source", "/nonexistent/mnist"], "no such data folder"),
    (["01", "0", "10", "66", "-o", "/nonexistent/x.png"], "does not exist"),
    (["01", "0", "10"], "missing image_width"),
    (["01", "0", "10", "66", "--seed", "x"], "seed 'x' is not a whole number"),
    (["01", "0", "10", "66", "--rule", "wavy"], "invalid choice: 'wavy'"),
    (["01", "0", "10", "66", "--placement", "free"], "unrecognized arguments: --placement"),
    (["01", "0", "10", "66", "--width", "66"], "unrecognized arguments: --width"),
    (["--examples", "01"], "--examples takes no sequence"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, run_main, args, message):
    ran = run_main(main, args, cwd=tmp_path)
    assert ran.status == 2
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mnist-seq: error: ")
    assert message in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_bad_input_from_a_real_process_is_one_line_and_status_2(tmp_path, run_module):
    result = run_module("mnist_seq_gui.cli", "012", "0", "10", "85", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mnist-seq: error: width 85 has no uniform spacing for 3 digits in 0..10 (1 px over "
        "2 gaps is not whole); nearest valid widths: 84 or 86, or use the random rule"
    ]
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_a_damaged_data_folder_is_one_line(tmp_path, run_main):
    data = tmp_path / "data"
    data.mkdir()
    (data / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (data / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    ran = run_main(main, ["01", "0", "10", "66", "--source", str(data)], cwd=tmp_path)
    assert ran.status == 2 and len(ran.err.strip().splitlines()) == 1
    assert "damaged" in ran.err
    assert not (tmp_path / "0-1.png").exists()


def test_a_read_only_output_folder_is_one_line_and_leaves_nothing(
    tmp_path, run_main, read_only_folder
):
    with read_only_folder(tmp_path / "locked") as locked:
        ran = run_main(main, ["01", "0", "10", "66", "-o", str(locked)], cwd=tmp_path)
        assert ran.status == 2, ran.out
        assert "cannot write" in ran.err and len(ran.err.strip().splitlines()) == 1
        assert list(locked.iterdir()) == []


def test_version_and_help_list_the_current_names_only(tmp_path, run_main):
    version = run_main(main, ["--version"], cwd=tmp_path)
    assert version.status == 0 and version.out.startswith("mnist-seq ")
    shown = run_main(main, ["--help"])
    assert shown.status == 0
    for word in ("--seed", "--output", "--rule", "--white-on-black", "--source", "--examples",
                 "--rotation", "--jitter-y", "--pool"):  # fmt: skip
        assert word in shown.out
    for old in ("--mode", "--rotate ", "--data"):  # old names work but are not advertised
        assert old not in shown.out


def test_mnist_seq_dataset_is_the_dataset_command(tmp_path, run_main):
    ran = run_main(main, ["dataset", "--count", "0", "--out", str(tmp_path / "x")])
    assert ran.status == 2
    assert ran.err == "mnist-seq dataset: error: count 0 is out of range; use 1 or more\n"
    version = run_main(main, ["dataset", "--version"])
    assert version.status == 0 and version.out.startswith("mnist-seq dataset ")


def test_a_varied_png_reopens_to_its_own_pixels_and_boxes(tmp_path, run_main, bank):
    out = tmp_path / "v.png"
    args = ["2024", "-6", "4", "100", "--rule", "random", *VARIED, "--noise", "6"]
    ran = run_main(main, [*args, "--pool", "test", "--seed", "3", "-o", str(out)])
    assert ran.status == 0, ran.err
    assert "(100 x 40 px, seed 3)" in ran.out
    saved = read_saved(out)
    assert saved.recipe.pool == "test" and saved.recipe.spacing == (-6, 4)
    assert saved.recipe.variation.rotation == (-8, 8) and saved.recipe.get("height") == 40
    again = compose(bank, saved.recipe, saved.digits, saved.seed)
    assert np.array_equal(again.pixels, _pixels(out)) and again.indices == saved.indices
    assert set(saved.indices) <= set(bank.pools["test"].tolist())
    text = _text(out)
    ink = [tuple(map(int, box.split(","))) for box in text["ink_boxes"].split(";")]
    assert ink == [tuple(box) for box in again.ink_boxes]
    cells = [tuple(map(int, box.split(","))) for box in text["boxes"].split(";")]
    assert [y1 - y0 for _, y0, _, y1 in cells] == [28] * 4


def test_a_plain_png_records_no_variation_and_its_boxes(tmp_path, run_main):
    ran = run_main(main, ["01", "0", "10", "66", "--seed", "1", "-o", str(tmp_path / "p.png")])
    assert ran.status == 0
    text = _text(tmp_path / "p.png")
    assert not {"variation", "height", "rotation", "polarity"} & set(text)
    assert text["boxes"] == "0,0,28,28;38,0,66,28" and text["pool"] == "all"


BOTH = [
    (["--slant", "20", "-20"], "--slant 20 -20 is reversed; swap them (-20..20)"),
    (["--rotation", "-50", "0"], "--rotation -50 0 is out of bounds; use -45..45"),
    (["--scale", "0", "1"], "--scale 0 1 is out of bounds; use 0.25..1.4"),
    (["--height", "27"], "--height 27 is out of range; use 28..1,024"),
    (["--height", "40", "--jitter-y", "0", "13"], "does not fit a 40 px canvas"),
    (["--noise", "lots"], "--noise 'lots' is not a number; use 0..128"),
    (["--blur", "9"], "--blur 9 is out of range; use 0..4"),
    (["--pool", "validation"], "invalid choice: 'validation'"),
]


@pytest.mark.parametrize(("extra", "message"), BOTH, ids=[m for _, m in BOTH])
def test_bad_variation_is_one_line_exit_2_and_no_file_on_both_commands(
    tmp_path, run_main, extra, message
):
    for command, prog, args in (
        (main, "mnist-seq", ["2024", "0", "4", "124", "-o", str(tmp_path / "x.png")]),
        (dataset_main, "mnist-seq dataset", ["--count", "10", "--length", "4", "--out",
                                             str(tmp_path / "d")]),
    ):  # fmt: skip
        ran = run_main(command, [*args, *extra])
        assert ran.status == 2
        lines = ran.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: ") and message in lines[0]
        assert list(tmp_path.iterdir()) == []


def test_spacing_below_the_overlap_limit_on_both_commands(tmp_path, run_main):
    ran = run_main(main, ["12", "-15", "0", "41", "-o", str(tmp_path / "x.png")])
    assert ran.status == 2 and "spacing -15 0 is out of bounds; use -14..100,000" in ran.err
    args = ["--count", "5", "--spacing", "-20", "0", "--out", str(tmp_path / "d")]
    ran = run_main(dataset_main, args)
    assert ran.status == 2 and "--spacing -20 0 is out of bounds; use -14" in ran.err
    assert list(tmp_path.iterdir()) == []


def test_exports_from_the_train_and_test_pools_share_no_mnist_image(tmp_path, run_main, bank):
    used = {}
    for pool in ("train", "test"):
        args = ["--count", "400", "--length", "4-8", "--spacing", "-6", "12", "--rule", "random"]
        args += [*VARIED, "--pool", pool, "--seed", "1", "--quiet", "--out", str(tmp_path / pool)]
        ran = run_main(dataset_main, args)
        assert ran.status == 0, ran.err
        # no width fits 4..8 digits with gaps -6..12 spanning it: placed freely, and said so
        assert "placed freely" in ran.out and "pool all" not in ran.out and ran.err == ""
        data = load_npz(tmp_path / pool / "dataset.npz")
        assert data["images"].shape[1] == 40
        assert data["config"]["config"]["pool"] == pool
        indices = data["mnist_indices"]
        used[pool] = set(indices[indices >= 0].tolist())
        assert used[pool] <= set(bank.pools[pool].tolist())
        # every digit's ink lies in its ink box
        images, ink_boxes, lengths = data["images"], data["ink_boxes"], data["lengths"]
        for r in (0, 199, 399):
            dark = images[r] <= 255 - INK_THRESHOLD
            covered = np.zeros_like(dark)
            for x0, y0, x1, y1 in ink_boxes[r, : lengths[r]].tolist():
                covered[y0:y1, x0:x1] = True
            assert dark.any() and not (dark & ~covered).any()
    assert not used["train"] & used["test"]
    ran = run_main(dataset_main, ["--count", "5", "--seed", "1", "--out", str(tmp_path / "all")])
    assert ran.status == 0
    assert "note: pool all draws from every digit" in ran.out and "--pool train" in ran.out
    fill = ["--length", "4-8", "--spacing", "-6", "12", "--rule", "random", "--placement", "fill"]
    ran = run_main(dataset_main, ["--count", "5", *fill, "--out", str(tmp_path / "f")])
    assert ran.status == 2 and not (tmp_path / "f").exists()


# --- the command back from a recipe (Edit > Copy as Command) -------------------------


def _value(entry) -> st.SearchStrategy:
    """Any value the field takes, ends of ranges in either order (sorted by the draw)."""
    if entry.kind == "flag":
        return st.booleans()
    if entry.kind == "choice":
        return st.sampled_from(entry.choices)
    whole = entry.kind in ("int", "int range")
    high = entry.high if entry.name != "width" else 4000
    number = (
        st.integers(int(entry.low), int(high))
        if whole
        else st.floats(entry.low, high, allow_nan=False)
    )
    if not entry.is_range:
        return st.none() | number if entry.none else number
    pair = st.tuples(number, number).map(lambda p: tuple(sorted(p)))
    return (st.none() | pair) if entry.none else pair


@st.composite
def recipes(draw, names=tuple(FIELDS)) -> Recipe:
    changes = {name: draw(_value(FIELDS[name])) for name in names}
    try:
        return DEFAULT.replace(**changes)
    except InputError:  # a jitter beyond the height
        reject()


@settings(max_examples=300, deadline=None)
@given(recipes())
def test_the_options_written_for_a_recipe_parse_back_to_it(recipe):
    words = recipe_to_args(recipe)
    args = build_parser().parse_args(["--count", "1", "--out", "o", *words])
    assert recipe_from_args(args, DEFAULT) == recipe


@settings(max_examples=60, deadline=None)
@given(
    recipes(names=("spacing", "rule", "pool", "white_on_black", "slant", "noise", "scale")),
    st.integers(1, 8),
    st.integers(0, 3),
    st.integers(0, 2**63 - 1),
    st.booleans(),
)
def test_a_data_set_and_its_command_make_each_other(recipe, low, extra, seed, weighted):
    weights = tuple(range(1, extra + 2)) if weighted else None
    try:
        config = DatasetConfig(1000, low, low + extra, seed=seed, recipe=recipe,
                               length_weights=weights, dtype="float32")  # fmt: skip
    except InputError:  # no width for these lengths
        reject()
    args = build_parser().parse_args(command_words(config, "out dir", "png"))
    assert config_from_args(args) == (config, None)
    assert args.out == "out dir" and args.format == "png"
    namespace: dict = {}
    exec(python_code(config, "out").replace("export(", "print("), namespace)
    assert namespace["config"] == config


def test_a_copied_command_writes_the_same_bytes_as_its_python(tmp_path, run_python, run_main):
    recipe = Recipe(width=139, spacing=(-3, 9), rule="random", placement="fill")
    config = DatasetConfig(20, 4, 4, seed=5, recipe=recipe.replace(rotation=(-1e-05, 8.0)))
    line = command_line(config, "from shell")
    assert line.startswith("mnist-seq dataset --count 20 --length 4 --seed 5 --out 'from shell'")
    ran = run_main(dataset_main, command_words(config, "from shell"), cwd=tmp_path)
    assert ran.status == 0, ran.err
    script = tmp_path / "make.py"
    script.write_text(python_code(config, "from python"))
    done = run_python(str(script), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shell = load_npz(tmp_path / "from shell" / "dataset.npz")
    python = load_npz(tmp_path / "from python" / "dataset.npz")
    assert np.array_equal(shell["images"], python["images"])
    assert shell["config"] == python["config"]
