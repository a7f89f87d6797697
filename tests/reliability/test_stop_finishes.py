"""A stop finishes: a stopped export removes every file it wrote, however many, telling
how far it is; only a second stop leaves them, and then it says where and how to remove
them. Conditions, not timings: nothing here depends on the machine's speed."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from mnist_seq_gui.dataset import ExportCancelled, SequenceDataset, export


def staging(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.mnist-seq-staging-*"))


def stop_after(files: int, out: Path):
    """A cancel check that says stop once the staging folder holds `files` PNGs."""

    def cancel() -> bool:
        return any(len(list(s.glob("*.png"))) >= files for s in staging(out))

    return cancel


def test_a_stopped_export_removes_every_file_it_wrote_however_many(tmp_path):
    out = tmp_path / "out"
    removed: list[int] = []
    with pytest.raises(ExportCancelled, match="nothing was written") as caught:
        export(SequenceDataset(count=10**6, seed=1), out, "png", workers=1,
               cancel=stop_after(4_000, out), removing=removed.append)  # fmt: skip
    assert staging(out) == [] and not out.exists()
    assert "left" not in str(caught.value)
    assert removed and removed == sorted(removed) and removed[-1] >= 3_000


def test_a_second_stop_leaves_the_files_and_says_where_and_how_to_remove_them(tmp_path):
    out = tmp_path / "out"
    asked: list[int] = []
    with pytest.raises(ExportCancelled) as caught:
        export(SequenceDataset(count=10**6, seed=1), out, "png", workers=1,
               cancel=stop_after(4_000, out), removing=asked.append,
               abandon=lambda: len(asked) >= 1)  # fmt: skip
    said = str(caught.value)
    (left,) = staging(out)
    assert f"left in {left}" in said and "removed before the second stop" in said
    command = said.split("remove them with ")[1].split(", or the next export")[0]
    assert command == f"rm -r {shlex.quote(str(left))}"
    assert len(list(left.glob("*.png"))) > 1_000  # they are there, as said
    subprocess.run(shlex.split(command), check=True)  # the command it gave works
    assert staging(out) == []


def test_files_left_by_a_second_stop_are_removed_by_the_next_export(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ExportCancelled):
        export(SequenceDataset(count=10**6, seed=1), out, "png", workers=1,
               cancel=stop_after(2_000, out), abandon=lambda: True)  # fmt: skip
    assert len(staging(out)) == 1
    result = export(SequenceDataset(count=3, seed=1), out, "npz")
    assert staging(out) == [] and any("removed" in note for note in result.notes)
