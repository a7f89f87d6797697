"""Old recipes are a promise: files and calls made by mnist-seq 0.1.0 give the same pixels.

`tests/data/v0.1.0/` holds files written by version 0.1.0 itself: two PNGs saved by the
CLI (`mnist-seq 2024 0 10 142 --seed 1 -o a.png` and `mnist-seq 31415 0 30 200 --mode
random --white-on-black --seed 42 -o b.png`) and the config.json of two exports. The
digests below were computed by 0.1.0 from the same calls.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.core import bundled_bank, compose
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset, export
from mnist_seq_gui.files import read_composition_text, to_uint8

V010 = Path(__file__).parent / "data" / "v0.1.0"


def digest(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    head = f"{array.dtype}{array.shape}".encode()
    return hashlib.sha256(head + array.tobytes()).hexdigest()[:16]


@pytest.mark.parametrize("name", ["a.png", "b.png"])
def test_a_png_saved_by_0_1_0_reopens_to_its_own_pixels(name):
    spec, seed, indices = read_composition_text(V010 / name)
    comp = compose(bundled_bank(), spec, seed)
    assert comp.indices == indices
    with Image.open(V010 / name) as image:
        saved = np.asarray(image)
    np.testing.assert_array_equal(to_uint8(comp.pixels), saved)


API_CASES = [
    ((2, 0, 2, 4), (0, 10), 142, {"seed": 1}, "2e49b0a0d0033e40"),
    ((0, 1), (0, 10), 66, {"seed": 7}, "c3be8ce645f9fc47"),
    ((3, 1, 4, 1, 5, 9, 2, 6), (0, 40), 400, {"seed": 99, "rule": "random"}, "119eb56545d44424"),
    ((7,), (0, 0), 28, {"seed": 3, "white_on_black": True}, "f5be250ae3c82b46"),
    (
        (9, 8, 7, 6, 5),
        (2, 9),
        160,
        {"seed": 2**63 - 1, "rule": "random", "white_on_black": True, "dtype": np.uint8},
        "bd9dc37d42060034",
    ),
]


@pytest.mark.parametrize(("digits", "spacing", "width", "options", "expected"), API_CASES)
def test_api_images_match_0_1_0(digits, spacing, width, options, expected):
    api = MNIST_Sequence_API()
    assert digest(api.generate_mnist_sequence(digits, spacing, width, **options)) == expected


def test_generate_data_matches_0_1_0():
    images, labels = MNIST_Sequence_API().generate_data(50, 4, (1, 5), seed=11, rule="random")
    assert (digest(images), digest(labels)) == ("0971cda63276c4a8", "d7c9ec5d5c21b6d4")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"count": 300, "min_length": 3, "max_length": 6, "max_spacing": 60},
            "07f7098af026c87d a524e4e54bae4342 71113d34c400ece8 84296eef6feae974",
        ),
        (
            {"count": 100, "min_length": 4, "max_length": 4, "min_spacing": 2, "max_spacing": 2},
            "000e060f58a88b08 0d7e0b175e027127 e6628bb035d925ef 89ad6faae94a4ae9",
        ),
    ],
)
def test_dataset_items_match_0_1_0(fields, expected):
    extra = (
        {"rule": "random", "seed": 5, "dtype": "uint8"}
        if fields["count"] == 300
        else {"seed": 6, "dtype": "float32", "white_on_black": True}
    )
    ds = SequenceDataset(**fields, **extra)
    batch = ds[0 : len(ds)]
    got = " ".join(digest(batch[k]) for k in ("image", "digits", "boxes", "mnist_indices"))
    assert got == expected


NPZ_MEMBERS = {
    "images.npy": "1494e87fa565a5c3be73cfbb2da3316fe20ff96dbae50db04db2de422fe8db2a",
    "labels.npy": "5ab548ad2d1630a0ab0614d0c18fdc43c8a8a2eadd564fd49db7c3a1f6bb57d4",
    "lengths.npy": "acccafd95c85d7a9b807cd47acb52f76040d661884bec96b0c824074fb51dc98",
    "digits.npy": "edfbd30752c2d9ecb89c40d68e3da9dd7920ec1228059b677567a409b1d24577",
    "boxes.npy": "da1a44a09bdd533847be420ad1123492f4404e0c90a90dac34535304e99d3e0e",
    "mnist_indices.npy": "2664ad9bf9e9fcc3ffeb243a9c35a6cb748b6167be6c86fa8a24f1df0e06195b",
    "items.npy": "f6129269827bfea871ee3a2043d6b2ef9c78913aea3dc0c7966b782ac4b01d53",
}


def _config(name: str) -> DatasetConfig:
    recorded = json.loads((V010 / name).read_text(encoding="utf-8"))
    return DatasetConfig.from_dict(recorded["config"])


def test_npz_export_from_a_0_1_0_config_json_has_the_same_bytes(tmp_path):
    export(SequenceDataset(_config("npz-export-config.json")), tmp_path / "out", "npz")
    with zipfile.ZipFile(tmp_path / "out" / "dataset.npz") as archive:
        got = {
            name: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name != "config.npy"
        }
    assert got == NPZ_MEMBERS


def test_png_export_from_a_0_1_0_config_json_has_the_same_pixels_and_metadata(tmp_path):
    out = tmp_path / "out"
    export(SequenceDataset(_config("png-export-config.json")), out, "png", workers=1)
    pixels = hashlib.sha256()
    for i in range(12):
        with Image.open(out / f"{i:06d}.png") as image:
            pixels.update(np.asarray(image).tobytes())
    assert pixels.hexdigest() == "81316c427f36cd3739049263ee3bef0160f47ef81911331bdc72ceaf3174e26b"
    metadata = hashlib.sha256((out / "metadata.jsonl").read_bytes()).hexdigest()
    assert metadata == "ce756f321188dcf0c90e0655b42ae77b675d473a5b0f86864d480102a2186f92"
