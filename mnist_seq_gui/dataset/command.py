"""A data set's own command line and Python code: what makes its export again.

`command_words(config, out)` is the inverse of the command's parsing (cli.py's
config_from_args): the data set's options here, the recipe's from the field table
(cli_common.recipe_to_args). `python_code` says the same in Python. The explorer's
Edit > Copy as Command puts both on the clipboard.
"""

from __future__ import annotations

import shlex

from ..cli_common import recipe_to_args
from ..core import DEFAULT, to_dict
from .config import DatasetConfig, DatasetError
from .formats import FORMATS

COMMAND = "mnist-seq dataset"


def _plain(config: DatasetConfig) -> None:
    if config.labels is not None:
        raise DatasetError("a data set of label strings needs their file: use --labels FILE")
    if config.pool_part is not None or config.hold_out is not None:
        raise DatasetError("a split is made by --splits with its siblings, not on its own")


def _length(config: DatasetConfig) -> str:
    lo, hi = config.min_length, config.max_length
    return str(lo) if lo == hi else f"{lo}-{hi}"


def command_words(config: DatasetConfig, out: str, fmt: str = "npz") -> list[str]:
    """The options of `mnist-seq dataset` that export `config` into `out` as `fmt`."""
    _plain(config)
    if fmt not in FORMATS:
        raise DatasetError(f"format {fmt!r} is unknown; use one of: {', '.join(FORMATS)}")
    words = ["--count", str(config.count), "--length", _length(config)]
    if config.length_weights is not None:
        words += ["--length-weights", ",".join(f"{w:g}" for w in config.length_weights)]
    words += ["--seed", str(config.seed)]
    if fmt != "npz":
        words += ["--format", fmt]
    if config.dtype != "uint8":
        words += ["--dtype", config.dtype]
    if config.source is not None:
        words += ["--source", config.source]
    return [*words, "--out", out, *recipe_to_args(config.given, DEFAULT)]


def command_line(config: DatasetConfig, out: str, fmt: str = "npz") -> str:
    """The whole command, quoted for a POSIX shell."""
    return f"{COMMAND} {shlex.join(command_words(config, out, fmt))}"


def python_code(config: DatasetConfig, out: str, fmt: str = "npz") -> str:
    """Python that writes the same export (the same bytes as the command)."""
    _plain(config)
    given = to_dict(config.given)
    default = to_dict(DEFAULT)
    keywords = [f"count={config.count}", f"min_length={config.min_length}"]
    keywords += [f"max_length={config.max_length}", f"seed={config.seed}"]
    if config.length_weights is not None:
        keywords.append(f"length_weights={config.length_weights!r}")
    if config.dtype != "uint8":
        keywords.append(f"dtype={config.dtype!r}")
    if config.source is not None:
        keywords.append(f"source={config.source!r}")
    for name, value in given.items():
        if name != "variation" and value != default[name]:
            keywords.append(f"{name}={tuple(value) if isinstance(value, list) else value!r}")
    if given["variation"]:
        varied = {k: tuple(v) if isinstance(v, list) else v for k, v in given["variation"].items()}
        keywords.append(f"variation={varied!r}")
    lines, line = [], "config = DatasetConfig("
    for i, word in enumerate(keywords):
        word += ", " if i < len(keywords) - 1 else ")"
        if len(line) + len(word) > 88:
            lines.append(line.rstrip())
            line = " " * len("config = DatasetConfig(")
        line += word
    lines.append(line)
    return (
        "from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset, export\n\n"
        + "\n".join(lines)
        + f"\nexport(SequenceDataset(config), {out!r}, {fmt!r})\n"
    )
