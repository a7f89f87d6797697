"""`dataset.npz`: every array of an export in one zip, written as a stream.

Images stream straight into their zip member; the small per-item arrays go to unnamed
temporary files meanwhile and are copied in after, since a zip can only be written one
member at a time. With `compress` every member is deflated (zlib level 1: about a
quarter of the bytes for plain images, at some 100 MB/s), chunk by chunk as it streams.
`np.load` reads either without pickle. With masks, member `masks`
is (count, max_length, H, ceil(W / 8)) uint8: each digit's mask bit-packed along the
width (`np.unpackbits(masks, axis=-1, count=W).astype(bool)` unpacks it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format

from ..core import to_float
from .config import NPZ_NAME, DatasetError
from .export import (
    CancelCheck,
    ExportCancelled,
    ExportFormat,
    ExportJob,
    Progress,
    check_cancel,
)
from .items import SequenceDataset
from .manifest import Manifest

# Chunks of about this many pixel bytes: large enough for numpy to run at full speed,
# small enough that a million images never sit in memory at once.
_CHUNK_BYTES = 4 * 1024 * 1024
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that a rerun writes the same bytes
# Deflate level of --compress: level 6 saves a tenth more bytes at half the speed.
_DEFLATE_LEVEL = 1
_LEVEL_FIELD = "compress_level" if sys.version_info >= (3, 13) else "_compresslevel"


@contextlib.contextmanager
def _npy_member(
    archive: zipfile.ZipFile,
    name: str,
    dtype: np.dtype,
    shape: tuple[int, ...],
    compress: bool = False,
) -> Iterator[IO[bytes]]:
    """Open `name`.npy in the zip for streaming (deflated when `compress`) and write its
    header; yields the stream.

    The exact size is known up front, so the zip64 decision (and thus every byte of
    the archive) is the same on every run; a deflated member is never larger than it
    by more than zipfile's 5% margin.
    """
    header = io.BytesIO()
    npy_format.write_array_header_1_0(
        header, {"descr": npy_format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    )
    info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    if compress:
        setattr(info, _LEVEL_FIELD, _DEFLATE_LEVEL)
    info.external_attr = 0o644 << 16
    info.file_size = header.tell() + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    with archive.open(info, mode="w") as stream:
        stream.write(header.getvalue())
        yield stream


# npz member name -> batch key, for every array besides the images.
_NPZ_FIELDS = (
    ("labels", "label"),
    ("lengths", "length"),
    ("digits", "digits"),
    ("boxes", "boxes"),
    ("mnist_indices", "mnist_indices"),
    ("items", "item"),
    ("ink_boxes", "ink_boxes"),  # after the fields of 0.1.0, whose bytes stay the same
)


class NpzFormat(ExportFormat):
    """One `dataset.npz` holding every array (np.load reads it without pickle), its
    members deflated when `compress`."""

    name = "npz"

    def __init__(self, workers: int | None = None, compress: bool = False) -> None:
        super().__init__(workers)
        if not isinstance(compress, bool):
            raise DatasetError(f"compress {compress!r:.40} is not True or False")
        self.compress = compress

    def plan(self, job: ExportJob) -> Manifest:
        return Manifest(files=(NPZ_NAME,))

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        ds, total = job.dataset, job.total
        height = ds.config.height
        # chunks are uint8; with masks, their unpacked masks (one byte a pixel) count too
        pixel = 1 + (ds.max_length if job.masks else 0)
        step = max(1, _CHUNK_BYTES // (height * ds.width * pixel))
        fields = _NPZ_FIELDS + ((("masks", "masks"),) if job.masks else ())
        probe = _chunk(ds, 0, 0, job.masks)
        with contextlib.ExitStack() as stack:
            spills = {
                key: stack.enter_context(tempfile.TemporaryFile(dir=job.folder))
                for _, key in fields
            }
            archive = stack.enter_context(
                zipfile.ZipFile(job.folder / NPZ_NAME, "w", zipfile.ZIP_STORED, allowZip64=True)
            )
            image_shape = (total, height, ds.width)
            dtype, packed = np.dtype(ds.config.dtype), self.compress
            # closed on leaving (an error, a stop): its thread is joined then, not when the
            # traceback that holds this frame goes
            chunks = contextlib.closing(
                _batches_ahead(ds, job.start, job.stop, step, job.masks, cancel)
            )
            with (
                chunks as batches,
                _npy_member(archive, "images", dtype, image_shape, packed) as stream,
            ):
                for batch in batches:
                    check_cancel(cancel)
                    _write_images(stream, batch["image"], dtype)
                    for _, key in fields:
                        spills[key].write(_bytes_of(batch[key]))
                    if progress is not None:
                        progress(int(batch["item"][-1]) + 1 - job.start, total)
                    del batch  # before the next is made: one huge image at a time
            for name, key in fields:
                check_cancel(cancel)
                spills[key].seek(0)
                shape = (total, *probe[key].shape[1:])
                with _npy_member(archive, name, probe[key].dtype, shape, packed) as stream:
                    shutil.copyfileobj(spills[key], stream, _CHUNK_BYTES)
            config_text = np.asarray(json.dumps(job.describe(), sort_keys=True))
            with _npy_member(archive, "config", config_text.dtype, (), packed) as stream:
                stream.write(config_text.tobytes())


def _write_images(stream: IO[bytes], images: np.ndarray, dtype: np.dtype) -> None:
    """uint8 images as `dtype`: float32 made a strip of rows at a time (core.to_float),
    so a huge image never sits in memory four times over."""
    if dtype == images.dtype:
        stream.write(_bytes_of(images))
        return
    rows = max(1, _CHUNK_BYTES // (dtype.itemsize * images.shape[2]))
    for image in images:
        for top in range(0, len(image), rows):
            stream.write(_bytes_of(to_float(image[top : top + rows])))


def _bytes_of(array: np.ndarray) -> memoryview:
    return np.ascontiguousarray(array).data.cast("B")


def _chunk(
    dataset: SequenceDataset,
    start: int,
    stop: int,
    masks: bool,
    checkpoint: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """Items start..stop-1 as the npz holds them: labels of one width, masks packed;
    images in uint8 (`_write_images` converts them)."""
    items = np.arange(start, stop, dtype=np.int64)
    values, made = dataset.composed(items, masks, checkpoint, dtype="uint8")
    values["label"] = values["label"].astype(f"U{dataset.max_length}")
    if masks:
        values["masks"] = np.packbits(made.masks(), axis=-1)
    return values


def _batches_ahead(
    dataset: SequenceDataset,
    start: int,
    stop: int,
    step: int,
    masks: bool,
    cancel: CancelCheck | None,
    depth: int = 2,
) -> Generator[dict[str, np.ndarray], None, None]:
    """`_chunk`s over start..stop of `step` items each, computed one thread ahead, unless
    one image fills a chunk (then here, one at a time: memory holds one huge image).

    Rendering (numpy) and writing (CRC + file I/O) both release the GIL, so on two
    cores they overlap. `cancel` is checked while waiting for a chunk; the thread is
    always stopped (inside a chunk, between its bands of work) and joined before this
    returns, also when the consumer stops early (error, cancel, Ctrl+C).
    """
    if dataset.config.height * dataset.width >= _CHUNK_BYTES:
        for begin in range(start, stop, step):
            check_cancel(cancel)
            yield _chunk(
                dataset, begin, min(begin + step, stop), masks, lambda: check_cancel(cancel)
            )
        return
    chunks: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stopping = threading.Event()

    def halt() -> None:
        if stopping.is_set():
            raise ExportCancelled("export cancelled")

    def produce() -> None:
        try:
            for begin in range(start, stop, step):
                item: Any = _chunk(dataset, begin, min(begin + step, stop), masks, halt)
                while not stopping.is_set():
                    with contextlib.suppress(queue.Full):
                        chunks.put(item, timeout=0.05)
                        break
                if stopping.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            chunks.put(exc)
        else:
            chunks.put(None)  # the end

    worker = threading.Thread(target=produce, name="mnist-seq-render", daemon=True)
    worker.start()
    try:
        while True:
            try:
                got = chunks.get(timeout=0.05)
            except queue.Empty:
                check_cancel(cancel)
                continue
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stopping.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.05)  # unblock a producer waiting on a full queue
        worker.join()


def load_npz(path: str | os.PathLike) -> dict[str, Any]:
    """Read an exported npz fully into memory; `config` comes back as a dict."""
    with np.load(path, allow_pickle=False) as data:
        out: dict[str, Any] = {key: data[key] for key in data.files}
    out["config"] = json.loads(str(out["config"]))
    return out


def npz_images(path: str | os.PathLike) -> np.ndarray:
    """The `images` array of an exported npz as a read-only memory map (no full read).

    Works because the exporter stores members uncompressed: the array's bytes lie
    contiguously in the zip file.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("images.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            raise DatasetError(f"{path}: images are compressed; use load_npz instead")
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        f.seek(info.header_offset + 30 + name_len + extra_len)
        version = npy_format.read_magic(f)
        read_header = npy_format.read_array_header_1_0
        if version != (1, 0):
            read_header = npy_format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        offset = f.tell()
    return np.memmap(
        path, dtype=dtype, mode="r", offset=offset, shape=shape, order="F" if fortran else "C"
    )
