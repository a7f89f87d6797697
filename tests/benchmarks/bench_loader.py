"""Data-set items and PyTorch DataLoader throughput, against an MNIST-style data set.

    python tests/benchmarks/bench_loader.py              # needs torch (CPU build)
    python tests/benchmarks/bench_loader.py --quick      # fewer items, a smoke run

The MNIST-style data set re-creates what torchvision's `MNIST(..., transform=ToTensor())`
does per item (torchvision itself is not a dependency): index its uint8 image tensor
and its label tensor, `Image.fromarray(img.numpy(), mode="L")`, then ToTensor:
`torch.from_numpy(np.array(pic, np.uint8, copy=True))`, view as H x W x C, permute to
C x H x W, `.contiguous()`, `.to(float32).div(255)`; the item is (image, int(label)).
It serves the bundled 10,000 MNIST test digits.

Ours: SequenceDataset with the README's recipe (lengths 3-8, random gaps, spacing 0..80,
28 x 224) and a plain one (5 digits, equal gaps, 28 x 140), float32 for the items (the
dtype default is uint8; an MNIST-style item is float32). Items per second: `ds[i]`
against the MNIST-style `mnist[i]` (one call per item, the same item numbers, best of 5,
runs interleaved); then DataLoaders with the same batch size and worker count
(persistent workers, one warm-up epoch, best of 3 epochs of 10,000 items): the
MNIST-style one per item with the default collate, ours per item with every field,
float32 (the same call, which fetches each batch through `__getitems__`), and ours with
the README's recipe: fields=("image", "digits") and a BatchSampler as sampler with
batch_size=None (one vectorised call per batch; every tensor a worker sends costs a
shared-memory segment, so fewer fields move faster), and dtype="uint8": a quarter of
the bytes cross between processes, and the loop turns the images into float32 / 255 and
counts each item's digits (both timed here), the same values the float32 items and
their `length` field hold. The float32 variant of the batched recipe is listed too.
Targets (the Keep list of "One recipe, one door"): ds[i] >= 0.5x the MNIST-style item;
the DataLoader with the README recipe >= 1.0x the same loader over the MNIST-style set.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

try:
    import torch
    from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler
except ImportError:  # pragma: no cover - the benchmark needs torch
    sys.exit("bench_loader.py needs torch: pip install the CPU wheel (see BRIEF/README)")
from PIL import Image
from report import best_rates, load_note, print_targets

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.dataset import BLANK, SequenceDataset

ITEMS = 10_000  # the MNIST-style set has the 10,000 bundled digits
BATCH = 64
TRAINING_FIELDS = ("image", "digits")  # the README recipe: lengths follow from the digits
RECIPES = {
    "README items (lengths 3-8, random gaps, spacing 0..80, 28 x 224)": dict(
        min_length=3, max_length=8, rule="random", spacing=(0, 80), seed=1
    ),
    "5-digit items (equal gaps, 28 x 140)": dict(min_length=5, max_length=5, seed=1),
}


def to_tensor(pic: Image.Image) -> torch.Tensor:
    """torchvision.transforms.functional.to_tensor, for the PIL images MNIST makes."""
    default_float_dtype = torch.get_default_dtype()
    img = torch.from_numpy(np.array(pic, np.uint8, copy=True))
    img = img.view(pic.size[1], pic.size[0], len(pic.getbands()))
    img = img.permute((2, 0, 1)).contiguous()
    if isinstance(img, torch.ByteTensor):
        return img.to(dtype=default_float_dtype).div(255)
    return img


class MnistStyle(Dataset):
    """What torchvision's MNIST with transform=ToTensor() does per item."""

    def __init__(self) -> None:
        bank = bundled_bank()
        self.data = torch.from_numpy(np.array(bank.images))  # uint8 (N, 28, 28), as MNIST
        self.targets = torch.from_numpy(np.array(bank.labels)).to(torch.int64)
        self.transform = to_tensor

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy(), mode="L")
        img = self.transform(img)
        return img, target


def short(name: str) -> str:
    return name.split(" (")[0]


def order_of(row: tuple) -> int:
    """Items first, then loaders, in the order they were measured."""
    return 0 if row[0].startswith("item") else 1


def epoch(loader: DataLoader, readme_loop: bool = False) -> None:
    """One pass over the loader; `readme_loop`: also do what the README recipe's loop
    does with each batch: uint8 images to float32 / 255 (the values of float32 items)
    and the lengths from the digits."""
    for batch in loader:
        if readme_loop:
            batch["image"].float().div_(255)
            (batch["digits"] != BLANK).sum(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer items and epochs")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parser.add_argument("--workers", type=int, default=cores, help="DataLoader workers")
    args = parser.parse_args(argv)
    n_items = ITEMS // 10 if args.quick else ITEMS
    torch.manual_seed(0)
    torch.set_num_threads(1)  # as in a DataLoader worker; the item paths are single-threaded
    mnist = MnistStyle()
    order = np.random.default_rng(0).permutation(ITEMS)[:n_items].tolist()
    print(
        f"mnist-seq loader benchmark: {cores} usable cores, {args.workers} DataLoader workers, "
        f"batch {BATCH}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__}",
        flush=True,
    )
    print(f"at start: {load_note()}", flush=True)

    rows, targets = [], []
    for name, recipe in RECIPES.items():
        ds = SequenceDataset(count=ITEMS, dtype="float32", **recipe)
        ds[:8]  # pixel tables built outside the timings
        assert ds[0]["image"].dtype == np.float32, "the items compared must be float32"
        rates = best_rates(
            {
                "mnist": lambda: [mnist[i] for i in order],
                "ours": lambda ds=ds: [ds[i] for i in order],
            },
            n_items,
            repeats=5,
        )
        ratio = rates["ours"] / rates["mnist"]
        rows.append((name, "item: MNIST-style mnist[i]", rates["mnist"], 1.0))
        rows.append((name, "item: ds[i] (float32)", rates["ours"], ratio))
        targets.append((f"ds[i] vs MNIST-style item, {short(name)}", ratio, 0.5))

    for name, recipe in RECIPES.items():
        common = dict(num_workers=args.workers, persistent_workers=args.workers > 0)
        everything = SequenceDataset(count=n_items, dtype="float32", **recipe)
        training = SequenceDataset(count=n_items, fields=TRAINING_FIELDS, dtype="float32", **recipe)
        training_u8 = SequenceDataset(
            count=n_items, fields=TRAINING_FIELDS, dtype="uint8", **recipe
        )

        def batched(ds, common=common):
            sampler = BatchSampler(RandomSampler(ds), batch_size=BATCH, drop_last=False)
            return DataLoader(ds, sampler=sampler, batch_size=None, **common)

        mnist_items = mnist if n_items == ITEMS else torch.utils.data.Subset(mnist, order)
        loaders = {
            "mnist": DataLoader(mnist_items, batch_size=BATCH, shuffle=True, **common),
            "per_item": DataLoader(everything, batch_size=BATCH, shuffle=True, **common),
            "batched": batched(training),
            "batched_u8": batched(training_u8),
        }
        for loader in loaders.values():
            epoch(loader)  # workers started and warm
        rates = best_rates(
            {
                key: (lambda dl=dl, key=key: epoch(dl, key == "batched_u8"))
                for key, dl in loaders.items()
            },
            n_items,
            3,
        )
        base = rates["mnist"]
        rows.append((name, "DataLoader: MNIST-style, per item", base, 1.0))
        for key, label in (
            ("per_item", "ours, per item, every field (float32)"),
            ("batched", "ours, batched, image + digits (float32)"),
            ("batched_u8", "ours, README loader (batched, uint8)"),
        ):
            rows.append((name, f"DataLoader: {label}", rates[key], rates[key] / base))
        targets.append(
            (f"README loader vs MNIST-style loader, {short(name)}", rates["batched_u8"] / base, 1.0)
        )
        del loaders

    for group in RECIPES:
        print(f"\n{group}\n{'path':56} {'items/s':>10} {'ratio':>7}")
        for name, rate, ratio in sorted((r[1:] for r in rows if r[0] == group), key=order_of):
            print(f"{name:56} {rate:10,.0f} {ratio:6.2f}x")
    print(f"at end: {load_note()}")
    met = print_targets(
        [
            (name, f"{ratio:.2f}x", f">= {goal:.1f}x", ratio >= goal)
            for name, ratio, goal in targets
        ],
        56,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
