"""Speed of the core, side by side with the original project's code, in one process.

    python tests/benchmarks/bench_core.py            # full counts, about two minutes
    python tests/benchmarks/bench_core.py --quick    # a tenth of the counts, a smoke run

The baseline is the original code re-created call for call (tests/benchmarks/original.py:
float32 images made once at load, per-label Python lists, `random.choice`, `np.hstack`
of the image so far with a float32 ones gap and the next digit). All figures are for
5-digit sequences, width 160, spacing 0..10, filling the width (the original's strict
rule). Every run of every row is interleaved with the others (best of 5), so a busy
moment on a shared machine hits them alike.

One image per call: the original's generate_image_sequence (float32) is the baseline;
its API call (which adds * 255 -> uint8) is listed too. Ours get a fresh seed per call.

Batches of 100,000: against the original's loop over the same digits (one call per
image, a list, np.array at the end: its API call for uint8, its sequence call for
float32), and against the fill bound: an array of the same shape and dtype, allocated
fresh as the batch's is, filled with a constant by as many threads as the batch uses.
With `out=` the batch reuses a buffer, and its bound fills a reused buffer.

Targets (the Keep list of "One recipe, one door"): api.generate_mnist_sequence >= 1.0x
the original's one call per image; every uint8 batch (equal and random gaps) >= 20x the
original's loop. Printed for information only (retired targets): the random-gap batch's
share of its fill bound, and float32 batches against the float32 loop.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from original import OriginalAPI  # noqa: E402
from report import best_rates, load_note, print_targets  # noqa: E402

from mnist_seq_gui.api import MNIST_Sequence_API  # noqa: E402
from mnist_seq_gui.core import (  # noqa: E402
    Recipe,
    bundled_bank,
    compose,
    compose_batch,
    usable_cores,
)

LENGTH, WIDTH, SPACING = 5, 160, (0, 10)
RECIPE = Recipe(width=WIDTH, spacing=SPACING, placement="fill")  # the original's rule
REPEATS = 5
WIDE = 52  # name column


def threaded_fill(out: np.ndarray, threads: int) -> None:
    """Fill `out` with a constant, split into `threads` contiguous parts on as many threads."""
    per = -(-len(out) // threads)
    parts = [out[start : start + per] for start in range(0, len(out), per)]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        for _ in pool.map(lambda part: part.fill(1), parts):
            pass


def single_image_rows(n_calls: int, bank, original: OriginalAPI):
    rng = random.Random(0)
    sequences = [[rng.randrange(10) for _ in range(LENGTH)] for _ in range(n_calls)]
    api = MNIST_Sequence_API(seed=0)
    seeds = [rng.randrange(2**63) for _ in range(n_calls)]
    lo, hi = SPACING
    seq = original.sequence_object
    # Pixel tables built outside the timings, as the original's load is.
    for dtype in ("uint8", "float32"):
        compose(bank, RECIPE, sequences[0], 0, dtype=dtype)
    api.generate_mnist_sequence(sequences[0], SPACING, WIDTH)

    def run(fn):
        def calls():
            for i in range(n_calls):  # each image dropped before the next, as a loop
                fn(i)  # that saves or trains on each one does

        return calls

    fns = {
        "orig_seq": run(lambda i: seq.generate_image_sequence(sequences[i], lo, hi, WIDTH)),
        "orig_api": run(lambda i: original.generate_mnist_sequence(sequences[i], SPACING, WIDTH)),
        "api": run(lambda i: api.generate_mnist_sequence(sequences[i], SPACING, WIDTH)),
        "api_compose": run(lambda i: api.compose(sequences[i], SPACING, WIDTH)),
        "compose": run(lambda i: compose(bank, RECIPE, sequences[i], seeds[i], dtype="float32")),
        "compose_u8": run(lambda i: compose(bank, RECIPE, sequences[i], seeds[i])),
    }
    random.seed(0)
    rates = best_rates(fns, n_calls, REPEATS)
    base = rates["orig_seq"]
    names = {
        "orig_seq": "original generate_image_sequence (float32)",
        "orig_api": "original API generate_mnist_sequence (uint8)",
        "api": "ours: api.generate_mnist_sequence (float32)",
        "api_compose": "ours: api.compose (float32, with metadata)",
        "compose": "ours: core compose (float32)",
        "compose_u8": "ours: core compose (uint8)",
    }
    rows = [(names[k], rates[k], rates[k] / base, "") for k in fns]
    ratio = rates["api"] / base
    return rows, [
        ("api.generate_mnist_sequence vs original", f"{ratio:.2f}x", ">= 1.0x", ratio >= 1)
    ]


def batch_rows(n_batch: int, n_loop: int, threads: int, bank, original: OriginalAPI):
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 10, size=(n_batch, LENGTH))
    loop_digits = digits[:n_loop].tolist()
    lo, hi = SPACING
    seq = original.sequence_object
    recipes = {rule: RECIPE.replace(rule=rule) for rule in ("uniform", "random")}
    for recipe in recipes.values():  # tables built untimed
        for dtype in ("uint8", "float32"):
            compose_batch(bank, recipe, digits[:600], dtype=dtype)
    api = MNIST_Sequence_API(seed=0)
    rows, targets, info = [], [], []
    for dtype in ("uint8", "float32"):
        reused = np.empty((n_batch, 28, WIDTH), dtype)
        reused.fill(0)  # faulted in once, before any timing

        if dtype == "uint8":

            def loop():
                np.array([original.generate_mnist_sequence(d, SPACING, WIDTH) for d in loop_digits])
        else:

            def loop():
                np.array([seq.generate_image_sequence(d, lo, hi, WIDTH) for d in loop_digits])

        def batch(rule, out=None, dtype=dtype):
            return lambda: compose_batch(
                bank, recipes[rule], digits, 1, dtype=dtype, out=out, threads=threads
            )

        fns = {
            "loop": loop,
            "fill": lambda dtype=dtype: threaded_fill(
                np.empty((n_batch, 28, WIDTH), dtype), threads
            ),
            "uniform": batch("uniform"),
            "random": batch("random"),
            "fill_out": lambda reused=reused: threaded_fill(reused, threads),
            "uniform_out": batch("uniform", reused),
            "random_out": batch("random", reused),
        }
        counts = dict.fromkeys(fns, n_batch) | {"loop": n_loop}
        if dtype == "uint8":  # the whole generate_data calls, each drawing its digits
            fns["orig_data"] = lambda: original.generate_data(n_loop, LENGTH, SPACING, WIDTH)
            fns["data"] = lambda: api.generate_data(
                n_batch, LENGTH, SPACING, WIDTH, seed=1, dtype="uint8"
            )
            counts |= {"orig_data": n_loop, "data": n_batch}
        rates = best_rates(fns, counts, REPEATS)
        base = rates["loop"]
        loop_name = "API call" if dtype == "uint8" else "sequence call"
        rows.append((f"original loop, {loop_name} per image ({dtype})", base, 1.0, ""))
        for suffix, bound in (("", "fresh array"), ("_out", "reused array")):
            fill = rates["fill" + suffix]
            rows.append((f"fill bound, {bound} ({dtype})", fill, fill / base, ""))
            for rule, label in (("uniform", "equal gaps"), ("random", "random gaps")):
                rate = rates[rule + suffix]
                out = ", out=" if suffix else ""
                rows.append(
                    (
                        f"ours: batch, {label}{out} ({dtype})",
                        rate,
                        rate / base,
                        f"{rate / fill:.0%}",
                    )
                )
        for rule, label in (("uniform", "equal gaps"), ("random", "random gaps")):
            times = rates[rule] / base
            if dtype == "uint8":
                targets.append(
                    (
                        f"batch uint8, {label}: vs original loop",
                        f"{times:.1f}x",
                        ">= 20x",
                        times >= 20,
                    )
                )
            else:
                info.append((f"batch float32, {label}: vs float32 loop", f"{times:.1f}x", ">= 20x"))
        if dtype == "uint8":
            share = rates["random"] / rates["fill"]
            info.append(("batch uint8, random gaps: of fill bound", f"{share:.0%}", ">= 40%"))
            rows.append(("original generate_data (uint8)", rates["orig_data"], 1.0, ""))
            data = rates["data"]
            rows.append(("ours: api.generate_data (uint8)", data, data / rates["orig_data"], ""))
    return rows, targets, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the counts")
    parser.add_argument(
        "--threads",
        type=int,
        default=usable_cores(),
        help="threads for the batch and its fill bound (default: all usable)",
    )
    parser.add_argument(
        "--part", choices=("all", "single", "batch"), default="all", help="run only one part"
    )
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_single, n_batch, n_loop = 20_000 // scale, 100_000 // scale, 20_000 // scale

    bank = bundled_bank()
    original = OriginalAPI(np.asarray(bank.images), np.asarray(bank.labels))
    print(
        f"mnist-seq core benchmark: {usable_cores()} usable cores, batch threads {args.threads}, "
        f"Python {platform.python_version()}, numpy {np.__version__}; "
        f"{LENGTH} digits, width {WIDTH}, spacing {SPACING[0]}..{SPACING[1]}; best of {REPEATS}, "
        "runs interleaved",
        flush=True,
    )
    print(f"at start: {load_note()}", flush=True)
    single, targets, batch, info = [], [], [], []
    if args.part in ("all", "single"):
        single, targets = single_image_rows(n_single, bank, original)
    if args.part in ("all", "batch"):
        batch, batch_targets, info = batch_rows(n_batch, n_loop, args.threads, bank, original)
        targets += batch_targets

    if single:
        print(f"\none image per call, {n_single:,} calls")
        print(f"{'path':{WIDE}} {'images/s':>11} {'x original':>11}")
        for name, rate, ratio, _ in single:
            print(f"{name:{WIDE}} {rate:11,.0f} {ratio:10.2f}x")
    if batch:
        print(f"\nbatches of {n_batch:,} (original loop timed on {n_loop:,} images)")
        print(f"{'path':{WIDE}} {'images/s':>11} {'x original':>11} {'of fill':>8}")
        for name, rate, ratio, of_fill in batch:
            print(f"{name:{WIDE}} {rate:11,.0f} {ratio:10.1f}x {of_fill:>8}")
        print(
            f"\nfor information (retired targets, not checked)\n{'figure':{WIDE}} {'measured':>10}"
        )
        for name, measured, former in info:
            print(f"{name:{WIDE}} {measured:>10}  (former target {former})")
    print(f"at end: {load_note()}")
    return 0 if print_targets(targets, WIDE) else 1


if __name__ == "__main__":
    sys.exit(main())
