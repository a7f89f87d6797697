"""Exports as transactions: the target holds the previous complete export or the new
complete one, never a mix; `--overwrite` removes only what the previous export's own
manifest lists; a stop leaves nothing (or says exactly what it left)."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_seq_gui.core import OutputError
from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    MANIFEST_NAME,
    METADATA_NAME,
    NPZ_NAME,
    DatasetError,
    ExportCancelled,
    SequenceDataset,
    export_npz,
    export_png,
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
    ".dataset.npz.abc123.part": b"named like an old temporary file",
}


def staging_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if ".mnist-seq-staging-" in p.name)


def ds(count: int = 40, seed: int = 1) -> SequenceDataset:
    return SequenceDataset(
        count=count,
        seed=seed,
        dtype="uint8",
        min_length=2,
        max_length=4,
        rule="random",
        min_spacing=0,
        max_spacing=60,
    )


@pytest.fixture
def references(tmp_path) -> dict[str, dict[str, bytes]]:
    """What a fresh export of each kind holds, made in folders of their own."""
    made = {
        "npz-1": export_npz(ds(seed=1), tmp_path / "ref-npz-1").out_dir,
        "png-1": export_png(ds(seed=1), tmp_path / "ref-png-1", workers=1).out_dir,
        "npz-2": export_npz(ds(seed=2), tmp_path / "ref-npz-2").out_dir,
        "png-2": export_png(ds(seed=2), tmp_path / "ref-png-2", workers=2).out_dir,
    }
    return {key: tree(folder) for key, folder in made.items()}


def exporter(fmt: str):
    return export_npz if fmt == "npz" else export_png


@pytest.mark.parametrize("old", ["npz", "png"])
@pytest.mark.parametrize("new", ["npz", "png"])
def test_overwrite_replaces_only_the_previous_exports_files(tmp_path, references, old, new):
    out = tmp_path / "out"
    exporter(old)(ds(seed=1), out)
    # The user's files, but for names the old or the new export writes itself.
    taken = {NPZ_NAME} if "npz" in (old, new) else set()
    taken |= {CONFIG_NAME, METADATA_NAME} if "png" in (old, new) else set()
    user = {k: v for k, v in USER_FILES.items() if k not in taken}
    for name, data in user.items():
        (out / name).write_bytes(data)
    result = exporter(new)(ds(seed=2), out, overwrite=True)
    assert tree(out) == {**references[f"{new}-2"], **user}
    assert result.notes == () and staging_left(out) == []


def test_user_files_named_like_export_files_survive_an_npz_export(tmp_path, references):
    # The case: config.json, metadata.jsonl, 20240315.png beside an npz export.
    out = tmp_path / "out"
    export_npz(ds(seed=1), out)
    user = {k: v for k, v in USER_FILES.items() if k != NPZ_NAME}
    for name, data in user.items():
        (out / name).write_bytes(data)
    export_npz(ds(seed=2), out, overwrite=True)
    assert tree(out) == {**references["npz-2"], **user}


def test_a_user_file_the_new_export_would_write_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "000003.png").write_bytes(b"mine")  # no manifest: nobody's export
    calls = []
    with pytest.raises(DatasetError, match=r"holds 000003\.png, which no earlier export"):
        export_png(ds(), out, overwrite=True, workers=1, progress=lambda d, t: calls.append(d))
    assert calls == [] and tree(out) == {"000003.png": b"mine"} and staging_left(out) == []


def test_a_folder_no_export_listed_is_refused(tmp_path):
    out = tmp_path / "out"
    export_npz(ds(), out)
    (out / "train").mkdir()
    (out / "train" / "x.txt").write_text("mine")
    before = tree(out)
    with pytest.raises(DatasetError, match="holds the folder train"):
        export_npz(ds(seed=2), out, overwrite=True)
    assert tree(out) == before and staging_left(out) == []


def test_an_export_from_before_manifests_is_recognised_and_replaced(tmp_path, references):
    out = tmp_path / "out"
    export_png(ds(seed=1), out, workers=1)
    (out / MANIFEST_NAME).unlink()  # as written by 0.1.0: config.json, metadata, PNGs
    (out / "notes.txt").write_text("mine")
    export_npz(ds(seed=2), out, overwrite=True)
    assert tree(out) == {**references["npz-2"], "notes.txt": b"mine"}
    assert staging_left(out) == []


def test_a_non_empty_folder_without_overwrite_is_left_alone(tmp_path):
    out = tmp_path / "out"
    export_npz(ds(), out)
    before = tree(out)
    with pytest.raises(DatasetError, match="not empty; pass --overwrite"):
        export_png(ds(seed=2), out, workers=1)
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


@pytest.mark.parametrize("fmt", ["npz", "png"])
@pytest.mark.parametrize("how", ["interrupt", "cancel"])
@pytest.mark.parametrize("at", [1, pytest.param(3, marks=pytest.mark.slow)])
def test_a_stopped_overwrite_keeps_the_previous_export_whole(tmp_path, references, fmt, how, at):
    out = tmp_path / "out"
    exporter(fmt)(ds(seed=1), out)
    (out / "notes.txt").write_text("mine")
    progress, cancel, calls = stop_after(at, how)
    big = ds(count=3000 if fmt == "png" else 40_000, seed=2)
    options = {"workers": 2} if fmt == "png" else {}
    expected = KeyboardInterrupt if how == "interrupt" else ExportCancelled
    with pytest.raises(expected) as stopped:
        exporter(fmt)(big, out, overwrite=True, progress=progress, cancel=cancel, **options)
    assert len(calls) >= at and calls[-1] < len(big)
    assert str(out) in str(stopped.value) and "was not changed" in str(stopped.value)
    assert tree(out) == {**references[f"{fmt}-1"], "notes.txt": b"mine"}
    assert staging_left(out) == []


def test_a_stopped_export_into_a_new_folder_leaves_nothing(tmp_path):
    out = tmp_path / "new" / "out"
    progress, cancel, _ = stop_after(2, "cancel")
    with pytest.raises(ExportCancelled, match="nothing was written"):
        export_png(ds(count=3000), out, workers=2, progress=progress, cancel=cancel)
    assert not out.exists() and list((tmp_path / "new").iterdir()) == []


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002], ids=oct)
def test_every_exported_file_follows_the_umask(tmp_path, mask):
    with umask(mask):
        export_png(ds(count=600), tmp_path / "png", workers=2)
        export_npz(ds(), tmp_path / "npz")
    for folder in (tmp_path / "png", tmp_path / "npz"):
        modes = {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        assert modes == {0o666 & ~mask}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask


def test_a_replaced_folder_keeps_its_mode(tmp_path):
    out = tmp_path / "out"
    export_npz(ds(), out)
    out.chmod(0o750)
    export_npz(ds(seed=2), out, overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750


def test_a_link_to_a_folder_replaces_the_folder_and_keeps_the_link(tmp_path, references):
    real = tmp_path / "real"
    export_npz(ds(seed=1), real)
    link = tmp_path / "link"
    link.symlink_to(real)
    export_npz(ds(seed=2), link, overwrite=True)
    assert link.is_symlink() and tree(real) == references["npz-2"]


def test_targets_that_cannot_be_an_export_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file, not a folder"):
        export_npz(ds(), tmp_path / "file")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(DatasetError, match="pipe or socket, not a folder"):
        export_npz(ds(), tmp_path / "pipe")
    assert (tmp_path / "file").read_text() == "x"
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)


def test_a_read_only_parent_folder_is_one_clear_error(tmp_path, read_only_folder, capsys):
    parent = tmp_path / "locked"
    export_npz(ds(), parent / "out")
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
    exporter(fmt)(ds(seed=1), out)
    with pytest.raises(OutputError, match="No space left on device") as failed:
        exporter(fmt)(ds(count=20_000, seed=2), out, overwrite=True)
    assert "was not changed" in str(failed.value)
    assert tree(out) == references[f"{fmt}-1"]
    assert sorted(p.name for p in small_disk.iterdir()) == ["out"]


def test_a_mount_point_is_refused_with_a_way_out(small_disk):
    with pytest.raises(DatasetError, match="mount point.*export into a folder inside it"):
        export_npz(ds(), small_disk, overwrite=True)
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
            export_npz(ds(), out, overwrite=True)
    finally:
        running.terminate()
        running.communicate(timeout=60)
    assert running.returncode == 143
    assert not out.exists() and staging_left(out) == []
