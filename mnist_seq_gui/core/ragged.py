"""Gaps for a batch whose rows hold different numbers of digits, in one vectorised pass.

Row r with n_r digits gets exactly the gaps that draw_gaps gives for n_r digits and
the same seed and item (a test compares them), so a data set with lengths 3-8 is
drawn in one pass instead of one per length.
"""

from __future__ import annotations

import numpy as np

from .idx import DIGIT_SIZE
from .keyed_random import STREAM_GAP_ORDER, STREAM_GAPS, keyed_uint32

_AFTER_ANY_DRAW = np.uint64(1 << 32)  # sorts after every uint32 order draw


def ragged_gaps(
    lengths: np.ndarray,
    slots: int,
    width: int,
    min_spacing: int,
    max_spacing: int,
    rule: str,
    seed: int,
    items: np.ndarray,
) -> np.ndarray:
    """(N, slots - 1) gaps; row r's first lengths[r] - 1 are its gaps, the rest 0.

    The caller has checked that `width` has a layout for every length under the rule.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    n_gaps = lengths - 1
    width_gaps = slots - 1
    active = np.arange(width_gaps) < n_gaps[:, None]
    total = width - DIGIT_SIZE * lengths
    if rule == "uniform":
        gap = total // np.maximum(n_gaps, 1)
        return np.where(active, gap[:, None], 0)
    sizes = keyed_uint32(seed, items, STREAM_GAPS, width_gaps)
    order_draws = keyed_uint32(seed, items, STREAM_GAP_ORDER, width_gaps)
    cap = max_spacing - min_spacing
    slack = total - n_gaps * min_spacing
    gaps = np.zeros((len(lengths), width_gaps), dtype=np.int64)
    # spacing.random_gaps, one column at a time, with each row's own count of gaps.
    for j in range(width_gaps):
        lo = np.maximum(0, slack - (n_gaps - j - 1) * cap)
        hi = np.minimum(cap, slack)
        span = np.maximum(hi - lo + 1, 0).astype(np.uint64)
        pick = (sizes[:, j].astype(np.uint64) * span) >> np.uint64(32)
        column = np.where(active[:, j], lo + pick.astype(np.int64), 0)
        gaps[:, j] = column
        slack -= column
    keys = np.where(active, order_draws.astype(np.uint64), _AFTER_ANY_DRAW)
    order = np.argsort(keys, axis=1, kind="stable")
    return np.where(active, np.take_along_axis(gaps, order, axis=1) + min_spacing, 0)
