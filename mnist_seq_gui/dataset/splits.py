"""Splits: train, val and test written by one command, from digits they do not share.

`split_configs(config, {"train": 50000, "val": 5000, "test": 10000})` makes each split's
DatasetConfig from one: its count, a seed of its own (drawn from the config's seed, so the
splits' label strings are independent), and its digits: `train` from the train pool, the
other splits from disjoint parts of the test pool (DigitBank.part), so no MNIST image is
in two splits. With `hold_out`, a fraction of all label strings (by a hash keyed by the
seed: draws.is_held) is kept for `test`: its strings never occur in train or val.

`export({"train": ds, "val": ...}, out, fmt)` (formats.export) writes each split into
its own folder, as one transaction, through SplitsFormat: one config.json describing all
of them, and for detection sets files that load unchanged: a YOLO data.yaml naming each
split's images relative to its own folder, COCO annotations/<split>.json.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..core import MAX_SEED, is_held, stream_key
from .config import CONFIG_NAME, MAX_COUNT, DatasetConfig, DatasetError, Shard, hold_out_fraction
from .detection import ANNOTATIONS_NAME, DATA_NAME, IMAGES_FOLDER, data_yaml
from .export import CancelCheck, ExportFormat, ExportJob, Progress
from .items import SequenceDataset
from .manifest import Manifest

SPLIT_NAMES = ("train", "val", "test")
ANNOTATIONS_FOLDER = "annotations"
_SPLIT_SEEDS = 1 << 24  # stream of each split's seed: + its place in SPLIT_NAMES
_HOLD_OUT_KEY = (1 << 24) + 16  # stream of the key that decides the held-out strings


def parse_splits(text: str) -> dict[str, int]:
    """'train:50000,val:5000,test:10000' -> {"train": 50000, ...}, in the order given."""
    counts: dict[str, int] = {}
    for part in text.split(","):
        match = re.fullmatch(r"\s*([a-z]+)\s*:\s*(\d{1,15})\s*", part)
        if not match or match.group(1) not in SPLIT_NAMES or match.group(1) in counts:
            shown = part if len(part) <= 30 else f"{part[:27]}..."
            raise DatasetError(
                f"split {shown!r} is not of the form name:count with a name from "
                f"{', '.join(SPLIT_NAMES)}, each once; e.g. train:50000,val:5000,test:10000"
            )
        counts[match.group(1)] = int(match.group(2))
    return counts


def split_configs(
    config: DatasetConfig, counts: Mapping[str, int], hold_out: float | None = None
) -> dict[str, DatasetConfig]:
    """Each split's config, made from `config` (its count is replaced): see the module
    docstring. `hold_out`: the fraction of label strings kept for the test split."""
    if not counts or any(name not in SPLIT_NAMES for name in counts):
        raise DatasetError(f"splits are named {', '.join(SPLIT_NAMES)}")
    if config.recipe.pool != "all" or config.pool_part or config.hold_out:
        raise DatasetError("splits choose their own pools: leave the pool at all")
    if hold_out is not None:
        hold_out = hold_out_fraction(hold_out)
        if "test" not in counts:
            raise DatasetError("a hold-out keeps label strings for the test split; add test:N")
    tested = [name for name in counts if name != "train"]  # parts of the test pool
    key = stream_key(config.seed, _HOLD_OUT_KEY)
    made = {}
    for name, count in counts.items():
        if not (isinstance(count, int) and 1 <= count <= MAX_COUNT):
            raise DatasetError(f"split {name} needs 1..{MAX_COUNT:,} items, not {count!r}")
        changes: dict[str, Any] = {
            "count": count,
            "seed": stream_key(config.seed, _SPLIT_SEEDS + SPLIT_NAMES.index(name)) & MAX_SEED,
            "pool": "train" if name == "train" else "test",
        }
        if name != "train" and len(tested) > 1:
            changes["pool_part"] = (tested.index(name) + 1, len(tested))
        if hold_out is not None:
            held = name == "test"
            if config.labels is None:
                changes["hold_out"] = (hold_out, held, key)
            else:
                changes["labels"] = _held_labels(config, hold_out, held, key)
                changes.update(min_length=config.min_length, max_length=config.max_length)
        made[name] = config.replace(**changes)
    return made


def _held_labels(config: DatasetConfig, fraction: float, held: bool, key: int) -> tuple[str, ...]:
    """The strings of the config's label list that are held out (or not)."""
    assert config.label_table is not None and config.labels is not None
    table, lengths = config.label_table
    keep = is_held(key, fraction, table, lengths) == held
    kept = tuple(s for s, k in zip(config.labels, keep.tolist()) if k)
    if not kept:
        which = "is held out" if held else "is left for train and val"
        raise DatasetError(f"no label string {which} at hold-out {fraction:g}; change it")
    return kept


class SplitSet:
    """Several data sets exported together: the `dataset` of a SplitsFormat's job."""

    def __init__(self, splits: Mapping[str, SequenceDataset]) -> None:
        if not splits or any(name not in SPLIT_NAMES for name in splits):
            raise DatasetError(f"splits are named {', '.join(SPLIT_NAMES)}")
        self.splits = dict(splits)
        self.has_own_bank = any(ds.has_own_bank for ds in self.splits.values())

    def __len__(self) -> int:
        return sum(len(ds) for ds in self.splits.values())


class SplitsFormat(ExportFormat):
    """Each split in a folder of its own, written by `inner`, plus the files that tie them
    together (config.json; YOLO data.yaml; COCO annotations/<split>.json)."""

    def __init__(self, inner: ExportFormat, splits: SplitSet) -> None:
        self.inner, self.splits = inner, splits
        self.name = inner.name  # type: ignore[misc]
        self.workers = inner.workers

    def _jobs(self, job: ExportJob) -> list[tuple[str, ExportJob]]:
        return [
            (name, ExportJob(ds, job.out_dir / name, Shard(), job.folder / name, job.masks))
            for name, ds in self.splits.splits.items()
        ]

    def plan(self, job: ExportJob) -> Manifest:
        files, series, folders, scratch = [CONFIG_NAME], [], [], []
        for name, sub in self._jobs(job):
            part = self.inner.plan(sub)
            # COCO's annotations.json is listed though moved to annotations/: a stopped
            # export's staging folder may hold it, and is then removed as a whole
            files += [f"{name}/{f}" for f in part.files if f]
            series += [dataclasses.replace(s, folder=_under(name, s.folder)) for s in part.series]
            folders += [name, *(f"{name}/{f}" for f in part.folders)]
            scratch += [f"{name}/{s}" for s in part.scratch]
        if self.name == "coco":
            folders.append(ANNOTATIONS_FOLDER)
            files += [f"{ANNOTATIONS_FOLDER}/{name}.json" for name in self.splits.splits]
        if self.name == "yolo":
            files.append(DATA_NAME)
        return Manifest(tuple(files), tuple(series), tuple(folders), tuple(scratch))

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        total, before = len(self.splits), 0
        described = {}
        for name, sub in self._jobs(job):
            sub.folder.mkdir(exist_ok=True)
            self.inner.plan(sub)  # a format may set itself up for the job it writes

            def step(done: int, _: int, before: int = before) -> None:
                if progress is not None:
                    progress(before + done, total)

            self.inner.write(sub, step, cancel)
            before += sub.total
            described[name] = sub.describe()
            if self.name == "coco":
                (job.folder / ANNOTATIONS_FOLDER).mkdir(exist_ok=True)
                target = job.folder / ANNOTATIONS_FOLDER / f"{name}.json"
                os.replace(sub.folder / ANNOTATIONS_NAME, target)
        if self.name == "yolo":
            names = {k: f"{k}/{IMAGES_FOLDER}" for k in self.splits.splits}
            text = data_yaml(
                names.get("train") or next(iter(names.values())),
                names.get("val") or names.get("test") or next(iter(names.values())),
                names.get("test", ""),
            )
            (job.folder / DATA_NAME).write_text(text, encoding="utf-8", newline="\n")
        top = {
            "format": "mnist-seq dataset splits",
            "format_version": 1,
            "software": f"mnist-seq {__version__}",
            "export_format": self.name,
            "splits": described,
        }
        text = json.dumps(top, indent=2, sort_keys=True) + "\n"
        (job.folder / CONFIG_NAME).write_text(text, encoding="utf-8", newline="\n")


def _under(name: str, folder: str) -> str:
    return f"{name}/{folder}" if folder else name
