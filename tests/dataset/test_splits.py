"""Splits in one command: train, val and test from digits they do not share, held-out label
strings, one transaction, and files that load per split in pycocotools and Hugging Face."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.dataset import (
    DatasetConfig,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    export,
    load_npz,
)
from mnist_seq_gui.dataset.cli import main
from mnist_seq_gui.dataset.splits import parse_splits, split_configs

BASE = DatasetConfig(
    count=1, min_length=3, max_length=6, spacing=(0, 20), rule="random", placement="free", seed=5
)
COUNTS = {"train": 400, "val": 80, "test": 120}
CLI = ["--length", "3-6", "--spacing", "0", "20", "--rule", "random", "--placement", "free"]


def made(counts=COUNTS, hold_out=None, base=BASE) -> dict[str, SequenceDataset]:
    return {k: SequenceDataset(c) for k, c in split_configs(base, counts, hold_out).items()}


def strings(ds: SequenceDataset) -> set[str]:
    return set(ds[0 : len(ds)]["label"].tolist())


def test_no_mnist_image_is_in_two_splits_and_each_split_draws_from_its_pool():
    splits = made()
    bank = bundled_bank()
    used = {}
    for name, ds in splits.items():
        indices = ds[0 : len(ds)]["mnist_indices"]
        used[name] = set(indices[indices >= 0].tolist())
        pool = "train" if name == "train" else "test"
        assert used[name] <= set(bank.pools[pool].tolist())
    assert not used["train"] & used["val"] and not used["train"] & used["test"]
    assert not used["val"] & used["test"]
    assert len(used["val"]) > 300 and len(used["test"]) > 300  # both parts are used
    # each split has a seed of its own: no item of one repeats another's digits
    assert splits["val"][0:80]["label"].tolist() != splits["test"][0:80]["label"].tolist()


def test_held_out_strings_of_test_never_occur_in_train_or_val():
    splits = made({"train": 3000, "val": 500, "test": 500}, hold_out=0.3, base=BASE.replace(
        min_length=2, max_length=3))  # fmt: skip
    # short strings repeat within a split, so a leak would show
    assert len(strings(splits["train"])) < 1000
    assert not strings(splits["test"]) & (strings(splits["train"]) | strings(splits["val"]))
    for name, ds in splits.items():
        assert ds.config.hold_out is not None and ds.config.hold_out[1] == (name == "test")
    # item i of a batch is the item alone, for held and kept strings alike
    for ds in splits.values():
        assert all(ds[i]["label"] == ds[0:50]["label"][i] for i in (0, 7, 49))


def test_a_label_list_is_divided_by_the_hold_out():
    dates = [f"2024{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    base = DatasetConfig(count=1, labels=dates, spacing=(0, 10), seed=2)
    splits = made({"train": 500, "test": 100}, hold_out=0.25, base=base)
    train, test = (set(splits[k].config.labels) for k in ("train", "test"))
    assert train | test == set(dates) and not train & test
    assert 0.1 < len(test) / len(dates) < 0.4
    assert strings(splits["test"]) <= test and strings(splits["train"]) <= train


def test_bad_splits_are_refused_in_one_line():
    for text in ("train", "train:5,train:6", "dev:10", "train:-1", "train:1e9"):
        with pytest.raises(DatasetError, match="name:count"):
            parse_splits(text)
    with pytest.raises(DatasetError, match="own pools"):
        split_configs(BASE.replace(pool="test"), COUNTS)
    with pytest.raises(DatasetError, match="add test"):
        split_configs(BASE, {"train": 5, "val": 5}, 0.2)
    with pytest.raises(DatasetError, match="0.01..0.99"):
        split_configs(BASE, COUNTS, 1.5)


@pytest.mark.parametrize("fmt", ["npz", "coco", "yolo", "png"])
def test_the_command_writes_what_the_library_writes(run_main, tmp_path, folder_bytes, fmt):
    args = ["--splits", "train:60,val:20,test:30", "--hold-out-strings", "0.2", *CLI]
    args += ["--seed", "5", "--format", fmt, "--quiet", "--out", str(tmp_path / "cli")]
    ran = run_main(main, args)
    assert ran.status == 0, ran.err
    assert "3 splits (train 60, val 20, test 30)" in ran.out and "pool all" not in ran.out
    export(made({"train": 60, "val": 20, "test": 30}, 0.2), tmp_path / "lib", fmt, workers=1)
    assert folder_bytes(tmp_path / "cli") == folder_bytes(tmp_path / "lib")
    top = json.loads((tmp_path / "cli" / "config.json").read_text(encoding="utf-8"))
    assert set(top["splits"]) == {"train", "val", "test"} and top["export_format"] == fmt
    for name, described in top["splits"].items():  # each split's config makes it again
        again = SequenceDataset(DatasetConfig.from_dict(described["config"]))
        assert again.config == made({"train": 60, "val": 20, "test": 30}, 0.2)[name].config


def test_coco_splits_load_per_split_in_pycocotools(tmp_path):
    from pycocotools.coco import COCO

    splits = made()
    export(splits, tmp_path / "coco", "coco", masks=True, workers=1)
    for name, ds in splits.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            coco = COCO(str(tmp_path / "coco" / "annotations" / f"{name}.json"))
        assert len(coco.getImgIds()) == len(ds)
        first = coco.loadImgs(0)[0]
        assert (tmp_path / "coco" / name / "images" / first["file_name"]).is_file()
        boxes = [a["bbox"] for a in coco.loadAnns(coco.getAnnIds(imgIds=0))]
        item = ds[0]
        expected = [
            [x0, y0, x1 - x0, y1 - y0]
            for x0, y0, x1, y1 in item["ink_boxes"][: item["length"]].tolist()
        ]
        assert boxes == expected
    assert not (tmp_path / "coco" / "train" / "annotations.json").exists()


def test_a_stopped_split_export_leaves_nothing_and_an_old_one_stays(tmp_path):
    out = tmp_path / "out"
    export(made({"train": 30, "test": 10}), out, "png", workers=1)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    calls: list[int] = []
    with pytest.raises(ExportCancelled):
        export(
            made(),
            out,
            "png",
            overwrite=True,
            workers=1,
            progress=lambda done, _: calls.append(done),
            cancel=lambda: len(calls) > 1,
        )
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    result = export(made(), out, "npz", overwrite=True)
    assert result.items == 600 and not (out / "train" / "metadata.jsonl").exists()
    data = load_npz(out / "test" / "dataset.npz")
    assert np.array_equal(data["images"], made()["test"][0:120]["image"])


@pytest.mark.slow
def test_png_splits_load_in_hugging_face_datasets_per_split(tmp_path, run_python, subprocess_env):
    pytest.importorskip("datasets")
    export(made(), tmp_path / "png", "png", workers=1)
    script = (
        "import json, sys; from datasets import load_dataset\n"
        "d = load_dataset('imagefolder', data_dir=sys.argv[1], cache_dir=sys.argv[2])\n"
        "rows = {k: [v.num_rows, v[0]['image'].size, str(v[3]['label'])] for k, v in d.items()}\n"
        "print(json.dumps(rows))\n"
    )
    env = {**subprocess_env, "HF_HOME": str(tmp_path / "huggingface")}  # not the user's cache
    folders = (str(tmp_path / "png"), str(tmp_path / "cache"))
    ran = run_python("-c", script, *folders, timeout=600, env=env)
    assert ran.returncode == 0, ran.stderr[-3000:]
    got = json.loads(ran.stdout.strip().splitlines()[-1])
    splits = made()
    width = splits["train"].width
    assert got == {
        "train": [400, [width, 28], splits["train"][3]["label"]],
        "validation": [80, [width, 28], splits["val"][3]["label"]],
        "test": [120, [width, 28], splits["test"][3]["label"]],
    }


def test_a_splits_config_fields_are_checked_and_round_trip():
    config = DatasetConfig(count=5, pool="test", pool_part=(2, 3), hold_out=(0.2, True, 7))
    again = DatasetConfig.from_json(config.to_json())
    assert again == config and (again.pool_part, again.hold_out) == ((2, 3), (0.2, True, 7))
    assert "pool_part" not in DatasetConfig(count=5).to_dict()  # old configs' bytes stay
    for bad, said in (
        ({"pool": "test", "pool_part": (3, 2)}, "not a part"),
        ({"pool_part": (1, 2)}, "not a part"),
        ({"pool": "test", "pool_part": "1/2"}, "form"),
        ({"hold_out": (0.2, "yes", 1)}, "True or False"),
        ({"hold_out": (0.001, True, 1)}, "0.01..0.99"),
        ({"hold_out": (0.2, True, 1), "labels": ["12"]}, "no labels"),
    ):
        with pytest.raises(DatasetError, match=said):
            DatasetConfig(count=5, **bad)
