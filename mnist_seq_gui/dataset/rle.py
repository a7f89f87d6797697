"""COCO's compressed run-length encoding (RLE) of binary masks, in numpy.

What `pycocotools.mask.encode` writes and `decode`, `area` and `COCO.annToMask` read:
`{"size": [h, w], "counts": text}`. The text is made like this:

1. The mask's pixels are read column by column (down the first column, then the next:
   Fortran order) and cut into runs of equal value, alternating, the first a run of
   zeros; a mask whose first pixel is set starts with a zero-length run.
2. From the fourth run on (index 3), each length is replaced by its difference from the
   length two before it, a run of the same kind: alike runs give small numbers.
3. Each number is written in two's complement as 5-bit groups, least significant first,
   as many as it takes until what is left is only the sign (0 or -1) and the last
   group's top bit (0x10) agrees with it; every group but the last also gets 0x20
   ("another group follows"), and a group g becomes the character chr(48 + g).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_OFFSET = 48  # a group g is written as chr(48 + g)
_MORE = 0x20  # set on every group but a number's last
# A number v takes k groups when -2**(5k - 1) <= v < 2**(5k - 1). With u = v for v >= 0
# and u = -v - 1 (= ~v) below 0, k is one more than the count of these limits u reaches;
# twelve of them cover every int64.
_LIMITS = 2 ** (5 * np.arange(1, 13, dtype=np.int64) - 1)


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """A binary mask as COCO compressed RLE.

    Parameters
    ----------
    mask : numpy.ndarray
        Shape (h, w); any nonzero value is inside the mask.

    Returns
    -------
    dict
        ``{"size": [h, w], "counts": str}``, the string `pycocotools.mask.encode` gives
        for ``np.asfortranarray(mask)``, decoded from bytes to text (as COCO json holds it).

    Examples
    --------
    >>> rle_encode(np.array([[0, 1], [1, 1]]))
    {'size': [2, 2], 'counts': '13'}
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f"a mask has two dimensions (h, w), not {mask.ndim}")
    return rle_encode_batch(mask[np.newaxis])[0]


def rle_encode_batch(masks: np.ndarray) -> list[dict[str, Any]]:
    """Masks of one size as COCO compressed RLE, one dict each (see `rle_encode`).

    All of them are encoded at once: for an image's digits, faster than one call each.

    Parameters
    ----------
    masks : numpy.ndarray
        Shape (n, h, w); any nonzero value is inside a mask.

    Returns
    -------
    list of dict
        ``{"size": [h, w], "counts": str}`` for each mask, in order.
    """
    masks = np.asarray(masks)
    if masks.ndim != 3:
        raise ValueError(f"a stack of masks has three dimensions (n, h, w), not {masks.ndim}")
    n, h, w = masks.shape
    if n == 0:
        return []
    size = h * w
    # Each mask's pixels in column-major order, one row per mask.
    flat = masks.astype(bool, copy=False).transpose(0, 2, 1).reshape(n, size)
    # A run starts wherever a pixel differs from the one before it (a mask "starts"
    # with a zero): `change` is set on the first pixel of every run of ones or zeros
    # but the leading zeros.
    change = np.empty((n, size), dtype=bool)
    if size:  # an empty mask (h or w 0) is one run of no zeros, as pycocotools writes it
        change[:, 0] = flat[:, 0]
        np.not_equal(flat[:, 1:], flat[:, :-1], out=change[:, 1:])
    where = np.flatnonzero(change)  # in the masks laid end to end
    row = where // max(size, 1)
    per_mask = np.bincount(row, minlength=n)
    before = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_mask, out=before[1:])  # run starts in the masks before each one
    # Every run boundary in order, mask by mask: a mask's start, its run starts, the next
    # mask's start (which ends it). A mask whose first pixel is set has its start twice,
    # giving the leading zero-length run of zeros.
    bounds = np.empty(n + 1 + where.size, dtype=np.int64)
    bounds[np.arange(where.size) + row + 1] = where
    bounds[before + np.arange(n + 1)] = np.arange(n + 1, dtype=np.int64) * size
    counts = np.diff(bounds)
    runs = per_mask + 1  # counts per mask
    first = before[:-1] + np.arange(n)  # each mask's first count in `counts`
    # Counts from a mask's fourth on: as the difference from the count two before.
    local = np.arange(counts.size) - np.repeat(first, runs)
    later = np.flatnonzero(local > 2)
    values = counts.copy()
    values[later] -= counts[later - 2]
    text, groups = _groups_text(values)
    ends = np.cumsum(np.add.reduceat(groups, first))
    starts = np.concatenate(([0], ends[:-1]))
    return [{"size": [h, w], "counts": text[a:b]} for a, b in zip(starts.tolist(), ends.tolist())]


def _groups_text(values: np.ndarray) -> tuple[str, np.ndarray]:
    """Signed int64 numbers as 5-bit groups (see the module's notes) in one string, and
    how many characters each number took."""
    magnitude = values ^ (values >> 63)  # v for v >= 0, ~v below 0
    groups = np.searchsorted(_LIMITS, magnitude, side="right") + 1
    most = int(groups.max(initial=1))
    place = np.arange(most)
    digits = (values[:, np.newaxis] >> (5 * place)) & 0x1F
    more = place < (groups - 1)[:, np.newaxis]
    chars = (digits | np.where(more, _MORE, 0)) + _OFFSET
    keep = place < groups[:, np.newaxis]
    return chars[keep].astype(np.uint8).tobytes().decode("ascii"), groups
