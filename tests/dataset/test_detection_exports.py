"""COCO and YOLO exports: loadable, boxes equal to the data set's ink boxes, shards."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.dataset import DatasetConfig, ExportCancelled, SequenceDataset, Shard, export
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.dataset.yolo import label_boxes

VARIED = {
    "count": 60,
    "min_length": 2,
    "max_length": 5,
    "min_spacing": -6,
    "max_spacing": 12,
    "rule": "random",
    "seed": 3,
    "dtype": "uint8",
    "placement": "free",
    "variation": {"height": 40, "jitter_y": [0, 12], "slant": [-20, 20], "scale": [0.8, 1.2]},
}


def _pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def _coco(path) -> dict:
    return json.loads((path / "annotations.json").read_text(encoding="utf-8"))


def test_coco_loads_with_pycocotools_and_its_boxes_are_the_ink_boxes(tmp_path):
    coco_api = pytest.importorskip("pycocotools.coco")
    ds = SequenceDataset(**VARIED)
    export(ds, tmp_path / "coco", "coco", workers=2)
    coco = coco_api.COCO(str(tmp_path / "coco" / "annotations.json"))
    batch = ds[:]
    assert sorted(coco.getImgIds()) == list(range(60))
    assert sorted(coco.getCatIds()) == list(range(10))
    for item in (0, 31, 59):
        image = coco.loadImgs(item)[0]
        pixels = _pixels(tmp_path / "coco" / "images" / image["file_name"])
        assert np.array_equal(pixels, batch["image"][item])
        assert (image["width"], image["height"]) == (ds.width, 40)
        notes = sorted(coco.loadAnns(coco.getAnnIds(imgIds=[item])), key=lambda a: a["id"])
        n = batch["length"][item]
        assert [a["category_id"] for a in notes] == batch["digits"][item, :n].tolist()
        assert [a["mnist_index"] for a in notes] == batch["mnist_indices"][item, :n].tolist()
        for note, (x0, y0, x1, y1) in zip(notes, batch["ink_boxes"][item, :n].tolist()):
            assert note["bbox"] == [x0, y0, x1 - x0, y1 - y0]
            assert note["area"] == (x1 - x0) * (y1 - y0) and note["iscrowd"] == 0


def test_yolo_labels_round_trip_to_the_same_boxes(tmp_path):
    ds = SequenceDataset(**VARIED)
    export(ds, tmp_path / "yolo", "yolo", workers=1)
    batch = ds[:]
    for item in range(60):
        text = (tmp_path / "yolo" / "labels" / f"{item:06d}.txt").read_text(encoding="ascii")
        n = batch["length"][item]
        expected = list(
            zip(
                batch["digits"][item, :n].tolist(),
                map(tuple, batch["ink_boxes"][item, :n].tolist()),
            )
        )
        assert label_boxes(text, ds.width, 40) == expected
        for line in text.splitlines():
            assert all(0 <= float(v) <= 1 for v in line.split()[1:])
    data = (tmp_path / "yolo" / "data.yaml").read_text(encoding="utf-8")
    assert "nc: 10" in data and 'names: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]' in data
    assert np.array_equal(_pixels(tmp_path / "yolo" / "images" / "000007.png"), batch["image"][7])


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_shards_put_together_are_the_unsharded_export(tmp_path, fmt):
    ds = SequenceDataset(**VARIED)
    export(ds, tmp_path / "whole", fmt, workers=1)
    parts = [tmp_path / f"part{k}" for k in (1, 2, 3)]
    for k, part in enumerate(parts, 1):
        export(ds, part, fmt, shard=Shard(k, 3), workers=2)
    whole_files = sorted(p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*"))
    for sub in ("images", "labels") if fmt == "yolo" else ("images",):
        names = sorted(p.name for part in parts for p in (part / sub).iterdir())
        assert names == sorted(p.name for p in (tmp_path / "whole" / sub).iterdir())
        for part in parts:
            for p in (part / sub).iterdir():
                assert p.read_bytes() == (tmp_path / "whole" / sub / p.name).read_bytes()
    if fmt == "coco":
        whole = _coco(tmp_path / "whole")
        merged = {key: [] for key in ("images", "annotations")}
        for part in parts:
            for key in merged:
                merged[key] += _coco(part)[key]
        assert merged == {key: whole[key] for key in merged}
        assert _coco(parts[0])["categories"] == whole["categories"]
    assert len(whole_files) > 60


def test_detection_exports_repeat_byte_for_byte_and_overwrite_cleanly(tmp_path):
    ds = SequenceDataset(**VARIED)
    export(ds, tmp_path / "a", "coco", workers=1)
    export(ds, tmp_path / "b", "coco", workers=2)
    assert (tmp_path / "a" / "annotations.json").read_bytes() == (
        tmp_path / "b" / "annotations.json"
    ).read_bytes()
    smaller = SequenceDataset(DatasetConfig(**{**VARIED, "count": 10}))
    export(smaller, tmp_path / "a", "coco", workers=1, overwrite=True)
    assert len(list((tmp_path / "a" / "images").iterdir())) == 10
    assert len(_coco(tmp_path / "a")["images"]) == 10


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_a_cancelled_detection_export_leaves_nothing(tmp_path, fmt):
    ds = SequenceDataset(**{**VARIED, "count": 1200})
    calls = []

    def cancel() -> bool:
        return len(calls) > 0

    with pytest.raises(ExportCancelled):
        export(ds, tmp_path / "out", fmt, workers=1, progress=lambda d, t: calls.append(d),
               cancel=cancel)  # fmt: skip
    assert calls and not (tmp_path / "out").exists()


def test_the_issue_command_writes_coco_sets_that_share_no_mnist_image(tmp_path, run_main):
    coco_api = pytest.importorskip("pycocotools.coco")
    used = {}
    for pool in ("train", "test"):
        args = "--count 300 --length 4-8 --spacing -6 12 --rule random --height 40 "
        args += "--jitter-y 0 12 --slant -20 20 --rotate -8 8 --scale 0.8 1.2 --format coco "
        args += f"--seed 1 --quiet --pool {pool} --out {tmp_path / pool}"
        ran = run_main(dataset_main, args.split())
        assert ran.status == 0, ran.err
        coco = coco_api.COCO(str(tmp_path / pool / "annotations.json"))
        notes = coco.loadAnns(coco.getAnnIds())
        assert len(coco.getImgIds()) == 300 and len(notes) >= 300 * 4
        used[pool] = {note["mnist_index"] for note in notes}
    assert not used["train"] & used["test"]
