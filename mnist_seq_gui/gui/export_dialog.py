"""File > Export Dataset: a data set's parameters (gui/export_form.py), exported off the
UI thread by an ExportThread (below) with a progress dialog whose Cancel stops
it; a cancelled or failed export leaves no files, and the thread is always joined before
the dialog goes away.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from ..core import InputError, MnistSeqError
from ..dataset import (
    NPZ_NAME,
    DatasetConfig,
    ExportCancelled,
    ExportResult,
    SequenceDataset,
    export,
)
from .export_form import ExportForm
from .state.jobs import describe_config, folder_problem
from .state.session import worded

WRITTEN = {  # what each format wrote besides the images
    "png": " (PNG files, metadata.jsonl, config.json)",
    "coco": " (images/, annotations.json, config.json)",
    "yolo": " (images/, labels/, data.yaml, config.json)",
}


class ExportDialog(QDialog):
    """Choose a data set's parameters and where to write it; export with progress and Cancel."""

    exported = Signal(str)  # the npz file or the folder written
    export_failed = Signal(str)  # one-line reason
    export_cancelled = Signal(str)  # what the stopped export left, in the library's words

    def __init__(
        self, parent: QWidget | None = None, defaults: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Dataset")
        fit_title(self)
        self._thread: ExportThread | None = None
        self._outcome = False  # the running export reported how it ended
        self._started = self._said = 0.0  # when the export started; its figures last said
        self.progress_dialog: QProgressDialog | None = None
        self.form = ExportForm(self)
        self.form.changed.connect(self._validate)
        self.form.preview.wants_room.connect(self.fit_screen)
        self.leak_label = QLabel(self)  # a note: the layout gives the length away
        self.leak_label.setObjectName("lengthLeak")
        self.leak_label.setWordWrap(True)
        self.leak_label.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.leak_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.form.set_values(dict(defaults or {}))
        self._validate()

    @property
    def fmt(self) -> str:
        return self.form.fmt

    def config(self) -> DatasetConfig:
        return self.form.config()

    def _validate(self) -> bool:
        """Enable Export only for parameters that can work, and say why not."""
        if self.is_exporting():
            return False
        self.leak_label.hide()
        try:
            config = self.config()
        except InputError as exc:
            return self._refuse(worded(exc), error=True)
        except MnistSeqError as exc:
            return self._refuse(str(exc), error=True)
        try:
            splits = self.form.splits()
        except MnistSeqError as exc:
            return self._refuse(worded(exc) if isinstance(exc, InputError) else str(exc), True)
        if config.length_leak:
            self.leak_label.setText(
                f"Note: {config.length_leak}; choose Placement: Free on the Recipe tab to "
                "place each sequence anywhere in a width that holds the longest."
            )
            self.leak_label.show()
        out_text = self.form.out_edit.text().strip()
        if not out_text:
            return self._refuse("Choose an output folder.", error=False)
        problem = folder_problem(Path(out_text).expanduser(), self.form.overwrite_check.isChecked())
        if problem:
            return self._refuse(problem, error=True)
        each = ", ".join(f"{k} {c.count:,}" for k, c in (splits or {}).items())
        said = describe_config(config)
        self._set_status(f"Splits {each}: {said}" if splits else said, error=False)
        self.export_button.setEnabled(True)
        return True

    def _refuse(self, text: str, error: bool) -> bool:
        self._set_status(text, error)
        self.export_button.setEnabled(False)
        return False

    def _set_status(self, text: str, error: bool) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b3261e;" if error else "")

    def status_text(self) -> str:
        return self.status_label.text()

    def is_exporting(self) -> bool:
        return self._thread is not None

    def start_export(self) -> bool:
        """Start exporting in the background; False (and a status line) if it cannot start."""
        if self.is_exporting() or not self._validate():
            return False
        config = self.form.splits() or self.config()
        out = str(Path(self.form.out_edit.text().strip()).expanduser())
        overwrite, masks = self.form.overwrite_check.isChecked(), self.form.masks_check.isChecked()
        thread = ExportThread(config, out, self.fmt, overwrite, masks, self)
        count = sum(c.count for c in config.values()) if isinstance(config, dict) else config.count
        self._outcome = False
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.removing.connect(self._on_removing)
        thread.finished.connect(self._join)
        self._thread = thread
        self.form.setEnabled(False)
        self.export_button.setEnabled(False)
        progress = QProgressDialog(f"Exporting {count:,} images\u2026", "Cancel", 0, 0, self)
        progress.setWindowTitle("Export Dataset")
        fit_title(progress)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel_export)
        self.progress_dialog = progress
        self._set_status(f"Exporting to {out}\u2026", error=False)
        self._started, self._said = time.monotonic(), 0.0
        progress.show()
        thread.start()
        return True

    def cancel_export(self) -> None:
        """Ask the export to stop; it removes what it wrote, then reports `export_cancelled`.
        Asked again while it removes them, it leaves the rest (and says where)."""
        if self._thread is not None:
            again = self._thread.cancel()
            if self.progress_dialog is not None and not again:
                self.progress_dialog.setLabelText(
                    "Cancelling: removing the unfinished files\u2026 (Cancel again leaves them)"
                )

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            if self.progress_dialog.maximum() != total:
                self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(done)
            now = time.monotonic()
            stopping = self._thread is not None and self._thread.stopping()
            if not stopping and (now - self._said >= 0.25 or done == total):
                self._said = now
                self.progress_dialog.setLabelText(progress_text(done, total, now - self._started))

    def _on_succeeded(self, result: ExportResult) -> None:
        self._outcome = True
        splits = self._thread is not None and isinstance(self._thread.config, dict)
        where = result.out_dir / NPZ_NAME if self.fmt == "npz" and not splits else result.out_dir
        what = " in a folder per split, and config.json" if splits else WRITTEN.get(self.fmt, "")
        self._set_status(f"Wrote {result.items:,} images{what} to {where}", error=False)
        self.exported.emit(str(where))

    def _on_failed(self, message: str) -> None:
        self._outcome = True
        self._set_status(f"Export failed: {message}", error=True)
        self.export_failed.emit(message)

    def _on_removing(self, done: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(
                f"Cancelling: {done:,} unfinished files removed\u2026 "
                "(Cancel again leaves the rest)"
            )

    def _on_cancelled(self, said: str) -> None:
        self._outcome = True
        self._set_status(f"{said[:1].upper()}{said[1:]}.", error=False)
        self.export_cancelled.emit(said)

    def _join(self) -> None:
        """Wait for the thread (without a time limit) and drop the progress dialog."""
        if not self._outcome and self._thread is not None:
            self._set_status("Export failed: it stopped without a result.", error=True)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel_export)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.form.setEnabled(True)
        self.export_button.setEnabled(bool(self.form.out_edit.text().strip()))

    def stop_and_wait(self) -> None:
        """Cancel a running export and wait until it has cleaned up; stop the preview."""
        self.form.preview.stop()
        if self._thread is not None:
            self._thread.cancel()
            self._thread.wait()
            self._join()  # deliver its last signals' effects before the dialog goes

    def done(self, result: int) -> None:
        self.stop_and_wait()
        super().done(result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # As large as the form wants (Qt stops a new window at 2/3 of the screen), but
        # never larger than the screen: the form's pages scroll instead.
        self.fit_screen(self.sizeHint())

    def fit_screen(self, wanted: QSize) -> None:
        """Grow towards `wanted` as far as the screen lets the window and its frame; keep
        the frame on the screen."""
        room = self.screen().availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        width = max(self.width(), min(wanted.width(), room.width() - extra_w))
        height = max(self.height(), min(wanted.height(), room.height() - extra_h))
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), room.left()), room.right() - frame.width() + 1)
        y = min(max(frame.y(), room.top()), room.bottom() - frame.height() + 1)
        if (x, y) != (frame.x(), frame.y()):
            self.move(max(x, room.left()), max(y, room.top()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_and_wait()
        super().closeEvent(event)


def progress_text(done: int, total: int, elapsed: float) -> str:
    """The progress dialog's words: how far, how fast, how long still."""
    head = f"Exporting {total:,} images\u2026\n{done:,} done"
    if done == 0 or elapsed < 0.5:
        return f"{head}; working out the time left"
    rate = done / elapsed
    return f"{head} \u00b7 {rate:,.0f} images/s \u00b7 {duration((total - done) / rate)} left"


def duration(seconds: float) -> str:
    """'45 s', '3 min 05 s', '2 h 07 min': as precise as a person needs."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def fit_title(window: QWidget) -> None:
    """At least as wide as the title bar needs for the whole title, as a window manager
    shows it (with the application's name), so that it is not cut."""
    title = f"{window.windowTitle()} \u2014 {QGuiApplication.applicationDisplayName()}"
    # The bar's font is often bold and a little larger; its icon and buttons need room.
    need = round(window.fontMetrics().horizontalAdvance(title) * 1.2) + 150
    window.setMinimumWidth(max(window.minimumWidth(), need))


class ExportThread(QThread):
    """One data-set export off the UI thread, with progress and Cancel. Every way it can
    end is reported by exactly one signal: `succeeded`, `cancelled` or `failed` (a
    one-line reason, also for errors nobody expected), so the dialog never keeps saying
    "Exporting to ..." after the thread is gone."""

    progressed = Signal(int, int)  # items done, items in total
    succeeded = Signal(object)  # ExportResult
    failed = Signal(str)
    cancelled = Signal(str)  # the library's account of what the stop left
    removing = Signal(int)  # unfinished files removed so far, after a cancel

    def __init__(
        self,
        config: DatasetConfig | dict[str, DatasetConfig],
        out_dir: str,
        fmt: str,
        overwrite: bool,
        masks: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ExportThread")
        self.config, self.out_dir, self.fmt, self.overwrite = config, out_dir, fmt, overwrite
        self.masks = masks
        self._stop, self._abandon = threading.Event(), threading.Event()

    def stopping(self) -> bool:
        """True once asked to stop."""
        return self._stop.is_set()

    def cancel(self) -> bool:
        """Stop the export; a second call leaves its unfinished files. True if it was
        the second."""
        again = self._stop.is_set()
        (self._abandon if again else self._stop).set()
        return again

    def run(self) -> None:
        try:
            config = self.config
            result = export(
                {k: SequenceDataset(c) for k, c in config.items()}
                if isinstance(config, dict)
                else SequenceDataset(config),
                self.out_dir,
                self.fmt,
                overwrite=self.overwrite,
                masks=self.masks,
                progress=self.progressed.emit,
                cancel=self._stop.is_set,
                removing=self.removing.emit,
                abandon=self._abandon.is_set,
            )
        except ExportCancelled as exc:
            self.cancelled.emit(str(exc))
        except MnistSeqError as exc:
            self.failed.emit(worded(exc) if isinstance(exc, InputError) else str(exc))
        except OSError as exc:
            self.failed.emit(f"cannot write {self.out_dir}: {exc.strerror or exc}")
        except Exception as exc:  # never leave the dialog waiting for an outcome
            self.failed.emit(f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
