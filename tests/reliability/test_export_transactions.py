"""Exports as transactions: the target holds the previous complete export or the new
complete one, never a mix; `overwrite` removes only what the previous export's own
manifest lists; a stop leaves nothing (or says exactly what it left)."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mnist_seq_gui.core import OutputError
from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    FORMATS,
    MANIFEST_NAME,
    METADATA_NAME,
    NPZ_NAME,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    export,
)
from mnist_seq_gui.dataset.cli import main as dataset_main

from ._helpers import REPO_ROOT, subprocess_env, tree, umask

USER_FILES = {
    # Names an export writes, or wrote in earlier versions: the user's all the same.
    "20240315.png": b"a photo",
    "123456.png": b"not an export's",
    CONFIG_NAME: b'{"mine": true}',
    METADATA_NAME: b"my notes\n",
    NPZ_NAME: b"my own arrays",
    "annotations.json": b"[]",
    "data.yaml": b"mine: true\n",
    ".dataset.npz.abc123.part": b"named like an old temporary file",
}


def staging_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if ".mnist-seq-staging-" in p.name)


def left_as_said(out: Path, said: str) -> None:
    """After a stop: clean-up is bounded in time, so on a loaded machine it may leave the
    staging folder; then the stop said where, and the next export removes it."""
    left = staging_left(out)
    assert all(f"left in {out.parent / name}" in said for name in left), said
    if left:
        result = export(ds(count=1), out, "npz", overwrite=True)
        assert all(any(name in note for note in result.notes) for name in left), result.notes
        assert staging_left(out) == []


def ds(count: int = 40, seed: int = 1) -> SequenceDataset:
    return SequenceDataset(count=count, seed=seed, min_length=2, max_length=4, rule="random",
                           spacing=(0, 60))  # fmt: skip


def top_names(files: dict[str, bytes]) -> set[str]:
    return {name.split("/")[0] for name in files}


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """What a fresh export of each format and seed holds, made in folders of their own."""
    base = tmp_path_factory.mktemp("references")
    return {
        f"{fmt}-{seed}": tree(export(ds(seed=seed), base / f"{fmt}-{seed}", fmt, workers=2).out_dir)
        for fmt in FORMATS
        for seed in (1, 2)
    }


@pytest.mark.parametrize("old", FORMATS)
@pytest.mark.parametrize("new", FORMATS)
def test_overwrite_replaces_only_the_previous_exports_files(tmp_path, references, old, new):
    out = tmp_path / "out"
    export(ds(seed=1), out, old, workers=1)
    # The user's files, but for names the old or the new export writes itself.
    taken = top_names(references[f"{old}-1"]) | top_names(references[f"{new}-2"])
    user = {k: v for k, v in USER_FILES.items() if k not in taken}
    for name, data in user.items():
        (out / name).write_bytes(data)
    result = export(ds(seed=2), out, new, overwrite=True, workers=2)
    assert tree(out) == {**references[f"{new}-2"], **user}
    assert result.notes == () and staging_left(out) == []


def test_a_user_file_the_new_export_would_write_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "000003.png").write_bytes(b"mine")  # no manifest: nobody's export
    calls = []
    with pytest.raises(DatasetError, match=r"holds 000003\.png, which no earlier export"):
        export(ds(), out, "png", overwrite=True, workers=1, progress=lambda d, t: calls.append(d))
    assert calls == [] and tree(out) == {"000003.png": b"mine"} and staging_left(out) == []


def test_a_folder_no_export_listed_is_refused(tmp_path):
    out = tmp_path / "out"
    export(ds(), out, "npz")
    (out / "train").mkdir()
    (out / "train" / "x.txt").write_text("mine")
    before = tree(out)
    with pytest.raises(DatasetError, match="holds the folder train"):
        export(ds(seed=2), out, "npz", overwrite=True)
    assert tree(out) == before and staging_left(out) == []


def test_a_file_slipped_into_an_exports_own_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    export(ds(), out, "coco", workers=1)
    (out / "images" / "holiday.jpg").write_bytes(b"mine")
    before = tree(out)
    with pytest.raises(DatasetError, match="holds images/holiday.jpg, inside the previous"):
        export(ds(seed=2), out, "npz", overwrite=True)
    assert tree(out) == before and staging_left(out) == []


def test_an_export_from_before_manifests_is_recognised_and_replaced(tmp_path, references):
    for old in ("png", "npz"):  # as 0.1.0 wrote them: no manifest
        out = tmp_path / old
        export(ds(seed=1), out, old, workers=1)
        (out / MANIFEST_NAME).unlink()
        (out / "notes.txt").write_text("mine")
        export(ds(seed=2), out, "npz", overwrite=True)
        assert tree(out) == {**references["npz-2"], "notes.txt": b"mine"}
        assert staging_left(out) == []


def test_a_non_empty_folder_without_overwrite_is_left_alone(tmp_path):
    out = tmp_path / "out"
    export(ds(), out, "npz")
    before = tree(out)
    with pytest.raises(DatasetError, match="not empty; pass --overwrite"):
        export(ds(seed=2), out, "png", workers=1)
    assert tree(out) == before and staging_left(out) == []


def stop_after(n_calls: int, how: str):
    """(progress, cancel) callbacks that stop an export at its n-th progress report."""
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if how == "interrupt" and len(calls) == n_calls:
            raise KeyboardInterrupt

    def cancel() -> bool:
        return how == "cancel" and len(calls) >= n_calls

    return progress, cancel, calls


BIG = {"npz": 40_000, "png": 3000, "coco": 3000, "yolo": 3000, "parquet": 3000}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("how", ["interrupt", "cancel"])
@pytest.mark.parametrize("at", [1, pytest.param(3, marks=pytest.mark.slow)])
def test_a_stopped_overwrite_keeps_the_previous_export_whole(tmp_path, references, fmt, how, at):
    out = tmp_path / "out"
    export(ds(seed=1), out, fmt, workers=1)
    (out / "notes.txt").write_text("mine")
    progress, cancel, calls = stop_after(at, how)
    big = ds(count=BIG[fmt], seed=2)
    expected = KeyboardInterrupt if how == "interrupt" else ExportCancelled
    with pytest.raises(expected) as stopped:
        export(big, out, fmt, overwrite=True, progress=progress, cancel=cancel, workers=2)
    assert len(calls) >= at and calls[-1] < len(big)
    assert str(out) in str(stopped.value) and "was not changed" in str(stopped.value)
    assert tree(out) == {**references[f"{fmt}-1"], "notes.txt": b"mine"}
    left_as_said(out, str(stopped.value))


def test_a_stopped_export_into_a_new_folder_leaves_nothing(tmp_path):
    out = tmp_path / "new" / "out"
    progress, cancel, _ = stop_after(2, "cancel")
    with pytest.raises(ExportCancelled, match="nothing was written") as stopped:
        export(ds(count=3000), out, "png", workers=2, progress=progress, cancel=cancel)
    assert not out.exists()
    assert [p.name for p in (tmp_path / "new").iterdir()] == staging_left(out)
    left_as_said(out, str(stopped.value))


def _in_a_thread(*args, **kwargs) -> None:
    """export(...) from another thread: its PNG workers then come from the fork server."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            export(*args, **kwargs)
        except BaseException as exc:  # raised again below, in the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002], ids=oct)
def test_every_exported_file_and_folder_follows_the_umask(tmp_path, mask):
    # The fork server is started (if it is not yet) under another umask, which it keeps:
    # workers forked from it must still write with the exporting process's umask.
    with umask(0o022 if mask != 0o022 else 0o077):
        _in_a_thread(ds(count=600), tmp_path / "before", "png", workers=2)
    with umask(mask):
        _in_a_thread(ds(count=600), tmp_path / "threaded", "png", workers=2)
        export(ds(count=600), tmp_path / "png", "png", workers=2)
        export(ds(), tmp_path / "npz", "npz")
        export(ds(), tmp_path / "yolo", "yolo", workers=1)
    for folder in (tmp_path / "threaded", tmp_path / "png", tmp_path / "npz", tmp_path / "yolo"):
        paths = [folder, *folder.rglob("*")]
        files = {stat.S_IMODE(p.stat().st_mode) for p in paths if p.is_file()}
        folders = {stat.S_IMODE(p.stat().st_mode) for p in paths if p.is_dir()}
        assert files == {0o666 & ~mask} and folders == {0o777 & ~mask}


def test_a_replaced_folder_keeps_its_mode(tmp_path):
    out = tmp_path / "out"
    export(ds(), out, "npz")
    out.chmod(0o750)
    export(ds(seed=2), out, "npz", overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750


def test_a_link_to_a_folder_replaces_the_folder_and_keeps_the_link(tmp_path, references):
    real = tmp_path / "real"
    export(ds(seed=1), real, "npz")
    link = tmp_path / "link"
    link.symlink_to(real)
    export(ds(seed=2), link, "npz", overwrite=True)
    assert link.is_symlink() and tree(real) == references["npz-2"]


def test_targets_that_cannot_be_an_export_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file, not a folder"):
        export(ds(), tmp_path / "file", "npz")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(DatasetError, match="pipe or socket, not a folder"):
        export(ds(), tmp_path / "pipe", "npz")
    with pytest.raises(DatasetError, match="format 'tiff' is unknown; use npz or png"):
        export(ds(), tmp_path / "tiff", "tiff")
    assert (tmp_path / "file").read_text() == "x"
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "pipe"]


def test_a_read_only_parent_folder_is_one_clear_error(tmp_path, read_only_folder, capsys):
    parent = tmp_path / "locked"
    export(ds(), parent / "out", "npz")
    before = tree(parent)
    with read_only_folder(parent):
        args = ["--count", "20", "--seed", "2", "--quiet", "--overwrite", "--out"]
        assert dataset_main([*args, str(parent / "out")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "cannot create a staging folder beside" in err
    assert tree(parent) == before


@pytest.mark.parametrize("fmt", ["npz", "png"])
def test_a_full_disk_keeps_the_previous_export_and_leaves_nothing(small_disk, references, fmt):
    out = small_disk / "out"
    export(ds(seed=1), out, fmt, workers=2)
    with pytest.raises(OutputError, match="No space left on device") as failed:
        export(ds(count=20_000, seed=2), out, fmt, overwrite=True, workers=2)
    assert "was not changed" in str(failed.value) and "\n" not in str(failed.value)
    assert tree(out) == references[f"{fmt}-1"]
    assert sorted(p.name for p in small_disk.iterdir()) == ["out"]


def test_a_mount_point_is_refused_with_a_way_out(small_disk):
    with pytest.raises(DatasetError, match="mount point.*export into a folder inside it"):
        export(ds(), small_disk, "npz", overwrite=True)
    assert list(small_disk.iterdir()) == []


def test_a_second_export_into_the_same_folder_waits_its_turn(tmp_path):
    out = tmp_path / "out"
    args = ["--count", "400000", "--seed", "3", "--quiet", "--out", str(out)]
    running = subprocess.Popen(
        [sys.executable, "-m", "mnist_seq_gui.cli", "dataset", *args],
        env=subprocess_env(),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Its staging folder appears once it has started writing.
        while not staging_left(out) and running.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.wait(timeout=0.01)
        assert running.poll() is None, running.stderr.read() if running.stderr else ""
        with pytest.raises(DatasetError, match="another export into .* is running"):
            export(ds(), out, "npz", overwrite=True)
    finally:
        running.terminate()
        err = running.communicate(timeout=60)[1].decode()
    assert running.returncode == 143, err
    assert err == "mnist-seq dataset: terminated; nothing was written\n"
    assert not out.exists() and staging_left(out) == []
