"""`--compress`: every npz member deflated, the same arrays as the plain npz, read by
`np.load` without pickle, the same bytes on every run, and one-line refusals where it
does not apply."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from mnist_seq_gui.dataset import (
    NPZ_NAME,
    DatasetError,
    SequenceDataset,
    Shard,
    export,
    load_npz,
    npz_images,
)
from mnist_seq_gui.dataset.cli import main


@pytest.mark.parametrize("masks", [False, True])
def test_a_compressed_npz_holds_the_plain_npzs_arrays(tmp_path, varied, masks):
    ds = SequenceDataset(**{**varied, "count": 300})
    export(ds, tmp_path / "plain", "npz", masks=masks)
    export(ds, tmp_path / "packed", "npz", masks=masks, compress=True)
    plain, packed = tmp_path / "plain" / NPZ_NAME, tmp_path / "packed" / NPZ_NAME
    with zipfile.ZipFile(packed) as archive:
        infos = archive.infolist()
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    with zipfile.ZipFile(plain) as archive:
        assert [i.filename for i in archive.infolist()] == [i.filename for i in infos]
    with np.load(packed, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    expected = load_npz(plain)
    for key, value in arrays.items():
        if key != "config":
            np.testing.assert_array_equal(value, expected[key], err_msg=key)
            assert value.dtype == expected[key].dtype, key
    assert load_npz(packed)["config"] == expected["config"]
    assert packed.stat().st_size < 0.5 * plain.stat().st_size


def test_the_same_command_writes_the_same_compressed_bytes(tmp_path, varied):
    ds = SequenceDataset(**{**varied, "count": 200})
    for name in ("a", "b"):
        export(ds, tmp_path / name, "npz", compress=True)
    assert (tmp_path / "a" / NPZ_NAME).read_bytes() == (tmp_path / "b" / NPZ_NAME).read_bytes()
    # shards of a compressed export hold the whole one's rows
    parts = []
    for k in (1, 2):
        export(ds, tmp_path / f"p{k}", "npz", shard=Shard(k, 2), compress=True)
        parts.append(load_npz(tmp_path / f"p{k}" / NPZ_NAME)["images"])
    np.testing.assert_array_equal(
        np.concatenate(parts), load_npz(tmp_path / "a" / NPZ_NAME)["images"]
    )


def test_a_compressed_npz_is_not_memory_mapped(tmp_path, varied):
    export(SequenceDataset(**varied), tmp_path / "packed", "npz", compress=True)
    with pytest.raises(DatasetError, match="images are compressed; use load_npz"):
        npz_images(tmp_path / "packed" / NPZ_NAME)


def test_compress_is_true_or_false_and_only_for_npz(tmp_path, varied):
    ds = SequenceDataset(**varied)
    with pytest.raises(DatasetError, match="compress 'yes' is not True or False"):
        export(ds, tmp_path / "a", "npz", compress="yes")  # type: ignore[arg-type]
    with pytest.raises(DatasetError, match="deflates an npz; png holds PNGs"):
        export(ds, tmp_path / "b", "png", compress=True)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_command_line_compresses_and_refuses_it_for_pngs(tmp_path, capsys):
    base = ["--count", "40", "--length", "4", "--seed", "5", "--quiet"]
    assert main([*base, "--compress", "--out", str(tmp_path / "a")]) == 0
    with zipfile.ZipFile(tmp_path / "a" / NPZ_NAME) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    capsys.readouterr()
    assert main([*base, "--compress", "--format", "yolo", "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--png-level" in err
    assert not (tmp_path / "b").exists()


def test_members_past_the_zip64_limit_stay_readable(tmp_path, varied, monkeypatch):
    # zipfile's limit lowered, so that a small export takes the path of a 4 GB member
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1 << 16)
    ds = SequenceDataset(**{**varied, "count": 400})
    export(ds, tmp_path / "a", "npz", compress=True)
    export(ds, tmp_path / "b", "npz", compress=True)
    path = tmp_path / "a" / NPZ_NAME
    assert path.read_bytes() == (tmp_path / "b" / NPZ_NAME).read_bytes()
    with zipfile.ZipFile(path) as archive:
        images = archive.getinfo("images.npy")
        assert images.file_size > 1 << 16 and images.extra[:2] == b"\x01\x00"  # zip64 record
    monkeypatch.undo()
    with np.load(path, allow_pickle=False) as data:
        np.testing.assert_array_equal(data["images"], ds[0:400]["image"])
