"""Speed of per-digit style, side by side with a per-digit Pillow loop, in one process.

    python tests/benchmarks/bench_style.py [--quick]

The styled batch: 5-digit sequences, slant -20..20 degrees, rotation -10..10, scale
0.8..1.2, each digit's cell at a random height in a 40 px canvas (width 160, uniform
5 px gaps), 100,000 images, uint8, dark on white.

Both sides start from the same recipe and do the same work: draw each digit's MNIST
image, style and height (the core's keyed draws, timed on both sides), warp every
digit by its affine transform with bilinear interpolation, and place it in its image.
The baseline does the warp with Pillow one digit at a time (`Image.fromarray`,
`Image.transform(AFFINE, BILINEAR)` with the same inverse matrix, `np.asarray`, pasted
into the image); ours is one `compose_batch` call, which warps whole groups of digits
that share a style on every core (and on one thread, `threads=1`, for information).
Ours also computes every digit's ink box; the baseline does not. Before timing, the
baseline's draws are checked to be the batch's own (MNIST images, cells, sizes).
Target: ours (every core) >= 10x the Pillow loop; exit status 1 when it is missed.
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

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]

from report import load_note, print_targets  # noqa: E402

from mnist_seq_gui.core import Recipe, Variation, bundled_bank, compose_batch  # noqa: E402
from mnist_seq_gui.core.draws import (  # noqa: E402
    INDEX,
    keyed,
    pick,
    style_codes,
    y_offsets,
)
from mnist_seq_gui.core.warp import style_grid_of  # noqa: E402

N_DIGITS, WIDTH, HEIGHT, GAP, SEED = 5, 160, 40, 5, 1
VARIATION = Variation(
    height=HEIGHT,
    jitter_y=(0, HEIGHT - 28),
    slant=(-20, 20),
    rotation=(-10, 10),
    scale=(0.8, 1.2),
)
RECIPE = Recipe(width=WIDTH, spacing=(GAP, GAP), placement="fill", variation=VARIATION)
TARGET = 10.0


def draws(bank, digits: np.ndarray):
    """Everything drawn from the seed, as the core draws it: MNIST indices, x and y of
    each cell, and each digit's slant, rotation and scale."""
    items = np.arange(len(digits), dtype=np.uint64)
    pool = bank.pool(RECIPE.pool)
    indices = pick(*pool.index(), digits, keyed(SEED, items, INDEX, N_DIGITS))
    x = np.broadcast_to(np.arange(N_DIGITS) * (28 + GAP), digits.shape)
    y = y_offsets(SEED, items, N_DIGITS, VARIATION.y_range)
    grid = style_grid_of(VARIATION).values
    codes = style_codes(SEED, items, N_DIGITS, grid)
    styles = {
        name: grid[name][codes[name]] if name in codes else np.full(digits.shape, grid[name][0])
        for name in ("slant", "rotation", "scale")
    }
    return indices, x, y, styles


def ours(bank, digits, threads: int | None = None) -> np.ndarray:
    """The public door: one compose_batch call with the variation."""
    return compose_batch(bank, RECIPE, digits, SEED, threads=threads).pixels


def pillow_loop(bank, digits) -> np.ndarray:
    """The same batch with Pillow doing each digit's warp, one digit at a time."""
    indices, x, y, styles = draws(bank, digits)
    slant, rotation, scale = (styles[p].tolist() for p in ("slant", "rotation", "scale"))
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


def check_same_draws(bank, digits) -> None:
    """The baseline draws exactly what the batch drew: same images, cells and heights."""
    batch = compose_batch(bank, RECIPE, digits, SEED)
    indices, x, y, _ = draws(bank, digits)
    for name, mine, theirs in (
        ("MNIST indices", indices, batch.indices),
        ("cell x", x, batch.offsets),
        ("cell y", y, batch.y_offsets),
    ):
        if not np.array_equal(mine, theirs):
            raise SystemExit(f"bench_style: the baseline's {name} differ from the batch's")


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 images, for a smoke run")
    args = parser.parse_args(argv)
    count = 10_000 if args.quick else 100_000
    repeats = 2 if args.quick else 3
    bank = bundled_bank()
    digits = np.random.default_rng(0).integers(0, 10, size=(count, N_DIGITS))
    check_same_draws(bank, digits[:2000])  # also makes sampling maps, outside the timings
    print(f"at start: {load_note()}", flush=True)

    best = {"pillow": math.inf, "ours": math.inf, "ours, 1 thread": math.inf}
    results = {}
    for _ in range(repeats):  # interleaved, so a noisy moment hits every side alike
        for name, fn in (
            ("pillow", lambda: pillow_loop(bank, digits)),
            ("ours", lambda: ours(bank, digits)),
            ("ours, 1 thread", lambda: ours(bank, digits, threads=1)),
            ("ours", lambda: ours(bank, digits)),  # ours is quick: two tries per round
            ("ours, 1 thread", lambda: ours(bank, digits, threads=1)),
        ):
            seconds, results[name] = timed(fn)
            best[name] = min(best[name], seconds)
    diff = np.abs(results["ours"].astype(np.int16) - results["pillow"])
    assert np.array_equal(results["ours"], results["ours, 1 thread"])
    print(
        f"styled batch: {count:,} images of {N_DIGITS} digits, {HEIGHT} x {WIDTH} uint8, "
        f"slant {VARIATION.slant}, rotation {VARIATION.rotation}, scale {VARIATION.scale}, "
        f"y jitter 0..{HEIGHT - 28}; best of {repeats} (Pillow) or {2 * repeats} (ours), "
        f"interleaved; {os.cpu_count()} cores"
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
    print(f"at end: {load_note()}")
    ratio = base / best["ours"]
    met = print_targets(
        [("styled batch vs Pillow loop", f"{ratio:.1f}x", f">= {TARGET:.0f}x", ratio >= TARGET)],
        34,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
