"""Plain recipes (no variation) against an earlier version of mnist-seq, in one process.

    python tests/benchmarks/bench_plain_kept.py [--baseline REV] [--quick]

The baseline's package is taken from git (`git archive REV`, default `main`: run on the
branch that adds variation, it shows what the change costs plain recipes) and loaded
beside this checkout's under another name; both then make the same plain
images, runs interleaved (order alternating), best of several. Target: every path of
this checkout within 10% of the baseline (ratio <= 1.10).
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision (default: main)")
    parser.add_argument("--quick", action="store_true", help="smaller counts")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    with tempfile.TemporaryDirectory() as tmp:
        versions = {
            "baseline": load("mnist_seq_baseline", extract(args.baseline, Path(tmp))),
            "this": load("mnist_seq_this", ROOT),
        }
        digits = np.random.default_rng(0).integers(0, 10, (100_000 // scale, 5))
        rows = digits[: 5000 // scale].tolist()
        cases = {}
        for name, (core, dataset) in versions.items():
            bank = core.bundled_bank()
            ds = dataset.SequenceDataset(
                count=20_000 // scale, min_length=3, max_length=6, max_spacing=60,
                rule="random", seed=3, dtype="uint8",
            )  # fmt: skip
            cases[name] = {
                "single image x5000, float32": lambda core=core, bank=bank: [
                    core.compose(bank, core.SequenceSpec(tuple(r), 160, 0, 10), i)
                    for i, r in enumerate(rows)
                ],
                **{
                    f"batch {rule} {np.dtype(dtype).name}": (
                        lambda core=core, bank=bank, rule=rule, dtype=dtype: core.compose_batch(
                            bank, digits, 160, 0, 10, rule, seed=1, dtype=dtype
                        )
                    )
                    for rule in ("uniform", "random")
                    for dtype in (np.uint8, np.float32)
                },
                "dataset ds[:20000]": lambda ds=ds: ds[:],
                "dataset ds[i] x1000": lambda ds=ds: [ds[i] for i in range(1000 // scale)],
            }
        best: dict[tuple[str, str], float] = {}
        for repeat in range(6):
            order = list(versions) if repeat % 2 else list(versions)[::-1]
            for case in cases["this"]:
                for name in order:
                    start = time.perf_counter()
                    cases[name][case]()
                    seconds = time.perf_counter() - start
                    best[(name, case)] = min(best.get((name, case), np.inf), seconds)
    print(f"plain paths, baseline {args.baseline} vs this checkout; best of 6, interleaved")
    print(f"{'path':30} {'baseline s':>10} {'this s':>8} {'this/baseline':>14}")
    for case in cases["this"]:
        a, b = best[("baseline", case)], best[("this", case)]
        print(f"{case:30} {a:10.3f} {b:8.3f} {b / a:13.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
