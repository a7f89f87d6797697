"""A PNG folder in the Hugging Face "imagefolder" layout: PNGs, metadata.jsonl, config.json.

PNG encoding runs on a pool of processes. One process writes PNGs straight to their
final names; with several workers each renders, encodes and writes into its own hidden
staging folder (creating files in one shared folder serialises on its lock) and this
process moves each finished task's files into place. metadata.jsonl is renamed in last,
so a folder that has it is complete.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..core import whole_number
from ..files import atomic_output, encode_png, write_bytes_atomic
from .config import CONFIG_NAME, METADATA_NAME, DatasetConfig, DatasetError, Shard
from .export import (
    STAGING_PREFIX,
    CancelCheck,
    ExportJob,
    ExportResult,
    Progress,
    check_cancel,
    default_workers,
    export_job,
)
from .items import SequenceDataset

_PNG_TASK_ITEMS = 256


def png_name(item: int, count: int) -> str:
    """'000042.png': zero-padded to the data set's (not the shard's) count, at least 6 digits."""
    return f"{item:0{max(6, len(str(count - 1)))}d}.png"


def metadata_lines(batch: Mapping[str, np.ndarray], count: int) -> str:
    """The metadata.jsonl lines of a batch: file_name plus the unpadded label fields."""
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
        }
        lines.append(json.dumps(record, separators=(", ", ": ")))
    return "".join(line + "\n" for line in lines)


def _write_pngs(dataset: SequenceDataset, start: int, stop: int, folder: Path) -> str:
    """Render items start..stop-1, write their PNGs into `folder`; return their metadata."""
    batch = dataset.batch(np.arange(start, stop, dtype=np.int64))
    count = len(dataset)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    for r, item in enumerate(batch["item"].tolist()):
        data = encode_png(batch["image"][r])
        # Plain os calls: file creation is the serial part of a PNG export here.
        fd = os.open(folder / png_name(item, count), flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    return metadata_lines(batch, count)


_WORKER_DATASETS: dict[str, SequenceDataset] = {}


def _worker_init() -> None:
    # Ctrl+C reaches the whole process group; the parent alone decides how to stop,
    # so workers finish their task and let the parent clean up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _png_task(config_json: str, start: int, stop: int, staging: str) -> tuple[str, str]:
    """Write a task's PNGs into this worker's own staging folder; (metadata, folder)."""
    dataset = _WORKER_DATASETS.get(config_json)
    if dataset is None:
        _WORKER_DATASETS.clear()
        dataset = _WORKER_DATASETS[config_json] = SequenceDataset(
            DatasetConfig.from_json(config_json)
        )
    # Creating files takes the folder's lock; one folder per worker keeps the
    # workers from spinning on each other's creates (the parent moves the files).
    folder = Path(staging) / str(os.getpid())
    folder.mkdir(exist_ok=True)
    return _write_pngs(dataset, start, stop, folder), str(folder)


def export_png(
    dataset: SequenceDataset,
    out_dir: str | os.PathLike,
    *,
    shard: Shard | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ExportResult:
    """Write PNGs + metadata.jsonl + config.json with `workers` processes (default: all).

    On error, cancel or Ctrl+C every file of this export is removed.
    """
    if dataset.has_own_bank and (workers or default_workers()) > 1:
        workers = 1  # a bank that is not in the config cannot be reloaded by workers
    workers = (
        default_workers()
        if workers is None
        else whole_number("workers", workers, 1, 256, error=DatasetError)
    )
    with export_job(dataset, out_dir, shard, overwrite, _remove_pngs) as job:
        out = job.out_dir
        with atomic_output(out / METADATA_NAME) as metadata_tmp:
            done = 0
            with open(metadata_tmp, "w", encoding="utf-8", newline="\n") as meta:
                for text in _png_chunks(job, out, workers, cancel):
                    meta.write(text)
                    done += text.count("\n")
                    if progress is not None:
                        progress(done, job.total)
            check_cancel(cancel)
            config_text = json.dumps(job.describe(), indent=2, sort_keys=True) + "\n"
            write_bytes_atomic(out / CONFIG_NAME, config_text.encode("utf-8"))
    return ExportResult(
        out, (out / METADATA_NAME, out / CONFIG_NAME), job.total, job.start, job.stop, job.total
    )


def _remove_pngs(job: ExportJob) -> None:
    """Undo a failed export (workers have finished: the pool is shut down)."""
    for i in range(job.start, job.stop):
        with contextlib.suppress(FileNotFoundError):
            (job.out_dir / png_name(i, len(job.dataset))).unlink()
    with contextlib.suppress(FileNotFoundError):
        (job.out_dir / CONFIG_NAME).unlink()


def _png_chunks(
    job: ExportJob, folder: Path, workers: int, cancel: CancelCheck | None
) -> Iterator[str]:
    """Metadata text of each task, in item order, as the tasks finish."""
    bounds = [
        (begin, min(begin + _PNG_TASK_ITEMS, job.stop))
        for begin in range(job.start, job.stop, _PNG_TASK_ITEMS)
    ]
    if workers == 1:
        for begin, end in bounds:
            check_cancel(cancel)
            yield _write_pngs(job.dataset, begin, end, folder)
        return
    config_json = job.dataset.config.to_json()
    context = multiprocessing.get_context(_start_method())
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, len(bounds)), mp_context=context, initializer=_worker_init
    )
    count = len(job.dataset)
    try:
        pending: list[tuple[int, int, concurrent.futures.Future[tuple[str, str]]]] = []
        todo = iter(bounds)
        window = 4 * workers  # bounded: metadata of a few tasks waits at most

        def submit() -> None:
            for begin, end in todo:
                future = pool.submit(_png_task, config_json, begin, end, str(staging))
                pending.append((begin, end, future))
                return

        for _ in range(window):
            submit()
        while pending:
            begin, end, future = pending.pop(0)
            text, source = _wait_result(future, cancel)
            submit()
            for item in range(begin, end):
                name = png_name(item, count)
                os.replace(os.path.join(source, name), folder / name)
            yield text
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)


def _start_method() -> str:
    """How to start PNG workers.

    fork where it is safe: workers start at once with the digits already loaded.
    Only from the main thread of a process with no other Python threads (not from
    a Qt application's export thread), and only before Python 3.12, which warns
    about fork as soon as any native thread exists (numpy's BLAS pool is one).
    Otherwise forkserver (Python's own default from 3.14), or spawn where that is
    all there is.
    """
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
        try:
            return future.result(timeout=0.05)
        except concurrent.futures.TimeoutError:
            continue
