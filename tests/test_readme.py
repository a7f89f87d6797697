"""The README runs: every Python block, in order, in one namespace, as a reader pastes them;
every command of its shell blocks; its error example prints what it shows.

Counts are scaled down (each scaling must apply, so an edited README cannot slip past);
the blocks run in a temporary folder, which they write into as a reader's would.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
# What a CI run can afford, the same code otherwise.
PYTHON_SCALE = {
    "count=100_000": "count=192",
    "count=1_000_000": "count=160",
    "(100_000, 5)": "(2_000, 5)",
}
SHELL_SCALE = {"--count 100000": "--count 300", "--count 60000": "--count 200",
               "--count 1000000": "--count 160"}  # fmt: skip


def blocks(kind: str) -> list[str]:
    return [
        body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind
    ]


def scaled(text: str, scale: dict[str, str], used: set[str]) -> str:
    for old, new in scale.items():
        if old in text:
            used.add(old)
            text = text.replace(old, new)
    return text


def commands(body: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments dropped."""
    joined = body.replace("\\\n", " ")
    return [line.split(" #")[0].strip() for line in joined.splitlines() if line.strip()]


@pytest.mark.slow
def test_every_python_block_runs_in_order(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("dask")
    pytest.importorskip("datasets")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "huggingface"))  # its cache, not the user's
    namespace: dict[str, object] = {"__name__": "__main__"}  # as pasted, or run as a script
    used: set[str] = set()
    for number, body in enumerate(blocks("python"), 1):
        code = compile(scaled(body, PYTHON_SCALE, used), f"README.md python block {number}", "exec")
        exec(code, namespace)
    assert used == set(PYTHON_SCALE)
    assert (tmp_path / "3-5-0.png").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[0] == "part-01-of-16"
    assert (tmp_path / "val" / "annotations.json").is_file()


def _shell_commands() -> list[str]:
    found = [c for body in blocks("sh") for c in commands(body) if c.startswith("mnist-seq ")]
    assert len(found) >= 7, found
    return found


def _prepared_by(command: str) -> list[str]:
    """The lines of a command's block before it that are not mnist-seq: the files it reads."""
    for body in blocks("sh"):
        lines = commands(body)
        if command in lines:
            return [c for c in lines[: lines.index(command)] if not c.startswith("mnist-seq ")]
    return []


@pytest.mark.parametrize("command", _shell_commands())
def test_every_command_runs(command, tmp_path, subprocess_env):
    used: set[str] = set()
    args = shlex.split(scaled(command, SHELL_SCALE, used))[1:]
    (tmp_path / "out").mkdir()  # the shard example writes into out/
    for line in _prepared_by(command):  # e.g. printf ... > dates.txt
        subprocess.run(line, shell=True, cwd=tmp_path, check=True, timeout=60)
    done = subprocess.run(
        [sys.executable, "-m", "mnist_seq_gui.cli", *args],
        cwd=tmp_path, env=subprocess_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout


def test_the_setup_commands_name_what_the_project_installs(repo_root):
    setup = [c for body in blocks("sh") for c in commands(body) if c.startswith("python3 -m venv")]
    assert len(setup) == 2
    project = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    assert setup[0].endswith("pip install . && mnist-seq-gui")
    assert '\n[project.gui-scripts]\nmnist-seq-gui = "mnist_seq_gui.gui.app:main"' in project
    assert setup[1].endswith("pip install '.[test]' && python -m pytest")
    assert "\n[project.optional-dependencies]\ntest = [" in project
    assert (repo_root / ".ci" / "run").read_text().count('"$WORK/venv/bin/python" -m pytest') >= 1


def test_the_error_example_prints_what_the_readme_shows(tmp_path, subprocess_env):
    example = next(body for body in blocks("text") if body.startswith("$ mnist-seq"))
    command, shown = example.strip().splitlines()
    done = subprocess.run(
        [sys.executable, "-m", "mnist_seq_gui.cli", *shlex.split(command)[2:]],
        cwd=tmp_path, env=subprocess_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == shown
    assert list(tmp_path.iterdir()) == []


def test_the_recipe_table_lists_every_field_with_its_option():
    from mnist_seq_gui.core import FIELDS

    text = README.read_text(encoding="utf-8")
    for name, field in FIELDS.items():
        assert f"| `{name}` | `{field.flag}" in text, name
