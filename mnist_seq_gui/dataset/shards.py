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

from pathlib import Path

from .config import DatasetConfig, Shard
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

    One process per shard (the engine runs many at once); returns the folder.
    """
    folder = shard_folder(out_root, k, n)
    dataset = SequenceDataset(DatasetConfig.from_json(config_json))
    export(dataset, folder, fmt, shard=Shard(k, n), workers=1, masks=masks)
    return str(folder)
