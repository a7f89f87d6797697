"""The library's and the commands' error contract: the project's own one-line errors for
bad arguments, names as long as the file system allows, and output lines that never fail
after a complete write."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mnist_seq_gui.core import MnistSeqError, Recipe, bundled_bank, compose_batch
from mnist_seq_gui.dataset import SequenceDataset, export, load_npz, write_shard

from ._helpers import REPO_ROOT, subprocess_env


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda tmp: export(SequenceDataset(count=3), 123), "output folder 123 is not a path"),
        (lambda tmp: export(SequenceDataset(count=3), ""), "is not a path"),
        (lambda tmp: export(SequenceDataset(count=3), tmp / "o", shard=(1, 2)), "not a Shard"),
        (
            lambda tmp: write_shard("1", SequenceDataset(count=3).config.to_json(), str(tmp), 2),
            "shard 1/2 is not valid",
        ),
        (lambda tmp: export(SequenceDataset(count=3), tmp / "o", masks="yes"), "True or False"),
        (
            lambda tmp: compose_batch(bundled_bank(), Recipe(), [[1]], checkpoint=5),
            "checkpoint 5 is not callable",
        ),
    ],
)
def test_bad_library_arguments_raise_the_projects_own_errors(tmp_path, call, said):
    with pytest.raises(MnistSeqError, match=said):
        call(tmp_path)
    assert sorted(tmp_path.iterdir()) == []


def test_a_folder_name_of_255_bytes_exports_and_a_longer_one_is_refused_in_one_line(tmp_path):
    longest = tmp_path / ("x" * 255)
    export(SequenceDataset(count=3, seed=1), longest, "npz")
    export(SequenceDataset(count=4, seed=1), longest, "png", overwrite=True, workers=1)
    assert len(list(longest.glob("*.png"))) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x" * 255]  # no staging left
    with pytest.raises(MnistSeqError, match="File name too long"):
        export(SequenceDataset(count=3), tmp_path / ("y" * 256), "npz")


@pytest.mark.parametrize("command", [["dataset", "--count", "3"], ["12", "0", "10", "56"]])
def test_a_path_the_terminal_cannot_show_is_escaped_not_a_crash(tmp_path, command):
    out = tmp_path / "\u00fcn\u00ef"
    where = ["--out", str(out)] if command[0] == "dataset" else ["--output", str(out) + ".png"]
    env = {**subprocess_env(), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "mnist_seq_gui.cli", *command, *where, "--seed", "2"],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, encoding="ascii",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "\\xfcn\\xef" in done.stdout and "Traceback" not in done.stderr
    if command[0] == "dataset":
        assert len(load_npz(out / "dataset.npz")["images"]) == 3
    else:
        assert os.path.isfile(str(out) + ".png")
