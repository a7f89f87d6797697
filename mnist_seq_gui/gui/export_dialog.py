"""File > Export Dataset: a data set's parameters, exported off the UI thread.

Two tabs keep the form short enough for small screens: "Data set" (how many images, of
which lengths, seed, format, pixel type, digit source, output folder) and "Recipe" (the
recipe's rows, made from its field table as the window's panel is, prefilled from the
window: with these values the window's gallery shows the first items of this export).
Every input re-checks the whole form, so the dialog never keeps a stale message. The
export runs in an ExportThread (gui/workers.py) with a progress dialog whose Cancel stops
it; the thread is always joined before the dialog goes away.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
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
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import DTYPES, FIELDS, InputError, MnistSeqError, Recipe, new_seed
from ..dataset import FORMATS, MAX_LENGTH, NPZ_NAME, DatasetConfig, ExportResult
from .panel import Form
from .rows import NumberRow, Row, make_row
from .state.edits import edit
from .state.jobs import describe_config, folder_problem
from .state.session import Session, worded
from .workers import ExportThread

FORMAT_TEXT = {
    "npz": "npz (one file)",
    "png": "PNG folder + metadata.jsonl",
    "coco": "COCO detection (images + annotations.json)",
    "yolo": "YOLO detection (images + labels + data.yaml)",
}
WRITTEN = {  # what each format wrote besides the images
    "png": " (PNG files, metadata.jsonl, config.json)",
    "coco": " (images/, annotations.json, config.json)",
    "yolo": " (images/, labels/, data.yaml, config.json)",
}
_MAX_COUNT = 100_000_000


def _scrolled(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class ExportForm(QTabWidget):
    """Every parameter of the export, in two tabs; `config()` reads them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportTabs")
        self._session = Session(Recipe())  # holds the recipe the rows edit
        self.count_spin = self._spin("count", 1, _MAX_COUNT, "Number of images")
        self.min_length_spin = self._spin("min_length", 1, MAX_LENGTH, "Fewest digits per image")
        self.max_length_spin = self._spin("max_length", 1, MAX_LENGTH, "Most digits per image")
        self.seed_edit = QLineEdit(self)
        self.seed_edit.setToolTip("0..2^63-1; the same seed writes the same data set")
        self.seed_edit.textChanged.connect(self.changed)
        self.random_seed_button = QPushButton("Random", self)
        self.random_seed_button.clicked.connect(lambda: self.seed_edit.setText(str(new_seed())))
        self.format_combo = self._combo(
            {name: FORMAT_TEXT[name] for name in FORMATS},
            "COCO and YOLO write each digit's ink box for detection models",
        )
        self.dtype_combo = self._combo(
            {d: d for d in DTYPES}, "Pixel type in the npz; float32 is exactly uint8 / 255"
        )
        self.source_edit = self._line(
            "bundled MNIST test set",
            "A folder holding MNIST IDX files "
            "(one pair, or the official training and test sets: pools train and test)",
        )
        self.out_edit = self._line("an empty folder", "Where the export goes")
        self.overwrite_check = QCheckBox("Replace an earlier export in this folder", self)
        self.overwrite_check.toggled.connect(self.changed)
        self.rows: dict[str, Row] = {}
        for name in FIELDS:
            row = (
                NumberRow(FIELDS[name], self._edited, allow_none=True)
                if name == "width"
                else make_row(name, self._edited)
            )
            self.rows[name] = row
        self.addTab(_scrolled(self._data_set_tab()), "&Data set")
        self.addTab(_scrolled(self._recipe_tab()), "&Recipe")

    def _spin(self, name: str, low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.setGroupSeparatorShown(True)
        spin.valueChanged.connect(self.changed)
        return spin

    def _combo(self, items: Mapping[str, str], tip: str) -> QComboBox:
        combo = QComboBox(self)
        for data, text in items.items():
            combo.addItem(text, data)
        combo.setToolTip(tip)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _line(self, placeholder: str, tip: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setPlaceholderText(placeholder)
        line.setToolTip(tip)
        line.textChanged.connect(self.changed)
        return line

    def _browse(self, line: QLineEdit, title: str) -> QPushButton:
        button = QPushButton("Browse\u2026", self)

        def choose() -> None:
            folder = QFileDialog.getExistingDirectory(self, title)
            if folder:
                line.setText(folder)

        button.clicked.connect(choose)
        return button

    def _data_set_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)

        def row(label: str, buddy: QWidget, *widgets: QWidget) -> None:
            text = QLabel(label)  # a form row holding a layout gets no buddy by itself
            text.setBuddy(buddy)
            box = QHBoxLayout()
            for widget in widgets:
                box.addWidget(widget)
            form.addRow(text, box)

        row("&Images:", self.count_spin, self.count_spin)
        row(
            "&Length:",
            self.min_length_spin,
            self.min_length_spin,
            QLabel("to"),
            self.max_length_spin,
        )
        row("S&eed:", self.seed_edit, self.seed_edit, self.random_seed_button)
        row("&Format:", self.format_combo, self.format_combo)
        row("Pi&xels:", self.dtype_combo, self.dtype_combo)
        row(
            "Digits &from:",
            self.source_edit,
            self.source_edit,
            self._browse(self.source_edit, "Folder with MNIST IDX files"),
        )
        row(
            "&Output folder:",
            self.out_edit,
            self.out_edit,
            self._browse(self.out_edit, "Output folder"),
        )
        form.addRow("", self.overwrite_check)
        return page

    def _recipe_tab(self) -> QWidget:
        page = Form()
        for row in self.rows.values():
            page.add(row.label, row.buddy, *row.widgets)
        note = QLabel(
            "Prefilled from the window: with these values, its gallery shows the first "
            "images of this export."
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        page.add("", None, note)
        return page

    def _edited(self, name: str, value: object) -> None:
        # The window's own rules (a range's other end follows), on a session of our own.
        n = self.max_length_spin.value()
        session = self._session.replace(sequence="0" * n)
        self._session = edit(session, session.recipe.width or 0, name, value).session
        if name == "width":  # as typed, "auto" included: the export chooses then
            self._session = self._session.replace(width=value)
        self._show_recipe()
        self.changed.emit()

    def _show_recipe(self) -> None:
        for name, row in self.rows.items():
            value = self._session.get(name)
            if name == "jitter_y" and value is None:
                value = ((self._session.get("height") - 28) // 2,) * 2
            row.show(value)

    # --- values ------------------------------------------------------------------

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form: DatasetConfig fields (count, min_length, max_length, seed,
        dtype, source, recipe) and `format`, `out`, `overwrite`; missing ones keep
        sensible defaults (10,000 five-digit images)."""
        self.count_spin.setValue(int(values.get("count", 10_000)))
        self.min_length_spin.setValue(int(values.get("min_length", 5)))
        self.max_length_spin.setValue(int(values.get("max_length", values.get("min_length", 5))))
        self.seed_edit.setText(str(values.get("seed", 0)))
        for key, combo in (("format", self.format_combo), ("dtype", self.dtype_combo)):
            combo.setCurrentIndex(max(0, combo.findData(values.get(key, combo.itemData(0)))))
        self._session = Session(values.get("recipe") or Recipe())
        self._show_recipe()
        self.source_edit.setText(values.get("source") or "")
        self.out_edit.setText(str(values.get("out") or ""))
        self.overwrite_check.setChecked(bool(values.get("overwrite", False)))
        self.changed.emit()

    @property
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def config(self) -> DatasetConfig:
        """The form as a DatasetConfig; MnistSeqError (one line) if it cannot work."""
        seed_text = self.seed_edit.text().strip()
        if not seed_text.isdigit() or len(seed_text) > 20:
            raise InputError(
                field="seed",
                value=seed_text,
                reason="is not a whole number",
                suggestion="use 0..9,223,372,036,854,775,807",
            )
        return DatasetConfig(
            self.count_spin.value(),
            self.min_length_spin.value(),
            self.max_length_spin.value(),
            seed=int(seed_text),
            dtype=str(self.dtype_combo.currentData()),
            source=self.source_edit.text().strip() or None,
            recipe=self._session.recipe,
        )


class ExportDialog(QDialog):
    """Choose a data set's parameters and where to write it; export with progress and Cancel."""

    exported = Signal(str)  # the npz file or the folder written
    export_failed = Signal(str)  # one-line reason
    export_cancelled = Signal()

    def __init__(
        self, parent: QWidget | None = None, defaults: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Dataset")
        self._thread: ExportThread | None = None
        self._outcome = False  # the running export reported how it ended
        self.progress_dialog: QProgressDialog | None = None
        self.last_result: ExportResult | None = None
        self.form = ExportForm(self)
        self.form.changed.connect(self._validate)
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
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.form.set_values(dict(defaults or {}))
        self._validate()

    def set_values(self, values: Mapping[str, Any]) -> None:
        self.form.set_values(values)

    @property
    def fmt(self) -> str:
        return self.form.fmt

    def config(self) -> DatasetConfig:
        return self.form.config()

    def _validate(self) -> bool:
        """Enable Export only for parameters that can work, and say why not."""
        if self.is_exporting():
            return False
        try:
            config = self.config()
        except InputError as exc:
            return self._refuse(worded(exc), error=True)
        except MnistSeqError as exc:
            return self._refuse(str(exc), error=True)
        out_text = self.form.out_edit.text().strip()
        if not out_text:
            return self._refuse("Choose an output folder.", error=False)
        problem = folder_problem(Path(out_text).expanduser(), self.form.overwrite_check.isChecked())
        if problem:
            return self._refuse(problem, error=True)
        self._set_status(describe_config(config), error=False)
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
        config = self.config()
        out = str(Path(self.form.out_edit.text().strip()).expanduser())
        thread = ExportThread(config, out, self.fmt, self.form.overwrite_check.isChecked(), self)
        self._outcome = False
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(self._join)
        self._thread = thread
        self._set_inputs_enabled(False)
        progress = QProgressDialog(f"Exporting {config.count:,} images\u2026", "Cancel", 0, 0, self)
        progress.setWindowTitle("Export Dataset")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel_export)
        self.progress_dialog = progress
        self._set_status(f"Exporting to {out}\u2026", error=False)
        progress.show()
        thread.start()
        return True

    def cancel_export(self) -> None:
        """Ask the export to stop; it removes what it wrote, then reports `export_cancelled`."""
        if self._thread is not None:
            self._thread.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText("Cancelling: removing partial files\u2026")

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            if self.progress_dialog.maximum() != total:
                self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(done)

    def _on_succeeded(self, result: ExportResult) -> None:
        self._outcome = True
        self.last_result = result
        where = result.out_dir / NPZ_NAME if self.fmt == "npz" else result.out_dir
        self._set_status(
            f"Wrote {result.items:,} images{WRITTEN.get(self.fmt, '')} to {where}", error=False
        )
        self.exported.emit(str(where))

    def _on_failed(self, message: str) -> None:
        self._outcome = True
        self._set_status(f"Export failed: {message}", error=True)
        self.export_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._outcome = True
        self._set_status("Export cancelled; no files were kept.", error=False)
        self.export_cancelled.emit()

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
        self._set_inputs_enabled(True)
        self.export_button.setEnabled(bool(self.form.out_edit.text().strip()))

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.form.setEnabled(enabled)
        self.export_button.setEnabled(enabled)

    def stop_and_wait(self) -> None:
        """Cancel a running export and wait until it has cleaned up."""
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
        room = self.screen().availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        hint = self.sizeHint()
        width = max(self.width(), min(hint.width(), room.width() - extra_w))
        height = max(self.height(), min(hint.height(), room.height() - extra_h))
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
