"""COCO compressed RLE: the text pycocotools writes, decoded by pycocotools to the same
mask and area, for every kind of mask; the batch form equals one call per mask."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.dataset import SequenceDataset
from mnist_seq_gui.dataset.rle import rle_encode, rle_encode_batch

mask_api = pytest.importorskip("pycocotools.mask")
coco_api = pytest.importorskip("pycocotools.coco")

# pycocotools' decode (annToMask's too) hands numpy 2 an object whose __array__ takes no
# `copy`, which numpy warns about; the warning is pycocotools', the pixels are right
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
KINDS = ("empty", "full", "random", "pixel", "blocks")


def _make(kind: str, h: int, w: int, seed: int, density: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = np.zeros((h, w), dtype=np.uint8)
    if kind == "full":
        mask[:] = 1
    elif kind == "random":
        mask[:] = rng.random((h, w)) < density
    elif kind == "pixel":
        mask[rng.integers(h), rng.integers(w)] = 1
    elif kind == "blocks":  # long runs of both kinds: counts of several groups, both signs
        for _ in range(rng.integers(1, 6)):
            y, x = rng.integers(h), rng.integers(w)
            mask[y : y + rng.integers(1, h + 1), x : x + rng.integers(1, w + 1)] ^= 1
    return mask


@st.composite
def masks(draw: st.DrawFn, n: int | None = None) -> np.ndarray:
    """A mask (or, with n, a stack of n masks of one size) from 1x1 to 60x300."""
    h, w = draw(st.integers(1, 60)), draw(st.integers(1, 300))
    stack = []
    for _ in range(1 if n is None else n):
        kind = draw(st.sampled_from(KINDS))
        seed, density = draw(st.integers(0, 2**32 - 1)), draw(st.floats(0, 1))
        stack.append(_make(kind, h, w, seed, density))
    return stack[0] if n is None else np.array(stack, dtype=np.uint8).reshape(n, h, w)


def _assert_coco_reads_it(mask: np.ndarray, rle: dict) -> None:
    assert rle["size"] == list(mask.shape) and isinstance(rle["counts"], str)
    assert rle["counts"] == mask_api.encode(np.asfortranarray(mask))["counts"].decode()
    np.testing.assert_array_equal(mask_api.decode(rle), mask)
    assert mask_api.area(rle) == mask.sum()


@settings(max_examples=400, deadline=None)
@given(mask=masks())
def test_rle_is_the_text_pycocotools_writes_and_decodes_to_the_mask(mask):
    _assert_coco_reads_it(mask, rle_encode(mask))


@pytest.mark.parametrize(("h", "w"), [(3, 3), (2, 4), (4, 2), (1, 8), (8, 1), (1, 1)])
def test_every_small_mask_encodes_as_pycocotools_does(h, w):
    for bits in itertools.product((0, 1), repeat=h * w):
        mask = np.array(bits, dtype=np.uint8).reshape(h, w)
        _assert_coco_reads_it(mask, rle_encode(mask))


@pytest.mark.parametrize("pixels", [[], [0], [-1], [0, -1], [3, 600_000], [5, 700_000, 700_001]])
def test_runs_of_a_million_pixels_encode_as_pycocotools_does(pixels):
    # runs this long take five 5-bit groups, and their differences are large and negative
    mask = np.zeros((1000, 1100), dtype=np.uint8)
    mask.reshape(-1)[pixels] = 1
    mask = np.ascontiguousarray(mask)
    _assert_coco_reads_it(mask, rle_encode(mask))
    assert rle_encode(mask.T.copy()) == {
        "size": [1100, 1000],
        "counts": mask_api.encode(np.asfortranarray(mask.T))["counts"].decode(),
    }


@settings(max_examples=150, deadline=None)
@given(data=st.data(), n=st.integers(0, 6))
def test_the_batch_form_equals_one_call_per_mask(data, n):
    stack = data.draw(masks(n))
    batch = rle_encode_batch(stack)
    assert batch == [rle_encode(mask) for mask in stack]
    for mask, rle in zip(stack, batch):
        _assert_coco_reads_it(mask, rle)


def test_any_nonzero_value_is_inside_and_any_dtype_is_read():
    mask = _make("random", 17, 43, seed=5, density=0.4)
    expected = rle_encode(mask)
    for values in (mask.astype(bool), mask * 255, mask.astype(np.int64) * -3, mask * 0.5):
        assert rle_encode(values) == expected
    assert rle_encode(np.asfortranarray(mask)) == expected
    assert rle_encode(mask[:, ::-1][:, ::-1]) == expected  # a strided view


def test_empty_masks_encode_as_pycocotools_does():
    for shape in ((0, 5), (5, 0), (0, 0)):
        expected = mask_api.encode(np.zeros(shape, dtype=np.uint8, order="F"))["counts"]
        assert rle_encode(np.zeros(shape)) == {"size": list(shape), "counts": expected.decode()}
    assert rle_encode_batch(np.zeros((0, 28, 224), dtype=bool)) == []


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4, 5), ()])
def test_a_mask_of_other_dimensions_is_refused(shape):
    with pytest.raises(ValueError, match="two dimensions"):
        rle_encode(np.zeros(shape))


def test_a_stack_of_other_dimensions_is_refused():
    with pytest.raises(ValueError, match="three dimensions"):
        rle_encode_batch(np.zeros((28, 224)))


def test_digit_masks_in_a_coco_file_come_back_through_ann_to_mask(tmp_path):
    """Ink of real digits, through json: what an export's `segmentation` holds."""
    batch = SequenceDataset(count=4, min_length=3, max_length=6, seed=9, dtype="uint8")[:]
    dark = batch["image"] < 128  # black ink on white by default
    height, width = dark.shape[1:]
    images, notes, expected = [], [], {}
    for item in range(4):
        images.append({"id": item, "file_name": f"{item}.png", "width": width, "height": height})
        n = int(batch["length"][item])
        stack = np.zeros((n, height, width), dtype=np.uint8)
        for slot, (x0, y0, x1, y1) in enumerate(batch["ink_boxes"][item, :n].tolist()):
            stack[slot, y0:y1, x0:x1] = dark[item, y0:y1, x0:x1]
        for slot, rle in enumerate(rle_encode_batch(stack)):
            note_id = item * 10 + slot + 1
            expected[note_id] = stack[slot]
            notes.append({"id": note_id, "image_id": item, "category_id": 1, "iscrowd": 0,
                          "segmentation": rle, "area": int(stack[slot].sum())})  # fmt: skip
    path = tmp_path / "annotations.json"
    dataset = {"images": images, "annotations": notes, "categories": [{"id": 1, "name": "0"}]}
    path.write_text(json.dumps(dataset), encoding="utf-8")
    coco = coco_api.COCO(str(path))
    assert len(expected) > 12
    for note in coco.loadAnns(coco.getAnnIds()):
        np.testing.assert_array_equal(coco.annToMask(note), expected[note["id"]])
        assert expected[note["id"]].any()
