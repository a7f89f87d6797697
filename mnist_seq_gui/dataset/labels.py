"""Label lists and length weights as files and forms give them: read and checked into
what DatasetConfig takes."""

from __future__ import annotations

import json
import os
from typing import Any

from ..core import shown
from ..files import read_bounded
from .config import DatasetError, label_problem

MAX_LABELS_BYTES = 16 * 2**20  # a labels file; the list travels inside every config.json


def parse_length_weights(text: str) -> tuple[Any, ...]:
    """'1,1,2.5' -> (1, 1, 2.5): weights as a command line or a form gives them."""
    try:
        return tuple(json.loads(f"[{text}]"))
    except (ValueError, RecursionError):
        said = f"length weights {shown(text)} are not numbers separated by commas, e.g. 1,1,2"
        raise DatasetError(said) from None


def read_labels(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The label strings of a text file: one string of digits per line; blank lines and
    spaces around a string are ignored. The file must be a regular file of at most
    MAX_LABELS_BYTES; it is opened without blocking, so a pipe is refused, not waited on.
    DatasetError (naming the file, and the line) otherwise."""
    name = repr(str(path))  # whole: the reader needs to know which file
    try:
        data = read_bounded(path, MAX_LABELS_BYTES)
    except OSError as exc:
        raise DatasetError(f"labels file {name} cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # not a regular file, or too large
        raise DatasetError(f"labels file {name} {exc}") from None
    labels = []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        text = line.decode("utf-8", "replace").strip()
        problem = label_problem(text) if text else None
        if problem:
            raise DatasetError(f"labels file {name}, line {number}: {shown(text)} {problem}")
        if text:
            labels.append(text)
    if not labels:
        raise DatasetError(f"labels file {name} holds no strings of digits (one per line)")
    return tuple(labels)
