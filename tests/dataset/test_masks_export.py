"""Per-digit masks (`masks=True`, `--masks`): the item field, and every export format
holding exactly the data set's masks; COCO masks and boxes score AP 1.000 in pycocotools
at every style's limits; a stopped export with masks leaves nothing."""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    FORMATS,
    MANIFEST_NAME,
    MAX_LENGTH,
    METADATA_NAME,
    NPZ_NAME,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    Shard,
    export,
)
from mnist_seq_gui.dataset.cli import main as dataset_main

# pycocotools' decode (annToMask's too) hands numpy 2 an object whose __array__ takes no
# `copy`, which numpy warns about; the warning is pycocotools', the pixels are right
NO_COPY_WARNING = "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"

# Every style at its limits, overlapping neighbours, noise and blur.
EXTREMES = {
    "thin": {"thickness": (-1.0, -1.0), "noise": 8.0, "blur": 0.6},
    "mixed": {"thickness": (-1.0, 1.0), "noise": (0.0, 16.0), "blur": (0.0, 1.0)},
}


def _extreme(name: str, count: int = 90, **fields) -> SequenceDataset:
    variation = {
        **EXTREMES[name],
        "scale": (0.25, 1.4),
        "rotation": (-45.0, 45.0),
        "slant": (-45.0, 45.0),
        "height": 40,
        "jitter_y": (0, 12),
    }
    return SequenceDataset(
        count=count, min_length=2, max_length=6, spacing=(-14, 6), rule="random",
        placement="free", seed=17, variation=variation, **fields,
    )  # fmt: skip


def _bounds(mask: np.ndarray) -> list[int]:
    """[x0, y0, x1, y1] of a mask's pixels, end-exclusive."""
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def _label_images(ds: SequenceDataset, items: np.ndarray) -> np.ndarray:
    return ds.composed(items, masks=True)[1].label_images()


# --- the item field -----------------------------------------------------------------------


def test_masks_are_an_item_field_only_when_named(varied):
    assert "masks" not in SequenceDataset(**varied)[0]
    ds = SequenceDataset(**varied, fields=("masks", "ink_boxes", "length", "image"))
    batch = ds[:]
    assert list(batch) == ["masks", "ink_boxes", "length", "image"]
    n, height, width = len(ds), ds.config.height, ds.width
    assert batch["masks"].shape == (n, 5, height, width) and batch["masks"].dtype == bool
    for i in range(n):
        one = ds[i]
        np.testing.assert_array_equal(one["masks"], batch["masks"][i])
        np.testing.assert_array_equal(ds[[i]]["masks"][0], one["masks"])
        length = one["length"]
        assert type(length) is int and not one["masks"][length:].any()
        for slot in range(length):
            assert _bounds(one["masks"][slot]) == one["ink_boxes"][slot].tolist()
    again = pickle.loads(pickle.dumps(ds))
    np.testing.assert_array_equal(again[[3, 7]]["masks"], batch["masks"][[3, 7]])


def test_the_other_fields_are_the_same_with_masks(varied, assert_same_item):
    plain = SequenceDataset(**varied)
    masked = SequenceDataset(**varied, fields=("masks", *plain.fields))
    for index in (0, 17, slice(5, 30), [59, 2, 2]):
        item = masked[index]
        item.pop("masks")
        assert_same_item(item, plain[index])


def test_an_unknown_field_names_masks_among_the_choices():
    with pytest.raises(DatasetError, match="ink_boxes, masks"):
        SequenceDataset(count=3, fields=("mask",))


# --- npz, PNG, YOLO -------------------------------------------------------------------------


def test_npz_masks_unpack_to_the_data_sets_masks(tmp_path):
    ds = _extreme("mixed", count=150)  # several chunks: a chunk's masks are counted in it
    export(ds, tmp_path / "masked", masks=True)
    export(ds, tmp_path / "plain")
    expected = SequenceDataset(ds.config, fields=("masks",))[:]["masks"]
    width = ds.width
    assert width % 8  # a last byte only partly used
    with np.load(tmp_path / "masked" / NPZ_NAME, allow_pickle=False) as data:
        packed = data["masks"]
        assert packed.dtype == np.uint8 and packed.shape == (150, 6, 40, -(-width // 8))
        np.testing.assert_array_equal(
            np.unpackbits(packed, axis=-1, count=width).astype(bool), expected
        )
        masked = {name: data[name] for name in data.files}
    with np.load(tmp_path / "plain" / NPZ_NAME, allow_pickle=False) as data:
        assert masked.keys() - data.files == {"masks"}
        for name in data.files:
            if name != "config":
                np.testing.assert_array_equal(masked[name], data[name], err_msg=name)
        config = json.loads(str(masked["config"]))
        assert config == {**json.loads(str(data["config"])), "masks": True}


@pytest.mark.parametrize(("fmt", "workers"), [("png", 1), ("png", 2), ("yolo", 1), ("yolo", 2)])
def test_label_images_are_the_batchs_label_images(tmp_path, varied, fmt, workers):
    ds = SequenceDataset(**varied)
    out = tmp_path / fmt
    result = export(ds, out, fmt, masks=True, workers=workers)
    expected = _label_images(ds, np.arange(len(ds)))
    names = sorted(p.name for p in (out / "masks").iterdir())
    assert names == [f"{i:06d}.png" for i in range(len(ds))]
    for item, name in enumerate(names):
        with Image.open(out / "masks" / name) as image:
            assert image.mode == "L"
            np.testing.assert_array_equal(np.asarray(image), expected[item])
    assert expected.max() == 5 and result.image_files == len(ds)
    assert json.loads((out / CONFIG_NAME).read_text())["masks"] is True
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert "masks" in manifest["folders"]
    assert {"digits": 6, "folder": "masks", "start": 0, "stop": 60, "suffix": ".png"} in (
        manifest["series"]
    )
    if fmt == "png":
        lines = (out / METADATA_NAME).read_text().splitlines()
        assert [json.loads(line)["mask_file_name"] for line in lines] == [
            f"masks/{name}" for name in names
        ]


def test_label_images_of_a_shard_and_masks_gone_after_an_overwrite_without(tmp_path, varied):
    ds = SequenceDataset(**varied)
    out = tmp_path / "out"
    export(ds, out, "png", shard=Shard(2, 3), masks=True, workers=2)
    expected = _label_images(ds, np.arange(20, 40))
    for row, item in enumerate(range(20, 40)):
        np.testing.assert_array_equal(_pixels(out / "masks" / f"{item:06d}.png"), expected[row])
    assert len(list((out / "masks").iterdir())) == 20
    export(ds, out, "yolo", overwrite=True, workers=1)  # the export owns masks/: it goes
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["images", "labels", "data.yaml", CONFIG_NAME, MANIFEST_NAME]
    )
    assert "masks" not in json.loads((out / CONFIG_NAME).read_text())


# --- COCO ---------------------------------------------------------------------------------


@pytest.mark.filterwarnings(NO_COPY_WARNING)
@pytest.mark.parametrize("style", sorted(EXTREMES))
def test_coco_masks_and_boxes_score_ap_1_at_every_styles_limits(tmp_path, style):
    coco_api = pytest.importorskip("pycocotools.coco")
    eval_api = pytest.importorskip("pycocotools.cocoeval")
    ds = _extreme(style)
    export(ds, tmp_path / "coco", "coco", masks=True, workers=2)
    truth = SequenceDataset(ds.config, fields=("masks", "length"))[:]
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools reports as it loads
        coco = coco_api.COCO(str(tmp_path / "coco" / "annotations.json"))
    notes = coco.loadAnns(coco.getAnnIds())
    assert len(notes) == int(truth["length"].sum())
    for note in notes:
        item, slot = note["image_id"], (note["id"] - 1) % MAX_LENGTH
        mask = coco.annToMask(note)
        np.testing.assert_array_equal(mask, truth["masks"][item, slot])
        x, y, w, h = note["bbox"]
        assert w > 0 and h > 0 and _bounds(mask) == [x, y, x + w, y + h]
        assert note["area"] == mask.sum()
    for kind in ("bbox", "segm"):
        key = "bbox" if kind == "bbox" else "segmentation"
        found = [{"image_id": n["image_id"], "category_id": n["category_id"], key: n[key],
                  "score": 1.0} for n in notes]  # fmt: skip
        with contextlib.redirect_stdout(io.StringIO()):
            scores = eval_api.COCOeval(coco, coco.loadRes(found), kind)
            scores.evaluate()
            scores.accumulate()
            scores.summarize()
        assert scores.stats[0] == 1.0, kind


def test_coco_without_masks_keeps_box_areas_and_no_segmentation(tmp_path, varied):
    ds = SequenceDataset(**varied)
    export(ds, tmp_path / "plain", "coco", workers=1)
    export(ds, tmp_path / "masked", "coco", masks=True, workers=1)
    plain = json.loads((tmp_path / "plain" / "annotations.json").read_text())
    masked = json.loads((tmp_path / "masked" / "annotations.json").read_text())
    assert plain["images"] == masked["images"]
    for one, other in zip(plain["annotations"], masked["annotations"], strict=True):
        _, _, w, h = one["bbox"]
        assert "segmentation" not in one and one["area"] == w * h
        assert 0 < other.pop("area") <= w * h
        assert other.pop("segmentation")["size"] == [ds.config.height, ds.width]
        one.pop("area")
        assert one == other
    assert not (tmp_path / "masked" / "masks").exists()


# --- the command line, and stops ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_line_writes_the_librarys_bytes(tmp_path, run_main, folder_bytes, fmt):
    args = "--count 40 --length 2-5 --spacing -8 8 --rule random --placement free --seed 9 "
    args += f"--slant -30 30 --thickness -1 1 --masks --quiet --format {fmt}"
    ran = run_main(dataset_main, [*args.split(), "--out", str(tmp_path / "cli")])
    assert ran.status == 0, ran.err
    ds = SequenceDataset(count=40, min_length=2, max_length=5, spacing=(-8, 8), rule="random",
                         placement="free", seed=9, variation={"slant": (-30, 30),
                         "thickness": (-1, 1)})  # fmt: skip
    export(ds, tmp_path / "library", fmt, masks=True, workers=2)
    written = folder_bytes(tmp_path / "cli")
    assert written == folder_bytes(tmp_path / "library")
    if fmt == "npz":
        assert b"masks.npy" in written[NPZ_NAME]
    elif fmt == "parquet":  # the config's JSON is in each file's metadata
        assert b'"masks": true' in written["000000.parquet"]
    else:
        assert b'"masks": true' in written[CONFIG_NAME]


def test_masks_must_be_true_or_false(tmp_path, varied):
    with pytest.raises(DatasetError, match="masks 'yes' is not True or False"):
        export(SequenceDataset(**varied), tmp_path / "out", "png", masks="yes")  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("fmt", "workers"), [("npz", 1), ("png", 2), ("coco", 2), ("yolo", 1)])
@pytest.mark.parametrize("stop", ["cancel", "KeyboardInterrupt"])
def test_a_stopped_export_with_masks_leaves_nothing(
    tmp_path, varied, fmt, workers, stop, stop_leftovers
):
    ds = SequenceDataset(**{**varied, "count": 1200})
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if stop == "KeyboardInterrupt":
            raise KeyboardInterrupt

    existing = tmp_path / "existing"
    existing.mkdir()
    for out in (tmp_path / "new", existing):
        calls.clear()
        with pytest.raises(ExportCancelled if stop == "cancel" else KeyboardInterrupt) as info:
            export(ds, out, fmt, masks=True, workers=workers, progress=progress,
                   cancel=lambda: len(calls) > 0)  # fmt: skip
        assert calls and calls[-1] < 1200
        said = "nothing was written" if out != existing else f"{existing} was not changed"
        assert said in str(info.value)
        stop_leftovers(out, str(info.value))
    assert not (tmp_path / "new").exists() and list(existing.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("mnist-seq")]
