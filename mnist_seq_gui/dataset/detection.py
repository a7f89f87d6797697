"""Detection exports, COCO and YOLO: PNGs in images/ plus the format's boxes.

Both are export formats on the skeleton of dataset/export.py (staging, swap, manifest,
clean-up are run_export's). The PNGs are written by the PNG exporter's pipeline (all
cores) into images/; each chunk's metadata lines are turned into the format's boxes by
dataset/coco.py or dataset/yolo.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from .coco import ANNOTATIONS_NAME, CocoWriter
from .config import CONFIG_NAME
from .export import (
    CancelCheck,
    ExportJob,
    ExportResult,
    Progress,
    check_cancel,
    run_export,
)
from .items import SequenceDataset
from .manifest import Manifest, Series
from .png import _WORK, PngFormat, image_chunks, png_name
from .yolo import DATA_NAME, LABELS_FOLDER, data_yaml, write_labels

IMAGES_FOLDER = "images"
Records = list[dict[str, Any]]
Take = Callable[[Records], None]


class DetectionFormat(PngFormat):
    """images/ (PNGs, encoded by `workers` processes) + the format's boxes + config.json.

    A PNG export whose images go to images/ and whose metadata becomes the format's
    boxes (PngFormat: workers, and one worker for a bank that is not in the config).
    """

    main_file = ""
    folders: tuple[str, ...] = (IMAGES_FOLDER,)

    def plan(self, job: ExportJob) -> Manifest:
        super().plan(job)
        digits = len(png_name(0, len(job.dataset))) - len(".png")
        series = [Series(IMAGES_FOLDER, digits, ".png", job.start, job.stop)]
        if LABELS_FOLDER in self.folders:
            series.append(Series(LABELS_FOLDER, digits, ".txt", job.start, job.stop))
        return Manifest(
            files=(self.main_file, CONFIG_NAME),
            series=tuple(series),
            folders=self.folders,
            scratch=(f"{IMAGES_FOLDER}/{_WORK}",) if self.workers > 1 else (),
        )

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        for folder in self.folders:
            (job.folder / folder).mkdir(exist_ok=True)
        images = dataclasses.replace(job, folder=job.folder / IMAGES_FOLDER)
        with self.writing(job) as take:
            done = 0
            for text in image_chunks(images, self.workers, cancel):
                records = [json.loads(line) for line in text.splitlines()]
                take(records)
                done += len(records)
                if progress is not None:
                    progress(done, job.total)
            check_cancel(cancel)
        describe = {**job.describe(), "export_format": self.name}
        config_text = json.dumps(describe, indent=2, sort_keys=True) + "\n"
        (job.folder / CONFIG_NAME).write_text(config_text, encoding="utf-8", newline="\n")

    def writing(self, job: ExportJob) -> contextlib.AbstractContextManager[Take]:
        """A context whose value takes each chunk's metadata records; on leaving it
        without an error the format's own files are complete."""
        raise NotImplementedError


class CocoFormat(DetectionFormat):
    """images/ + annotations.json (COCO detection, ink boxes) + config.json."""

    name = "coco"
    main_file = ANNOTATIONS_NAME

    @contextlib.contextmanager
    def writing(self, job: ExportJob) -> Iterator[Take]:
        ds = job.dataset
        with contextlib.ExitStack() as opened:
            path = job.folder / ANNOTATIONS_NAME
            stream = opened.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
            # unnamed scratch for the annotations, appended once the images are listed
            spill = opened.enter_context(
                tempfile.TemporaryFile("w+", encoding="utf-8", dir=job.folder)
            )
            description = f"mnist-seq digit sequences, items {job.start}..{job.stop - 1}"
            height = ds.config.height
            writer = CocoWriter(stream, spill, ds.width, height, description)
            yield writer.add
            writer.finish()


class YoloFormat(DetectionFormat):
    """images/ + labels/ (YOLO, ink boxes) + data.yaml + config.json."""

    name = "yolo"
    main_file = DATA_NAME
    folders = (IMAGES_FOLDER, LABELS_FOLDER)

    @contextlib.contextmanager
    def writing(self, job: ExportJob) -> Iterator[Take]:
        labels = job.folder / LABELS_FOLDER
        width, height = job.dataset.width, job.dataset.config.height

        def take(records: Records) -> None:
            write_labels(records, labels, width, height)

        yield take
        (job.folder / DATA_NAME).write_text(data_yaml(), encoding="utf-8", newline="\n")


def export_coco(
    dataset: SequenceDataset, out_dir: str | os.PathLike, **options: Any
) -> ExportResult:
    """images/ + annotations.json (COCO detection, ink boxes) + config.json.

    Options as for export_png: shard, overwrite, workers, progress, cancel.
    """
    return _run(CocoFormat, dataset, out_dir, **options)


def export_yolo(
    dataset: SequenceDataset, out_dir: str | os.PathLike, **options: Any
) -> ExportResult:
    """images/ + labels/ (YOLO, ink boxes) + data.yaml + config.json.

    Options as for export_png: shard, overwrite, workers, progress, cancel.
    """
    return _run(YoloFormat, dataset, out_dir, **options)


def _run(
    fmt: type[DetectionFormat],
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    workers: int | None = None,
    **options: Any,
) -> ExportResult:
    return run_export(fmt(workers), dataset, out_dir, **options)
