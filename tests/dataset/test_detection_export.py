"""COCO and YOLO exports: loadable, boxes equal to the data set's ink boxes, shards add up,
reruns repeat byte for byte, a stop leaves nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    MANIFEST_NAME,
    DatasetConfig,
    ExportCancelled,
    SequenceDataset,
    Shard,
    export,
)
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.dataset.detection import data_yaml

coco_api = pytest.importorskip("pycocotools.coco")


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def _coco(path: Path) -> dict:
    return json.loads((path / "annotations.json").read_text(encoding="utf-8"))


def _yolo_boxes(text: str, width: int, height: int) -> list[tuple[int, tuple[int, ...]]]:
    """A YOLO label file back to (class, pixel box) pairs, by rounding."""
    pairs = []
    for line in text.splitlines():
        name, *values = line.split()
        cx, cy, w, h = map(float, values)
        box = (
            round((cx - w / 2) * width), round((cy - h / 2) * height),
            round((cx + w / 2) * width), round((cy + h / 2) * height),
        )  # fmt: skip
        pairs.append((int(name), box))
    return pairs


def test_coco_loads_with_pycocotools_and_its_boxes_are_the_ink_boxes(tmp_path, varied):
    ds = SequenceDataset(**varied)
    result = export(ds, tmp_path / "coco", "coco", workers=2)
    out = tmp_path / "coco"
    assert result.image_files == 60
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["annotations.json", CONFIG_NAME, MANIFEST_NAME, "images"]
    )
    coco = coco_api.COCO(str(out / "annotations.json"))
    batch = ds[:]
    assert sorted(coco.getImgIds()) == list(range(60))
    # digit d is category d + 1: torchvision-style detectors keep 0 for the background
    assert sorted(coco.getCatIds()) == list(range(1, 11))
    assert [c["name"] for c in coco.loadCats(list(range(1, 11)))] == [str(d) for d in range(10)]
    ids = [note["id"] for note in coco.loadAnns(coco.getAnnIds())]
    assert len(ids) == len(set(ids)) == int(batch["length"].sum()) and 0 not in ids
    for item in (0, 31, 59):
        image = coco.loadImgs(item)[0]
        assert np.array_equal(_pixels(out / "images" / image["file_name"]), batch["image"][item])
        assert (image["width"], image["height"]) == (ds.width, 40)
        notes = sorted(coco.loadAnns(coco.getAnnIds(imgIds=[item])), key=lambda a: a["id"])
        n = batch["length"][item]
        assert [a["category_id"] for a in notes] == (batch["digits"][item, :n] + 1).tolist()
        assert [a["mnist_index"] for a in notes] == batch["mnist_indices"][item, :n].tolist()
        for note, (x0, y0, x1, y1) in zip(notes, batch["ink_boxes"][item, :n].tolist()):
            assert note["bbox"] == [x0, y0, x1 - x0, y1 - y0]
            assert note["area"] == (x1 - x0) * (y1 - y0) and note["iscrowd"] == 0
    config = json.loads((out / CONFIG_NAME).read_text(encoding="utf-8"))
    assert config["export_format"] == "coco"
    assert DatasetConfig.from_dict(config["config"]) == ds.config


def test_yolo_labels_give_back_the_ink_boxes(tmp_path, varied):
    ds = SequenceDataset(**varied)
    export(ds, tmp_path / "yolo", "yolo", workers=1)
    out = tmp_path / "yolo"
    batch = ds[:]
    assert sorted(p.name for p in (out / "labels").iterdir()) == [f"{i:06d}.txt" for i in range(60)]
    for item in range(60):
        text = (out / "labels" / f"{item:06d}.txt").read_text(encoding="ascii")
        n = batch["length"][item]
        expected = list(
            zip(
                batch["digits"][item, :n].tolist(),
                map(tuple, batch["ink_boxes"][item, :n].tolist()),
            )
        )
        assert _yolo_boxes(text, ds.width, 40) == expected
        for line in text.splitlines():
            assert all(0 <= float(v) <= 1 for v in line.split()[1:])
    assert np.array_equal(_pixels(out / "images" / "000007.png"), batch["image"][7])


def test_yolo_data_yaml_names_its_folders_relative_to_itself(tmp_path, varied):
    export(SequenceDataset(**{**varied, "count": 5}), tmp_path / "yolo", "yolo", workers=1)
    data = yaml.safe_load((tmp_path / "yolo" / "data.yaml").read_text(encoding="utf-8"))
    # no `path:` (Ultralytics would take it from the working folder); one export is one
    # set, so train and val are its images
    assert data == {
        "train": "images",
        "val": "images",
        "nc": 10,
        "names": [str(d) for d in range(10)],
    }
    assert (tmp_path / "yolo" / data["train"]).is_dir()


def test_a_yolo_data_yaml_with_a_test_set_names_it():
    data = yaml.safe_load(data_yaml("train/images", "val/images", "test/images"))
    assert [data[key] for key in ("train", "val", "test")] == [
        "train/images", "val/images", "test/images"
    ]  # fmt: skip
    assert "path" not in data and data["nc"] == len(data["names"]) == 10
    assert "test" not in yaml.safe_load(data_yaml())


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_shards_put_together_are_the_unsharded_export(tmp_path, fmt, varied):
    ds = SequenceDataset(**varied)
    whole = tmp_path / "whole"
    export(ds, whole, fmt, workers=1)
    parts = [tmp_path / f"part{k}" for k in (1, 2, 3)]
    for k, part in enumerate(parts, 1):
        export(ds, part, fmt, shard=Shard(k, 3), workers=2)
    for sub in ("images", "labels") if fmt == "yolo" else ("images",):
        names = sorted(p.name for part in parts for p in (part / sub).iterdir())
        assert names == sorted(p.name for p in (whole / sub).iterdir()) and len(names) == 60
        for part in parts:
            for p in (part / sub).iterdir():
                assert p.read_bytes() == (whole / sub / p.name).read_bytes()
    if fmt == "coco":
        merged: dict[str, list] = {"images": [], "annotations": []}
        for part in parts:
            for key in merged:
                merged[key] += _coco(part)[key]
        assert merged == {key: _coco(whole)[key] for key in merged}
        assert _coco(parts[0])["categories"] == _coco(whole)["categories"]
    else:
        assert (parts[0] / "data.yaml").read_bytes() == (whole / "data.yaml").read_bytes()


def test_detection_exports_repeat_byte_for_byte_and_overwrite_cleanly(
    tmp_path, varied, folder_bytes
):
    ds = SequenceDataset(**varied)
    export(ds, tmp_path / "a", "coco", workers=1)
    export(ds, tmp_path / "b", "coco", workers=2)
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")
    smaller = SequenceDataset(DatasetConfig(**{**varied, "count": 10}))
    export(smaller, tmp_path / "a", "coco", workers=1, overwrite=True)
    assert len(list((tmp_path / "a" / "images").iterdir())) == 10
    assert len(_coco(tmp_path / "a")["images"]) == 10
    # A YOLO export replaces the COCO export whole: nothing of it is left.
    export(smaller, tmp_path / "a", "yolo", workers=1, overwrite=True)
    names = {p.name for p in (tmp_path / "a").iterdir()}
    assert names == {"images", "labels", "data.yaml", CONFIG_NAME, MANIFEST_NAME}


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_a_cancelled_detection_export_leaves_nothing(tmp_path, fmt, varied, stop_leftovers):
    ds = SequenceDataset(**{**varied, "count": 1200})
    calls: list[int] = []
    with pytest.raises(ExportCancelled) as info:
        export(ds, tmp_path / "out", fmt, workers=1, progress=lambda d, t: calls.append(d),
               cancel=lambda: len(calls) > 0)  # fmt: skip
    assert calls and calls[-1] < 1200
    assert not (tmp_path / "out").exists() and "nothing was written" in str(info.value)
    stop_leftovers(tmp_path / "out", str(info.value))


def test_train_and_test_coco_sets_from_the_command_line_share_no_mnist_image(tmp_path, run_main):
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
