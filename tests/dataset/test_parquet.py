"""`--format parquet`: rows equal the npz export's arrays, files of at most N rows, the
Hugging Face image layout that `datasets` decodes, the recipe in each file's metadata,
shards, the Dask recipe, stops, and a one-line error without pyarrow."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    NO_BOX,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    Shard,
    export,
    load_npz,
    shard_folder,
)
from mnist_seq_gui.dataset.cli import main
from mnist_seq_gui.dataset.parquet import METADATA_KEY, default_rows

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# npz member -> parquet column, for the per-digit fields (padded in the npz)
PADDED = {"digits": "digits", "boxes": "boxes", "mnist_indices": "mnist_indices",
          "ink_boxes": "ink_boxes"}  # fmt: skip


def _rows(folder):
    """Every parquet file of an export folder, in name order, as one pyarrow table."""
    files = sorted(folder.glob("*.parquet"))
    return pa.concat_tables(pq.read_table(path) for path in files), files


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == "L"
        return np.asarray(image)


def _assert_rows_equal_npz(table, arrays, max_length):
    rows = table.to_pydict()
    assert [r["path"] for r in rows["image"]] == [f"{i:06d}.png" for i in arrays["items"]]
    images = np.stack([_pixels(r["bytes"]) for r in rows["image"]])
    np.testing.assert_array_equal(images, arrays["images"])
    assert rows["label"] == arrays["labels"].tolist()
    assert rows["length"] == arrays["lengths"].tolist()
    assert rows["item"] == arrays["items"].tolist()
    for member, column in PADDED.items():
        for r, value in enumerate(rows[column]):
            n = arrays["lengths"][r]
            expected = arrays[member][r, :n]
            np.testing.assert_array_equal(np.asarray(value).reshape(expected.shape), expected)
            padding = arrays[member][r, n:max_length]
            assert (padding == (10 if member == "digits" else NO_BOX)).all()


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_equal_the_npz_exports_arrays(tmp_path, varied, workers):
    ds = SequenceDataset(**{**varied, "count": 150})
    export(ds, tmp_path / "npz", "npz")
    result = export(ds, tmp_path / "pq", "parquet", workers=workers, rows_per_file=70)
    table, files = _rows(tmp_path / "pq")
    # at most 70 rows a file, each named by its first item
    assert [f.name for f in files] == ["000000.parquet", "000070.parquet", "000140.parquet"]
    assert [pq.read_metadata(f).num_rows for f in files] == [70, 70, 10]
    assert result.files == () and result.items == 150
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == [
        ".mnist-seq-manifest.json", *(f.name for f in files)]  # fmt: skip
    _assert_rows_equal_npz(table, load_npz(tmp_path / "npz" / "dataset.npz"), ds.max_length)


def test_each_file_holds_the_recipe_and_the_hugging_face_features(tmp_path, varied):
    ds = SequenceDataset(**varied)
    export(ds, tmp_path / "pq", "parquet")
    (path,) = (tmp_path / "pq").glob("*.parquet")
    metadata = pq.read_schema(path).metadata
    recipe = json.loads(metadata[METADATA_KEY])
    export(ds, tmp_path / "png", "png")  # config.json as the other formats write it
    config = json.loads((tmp_path / "png" / CONFIG_NAME).read_text())
    assert recipe == {**config, "export_format": "parquet"}
    assert recipe["config"] == ds.config.to_dict()
    features = json.loads(metadata[b"huggingface"])["info"]["features"]
    assert features["image"] == {"_type": "Image"} and "masks" not in features
    schema = pq.read_schema(path)
    assert schema.field("image").type == pa.struct([("bytes", pa.binary()), ("path", pa.string())])
    assert schema.names == ["image", "label", "length", "digits", "boxes", "mnist_indices",
                            "item", "ink_boxes"]  # fmt: skip


def test_masks_are_the_png_folders_label_images(tmp_path, varied):
    ds = SequenceDataset(**{**varied, "count": 30})
    export(ds, tmp_path / "png", "png", masks=True, workers=1)
    export(ds, tmp_path / "pq", "parquet", masks=True, workers=1)
    table, _ = _rows(tmp_path / "pq")
    masks = table.column("masks").to_pylist()
    assert [m["path"] for m in masks] == [f"masks/{i:06d}.png" for i in range(30)]
    for i, mask in enumerate(masks):
        with Image.open(tmp_path / "png" / "masks" / f"{i:06d}.png") as image:
            np.testing.assert_array_equal(_pixels(mask["bytes"]), np.asarray(image))
    features = json.loads(pq.read_schema(sorted((tmp_path / "pq").glob("*.parquet"))[0])
                          .metadata[b"huggingface"])["info"]["features"]  # fmt: skip
    assert features["masks"] == {"_type": "Image"}


def test_hugging_face_datasets_decodes_the_images(tmp_path, varied):
    datasets = pytest.importorskip("datasets")
    ds = SequenceDataset(**{**varied, "count": 40})
    export(ds, tmp_path / "pq", "parquet", masks=True, rows_per_file=15)
    loaded = datasets.load_dataset(
        "parquet", data_files=str(tmp_path / "pq" / "*.parquet"), split="train",
        cache_dir=str(tmp_path / "cache"),
    )  # fmt: skip
    assert loaded.num_rows == 40
    assert sorted(loaded.features) == sorted([*ds[0], "masks"])
    batch = ds[0:40]
    for i in (0, 17, 39):
        row = loaded[i]
        assert isinstance(row["image"], Image.Image)
        np.testing.assert_array_equal(np.asarray(row["image"]), batch["image"][i])
        n = int(batch["length"][i])
        assert row["label"] == batch["label"][i] and row["item"] == i
        assert row["ink_boxes"] == batch["ink_boxes"][i, :n].tolist()
        assert isinstance(row["masks"], Image.Image)


def test_pandas_reads_the_files(tmp_path, varied):
    pandas = pytest.importorskip("pandas")
    export(SequenceDataset(**varied), tmp_path / "pq", "parquet")
    frame = pandas.read_parquet(tmp_path / "pq")  # the whole folder: nothing but Parquet
    assert len(frame) == 60 and frame["item"].tolist() == list(range(60))


def test_shards_put_together_are_the_whole_export(tmp_path, varied):
    ds = SequenceDataset(**{**varied, "count": 100})
    export(ds, tmp_path / "whole", "parquet", workers=2)
    whole, _ = _rows(tmp_path / "whole")
    parts = []
    for k in (1, 2, 3):
        out = tmp_path / f"part{k}"
        export(ds, out, "parquet", shard=Shard(k, 3), workers=1)
        parts.append(_rows(out)[0])
    assert pa.concat_tables(parts).equals(whole)
    # the same command writes the same bytes, on any number of workers
    export(ds, tmp_path / "again", "parquet", workers=1)
    for path in (tmp_path / "whole").glob("*.parquet"):
        assert path.read_bytes() == (tmp_path / "again" / path.name).read_bytes()


def test_the_command_line_writes_parquet_and_refuses_bad_rows(tmp_path, capsys):
    base = ["--count", "25", "--length", "3", "--seed", "5", "--quiet", "--format", "parquet"]
    assert main([*base, "--rows-per-file", "10", "--out", str(tmp_path / "a")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").glob("*.parquet"))
    assert names == ["000000.parquet", "000010.parquet", "000020.parquet"]
    capsys.readouterr()
    assert main([*base, "--rows-per-file", "0", "--out", str(tmp_path / "b")]) == 2
    assert "rows-per-file" in capsys.readouterr().err
    npz = ["--count", "5", "--seed", "5", "--quiet", "--rows-per-file", "10"]
    assert main([*npz, "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "parquet" in err
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_rows_per_file_is_a_whole_number(tmp_path, varied):
    with pytest.raises(DatasetError, match="rows_per_file"):
        export(SequenceDataset(**varied), tmp_path / "x", "parquet", rows_per_file=2.5)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("recipe", [{}, {"width": 400, "variation": {"height": 300}},
                                    {"variation": {"noise": 20}}])  # fmt: skip
def test_a_default_file_holds_a_few_hundred_megabytes(tmp_path, recipe):
    ds = SequenceDataset(count=1000, min_length=1, max_length=8, placement="free",
                         rule="random", spacing=(0, 20), seed=2, **recipe)  # fmt: skip
    export(ds, tmp_path / "pq", "parquet")
    (path,) = (tmp_path / "pq").glob("*.parquet")  # 1,000 items: within the smallest default
    rows = default_rows(ds, False, 1)
    assert 100 << 20 <= rows * path.stat().st_size / 1000 <= 500 << 20
    # chosen from the data set's first items, so every shard's files are as long
    part = tmp_path / "part"
    export(ds, part, "parquet", shard=Shard(2, 2))
    assert (part / "000500.parquet").exists() and rows % 1000 == 0


@pytest.mark.parametrize("stop", ["cancel", "KeyboardInterrupt"])
def test_a_stopped_export_leaves_nothing(tmp_path, varied, stop, stop_leftovers):
    ds = SequenceDataset(**{**varied, "count": 1500})
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if stop == "KeyboardInterrupt":
            raise KeyboardInterrupt

    out = tmp_path / "new"
    with pytest.raises(ExportCancelled if stop == "cancel" else KeyboardInterrupt) as info:
        export(ds, out, "parquet", workers=2, rows_per_file=300, progress=progress,
               cancel=lambda: len(calls) > 1)  # fmt: skip
    assert calls and calls[-1] < 1500 and "nothing was written" in str(info.value)
    stop_leftovers(out, str(info.value))
    assert not out.exists()


def test_overwrite_replaces_an_earlier_parquet_export(tmp_path, varied):
    ds = SequenceDataset(**{**varied, "count": 50})
    export(ds, tmp_path / "pq", "parquet", rows_per_file=20)
    (tmp_path / "pq" / "mine.txt").write_text("kept")
    export(ds, tmp_path / "pq", "parquet", rows_per_file=30, overwrite=True)
    names = sorted(p.name for p in (tmp_path / "pq").iterdir() if not p.name.startswith("."))
    assert names == ["000000.parquet", "000030.parquet", "mine.txt"]


def test_without_pyarrow_the_command_says_how_to_install_it(tmp_path, subprocess_env, repo_root):
    code = ("import sys; sys.modules['pyarrow'] = None\n"  # as if it were not installed
            "from mnist_seq_gui.dataset.cli import main\n"
            "sys.exit(main(sys.argv[1:]))")  # fmt: skip
    out = tmp_path / "pq"
    args = ["--count", "5", "--seed", "1", "--format", "parquet", "--out", str(out)]
    done = subprocess.run([sys.executable, "-c", code, *args], env=subprocess_env,
                          cwd=repo_root, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "pip install 'mnist-seq[parquet]'" in done.stderr
    assert not out.exists()


@pytest.mark.slow
def test_dask_processes_write_the_parquet_shards_the_command_writes(
    tmp_path, monkeypatch, repo_root, run_module, folder_bytes
):
    pytest.importorskip("dask.bag")
    from .test_dask_shards import COMMAND, N, _readme_recipe

    monkeypatch.chdir(tmp_path)
    exec(_readme_recipe(repo_root, "parquet"), {"__name__": "__main__"})
    for k in range(1, N + 1):
        here = tmp_path / shard_folder("cli", k, N)
        args = [*COMMAND.split(), "--format", "parquet", "--shard", f"{k}/{N}", "--out", str(here)]
        result = run_module("mnist_seq_gui.cli", *args)
        assert result.returncode == 0, result.stderr
        assert folder_bytes(here) == folder_bytes(tmp_path / shard_folder("out", k, N))
