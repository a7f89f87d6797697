"""Training data: an index-deterministic data set of digit sequences and its exporters.

    config.py   DatasetConfig (everything that decides the pixels), Shard, constants
    items.py    SequenceDataset: item i depends only on (config, i)
    export.py   what every format runs in (ExportFormat, ExportJob), the target's checks
    transaction.py, manifest.py   staging beside the target, the swap, leftovers
    npz.py      one dataset.npz, streamed
    png.py      a PNG folder (Hugging Face imagefolder), encoded on all cores
    detection.py  COCO and YOLO annotations beside the PNGs
    parquet.py  Parquet files of PNG bytes and labels, as Hugging Face datasets loads them
    pngenc.py   the PNG encoder of every export (--png-level)
    formats.py  every format by name, and export(): the output folder as a transaction
    shards.py   one shard as a plain function, for engines such as Dask
    cli.py      `mnist-seq dataset`

Every export writes a shard (`Shard(k, n)`: the k-th of n contiguous parts of the index
range); the shards' files, put together in order, equal the unsharded export.
"""

from .config import (
    BLANK,
    CONFIG_NAME,
    DTYPES,
    MAX_COUNT,
    MAX_LENGTH,
    METADATA_NAME,
    NO_BOX,
    NPZ_NAME,
    DatasetConfig,
    DatasetError,
    Shard,
)
from .export import CancelCheck, ExportCancelled, ExportFormat, ExportJob, ExportResult, Progress
from .formats import EXPORT_FORMATS, FORMATS, export
from .items import FIELDS, SequenceDataset, bank_fingerprint, label_strings
from .manifest import MANIFEST_NAME, Manifest, Series
from .npz import load_npz, npz_images
from .png import metadata_lines, png_name
from .shards import shard_folder, write_shard
from .splits import SPLIT_NAMES, parse_splits, split_configs

# fmt: off
__all__ = [
    "BLANK", "CONFIG_NAME", "DTYPES", "EXPORT_FORMATS", "FIELDS", "FORMATS", "MANIFEST_NAME",
    "MAX_COUNT", "MAX_LENGTH", "METADATA_NAME", "NO_BOX", "NPZ_NAME", "SPLIT_NAMES", "CancelCheck",
    "DatasetConfig", "DatasetError", "ExportCancelled", "ExportFormat", "ExportJob",
    "ExportResult", "Manifest", "Progress", "SequenceDataset", "Series", "Shard",
    "bank_fingerprint", "export",
    "label_strings", "load_npz", "metadata_lines", "npz_images", "parse_splits", "png_name",
    "shard_folder", "split_configs", "write_shard",
]
# fmt: on
