"""`mnist-seq` as a user runs it: a subprocess in an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.files import read_composition_text, to_uint8
from tests.readonly import read_only_folder

ROOT = Path(__file__).resolve().parents[1]


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mnist_seq_gui.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_original_example_writes_0_1_png(tmp_path):
    result = run(["01", "0", "10", "66", "--seed", "12"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0-1.png" in result.stdout and "66 x 28" in result.stdout
    with Image.open(tmp_path / "0-1.png") as img:
        assert img.size == (66, 28) and img.mode == "L"
        pixels = np.asarray(img)
    expected = compose(bundled_bank(), SequenceSpec((0, 1), 66, 0, 10), 12)
    assert np.array_equal(pixels, to_uint8(expected.pixels))
    spec, seed, indices = read_composition_text(tmp_path / "0-1.png")
    assert (spec.digits, seed, indices) == ((0, 1), 12, expected.indices)


def test_options_output_mode_polarity(tmp_path):
    out = tmp_path / "sub"
    out.mkdir()
    result = run(
        [
            "2024",
            "0",
            "10",
            "137",
            "--mode",
            "random",
            "--seed",
            "3",
            "--white-on-black",
            "-o",
            str(out),
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(out / "2-0-2-4.png") as img:
        pixels = np.asarray(img)
    spec = SequenceSpec((2, 0, 2, 4), 137, 0, 10, "random", white_on_black=True)
    assert np.array_equal(pixels, to_uint8(compose(bundled_bank(), spec, 3).pixels))
    named = run(["7", "0", "0", "28", "-o", str(tmp_path / "seven.png")], tmp_path)
    assert named.returncode == 0 and (tmp_path / "seven.png").is_file()


def test_examples_reproduce_the_original_three(tmp_path):
    result = run(["--examples", "--seed", "1"], tmp_path)
    assert result.returncode == 0, result.stderr
    sizes = {}
    for path in tmp_path.glob("*.png"):
        with Image.open(path) as img:
            sizes[path.name] = img.size
    assert sizes == {
        "0-1-2-3-4-5-6-7.png": (224, 28),
        "0-1-2-3-4-5-6-7-8.png": (292, 28),
        "0-1-2-3-4-5-6-7-8-9.png": (280, 28),
    }


BAD = [
    (["12a", "0", "10", "66"], "holds 'a'"),
    (["-1", "0", "10", "66"], "holds '-'"),
    (["", "0", "10", "66"], "empty"),
    (["\u0663", "0", "10", "28"], "only the digits 0-9"),
    (["01", "5", "2", "66"], "min spacing 5 is above max spacing 2"),
    (["01", "-3", "2", "66"], "min spacing -3 is out of range"),
    (["01", "0", "10", "40"], "too small"),
    (["012", "0", "10", "85"], "nearest valid widths: 84 or 86"),
    (["01", "0", "10", "100001"], "width 100,001 is out of range"),
    (["01", "0", "10", "66", "--data", "/nonexistent/mnist"], "no such data folder"),
    (["01", "0", "10", "66", "-o", "/nonexistent/x.png"], "does not exist"),
    (["01", "0", "10"], "missing image_width"),
    (["01", "0", "10", "66", "--seed", "x"], "seed 'x' is not a whole number"),
    (["01", "0", "10", "66", "--mode", "wavy"], "invalid choice"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_one_line_exit_2_no_file(tmp_path, args, message):
    result = run(args, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mnist-seq: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_damaged_data_folder_is_one_line(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (data / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = run(["01", "0", "10", "66", "--data", str(data)], tmp_path)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "damaged" in result.stderr
    assert not (tmp_path / "0-1.png").exists()


def test_read_only_output_folder_is_one_line_and_leaves_nothing(tmp_path):
    with read_only_folder(tmp_path / "locked") as locked:
        result = run(["01", "0", "10", "66", "-o", str(locked)], tmp_path)
        assert result.returncode == 2, result.stdout
        assert "cannot write" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert list(locked.iterdir()) == []


def test_version_and_help(tmp_path):
    assert run(["--version"], tmp_path).stdout.startswith("mnist-seq ")
    help_text = run(["--help"], tmp_path).stdout
    for word in ("--seed", "--output", "--mode", "--white-on-black", "--data", "--examples"):
        assert word in help_text
