"""Speed of the core, side by side with the original algorithm, in one process.

    python tests/benchmarks/bench_core.py [--quick]

Prints images/second for: the original algorithm (re-implemented: per-digit random
choice and horizontal stacking in a Python loop, float32 output), our single-image
path, our vectorised batch (5 digits, W = 160, uint8 and float32), and the fill bound
(only filling arrays of the same size and dtype). Targets: single >= 1.5x original;
batch >= 20x original and >= 40% of the fill bound, for each dtype.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose, compose_batch


class OriginalGenerator:
    """The original project's algorithm: a label map of index lists, one digit at a time."""

    def __init__(self, images: np.ndarray, labels: np.ndarray):
        self.images = images
        self.label_map = {d: [i for i, label in enumerate(labels) if label == d] for d in range(10)}

    def generate(self, digits, spacing_range, total_width) -> np.ndarray:
        n = len(digits)
        spacing = (total_width - n * 28) / ((n - 1) * 1.0)
        if not (spacing.is_integer() and spacing_range[0] <= spacing <= spacing_range[1]):
            raise ValueError("no uniform spacing")
        gap = np.ones((28, int(spacing)), dtype=np.float32)
        image = None
        for digit in digits:
            index = np.random.choice(self.label_map[digit])
            digit_image = 1.0 - self.images[index].astype(np.float32) / 255.0
            image = digit_image if image is None else np.hstack((image, gap, digit_image))
        return image.astype(np.float32)


def best_rate(fn, count: int, repeats: int) -> float:
    """Images per second: the best of `repeats` runs of fn(), which makes `count` images."""
    return best_rates([fn], count, repeats)[0]


def best_rates(fns, count: int, repeats: int) -> list[float]:
    """Like best_rate for several functions, their runs interleaved so that a noisy
    moment on this shared machine hits them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - start)
    return [count / seconds for seconds in best]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    args = parser.parse_args()
    n_single = 2_000 if args.quick else 20_000
    n_batch = 10_000 if args.quick else 100_000
    repeats = 5

    bank = bundled_bank()
    original = OriginalGenerator(np.asarray(bank.images), np.asarray(bank.labels))
    np.random.seed(0)
    rng = np.random.default_rng(0)
    sequences = rng.integers(0, 10, size=(max(n_single, n_batch), 5))
    width, spacing = 160, (0, 10)
    specs = [SequenceSpec(tuple(row), width, *spacing) for row in sequences[:n_single].tolist()]
    bank.output_table(False)  # built once, outside the timings
    bank.padded_rows(5, False)

    def run_original():
        for row in sequences[:n_single].tolist():
            original.generate(row, spacing, width)

    def run_single():
        for seed, spec in enumerate(specs):
            compose(bank, spec, seed)

    rows = []
    base = best_rate(run_original, n_single, repeats)
    rows.append(("original algorithm (float32, loop)", base, None))
    rows.append(("ours, single image (float32)", best_rate(run_single, n_single, repeats), None))
    for dtype in (np.uint8, np.float32):
        digits = sequences[:n_batch]

        def run_batch(dtype=dtype, digits=digits):
            compose_batch(bank, digits, width, *spacing, "uniform", seed=1, dtype=dtype)

        def run_fill(dtype=dtype):
            np.empty((n_batch, 28, width), dtype=dtype).fill(1)

        def run_random(dtype=dtype, digits=digits):
            compose_batch(bank, digits, width, *spacing, "random", seed=1, dtype=dtype)

        fill, batch, random_gaps = best_rates([run_fill, run_batch, run_random], n_batch, repeats)
        name = np.dtype(dtype).name
        rows.append((f"ours, batch of {n_batch:,} ({name})", batch, fill))
        rows.append((f"fill bound ({name})", fill, None))
        rows.append((f"ours, batch, random gaps ({name})", random_gaps, fill))

    print(
        f"5-digit sequences, width {width}, spacing {spacing[0]}..{spacing[1]}; "
        f"best of {repeats}, runs interleaved; equal-gap batches use {os.cpu_count()} "
        "threads, the fill bound one"
    )
    print(f"{'path':44} {'images/s':>12} {'x original':>11} {'of fill':>8}")
    for name, rate, fill in rows:
        of_fill = f"{rate / fill:7.0%}" if fill else ""
        print(f"{name:44} {rate:12,.0f} {rate / base:10.1f}x {of_fill:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
