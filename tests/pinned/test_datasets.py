"""Pinned data sets: generate_data, dataset items and batches, exports of 0.1.0
config.json files, and PNGs saved by 0.1.0."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from mnist_seq_gui.core import compose

from .digests import BANK, POLARITIES, digest16, update


def test_api_generate_data_keeps_its_images_and_labels():
    from mnist_seq_gui.api import MNIST_Sequence_API

    images, labels = MNIST_Sequence_API().generate_data(50, 4, (1, 5), seed=11, rule="random")
    assert (digest16(images), digest16(labels)) == ("0971cda63276c4a8", "d7c9ec5d5c21b6d4")


# --- data sets (0.1.0 and c43e031) ------------------------------------------------------

DATASETS = [
    dict(count=600, min_length=5, max_length=5, spacing=(0, 10)),
    dict(count=600, min_length=3, max_length=8, rule="random", spacing=(0, 80), seed=1),
    dict(count=600, min_length=4, max_length=4, spacing=(2, 2), seed=7),
    dict(count=600, min_length=1, max_length=1, rule="random", seed=3),
    dict(count=600, min_length=2, max_length=3, width=140, rule="random", spacing=(0, 90)),
    dict(count=600, min_length=2, max_length=6, rule="random", spacing=(0, 120), seed=2**63 - 1),
]


def _dataset_items(config: dict) -> Iterator[dict]:
    from mnist_seq_gui.dataset import SequenceDataset

    for dtype in ("float32", "uint8"):
        for white_on_black in POLARITIES:
            ds = SequenceDataset(
                **config,
                dtype=dtype,
                white_on_black=white_on_black,
                **({} if "seed" in config else {"seed": 11}),
            )
            for i in (0, 1, 2, 299, 599, -1):
                yield ds[i]
            yield ds[0:300]
            yield ds[np.array([599, 3, 3, 42])]


def dataset_items() -> str:
    h = hashlib.sha256()
    for config in DATASETS:
        for item in _dataset_items(config):
            # ink_boxes came later and has tests of its own; the pin is of the fields
            # items had when it was made
            for key in sorted(set(item) - {"ink_boxes"}):
                value = item[key]
                update(h, key, np.asarray(value) if isinstance(value, np.ndarray) else value)
    return h.hexdigest()


def test_dataset_items_keep_their_digest():
    assert dataset_items() == "82dc5554bc9baddc0e2df989e6f544c31533f1980071daad17491d607e052de8"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "count": 300,
                "min_length": 3,
                "max_length": 6,
                "spacing": (0, 60),
                "rule": "random",
                "seed": 5,
                "dtype": "uint8",
            },
            "07f7098af026c87d a524e4e54bae4342 71113d34c400ece8 84296eef6feae974",
        ),
        (
            {
                "count": 100,
                "min_length": 4,
                "max_length": 4,
                "spacing": (2, 2),
                "seed": 6,
                "dtype": "float32",
                "white_on_black": True,
            },
            "000e060f58a88b08 0d7e0b175e027127 e6628bb035d925ef 89ad6faae94a4ae9",
        ),
        (
            {
                "count": 500,
                "min_length": 2,
                "max_length": 7,
                "spacing": (0, 140),
                "rule": "random",
                "seed": 8,
                "dtype": "uint8",
            },
            "cdf8eb01d0c5d8aa a0c2a824348ba5df 342dbce89ee3850c 8fddfb4136235eb7 aa188d21ccf347d3",
        ),
    ],
)
def test_dataset_batches_keep_their_digests(fields, expected):
    from mnist_seq_gui.dataset import SequenceDataset

    batch = SequenceDataset(**fields)[:]
    keys = ("image", "digits", "boxes", "mnist_indices", "label")[: len(expected.split())]
    assert " ".join(digest16(batch[k]) for k in keys) == expected


# --- exports from config.json files written by 0.1.0 -----------------------------------

V010 = Path(__file__).parents[1] / "data" / "v0.1.0"
NPZ_MEMBERS = {
    "images.npy": "1494e87fa565a5c3be73cfbb2da3316fe20ff96dbae50db04db2de422fe8db2a",
    "labels.npy": "5ab548ad2d1630a0ab0614d0c18fdc43c8a8a2eadd564fd49db7c3a1f6bb57d4",
    "lengths.npy": "acccafd95c85d7a9b807cd47acb52f76040d661884bec96b0c824074fb51dc98",
    "digits.npy": "edfbd30752c2d9ecb89c40d68e3da9dd7920ec1228059b677567a409b1d24577",
    "boxes.npy": "da1a44a09bdd533847be420ad1123492f4404e0c90a90dac34535304e99d3e0e",
    "mnist_indices.npy": "2664ad9bf9e9fcc3ffeb243a9c35a6cb748b6167be6c86fa8a24f1df0e06195b",
    "items.npy": "f6129269827bfea871ee3a2043d6b2ef9c78913aea3dc0c7966b782ac4b01d53",
}


def _config_of_0_1_0(name: str):
    import json

    from mnist_seq_gui.dataset import DatasetConfig

    return DatasetConfig.from_dict(json.loads((V010 / name).read_text(encoding="utf-8"))["config"])


def test_an_npz_export_from_a_0_1_0_config_json_keeps_its_bytes(tmp_path):
    import zipfile

    from mnist_seq_gui.dataset import SequenceDataset, export

    export(SequenceDataset(_config_of_0_1_0("npz-export-config.json")), tmp_path / "out", "npz")
    with zipfile.ZipFile(tmp_path / "out" / "dataset.npz") as archive:
        got = {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}
    # every member 0.1.0 wrote keeps its bytes; later versions add members after them
    assert {name: got[name] for name in NPZ_MEMBERS} == NPZ_MEMBERS
    assert set(got) - set(NPZ_MEMBERS) == {"ink_boxes.npy", "config.npy"}


def test_a_png_export_from_a_0_1_0_config_json_keeps_its_pixels_and_metadata(tmp_path):
    import json

    from PIL import Image

    from mnist_seq_gui.dataset import SequenceDataset, export

    out = tmp_path / "out"
    export(SequenceDataset(_config_of_0_1_0("png-export-config.json")), out, "png", workers=1)
    pixels = hashlib.sha256()
    for i in range(12):
        with Image.open(out / f"{i:06d}.png") as image:
            pixels.update(np.asarray(image).tobytes())
    assert pixels.hexdigest() == "81316c427f36cd3739049263ee3bef0160f47ef81911331bdc72ceaf3174e26b"
    # Lines gain fields after those of 0.1.0 (ink_boxes); without them, the same bytes.
    records = [json.loads(line) for line in (out / "metadata.jsonl").read_text().splitlines()]
    assert all(list(record)[-1] == "ink_boxes" for record in records)
    old = "".join(
        json.dumps({k: v for k, v in record.items() if k != "ink_boxes"}, separators=(", ", ": "))
        + "\n"
        for record in records
    )
    metadata = hashlib.sha256(old.encode("utf-8")).hexdigest()
    assert metadata == "ce756f321188dcf0c90e0655b42ae77b675d473a5b0f86864d480102a2186f92"


@pytest.mark.parametrize("name", ["a.png", "b.png"])
def test_a_png_saved_by_0_1_0_reopens_to_its_own_pixels(name):
    from PIL import Image

    from mnist_seq_gui.files import read_saved, to_uint8

    saved = read_saved(V010 / name)
    comp = compose(BANK, saved.recipe, saved.digits, saved.seed, dtype="float32")
    assert comp.indices == saved.indices
    with Image.open(V010 / name) as image:
        np.testing.assert_array_equal(to_uint8(comp.pixels), np.asarray(image))
