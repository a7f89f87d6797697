"""The README's Dask recipe, as written, on Dask's local process scheduler: every shard's
files are byte for byte those of `mnist-seq dataset ... --shard k/n` on one machine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mnist_seq_gui.dataset import DatasetConfig, shard_folder

pytest.importorskip("dask.bag")

COUNT, N = 200, 4
COMMAND = (
    f"dataset --count {COUNT} --length 3-8 --spacing 0 60 --rule random --height 40 "
    "--jitter-y 0 12 --seed 7 --quiet"
)


def _readme_recipe(repo_root: Path, fmt: str) -> str:
    """The README's Dask block up to its compute() call, with a small count and n."""
    text = (repo_root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    block = next(b for b in blocks if "write_shard" in b and "dask.bag" in b)
    lines = block.splitlines()
    end = next(i for i, line in enumerate(lines) if ".compute(" in line)
    code = "\n".join(lines[: end + 1])
    for old, new in (("count=1_000_000", f"count={COUNT}"), ("n = 16", f"n = {N}")):
        assert old in code, f"the README's recipe no longer has {old!r}"
        code = code.replace(old, new)
    assert 'scheduler="processes"' in code and '"out", n, "npz")' in code
    return code.replace('"out", n, "npz")', f'"out", n, "{fmt}")')


def test_the_readme_recipe_is_the_command_lines_data_set(repo_root):
    scope: dict = {}
    exec(_readme_recipe(repo_root, "npz").split("n = ")[0], scope)  # up to the config
    assert scope["config"] == DatasetConfig(
        count=COUNT, min_length=3, max_length=8, spacing=(0, 60), rule="random", seed=7,
        variation={"height": 40, "jitter_y": [0, 12]},
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["npz", pytest.param("coco", marks=pytest.mark.slow)])
def test_dask_processes_write_the_shards_the_command_writes(
    tmp_path, monkeypatch, repo_root, run_module, folder_bytes, fmt
):
    monkeypatch.chdir(tmp_path)
    scope: dict = {"__name__": "__main__"}  # the recipe run as a script
    exec(_readme_recipe(repo_root, fmt), scope)
    assert scope["folders"] == [str(shard_folder("out", k, N)) for k in range(1, N + 1)]
    for k in range(1, N + 1):
        there = tmp_path / shard_folder("out", k, N)
        here = tmp_path / shard_folder("cli", k, N)
        args = [*COMMAND.split(), "--format", fmt, "--shard", f"{k}/{N}", "--out", str(here)]
        result = run_module("mnist_seq_gui.cli", *args)
        assert result.returncode == 0, result.stderr
        mine, theirs = folder_bytes(here), folder_bytes(there)
        assert sorted(mine) == sorted(theirs)
        assert len(mine) == (2 if fmt == "npz" else 3 + 50)  # 200 / 4 images per COCO shard
        for name, data in mine.items():
            assert data == theirs[name], name
