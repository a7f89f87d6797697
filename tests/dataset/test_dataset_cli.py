"""`mnist-seq dataset`: every recipe option by the library's names, old spellings, one-line
errors with status 2, help, notes, shards, and a clean Ctrl+C."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from mnist_seq_gui.core import FIELDS
from mnist_seq_gui.dataset import (
    MANIFEST_NAME,
    METADATA_NAME,
    NPZ_NAME,
    DatasetConfig,
    SequenceDataset,
    export,
    load_npz,
)
from mnist_seq_gui.dataset.cli import main

BASE = ["--count", "6", "--length", "3", "--seed", "5", "--quiet"]

# One accepted use of every recipe option: (command line, the same by the library's names).
OPTIONS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "width": (["--width", "100"], {"width": 100}),
    "spacing": (["--spacing", "0", "10"], {"spacing": (0, 10)}),
    "rule": (["--rule", "random", "--spacing", "0", "20"], {"rule": "random", "spacing": (0, 20)}),
    "placement": (["--placement", "free"], {"placement": "free"}),
    "white_on_black": (["--white-on-black"], {"white_on_black": True}),
    "pool": (["--pool", "train"], {"pool": "train"}),
    "height": (["--height", "40"], {"variation": {"height": 40}}),
    "jitter_y": (
        ["--height", "40", "--jitter-y", "0", "12"],
        {"variation": {"height": 40, "jitter_y": (0, 12)}},
    ),
    "slant": (["--slant", "-20", "20"], {"variation": {"slant": (-20, 20)}}),
    "rotation": (["--rotation", "-10", "10"], {"variation": {"rotation": (-10, 10)}}),
    "scale": (["--scale", "0.8", "1.2"], {"variation": {"scale": (0.8, 1.2)}}),
    "aspect": (["--aspect", "0.8", "1.5"], {"variation": {"aspect": (0.8, 1.5)}}),
    "thickness": (["--thickness", "-0.5", "1"], {"variation": {"thickness": (-0.5, 1)}}),
    "noise": (["--noise", "8"], {"variation": {"noise": 8.0}}),
    "blur": (["--blur", "0.5"], {"variation": {"blur": 0.5}}),
}


def test_every_recipe_field_has_an_option_named_after_it():
    assert set(OPTIONS) == set(FIELDS)
    for name, entry in FIELDS.items():
        assert entry.flag == "--" + name.replace("_", "-")


@pytest.mark.parametrize("name", list(OPTIONS))
def test_each_recipe_option_writes_what_the_library_writes_with_the_same_name(
    tmp_path, run_main, folder_bytes, name
):
    args, fields = OPTIONS[name]
    ran = run_main(main, [*BASE, *args, "--out", str(tmp_path / "cli")])
    assert ran.status == 0, ran.err
    assert ran.err == ""  # --quiet: no progress
    ds = SequenceDataset(count=6, min_length=3, max_length=3, seed=5, **fields)
    export(ds, tmp_path / "lib")
    stored = DatasetConfig.from_dict(load_npz(tmp_path / "cli" / NPZ_NAME)["config"]["config"])
    assert stored == ds.config
    given = fields[name] if name in fields else fields["variation"][name]
    assert stored.recipe.get(name) == FIELDS[name].check(given)
    assert folder_bytes(tmp_path / "cli") == folder_bytes(tmp_path / "lib")


def test_the_whole_variation_by_option_is_the_variation_mapping(tmp_path, run_main, folder_bytes):
    args = "--length 3-7 --spacing -8 8 --rule random --height 44 --jitter-y 0 16 --slant -20 20 "
    args += "--rotation -10 10 --scale 0.8 1.2 --aspect 0.9 1.3 --thickness -0.5 1 --noise 4 "
    args += "--blur 0.5 --pool test --seed 2024 --count 40 --quiet --format png --workers 1"
    ran = run_main(main, [*args.split(), "--out", str(tmp_path / "cli")])
    assert ran.status == 0, ran.err
    variation = {"height": 44, "jitter_y": (0, 16), "slant": (-20, 20), "rotation": (-10, 10),
                 "scale": (0.8, 1.2), "aspect": (0.9, 1.3), "thickness": (-0.5, 1),
                 "noise": 4, "blur": 0.5}  # fmt: skip
    ds = SequenceDataset(count=40, min_length=3, max_length=7, spacing=(-8, 8), rule="random",
                         pool="test", seed=2024, variation=variation)  # fmt: skip
    export(ds, tmp_path / "lib", "png", workers=1)
    assert folder_bytes(tmp_path / "cli") == folder_bytes(tmp_path / "lib")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["--rotate", "-8", "8"], ["--rotation", "-8", "8"]),
        (
            ["--mode", "random", "--spacing", "0", "20"],
            ["--rule", "random", "--spacing", "0", "20"],
        ),
    ],
)
def test_old_spellings_write_the_same_bytes(tmp_path, run_main, folder_bytes, old, new):
    for name, args in (("old", old), ("new", new)):
        ran = run_main(main, [*BASE, *args, "--out", str(tmp_path / name)])
        assert ran.status == 0, ran.err
    assert folder_bytes(tmp_path / "old") == folder_bytes(tmp_path / "new")


def test_the_command_writes_the_data_set_the_library_describes(tmp_path, run_main):
    ran = run_main(main, [
        "--count", "500", "--length", "3-8", "--spacing", "0", "80", "--rule", "random",
        "--seed", "42", "--out", str(tmp_path / "out"),
    ])  # fmt: skip
    assert ran.status == 0, ran.err
    assert f"wrote 500 images to {tmp_path / 'out' / NPZ_NAME} with seed 42" in ran.out
    assert "500/500 100%" in ran.err  # the progress, one line per tenth in a log
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    expected = SequenceDataset(count=500, min_length=3, max_length=8, rule="random",
                               spacing=(0, 80), seed=42)[:]  # fmt: skip
    assert data["images"].dtype == np.uint8
    np.testing.assert_array_equal(data["images"], expected["image"])
    np.testing.assert_array_equal(data["labels"], expected["label"])


def test_a_random_seed_is_chosen_recorded_and_printed(tmp_path, run_main):
    ran = run_main(main, ["--count", "3", "--quiet", "--out", str(tmp_path / "o")])
    assert ran.status == 0, ran.err
    seed = load_npz(tmp_path / "o" / NPZ_NAME)["config"]["config"]["seed"]
    assert f"with seed {seed}" in ran.out


def test_auto_placement_says_when_it_places_freely(tmp_path, run_main):
    free = ["--count", "5", "--length", "3-8", "--spacing", "0", "60", "--rule", "random"]
    ran = run_main(main, [*free, "--seed", "1", "--quiet", "--out", str(tmp_path / "a")])
    assert ran.status == 0, ran.err
    notes = [line for line in ran.out.splitlines() if "placed freely" in line]
    assert notes == [
        "mnist-seq dataset: note: no width fits every length 3-8 with the digits spanning it, "
        "so each sequence is placed freely (gaps drawn in 0..60, anywhere in width 644); "
        "--placement fill refuses instead"
    ]
    # No note when every length fills the width, or when free placement was asked for.
    fills = ["--count", "5", "--length", "3-8", "--spacing", "0", "80", "--rule", "random"]
    for k, args in enumerate((fills, [*free, "--placement", "free"])):
        ran = run_main(main, [*args, "--seed", "1", "--quiet", "--out", str(tmp_path / f"b{k}")])
        assert ran.status == 0 and "placed freely" not in ran.out + ran.err


def test_pool_all_says_that_two_exports_share_images(tmp_path, run_main):
    ran = run_main(main, [*BASE, "--out", str(tmp_path / "all")])
    assert "--pool train for one and --pool test for the other" in ran.out
    ran = run_main(main, [*BASE, "--pool", "train", "--out", str(tmp_path / "train")])
    assert ran.status == 0 and "share MNIST images" not in ran.out


def test_help_lists_every_option_but_not_the_old_spellings(run_main):
    ran = run_main(main, ["--help"])
    assert ran.status == 0 and ran.out.startswith("usage: mnist-seq dataset")
    own = ["--count", "--length", "--seed", "--format", "--out", "--shard", "--source",
           "--dtype", "--workers", "--overwrite", "--quiet"]  # fmt: skip
    for flag in [*own, *(entry.flag for entry in FIELDS.values())]:
        assert f"  {flag}" in ran.out, flag
    assert "--rotate " not in ran.out and "--mode" not in ran.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "count 0 is out of range; use 1 or more"),
        (["--count", "five"], "count 'five' is not a whole number"),
        (["--count", "5", "--length", "8-3"], "length range 8-3 is reversed; write 3-8"),
        (["--count", "5", "--length", "0"], "length 0 is out of range"),
        (["--count", "5", "--length", "3-x"], "is not a number or a range such as 3-8"),
        (["--count", "5", "--seed", "-1"], "seed -1 is out of range"),
        (["--count", "5", "--width", "27"], "--width 27 is out of range; use 28..100,000"),
        (["--count", "5", "--length", "3-8", "--spacing", "0", "10", "--width", "200"],
         "--width 200 has no uniform layout for length(s) 3, 4, 5, 6, 7, 8"),
        (["--count", "5", "--length", "3-8", "--spacing", "0", "10", "--rule", "random",
          "--placement", "fill"], "allow max spacing 70 or more"),
        (["--count", "5", "--spacing", "9", "2"], "--spacing 9 2 is reversed; swap them (2..9)"),
        (["--count", "5", "--spacing", "-20", "0"], "--spacing -20 0 is out of bounds"),
        (["--count", "5", "--rotation", "-50", "10"],
         "--rotation -50 10 is out of bounds; use -45..45"),
        (["--count", "5", "--rotate", "-50", "10"], "-50 10 is out of bounds; use -45..45"),
        (["--count", "5", "--rotation", "1"], "--rotation: expected 2 arguments"),
        (["--count", "5", "--height", "20"], "--height 20 is out of range; use 28..1,024"),
        (["--count", "5", "--jitter-y", "0", "30"], "--jitter-y 0 30 does not fit a 28 px"),
        (["--count", "5", "--slant", "10", "-10"], "--slant 10 -10 is reversed"),
        (["--count", "5", "--scale", "0.1", "1"], "--scale 0.1 1 is out of bounds"),
        (["--count", "5", "--aspect", "3", "3"], "--aspect 3 3 is out of bounds; use 0.5..2"),
        (["--count", "5", "--thickness", "-2", "0"], "--thickness -2 0 is out of bounds"),
        (["--count", "5", "--noise", "200"], "--noise 200 is out of range; use 0..128"),
        (["--count", "5", "--blur", "x"], "--blur 'x' is not a number; use 0..4"),
        (["--count", "5", "--blur", "nan"], "--blur"),
        (["--count", "5", "--rule", "zigzag"], "argument --rule: invalid choice: 'zigzag'"),
        (["--count", "5", "--mode", "zigzag"], "invalid choice: 'zigzag'"),
        (["--count", "5", "--placement", "top"], "argument --placement: invalid choice"),
        (["--count", "5", "--pool", "val"], "argument --pool: invalid choice"),
        (["--count", "5", "--dtype", "float64"], "argument --dtype: invalid choice"),
        (["--count", "5", "--format", "tiff"], "argument --format: invalid choice"),
        (["--count", "5", "--workers", "0"], "workers 0 is out of range"),
        (["--count", "5", "--shard", "3/2", "--seed", "1"], "shard 3/2 does not exist"),
        (["--count", "5", "--shard", "-1/4", "--seed", "1"], "numbered 1..4"),
        (["--count", "5", "--shard", "1/2"], "--shard needs --seed"),
        (["--count", "3", "--shard", "1/4", "--seed", "1"], "use at most 3 shards"),
        (["--count", "5", "--source", "/no/such/folder"], "no such data folder"),
        (["--count", "5", "--bogus"], "unrecognized arguments: --bogus"),
        (["--length", "5"], "give --count N, or --splits such as train:50000,val:5000,test:10000"),
    ],
)  # fmt: skip
def test_bad_arguments_get_one_line_naming_the_option_and_status_2(
    tmp_path, run_main, args, message
):
    out = tmp_path / "out"
    ran = run_main(main, [*args, "--out", str(out)])
    assert ran.status == 2
    assert ran.err.count("\n") == 1 and ran.err.startswith("mnist-seq dataset: error: ")
    assert message in ran.err and ran.out == ""
    assert not out.exists()


def test_a_lengths_no_width_can_fill_is_worded_as_a_sentence(tmp_path, run_main):
    args = "--count 5 --length 3-8 --spacing 0 10 --rule random --placement fill --out"
    ran = run_main(main, [*args.split(), str(tmp_path / "out")])
    said = "mnist-seq dataset: error: --width: no single width fits every length 3..8"
    assert ran.err.startswith(said)  # the option heads a reason that is a sentence


def test_a_folder_that_is_not_empty_needs_overwrite(tmp_path, run_main):
    (tmp_path / "keep.txt").write_text("x")
    args = ["--count", "5", "--seed", "1", "--quiet", "--out", str(tmp_path)]
    ran = run_main(main, args)
    assert ran.status == 2 and "--overwrite" in ran.err and ran.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert run_main(main, [*args, "--overwrite"]).status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, NPZ_NAME, "keep.txt"]


def test_png_shards_from_the_command_add_up_to_the_whole(tmp_path, run_main):
    args = ["--count", "40", "--seed", "3", "--format", "png", "--workers", "1", "--quiet"]
    assert run_main(main, [*args, "--out", str(tmp_path / "all")]).status == 0
    for k in (1, 2):
        ran = run_main(main, [*args, "--shard", f"{k}/2", "--out", str(tmp_path / f"s{k}")])
        assert ran.status == 0, ran.err
    assert f"wrote 20 images (shard 2/2: items 20..39) to {tmp_path / 's2'}" in ran.out
    whole = (tmp_path / "all" / METADATA_NAME).read_bytes()
    parts = b"".join((tmp_path / f"s{k}" / METADATA_NAME).read_bytes() for k in (1, 2))
    assert parts == whole
    for name, shard in (("000000.png", "s1"), ("000039.png", "s2")):
        assert (tmp_path / shard / name).read_bytes() == (tmp_path / "all" / name).read_bytes()


def test_status_2_and_one_line_from_the_documented_command(tmp_path, run_module):
    result = run_module(
        "mnist_seq_gui.cli", "dataset", "--count", "0", "--out", str(tmp_path / "x")
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mnist-seq dataset: error: count 0 is out of range; use 1 or more"
    ]
    assert not (tmp_path / "x").exists()


def test_help_from_the_documented_command(run_module):
    result = run_module("mnist_seq_gui.cli", "dataset", "--help")
    assert result.returncode == 0 and "--jitter-y LO HI" in result.stdout


@pytest.mark.slow
def test_ctrl_c_leaves_no_files_and_a_rerun_is_identical(
    tmp_path, repo_root, subprocess_env, run_main, folder_bytes, stop_leftovers
):
    out = tmp_path / "out"
    out.mkdir()
    args = ["--count", "5000", "--seed", "5", "--format", "png", "--workers", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "mnist_seq_gui.cli", "dataset", *args, "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=subprocess_env,
        cwd=repo_root,
    )
    try:
        # Wait until the export is under way (its first progress line), then Ctrl+C.
        seen = b""
        while b"img/s" not in seen:
            chunk = process.stderr.read1(200)
            assert chunk, "the export ended before its progress started"
            seen += chunk
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    said = [line for line in err.decode().splitlines() if "interrupted" in line]
    assert len(said) == 1 and f"{out} was not changed" in said[0]
    assert list(out.iterdir()) == []
    stop_leftovers(out, said[0])
    # The rerun (the same command plus --overwrite) equals an export never stopped.
    ran = run_main(main, [*args, "--overwrite", "--quiet", "--out", str(out)])
    assert ran.status == 0, ran.err
    reference = SequenceDataset(DatasetConfig(count=5000, seed=5))
    export(reference, tmp_path / "reference", "png", workers=1)
    assert folder_bytes(out) == folder_bytes(tmp_path / "reference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "reference"]
