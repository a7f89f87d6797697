"""Export speed where users wait on files: PNG encoding against a plain Pillow loop, and
loading a Parquet export in Hugging Face `datasets` against the PNG folder.

    python tests/benchmarks/bench_export_speed.py            # 10k detection PNGs, 100k rows, 1M npz
    python tests/benchmarks/bench_export_speed.py --quick    # a tenth of that

PNG: the detection recipe of the issue, `mnist-seq dataset --count 10000 --width 300
--height 300 --length 1-10 --placement free --rule random --seed 1` (made by the command
line's own parser), exported as a PNG folder (`export(..., "png")`: a PNG per image, as
the loop writes, plus metadata.jsonl) on 1 and 2 worker processes, against the loop a
user would write: the same images composed by the library in batches of 256
(`ds[a:b]`), each saved with `Image.fromarray(image).save(path)` at Pillow's default
settings, in one process. The YOLO export of the issue's command (a label file per
image too) is shown beside it. The files' bytes are compared too (images only). Each
timed run starts after os.sync() in a fresh folder; the figure is the median of the
runs, interleaved.

Parquet: `load_dataset("parquet", data_files=...)` of a Parquet export against
`load_dataset("imagefolder", data_dir=...)` of the PNG folder of the same items (the
README's val recipe: --length 3-8 --spacing 0 80 --rule random), each into a fresh
cache folder (what a first load costs).

Compressed npz: `mnist-seq dataset --count 1000000 --length 5 --compress` in a child
process; its peak RSS (VmHWM: it starts no workers) and its size against the
uncompressed export's, which is the zip's own record of each member's size.

Not collected by pytest (no test_ functions). Targets: PNG export >= 1.8x the loop on
one worker, >= 3x on two, bytes <= 1.25x the loop's; Parquet load >= 10x faster;
compressed npz peak RSS < 250 MB and <= 35% of the bytes. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO_ROOT), str(Path(__file__).resolve().parent)]

from PIL import Image  # noqa: E402
from report import interleaved, load_note, print_targets  # noqa: E402

from mnist_seq_gui.dataset import SequenceDataset, export  # noqa: E402
from mnist_seq_gui.dataset.cli import build_parser, config_from_args  # noqa: E402

DETECTION = "--width 300 --height 300 --length 1-10 --placement free --rule random --seed 1"
VAL = "--length 3-8 --spacing 0 80 --rule random --seed 2"


def dataset(options: str, count: int) -> SequenceDataset:
    """The data set `mnist-seq dataset --count COUNT OPTIONS` writes."""
    args = build_parser().parse_args([*options.split(), "--count", str(count), "--out", "x"])
    return SequenceDataset(config_from_args(args)[0])


def plain_loop(ds: SequenceDataset, folder: Path) -> None:
    """What a user writes: compose with the library, save each image with Pillow."""
    for start in range(0, len(ds), 256):
        batch = ds[start : start + 256]
        for r, image in enumerate(batch["image"]):
            Image.fromarray(image).save(folder / f"{start + r:06d}.png")


def timed(scratch: Path, runs: int, works: dict[str, Callable[[Path], object]]) -> dict:
    """(median seconds, bytes of the PNGs written) of each work(folder), interleaved."""
    sizes: dict[str, int] = {}
    medians = interleaved(scratch, runs, works, sizes)
    return {name: (medians[name], sizes[name]) for name in works}


def hf_load(kind: str, where: Path, cache: Path) -> float:
    """Seconds of one first load_dataset of `where` into the fresh folder `cache`."""
    from datasets import load_dataset

    shutil.rmtree(cache, ignore_errors=True)
    start = time.perf_counter()
    if kind == "parquet":
        loaded = load_dataset("parquet", data_files=str(where / "*.parquet"), cache_dir=str(cache))
    else:
        loaded = load_dataset("imagefolder", data_dir=str(where), cache_dir=str(cache))
    seconds = time.perf_counter() - start
    assert loaded["train"].num_rows > 0
    return seconds


_NPZ_CHILD = """
import sys, time
from mnist_seq_gui.dataset.cli import main
start = time.perf_counter()
main(["--count", sys.argv[1], "--length", "5", "--seed", "1", "--compress", "--quiet",
      "--out", sys.argv[2]])
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(hwm.split()[1], time.perf_counter() - start)
"""


def compressed_npz(count: int, scratch: Path) -> tuple[float, float, float]:
    """(peak RSS in MB, seconds, bytes / uncompressed bytes) of a compressed export."""
    out = scratch / "npz"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-c", _NPZ_CHILD, str(count), str(out)],
                          capture_output=True, text=True, env=env, check=True)  # fmt: skip
    kib, seconds = done.stdout.split()[-2:]
    path = out / "dataset.npz"
    with zipfile.ZipFile(path) as archive:
        plain = sum(info.file_size for info in archive.infolist())
    ratio = path.stat().st_size / plain
    shutil.rmtree(out)
    return int(kib) * 1024 / 1e6, float(seconds), ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (median)")
    parser.add_argument("--rows", type=int, help="items of the Parquet comparison")
    parser.add_argument("--scratch", help="folder for the exports (default: a temporary one)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_png, n_rows = 10_000 // scale, args.rows or 100_000 // scale
    n_npz = 1_000_000 // scale
    scratch = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.scratch))
    import numpy as np

    print(
        f"mnist-seq export speed: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, Pillow {Image.__version__}, {args.runs} runs (median)",
        flush=True,
    )
    print(f"at start: {load_note()}", flush=True)
    try:
        ds = dataset(DETECTION, n_png)
        ds[:8]  # pixel tables built outside the timing
        t = timed(
            scratch,
            args.runs,
            {
                "loop": lambda f: plain_loop(ds, f),
                "png 1": lambda f: export(ds, f / "out", "png", workers=1),
                "png 2": lambda f: export(ds, f / "out", "png", workers=2),
                "yolo 1": lambda f: export(ds, f / "out", "yolo", workers=1),
                "yolo 2": lambda f: export(ds, f / "out", "yolo", workers=2),
            },
        )
        val = dataset(VAL, n_rows)
        export(val, scratch / "png", "png")
        export(val, scratch / "parquet", "parquet")
        loads: dict[str, list[float]] = {"png": [], "parquet": []}
        for _ in range(2 if n_rows > 20_000 else args.runs):
            for kind in loads:
                loads[kind].append(hf_load(kind, scratch / kind, scratch / "cache"))
        load = {kind: min(seconds) for kind, seconds in loads.items()}
        parquet_mb = sum(p.stat().st_size for p in (scratch / "parquet").glob("*.parquet")) / 1e6
        shutil.rmtree(scratch / "png")
        rss_mb, npz_s, npz_ratio = compressed_npz(n_npz, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    loop_s, loop_bytes = t["loop"]
    print(f"\nPNG export, {n_png:,} detection images (300 x 300, 1-10 digits), images/s:")
    print(f"  plain Pillow loop, 1 process   {n_png / loop_s:8,.0f} ({loop_s:.2f} s)")
    targets = []
    for fmt, workers, goal in (("png", 1, 1.8), ("png", 2, 3.0), ("yolo", 1, 0), ("yolo", 2, 0)):
        seconds, size = t[f"{fmt} {workers}"]
        ratio = loop_s / seconds
        print(
            f"  export(..., {fmt!r}), {workers} worker{'s' if workers > 1 else ' '}  "
            f"{n_png / seconds:8,.0f} ({seconds:.2f} s)  {ratio:.2f}x  "
            f"bytes {size / loop_bytes:.2f}x"
        )
        if goal:
            targets.append((f"PNG export, {workers} worker(s) vs loop", f"{ratio:.2f}x",
                            f">= {goal:g}x", ratio >= goal))  # fmt: skip
    size_ratio = t["png 1"][1] / loop_bytes
    targets.append(("PNG bytes vs loop", f"{size_ratio:.2f}x", "<= 1.25x", size_ratio <= 1.25))
    speedup = load["png"] / load["parquet"]
    print(f"\nHugging Face load_dataset of {n_rows:,} items (fresh cache, best of runs):")
    print(f"  PNG folder (imagefolder)  {load['png']:7.2f} s")
    print(f"  Parquet ({parquet_mb:,.0f} MB)       {load['parquet']:7.2f} s  {speedup:.1f}x faster")
    targets.append(("Parquet load vs PNG folder", f"{speedup:.1f}x", ">= 10x", speedup >= 10))
    print(f"\n--compress npz of {n_npz:,} plain 5-digit images: {npz_s:.1f} s, peak RSS "
          f"{rss_mb:,.0f} MB, {npz_ratio:.1%} of the uncompressed bytes")  # fmt: skip
    targets.append(("compressed npz peak RSS", f"{rss_mb:,.0f} MB", "< 250 MB", rss_mb < 250))
    targets.append(("compressed npz bytes", f"{npz_ratio:.1%}", "<= 35%", npz_ratio <= 0.35))
    print(f"at end: {load_note()}")
    return 0 if print_targets(targets, 40) else 1


if __name__ == "__main__":
    sys.exit(main())
