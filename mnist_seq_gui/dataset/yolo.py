"""YOLO detection layout: `images/NNNNNN.png`, `labels/NNNNNN.txt`, `data.yaml`.

Each label file holds one line per digit, `class cx cy w h`: the digit and its ink box
(core/canvas.py, INK_THRESHOLD) as centre and size, divided by the image width and
height (six decimals: the pixel box comes back exactly by rounding for any width up to
100,000). data.yaml names the ten classes and points train and val at images/.

This module turns each chunk of items (their metadata lines) into label files; folder
handling, PNG writing, progress and cancel are dataset/detection.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .png import write_file

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


def label_boxes(text: str, width: int, height: int) -> list[tuple[int, tuple[int, ...]]]:
    """Inverse of label_text: (digit, (x0, y0, x1, y1)) per line, in pixels."""
    out = []
    for line in text.splitlines():
        digit, cx, cy, w, h = line.split()
        half_w, half_h = float(w) * width / 2, float(h) * height / 2
        centre_x, centre_y = float(cx) * width, float(cy) * height
        box = (centre_x - half_w, centre_y - half_h, centre_x + half_w, centre_y + half_h)
        out.append((int(digit), tuple(round(v) for v in box)))
    return out


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
