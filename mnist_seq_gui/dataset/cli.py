"""`mnist-seq dataset`: write a training set (or one shard of it) to npz or a PNG folder.

    mnist-seq dataset --count 100000 --length 5 --out data/train --seed 1
    mnist-seq dataset --count 60000 --length 3-8 --spacing 0 80 --rule random \\
        --format png --out data/val --seed 2
    mnist-seq dataset --count 1000000 --seed 7 --shard 2/4 --out part2   # machine 2 of 4
    mnist-seq dataset --count 60000 --length 3-8 --seed 2 --preview grid.png  # look first

Bad arguments print one line on stderr and exit with status 2, before anything is
written. Ctrl+C exits with status 130 and leaves no partial files.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from typing import TextIO

from .. import __version__
from ..cli_common import (
    OneLineParser,
    UsageError,
    add_recipe_options,
    guarded,
    parse_seed,
    parse_whole,
    recipe_from_args,
)
from ..core import DEFAULT, DTYPES, usable_cores
from ..stops import StopRequest
from .config import BLANK, MAX_LENGTH, DatasetConfig, Shard
from .export import ExportCancelled
from .formats import FORMATS, export
from .items import SequenceDataset
from .labels import parse_length_weights, read_labels
from .pngenc import MAX_PNG_LEVEL
from .preview import PREVIEW_ITEMS, write_preview
from .splits import parse_splits, split_configs

PROG = "mnist-seq dataset"


def parse_lengths(text: str) -> tuple[int, int]:
    """'5' -> (5, 5); '3-8' -> (3, 8). A reversed range is an error, not swapped."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not match:
        raise UsageError(f"length {text[:40]!r} is not a number or a range such as 3-8")
    lo = parse_whole("length", match.group(1), 1, MAX_LENGTH)
    hi = lo if match.group(2) is None else parse_whole("length", match.group(2), 1, MAX_LENGTH)
    if lo > hi:
        raise UsageError(f"length range {lo}-{hi} is reversed; write {hi}-{lo}")
    return lo, hi


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description=(
            "Write a data set of digit-sequence images with labels, per-digit boxes and "
            "MNIST indices. Item i depends only on the parameters, the seed and i, so the "
            "same command always writes the same bytes."
        ),
        epilog=(
            f"Labels past an item's length are padded with {BLANK} (a CTC blank); boxes and "
            "MNIST indices with -1. With --shard k/n, n machines each write one part; the "
            "parts, taken in order, equal the unsharded export."
        ),
    )
    add = parser.add_argument
    add("--count", help="number of images in the whole data set (or --splits)")
    add(
        "--splits",
        help="train, val and test at once, e.g. train:50000,val:5000,test:10000: "
        "a folder each, from digits they do not share (train: the train pool; the others: "
        "disjoint parts of the test pool)",
    )
    add(
        "--hold-out-strings",
        metavar="FRACTION",
        help="with --splits: keep this fraction "
        "of all label strings (0.01..0.99) for test, so no test string occurs in train or val",
    )
    add("--length", help="digits per image: a number or a range such as 3-8 (default 5)")
    add("--length-weights", metavar="W,W,...", help="a weight per length: 1,1,2,2,4,4 for 3-8")
    add("--labels", metavar="FILE", help="label strings, one string of digits per line (dates, "
        "postcodes, amounts), drawn per image; --length, if given, must hold them")  # fmt: skip
    add("--labels-in-order", action="store_true", help="image i takes string i mod their count")
    add("--seed", help="0..2^63-1 (default: random, printed and recorded)")
    add(
        "--format",
        choices=FORMATS,
        default="npz",
        help="npz file, PNG folder, COCO or YOLO detection set (images + boxes), or parquet "
        "files (images + labels; default npz)",
    )
    add("--masks", action="store_true", help="each digit's ink mask too: npz member masks "
        "(bit-packed), COCO segmentation (RLE), PNG and YOLO label images in masks/, "
        "parquet a masks image column")  # fmt: skip
    add("--out", help="output folder (must be empty unless --overwrite)")
    add("--preview", metavar="FILE", help="write only a contact sheet (PNG) of the first "
        "images and print their statistics; no --out needed")  # fmt: skip
    add("--shard", help="write only part k of n, e.g. 2/4 (needs --seed)")
    add(
        "--source",
        help="folder holding one MNIST IDX pair or a training and a test set, or an images file",
    )
    add("--dtype", choices=DTYPES, default="uint8", help="pixel type in the npz (default uint8)")
    add("--workers", help=f"processes encoding PNGs (default {usable_cores()})")
    add("--png-level", metavar=f"0-{MAX_PNG_LEVEL}", help="PNG compression: 0 none, 1 fastest "
        f"(default), {MAX_PNG_LEVEL} smallest; the pixels are the same")  # fmt: skip
    add("--compress", action="store_true", help="deflate the npz (about a quarter of the "
        "bytes for plain images; np.load reads it)")  # fmt: skip
    add("--rows-per-file", metavar="N", help="parquet: at most N images a file (default: "
        "about 256 MB a file)")  # fmt: skip
    add("--overwrite", action="store_true", help="replace an earlier export in --out")
    add("--quiet", action="store_true", help="no progress bar")
    add("--version", action="version", version=f"{PROG} {__version__}")
    add_recipe_options(parser)
    return parser


def config_from_args(args: argparse.Namespace) -> tuple[DatasetConfig, Shard | None]:
    """Validate everything before a file is touched."""
    if (args.count is None) == (args.splits is None):
        raise UsageError("give --count N, or --splits such as train:50000,val:5000,test:10000")
    if args.splits is not None and (args.shard is not None or hasattr(args, "pool")):
        raise UsageError("--splits chooses each split's pool and writes them whole; "
                         "leave out --pool and --shard")  # fmt: skip
    if args.hold_out_strings is not None and args.splits is None:
        raise UsageError("--hold-out-strings keeps strings for the test split of --splits")
    count = 1 if args.count is None else parse_whole("count", args.count, 1)
    lo, hi = (None, None) if args.length is None else parse_lengths(args.length)
    if args.labels_in_order and args.labels is None:
        raise UsageError("--labels-in-order needs --labels FILE")
    labels = None if args.labels is None else read_labels(args.labels)
    weights = None if args.length_weights is None else parse_length_weights(args.length_weights)
    recipe = recipe_from_args(args, DEFAULT)
    shard = None if args.shard is None else Shard.parse(args.shard)
    if args.seed is None and shard is not None:
        raise UsageError("--shard needs --seed, so that every shard draws from one data set")
    seed = parse_seed(args.seed)
    config = DatasetConfig(
        count,
        lo,
        hi,
        seed=seed,
        dtype=args.dtype,
        source=args.source,
        labels=labels,
        labels_in_order=args.labels_in_order,
        length_weights=weights,
        recipe=recipe,
    )
    if shard is not None:
        shard.bounds(count)  # more shards than items fails here, not after loading
    return config, shard


class ProgressBar:
    """Progress on stderr: a bar redrawn in place on a terminal (at most ten times a
    second); in a log (stderr redirected), one plain line per tenth of the work."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        isatty = getattr(self.stream, "isatty", None)
        self.terminal = bool(isatty and isatty())
        self.started = time.monotonic()
        self._last = 0.0
        self._tenth = -1
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        percent = 100 * done // max(total, 1)
        rate = done / max(now - self.started, 1e-9)
        figures = f"{done:,}/{total:,} {percent:3d}% {rate:,.0f} img/s"
        if not self.terminal:
            if percent // 10 > self._tenth:
                self._tenth = percent // 10
                self.stream.write(f"{figures}\n")
                self.stream.flush()
            return
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {figures}")
        self.stream.flush()
        self._drawn = True

    def removing(self, done: int) -> None:
        """After a stop: how many of the unfinished export's files are removed so far."""
        if self.enabled and (self.terminal or done % 20_000 == 0):
            end = "" if self.terminal else "\n"
            self.stream.write(f"\rremoved {done:,} unfinished files (Ctrl+C leaves the rest){end}")
            self.stream.flush()
            self._drawn = self.terminal

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def print_notes(args: argparse.Namespace, config: DatasetConfig) -> None:
    """After a complete export, one line on stdout for each choice the user may not
    expect (stderr holds progress and errors only)."""
    if getattr(args, "placement", "auto") == "auto" and config.recipe.placement == "free":
        lengths = f"{config.min_length}-{config.max_length}"
        lo, hi = config.recipe.spacing
        print(
            f"{PROG}: note: no width fits every length {lengths} with the digits spanning it, "
            f"so each sequence is placed freely (gaps drawn in {lo}..{hi}, anywhere in width "
            f"{config.width}); --placement fill refuses instead"
        )
    if config.recipe.pool == "all" and not args.splits:
        print(
            f"{PROG}: note: pool all draws from every digit of the source, so two exports "
            "made this way share MNIST images; for training and test data use --pool train "
            "for one and --pool test for the other"
        )


def split_datasets(args: argparse.Namespace, config: DatasetConfig) -> dict[str, SequenceDataset]:
    """The data set of each split of --splits (none without it)."""
    if args.splits is None:
        return {}
    fraction = None
    if args.hold_out_strings is not None:
        text = args.hold_out_strings.strip()
        if not re.fullmatch(r"[0-9.eE+-]{1,30}", text):
            raise UsageError(f"--hold-out-strings {text[:40]!r} is not a fraction, e.g. 0.2")
        fraction = float(text)
    configs = split_configs(config, parse_splits(args.splits), fraction)
    return {name: SequenceDataset(c) for name, c in configs.items()}


def write_preview_sheet(args: argparse.Namespace, config: DatasetConfig) -> int:
    """--preview: the contact sheet of the export's first images (with their ink boxes
    for COCO and YOLO, masks with --masks) and a few lines of statistics; nothing else."""
    if args.out is not None or args.shard is not None:
        raise UsageError("--preview writes only its sheet of the whole data set's first "
                         "images; leave out --out and --shard")  # fmt: skip
    splits = {name: ds.config for name, ds in split_datasets(args, config).items()}
    path, stats = write_preview(
        args.preview,
        splits or config,
        ink=args.format in ("coco", "yolo"),
        masks=args.masks,
    )
    shown = min(PREVIEW_ITEMS, stats.total)
    print(f"wrote a contact sheet of the first {shown:,} images to {path} with seed {config.seed}")
    for line in stats.summary():
        print(f"  {line}")
    print_notes(args, config)
    return 0


class StopReport:
    """What a stop outside the export's own handling should say: it changes once the
    export is complete."""

    def __init__(self) -> None:
        self.text = "nothing was written"


def run(argv: list[str], report: StopReport | None = None) -> int:
    args = build_parser().parse_args(argv)
    config, shard = config_from_args(args)
    if args.out is None and args.preview is None:
        raise UsageError("give --out FOLDER, or --preview FILE to look at the data set first")
    workers = None if args.workers is None else parse_whole("workers", args.workers, 1, 256)
    level = (
        None
        if args.png_level is None
        else parse_whole("png-level", args.png_level, 0, MAX_PNG_LEVEL)
    )
    rows = (
        None if args.rows_per_file is None else parse_whole("rows-per-file", args.rows_per_file, 1)
    )
    if config.length_leak:  # said before the export starts, which may take hours
        print(
            f"{PROG}: note: {config.length_leak}; --placement free places each sequence "
            "anywhere in a width that holds the longest",
            file=sys.stderr,
        )
    if args.preview is not None:
        return write_preview_sheet(args, config)
    # Ctrl+C and SIGTERM stop the export at its next safe point, which then says exactly
    # what it left; a second one stops at once.
    with StopRequest().installed() as stop:
        dataset = split_datasets(args, config) or SequenceDataset(config)
        bar = ProgressBar(enabled=not args.quiet)
        try:
            result = export(
                dataset,
                args.out,
                args.format,
                shard=shard,
                overwrite=args.overwrite,
                workers=workers,
                masks=args.masks,
                png_level=level,
                compress=args.compress,
                rows_per_file=rows,
                progress=bar,
                cancel=stop,
                removing=bar.removing,
            )
        except ExportCancelled as exc:
            if stop.signal is None:
                raise
            stop.after = exc.left
            raise stop.interrupt() from None
        finally:
            bar.close()
        stop.after = f"the export into {result.out_dir} is complete"
        if report is not None:
            report.text = stop.after
        for note in result.notes:
            print(f"{PROG}: note: {note}", file=sys.stderr)
        part = f" (shard {shard}: items {result.start:,}..{result.stop - 1:,})" if shard else ""
        where = result.files[0] if args.format == "npz" and not args.splits else result.out_dir
        if isinstance(dataset, dict):
            each = ", ".join(f"{name} {len(ds):,}" for name, ds in dataset.items())
            part = f" in {len(dataset)} splits ({each})"
        print(f"wrote {result.items:,} images{part} to {where} with seed {config.seed}")
        print_notes(args, config)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`mnist-seq dataset ARGS`: returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    report = StopReport()
    return guarded(PROG, lambda args: run(args, report), argv, untouched=lambda: report.text)


if __name__ == "__main__":
    sys.exit(main())
