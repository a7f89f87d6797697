"""`mnist-seq`: the original positional form, its options, and one-line errors.

Most cases run `main(argv)` in this process; a few run the real entry points in a fresh
interpreter, as a user does.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.cli import main
from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.files import read_composition_text, to_uint8


def _pixels(path) -> np.ndarray:
    with Image.open(path) as img:
        assert img.mode == "L"
        return np.asarray(img)


def test_original_example_writes_0_1_png_from_a_real_process(tmp_path, run_module):
    result = run_module("mnist_seq_gui.cli", "01", "0", "10", "66", "--seed", "12", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0-1.png" in result.stdout and "66 x 28" in result.stdout
    pixels = _pixels(tmp_path / "0-1.png")
    assert pixels.shape == (28, 66)
    expected = compose(bundled_bank(), SequenceSpec((0, 1), 66, 0, 10), 12)
    assert np.array_equal(pixels, to_uint8(expected.pixels))
    spec, seed, indices = read_composition_text(tmp_path / "0-1.png")
    assert (spec.digits, seed, indices) == ((0, 1), 12, expected.indices)


@pytest.mark.parametrize("rule_flag", ["--rule", "--mode"])  # --mode: the old name still works
def test_options_output_rule_polarity(tmp_path, run_main, rule_flag):
    out = tmp_path / "sub"
    out.mkdir()
    args = ["2024", "0", "10", "137", rule_flag, "random", "--seed", "3", "--white-on-black"]
    ran = run_main(main, [*args, "-o", str(out)], cwd=tmp_path)
    assert ran.status == 0, ran.err
    spec = SequenceSpec((2, 0, 2, 4), 137, 0, 10, "random", white_on_black=True)
    expected = to_uint8(compose(bundled_bank(), spec, 3).pixels)
    assert np.array_equal(_pixels(out / "2-0-2-4.png"), expected)
    named = run_main(main, ["7", "0", "0", "28", "-o", str(tmp_path / "seven.png")])
    assert named.status == 0 and (tmp_path / "seven.png").is_file()


def test_examples_reproduce_the_original_three(tmp_path, run_main):
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
    (["01", "0", "10", "66", "--rule", "wavy"], "invalid choice"),
    (["01", "0", "10", "66", "--mode", "wavy"], "invalid choice"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_one_line_exit_2_no_file(tmp_path, run_main, args, message):
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
    assert list(tmp_path.iterdir()) == []


def test_damaged_data_folder_is_one_line(tmp_path, run_main):
    data = tmp_path / "data"
    data.mkdir()
    (data / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (data / "t10k-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    ran = run_main(main, ["01", "0", "10", "66", "--data", str(data)], cwd=tmp_path)
    assert ran.status == 2 and len(ran.err.strip().splitlines()) == 1
    assert "damaged" in ran.err
    assert not (tmp_path / "0-1.png").exists()


def test_read_only_output_folder_is_one_line_and_leaves_nothing(
    tmp_path, run_main, read_only_folder
):
    with read_only_folder(tmp_path / "locked") as locked:
        ran = run_main(main, ["01", "0", "10", "66", "-o", str(locked)], cwd=tmp_path)
        assert ran.status == 2, ran.out
        assert "cannot write" in ran.err and len(ran.err.strip().splitlines()) == 1
        assert list(locked.iterdir()) == []


def test_version_and_help(tmp_path, run_main):
    version = run_main(main, ["--version"], cwd=tmp_path)
    assert version.status == 0 and version.out.startswith("mnist-seq ")
    shown = run_main(main, ["--help"])
    assert shown.status == 0
    for word in ("--seed", "--output", "--rule", "--white-on-black", "--data", "--examples"):
        assert word in shown.out
    assert "--mode" not in shown.out  # the old name works but is not advertised


def test_mnist_seq_dataset_is_the_dataset_command(tmp_path, run_main):
    ran = run_main(main, ["dataset", "--count", "0", "--out", str(tmp_path / "x")])
    assert ran.status == 2
    assert ran.err.startswith("mnist-seq dataset: error: count 0 is out of range")
