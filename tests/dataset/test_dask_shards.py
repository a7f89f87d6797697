"""The README's Dask recipe on Dask's local process scheduler: the same bytes as here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnist_seq_gui.dataset import (
    DatasetConfig,
    SequenceDataset,
    Shard,
    export,
    load_npz,
    shard_folder,
    write_shard,
)

db = pytest.importorskip("dask.bag")

CONFIG = DatasetConfig(
    count=150, min_length=3, max_length=6, min_spacing=-4, max_spacing=10, rule="random",
    seed=7, dtype="uint8", placement="free", pool="train",
    variation={"height": 36, "jitter_y": [0, 8], "rotation": [-10, 10]},
)  # fmt: skip


@pytest.mark.parametrize("fmt", ["npz", "coco"])
def test_dask_processes_write_the_shards_this_process_writes(tmp_path, fmt):
    n = 3
    bag = db.from_sequence(range(1, n + 1), npartitions=n)
    written = bag.map(write_shard, CONFIG.to_json(), str(tmp_path / "dask"), n, fmt)
    folders = written.compute(scheduler="processes", num_workers=2)
    assert folders == [str(shard_folder(str(tmp_path / "dask"), k, n)) for k in (1, 2, 3)]
    for k in range(1, n + 1):
        here = tmp_path / f"here-{k}"
        export(SequenceDataset(CONFIG), here, fmt, shard=Shard(k, n), workers=1)
        there = shard_folder(str(tmp_path / "dask"), k, n)
        files = sorted(p.relative_to(here) for p in here.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(there) for p in there.rglob("*") if p.is_file())
        for name in files:
            assert (here / name).read_bytes() == (there / name).read_bytes(), name
    if fmt == "npz":
        whole = SequenceDataset(CONFIG)[:]
        parts = [
            load_npz(shard_folder(str(tmp_path / "dask"), k, n) / "dataset.npz") for k in (1, 2, 3)
        ]
        for key, field in (("images", "image"), ("ink_boxes", "ink_boxes"), ("labels", "label")):
            assert np.array_equal(np.concatenate([p[key] for p in parts]), whole[field])
    else:
        notes = [
            json.loads(
                (shard_folder(str(tmp_path / "dask"), k, n) / "annotations.json").read_text()
            )
            for k in (1, 2, 3)
        ]
        assert [image["id"] for part in notes for image in part["images"]] == list(range(150))
