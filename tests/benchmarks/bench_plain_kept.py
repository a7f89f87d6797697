"""Plain recipes (no variation) against an earlier version of mnist-seq, in one process.

    python tests/benchmarks/bench_plain_kept.py [--baseline REV] [--quick]

The baseline's package is taken from git (`git archive REV`, default f876b33: the last
revision of the second edition, before "One recipe, one door") and loaded beside this
checkout's under another name; both then make the same plain images, runs interleaved
(order alternating), best of 6. The two APIs differ, so each side gets a small adapter:
revisions before the Recipe call `compose(bank, SequenceSpec(digits, width, lo, hi),
seed)` and `compose_batch(bank, digits, width, lo, hi, rule, seed=...)` with float32 by
default; this checkout calls `compose(bank, recipe, digits, seed, dtype=...)` and
`compose_batch(bank, recipe, digits, seed, dtype=...)` with a Recipe that fills the
width. Before timing, the two sides' pixels are compared (a recipe gives the same pixels
in every version): a difference is printed, since the sides would then not do the same
work. Target: every path of this checkout within 10% of the baseline (ratio <= 1.10);
exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import load_note, print_targets  # noqa: E402

BASELINE = "f876b33"  # the second edition's last revision
WIDTH, SPACING = 160, (0, 10)
REPEATS = 6


def load(alias: str, root: Path):
    """Import the package under `root` as `alias`; returns (core, dataset)."""
    init = root / "mnist_seq_gui" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        alias, init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{alias}.core"), importlib.import_module(f"{alias}.dataset")


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "mnist_seq_gui", "data"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def adapter(core, dataset):
    """(one image, batch, data set) callables of one version, whichever API it has."""
    bank = core.bundled_bank()
    lo, hi = SPACING
    if hasattr(core, "Recipe"):  # this edition: one Recipe
        recipe = core.Recipe(width=WIDTH, spacing=SPACING, placement="fill")

        def one(digits, seed):
            return core.compose(bank, recipe, digits, seed, dtype="float32").pixels

        def batch(digits, rule, dtype):
            return core.compose_batch(bank, recipe.replace(rule=rule), digits, 1, dtype=dtype)

        def data_set(count):
            return dataset.SequenceDataset(
                count=count, min_length=3, max_length=6, spacing=(0, 60), rule="random",
                seed=3, dtype="uint8",
            )  # fmt: skip
    else:  # earlier editions: SequenceSpec, compose_batch's layout given positionally

        def one(digits, seed):
            return core.compose(bank, core.SequenceSpec(tuple(digits), WIDTH, lo, hi), seed).pixels

        def batch(digits, rule, dtype):
            return core.compose_batch(bank, digits, WIDTH, lo, hi, rule, seed=1, dtype=dtype)

        def data_set(count):
            return dataset.SequenceDataset(
                count=count, min_length=3, max_length=6, max_spacing=60, rule="random",
                seed=3, dtype="uint8",
            )  # fmt: skip

    return one, batch, data_set


def cases(versions: dict, scale: int) -> dict[str, dict[str, object]]:
    digits = np.random.default_rng(0).integers(0, 10, (100_000 // scale, 5))
    rows = digits[: 5000 // scale].tolist()
    made: dict[str, dict[str, object]] = {}
    for name, (one, batch, data_set) in versions.items():
        ds = data_set(20_000 // scale)
        made[name] = {
            f"single image x{len(rows)}, float32": lambda one=one: [
                one(r, i) for i, r in enumerate(rows)
            ],
            **{
                f"batch {rule} {dtype}": (
                    lambda batch=batch, rule=rule, dtype=dtype: batch(digits, rule, dtype).pixels
                )
                for rule in ("uniform", "random")
                for dtype in ("uint8", "float32")
            },
            f"dataset ds[:{len(ds)}]": lambda ds=ds: ds[:]["image"],
            f"dataset ds[i] x{1000 // scale}": lambda ds=ds: [
                ds[i]["image"] for i in range(1000 // scale)
            ],
        }
    return made


def same(a: object, b: object) -> bool:
    """The same pixels: arrays, or lists of arrays."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return bool(np.array_equal(a, b))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"git revision (default {BASELINE})")
    parser.add_argument("--quick", action="store_true", help="a tenth of the counts")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    print(f"at start: {load_note()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        versions = {
            "baseline": adapter(*load("mnist_seq_baseline", extract(args.baseline, Path(tmp)))),
            "this": adapter(*load("mnist_seq_this", ROOT)),
        }
        work = cases(versions, scale)
        # Each case once, untimed: tables made, and the two sides' pixels compared.
        differ = [c for c, run in work["this"].items() if not same(work["baseline"][c](), run())]
        best: dict[tuple[str, str], float] = {}
        for repeat in range(REPEATS):
            order = list(versions) if repeat % 2 else list(versions)[::-1]
            for case in work["this"]:
                for name in order:
                    start = time.perf_counter()
                    work[name][case]()
                    seconds = time.perf_counter() - start
                    best[(name, case)] = min(best.get((name, case), np.inf), seconds)
    print(f"plain paths, baseline {args.baseline} vs this checkout; best of {REPEATS}, interleaved")
    print(f"{'path':30} {'baseline s':>10} {'this s':>8} {'this/baseline':>14}  pixels")
    targets = []
    for case in work["this"]:
        a, b = best[("baseline", case)], best[("this", case)]
        pixels = "DIFFER" if case in differ else "same"
        print(f"{case:30} {a:10.3f} {b:8.3f} {b / a:13.2f}x  {pixels}")
        targets.append((case, f"{b / a:.2f}x", "<= 1.10x", b / a <= 1.10))
    print(f"at end: {load_note()}")
    return 0 if print_targets(targets, 30) else 1


if __name__ == "__main__":
    sys.exit(main())
