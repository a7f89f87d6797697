"""Peak memory and stop latency of real exports at huge counts (`mnist-seq dataset`).

    python tests/benchmarks/bench_reliability.py           # 10^6 and 10^8 items, 4 s each
    python tests/benchmarks/bench_reliability.py --quick   # 2 s runs, for a smoke run

Not collected by pytest. Each export runs as its own process (with its PNG workers)
for a few seconds and is then stopped: peak memory is the largest sum of resident
memory over the whole process tree, sampled every 20 ms from /proc; stop latency is the
time from the signal to the command's exit (its staging folder removed). A 10^4-item
export stopped the same way is the reference printed beside the huge ones.
"left" says what a stopped export left beside its output folder: nothing, as one stop
removes every file it wrote, however long that takes (only a second stop leaves them);
the stop latency includes that removal. Each run's leftovers are removed before the next.
Targets: peak memory <= 250 MB at any count; stop <= 2 s at 10^7 items. Exit status 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import load_note, print_targets

REPO_ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    family, frontier = {root}, {root}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - family
        family |= frontier
    return sum(rss.get(p, 0) for p in family)


def run(fmt: str, count: int, seconds: float, how: signal.Signals, folder: Path) -> dict:
    """Export for `seconds`, stop with `how`; peak tree memory, latency, what it said."""
    out = folder / f"{fmt}-{count}"
    command = [
        sys.executable,
        "-m",
        "mnist_seq_gui.cli",
        "dataset",
        *("--count", str(count), "--seed", "1", "--format", fmt, "--out", str(out)),
        *("--length", "5", "--quiet"),
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=folder
    )
    peak = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds and process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    sent = time.monotonic()
    process.send_signal(how)
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.005)
    latency = time.monotonic() - sent
    err = process.stderr.read().decode().strip() if process.stderr else ""
    staging = [p for p in folder.iterdir() if p.name.startswith(f".{out.name}.mnist-seq-staging-")]
    exists = out.exists()
    for path in [*staging, out]:  # a clean folder for the next run
        shutil.rmtree(path, ignore_errors=True)
    return {
        "peak_mb": peak / MB,
        "latency": latency,
        "status": process.returncode,
        "said": err.splitlines()[-1] if err else "",
        "left": staging,
        "out_exists": exists,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s runs instead of 4 s")
    args = parser.parse_args(argv)
    seconds = 2.0 if args.quick else 4.0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {cpus} cores")
    print(f"# each export runs {seconds:.0f} s, then is stopped; PNG uses all cores")
    print(f"# at start: {load_note()}", flush=True)
    peaks: list[float] = []
    stops: list[float] = []
    folder = Path(tempfile.mkdtemp(prefix="bench-reliability-"))
    try:
        print("\n## peak memory (whole process tree), stopped with SIGINT")
        print(f"{'format':6} {'items':>13} {'peak MB':>8} {'stop s':>7}  exit  left")
        for fmt in ("npz", "png"):
            for count in (10**4, 10**6, 10**8):
                r = run(fmt, count, seconds, signal.SIGINT, folder)
                if r["status"] == 0:
                    clean = "(finished first)"
                else:
                    clean = "staging folder" if r["left"] else "nothing"
                    clean += ", OUTPUT FOLDER" if r["out_exists"] else ""
                print(
                    f"{fmt:6} {count:>13,} {r['peak_mb']:8.1f} {r['latency']:7.2f}  "
                    f"{r['status']:4}  {clean}",
                    flush=True,
                )
                peaks.append(r["peak_mb"])
        print("\n## stop latency at 10^7 items (signal -> exit, staging removed)")
        print(f"{'format':6} {'signal':8} {'stop s':>7} {'peak MB':>8}  exit  says")
        for fmt in ("npz", "png"):
            for how in (signal.SIGINT, signal.SIGTERM):
                r = run(fmt, 10**7, seconds, how, folder)
                print(
                    f"{fmt:6} {how.name:8} {r['latency']:7.2f} {r['peak_mb']:8.1f}  "
                    f"{r['status']:4}  {r['said'][:70]}",
                    flush=True,
                )
                peaks.append(r["peak_mb"])
                stops.append(r["latency"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"# at end: {load_note()}")
    targets = [
        ("peak memory, any count", f"{max(peaks):.0f} MB", "<= 250 MB", max(peaks) <= 250),
        ("stop at 10^7 items (slowest)", f"{max(stops):.2f} s", "<= 2 s", max(stops) <= 2),
    ]
    return 0 if print_targets(targets, 32) else 1


if __name__ == "__main__":
    sys.exit(main())
