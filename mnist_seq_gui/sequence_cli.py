"""`mnist-seq SEQUENCE MIN MAX WIDTH`: the original positional form plus options (started
by cli.py).

    mnist-seq 01 0 10 66            -> writes 0-1.png (66 x 28) in the current folder
    mnist-seq 2024 0 10 130 --rule random --seed 7 --output out/
    mnist-seq --examples            -> the original project's three example images

The digits fill the width under the original's strict rule. Bad input prints one line on
stderr and exits with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .cli_common import (
    FLAG_NAMES,
    OneLineParser,
    UsageError,
    add_recipe_options,
    guarded,
    parse_seed,
    recipe_from_args,
)
from .core import (
    FIELDS,
    MAX_SEED,
    MAX_WIDTH,
    MIN_SPACING,
    Composition,
    OutputError,
    Recipe,
    compose,
    load_bank,
    parse_sequence,
)
from .files import (
    atomic_outputs,
    composition_text,
    encode_png,
    output_path,
    write_bytes_atomic,
    write_stdout,
)

PROG = "mnist-seq"
# The original project's examples: (digits, width), spacing 0..10.
EXAMPLES = ((range(8), 224), (range(9), 292), (range(10), 280))
# The positionals stand for these fields; the original's strict rule fills the width.
POSITIONAL = {"spacing": "spacing", "width": "width"}
NAMES = {**FLAG_NAMES, **POSITIONAL}
BASE = Recipe(placement="fill")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description=(
            "Compose an image of a handwritten digit sequence from MNIST digits and save it "
            "as an 8-bit greyscale PNG (28 px high unless --height). For training data, see "
            f"'{PROG} dataset --help'."
        ),
        epilog=(
            f"examples: '{PROG} 01 0 10 66' writes 0-1.png; "
            f"'{PROG} 2024 2 8 130 --rule random --seed 7'. "
            "The uniform rule needs (width - 28 x digits) / (digits - 1) to be a whole number "
            "within the spacing range; the random rule draws each gap within it."
        ),
    )
    add = parser.add_argument
    add("sequence", nargs="?", help="the digits to draw, e.g. 2024")
    add("min_spacing", nargs="?", help=f"smallest gap between digits, px ({MIN_SPACING} or more)")
    add("max_spacing", nargs="?", help="largest gap between digits, px")
    add("image_width", nargs="?", help=f"image width, px (at most {MAX_WIDTH:,})")
    add("--seed", help=f"0..{MAX_SEED}; the same seed gives the same image")
    add(
        "-o",
        "--output",
        help="file to write, an existing folder to write <sequence>.png "
        "into, or - for standard output (default: ./<d-i-g-i-t-s>.png)",
    )
    source_help = (
        "a folder holding one MNIST-style IDX pair (or its images file) instead of the "
        "bundled MNIST test set; a folder holding a training and a test set gives pools"
    )
    add("--source", metavar="DIR", help=source_help)
    add("--data", dest="source", help=argparse.SUPPRESS)  # its name before 0.3
    add(
        "--examples",
        action="store_true",
        help="write the original project's three "
        "examples (0-7 at 224 px, 0-8 at 292, 0-9 at 280, spacing 0..10)",
    )
    add("--version", action="version", version=f"%(prog)s {__version__}")
    add_recipe_options(parser, skip=("width", "spacing", "placement"))
    return parser


def _report(path: Path | str, comp: Composition) -> str:
    height, width = comp.pixels.shape
    return f"wrote {path} ({width} x {height} px, seed {comp.seed})"


def _examples(args: argparse.Namespace, base: Recipe) -> int:
    """The original three examples: all three are written, or none (e.g. a full disk)."""
    if args.output == "-":
        raise UsageError("--examples writes three files; -o - takes a single image")
    folder = Path(args.output or ".").expanduser()
    if not folder.is_dir():
        raise OutputError(f"cannot write examples: folder {folder} does not exist")
    seed = parse_seed(args.seed)
    bank = load_bank(args.source)
    comps = [
        compose(bank, base.replace(width=width, spacing=(0, 10)), digits, seed)
        for digits, width in EXAMPLES
    ]
    paths = [folder / ("-".join(map(str, c.digits)) + ".png") for c in comps]
    with atomic_outputs(paths) as tmps:
        for comp, tmp in zip(comps, tmps):
            tmp.write_bytes(encode_png(comp.pixels, composition_text(comp, bank.source)))
    for comp, path in zip(comps, paths):
        print(_report(path.resolve(), comp))
    return 0


def run(argv: list[str]) -> int:
    """Parse and act; raises MnistSeqError on bad input."""
    args = build_parser().parse_args(argv)
    positional = [args.sequence, args.min_spacing, args.max_spacing, args.image_width]
    base = recipe_from_args(args, BASE)
    if args.examples:
        if any(p is not None for p in positional):
            raise UsageError("--examples takes no sequence, spacing or width")
        return _examples(args, base)
    if None in positional:
        missing = ["sequence", "min_spacing", "max_spacing", "image_width"][positional.index(None)]
        raise UsageError(
            f"missing {missing}: give <sequence> <min_spacing> <max_spacing> <image_width>, "
            f"e.g. {PROG} 01 0 10 66"
        )
    digits = parse_sequence(args.sequence)
    spacing = FIELDS["spacing"].from_text(f"{args.min_spacing},{args.max_spacing}")
    recipe = base.replace(spacing=spacing, width=FIELDS["width"].from_text(args.image_width))
    seed = parse_seed(args.seed)
    bank = load_bank(args.source)
    comp = compose(bank, recipe, digits, seed)  # uint8: a PNG holds bytes
    png = encode_png(comp.pixels, composition_text(comp, bank.source))
    if args.output == "-":  # the PNG on standard output; the report on stderr
        write_stdout(png)
        print(_report("standard output", comp), file=sys.stderr)
        return 0
    stem = "-".join(map(str, digits))
    target = Path(f"{stem}.png") if args.output is None else output_path(args.output, f"{stem}.png")
    path = write_bytes_atomic(target, png)
    print(_report(path.resolve(), comp))
    return 0


def main(argv: list[str]) -> int:
    """`mnist-seq ARGS` (not `dataset`): returns the exit status."""
    return guarded(PROG, run, argv, NAMES)
