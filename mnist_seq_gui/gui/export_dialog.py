"""File > Export dataset...: the parameters of a data set, exported off the UI thread.

    dialog = ExportDialog(main_window, defaults_from_spec(spec, seed))
    dialog.open()

The export runs in an `ExportThread` (a QThread) with a progress dialog whose Cancel
stops it; a cancelled or failed export leaves no files (the exporters clean up). The
thread is always joined before the dialog goes away.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import MAX_SEED, MAX_WIDTH, RULES, MnistSeqError, new_seed
from ..dataset import DTYPES, FORMATS, MAX_LENGTH, NPZ_NAME, DatasetConfig, ExportResult
from .export_checks import folder_problem, in_gui_words
from .export_thread import ExportThread

_AUTO_WIDTH = 27  # one below the narrowest image; shown as "auto"
_MAX_COUNT = 100_000_000


class ExportDialog(QDialog):
    """Choose a data set's parameters and where to write it; export with progress and Cancel.

    `defaults` holds DatasetConfig field names (count, min_length, max_length, width,
    min_spacing, max_spacing, rule, white_on_black, seed, dtype, source) plus `format`
    ("npz" or "png"), `out` (folder) and `overwrite`; a DatasetConfig works too.
    """

    exported = Signal(str)  # the npz file or the PNG folder written
    export_failed = Signal(str)  # one-line reason
    export_cancelled = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        defaults: Mapping[str, Any] | DatasetConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export dataset")
        self._thread: ExportThread | None = None
        self._outcome = False  # the running export reported how it ended
        self.progress_dialog: QProgressDialog | None = None
        self.last_result: ExportResult | None = None
        self._create_widgets()
        if isinstance(defaults, DatasetConfig):
            defaults = defaults.to_dict()
        self.set_values(dict(defaults or {}))
        self._validate()

    # --- widgets -----------------------------------------------------------------

    def _spin(self, name: str, low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.setGroupSeparatorShown(True)
        spin.valueChanged.connect(self._validate)
        return spin

    def _create_widgets(self) -> None:
        self.count_spin = self._spin("count", 1, _MAX_COUNT, "Number of images")
        self.min_length_spin = self._spin("min_length", 1, MAX_LENGTH, "Fewest digits per image")
        self.max_length_spin = self._spin("max_length", 1, MAX_LENGTH, "Most digits per image")
        self.width_spin = self._spin(
            "width", _AUTO_WIDTH, MAX_WIDTH, "Image width in px; auto: narrowest that fits"
        )
        self.width_spin.setSpecialValueText("auto")
        self.min_spacing_spin = self._spin("min_spacing", 0, MAX_WIDTH, "Smallest gap, px")
        self.max_spacing_spin = self._spin("max_spacing", 0, MAX_WIDTH, "Largest gap, px")
        self.rule_combo = QComboBox(self)
        self.rule_combo.addItems(list(RULES))
        self.rule_combo.currentIndexChanged.connect(self._validate)
        self.white_on_black_check = QCheckBox("White on black (as MNIST)", self)
        self.seed_edit = QLineEdit(self)
        self.seed_edit.setToolTip(f"0..{MAX_SEED}; the same seed writes the same data set")
        self.seed_edit.textChanged.connect(self._validate)
        self.random_seed_button = QPushButton("Random", self)
        self.random_seed_button.clicked.connect(lambda: self.seed_edit.setText(str(new_seed())))
        self.dtype_combo = QComboBox(self)
        self.dtype_combo.addItems(list(DTYPES))
        self.dtype_combo.setToolTip("Pixel type in the npz; float32 is exactly uint8 / 255")
        self.format_combo = QComboBox(self)
        self.format_combo.addItem("npz (one file)", "npz")
        self.format_combo.addItem("PNG folder + metadata.jsonl", "png")
        self.format_combo.currentIndexChanged.connect(self._validate)
        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText("bundled MNIST test set")
        self.source_edit.setToolTip("A folder holding one MNIST IDX pair, or its images file")
        self.source_button = QPushButton("Browse...", self)
        self.source_button.clicked.connect(self._browse_source)
        self.out_edit = QLineEdit(self)
        self.out_edit.setPlaceholderText("an empty folder")
        self.out_edit.textChanged.connect(self._validate)
        self.out_button = QPushButton("Browse...", self)
        self.out_button.clicked.connect(self._browse_out)
        self.overwrite_check = QCheckBox("Replace an earlier export in this folder", self)
        # Every input re-checks the form, so a fixed field never leaves a stale error.
        self.white_on_black_check.toggled.connect(self._validate)
        self.dtype_combo.currentIndexChanged.connect(self._validate)
        self.source_edit.textChanged.connect(self._validate)
        self.overwrite_check.toggled.connect(self._validate)
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

        def row(*widgets: QWidget) -> QHBoxLayout:
            box = QHBoxLayout()
            for widget in widgets:
                box.addWidget(widget)
            return box

        def label(text: str, buddy: QWidget) -> QLabel:
            # A form row holding a layout gets no buddy by itself, so its & would show.
            widget = QLabel(text, self)
            widget.setBuddy(buddy)
            return widget

        form = QFormLayout()
        form.addRow("&Images:", self.count_spin)
        form.addRow(
            label("&Length:", self.min_length_spin),
            row(self.min_length_spin, QLabel("to"), self.max_length_spin),
        )
        form.addRow("&Width:", self.width_spin)
        form.addRow(
            label("&Spacing:", self.min_spacing_spin),
            row(self.min_spacing_spin, QLabel("to"), self.max_spacing_spin),
        )
        form.addRow("&Rule:", self.rule_combo)
        form.addRow("", self.white_on_black_check)
        form.addRow(label("S&eed:", self.seed_edit), row(self.seed_edit, self.random_seed_button))
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Pixels:", self.dtype_combo)
        form.addRow(
            label("Digits &from:", self.source_edit), row(self.source_edit, self.source_button)
        )
        form.addRow(label("&Output folder:", self.out_edit), row(self.out_edit, self.out_button))
        form.addRow("", self.overwrite_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form; missing keys keep sensible defaults (10,000 five-digit images)."""
        self.count_spin.setValue(int(values.get("count", 10_000)))
        self.min_length_spin.setValue(int(values.get("min_length", 5)))
        self.max_length_spin.setValue(int(values.get("max_length", values.get("min_length", 5))))
        width = values.get("width")
        self.width_spin.setValue(_AUTO_WIDTH if width is None else int(width))
        self.min_spacing_spin.setValue(int(values.get("min_spacing", 0)))
        self.max_spacing_spin.setValue(int(values.get("max_spacing", 0)))
        self.rule_combo.setCurrentText(str(values.get("rule", "uniform")))
        self.white_on_black_check.setChecked(bool(values.get("white_on_black", False)))
        self.seed_edit.setText(str(values.get("seed", 0)))
        self.dtype_combo.setCurrentText(str(values.get("dtype", "uint8")))
        fmt = values.get("format", "npz")
        if fmt not in FORMATS:
            raise ValueError(f"format {fmt!r} is unknown; use {' or '.join(FORMATS)}")
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
        self.source_edit.setText(values.get("source") or "")
        self.out_edit.setText(str(values.get("out") or ""))
        self.overwrite_check.setChecked(bool(values.get("overwrite", False)))

    def _browse_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with one MNIST IDX pair")
        if folder:
            self.source_edit.setText(folder)

    def _browse_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder")
        if folder:
            self.out_edit.setText(folder)

    # --- parameters --------------------------------------------------------------

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def config(self) -> DatasetConfig:
        """The form as a DatasetConfig; DatasetError (one line) if it cannot work."""
        seed_text = self.seed_edit.text().strip()
        try:
            seed = int(seed_text, 10)
        except ValueError:
            raise MnistSeqError(f"seed {seed_text!r} is not a whole number") from None
        width = self.width_spin.value()
        return DatasetConfig(
            count=self.count_spin.value(),
            min_length=self.min_length_spin.value(),
            max_length=self.max_length_spin.value(),
            width=None if width == _AUTO_WIDTH else width,
            min_spacing=self.min_spacing_spin.value(),
            max_spacing=self.max_spacing_spin.value(),
            rule=self.rule_combo.currentText(),
            white_on_black=self.white_on_black_check.isChecked(),
            seed=seed,
            dtype=self.dtype_combo.currentText(),
            source=self.source_edit.text().strip() or None,
        )

    def _validate(self) -> bool:
        """Enable Export only for parameters that can work, and say why not."""
        if self.is_exporting():
            return False
        try:
            config = self.config()
        except MnistSeqError as exc:
            return self._refuse(in_gui_words(str(exc)), error=True)
        out_text = self.out_edit.text().strip()
        if not out_text:
            return self._refuse("Choose an output folder.", error=False)
        problem = folder_problem(Path(out_text).expanduser(), self.overwrite_check.isChecked())
        if problem:
            return self._refuse(problem, error=True)
        self._set_status(
            f"{config.count:,} images of {config.width} x 28 px, "
            f"{config.min_length}..{config.max_length} digits.",
            error=False,
        )
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

    # --- the export ----------------------------------------------------------------

    def is_exporting(self) -> bool:
        return self._thread is not None

    def start_export(self) -> bool:
        """Start exporting in the background; False (and a status line) if it cannot start."""
        if self.is_exporting() or not self._validate():
            return False
        config = self.config()
        out = str(Path(self.out_edit.text().strip()).expanduser())
        thread = ExportThread(config, out, self.fmt, self.overwrite_check.isChecked(), self)
        self._outcome = False
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(self._on_thread_finished)
        self._thread = thread
        self._set_inputs_enabled(False)
        progress = QProgressDialog(f"Exporting {config.count:,} images...", "Cancel", 0, 0, self)
        progress.setWindowTitle("Export dataset")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel_export)
        self.progress_dialog = progress
        self._set_status(f"Exporting to {out}...", error=False)
        progress.show()
        thread.start()
        return True

    def cancel_export(self) -> None:
        """Ask the export to stop; it removes what it wrote, then reports `export_cancelled`."""
        if self._thread is not None:
            self._thread.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText("Cancelling: removing partial files...")

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            if self.progress_dialog.maximum() != total:
                self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(done)

    def _on_succeeded(self, result: ExportResult) -> None:
        self._outcome = True
        self.last_result = result
        where = result.out_dir / NPZ_NAME if self.fmt == "npz" else result.out_dir
        what = f"{result.items:,} images"
        if self.fmt == "png":
            what += " (PNG files, metadata.jsonl, config.json)"
        self._set_status(f"Wrote {what} to {where}", error=False)
        self.exported.emit(str(where))

    def _on_failed(self, message: str) -> None:
        self._outcome = True
        self._set_status(f"Export failed: {in_gui_words(message)}", error=True)
        self.export_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._outcome = True
        self._set_status("Export cancelled; no files were kept.", error=False)
        self.export_cancelled.emit()

    def _on_thread_finished(self) -> None:
        if not self._outcome:  # the thread ended without reporting how
            self._set_status("Export failed: it stopped without a result.", error=True)
        self._join()

    def _join(self) -> None:
        """Wait for the thread (without a time limit) and drop the progress dialog."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel_export)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self._set_inputs_enabled(True)
        self.export_button.setEnabled(bool(self.out_edit.text().strip()))

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for child in self.findChildren(QWidget):
            if child is not self.progress_dialog and child.parent() is self:
                if child is self.buttons or child is self.status_label:
                    continue
                child.setEnabled(enabled)
        self.export_button.setEnabled(enabled)

    def stop_and_wait(self) -> None:
        """Cancel a running export and wait until it has cleaned up."""
        if self._thread is not None:
            self._thread.cancel()
            self._thread.wait()
            # Deliver its last signals (cancelled/finished) before the dialog goes.
            self._join()

    def done(self, result: int) -> None:
        self.stop_and_wait()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_and_wait()
        super().closeEvent(event)
