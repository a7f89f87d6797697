"""Noise and blur ranges through the command line: one value as before, LO HI per image."""

from __future__ import annotations

import numpy as np

from mnist_seq_gui.dataset import SequenceDataset, export, load_npz
from mnist_seq_gui.dataset.cli import main


def test_a_noise_and_blur_range_on_the_command_line_is_the_librarys(
    run_main, tmp_path, folder_bytes
):
    args = ["--count", "40", "--length", "3", "--seed", "4", "--quiet"]
    ran = run_main(
        main, [*args, "--noise", "8", "24", "--blur", "0", "1.2", "--out", str(tmp_path / "cli")]
    )
    assert ran.status == 0, ran.err
    ds = SequenceDataset(count=40, min_length=3, max_length=3, seed=4,
                         variation={"noise": (8, 24), "blur": (0, 1.2)})  # fmt: skip
    export(ds, tmp_path / "lib")
    assert folder_bytes(tmp_path / "cli") == folder_bytes(tmp_path / "lib")
    config = load_npz(tmp_path / "cli" / "dataset.npz")["config"]["config"]
    assert config["variation"] == {"noise": [8.0, 24.0], "blur": [0.0, 1.2]}


def test_one_value_is_written_and_drawn_as_before(run_main, tmp_path):
    one = run_main(main, ["--count", "6", "--seed", "2", "--noise", "9.5", "--quiet",
                          "--out", str(tmp_path / "one")])  # fmt: skip
    assert one.status == 0, one.err
    data = load_npz(tmp_path / "one" / "dataset.npz")
    assert data["config"]["config"]["variation"] == {"noise": 9.5}
    pair = SequenceDataset(count=6, seed=2, variation={"noise": (9.5, 9.5)})
    assert np.array_equal(data["images"], pair[0:6]["image"])


def test_three_values_are_refused_in_one_line(run_main, tmp_path):
    ran = run_main(main, ["--count", "6", "--noise", "1", "2", "3", "--out", str(tmp_path / "x")])
    assert ran.status == 2 and not (tmp_path / "x").exists()
    assert ran.err.strip().splitlines() == [
        "mnist-seq dataset: error: --noise '1,2,3' is not one value or a range; "
        "give one value, or LO HI"
    ]
