"""Speed of per-digit style, side by side with a per-digit Pillow loop, in one process.

    python tests/benchmarks/bench_style.py [--quick]

The styled batch of issue 8: 5-digit sequences, slant -20..20 degrees, rotation
-10..10, scale 0.8..1.2, each digit's cell at a random height in a 40 px canvas
(width 160, uniform 5 px gaps), 100,000 images, uint8, dark on white.

Both sides start from the same recipe and do the same work: draw each digit's MNIST
image, style and height (the core's keyed draws, timed on both sides), warp every
digit by its affine transform with bilinear interpolation, and place it in its image.
The baseline does the warp with Pillow one digit at a time (`Image.fromarray`,
`Image.transform(AFFINE, BILINEAR)` with the same inverse matrix, `np.asarray`, pasted
into the image); ours warps whole groups of digits that share a style. Ours also
computes every digit's ink box; the baseline does not. Target: >= 10x.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mnist_seq_gui.core import DigitStyle, Variation, bundled_bank, compose_batch
from mnist_seq_gui.core.canvas import draw_offsets_y, render_canvas
from mnist_seq_gui.core.layout import batch_offsets
from mnist_seq_gui.core.spec import draw_gaps, draw_indices
from mnist_seq_gui.core.style import draw_styles

N_DIGITS, WIDTH, HEIGHT, GAP, SEED = 5, 160, 40, 5, 1
STYLE = DigitStyle(slant=(-20, 20), rotation=(-10, 10), scale=(0.8, 1.2))
VARIATION = Variation(height=HEIGHT, jitter_y=(0, HEIGHT - 28), style=STYLE)


def recipe(bank, digits: np.ndarray):
    """Everything drawn from the seed: MNIST indices, x and y of each cell, styles."""
    items = np.arange(len(digits), dtype=np.uint64)
    indices = draw_indices(bank, digits, SEED, items)
    gaps = draw_gaps(N_DIGITS, WIDTH, GAP, GAP, "uniform", SEED, items)
    x = batch_offsets(gaps)
    y = draw_offsets_y(0, HEIGHT - 28, SEED, items, N_DIGITS)
    return indices, x, y, draw_styles(STYLE, SEED, items, N_DIGITS)


def ours(bank, digits) -> np.ndarray:
    """The public door: one compose_batch call with the variation."""
    batch = compose_batch(
        bank, digits, WIDTH, GAP, GAP, seed=SEED, dtype=np.uint8, variation=VARIATION
    )
    return batch.pixels


def ours_one_thread(bank, digits) -> np.ndarray:
    """The same work by the core's pieces, with the renderer held to one thread."""
    indices, x, y, draws = recipe(bank, digits)
    pixels, _ = render_canvas(
        bank, indices, x, y, HEIGHT, WIDTH, draws=draws, dtype=np.uint8, threads=1
    )
    return pixels


def pillow_loop(bank, digits) -> np.ndarray:
    """The same batch with Pillow doing each digit's warp, one digit at a time."""
    indices, x, y, draws = recipe(bank, digits)
    slant, rotation, scale = (draws.values(p).tolist() for p in ("slant", "rotation", "scale"))
    out = np.empty((len(digits), HEIGHT, WIDTH), np.uint8)
    images = bank.images
    for r, (row, xs, ys) in enumerate(zip(indices.tolist(), x.tolist(), y.tolist())):
        canvas = np.zeros((HEIGHT, WIDTH), np.uint8)
        for j, index in enumerate(row):
            t = math.tan(math.radians(slant[r][j]))
            c = math.cos(math.radians(rotation[r][j]))
            s = math.sin(math.radians(rotation[r][j]))
            k = scale[r][j]
            a, b, d, e = (c + t * s) / k, (t * c - s) / k, s / k, c / k
            # Pillow maps output (x, y) to input (a x + b y + c, d x + e y + f), pixel
            # centres at +0.5: this turns about the cell centre (14, 14).
            data = (a, b, 14 - 14 * (a + b), d, e, 14 - 14 * (d + e))
            warped = Image.fromarray(images[index]).transform(
                (28, 28), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR
            )
            canvas[ys[j] : ys[j] + 28, xs[j] : xs[j] + 28] = np.asarray(warped)
        np.subtract(255, canvas, out=out[r])
    return out


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 images, for a smoke run")
    args = parser.parse_args()
    count = 10_000 if args.quick else 100_000
    repeats = 2 if args.quick else 3
    bank = bundled_bank()
    digits = np.random.default_rng(0).integers(0, 10, size=(count, N_DIGITS))
    ours(bank, digits[:2000])  # sampling maps and tables made once, outside the timings

    best = {"pillow": math.inf, "ours": math.inf, "ours, 1 thread": math.inf}
    results = {}
    for _ in range(repeats):  # interleaved, so a noisy moment hits every side alike
        for name, fn in (
            ("pillow", lambda: pillow_loop(bank, digits)),
            ("ours", lambda: ours(bank, digits)),
            ("ours, 1 thread", lambda: ours_one_thread(bank, digits)),
            ("ours", lambda: ours(bank, digits)),  # ours is quick: two tries per round
            ("ours, 1 thread", lambda: ours_one_thread(bank, digits)),
        ):
            seconds, results[name] = timed(fn)
            best[name] = min(best[name], seconds)
    diff = np.abs(results["ours"].astype(np.int16) - results["pillow"])
    assert np.array_equal(results["ours"], results["ours, 1 thread"])
    print(
        f"styled batch: {count:,} images of {N_DIGITS} digits, {HEIGHT} x {WIDTH} uint8, "
        f"slant {STYLE.slant}, rotation {STYLE.rotation}, scale {STYLE.scale}, "
        f"y jitter 0..{HEIGHT - 28}; best of {repeats} (Pillow) or {2 * repeats} (ours), "
        f"interleaved; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    )
    base = best["pillow"]
    print(f"{'path':34} {'seconds':>8} {'images/s':>10} {'us/digit':>9} {'x Pillow':>9}")
    for name, seconds in best.items():
        per_digit = seconds / (count * N_DIGITS) * 1e6
        print(
            f"{name:34} {seconds:8.2f} {count / seconds:10,.0f} {per_digit:9.2f} "
            f"{base / seconds:8.1f}x"
        )
    print(
        f"pixels, ours vs Pillow: mean |difference| {diff.mean():.3f} grey levels, "
        f"{(diff > 8).mean():.4%} of pixels differ by more than 8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
