"""Dataset export speed and memory, side by side with the original project's loop.

    python tests/benchmarks/bench_dataset.py            # 100k npz, 20k PNG, 1M peak RSS
    python tests/benchmarks/bench_dataset.py --quick    # a tenth of that, for a smoke run

The baseline is the original project's generate_data loop (tests/benchmarks/original.py:
per image np.random.randint digits, its API call with random.choice and np.hstack per
step, * 255 to uint8, a list, np.array at the end), 5 touching digits (width 140); ours
is `export(SequenceDataset(...), out, fmt)`. Not collected by pytest (no test_
functions). Each timed run starts after os.sync() so that writeback from the previous
run does not land on the next one; the figure shown is the median of the runs (the
original's loop: one run). Peak RSS is measured in a fresh child process.
Targets (from the first edition): npz export (uint8) >= 20x the original loop, with and
without its np.savez; PNG export on every core >= 1.6x one process; peak RSS of a
1,000,000-image npz export < 1024 MiB. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT), str(Path(__file__).resolve().parent)]

from original import OriginalAPI  # noqa: E402
from PIL import Image  # noqa: E402
from report import interleaved, load_note, print_targets  # noqa: E402

from mnist_seq_gui.core import bundled_bank  # noqa: E402
from mnist_seq_gui.dataset import SequenceDataset, export  # noqa: E402

LENGTH = 5
SPACING = 0
WIDTH = 28 * LENGTH  # five touching digits, as in the original's common use


# --- the original project's code (tests/benchmarks/original.py) --------------------

_ORIGINAL: list[OriginalAPI] = []


def original_api() -> OriginalAPI:
    """The original API object, made once (its float32 load is not timed, as our bank's
    load is not)."""
    if not _ORIGINAL:
        bank = bundled_bank()
        _ORIGINAL.append(OriginalAPI(np.asarray(bank.images), np.asarray(bank.labels)))
    return _ORIGINAL[0]


def original_generate_data(count: int):
    """The original generate_data loop: per image np.random.randint digits, its API call
    (hstack per step, * 255 -> uint8), a list, np.array at the end."""
    return original_api().generate_data(count, LENGTH, (SPACING, SPACING), WIDTH)


def original_npz(folder: Path, count: int) -> None:
    data, targets = original_generate_data(count)
    np.savez(folder / "original.npz", images=data, labels=targets)


def original_png(folder: Path, count: int) -> None:
    api = original_api()
    for i in range(count):  # the original saved one image at a time (its save_image)
        digits = np.random.randint(0, 10, LENGTH)
        img = api.generate_mnist_sequence(digits, (SPACING, SPACING), WIDTH)
        Image.fromarray(img).save(folder / f"{i}.png")


# --- timing helpers -----------------------------------------------------------------


def timed(scratch: Path, runs: int, **works) -> dict[str, float]:
    """Median seconds of each work(folder), interleaved (report.interleaved)."""
    return interleaved(scratch, runs, works)


_RSS_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from mnist_seq_gui.dataset import SequenceDataset, export
from bench_dataset import original_generate_data
count, kind, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
start = time.perf_counter()
if kind == "ours":
    export(SequenceDataset(count=count, min_length=5, max_length=5, dtype="uint8"), out, "npz")
else:
    original_generate_data(count)
# VmHWM belongs to this process image; ru_maxrss would include the parent's peak,
# which a vfork-started child inherits.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(hwm.split()[1], time.perf_counter() - start)
"""


def peak_rss(kind: str, count: int, scratch: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one run in a fresh child process."""
    out = scratch / f"rss-{kind}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), str(REPO_ROOT)]))
    result = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD.format(root=str(REPO_ROOT)), str(count), kind, str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    shutil.rmtree(out, ignore_errors=True)
    kib, seconds = result.stdout.split()
    return int(kib) / 1024, float(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (median)")
    parser.add_argument("--scratch", help="folder for the exports (default: a temporary one)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_npz, n_png, n_rss = 100_000 // scale, 20_000 // scale, 1_000_000 // scale
    n_rss_original = 100_000 // scale  # 1M would need ~31 GB; extrapolated linearly
    scratch = Path(tempfile.mkdtemp(prefix="bench-dataset-", dir=args.scratch))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"mnist-seq dataset benchmark: {cores} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, {args.runs} runs each (median)",
        flush=True,
    )
    print(f"at start: {load_note()}", flush=True)
    bundled_bank()  # both sides start with the digits loaded
    try:
        u8 = SequenceDataset(count=n_npz, min_length=LENGTH, max_length=LENGTH, dtype="uint8")
        f32 = SequenceDataset(count=n_npz, min_length=LENGTH, max_length=LENGTH, dtype="float32")
        png = SequenceDataset(count=n_png, min_length=LENGTH, max_length=LENGTH, dtype="uint8")
        u8[:8], f32[:8]  # build the pixel tables outside the timing
        rows = []

        original_api()
        t = timed(scratch, 1, loop=lambda f: original_generate_data(n_npz))
        t |= timed(scratch, 1, original_npz=lambda f: original_npz(f, n_npz))
        t |= timed(
            scratch,
            args.runs,
            u8=lambda f: export(u8, f / "out", "npz"),
            f32=lambda f: export(f32, f / "out", "npz"),
        )
        rows += [
            (f"npz {n_npz:,} x 5, uint8 vs loop + np.savez", n_npz, "original_npz", "u8", 20),
            (f"npz {n_npz:,} x 5, uint8 vs loop alone", n_npz, "loop", "u8", 20),
            (f"npz {n_npz:,} x 5, float32 vs loop + np.savez", n_npz, "original_npz", "f32", 0),
        ]
        t |= timed(scratch, 1, original_png=lambda f: original_png(f, n_png))
        t |= timed(
            scratch,
            args.runs,
            png1=lambda f: export(png, f / "out", "png", workers=1),
            png_pool=lambda f: export(png, f / "out", "png", workers=cores),
        )
        rows += [
            (f"PNG {n_png:,}: {cores} workers vs 1 process", n_png, "png1", "png_pool", 1.6),
            (
                f"PNG {n_png:,}: {cores} workers vs original + PIL",
                n_png,
                "original_png",
                "png_pool",
                0,
            ),
        ]

        ours_mib, ours_s = peak_rss("ours", n_rss, scratch)
        orig_mib, _ = peak_rss("original", n_rss_original, scratch)
        orig_extrapolated = orig_mib * n_rss / n_rss_original
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"\n{'throughput, images/s (seconds)':48} {'baseline':>16} {'mnist-seq':>16} "
        f"{'ratio':>6}  target"
    )
    targets = []
    for name, count, base_key, ours_key, goal in rows:
        base, ours = t[base_key], t[ours_key]
        ratio, target = base / ours, f">= {goal:g}x" if goal else ""
        print(
            f"{name:48} {count / base:9,.0f} ({base:5.2f}s) {count / ours:9,.0f} ({ours:5.2f}s) "
            f"{ratio:5.1f}x  {target}"
        )
        if goal:
            targets.append((name, f"{ratio:.1f}x", target, ratio >= goal))
    print(f"\n{'peak RSS':48} {'original':>16} {'mnist-seq':>16} {'ratio':>6}  target")
    print(
        f"{f'npz {n_rss:,} x 5, uint8 ({ours_s:.1f} s)':48} "
        f"{orig_extrapolated:12,.0f} MiB {ours_mib:12,.0f} MiB "
        f"{orig_extrapolated / ours_mib:5.0f}x  < 1024 MiB"
    )
    print(
        f"  (original measured at {n_rss_original:,} images: {orig_mib:,.0f} MiB, scaled linearly; "
        "it holds every image twice, and its float32 digits)"
    )
    print(f"at end: {load_note()}")
    rss = (f"peak RSS, npz {n_rss:,} x 5", f"{ours_mib:,.0f} MiB", "< 1024 MiB", ours_mib < 1024)
    return 0 if print_targets([*targets, rss], 48) else 1


if __name__ == "__main__":
    sys.exit(main())
