"""`mnist-seq SEQUENCE ...`: the original positional form plus options (started by cli.py).

    mnist-seq 01 0 10 66            -> writes 0-1.png (66 x 28) in the current folder
    mnist-seq 2024 0 10 160 --rule random --seed 7 --output out/
    mnist-seq --examples            -> the original project's three example images

Bad input prints one line on stderr and exits with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .cli_common import (
    OneLineParser,
    UsageError,
    add_polarity_option,
    add_pool_option,
    add_rule_option,
    add_variation_options,
    guarded,
    parse_seed,
    parse_whole,
    variation_from_args,
)
from .core import (
    DIGIT_SIZE,
    MAX_SEED,
    MAX_WIDTH,
    MIN_SPACING,
    Composition,
    DigitBank,
    OutputError,
    SequenceSpec,
    compose,
    file_stem,
    load_bank,
    parse_sequence,
)
from .files import (
    atomic_outputs,
    composition_text,
    encode_png,
    output_path,
    write_png,
    write_stdout,
)

PROG = "mnist-seq"
# The original project's examples: (digits, width), spacing 0..10.
EXAMPLES = ((range(8), 224), (range(9), 292), (range(10), 280))


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
            f"'{PROG} 2024 2 8 140 --rule random --seed 7'. "
            "The uniform rule needs (width - 28 x digits) / (digits - 1) to be a whole number "
            "within the spacing range; the random rule draws each gap within it."
        ),
    )
    parser.add_argument("sequence", nargs="?", help="the digits to draw, e.g. 2024")
    parser.add_argument(
        "min_spacing",
        nargs="?",
        help=f"smallest gap between digits, px ({MIN_SPACING} or more; below 0 overlaps)",
    )
    parser.add_argument("max_spacing", nargs="?", help="largest gap between digits, px")
    parser.add_argument("image_width", nargs="?", help=f"image width, px (at most {MAX_WIDTH:,})")
    parser.add_argument("--seed", help=f"0..{MAX_SEED}; the same seed gives the same image")
    parser.add_argument(
        "-o",
        "--output",
        help="file to write, an existing folder to write <sequence>.png into, or - for "
        "standard output (default: ./<d-i-g-i-t-s>.png)",
    )
    add_rule_option(
        parser,
        "uniform: equal gaps, the original rule (default); random: each gap drawn in range",
    )
    add_polarity_option(parser)
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="a folder holding one MNIST-style IDX pair (or its images file) "
        "instead of the bundled MNIST test set; a folder holding a training and a test "
        "set gives pools train and test",
    )
    add_pool_option(parser)
    parser.add_argument(
        "--examples",
        action="store_true",
        help="write the original project's three examples (0-7 at 224 px, 0-8 at 292, "
        "0-9 at 280, spacing 0..10) into the current folder or --output folder",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_variation_options(parser)
    return parser


def _target(output: str | None, stem: str) -> Path:
    if output is None:
        return Path(f"{stem}.png")
    return output_path(output, f"{stem}.png")


def _report(path: Path | str, comp: Composition) -> str:
    height, width = comp.pixels.shape
    return f"wrote {path} ({width} x {height} px, seed {comp.seed})"


def _save(bank: DigitBank, spec: SequenceSpec, seed: int, target: Path) -> str:
    comp = compose(bank, spec, seed, dtype="uint8")  # a PNG holds bytes: no float detour
    path = write_png(target, comp.pixels, composition_text(comp, bank.source))
    return _report(path.resolve(), comp)


def _examples(args: argparse.Namespace) -> int:
    """The original three examples: all three are written, or none (e.g. a full disk)."""
    if args.output == "-":
        raise UsageError("--examples writes three files; -o - takes a single image")
    folder = Path(args.output or ".").expanduser()
    if not folder.is_dir():
        raise OutputError(f"cannot write examples: folder {folder} does not exist")
    seed = parse_seed(args.seed)
    variation = variation_from_args(args)
    bank = load_bank(args.data)
    look = (args.rule, args.white_on_black, args.pool, variation)
    comps = [
        compose(bank, SequenceSpec(tuple(digits), width, 0, 10, *look), seed)
        for digits, width in EXAMPLES
    ]
    paths = [folder / f"{file_stem(c.spec.digits)}.png" for c in comps]
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
    if args.examples:
        if any(p is not None for p in positional):
            raise UsageError("--examples takes no sequence, spacing or width")
        return _examples(args)
    if None in positional:
        missing = ["sequence", "min_spacing", "max_spacing", "image_width"][positional.index(None)]
        raise UsageError(
            f"missing {missing}: give <sequence> <min_spacing> <max_spacing> <image_width>, "
            f"e.g. {PROG} 01 0 10 66"
        )
    digits = parse_sequence(args.sequence)
    lo = parse_whole("min spacing", args.min_spacing, MIN_SPACING, MAX_WIDTH)
    hi = parse_whole("max spacing", args.max_spacing, MIN_SPACING, MAX_WIDTH)
    width = parse_whole("width", args.image_width, DIGIT_SIZE, MAX_WIDTH)
    variation = variation_from_args(args)
    spec = SequenceSpec(digits, width, lo, hi, args.rule, args.white_on_black, args.pool, variation)
    seed = parse_seed(args.seed)
    if args.output == "-":  # the PNG on standard output; the report on stderr
        bank = load_bank(args.data)
        comp = compose(bank, spec, seed)
        write_stdout(encode_png(comp.pixels, composition_text(comp, bank.source)))
        print(_report("standard output", comp), file=sys.stderr)
        return 0
    target = _target(args.output, file_stem(digits))
    bank = load_bank(args.data)
    print(_save(bank, spec, seed, target))
    return 0


def main(argv: list[str]) -> int:
    """`mnist-seq ARGS` (not `dataset`): returns the exit status."""
    return guarded(PROG, run, argv)
