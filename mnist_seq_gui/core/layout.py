"""Where each digit's 28 x 28 cell goes: left edges from gaps, cells as boxes, and the
free placement of sequences in a canvas wider than they are.

Two placements:

fill: the original. The digits and their gaps span the whole width exactly (under the
      uniform or the random rule, see core/spacing.py).
free: each gap is drawn in [min_spacing, max_spacing] on its own (uniform rule: one gap
      for the whole sequence), and the sequence sits at a random left edge in the width,
      which must hold the widest sequence: 28 n + (n - 1) max_spacing. This lets one
      canvas hold sequences of very different lengths (e.g. 4 to 8 digits).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .errors import SpacingError
from .idx import DIGIT_SIZE
from .keyed_random import STREAM_FREE_GAPS, STREAM_FREE_X, below, keyed_uint32
from .spacing import MAX_WIDTH

PLACEMENTS: tuple[str, ...] = ("fill", "free")


def batch_offsets(gaps: np.ndarray) -> np.ndarray:
    """(N, n-1) gaps -> (N, n) left edges of the digits."""
    n_items, n_gaps = gaps.shape
    x0 = np.zeros((n_items, n_gaps + 1), dtype=np.int64)
    if n_gaps:
        x0[:, 1:] = np.cumsum(gaps + DIGIT_SIZE, axis=1)
    return x0


def boxes_from_offsets(offsets: np.ndarray, y_offsets: ArrayLike | None = None) -> np.ndarray:
    """(..., n) left (and top) edges -> (..., n, 4) cells (x0, y0, x1, y1), end-exclusive."""
    boxes = np.empty((*offsets.shape, 4), dtype=np.int64)
    boxes[..., 0] = offsets
    boxes[..., 1] = 0 if y_offsets is None else y_offsets
    boxes[..., 2] = offsets + DIGIT_SIZE
    boxes[..., 3] = boxes[..., 1] + DIGIT_SIZE
    return boxes


def check_placement(placement: object) -> str:
    if placement not in PLACEMENTS:
        raise SpacingError(
            f"placement {placement!r} is unknown; use one of: {', '.join(PLACEMENTS)}"
        )
    return str(placement)


def free_width(n: int, max_spacing: int) -> int:
    """The narrowest width that holds n digits freely placed: their widest span."""
    return DIGIT_SIZE * n + max(n - 1, 0) * max_spacing


def check_free_width(n: int, width: int, max_spacing: int) -> None:
    need = free_width(n, max_spacing)
    if need > MAX_WIDTH:
        raise SpacingError(
            f"{n} digits with gaps up to {max_spacing} may need {need:,} px, above the "
            f"{MAX_WIDTH:,} px limit; use fewer digits or less spacing"
        )
    if width < need:
        raise SpacingError(
            f"width {width} cannot hold {n} freely placed digits with gaps up to "
            f"{max_spacing}: they may span {need} px; use width {need} or more"
        )


def draw_free(
    n: int,
    width: int,
    min_spacing: int,
    max_spacing: int,
    rule: str,
    seed: int,
    items: ArrayLike,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(gaps (N, n-1), left edges (N, n)) of free placement; row r from (seed, items[r]).

    rows: each row's number of digits (None: n); a row's draws are those of a batch of
    its own length, and gaps and edges past it are left as drawn for the caller to mask.
    """
    items = np.asarray(items, dtype=np.uint64).reshape(-1)
    span = max_spacing - min_spacing + 1
    if n <= 1:
        gaps = np.zeros((len(items), 0), dtype=np.int64)
    elif rule == "uniform":
        one = below(keyed_uint32(seed, items, STREAM_FREE_GAPS, 1), span)
        gaps = np.repeat(one, n - 1, axis=1) + min_spacing
    else:
        gaps = below(keyed_uint32(seed, items, STREAM_FREE_GAPS, n - 1), span) + min_spacing
    offsets = batch_offsets(gaps)
    last = offsets[:, -1] if rows is None else offsets[np.arange(len(items)), rows - 1]
    room = width - (last + DIGIT_SIZE)  # >= 0 by check_free_width
    left = below(keyed_uint32(seed, items, STREAM_FREE_X, 1)[:, 0], room + 1)
    return gaps, offsets + left[:, None]
