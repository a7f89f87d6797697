"""The records of an export being replaced are read bounded and checked: a manifest that
is tampered with, huge, deeply nested, a pipe or a folder never hangs, crashes or stops
later exports; the export replacing it works, or says in one line why not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mnist_seq_gui.dataset import MANIFEST_NAME, SequenceDataset, export, load_npz


def _edit(out: Path, change) -> None:
    path = out / MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _replace(path: Path, make) -> None:
    path.unlink()
    make(path)


TAMPERED = {
    "names not a list": lambda out: _edit(out, lambda d: d.update(files="x")),
    "a series of 10^10 digits": lambda out: _edit(out, lambda d: d.update(series=[
        {"folder": "", "digits": 10**10, "suffix": ".png", "start": 0, "stop": 10**12}])),
    "a count of 1e400": lambda out: _edit(out, lambda d: d.update(complete=1e400)),
    "deep JSON": lambda out: (out / MANIFEST_NAME).write_text("[" * 100_000),
    "a 3 GB sparse file": lambda out: os.truncate(out / MANIFEST_NAME, 3 << 30),
    "a pipe": lambda out: _replace(out / MANIFEST_NAME, os.mkfifo),
    "a folder": lambda out: _replace(out / MANIFEST_NAME, os.mkdir),
}  # fmt: skip


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_tampered_manifest_of_the_export_being_replaced(tmp_path, case):
    out = tmp_path / "out"
    export(SequenceDataset(count=4, seed=1), out, "npz")
    TAMPERED[case](out)
    result = export(SequenceDataset(count=5, seed=2), out, "npz", overwrite=True)
    assert len(load_npz(out / "dataset.npz")["images"]) == 5
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "out")
    if case == "a folder":  # not ours to remove: kept, and said so
        assert len(left) == 1 and any(f"kept {tmp_path / left[0]}" in n for n in result.notes)
    else:
        assert left == []
    export(SequenceDataset(count=6, seed=3), out, "npz", overwrite=True)  # later ones work
    assert len(load_npz(out / "dataset.npz")["images"]) == 6
