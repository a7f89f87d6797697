"""What a session draws, through the core and the dataset (Qt-free, run off the GUI thread).

`compose_session` gives the main image: item `session.item` of the seed with the typed
digits (and MNIST images picked by hand, if any). `gallery_batch` gives items 0..K-1 of
the data set the export dialog would write with the same recipe and seed.
`export_defaults` prefills that dialog from the session; `copied_command` is the command
line (and Python) that writes it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core import Composition, DigitBank, MnistSeqError, compose, load_bank
from .edits import problem
from .session import Session

if TYPE_CHECKING:
    from ...dataset import DatasetConfig


class BankCache:
    """Digit banks by source, loaded once, shared by the render threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._banks: dict[str | None, DigitBank] = {}

    def get(self, source: str | None) -> DigitBank:
        with self._lock:
            bank = self._banks.get(source)
            if bank is None:
                bank = self._banks[source] = load_bank(source)
            return bank


def compose_session(bank: DigitBank, session: Session) -> Composition:
    """The session's image as uint8; MnistSeqError if it describes none."""
    return compose(
        bank,
        session.recipe,
        session.digits(),
        session.seed,
        item=session.item,
        indices=session.indices,
    )


def picked_by_hand(bank: DigitBank, session: Session, indices: tuple[int, ...]) -> bool:
    """True when the digits' MNIST images (`indices`, as drawn) are not the seed's own: a
    digit drawn again by a click, or a file saved after one. A file saved without one
    holds the seed's own images, which were not picked by hand."""
    if session.indices is None:
        return False
    own = compose(bank, session.recipe, session.digits(), session.seed, item=session.item)
    return own.indices != tuple(indices)


def gallery_config(session: Session, count: int) -> DatasetConfig:
    """The export dialog's data set for this session: same length, recipe and seed."""
    # Imported here: the explorer shows its first image before the dataset package loads.
    from ...dataset import MAX_LENGTH, DatasetConfig

    n = len(session.digits())
    if n > MAX_LENGTH:
        raise MnistSeqError(
            f"the gallery shows data-set samples, which have at most {MAX_LENGTH} digits; "
            f"this sequence has {n}"
        )
    return DatasetConfig(**export_defaults(session, count))


def gallery_key(session: Session) -> Session:
    """What the gallery depends on: not the digits typed (only their number), the sample
    shown in the main image, or digits picked by hand."""
    return Session(
        session.recipe, "0" * len(session.sequence), session.seed, 0, None, session.source
    )


def gallery_batch(bank: DigitBank, session: Session, count: int) -> dict[str, Any]:
    """Items 0..count-1 of that data set, in one vectorised batch."""
    found = problem(session)
    if found is not None and found.field != "indices":
        raise MnistSeqError(found.message)
    from ...dataset import SequenceDataset

    dataset = SequenceDataset(gallery_config(session, count), bank=bank)
    return dataset.batch(np.arange(count, dtype=np.int64))


def export_defaults(session: Session, count: int = 10_000) -> dict[str, Any]:
    """The export dialog's first values: this session's recipe, length, seed and digits;
    the explorer's gallery shows items 0..K-1 of exactly this data set."""
    n = len(session.sequence) or 5
    return {
        "count": count,
        "min_length": n,
        "max_length": n,
        "seed": session.seed,
        "source": session.source,
        "recipe": session.recipe,
    }


def copied_command(session: Session, out: str = "mnist-seq-export") -> str:
    """Edit > Copy as Command: the shell command, then Python, that write the export the
    dialog starts with (its first items are the gallery's samples)."""
    from ...dataset import DatasetConfig
    from ...dataset.command import command_line, python_code

    config = DatasetConfig(**export_defaults(session))
    return (
        f"{command_line(config, out)}\n\n# The same export from Python:\n{python_code(config, out)}"
    )


def describe_config(config: DatasetConfig) -> str:
    """What an export will write, in a sentence or two."""
    text = (
        f"{config.count:,} images of {config.width} \u00d7 {config.height} px, "
        + (f"{config.min_length}\u2013" if config.min_length < config.max_length else "")
        + f"{config.max_length} digits"
    )
    if config.recipe.pool == "all":
        return (
            f"{text}, from all digits: a training and a test set exported this way share "
            "MNIST images (choose the train pool for one and the test pool for the other)."
        )
    return f"{text}, from the {config.recipe.pool} pool only."


def folder_problem(out: Path, overwrite: bool) -> str | None:
    """What stops an export into `out`, in the dialog's words, or None."""
    if "\0" in str(out):
        return "A folder name cannot hold a NUL character; choose another folder."
    try:
        if out.exists() and not out.is_dir():
            return f"{out} is a file; choose a folder."
        if out.is_dir() and not overwrite and any(out.iterdir()):
            return (
                f"{out} is not empty; choose an empty folder, or tick "
                '"Replace an earlier export" to replace an export made there before.'
            )
    except OSError as exc:
        return f"{out} cannot be read: {exc.strerror or exc}."
    return None
