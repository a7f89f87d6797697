"""Pools and variation through every door: CLI, dataset command, API, dataset, PNG recipe."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.cli import main
from mnist_seq_gui.core import (
    INK_THRESHOLD,
    DigitStyle,
    SequenceSpec,
    Variation,
    bundled_bank,
    compose,
)
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset, load_npz
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.files import read_composition_text, to_uint8

VARIED = [
    "--height", "40", "--jitter-y", "0", "12", "--slant", "-20", "20", "--rotate", "-8", "8",
    "--scale", "0.8", "1.2",
]  # fmt: skip


def _pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def test_a_varied_png_from_the_command_line_reopens_to_its_own_pixels(tmp_path, run_main):
    out = tmp_path / "v.png"
    args = ["2024", "-6", "4", "100", "--rule", "random", *VARIED, "--noise", "6"]
    ran = run_main(main, [*args, "--pool", "test", "--seed", "3", "-o", str(out)])
    assert ran.status == 0, ran.err
    assert "100 x 40 px" in ran.out
    saved = _pixels(out)
    spec, seed, indices = read_composition_text(out)
    assert spec.pool == "test" and spec.variation.height == 40 and spec.min_spacing == -6
    assert spec.variation.style == DigitStyle(slant=(-20, 20), rotation=(-8, 8), scale=(0.8, 1.2))
    again = compose(bundled_bank(), spec, seed, indices)
    assert np.array_equal(to_uint8(again.pixels), saved)
    assert set(indices) <= set(bundled_bank().pools["test"].tolist())
    with Image.open(out) as image:
        text = dict(image.text)
    ink = [tuple(map(int, box.split(","))) for box in text["ink_boxes"].split(";")]
    assert ink == [tuple(box) for box in again.ink_boxes]
    cells = [tuple(map(int, box.split(","))) for box in text["boxes"].split(";")]
    assert [y1 - y0 for _, y0, _, y1 in cells] == [28] * 4


def test_a_plain_png_keeps_its_old_text_and_gains_boxes(tmp_path, run_main):
    ran = run_main(main, ["01", "0", "10", "66", "--seed", "1", "-o", str(tmp_path / "p.png")])
    assert ran.status == 0
    with Image.open(tmp_path / "p.png") as image:
        text = dict(image.text)
    assert "variation" not in text and "pool" not in text
    assert text["boxes"].startswith("0,0,28,28;")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--slant", "20", "-20"], "slant 20..-20 is reversed; swap them (-20..20)"),
        (["--rotate", "-50", "0"], "rotation -50..0 degrees is out of bounds; use -45..45"),
        (["--scale", "0", "1"], "scale 0..1 is out of bounds; use 0.25..1.4"),
        (["--height", "27"], "height 27 is out of range; use 28..1,024"),
        (["--height", "40", "--jitter-y", "0", "13"], "does not fit a 40 px canvas"),
        (["--noise", "lots"], "noise 'lots' is not a number"),
        (["--pool", "validation"], "invalid choice: 'validation'"),
    ],
)
def test_bad_variation_is_one_line_exit_2_and_no_file(tmp_path, run_main, extra, message):
    for command, args in (
        (main, ["2024", "0", "4", "124", "-o", str(tmp_path / "x.png")]),
        (dataset_main, ["--count", "10", "--length", "4", "--out", str(tmp_path / "d")]),
    ):
        ran = run_main(command, [*args, *extra])
        assert ran.status == 2
        lines = ran.err.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], lines
        assert list(tmp_path.iterdir()) == []


def test_spacing_below_the_overlap_limit_on_both_commands(tmp_path, run_main):
    ran = run_main(main, ["12", "-15", "0", "41", "-o", str(tmp_path / "x.png")])
    assert ran.status == 2 and "use -14..100,000" in ran.err
    args = ["--count", "5", "--spacing", "-20", "0", "--out", str(tmp_path / "d")]
    ran = run_main(dataset_main, args)
    assert ran.status == 2 and "-14" in ran.err and not (tmp_path / "d").exists()


def test_exports_from_the_train_and_test_pools_share_no_mnist_image(tmp_path, run_main):
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
        assert used[pool] <= set(bundled_bank().pools[pool].tolist())
        # every digit's ink lies in its ink box
        images, ink_boxes, lengths = data["images"], data["ink_boxes"], data["lengths"]
        for r in (0, 199, 399):
            dark = images[r] <= 255 - INK_THRESHOLD
            covered = np.zeros_like(dark)
            for x0, y0, x1, y1 in ink_boxes[r, : lengths[r]].tolist():
                covered[y0:y1, x0:x1] = True
            assert not (dark & ~covered).any()
    assert not used["train"] & used["test"]
    ran = run_main(dataset_main, ["--count", "5", "--seed", "1", "--out", str(tmp_path / "all")])
    assert ran.status == 0
    assert "note: pool all draws from every digit" in ran.out and "--pool train" in ran.out


def test_a_varied_config_json_round_trips_to_the_same_items(tmp_path):
    variation = Variation(
        height=36, jitter_y=(2, 6), style=DigitStyle(thickness=(-0.5, 1)), blur=0.6
    )
    ds = SequenceDataset(
        count=64, min_length=2, max_length=5, min_spacing=-4, max_spacing=30, rule="random",
        seed=9, dtype="uint8", pool="train", variation=variation, placement="free",
    )  # fmt: skip
    text = ds.config.to_json()
    assert json.loads(text)["variation"] == variation.to_dict()
    again = SequenceDataset(DatasetConfig.from_json(text))
    for key in ("image", "boxes", "ink_boxes", "mnist_indices"):
        assert np.array_equal(again[:][key], ds[:][key])
    assert ds[3]["image"].shape == (36, ds.width)
    with_dict = SequenceDataset(**{**ds.config.to_dict(), "variation": variation.to_dict()})
    assert np.array_equal(with_dict[:]["image"], ds[:]["image"])


def test_a_config_without_pool_and_variation_means_neither():
    old = {"count": 5, "min_length": 3, "max_length": 3, "max_spacing": 4, "seed": 2}
    config = DatasetConfig.from_dict(old)
    assert config.pool == "all" and config.variation == Variation()
    assert config.to_dict()["variation"] == {}


def test_png_export_metadata_holds_ink_boxes(tmp_path):
    ds = SequenceDataset(count=20, seed=3, variation={"height": 34, "rotation": [-10, 10]})
    from mnist_seq_gui.dataset import export

    export(ds, tmp_path / "png", "png", workers=1)
    lines = (tmp_path / "png" / "metadata.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    batch = ds[:]
    for record in records:
        r = record["item"]
        assert record["ink_boxes"] == batch["ink_boxes"][r, : record["length"]].tolist()
        assert record["boxes"] == batch["boxes"][r, : record["length"]].tolist()
        assert _pixels(tmp_path / "png" / record["file_name"]).shape == (34, ds.width)


def test_api_pool_and_variation():
    api = MNIST_Sequence_API(pool="train")
    variation = Variation(height=32, style=DigitStyle(slant=(10, 10)))
    comp = api.compose((1, 2, 3), (-4, -4), 76, seed=5, variation=variation)
    assert comp.pixels.shape == (32, 76) and comp.spec.pool == "train"
    assert set(comp.indices) <= set(bundled_bank().pools["train"].tolist())
    images, labels = api.generate_data(30, 3, (-4, 2), seed=1, variation=variation, pool="test")
    assert images.shape == (30, 32, 76)  # the narrowest width of 3 digits, gaps -4
    assert labels.shape == (30, 3)
    spec = SequenceSpec((1, 2, 3), 76, -4, -4, pool="train", variation=variation)
    assert np.array_equal(compose(bundled_bank(), spec, 5).pixels, comp.pixels)
    with pytest.raises(ValueError, match="pool 'dev' does not exist"):
        MNIST_Sequence_API(pool="dev")


def test_free_placement_keeps_gaps_in_range_and_moves_the_sequence():
    ds = SequenceDataset(
        count=300, min_length=2, max_length=6, min_spacing=-3, max_spacing=9, rule="random",
        seed=2, dtype="uint8", placement="free",
    )  # fmt: skip
    assert ds.width == 28 * 6 + 5 * 9
    batch = ds[:]
    lefts = []
    for r in range(300):
        n = batch["length"][r]
        cells = batch["boxes"][r, :n]
        gaps = cells[1:, 0] - cells[:-1, 2]
        assert gaps.min() >= -3 and gaps.max() <= 9
        assert cells[0, 0] >= 0 and cells[-1, 2] <= ds.width
        lefts.append(cells[0, 0])
    assert len(set(lefts)) > 50
    with pytest.raises(ValueError, match="may span 213 px; use width 213 or more"):
        SequenceDataset(count=3, max_length=6, max_spacing=9, width=200, placement="free")
