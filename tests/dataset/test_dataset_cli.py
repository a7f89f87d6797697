"""`mnist-seq dataset`: real runs, one-line errors with status 2, a clean Ctrl+C."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest

from mnist_seq_gui.dataset import (
    MANIFEST_NAME,
    METADATA_NAME,
    NPZ_NAME,
    DatasetConfig,
    SequenceDataset,
    export_npz,
    load_npz,
)
from mnist_seq_gui.dataset.cli import main


@pytest.mark.parametrize("rule_flag", ["--rule", "--mode"])  # --mode: the old name still works
def test_cli_writes_the_dataset_the_library_describes(tmp_path, run_main, rule_flag):
    ran = run_main(main, [
        "--count", "500", "--length", "3-8", "--spacing", "0", "80", rule_flag, "random",
        "--seed", "42", "--out", str(tmp_path / "out"),
    ])  # fmt: skip
    assert ran.status == 0, ran.err
    assert "wrote 500 images" in ran.out and "seed 42" in ran.out
    assert "500/500 100%" in ran.err  # the progress bar
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    config = DatasetConfig.from_dict(data["config"]["config"])
    assert (config.count, config.min_length, config.max_length, config.seed) == (500, 3, 8, 42)
    expected = SequenceDataset(count=500, min_length=3, max_length=8, rule="random",
                               max_spacing=80, seed=42, dtype="uint8")[:]  # fmt: skip
    np.testing.assert_array_equal(data["images"], expected["image"])
    np.testing.assert_array_equal(data["labels"], expected["label"])


def test_cli_png_shards_in_process(tmp_path, capsys):
    args = ["--count", "40", "--seed", "3", "--format", "png", "--workers", "1", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "all")]) == 0
    for k in (1, 2):
        assert main([*args, "--shard", f"{k}/2", "--out", str(tmp_path / f"s{k}")]) == 0
    out = capsys.readouterr().out
    assert "shard 2/2: items 20..39" in out
    whole = (tmp_path / "all" / METADATA_NAME).read_bytes()
    parts = b"".join((tmp_path / f"s{k}" / METADATA_NAME).read_bytes() for k in (1, 2))
    assert parts == whole
    for name in ("000000.png", "000039.png"):
        shard = "s1" if name == "000000.png" else "s2"
        assert (tmp_path / shard / name).read_bytes() == (tmp_path / "all" / name).read_bytes()


def test_a_random_seed_is_chosen_recorded_and_printed(tmp_path, capsys):
    assert main(["--count", "3", "--quiet", "--out", str(tmp_path / "o")]) == 0
    seed = load_npz(tmp_path / "o" / NPZ_NAME)["config"]["config"]["seed"]
    assert f"with seed {seed}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "count 0 is out of range"),
        (["--count", "-4"], "count -4 is out of range"),
        (["--count", "five"], "not a whole number"),
        (["--count", "5", "--length", "8-3"], "length range 8-3 is reversed; write 3-8"),
        (["--count", "5", "--length", "3-8", "--spacing", "0", "10", "--width", "200"],
         "no uniform layout for length(s) 3, 4, 5, 6, 7, 8"),
        (["--count", "5", "--length", "3-8", "--spacing", "0", "10", "--rule", "random",
          "--placement", "fill"],
         "allow max spacing 70 or more"),
        (["--count", "5", "--shard", "3/2", "--seed", "1"], "shard 3/2 does not exist"),
        (["--count", "5", "--shard", "1/2"], "--shard needs --seed"),
        (["--count", "5", "--source", "/no/such/folder"], "no such data folder"),
        (["--count", "5", "--spacing", "9", "2"], "min spacing 9 is above max spacing 2"),
        (["--count", "5", "--bogus"], "unrecognized arguments"),
    ],
)  # fmt: skip
def test_bad_arguments_get_one_line_and_status_2(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mnist-seq dataset: error: ")
    assert message in err
    assert not out.exists()


def test_a_non_empty_folder_needs_overwrite(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert main(["--count", "5", "--seed", "1", "--quiet", "--out", str(tmp_path)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert (
        main(["--count", "5", "--seed", "1", "--quiet", "--overwrite", "--out", str(tmp_path)]) == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, NPZ_NAME, "keep.txt"]


def test_status_2_from_a_separate_process(tmp_path, run_module):
    result = run_module("mnist_seq_gui.dataset.cli", "--count", "0", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mnist-seq dataset: error: count 0 is out of range; use 1 or more"
    ]


@pytest.mark.slow
def test_ctrl_c_leaves_no_partial_file_and_a_rerun_is_identical(
    tmp_path, repo_root, subprocess_env
):
    out = tmp_path / "out"
    out.mkdir()
    args = ["--count", "150000", "--seed", "5", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "mnist_seq_gui.cli", "dataset", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=subprocess_env,
        cwd=repo_root,
    )
    # Wait until the export is under way (the bar has started), then press Ctrl+C.
    seen = b""
    while b"img/s" not in seen:
        chunk = process.stderr.read1(200)
        assert chunk, "the export ended before its progress bar started"
        seen += chunk
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"interrupted" in err
    assert list(out.iterdir()) == []  # no dataset.npz, no temporary file
    # The rerun (same command plus --overwrite) equals an export that was never stopped.
    assert main([*args, "--overwrite", "--quiet"]) == 0
    dataset = SequenceDataset(DatasetConfig(count=150000, seed=5, dtype="uint8"))
    export_npz(dataset, tmp_path / "reference")
    assert (out / NPZ_NAME).read_bytes() == (tmp_path / "reference" / NPZ_NAME).read_bytes()
