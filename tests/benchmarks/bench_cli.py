"""One image from the command line, end to end, against the original project's CLI.

    python tests/benchmarks/bench_cli.py [--runs N]
    python tests/benchmarks/bench_cli.py --quick     # 2 runs each, a smoke run

Each run is a fresh interpreter that writes one PNG (5 digits, spacing 0..10, width
160) into an empty folder, timed from process start to exit (median of the runs,
the two commands interleaved). The original is its mnist_sequence_cli.py re-created
call for call (tests/benchmarks/original.py): it reads the raw IDX files from ./data
with load.py's per-pixel Python map into float32, builds its label map, composes
with np.hstack and saves with Pillow. Ours is `python -m mnist_seq_gui.cli`. Both run
through the same small launcher, which also reports the process's peak RSS.
Target: ours <= 0.3x the original's wall time; exit status 1 when it is missed.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from mnist_seq_gui.core.bank import bundled_data_dir  # noqa: E402

sys.path.insert(0, str(HERE))
from report import load_note  # noqa: E402

ARGS = ["01234", "0", "10", "160"]
LAUNCHER = """
import sys
kind = sys.argv[1]
sys.argv = ["cli", *sys.argv[2:]]
try:
    if kind == "ours":
        import runpy
        runpy.run_module("mnist_seq_gui.cli", run_name="__main__")
    else:
        sys.path.insert(0, {bench!r})
        from original import original_cli
        original_cli(sys.argv[1:])
except SystemExit as exit:
    if exit.code:
        raise
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("PEAK_KIB", hwm.split()[1], file=sys.stderr)
"""


def run_once(kind: str, folder: Path, launcher: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one fresh run writing its PNG into an emptied `folder`."""
    for old in folder.glob("*.png"):
        old.unlink()
    env_path = str(ROOT)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(launcher), kind, *ARGS],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    seconds = time.perf_counter() - start
    if not list(folder.glob("*.png")):
        raise RuntimeError(f"{kind} wrote no PNG: {done.stdout}{done.stderr}")
    kib = int(done.stderr.split("PEAK_KIB")[1].split()[0])
    return seconds, kib / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median)")
    parser.add_argument("--quick", action="store_true", help="2 runs of each, a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 2
    print(f"at start: {load_note()}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        launcher = scratch / "launch.py"
        launcher.write_text(LAUNCHER.format(bench=str(HERE)))
        # The original reads raw IDX files from ./data under the names of its era.
        data = scratch / "original" / "data"
        data.mkdir(parents=True)
        source = bundled_data_dir()
        for packed, raw in (
            ("t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte"),
            ("t10k-labels-idx1-ubyte.gz", "t10k-labels.idx1-ubyte"),
        ):
            with gzip.open(source / packed) as src, open(data / raw, "wb") as dst:
                shutil.copyfileobj(src, dst)
        folders = {"original": scratch / "original", "ours": scratch / "ours"}
        folders["ours"].mkdir()
        times: dict[str, list[float]] = {"original": [], "ours": []}
        peaks: dict[str, list[float]] = {"original": [], "ours": []}
        for kind in folders:  # one untimed run each: files in the page cache for both
            run_once(kind, folders[kind], launcher)
        for _ in range(args.runs):
            for kind, folder in folders.items():
                seconds, peak = run_once(kind, folder, launcher)
                times[kind].append(seconds)
                peaks[kind].append(peak)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    base, ours = statistics.median(times["original"]), statistics.median(times["ours"])
    ratio = ours / base
    print(f"one image from the command line ({' '.join(ARGS)}), median of {args.runs} runs")
    print(f"at end: {load_note()}")
    print(f"{'command':40} {'wall time':>10} {'peak RSS':>10}")
    for kind, label in (("original", "original mnist_sequence_cli.py"), ("ours", "mnist-seq")):
        print(f"{label:40} {statistics.median(times[kind]):9.2f}s {max(peaks[kind]):7.0f} MiB")
    print(
        f"\nours / original wall time: {ratio:.2f}x (target <= 0.3x): "
        f"{'met' if ratio <= 0.3 else 'MISSED'}"
    )
    return 0 if ratio <= 0.3 else 1


if __name__ == "__main__":
    sys.exit(main())
