"""Timing and reporting shared by the benchmarks: interleaved best-of runs, target tables."""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path


def best_rates(
    fns: Mapping[str, Callable[[], object]], counts: Mapping[str, int] | int, repeats: int
) -> dict[str, float]:
    """Items per second of each fn (the best of `repeats` runs), the runs interleaved so
    that a busy moment on a shared machine hits every fn alike."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    count = (lambda name: counts) if isinstance(counts, int) else counts.__getitem__
    return {name: count(name) / seconds for name, seconds in best.items()}


def print_targets(targets: list[tuple[str, str, str, bool]], width: int) -> bool:
    """Print (name, measured, target, met) rows; True if every target is met."""
    print(f"\n{'target':{width}} {'measured':>10} {'target':>9}")
    for name, measured, target, ok in targets:
        print(f"{name:{width}} {measured:>10} {target:>9}  {'met' if ok else 'MISSED'}")
    met = all(ok for *_, ok in targets)
    print("all targets met" if met else "SOME TARGETS MISSED")
    return met


def load_note() -> str:
    """The machine's load average, printed with every report: these figures are only
    comparable between runs on an equally busy machine (ratios hold up better)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not every OS reports it
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)"


def interleaved(
    scratch: Path,
    runs: int,
    works: Mapping[str, Callable[[Path], object]],
    png_bytes: dict[str, int] | None = None,
) -> dict[str, float]:
    """Median seconds of each work(folder), `runs` rounds, interleaved so that each sees
    the same state of the machine; every call gets a fresh folder after os.sync().
    `png_bytes`, if given, receives the bytes of the PNGs each work left in its folder."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            folder = scratch / name
            folder.mkdir()
            os.sync()
            start = time.perf_counter()
            work(folder)
            times[name].append(time.perf_counter() - start)
            if png_bytes is not None:
                png_bytes[name] = sum(p.stat().st_size for p in folder.rglob("*.png"))
            shutil.rmtree(folder)
    return {name: statistics.median(values) for name, values in times.items()}
