"""COCO detection layout: `images/NNNNNN.png` and one `annotations.json`.

    {"info": {...}, "licenses": [], "categories": [{"id": 0, "name": "0", ...}, ...],
     "images": [{"id": item, "file_name": "000042.png", "width": W, "height": H}, ...],
     "annotations": [{"id": item * 64 + j + 1, "image_id": item, "category_id": digit,
                      "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0,
                      "mnist_index": the MNIST image of the digit}, ...]}

`bbox` is each digit's ink box (core/canvas.py, INK_THRESHOLD) in pixels; `file_name`
is relative to images/. Ids come from item numbers, so the annotations of the shards of
an export, their lists put together in order, are those of the unsharded export.
`pycocotools.coco.COCO("annotations.json")` loads it.

This module turns each chunk of items (their metadata lines) into JSON; folder
handling, PNG writing, progress and cancel are dataset/detection.py's.
"""

from __future__ import annotations

import json
import shutil
from typing import IO, Any

from .. import __version__
from .config import MAX_LENGTH

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
