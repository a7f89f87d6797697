"""One shard of an export, as a plain function an engine can run anywhere.

An export's item range splits into shards (`Shard(k, n)`); each depends only on the
config, so any engine that runs a function on many cores or machines can write them:

    import dask.bag as db
    parts = db.from_sequence(range(1, n + 1), npartitions=n)
    parts.map(write_shard, config.to_json(), "out", n, "npz").compute()

The config travels as JSON, so a worker reloads the digits itself (from the bundled
set, or from `source`, which must be readable there).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

from .config import DatasetConfig, Shard
from .export import ExportCancelled
from .formats import export
from .items import SequenceDataset


def shard_folder(out_root: str, k: int, n: int) -> Path:
    """'out/part-02-of-16': where shard k of n goes."""
    Shard(k, n)  # DatasetError unless k of n is a shard
    width = len(str(n))
    return Path(out_root) / f"part-{k:0{width}d}-of-{n}"


def write_shard(
    k: int, config_json: str, out_root: str, n: int, fmt: str = "npz", masks: bool = False
) -> str:
    """Write shard k of n of the data set `config_json` into shard_folder(out_root, k, n)
    (with each digit's mask when `masks`, as `mnist-seq dataset --masks` does).

    One process per shard (the engine runs many at once); returns the folder. Run in a
    worker process of a pool (Dask's "processes" scheduler, a multiprocessing Pool), it
    stops once the process that started the pool is gone, leaves the folder as it was,
    and ends the worker, which no one is left to give work or take results from.
    """
    folder = shard_folder(out_root, k, n)
    dataset = SequenceDataset(DatasetConfig.from_json(config_json))
    orphaned = _orphaned()
    try:
        export(dataset, folder, fmt, shard=Shard(k, n), workers=1, masks=masks, cancel=orphaned)
    except ExportCancelled:
        if orphaned is not None and orphaned():
            os._exit(1)  # as a PNG worker does when its export's process is gone
        raise
    return str(folder)


def _orphaned() -> Callable[[], bool] | None:
    """In a multiprocessing worker: whether the process that started it has gone."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None:
        return None
    started_by = parent.pid  # not getppid() now: it may have gone before this task began
    return lambda: os.getppid() != started_by
