"""The export preview: its items are the export's first items, its statistics count what
the items hold, its contact sheet shows them, and `--preview` writes that sheet only."""

from __future__ import annotations

import collections
import io

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.dataset import (
    DatasetConfig,
    SequenceDataset,
    export,
    load_npz,
    split_configs,
)
from mnist_seq_gui.dataset.cli import main
from mnist_seq_gui.dataset.preview import (
    INK_RGB,
    SHEET_GREY,
    contact_sheet,
    first_items,
    sample_stats,
    shares,
)

LABELS = ("20240131", "007", "4150", "99999", "123456", "80")


def mixed(**changes) -> DatasetConfig:
    """Lengths 3-8, free placement, overlapping digits, masks worth looking at."""
    fields = {"seed": 11, "spacing": (-4, 30), "rule": "random", "placement": "free"}
    return DatasetConfig(**{"count": 150, "min_length": 3, "max_length": 8, **fields, **changes})


def npz_items(folder) -> dict[str, np.ndarray]:
    """The npz's arrays under the dataset's field names, masks unpacked."""
    data = load_npz(folder / "dataset.npz")
    names = {"labels": "label", "lengths": "length", "items": "item", "images": "image"}
    fields = {names.get(k, k): v for k, v in data.items() if k != "config"}
    if "masks" in fields:
        width = fields["image"].shape[2]
        fields["masks"] = np.unpackbits(fields["masks"], axis=-1, count=width).astype(bool)
    return fields


def assert_first_items(preview: dict[str, np.ndarray], written: dict[str, np.ndarray]) -> None:
    assert set(preview) == set(written)
    k = len(preview["item"])
    for key, values in preview.items():
        np.testing.assert_array_equal(values, written[key][:k], err_msg=key)


@pytest.mark.parametrize(
    "config",
    [mixed(), mixed(labels=LABELS, min_length=None, max_length=None, height=36, slant=(-15, 15))],
    ids=["lengths 3-8", "label list"],
)
def test_preview_items_equal_the_exports_first_items(tmp_path, config):
    export(SequenceDataset(config), tmp_path / "out", "npz", masks=True)
    written = npz_items(tmp_path / "out")
    items = first_items(config, 64, masks=True)
    assert len(items) == 64 and items.splits == ("",) * 64
    assert len(set(items.fields["length"].tolist())) > 2  # the lengths are mixed
    assert_first_items(items.fields, written)


def test_a_splits_preview_shows_each_splits_own_first_items(tmp_path):
    configs = split_configs(mixed(count=1), {"train": 40, "val": 3, "test": 30})
    export({k: SequenceDataset(c) for k, c in configs.items()}, tmp_path / "out", "npz")
    items = first_items(configs, 20)
    assert items.splits == ("train",) * 7 + ("val",) * 3 + ("test",) * 10
    for name in configs:
        mine = [i for i, split in enumerate(items.splits) if split == name]
        preview = {key: values[mine] for key, values in items.fields.items()}
        assert_first_items(preview, npz_items(tmp_path / "out" / name))


def test_shares_spread_items_evenly_within_each_part():
    assert shares([100], 64) == [64]
    assert shares([5], 64) == [5]
    assert shares([40, 3, 30], 20) == [7, 3, 10]
    assert shares([10, 10, 10], 30) == [10, 10, 10]


def test_statistics_count_what_the_exported_items_hold(tmp_path):
    config = mixed()
    export(SequenceDataset(config), tmp_path / "out", "npz", masks=True)
    data = npz_items(tmp_path / "out")
    stats = sample_stats(config, 100)
    assert stats is not None and (stats.sample, stats.total) == (100, 150)
    rows = range(100)
    lengths = collections.Counter(int(data["length"][r]) for r in rows)
    assert {n: int(c) for n, c in enumerate(stats.lengths) if c} == dict(lengths)
    digits = collections.Counter("".join(str(data["label"][r]) for r in rows))
    assert stats.digits.tolist() == [digits[str(d)] for d in range(10)]
    gaps, widths, heights, used = [], [], [], collections.Counter()
    for r in rows:
        n = int(data["length"][r])
        cells, ink = data["boxes"][r], data["ink_boxes"][r]
        gaps += [int(cells[j + 1][0] - cells[j][2]) for j in range(n - 1)]
        widths += [int(ink[j][2] - ink[j][0]) for j in range(n)]
        heights += [int(ink[j][3] - ink[j][1]) for j in range(n)]
        used.update(int(i) for i in data["mnist_indices"][r][:n])
    assert stats.gaps.tolist() == gaps and min(gaps) < 0  # overlapping digits are counted
    assert stats.box_widths.tolist() == widths and stats.box_heights.tolist() == heights
    assert sorted(stats.uses.tolist()) == sorted(used.values())
    inked = data["masks"][:100].any(axis=1)
    np.testing.assert_allclose(stats.coverage, inked.sum(axis=(1, 2)) / inked[0].size)
    text = "\n".join(stats.summary())
    assert "of 150 images" in text and f"from {len(used):,} images" in text


def test_statistics_stop_when_asked():
    assert sample_stats(mixed(), 100, stop=lambda: True) is None


def test_the_contact_sheet_holds_each_item_and_rings_its_ink():
    items = first_items(mixed(), 6)
    sheet = contact_sheet(items, columns=2, ink=True, scale=2, gap=8)
    _, high, wide = items.fields["image"].shape
    assert sheet.shape == (8 + 3 * (2 * high + 8), 8 + 2 * (2 * wide + 8), 3)
    assert (sheet[:8] == SHEET_GREY).all()
    for i in range(6):
        top, left = 8 + (i // 2) * (2 * high + 8), 8 + (i % 2) * (2 * wide + 8)
        x0, y0, x1, y1 = items.fields["ink_boxes"][i][0].tolist()  # the first digit's ink
        inside = sheet[top + 2 * y0 : top + 2 * y1, left + 2 * x0 : left + 2 * x1, 0]
        image = items.fields["image"][i].repeat(2, axis=0).repeat(2, axis=1)
        np.testing.assert_array_equal(inside, image[2 * y0 : 2 * y1, 2 * x0 : 2 * x1])
        assert tuple(sheet[top + 2 * y1, left + 2 * x0]) == INK_RGB  # the ring below it
    masked = contact_sheet(first_items(mixed(), 6, masks=True), masks=True)
    assert (masked[..., 0] != masked[..., 1]).any()  # tinted
    assert (contact_sheet(items)[..., 0] == contact_sheet(items)[..., 2]).all()  # grey


def test_cli_preview_writes_the_sheet_only_and_prints_statistics(tmp_path, run_main):
    labels = tmp_path / "labels.txt"
    labels.write_text("\n".join(LABELS) + "\n")
    args = ["--count", "500", "--labels", str(labels), "--placement", "free", "--seed", "4"]
    ran = run_main(main, [*args, "--format", "coco", "--preview", "grid.png"], cwd=tmp_path)
    assert ran.status == 0, ran.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.png", "labels.txt"]
    assert "first 64 images to grid.png" in ran.out and "statistics of the first 500" in ran.out
    with Image.open(tmp_path / "grid.png") as png:
        sheet = np.asarray(png.convert("RGB"))
    config = DatasetConfig(500, labels=LABELS, placement="free", seed=4)
    np.testing.assert_array_equal(sheet, contact_sheet(first_items(config), ink=True))
    assert (sheet == INK_RGB).all(axis=-1).any()


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--out", "x"], "leave out --out and --shard"),
        ([], "or --preview FILE"),
    ],
)
def test_cli_preview_refuses_what_it_would_not_do(tmp_path, run_main, extra, said):
    preview = ["--preview", "grid.png"] if extra else []
    ran = run_main(main, ["--count", "5", "--seed", "1", *extra, *preview], cwd=tmp_path)
    assert ran.status == 2 and said in ran.err and len(ran.err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_png_bytes_are_a_png():
    from mnist_seq_gui.dataset.preview import encode_rgb_png

    pixels = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    with Image.open(io.BytesIO(encode_rgb_png(pixels))) as png:
        np.testing.assert_array_equal(np.asarray(png), pixels)
