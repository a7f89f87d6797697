"""A PNG folder in the Hugging Face "imagefolder" layout: PNGs, metadata.jsonl, config.json.

PNG encoding runs on a pool of processes. Each worker renders, encodes and writes into
its own work folder inside the staging folder (creating files in one shared folder
serialises on its lock) and this process moves each finished task's files up beside
metadata.jsonl.

With masks, each item also gets a label image `masks/NNNNNN.png` (8-bit: each pixel's
digit as slot + 1, 0 where no digit has ink, the later digit where two overlap), named
by its metadata line's `mask_file_name`.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import json
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Generator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..core import usable_cores, whole_number
from ..stops import deferred, ignore_interrupts
from .config import CONFIG_NAME, METADATA_NAME, DatasetConfig, DatasetError
from .export import (
    CancelCheck,
    ExportCancelled,
    ExportFormat,
    ExportJob,
    Progress,
    check_cancel,
)
from .items import SequenceDataset
from .manifest import Manifest, Series
from .pngenc import DEFAULT_PNG_LEVEL, check_png_level, png_parts
from .rle import rle_encode_batch

_PNG_TASK_ITEMS = 256  # at most, per task; fewer for large images (_TASK_BYTES)
_TASK_BYTES = 8 << 20  # a task's images, as uint8: its arrays stay a few times this
_POOL_BYTES = 64 << 20  # workers at once times one image, at most: huge images, fewer workers
MASKS_FOLDER = "masks"
# How a format holds masks, made where the PNGs are encoded: "" none, "png" a label
# image per item, "rle" COCO RLE in each metadata record (`segmentation`, `mask_areas`).
MaskKind = Literal["", "png", "rle"]
Task = Callable[..., Any]  # (dataset, start, stop, *args, checkpoint=) -> a picklable result
Checkpoint = Callable[[], object]  # raises to stop a task part-way


def is_image_series(series: Series) -> bool:
    """Whether a series of an export's manifest is its images (not labels or masks)."""
    return series.suffix == ".png" and series.folder.rpartition("/")[2] != MASKS_FOLDER


def png_name(item: int, count: int) -> str:
    """'000042.png': zero-padded to the data set's (not the shard's) count, at least 6 digits."""
    return f"{item:0{max(6, len(str(count - 1)))}d}.png"


def metadata_lines(
    batch: Mapping[str, np.ndarray], count: int, extra: list[dict[str, Any]] | None = None
) -> str:
    """The metadata.jsonl lines of a batch: file_name plus the unpadded label fields (and
    `extra[r]`'s keys for row r)."""
    lines = []
    for r in range(len(batch["item"])):
        n = int(batch["length"][r])
        record = {
            "file_name": png_name(int(batch["item"][r]), count),
            "label": str(batch["label"][r]),
            "length": n,
            "digits": batch["digits"][r, :n].tolist(),
            "boxes": batch["boxes"][r, :n].tolist(),
            "mnist_indices": batch["mnist_indices"][r, :n].tolist(),
            "item": int(batch["item"][r]),
            "ink_boxes": batch["ink_boxes"][r, :n].tolist(),
            **(extra[r] if extra else {}),
        }
        lines.append(json.dumps(record, separators=(", ", ": ")))
    return "".join(line + "\n" for line in lines)


def _write_pngs(
    dataset: SequenceDataset,
    start: int,
    stop: int,
    folder: Path,
    masks: MaskKind,
    labels: Path,
    level: int,
    checkpoint: Checkpoint,
) -> str:
    """Render items start..stop-1, write their PNGs (at PNG `level`) into `folder` (label
    images, for masks "png", into `labels`); return their metadata. `checkpoint()` raises
    to stop (between bands of work and between images)."""
    items = np.arange(start, stop, dtype=np.int64)
    batch, made = dataset.composed(items, bool(masks), checkpoint)
    count = len(dataset)
    extra: list[dict[str, Any]] = []
    for r, item in enumerate(batch["item"].tolist()):
        checkpoint()
        name = png_name(item, count)
        write_file(folder / name, png_parts(batch["image"][r], level))
        rows = slice(r, r + 1)  # one row at a time: a batch's masks can be large
        if masks == "rle":
            ink = made.masks(rows)[0, : batch["length"][r]]
            areas = np.count_nonzero(ink, axis=(1, 2)).tolist()
            extra.append({"segmentation": rle_encode_batch(ink), "mask_areas": areas})
        elif masks:
            write_file(labels / name, png_parts(made.label_images(rows)[0], level))
            extra.append({"mask_file_name": f"{MASKS_FOLDER}/{name}"})
    return metadata_lines(batch, count, extra)


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_file(path: Path, data: bytes | list[bytes]) -> None:
    """Create (or truncate) `path` with `data` (or its parts, one after another), for a
    file of an export's staging folder.

    Plain os calls: file creation is the serial part of a PNG export here. 0666 and the
    umask decide the mode, as for every file mnist-seq writes.
    """
    fd = os.open(path, _FLAGS, 0o666)
    try:
        for part in [data] if isinstance(data, bytes) else data:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


_WORKER_DATASETS: dict[str, SequenceDataset] = {}
_WORK = ".work"  # scratch folder in the staging folder: one sub-folder per worker
_ORPHAN_CHECK_SECONDS = 0.2


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_STOP: Any = None  # on a worker: the pool's stop event (set: leave the task under way)


def _stopped() -> None:
    """A worker's checkpoint: ExportCancelled once the exporting process stops the pool."""
    if _STOP is not None and _STOP.is_set():
        raise ExportCancelled("export cancelled")


def _worker_init(owner: int, umask: int, stop: Any = None) -> None:
    global _STOP
    _STOP = stop
    # Ctrl+C reaches the whole process group; the parent alone decides how to stop,
    # so workers finish their task and let the parent clean up.
    ignore_interrupts()
    # A fork server started earlier keeps the umask of that moment; files take the owner's.
    os.umask(umask)
    # A worker waits for tasks forever once the process that owns the pool is gone
    # (kill -9), so it watches for that and exits. Under forkserver its parent is the
    # fork server, which stays up as long as any worker does: the owner is watched too
    # (already gone when the worker starts: it exits at once).
    parent, born = os.getppid(), _started(owner)

    def watch() -> None:
        while born is not None and os.getppid() == parent and _started(owner) == born:
            time.sleep(_ORPHAN_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="mnist-seq-orphan-watch", daemon=True).start()


def _started(pid: int) -> str | None:
    """When process `pid` started (None once it has exited): tells a reused pid apart."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc (macOS): only whether the pid exists
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "running"
    return None if fields[0] in ("Z", "X") else fields[19]


def _in_worker(run: Task, config_json: str, start: int, stop: int, args: tuple[Any, ...]) -> Any:
    """`run` on a worker, with the data set `config_json` (loaded once per worker)."""
    dataset = _WORKER_DATASETS.get(config_json)
    if dataset is None:
        _WORKER_DATASETS.clear()
        dataset = _WORKER_DATASETS[config_json] = SequenceDataset(
            DatasetConfig.from_json(config_json)
        )
    return run(dataset, start, stop, *args, checkpoint=_stopped)


def _png_task(
    dataset: SequenceDataset,
    start: int,
    stop: int,
    work: str,
    folder: Path,
    labels: Path,
    masks: MaskKind,
    level: int,
    *,
    checkpoint: Checkpoint,
) -> tuple[str, str]:
    """Write a task's PNGs into `folder` (label images into `labels`) or, given a `work`
    folder (on a worker), into this process's own folder in it; (metadata, the folder)."""
    if work:
        folder = Path(work) / str(os.getpid())
        labels = folder / MASKS_FOLDER
        (labels if masks == "png" else folder).mkdir(parents=True, exist_ok=True)
    text = _write_pngs(dataset, start, stop, folder, masks, labels, level, checkpoint)
    return text, str(folder)


class PngFormat(ExportFormat):
    """PNGs + metadata.jsonl + config.json, encoded by `workers` processes (default: all)
    at PNG level `png_level` (pngenc.py)."""

    name = "png"
    mask_kind: MaskKind = "png"

    def __init__(self, workers: int | None = None, png_level: int = DEFAULT_PNG_LEVEL) -> None:
        self.workers = (
            usable_cores()
            if workers is None
            else whole_number("workers", workers, 1, 256, error=DatasetError)
        )
        self.png_level = check_png_level(png_level)

    def plan(self, job: ExportJob) -> Manifest:
        if job.dataset.has_own_bank:
            self.workers = 1  # a bank that is not in the config cannot be reloaded by workers
        masks = self.mask_series(job)
        return Manifest(
            files=(METADATA_NAME, CONFIG_NAME),
            series=(self.series(job, ""), *masks),
            folders=tuple(s.folder for s in masks),
            scratch=(_WORK,) if self.workers > 1 else (),
        )

    def series(self, job: ExportJob, folder: str, suffix: str = ".png") -> Series:
        """A file per item of the export in `folder`, named as its image."""
        digits = len(png_name(0, len(job.dataset))) - len(".png")
        return Series(folder, digits, suffix, job.start, job.stop)

    def masks(self, job: ExportJob) -> MaskKind:
        return self.mask_kind if job.masks else ""

    def mask_series(self, job: ExportJob) -> tuple[Series, ...]:
        """The label images masks/NNNNNN.png, when this export writes them."""
        return (self.series(job, MASKS_FOLDER),) if self.masks(job) == "png" else ()

    def write(self, job: ExportJob, progress: Progress | None, cancel: CancelCheck | None) -> None:
        done = 0
        with open(job.folder / METADATA_NAME, "w", encoding="utf-8", newline="\n") as meta:
            for text in image_chunks(job, self.workers, cancel, self.masks(job), self.png_level):
                meta.write(text)
                done += text.count("\n")
                if progress is not None:
                    progress(done, job.total)
        check_cancel(cancel)
        config_text = json.dumps(job.describe(), indent=2, sort_keys=True) + "\n"
        (job.folder / CONFIG_NAME).write_text(config_text, encoding="utf-8", newline="\n")


def image_chunks(
    job: ExportJob,
    workers: int,
    cancel: CancelCheck | None,
    masks: MaskKind = "",
    level: int = DEFAULT_PNG_LEVEL,
    mask_folder: Path | None = None,
) -> Generator[str, None, None]:
    """Write every item's PNG (at PNG `level`) into `job.folder` (label images, for masks
    "png", into `mask_folder`, default `job.folder`/masks); yield each task's metadata in
    item order."""
    folder = job.folder
    labels = folder / MASKS_FOLDER if mask_folder is None else mask_folder
    # workers write into folders of their own, moved up from there: see the module's doc
    work = folder / _WORK if workers > 1 else None
    if work is not None:
        work.mkdir(exist_ok=True)
    count = len(job.dataset)
    args = (str(work or ""), folder, labels, masks, level)
    # closed on leaving, so that an error or stop here shuts the pool down at once
    with contextlib.closing(ordered_tasks(job, workers, cancel, _png_task, *args)) as done:
        for begin, end, (text, source) in done:
            for item in range(begin, end) if work is not None else ():
                name = png_name(item, count)
                os.replace(os.path.join(source, name), folder / name)
                if masks == "png":
                    os.replace(os.path.join(source, MASKS_FOLDER, name), labels / name)
            yield text


def ordered_tasks(
    job: ExportJob, workers: int, cancel: CancelCheck | None, run: Task, *args: Any
) -> Generator[tuple[int, int, Any], None, None]:
    """`run(dataset, begin, end, *args, checkpoint=...)` for each task of the job's items,
    on `workers` processes (in this one for 1, or for images so large that two at once
    would pass _POOL_BYTES; `run` a module's function); yields (begin, end, result) in
    item order.

    A task holds at most _TASK_BYTES of pixels. Tasks are made lazily and at most a few
    per worker are in flight, so memory stays flat at any count. A stop is noticed while
    waiting, and tasks under way end at their next checkpoint (between bands of work
    and images), so even one huge image stops part-way.
    """
    image = job.dataset.config.height * job.dataset.width  # bytes of one uint8 image
    step = max(1, min(_PNG_TASK_ITEMS, _TASK_BYTES // image))
    tasks = ((begin, min(begin + step, job.stop)) for begin in range(job.start, job.stop, step))
    workers = max(1, min(workers, _POOL_BYTES // image, -(-job.total // step)))
    if workers == 1:
        for begin, end in tasks:
            check_cancel(cancel)
            yield (
                begin,
                end,
                run(job.dataset, begin, end, *args, checkpoint=lambda: check_cancel(cancel)),
            )
        return
    config_json = job.dataset.config.to_json()
    context = multiprocessing.get_context(_start_method())
    stop = context.Event()
    # A stop (Ctrl+C) may land while waiting for results, never inside the pool's own
    # bookkeeping: cut there, its shutdown can wait forever for workers it never told.
    with deferred():
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(os.getpid(), _current_umask(), stop),
        )
    try:
        pending: collections.deque[tuple[int, int, concurrent.futures.Future[Any]]]
        pending = collections.deque()

        def submit() -> None:
            with deferred():
                for begin, end in tasks:
                    future = pool.submit(_in_worker, run, config_json, begin, end, args)
                    pending.append((begin, end, future))
                    return

        for _ in range(4 * workers):  # bounded: the results of a few tasks wait at most
            submit()
        while pending:
            begin, end, future = pending.popleft()
            result = _wait_result(future, cancel)
            submit()
            yield begin, end, result
    finally:
        with deferred():
            stop.set()  # tasks under way end at their next checkpoint
            pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> str:
    """How to start PNG workers: fork where it is safe (workers start at once with the
    digits loaded), i.e. from the main thread of a process with no other Python threads
    (not a Qt application's export thread) and before Python 3.12, which warns about fork
    once any native thread exists (numpy's BLAS pool is one); else forkserver, or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if (
        "fork" in methods
        and sys.version_info < (3, 12)
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    ):
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _wait_result(future: concurrent.futures.Future[Any], cancel: CancelCheck | None) -> Any:
    while True:
        check_cancel(cancel)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            return future.result(timeout=0.05)
