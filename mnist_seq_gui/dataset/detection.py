"""Detection exports, COCO and YOLO: PNGs in images/ plus the format's boxes.

Both are export formats on the skeleton of dataset/export.py (staging, swap, manifest,
clean-up are export()'s). The PNGs are written by the PNG exporter's pipeline (all
cores) into images/; each chunk's metadata lines become the format's boxes:

COCO: one `annotations.json`: {"info", "licenses", "categories": [{"id": d, "name": "d"}],
"images": [{"id": item, "file_name": "000042.png", "width", "height"}], "annotations":
[{"id": item * 64 + slot + 1, "image_id": item, "category_id": digit, "bbox": [x, y, w,
h], "area", "iscrowd": 0, "mnist_index"}]}, `bbox` each digit's ink box. Ids come from
item numbers, so the lists of an export's shards, put together in order, are those of
the unsharded export; `pycocotools.coco.COCO("annotations.json")` loads it.

YOLO: `labels/NNNNNN.txt` with one `class cx cy w h` line per digit (its ink box as
centre and size over the image's width and height, six decimals: the pixel box comes
back by rounding for any width up to 100,000) and a `data.yaml` naming the ten classes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .. import __version__
from .config import CONFIG_NAME, MAX_LENGTH
from .export import (
    CancelCheck,
    ExportJob,
    Progress,
    check_cancel,
)
from .manifest import Manifest, Series
from .png import _WORK, PngFormat, image_chunks, png_name, write_file

ANNOTATIONS_NAME = "annotations.json"
_SEPARATORS = (", ", ": ")


def categories() -> list[dict[str, Any]]:
    """The ten digit classes: id d, name "d"."""
    return [{"id": d, "name": str(d), "supercategory": "digit"} for d in range(10)]


def annotation_id(item: int, slot: int) -> int:
    """Unique over any export of the data set, sharded or not; never 0."""
    return item * MAX_LENGTH + slot + 1


def chunk_records(
    records: list[dict[str, Any]], width: int, height: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(images, annotations) of a chunk's metadata records (see png.metadata_lines)."""
    images, annotations = [], []
    for record in records:
        item = record["item"]
        images.append(
            {"id": item, "file_name": record["file_name"], "width": width, "height": height}
        )
        for slot, (digit, (x0, y0, x1, y1)) in enumerate(
            zip(record["digits"], record["ink_boxes"])
        ):
            w, h = x1 - x0, y1 - y0
            annotations.append(
                {
                    "id": annotation_id(item, slot),
                    "image_id": item,
                    "category_id": digit,
                    "bbox": [x0, y0, w, h],
                    "area": w * h,
                    "iscrowd": 0,
                    "mnist_index": record["mnist_indices"][slot],
                }
            )
    return images, annotations


class CocoWriter:
    """Streams annotations.json into `out`: image records straight to it, annotations
    to `spill` (a scratch file), appended by `finish` (JSON holds the two lists one
    after the other)."""

    def __init__(
        self, out: IO[str], spill: IO[str], width: int, height: int, description: str
    ) -> None:
        self.out, self.spill = out, spill
        self.width, self.height = width, height
        head = {
            "info": {"description": description, "version": f"mnist-seq {__version__}"},
            "licenses": [],
            "categories": categories(),
        }
        self.out.write(json.dumps(head, separators=_SEPARATORS)[:-1] + ', "images": [\n')
        self.first_image = self.first_annotation = True

    def add(self, records: list[dict[str, Any]]) -> None:
        images, annotations = chunk_records(records, self.width, self.height)
        for image in images:
            lead = "" if self.first_image else ",\n"
            self.out.write(lead + json.dumps(image, separators=_SEPARATORS))
            self.first_image = False
        for note in annotations:
            lead = "" if self.first_annotation else ",\n"
            self.spill.write(lead + json.dumps(note, separators=_SEPARATORS))
            self.first_annotation = False

    def finish(self) -> None:
        self.out.write('\n], "annotations": [\n')
        self.spill.seek(0)
        shutil.copyfileobj(self.spill, self.out)
        self.out.write("\n]}\n")


DATA_NAME = "data.yaml"
LABELS_FOLDER = "labels"


def label_text(digits: list[int], boxes: list[list[int]], width: int, height: int) -> str:
    """The lines of one image's label file."""
    lines = []
    for digit, (x0, y0, x1, y1) in zip(digits, boxes):
        cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
        w, h = (x1 - x0) / width, (y1 - y0) / height
        lines.append(f"{digit} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
    return "".join(lines)


def write_labels(records: list[dict[str, Any]], folder: Path, width: int, height: int) -> None:
    """One label file per record (see png.metadata_lines) into `folder`."""
    for record in records:
        name = Path(record["file_name"]).with_suffix(".txt").name
        text = label_text(record["digits"], record["ink_boxes"], width, height)
        write_file(folder / name, text.encode("ascii"))


def data_yaml() -> str:
    names = ", ".join(f'"{d}"' for d in range(10))
    return (
        "# mnist-seq export: YOLO labels (class cx cy w h, normalised) in labels/\n"
        "path: .\n"
        "train: images\n"
        "val: images\n"
        "nc: 10\n"
        f"names: [{names}]\n"
    )


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
