"""A YOLO export loads in Ultralytics' own dataset check and label reader from any working
folder, and its labels there are the data set's digits and ink boxes.

Slow (Ultralytics imports torch) and skipped where Ultralytics is not installed. It runs
in a child interpreter: importing it sets numpy's print options, thread counts and
environment variables for the whole process; its settings go to a folder of the test's.
"""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

from mnist_seq_gui.dataset import SequenceDataset, export

pytestmark = pytest.mark.slow

# argv: the export folder, a file for the answer. Checks data.yaml from three working
# folders (the export's parent's other child, the file system root, the export), then
# reads the labels as training would; a copy of the yaml with `path: .` (0.2's) is the
# control: it must fail from elsewhere.
CHECK = r"""
import json, os, sys
from pathlib import Path
from ultralytics.data.dataset import YOLODataset
from ultralytics.data.utils import check_det_dataset

out, answer = Path(sys.argv[1]), Path(sys.argv[2])
found = {}
for cwd, yaml in (("../elsewhere", "../yolo/data.yaml"), ("/", str(out / "data.yaml")),
                  (str(out), "data.yaml")):
    os.chdir(out / cwd if cwd.startswith("..") else cwd)
    data = check_det_dataset(yaml)
    found[cwd] = [data["train"], data["val"], data["nc"], data["names"]]
old = out / "old.yaml"
old.write_text("path: .\n" + (out / "data.yaml").read_text())
os.chdir(out.parent / "elsewhere")
try:
    check_det_dataset(str(old))
    old_fails = ""
except FileNotFoundError as error:
    old_fails = str(error)
old.unlink()
labels = YOLODataset(img_path=data["train"], data=data, task="detect", augment=False).labels
read = {Path(label["im_file"]).name: [label["cls"].ravel().tolist(), label["bboxes"].tolist(),
        label["bbox_format"], label["normalized"]] for label in labels}
answer.write_text(json.dumps({"found": found, "old_fails": old_fails, "labels": read}))
"""


def test_a_yolo_export_loads_in_ultralytics_from_any_working_folder(
    tmp_path, varied, run_python, subprocess_env
):
    if importlib.util.find_spec("ultralytics") is None:  # not imported here: see above
        pytest.skip("Ultralytics is not installed")
    ds = SequenceDataset(**{**varied, "count": 12})
    out = tmp_path / "yolo"
    export(ds, out, "yolo", workers=1)
    (tmp_path / "elsewhere").mkdir()
    env = {
        **subprocess_env,
        "YOLO_CONFIG_DIR": str(tmp_path / "settings"),  # not the user's settings file
        "MPLCONFIGDIR": str(tmp_path / "matplotlib"),
        "YOLO_OFFLINE": "1",  # no online checks
        "YOLO_AUTOINSTALL": "0",  # never pip-install a missing requirement
    }
    answer = tmp_path / "answer.json"
    ran = run_python("-c", CHECK, str(out), str(answer), env=env, timeout=600)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    got = json.loads(answer.read_text(encoding="utf-8"))

    images = str((out / "images").resolve())
    names = {str(d): str(d) for d in range(10)}  # json keys are text
    expected = [images, images, 10, names]
    assert got["found"] == {cwd: expected for cwd in ("../elsewhere", "/", str(out))}
    assert f"missing path '{(tmp_path / 'elsewhere' / 'images').resolve()}'" in got["old_fails"]

    batch = ds[:]
    assert sorted(got["labels"]) == [f"{item:06d}.png" for item in range(12)]
    height, width = batch["image"].shape[1:]
    for item in range(12):
        classes, boxes, form, normalised = got["labels"][f"{item:06d}.png"]
        n = int(batch["length"][item])
        assert (form, normalised) == ("xywh", True)
        assert classes == batch["digits"][item, :n].tolist()
        pixel_boxes = [
            [round((cx - w / 2) * width), round((cy - h / 2) * height),
             round((cx + w / 2) * width), round((cy + h / 2) * height)]
            for cx, cy, w, h in boxes
        ]  # fmt: skip
        assert pixel_boxes == batch["ink_boxes"][item, :n].tolist()
    assert os.listdir(tmp_path / "elsewhere") == []


SPLITS_CHECK = r"""
import json, os, sys
from ultralytics.data.utils import check_det_dataset
os.chdir("/")
data = check_det_dataset(sys.argv[1])
print(json.dumps([data["train"], data["val"], data["test"], data["nc"]]))
"""


def test_yolo_splits_load_in_ultralytics_with_a_folder_per_split(
    tmp_path, run_python, subprocess_env
):
    if importlib.util.find_spec("ultralytics") is None:
        pytest.skip("Ultralytics is not installed")
    from mnist_seq_gui.dataset import DatasetConfig
    from mnist_seq_gui.dataset.splits import split_configs

    base = DatasetConfig(count=1, min_length=2, max_length=4, spacing=(0, 8), seed=3)
    configs = split_configs(base, {"train": 20, "val": 6, "test": 6})
    out = tmp_path / "splits"
    export({k: SequenceDataset(c) for k, c in configs.items()}, out, "yolo", workers=1)
    env = {
        **subprocess_env,
        "YOLO_CONFIG_DIR": str(tmp_path / "settings"),
        "MPLCONFIGDIR": str(tmp_path / "matplotlib"),
        "YOLO_OFFLINE": "1",
        "YOLO_AUTOINSTALL": "0",
    }
    ran = run_python("-c", SPLITS_CHECK, str(out / "data.yaml"), env=env, timeout=600)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    got = json.loads(ran.stdout.strip().splitlines()[-1])
    root = out.resolve()
    assert got == [str(root / k / "images") for k in ("train", "val", "test")] + [10]
