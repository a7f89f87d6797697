"""Single files written by every door: modes, fsync, refusal of non-regular targets.

Tests run as root here, so device nodes are made with os.mknod inside tmp_path; the
real /dev/null is never a target.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MNIST_Sequence_API
from mnist_seq_gui.cli import main as cli_main
from mnist_seq_gui.core import OutputError
from mnist_seq_gui.files import write_bytes_atomic, write_png

from ._helpers import REPO_ROOT, fill_disk, subprocess_env, umask

PIXELS = np.linspace(0, 1, 28 * 40, dtype=np.float32).reshape(28, 40)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def write_each_way(folder: Path) -> list[Path]:
    """The same kind of file written through the core writer, the CLI and the API."""
    paths = [write_png(folder / "writer.png", PIXELS), folder / "cli.png"]
    assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", str(paths[1])]) == 0
    api = MNIST_Sequence_API(seed=3)
    paths.append(api.save_composition(api.compose("34", (0, 10), 66), folder))
    paths.append(api.save_image(api.generate_mnist_sequence("56", (0, 10), 66), "56", folder))
    paths.append(write_bytes_atomic(folder / "config.json", b"{}"))
    return paths


@pytest.mark.parametrize(
    "mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)], ids=oct
)
def test_new_files_follow_the_umask(tmp_path, capsys, mask, expected):
    with umask(mask):
        paths = write_each_way(tmp_path)
    assert [oct(mode_of(p)) for p in paths] == [oct(expected)] * len(paths)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("existing", [0o644, 0o600, 0o640, 0o444], ids=oct)
def test_replacing_a_file_keeps_its_mode(tmp_path, capsys, existing):
    target = tmp_path / "cli.png"
    target.write_bytes(b"old")
    target.chmod(existing)
    with umask(0o077 if existing & 0o044 else 0o022):  # a umask that would give another mode
        assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", str(target)]) == 0
    assert mode_of(target) == existing
    with Image.open(target) as image:
        assert image.size == (66, 28) and image.text["sequence"] == "12"


@pytest.fixture
def device_node(tmp_path) -> Path:
    """A character device with /dev/null's numbers, made here (needs root)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    return node


def assert_still_device(node: Path) -> None:
    info = node.lstat()
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)


def test_a_device_node_is_never_replaced(device_node, tmp_path, capsys):
    with pytest.raises(OutputError, match="is a device, not a regular file"):
        write_png(device_node, PIXELS)
    assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", str(device_node)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a regular file" in err
    api = MNIST_Sequence_API(seed=1)
    with pytest.raises(OutputError, match="device"):
        api.save_image(api.generate_mnist_sequence("1", (0, 0), 28), "1", tmp_path / "null")
    assert_still_device(device_node)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_link_to_a_device_is_refused_too(device_node, tmp_path):
    link = tmp_path / "link.png"
    link.symlink_to(device_node)
    with pytest.raises(OutputError, match="device"):
        write_png(link, PIXELS)
    assert link.is_symlink() and os.readlink(link) == str(device_node)
    assert_still_device(device_node)


def test_pipes_and_folders_are_refused(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="is a pipe"):
        write_png(fifo, PIXELS)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    folder = tmp_path / "folder.png"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_bytes_atomic(folder, b"x")
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert leftovers(tmp_path) == []


def test_a_link_to_a_file_updates_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.png").write_bytes(b"old")
    (real / "a.png").chmod(0o640)
    link = tmp_path / "a.png"
    link.symlink_to(real / "a.png")
    write_png(link, PIXELS)
    assert link.is_symlink()
    with Image.open(real / "a.png") as image:
        assert image.size == (40, 28)
    assert mode_of(real / "a.png") == 0o640
    assert leftovers(real) == [] and leftovers(tmp_path) == []


def test_a_missing_folder_with_a_trailing_slash_is_an_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", "newdir/"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newdir/" in err and "does not exist" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError, match="names a folder"):
        write_bytes_atomic("newdir/", b"x")
    assert list(tmp_path.iterdir()) == []
    # An existing folder, with or without the slash, gets the default name inside.
    (tmp_path / "out").mkdir()
    for output in ("out/", "out"):
        assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", output]) == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["1-2.png"]


def _strace_available() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _strace_available(), reason="needs strace (and ptrace permission)")
def test_file_and_folder_are_fsynced_around_the_rename(tmp_path):
    log = tmp_path / "trace"
    out = tmp_path / "out"
    out.mkdir()
    target = out / "1-2.png"
    strace = ["strace", "-f", "-qq", "-o", str(log), "-e", "trace=openat,fsync,rename,renameat2"]
    command = [sys.executable, "-m", "mnist_seq_gui.cli", "12", "0", "10", "66", "-o", str(target)]
    subprocess.run(
        [*strace, *command],
        check=True,
        env=subprocess_env(),
        cwd=REPO_ROOT,
        capture_output=True,
    )
    events: list[tuple[str, str]] = []  # (what, path) in the order the kernel saw them
    fds: dict[str, str] = {}
    for line in log.read_text().splitlines():
        if m := re.search(r'openat\(AT_FDCWD, "([^"]+)", [^)]*\) += (\d+)', line):
            fds[m.group(2)] = m.group(1)
        elif m := re.search(r"fsync\((\d+)\) += 0", line):
            events.append(("fsync", fds[m.group(1)]))
        elif m := re.search(r'rename(?:at2)?\((?:AT_FDCWD, )?"([^"]+)", .*"([^"]+)"', line):
            events.append(("rename", m.group(1)))
    part = [path for what, path in events if what == "rename"]
    assert len(part) == 1 and part[0].endswith(".part") and part[0].startswith(str(out / ".1-2"))
    assert events == [("fsync", part[0]), ("rename", part[0]), ("fsync", str(out))]


def test_a_full_disk_keeps_the_old_file_and_leaves_no_part(small_disk, capsys):
    target = small_disk / "1-2.png"
    assert cli_main(["12", "0", "10", "66", "--seed", "1", "-o", str(target)]) == 0
    old = target.read_bytes()
    fill_disk(small_disk)
    noise = np.random.default_rng(1).random((28, 3000), dtype=np.float32)
    with pytest.raises(OutputError, match="No space left on device"):
        write_png(target, noise)
    assert cli_main(["12", "0", "10", "66", "--seed", "2", "-o", str(target)]) == 2
    assert "No space left" in capsys.readouterr().err
    assert target.read_bytes() == old
    assert sorted(p.name for p in small_disk.iterdir()) == ["1-2.png", "filler"]
