"""ExportThread: one data-set export off the UI thread, with progress and Cancel.

Every way the export can end is reported by exactly one signal: `succeeded`,
`cancelled` or `failed` (with a one-line reason, also for errors nobody expected),
so the dialog never keeps saying "Exporting to ..." after the thread is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from ..core import MnistSeqError
from ..dataset import DatasetConfig, ExportCancelled, SequenceDataset, export

ExportFn = Callable[..., object]


class ExportThread(QThread):
    """Builds the dataset and runs one export; `cancel()` makes it stop and clean up."""

    progressed = Signal(int, int)  # items done, items in total
    succeeded = Signal(object)  # ExportResult
    failed = Signal(str)  # one-line reason
    cancelled = Signal()

    def __init__(
        self,
        config: DatasetConfig,
        out_dir: str,
        fmt: str,
        overwrite: bool,
        parent: QObject | None = None,
        export_fn: ExportFn = export,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ExportThread")
        self.config = config
        self.out_dir = out_dir
        self.fmt = fmt
        self.overwrite = overwrite
        self._export = export_fn
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            dataset = SequenceDataset(self.config)
            result = self._export(
                dataset,
                self.out_dir,
                self.fmt,
                overwrite=self.overwrite,
                progress=self.progressed.emit,
                cancel=self._stop.is_set,
            )
        except ExportCancelled:
            self.cancelled.emit()
        except MnistSeqError as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            self.failed.emit(f"cannot write {self.out_dir}: {exc.strerror or exc}")
        except Exception as exc:  # never leave the dialog waiting for an outcome
            self.failed.emit(f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
