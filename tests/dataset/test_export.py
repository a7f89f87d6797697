"""export(): npz and PNG folders load back as the data set, shards add up byte for byte,
a stopped export leaves nothing, and the output folder is only ever changed as a whole."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import OutputError
from mnist_seq_gui.dataset import (
    BLANK,
    CONFIG_NAME,
    FORMATS,
    MANIFEST_NAME,
    METADATA_NAME,
    NO_BOX,
    NPZ_NAME,
    DatasetConfig,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    Shard,
    export,
    load_npz,
    npz_images,
    png_name,
)

# npz member -> item field
NPZ_FIELDS = {
    "images": "image",
    "labels": "label",
    "lengths": "length",
    "digits": "digits",
    "boxes": "boxes",
    "mnist_indices": "mnist_indices",
    "items": "item",
    "ink_boxes": "ink_boxes",
}


def _member_payloads(path: Path) -> dict[str, bytes]:
    """Each array's raw data bytes (the npy payload after its header)."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            header_len = int.from_bytes(raw[8:10], "little")
            out[name] = raw[10 + header_len :]
    return out


def test_formats_are_the_five_documented():
    assert FORMATS == ("npz", "png", "coco", "yolo", "parquet")


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_an_npz_loads_back_as_the_data_set(tmp_path, bank, dtype, mixed_lengths, expected_digit):
    ds = SequenceDataset(count=700, seed=21, dtype=dtype, **mixed_lengths)
    result = export(ds, tmp_path / "out")
    out = tmp_path / "out"
    assert result.files == (out / NPZ_NAME,)
    assert (result.items, result.start, result.stop) == (700, 0, 700)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, NPZ_NAME]
    data = load_npz(out / NPZ_NAME)
    assert set(data) == {*NPZ_FIELDS, "config"}
    expected = ds[:]
    for name, key in NPZ_FIELDS.items():
        np.testing.assert_array_equal(data[name], expected[key], err_msg=name)
    assert data["images"].dtype == np.dtype(dtype) and data["labels"].dtype == np.dtype("<U8")
    assert (data["config"]["blank"], data["config"]["padding"]) == (BLANK, NO_BOX)
    # The stored config regenerates the same data bit for bit.
    again = SequenceDataset(DatasetConfig.from_dict(data["config"]["config"]))
    np.testing.assert_array_equal(again[:]["image"], data["images"])
    # The images memory-mapped, without reading the whole file.
    mapped = npz_images(out / NPZ_NAME)
    assert isinstance(mapped, np.memmap)
    np.testing.assert_array_equal(mapped, data["images"])
    for r in range(0, 700, 37):
        for j in range(int(data["lengths"][r])):
            x0, y0, x1, y1 = data["boxes"][r, j]
            np.testing.assert_array_equal(
                data["images"][r, y0:y1, x0:x1],
                expected_digit(bank, int(data["mnist_indices"][r, j]), dtype, False),
            )
    with np.load(out / NPZ_NAME, allow_pickle=False) as plain:  # numpy alone reads it
        assert plain["images"].shape == (700, 28, 224)


def test_float32_images_are_the_uint8_images_over_255(tmp_path, varied):
    for dtype in ("uint8", "float32"):
        export(SequenceDataset(**varied, dtype=dtype), tmp_path / dtype)
    whole = load_npz(tmp_path / "uint8" / NPZ_NAME)["images"]
    scaled = load_npz(tmp_path / "float32" / NPZ_NAME)["images"]
    assert scaled.dtype == np.float32
    np.testing.assert_array_equal(scaled, whole.astype(np.float32) / np.float32(255))


def test_an_npz_export_repeats_byte_for_byte(tmp_path, mixed_lengths, folder_bytes):
    ds = SequenceDataset(count=300, seed=2, **mixed_lengths)
    export(ds, tmp_path / "a")
    export(SequenceDataset(DatasetConfig.from_json(ds.config.to_json())), tmp_path / "b")
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")


def test_npz_shards_concatenate_to_the_unsharded_export(tmp_path, mixed_lengths):
    ds = SequenceDataset(count=1001, seed=6, **mixed_lengths)
    export(ds, tmp_path / "all")
    whole = _member_payloads(tmp_path / "all" / NPZ_NAME)
    parts = []
    for k in (1, 2, 3):
        result = export(ds, tmp_path / f"part{k}", shard=Shard(k, 3))
        parts.append(_member_payloads(tmp_path / f"part{k}" / NPZ_NAME))
        assert result.items == result.stop - result.start
        shard = load_npz(tmp_path / f"part{k}" / NPZ_NAME)["config"]["shard"]
        assert (shard["index"], shard["count"]) == (k, 3)
    items = [np.frombuffer(p["items.npy"], dtype=np.int64) for p in parts]
    assert [len(i) for i in items] == [333, 334, 334]
    np.testing.assert_array_equal(np.concatenate(items), np.arange(1001))
    for name in whole:
        if name != "config.npy":
            assert b"".join(p[name] for p in parts) == whole[name], name


def test_a_png_folder_loads_back_as_the_data_set(tmp_path, bank, mixed_lengths, expected_digit):
    ds = SequenceDataset(count=300, seed=9, dtype="float32", **mixed_lengths)
    result = export(ds, tmp_path / "out", "png", workers=1)
    out = tmp_path / "out"
    assert result.image_files == 300
    lines = (out / METADATA_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    record = json.loads((out / CONFIG_NAME).read_text(encoding="utf-8"))
    assert DatasetConfig.from_dict(record["config"]) == ds.config
    pngs = [png_name(i, 300) for i in range(300)]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*pngs, METADATA_NAME, CONFIG_NAME, MANIFEST_NAME]
    )
    expected = ds[:]
    for i, line in enumerate(lines):
        record = json.loads(line)
        assert record["file_name"] == f"{i:06d}.png" and record["item"] == i
        with Image.open(out / record["file_name"]) as image:
            assert image.mode == "L"
            pixels = np.asarray(image)
        # float32 items are written as round(255 x)
        np.testing.assert_array_equal(pixels, np.rint(expected["image"][i] * 255).astype(np.uint8))
        n = record["length"]
        assert record["label"] == str(expected["label"][i]) and len(record["label"]) == n
        assert record["digits"] == expected["digits"][i, :n].tolist()
        assert record["ink_boxes"] == expected["ink_boxes"][i, :n].tolist()
        for (x0, y0, x1, y1), index in zip(record["boxes"], record["mnist_indices"], strict=True):
            np.testing.assert_array_equal(
                pixels[y0:y1, x0:x1], expected_digit(bank, index, "uint8", False)
            )


def test_png_names_are_padded_to_the_whole_data_sets_count():
    assert png_name(7, 10) == "000007.png"
    assert png_name(7, 1_000_001) == "0000007.png"


def _png_export_in(thread: bool, ds: SequenceDataset, out: Path) -> None:
    """Export from this thread, or from another as the explorer does (workers start
    differently there)."""
    if not thread:
        export(ds, out, "png", workers=2)
        return
    failures: list[BaseException] = []

    def run() -> None:
        try:
            export(ds, out, "png", workers=2)
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive() and not failures, failures


@pytest.mark.parametrize("thread", [False, True], ids=["main-thread", "other-thread"])
def test_png_workers_write_what_one_process_writes_and_shards_add_up(
    tmp_path, mixed_lengths, folder_bytes, thread
):
    ds = SequenceDataset(count=600, seed=4, **mixed_lengths)
    export(ds, tmp_path / "single", "png", workers=1)
    _png_export_in(thread, ds, tmp_path / "pool")
    single = folder_bytes(tmp_path / "single")
    assert folder_bytes(tmp_path / "pool") == single
    union: dict[str, bytes] = {}
    metadata = b""
    for k in (1, 2):
        export(ds, tmp_path / f"shard{k}", "png", shard=Shard(k, 2), workers=2)
        files = folder_bytes(tmp_path / f"shard{k}")
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
@pytest.mark.parametrize("stop", ["KeyboardInterrupt", "cancel"])
def test_a_stopped_export_leaves_no_files_and_a_rerun_is_identical(
    tmp_path, fmt, stop, mixed_lengths, folder_bytes, stop_leftovers
):
    count = 6000 if fmt == "npz" else 1500  # several chunks either way
    ds = SequenceDataset(count=count, seed=1, **mixed_lengths)
    options = {"workers": 2} if fmt == "png" else {}
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if stop == "KeyboardInterrupt" and len(calls) == 1:
            raise KeyboardInterrupt

    def cancel() -> bool:
        return stop == "cancel" and len(calls) >= 1

    target = tmp_path / "new"  # made by the export, so removed with it
    existing = tmp_path / "existing"
    existing.mkdir()
    for out in (target, existing):
        calls.clear()
        kind = KeyboardInterrupt if stop == "KeyboardInterrupt" else ExportCancelled
        with pytest.raises(kind) as info:
            export(ds, out, fmt, progress=progress, cancel=cancel, **options)
        assert calls and calls[-1] < count
        said = "nothing was written" if out is target else f"{existing} was not changed"
        assert said in str(info.value)
        stop_leftovers(out, str(info.value))
    assert not target.exists()
    assert list(existing.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("mnist-seq")]
    for out in (existing, target, tmp_path / "clean"):
        export(ds, out, fmt, **options)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "existing", "new"]
    assert folder_bytes(existing) == folder_bytes(tmp_path / "clean") == folder_bytes(target)


def test_an_export_reports_progress_up_to_its_total(tmp_path, mixed_lengths):
    ds = SequenceDataset(count=1000, seed=1, **mixed_lengths)
    for fmt in ("npz", "png"):
        calls: list[tuple[int, int]] = []
        export(ds, tmp_path / fmt, fmt, workers=1, progress=lambda d, t, c=calls: c.append((d, t)))
        assert calls[-1] == (1000, 1000) and {t for _, t in calls} == {1000}
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_folder_that_is_not_empty_needs_overwrite_and_keeps_the_users_files(tmp_path):
    ds = SequenceDataset(count=20, seed=0)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "2024.png").write_bytes(b"a user's picture, not an export's")
    with pytest.raises(DatasetError, match=r"not empty.*--overwrite"):
        export(ds, out)
    assert sorted(p.name for p in out.iterdir()) == ["2024.png", "notes.txt"]
    export(ds, out, "png", overwrite=True, workers=1)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "2024.png").read_bytes() == b"a user's picture, not an export's"
    (out / "2024.png").unlink()
    # Overwriting a PNG export with an npz removes the old export's files, not the user's.
    export(ds, out, "npz", overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, NPZ_NAME, "notes.txt"]
    # Only what an export's manifest lists is ever removed: a file named like a temporary
    # file is the user's as far as anyone can tell, so it stays.
    (out / ".dataset.npz.xyz.part").write_bytes(b"half")
    export(ds, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [
        ".dataset.npz.xyz.part", MANIFEST_NAME, NPZ_NAME, "notes.txt"
    ]  # fmt: skip


def test_a_users_file_named_like_the_new_exports_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / NPZ_NAME).write_bytes(b"the user's own file")
    with pytest.raises(DatasetError, match=NPZ_NAME):
        export(SequenceDataset(count=5), out, overwrite=True)
    assert (out / NPZ_NAME).read_bytes() == b"the user's own file"


@pytest.mark.parametrize("fmt", ["tiff", "NPZ", ""])
def test_an_unknown_format_is_refused_naming_the_formats(tmp_path, fmt):
    with pytest.raises(DatasetError, match="use npz or png or coco or yolo"):
        export(SequenceDataset(count=5), tmp_path / "out", fmt)
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file, not a folder"):
        export(SequenceDataset(count=5), tmp_path / "file")
    assert (tmp_path / "file").read_text() == "x"


def test_an_output_below_a_file_is_refused_naming_the_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises((DatasetError, OutputError), match="file is a file"):
        export(SequenceDataset(count=5), tmp_path / "file" / "sub")


def test_an_unwritable_folder_is_an_output_error_and_is_left_as_it_was(tmp_path, read_only_folder):
    locked = tmp_path / "locked"
    with read_only_folder(locked):
        with pytest.raises(OutputError, match="cannot") as info:
            export(SequenceDataset(count=5), locked / "out")
        assert "\n" not in str(info.value)
        assert list(locked.iterdir()) == []
