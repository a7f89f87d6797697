"""Detection exports, COCO and YOLO: PNGs in images/ plus the format's boxes.

The PNGs go through the PNG exporter's pipeline (all cores) into images/; each chunk's
metadata lines become the format's boxes:

COCO: one `annotations.json` (`pycocotools.coco.COCO` loads it): an image per item and
an annotation per digit, `bbox` its ink box; with masks, `segmentation` its mask as
compressed RLE and `area` the mask's pixel count (else the box's area). Ids come from
item numbers (an image's is its item's), so the lists of an export's shards, put
together in order, are those of the unsharded export. Category ids are 1..10 for the
digits 0..9 (id = digit + 1, name the digit): torchvision-style detectors keep 0 for
the background. 0.2 wrote 0..9.

YOLO: `labels/NNNNNN.txt` with one `class cx cy w h` line per digit (its ink box as
centre and size over the image's width and height, six decimals: the pixel box comes
back by rounding for any width up to 100,000; the class is the digit) and a `data.yaml`
naming the ten classes, its folders relative to its own folder (see `data_yaml`). With
masks, label images in masks/ as the PNG folder has them: a YOLO segmentation line is
one simple polygon per object, which cannot hold a digit's holes or broken strokes.
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
from .export import CancelCheck, ExportJob, Progress, check_cancel
from .manifest import Manifest
from .png import _WORK, MASKS_FOLDER, PngFormat, image_chunks, write_file

ANNOTATIONS_NAME = "annotations.json"
DATA_NAME = "data.yaml"
IMAGES_FOLDER = "images"
LABELS_FOLDER = "labels"
_SEPARATORS = (", ", ": ")
# COCO category id of digit d: d + 1, as 0 is the background class of torchvision-style
# detectors (0.2 used the digit itself)
CATEGORY_OFFSET = 1
Records = list[dict[str, Any]]  # a chunk's metadata records (see png.metadata_lines)
Take = Callable[[Records], None]


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
            "categories": [
                {"id": d + CATEGORY_OFFSET, "name": str(d), "supercategory": "digit"}
                for d in range(10)
            ],
        }
        self.out.write(json.dumps(head, separators=_SEPARATORS)[:-1] + ', "images": [\n')
        self.first_image = self.first_annotation = True

    def add(self, records: Records) -> None:
        for record in records:
            item = record["item"]
            image = {
                "id": item,
                "file_name": record["file_name"],
                "width": self.width,
                "height": self.height,
            }
            lead = "" if self.first_image else ",\n"
            self.out.write(lead + json.dumps(image, separators=_SEPARATORS))
            self.first_image = False
            masks = "segmentation" in record
            for slot, (digit, (x0, y0, x1, y1)) in enumerate(
                zip(record["digits"], record["ink_boxes"])
            ):
                w, h = x1 - x0, y1 - y0
                segment = {"segmentation": record["segmentation"][slot]} if masks else {}
                note = {
                    "id": item * MAX_LENGTH + slot + 1,  # unique in the whole data set; never 0
                    "image_id": item,
                    "category_id": digit + CATEGORY_OFFSET,
                    "bbox": [x0, y0, w, h],
                    **segment,
                    "area": record["mask_areas"][slot] if masks else w * h,
                    "iscrowd": 0,
                    "mnist_index": record["mnist_indices"][slot],
                }
                lead = "" if self.first_annotation else ",\n"
                self.spill.write(lead + json.dumps(note, separators=_SEPARATORS))
                self.first_annotation = False

    def finish(self) -> None:
        self.out.write('\n], "annotations": [\n')
        self.spill.seek(0)
        shutil.copyfileobj(self.spill, self.out)
        self.out.write("\n]}\n")


def data_yaml(train: str = IMAGES_FOLDER, val: str = IMAGES_FOLDER, test: str = "") -> str:
    """The text of a YOLO `data.yaml`: image folders (labels/ beside each) and classes.

    The folders are relative to the yaml's own folder. There is no `path:` key: Ultralytics
    resolves `path: .` against the working folder, so such a yaml loads only from the
    export folder; without one its `check_det_dataset` takes the yaml's own folder.
    `test` is written only when given.
    """
    lines = [
        "# mnist-seq export: YOLO labels (class cx cy w h, normalised) in labels/ beside images/",
        "# folders are relative to this file's folder (no `path:`), so it loads from anywhere",
    ]
    if train == val:
        lines.append("# one export is one set, so train and val are the same images; --splits")
        lines.append("# writes a folder per split and points train, val, test at them")
    lines += [f"train: {train}", f"val: {val}"] + ([f"test: {test}"] if test else [])
    lines.append("nc: 10")
    lines.append("names: [" + ", ".join(f'"{d}"' for d in range(10)) + "]")
    return "\n".join(lines) + "\n"


def write_labels(records: Records, folder: Path, width: int, height: int) -> None:
    """One label file per record (see png.metadata_lines) into `folder`."""
    for record in records:
        lines = []
        for digit, (x0, y0, x1, y1) in zip(record["digits"], record["ink_boxes"]):
            cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
            w, h = (x1 - x0) / width, (y1 - y0) / height
            lines.append(f"{digit} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
        name = Path(record["file_name"]).with_suffix(".txt").name
        write_file(folder / name, "".join(lines).encode("ascii"))


class DetectionFormat(PngFormat):
    """images/ (PNGs, encoded as PngFormat does) + the format's boxes (`writing`) + config.json."""

    main_file = ""
    folders: tuple[str, ...] = (IMAGES_FOLDER,)

    def plan(self, job: ExportJob) -> Manifest:
        super().plan(job)
        series = [self.series(job, IMAGES_FOLDER)]
        if LABELS_FOLDER in self.folders:
            series.append(self.series(job, LABELS_FOLDER, ".txt"))
        masks = self.mask_series(job)
        return Manifest(
            files=(self.main_file, CONFIG_NAME),
            series=(*series, *masks),
            folders=(*self.folders, *(s.folder for s in masks)),
            scratch=(f"{IMAGES_FOLDER}/{_WORK}",) if self.workers > 1 else (),
        )

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        for folder in self.folders:
            (job.folder / folder).mkdir(exist_ok=True)
        images = dataclasses.replace(job, folder=job.folder / IMAGES_FOLDER)
        labels = job.folder / MASKS_FOLDER
        masks, level = self.masks(job), self.png_level
        chunks = image_chunks(images, self.workers, cancel, masks, level, labels)
        # closed on leaving, so that a stop shuts the workers down before the clean-up
        with contextlib.closing(chunks), self.writing(job) as take:
            done = 0
            for text in chunks:
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
    mask_kind = "rle"

    @contextlib.contextmanager
    def writing(self, job: ExportJob) -> Iterator[Take]:
        description = f"mnist-seq digit sequences, items {job.start}..{job.stop - 1}"
        with contextlib.ExitStack() as opened:
            path = job.folder / ANNOTATIONS_NAME
            stream = opened.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
            # unnamed scratch for the annotations, appended once the images are listed
            spill = opened.enter_context(
                tempfile.TemporaryFile("w+", encoding="utf-8", dir=job.folder)
            )
            ds = job.dataset
            writer = CocoWriter(stream, spill, ds.width, ds.config.height, description)
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
        yield lambda records: write_labels(records, labels, width, height)
        (job.folder / DATA_NAME).write_text(data_yaml(), encoding="utf-8", newline="\n")
