"""Signals at random points of real exports (the `mnist-seq dataset` command).

Each run replaces a previous export (seed 1) with a new one (seed 2) and is hit by
SIGINT, SIGTERM or SIGKILL at a random moment: before it starts writing, while it
writes, while it swaps the folders or while it removes the previous export. The
invariant: the target then holds the previous complete export or the new complete
one, never a mix, the user's own files untouched, and no process of the export
survives. After a SIGKILL the next run cleans what was left and says so.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ._helpers import REPO_ROOT, subprocess_env, tree

EXPORTS = {  # format -> (count, extra arguments): each takes about a second here
    "npz": (60_000, []),
    "png": (2_500, ["--workers", "2"]),
    "coco splits": (0, ["--workers", "2", "--splits", "train:1500,val:300,test:300"]),
}
USER_FILE = ("notes.txt", b"mine, beside the export")
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
EXIT = {"SIGINT": 130, "SIGTERM": 143}


def command(fmt: str, seed: int, out: Path) -> list[str]:
    count, extra = EXPORTS[fmt]
    size = ("--count", str(count)) if count else ()
    return [
        sys.executable,
        "-m",
        "mnist_seq_gui.cli",
        "dataset",
        *size,
        *("--seed", str(seed), "--format", fmt.split()[0], "--length", "3-6"),
        *("--rule", "random", "--spacing", "0", "50", "--placement", "free"),
        *("--quiet", "--overwrite"),
        *("--out", str(out), *extra),
    ]


def run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, env=subprocess_env(), cwd=REPO_ROOT, capture_output=True)


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, tuple[Path, dict[str, bytes], float]]:
    """Per format and seed: a finished export, its files, and how long the run took."""
    base = tmp_path_factory.mktemp("references")
    made = {}
    for fmt in EXPORTS:
        for seed in (1, 2):
            out = base / f"{fmt}-{seed}"
            started = time.monotonic()
            done = run(command(fmt, seed, out))
            assert done.returncode == 0, done.stderr
            made[f"{fmt}-{seed}"] = (out, tree(out), time.monotonic() - started)
    return made


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children, ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's wait is due


def wait_gone(pids: set[int], limit: float = 15.0) -> set[int]:
    """The pids still running after they had `limit` seconds to exit."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        left = {p for p in pids if alive(p)}
        if not left:
            return left
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


def wait_for_pngs(folder: Path, limit: float = 60.0) -> None:
    """Until the export into `folder / "out"` is under way: its staging folder holds PNGs."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not any(folder.glob(".out.mnist-seq-staging-*/*.png")):
        time.sleep(0.02)


def leftovers(out: Path) -> list[str]:
    """Staging folders of exports into `out` (none once an export has cleaned up)."""
    prefix = f".{out.name}.mnist-seq-staging-"
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(prefix))


def hit_at_random_point(fmt: str, name: str, rng: random.Random, tmp_path: Path, references):
    """One trial: returns (state of the target: 'previous' or 'new', stderr)."""
    previous_dir, previous, _ = references[f"{fmt}-1"]
    _, new, duration = references[f"{fmt}-2"]
    out = tmp_path / f"out-{name}-{rng.randrange(10**9)}"
    shutil.copytree(previous_dir, out)
    (out / USER_FILE[0]).write_bytes(USER_FILE[1])
    delay = rng.uniform(0.0, duration * 1.2)
    process = subprocess.Popen(
        command(fmt, 2, out),
        env=subprocess_env(),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=delay)  # the random point
    family = descendants(process.pid)
    if process.poll() is None:
        process.send_signal(SIGNALS[name])
    err = process.communicate(timeout=60)[1].decode()
    # No process of the export survives it (workers, fork server), however it ended.
    assert wait_gone(family) == set(), f"{name} at {delay:.2f}s left {family}"
    held = tree(out)
    assert held.pop(USER_FILE[0]) == USER_FILE[1]
    assert held in (previous, new), f"{name} at {delay:.2f}s left a mix in {out}"
    state = "new" if held == new else "previous"
    left = leftovers(out)
    if process.returncode == 0:
        assert state == "new"
        # A stop while the previous export was being removed cut that short: it says
        # where the rest is.
        assert all(f"still in {out.parent / n}" in err for n in left), err
    elif name in EXIT and process.returncode == -SIGNALS[name]:
        # Hit while Python was starting or exiting, outside the command's handlers: the
        # signal's default action ended it before it touched anything, or after all.
        assert left == [], err
    elif name in EXIT:
        # Stopped, and said so in one line: the target is as it was, or (a stop in the
        # last instant) the export was complete.
        assert process.returncode == EXIT[name] and err.count("\n") == 1, err
        if state == "previous":
            assert f"{out} was not changed" in err or "nothing was written" in err, err
        else:
            assert f"the export into {out} is complete" in err, err
        assert left == [], err  # a small export's staging folder is removed in time
    else:
        assert process.returncode == -signal.SIGKILL
    if left:
        # The next run removes what was left, says so, and finishes the export.
        again = run(command(fmt, 2, out))
        assert again.returncode == 0, again.stderr
        assert leftovers(out) == []
        notes = again.stderr.decode()
        assert all(f"removed {folder}" in notes for folder in left), notes
        held = tree(out)
        assert held.pop(USER_FILE[0]) == USER_FILE[1]
        assert held == new
    return state, err


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(EXPORTS))
@pytest.mark.parametrize("name", list(SIGNALS))
def test_one_signal_at_a_random_point(tmp_path, references, fmt, name):
    hit_at_random_point(fmt, name, random.Random(f"{fmt}{name}"), tmp_path, references)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(EXPORTS))
@pytest.mark.parametrize("name", list(SIGNALS))
def test_many_signals_at_random_points(tmp_path, references, fmt, name):
    rng = random.Random(f"many {fmt} {name}")
    for _ in range(5):
        hit_at_random_point(fmt, name, rng, tmp_path, references)


@pytest.mark.parametrize(
    ("first", "gap"),
    [
        ("SIGINT", 0.05),
        pytest.param("SIGINT", 0.0, marks=pytest.mark.slow),
        pytest.param("SIGINT", 0.3, marks=pytest.mark.slow),
        pytest.param("SIGTERM", 0.05, marks=pytest.mark.slow),
    ],
)
def test_a_second_signal_stops_at_once_and_nothing_hangs(tmp_path, first, gap):
    # Ten million PNGs on all workers; the second signal falls while the first one's
    # stop is under way (shutting the worker pool down, removing the staging folder).
    out = tmp_path / "out"
    args = ["--count", "10000000", "--seed", "1", "--format", "png", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "mnist_seq_gui.cli", "dataset", *args, "--quiet"],
        env=subprocess_env(),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for_pngs(tmp_path)
    family = descendants(process.pid)
    assert len(family) >= 1, "the export started no workers"
    process.send_signal(SIGNALS[first])
    time.sleep(gap)  # the second signal's moment, after the first
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    err = process.communicate(timeout=60)[1].decode()
    assert process.returncode == EXIT[first], err
    assert wait_gone(family) == set()
    assert err.count("\n") == 1 and not out.exists(), err
    left = leftovers(out)
    assert ("left in" in err) == bool(left), err


FROM_A_THREAD = """
import sys, threading
from mnist_seq_gui.dataset import SequenceDataset, export
def work():
    export(SequenceDataset(count=10**7, seed=1), sys.argv[1], "png", workers=2)
thread = threading.Thread(target=work)
thread.start()
thread.join()
"""


def test_workers_of_an_export_from_a_thread_exit_when_it_is_killed(tmp_path):
    # An export from a thread (the explorer's way) starts its workers through a fork
    # server, which outlives the exporting process: the workers must still go.
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", FROM_A_THREAD, str(out)],
        env=subprocess_env(),
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_pngs(tmp_path)
    family = descendants(process.pid)
    assert len(family) >= 3, family  # fork server and two workers (and a resource tracker)
    process.kill()
    process.wait(timeout=30)
    assert wait_gone(family) == set()
    assert not out.exists()


GONE_OWNER = """
import subprocess, sys, time
from mnist_seq_gui.dataset import png
owner = subprocess.Popen([sys.executable, "-c", "pass"])
owner.wait()  # the exporting process is gone before this worker starts
png._worker_init(owner.pid)
time.sleep(15)  # the watcher ends this process long before, with status 1
"""


@pytest.mark.slow
def test_a_png_worker_whose_exporting_process_is_already_gone_exits(tmp_path):
    done = subprocess.run([sys.executable, "-c", GONE_OWNER], env=subprocess_env(),
                          cwd=tmp_path, capture_output=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr


DASK_SHARDS = """
import sys
import dask.bag as db
from mnist_seq_gui.dataset import DatasetConfig, write_shard
config = DatasetConfig(count=10**8, min_length=3, max_length=8, spacing=(0, 60), seed=7)
if __name__ == "__main__":
    shards = db.from_sequence(range(1, 3), npartitions=2)
    shards.map(write_shard, config.to_json(), sys.argv[1], 2, "npz").compute(
        scheduler="processes", num_workers=2)
"""


@pytest.mark.slow
def test_shards_written_by_dask_stop_and_clean_up_when_its_process_is_killed(tmp_path):
    pytest.importorskip("dask.bag")
    script = tmp_path / "shards.py"  # Dask's workers import the main module again
    script.write_text(DASK_SHARDS)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(script), str(out)],
        env=subprocess_env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob(".part-*-staging-*/*.npz")):
        time.sleep(0.05)
    family = descendants(process.pid)
    assert len(family) >= 2, family  # Dask's workers (and a resource tracker)
    process.kill()
    process.wait(timeout=30)
    assert wait_gone(family, limit=120) == set()
    assert sorted(p.name for p in out.iterdir()) == []  # each shard removed what it wrote
