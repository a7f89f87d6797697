"""Old recipes are a promise: every pinned digest of the project, in one place.

Each digest was computed by an earlier version (0.1.0, or the commit named beside it)
from the same recipe; the same recipe must keep giving the same pixels, boxes and
indices, in every door. Regenerating a digest is only right when a change of pixels
is intended and announced; `python tests/test_pinned.py` prints the current values.
The calls below use today's API; the values they hash are the ones hashed when pinned.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from mnist_seq_gui.core import Recipe, Variation, bundled_bank, compose, compose_batch
from mnist_seq_gui.core.render import render

BANK = bundled_bank()
SEEDS = (0, 1, 77, 123_456_789, 2**63 - 1)
DTYPES = ("float32", "uint8")
POLARITIES = (False, True)


def digest16(array: np.ndarray) -> str:
    array = np.ascontiguousarray(array)
    head = f"{array.dtype}{array.shape}".encode()
    return hashlib.sha256(head + array.tobytes()).hexdigest()[:16]


def sha(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def recipe(
    width: int,
    lo: int,
    hi: int,
    rule: str = "uniform",
    white_on_black: bool = False,
    variation: Variation | None = None,
) -> Recipe:
    """The recipes of 0.1 and 0.2 drew with the strict fill rule."""
    return Recipe(
        width=width,
        spacing=(lo, hi),
        rule=rule,
        placement="fill",
        white_on_black=white_on_black,
        variation=variation or Variation(),
    )


def _update(h: hashlib._Hash, *parts: object) -> None:
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())


def whole_numbers(rng: random.Random, high: int, shape: tuple[int, int]) -> np.ndarray:
    """Integers in [0, high) from `random()`, whose output Python keeps stable."""
    values = [int(rng.random() * high) for _ in range(shape[0] * shape[1])]
    return np.asarray(values, dtype=np.int64).reshape(shape)


# --- plain recipes (pinned at c43e031, before the fast paths) ---------------------------

SINGLE_RECIPES = [
    ((3, 5, 0), 94, 0, 10, "uniform"),
    ((2, 0, 2, 4), 142, 0, 10, "uniform"),
    ((7,), 28, 0, 0, "uniform"),
    ((1, 2, 3, 4, 5), 160, 0, 10, "uniform"),
    (tuple(range(10)), 280, 0, 0, "uniform"),
    ((1, 2), 156, 0, 100, "uniform"),
    ((3, 1, 4, 1, 5, 9), 200, 0, 10, "random"),
    ((9, 9), 100, 0, 50, "random"),
    ((4, 2), 56, 0, 0, "random"),
    ((8, 6, 7, 5, 3, 0, 9), 400, 2, 60, "random"),
    ((5,), 28, 0, 9, "random"),
]


def single_images() -> str:
    h = hashlib.sha256()
    for digits, width, lo, hi, rule in SINGLE_RECIPES:
        for white_on_black in POLARITIES:
            made = recipe(width, lo, hi, rule, white_on_black)
            for seed in SEEDS:
                for dtype in DTYPES:
                    comp = compose(BANK, made, digits, seed, dtype=dtype)
                    _update(h, comp.pixels, comp.indices, comp.gaps, comp.boxes, comp.seed)
    return h.hexdigest()


def single_images_with_indices() -> str:
    h = hashlib.sha256()
    made = recipe(150, 0, 20, "random")
    picks = list(zip(*(np.flatnonzero(BANK.labels == d)[:40:7] for d in (2, 0, 2, 4))))
    for indices in picks:
        for seed in (3, 4):
            for dtype in DTYPES:
                comp = compose(BANK, made, (2, 0, 2, 4), seed, indices=indices, dtype=dtype)
                _update(h, comp.pixels, comp.indices, comp.gaps)
    return h.hexdigest()


BATCH_RECIPES = [
    (300, 5, 160, 0, 10, "uniform"),
    (20, 5, 160, 0, 10, "uniform"),
    (300, 2, 156, 0, 100, "uniform"),
    (300, 3, 84, 0, 0, "uniform"),
    (300, 5, 160, 0, 10, "random"),
    (40, 4, 150, 0, 30, "random"),
    (300, 1, 28, 0, 0, "random"),
]


def batches() -> str:
    h = hashlib.sha256()
    rng = random.Random(2024)
    for count, length, width, lo, hi, rule in BATCH_RECIPES:
        digits = whole_numbers(rng, 10, (count, length))
        for white_on_black in POLARITIES:
            for seed in (0, 77, 2**63 - 1):
                for dtype in DTYPES:
                    made = recipe(width, lo, hi, rule, white_on_black)
                    b = compose_batch(BANK, made, digits, seed, dtype=dtype)
                    _update(h, b.pixels, b.digits, b.indices, b.gaps, b.offsets, b.boxes)
    return h.hexdigest()


def batches_of_chosen_items() -> str:
    h = hashlib.sha256()
    digits = np.tile([6, 1, 8], (300, 1))
    items = np.arange(300, dtype=np.uint64)[::-1] * 1_000_003
    for rule in ("uniform", "random"):
        for dtype in DTYPES:
            b = compose_batch(BANK, recipe(120, 0, 20, rule), digits, 9, items=items, dtype=dtype)
            _update(h, b.pixels, b.indices, b.gaps)
    return h.hexdigest()


def rendered_offsets() -> str:
    """The renderer with gaps that differ from row to row and within rows (pinned as the
    public render_batch of 0.2, whose work the renderer does now)."""
    h = hashlib.sha256()
    rng = random.Random(5)
    indices = whole_numbers(rng, len(BANK), (300, 3))
    gaps = whole_numbers(rng, 21, (300, 2))
    offsets = np.zeros((300, 3), dtype=np.int64)
    offsets[:, 1:] = np.cumsum(gaps + 28, axis=1)
    width = 3 * 28 + 40
    for white_on_black in POLARITIES:
        for dtype in DTYPES:
            for rows in (slice(None), slice(0, 7)):
                out = np.empty((len(indices[rows]), 28, width), dtype)
                render(
                    BANK,
                    indices[rows],
                    offsets[rows],
                    np.zeros_like(offsets[rows]),
                    out,
                    white_on_black=white_on_black,
                )
                _update(h, out)
    return h.hexdigest()


PLAIN: dict[str, tuple[Callable[[], str], str]] = {
    "single_images": (
        single_images,
        "72ed0a9d5f9449500d23f665fb61f445d23067d4d352b58a69b52d77b660a306",
    ),
    "single_images_with_indices": (
        single_images_with_indices,
        "b4005db2a37fc6ec574f07dcc9eaf00e940f8354efb2223845ad76b4e6a5b822",
    ),
    "batches": (batches, "dab136a2894736621ed360f6cc3b511f85eb0606a5eba41273673dc4bf50481d"),
    "batches_of_chosen_items": (
        batches_of_chosen_items,
        "f4bd2b8a09029fe17123b5728c36ec22b1bcdf3f940b5a24ce5a5de473abd8a5",
    ),
    "rendered_offsets": (
        rendered_offsets,
        "fe901c867c4e00b06dffff64e0eb449c113f8a135eec670386824dec72342ee1",
    ),
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_pixels_and_metadata_keep_their_digest(name):
    make, expected = PLAIN[name]
    assert make() == expected


@pytest.mark.parametrize(
    ("digits", "made", "seed", "dtype", "expected"),
    [
        ((1, 2, 3), recipe(100, 0, 16), 5, "float32", "c4348fca942368ce"),
        ((9,), recipe(28, 0, 0, white_on_black=True), 0, "uint8", "49e0685125e648ea"),
        ((4, 4, 4, 4), recipe(150, 0, 20, "random"), 77, "uint8", "9289f47e6dd05c74"),
    ],
)
def test_single_plain_images_keep_their_pixels(digits, made, seed, dtype, expected):
    assert digest16(compose(BANK, made, digits, seed, dtype=dtype).pixels) == expected


PLAIN_BATCHES = {
    ("uniform", "uint8", False): "637dc78423bbd414",
    ("uniform", "uint8", True): "cd4b8323b0a85ae2",
    ("uniform", "float32", False): "00225e37e4926246",
    ("uniform", "float32", True): "f4c5f10f4066ae76",
    ("random", "uint8", False): "7ee85270ea2e56fb",
    ("random", "uint8", True): "13d26cea1823bf4d",
    ("random", "float32", False): "393279f76b799828",
    ("random", "float32", True): "32fc6cbb1b690100",
}


@pytest.mark.parametrize(("rule", "dtype", "white_on_black"), list(PLAIN_BATCHES))
def test_plain_batches_keep_their_pixels(rule, dtype, white_on_black):
    digits = np.random.default_rng(12).integers(0, 10, (1000, 6))
    width = 198 if rule == "uniform" else 230
    batch = compose_batch(BANK, recipe(width, 0, 20, rule, white_on_black), digits, 31, dtype=dtype)
    assert digest16(batch.pixels) == PLAIN_BATCHES[(rule, dtype, white_on_black)]
    assert digest16(batch.indices) == "b23f476e7346a634"
    assert (
        digest16(batch.boxes) == {"uniform": "d6f6985fb9b3e743", "random": "90ea936fdcd741b5"}[rule]
    )


# --- varied recipes (pinned in 0.2) ----------------------------------------------------

OVERLAPPING = Variation(
    height=44,
    jitter_y=(0, 16),
    slant=(-20, 20),
    rotation=(-10, 10),
    scale=(0.8, 1.2),
    aspect=(0.9, 1.1),
    thickness=(-0.5, 1.0),
)
EXTREME = Variation(slant=(-45, 45), rotation=(-45, 45), scale=(0.25, 1.4))
STYLED = [
    (
        OVERLAPPING,
        (300, 6),
        (6 * 28 - 5 * 6, -8, -4, "random", False, 11, "uint8"),
        "52b07c6c4f86a22b515b828c6bd10262f104cc09979b8c2984e23ba515ba1902",
        "57a358af4cccab2fbd07d6d09f335ef9e8b33f738881f9bdd274d06d372fdcf7",
    ),
    (
        EXTREME,
        (200, 4),
        (4 * 28 + 3 * 5, 0, 10, "uniform", True, 5, "float32"),
        "844ae035084771d9653a0b278cf0b1c574e788c07796147f4962a40125634467",
        "7932182f4101eedd5d6d533271a1b6226c93d8fd43ffbb500e5a2d9e6dd55a11",
    ),
]


@pytest.mark.parametrize(("variation", "shape", "layout", "pixels", "ink"), STYLED)
def test_styled_batches_keep_their_pixels_and_ink_boxes(variation, shape, layout, pixels, ink):
    digits = np.random.default_rng(3).integers(0, 10, shape)
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    made = recipe(width, lo, hi, rule, white_on_black, variation)
    batch = compose_batch(BANK, made, digits, seed, dtype=dtype)
    assert sha(batch.pixels) == pixels
    assert sha(batch.ink_boxes) == ink


NOISY = [
    (
        Variation(height=36, noise=9.5, blur=0.6),
        np.tile(np.arange(6), (50, 1)),
        (6 * 28 + 5 * 2, 2, 2, "uniform", False, 3, "uint8"),
        "2ed1c27c109f6b867dd93f8f1c7ab8d3f4181b52e67c0ff0dce62426b8dddb4e",
    ),
    (
        Variation(noise=30.0),
        np.tile(np.arange(4), (20, 1)),
        (4 * 28, 0, 0, "uniform", True, 8, "float32"),
        "c33774349953a93bb6d22fb859c1a2b4bb27788610d7fb6029f9fb3bfb138388",
    ),
]


@pytest.mark.parametrize(("variation", "digits", "layout", "expected"), NOISY)
def test_noisy_batches_keep_their_pixels(variation, digits, layout, expected):
    width, lo, hi, rule, white_on_black, seed, dtype = layout
    made = recipe(width, lo, hi, rule, white_on_black, variation)
    assert sha(compose_batch(BANK, made, digits, seed, dtype=dtype).pixels) == expected


def test_the_pool_split_keeps_its_digest():
    digest = hashlib.sha256(BANK.pools["test"].astype("<i8").tobytes()).hexdigest()
    assert digest == "3120df87c27fb46324849a9679b8a8ddc3b7fd10eaf7faa716a32d57b8172894"


def _all_tables() -> Iterator[tuple[str, str]]:
    for name, (make, _) in PLAIN.items():
        yield name, make()


if __name__ == "__main__":
    for name, value in _all_tables():
        print(f"{name}: {value}")


# --- the original's API (pinned by 0.1.0) ----------------------------------------------

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
def test_api_images_keep_their_pixels(digits, spacing, width, options, expected):
    from mnist_seq_gui.api import MNIST_Sequence_API

    api = MNIST_Sequence_API()
    assert digest16(api.generate_mnist_sequence(digits, spacing, width, **options)) == expected


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
                _update(h, key, np.asarray(value) if isinstance(value, np.ndarray) else value)
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

V010 = __import__("pathlib").Path(__file__).parent / "data" / "v0.1.0"
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
