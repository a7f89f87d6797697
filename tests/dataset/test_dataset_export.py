"""Exports: npz and imagefolder load back, shards add up byte for byte, failures leave nothing."""

from __future__ import annotations

import json
import multiprocessing
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mnist_seq_gui.dataset.png as png_module
from mnist_seq_gui.dataset import (
    BLANK,
    CONFIG_NAME,
    MANIFEST_NAME,
    METADATA_NAME,
    NPZ_NAME,
    DatasetConfig,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    Shard,
    export_npz,
    export_png,
    load_npz,
    npz_images,
    png_name,
)

_FIELDS = {
    "images": "image",
    "labels": "label",
    "lengths": "length",
    "digits": "digits",
    "boxes": "boxes",
    "mnist_indices": "mnist_indices",
    "items": "item",
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _member_payloads(path: Path) -> dict[str, bytes]:
    """Each array's raw data bytes (the npy payload after its header)."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            header_len = int.from_bytes(raw[8:10], "little")
            out[name] = raw[10 + header_len :]
    return out


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_npz_loads_back_equal_to_the_dataset(tmp_path, bank, dtype, mixed_lengths, expected_digit):
    ds = SequenceDataset(count=700, seed=21, dtype=dtype, **mixed_lengths)
    result = export_npz(ds, tmp_path / "out")
    assert result.files == (tmp_path / "out" / NPZ_NAME,)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST_NAME, NPZ_NAME]
    data = load_npz(tmp_path / "out" / NPZ_NAME)
    expected = ds[:]
    for name, key in _FIELDS.items():
        np.testing.assert_array_equal(data[name], expected[key], err_msg=name)
    assert data["images"].dtype == np.dtype(dtype)
    assert data["labels"].dtype == np.dtype("<U8")
    assert data["config"]["blank"] == BLANK
    # The stored config regenerates the same data bit for bit.
    again = SequenceDataset(DatasetConfig.from_dict(data["config"]["config"]))
    np.testing.assert_array_equal(again[:]["image"], data["images"])
    # Memory-mapped access to the images without reading the whole file.
    mapped = npz_images(tmp_path / "out" / NPZ_NAME)
    assert isinstance(mapped, np.memmap)
    np.testing.assert_array_equal(mapped, data["images"])
    # Boxes in the file crop the MNIST digits they name.
    for r in range(0, 700, 37):
        for j in range(int(data["lengths"][r])):
            x0, y0, x1, y1 = data["boxes"][r, j]
            np.testing.assert_array_equal(
                data["images"][r, y0:y1, x0:x1],
                expected_digit(bank, int(data["mnist_indices"][r, j]), dtype, False),
            )


def test_npz_rerun_is_byte_identical(tmp_path, mixed_lengths):
    ds = SequenceDataset(count=300, seed=2, dtype="uint8", **mixed_lengths)
    export_npz(ds, tmp_path / "a")
    export_npz(SequenceDataset(ds.config), tmp_path / "b")
    assert (tmp_path / "a" / NPZ_NAME).read_bytes() == (tmp_path / "b" / NPZ_NAME).read_bytes()


def test_npz_shards_partition_and_concatenate_to_the_unsharded_export(tmp_path, mixed_lengths):
    ds = SequenceDataset(count=1001, seed=6, dtype="uint8", **mixed_lengths)
    export_npz(ds, tmp_path / "all")
    whole = _member_payloads(tmp_path / "all" / NPZ_NAME)
    parts = []
    for k in (1, 2, 3):
        result = export_npz(ds, tmp_path / f"part{k}", shard=Shard(k, 3))
        parts.append(_member_payloads(tmp_path / f"part{k}" / NPZ_NAME))
        assert result.items == result.stop - result.start
    items = [np.frombuffer(p["items.npy"], dtype=np.int64) for p in parts]
    assert [len(i) for i in items] == [333, 334, 334]
    np.testing.assert_array_equal(np.concatenate(items), np.arange(1001))
    for name in whole:
        if name == "config.npy":
            continue
        assert b"".join(p[name] for p in parts) == whole[name], name


def test_imagefolder_loads_back_with_our_own_reader(tmp_path, bank, mixed_lengths, expected_digit):
    ds = SequenceDataset(count=300, seed=9, **mixed_lengths)  # float32: PNGs hold round(255 x)
    export_png(ds, tmp_path / "out", workers=1)
    out = tmp_path / "out"
    lines = (out / METADATA_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    config = json.loads((out / CONFIG_NAME).read_text(encoding="utf-8"))
    assert DatasetConfig.from_dict(config["config"]) == ds.config
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == [png_name(i, 300) for i in range(300)]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*pngs, METADATA_NAME, CONFIG_NAME, MANIFEST_NAME]
    )
    expected = ds[:]
    for i, line in enumerate(lines):
        record = json.loads(line)
        assert record["file_name"] == f"{i:06d}.png"
        with Image.open(out / record["file_name"]) as image:
            assert image.mode == "L"
            pixels = np.asarray(image)
        np.testing.assert_array_equal(pixels, np.rint(expected["image"][i] * 255).astype(np.uint8))
        n = record["length"]
        assert record["label"] == str(expected["label"][i]) and len(record["label"]) == n
        assert record["digits"] == expected["digits"][i, :n].tolist()
        for (x0, y0, x1, y1), index in zip(record["boxes"], record["mnist_indices"], strict=True):
            np.testing.assert_array_equal(
                pixels[y0:y1, x0:x1], expected_digit(bank, index, "uint8", False)
            )


def test_png_pool_equals_single_process_and_shards_add_up(tmp_path, mixed_lengths):
    ds = SequenceDataset(count=600, seed=4, dtype="uint8", **mixed_lengths)
    export_png(ds, tmp_path / "single", workers=1)
    export_png(ds, tmp_path / "pool", workers=2)
    single = _files(tmp_path / "single")
    assert _files(tmp_path / "pool") == single
    union: dict[str, bytes] = {}
    metadata = b""
    for k in (1, 2):
        export_png(ds, tmp_path / f"shard{k}", shard=Shard(k, 2), workers=2)
        files = _files(tmp_path / f"shard{k}")
        metadata += files.pop(METADATA_NAME)
        files.pop(CONFIG_NAME)
        files.pop(MANIFEST_NAME)
        assert not set(files) & set(union)  # disjoint
        union.update(files)
    assert metadata == single.pop(METADATA_NAME)
    single.pop(CONFIG_NAME)
    single.pop(MANIFEST_NAME)
    assert union == single


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["npz", "png"])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, "cancel"])
def test_an_interrupted_export_leaves_no_files_and_a_rerun_is_identical(
    tmp_path, fmt, stop, mixed_lengths
):
    count = 6000 if fmt == "npz" else 1500  # several chunks either way
    ds = SequenceDataset(count=count, seed=1, dtype="uint8", **mixed_lengths)
    exporter = export_npz if fmt == "npz" else export_png
    options = {} if fmt == "npz" else {"workers": 2}
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if stop is KeyboardInterrupt and len(calls) == 1:
            raise KeyboardInterrupt

    def cancel() -> bool:
        return stop == "cancel" and len(calls) >= 1

    target = tmp_path / "new"  # created by the export, so removed with it
    existing = tmp_path / "existing"
    existing.mkdir()
    for out in (target, existing):
        calls.clear()
        with pytest.raises(KeyboardInterrupt if stop is KeyboardInterrupt else ExportCancelled):
            exporter(ds, out, progress=progress, cancel=cancel, **options)
        assert calls and calls[-1] < count
    assert not target.exists()
    assert list(existing.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "mnist-seq-render"]
    exporter(ds, existing, **options)
    exporter(ds, tmp_path / "clean", **options)
    assert _files(existing) == _files(tmp_path / "clean")


def test_output_folder_rules(tmp_path):
    ds = SequenceDataset(count=20, seed=0, dtype="uint8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "2024.png").write_bytes(b"a user's picture, not an export's")
    with pytest.raises(DatasetError, match=r"not empty.*--overwrite"):
        export_npz(ds, out)
    export_png(ds, out, overwrite=True, workers=1)
    assert (out / "notes.txt").read_text() == "mine"
    (out / "2024.png").unlink()  # survived; out of the way for the listings below
    # Overwriting a PNG export with an npz removes the old export's files, not the user's.
    export_npz(ds, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, NPZ_NAME, "notes.txt"]
    # Only what an export's manifest lists is ever removed: a file named like an old
    # version's temporary file is the user's as far as anyone can tell, so it stays.
    (out / ".dataset.npz.xyz.part").write_bytes(b"half")
    export_npz(ds, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [
        ".dataset.npz.xyz.part",
        MANIFEST_NAME,
        NPZ_NAME,
        "notes.txt",
    ]
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file"):
        export_npz(ds, tmp_path / "file")


@pytest.mark.parametrize(
    ("text", "message"),
    [("3/2", "does not exist"), ("0/4", "numbered 1..4"), ("1/0", "not valid"), ("x", "k/n")],
)
def test_bad_shards(text, message):
    with pytest.raises(DatasetError, match=message):
        Shard.parse(text)


def test_more_shards_than_items_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="at most 3 shards"):
        export_npz(SequenceDataset(count=3), tmp_path / "x", shard=Shard(1, 4))


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_png_workers_write_the_same_files_however_they_start(
    tmp_path, monkeypatch, method, mixed_lengths
):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    ds = SequenceDataset(count=300, seed=12, dtype="uint8", **mixed_lengths)
    export_png(ds, tmp_path / "single", workers=1)
    monkeypatch.setattr(png_module, "_start_method", lambda: method)
    export_png(ds, tmp_path / method, workers=2)
    assert _files(tmp_path / method) == _files(tmp_path / "single")
