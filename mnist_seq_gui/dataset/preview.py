"""A look at an export before it is made: its first items and what they hold (Qt-free).

`first_items(source, k)` gives the first k items of exactly the export `source` would
write: a DatasetConfig, or a splits mapping (name -> config, as split_configs makes it),
whose k items are shared out between the splits in order, each split's own first items.
They are made as the export makes them (SequenceDataset.batch), every length mixed as
the export mixes it. `sample_stats` counts, over a bounded sample of the export's first
items, what one checks before training: lengths, digits, gaps, ink box sizes, ink
coverage and how often each MNIST image is drawn. `contact_sheet` lays items out in a
grid (an RGB array), with each digit's ink box or mask on demand; `write_preview` writes
it as a PNG, atomically, and nothing else.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import DigitBank
from ..files import to_uint8, write_bytes_atomic
from .config import DatasetConfig, DatasetError
from .items import FIELDS, SequenceDataset

Source = DatasetConfig | Mapping[str, DatasetConfig]
PREVIEW_ITEMS = 64  # items a preview shows unless told
STATS_SAMPLE = 2_000  # items the statistics count unless told
# Items counted at once: few, so that a `stop()` is seen within a few milliseconds, and
# their masks (one byte a pixel per digit slot) at most 16 MB.
_CHUNK, _MASK_BYTES = 32, 1 << 24
_SHEET_WIDTH = 1_280
SHEET_GREY = 0x84  # around the items, as the explorer's gallery
INK_RGB = (0xE5, 0x3E, 0x2B)  # each digit's ink box, as the explorer draws it
# A digit slot's mask colour (slot mod 6), half over the image.
MASK_RGB = np.array(
    [(230, 97, 1), (94, 60, 153), (27, 158, 119), (217, 95, 2), (231, 41, 138), (102, 166, 30)],
    dtype=np.uint16,
)


def export_parts(source: Source) -> list[tuple[str, DatasetConfig]]:
    """(split name, config) of each part the export writes, in its order ('' for one)."""
    if isinstance(source, DatasetConfig):
        return [("", source)]
    parts = list(source.items())
    if not parts or not all(isinstance(c, DatasetConfig) for _, c in parts):
        raise DatasetError("a preview needs a DatasetConfig, or split names and their configs")
    return parts


def shares(counts: list[int], total: int) -> list[int]:
    """How many of `total` items come from parts of `counts` items: spread evenly, in
    order, none more than its part holds."""
    made, left = [], total
    for i, count in enumerate(counts):
        share = min(count, math.ceil(left / (len(counts) - i)))
        made.append(share)
        left -= share
    return made


@dataclass(frozen=True, eq=False)
class PreviewItems:
    """The first items of an export: `fields` as SequenceDataset.batch gives them (with
    `masks` when asked), `splits` each item's split name ('' without splits)."""

    fields: dict[str, np.ndarray]
    splits: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.splits)


def _datasets(
    source: Source, total: int, bank: DigitBank | None, masks: bool
) -> list[tuple[str, SequenceDataset, int]]:
    parts = export_parts(source)
    fields = (*FIELDS, "masks") if masks else FIELDS
    counts = shares([c.count for _, c in parts], total)
    return [
        (name, SequenceDataset(config, bank=bank, fields=fields), count)
        for (name, config), count in zip(parts, counts)
        if count
    ]


def first_items(
    source: Source,
    count: int = PREVIEW_ITEMS,
    *,
    masks: bool = False,
    bank: DigitBank | None = None,
) -> PreviewItems:
    """The first `count` items of the export of `source` (see the module docstring);
    `bank`: the digits of the configs' source, if already loaded."""
    if count < 1:
        raise DatasetError(f"a preview shows 1 or more items, not {count}")
    made = [(name, ds.batch(np.arange(n))) for name, ds, n in _datasets(source, count, bank, masks)]
    fields = {key: np.concatenate([batch[key] for _, batch in made]) for key in made[0][1]}
    splits = tuple(name for name, batch in made for _ in range(len(batch["item"])))
    return PreviewItems(fields, splits)


@dataclass(frozen=True, eq=False)
class PreviewStats:
    """What `sample` items of an export of `total` hold; the arrays are the raw values."""

    sample: int
    total: int
    lengths: np.ndarray  # (max_length + 1,) items of each length
    digits: np.ndarray  # (10,) digits of each value
    gaps: np.ndarray  # x gap between neighbouring digits' cells, px (< 0: they overlap)
    box_widths: np.ndarray  # each digit's ink box, px
    box_heights: np.ndarray
    coverage: np.ndarray  # each item's share of pixels inside some digit's ink mask
    uses: np.ndarray  # for each MNIST image drawn, how many digits it gave

    def summary(self) -> list[str]:
        """A few lines for people."""
        n = self.lengths.sum()
        lengths = ", ".join(f"{k}: {c / n:.0%}" for k, c in enumerate(self.lengths.tolist()) if c)
        digits = ", ".join(f"{d}: {c / self.digits.sum():.1%}" for d, c in enumerate(self.digits))
        lines = [
            f"statistics of the first {self.sample:,} of {self.total:,} images",
            f"lengths: {lengths}",
            f"digits: {digits}",
        ]
        if self.gaps.size:
            lo, mid, hi = _spread(self.gaps)
            overlap = " (below 0: overlapping)" if lo < 0 else ""
            lines.append(f"gaps between digits: {lo} to {hi} px, median {mid}{overlap}")
        for name, values in (("width", self.box_widths), ("height", self.box_heights)):
            lo, mid, hi = _spread(values)
            lines.append(f"ink box {name}: {lo} to {hi} px, median {mid}")
        lo, mid, hi = _spread(self.coverage * 100)
        lines.append(f"ink coverage: {lo:.1f}% to {hi:.1f}% of an image, median {mid:.1f}%")
        lines.append(
            f"MNIST images: {self.uses.sum():,} digits drawn from {self.uses.size:,} images, "
            f"{self.uses.mean():.2f} digits per image on average, at most {self.uses.max()}"
        )
        return lines


def _spread(values: np.ndarray) -> tuple[float, float, float]:
    middle = float(np.median(values))
    return values.min().item(), int(middle) if middle.is_integer() else middle, values.max().item()


def sample_stats(
    source: Source,
    sample: int = STATS_SAMPLE,
    *,
    bank: DigitBank | None = None,
    stop: Callable[[], bool] | None = None,
) -> PreviewStats | None:
    """Statistics of the export's first `sample` items (shared out as first_items
    shares them); None if `stop()` said so before they were done."""
    parts = _datasets(source, sample, bank, masks=False)
    longest = max(ds.max_length for _, ds, _ in parts)
    lengths = np.zeros(longest + 1, dtype=np.int64)
    digits = np.zeros(10, dtype=np.int64)
    gaps, widths, heights, coverage, indices = [], [], [], [], []
    for _, ds, count in parts:
        height, width = ds.config.height, ds.config.width
        chunk = max(1, min(_CHUNK, _MASK_BYTES // (ds.max_length * height * width)))
        for start in range(0, count, chunk):
            if stop is not None and stop():
                return None
            fields, made = ds.composed(np.arange(start, min(count, start + chunk)), masks=True)
            shown = np.arange(ds.max_length) < fields["length"][:, None]
            lengths += np.bincount(fields["length"], minlength=longest + 1)
            digits += np.bincount(fields["digits"][shown], minlength=11)[:10]
            cells = fields["boxes"]
            neighbours = shown[:, 1:]
            gaps.append((cells[:, 1:, 0] - cells[:, :-1, 2])[neighbours])
            ink = fields["ink_boxes"][shown]
            widths.append(ink[:, 2] - ink[:, 0])
            heights.append(ink[:, 3] - ink[:, 1])
            coverage.append(made.masks().any(axis=1).mean(axis=(1, 2)))
            indices.append(fields["mnist_indices"][shown])
    _, uses = np.unique(np.concatenate(indices), return_counts=True)
    return PreviewStats(
        int(lengths.sum()),
        sum(ds.config.count for _, ds, _ in parts),
        lengths,
        digits,
        np.concatenate(gaps),
        np.concatenate(widths),
        np.concatenate(heights),
        np.concatenate(coverage),
        uses,
    )


def tiles(items: PreviewItems, masks: bool = False, scale: int = 1) -> np.ndarray:
    """(N, H * scale, W * scale, 3) uint8: the items' pixels in RGB, each digit's mask
    tinted (the colour of its slot) when `masks`, which needs items made with masks."""
    grey = to_uint8(items.fields["image"])
    rgb = np.repeat(grey[..., None], 3, axis=-1)
    if masks:
        for slot, mask in enumerate(np.moveaxis(items.fields["masks"], 1, 0)):
            colour = MASK_RGB[slot % len(MASK_RGB)]
            rgb[mask] = ((rgb[mask].astype(np.uint16) + colour) // 2).astype(np.uint8)
    if scale > 1:
        rgb = rgb.repeat(scale, axis=1).repeat(scale, axis=2)
    return rgb


def contact_sheet(
    items: PreviewItems,
    columns: int | None = None,
    *,
    ink: bool = False,
    masks: bool = False,
    scale: int | None = None,
    gap: int = 8,
) -> np.ndarray:
    """The items in rows of `columns` (None: as many as fit in about 1,280 px), left to
    right, on grey: an (H, W, 3) uint8 array. `ink` rings each digit's ink box just
    outside it; `masks` tints each digit's ink. `scale` (None: 2 for images up to 320 px
    wide, else 1) repeats each pixel."""
    scale = scale or (2 if items.fields["image"].shape[2] <= 320 else 1)
    pictures = tiles(items, masks, scale)
    count, high, wide = pictures.shape[:3]
    columns = max(1, min(columns or (_SHEET_WIDTH - gap) // (wide + gap), count))
    rows = math.ceil(count / columns)
    sheet = np.full(
        (gap + rows * (high + gap), gap + columns * (wide + gap), 3), SHEET_GREY, np.uint8
    )
    for i, picture in enumerate(pictures):
        top = gap + (i // columns) * (high + gap)
        left = gap + (i % columns) * (wide + gap)
        sheet[top : top + high, left : left + wide] = picture
        if ink:
            for x0, y0, x1, y1 in items.fields["ink_boxes"][i].tolist():
                if x1 > x0 >= 0 and y1 > y0 >= 0:
                    _ring(sheet, left + x0 * scale, top + y0 * scale, (x1 - x0) * scale,
                          (y1 - y0) * scale)  # fmt: skip
    return sheet


def _ring(sheet: np.ndarray, x: int, y: int, width: int, height: int) -> None:
    """A one-pixel ring just outside the rectangle, clipped to the sheet."""
    x0, y0, x1, y1 = max(x - 1, 0), max(y - 1, 0), x + width, y + height
    sheet[y0 : y1 + 1, x0, :] = sheet[y0 : y1 + 1, x1, :] = INK_RGB
    sheet[y0, x0 : x1 + 1, :] = sheet[y1, x0 : x1 + 1, :] = INK_RGB


def encode_rgb_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an (H, W, 3) uint8 image (files.encode_png writes greyscale only)."""
    from PIL import Image  # here: the explorer starts without Pillow

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG")
    return buffer.getvalue()


def write_preview(
    path: str | os.PathLike[str],
    source: Source,
    count: int = PREVIEW_ITEMS,
    *,
    ink: bool = False,
    masks: bool = False,
    sample: int = STATS_SAMPLE,
) -> tuple[Path, PreviewStats]:
    """Write the contact sheet of the export's first `count` items to `path` (a PNG,
    atomically; nothing else is written) and count the statistics of `sample` items."""
    items = first_items(source, count, masks=masks)
    sheet = contact_sheet(items, ink=ink, masks=masks)
    stats = sample_stats(source, sample)
    assert stats is not None  # nothing asked it to stop
    return write_bytes_atomic(path, encode_rgb_png(sheet)), stats
