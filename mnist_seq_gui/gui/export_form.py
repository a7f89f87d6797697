"""The export dialog's form: a data set's parameters, read as a DatasetConfig.

Two tabs keep it short enough for small screens. The "Recipe" tab is prefilled from the
window: with these values the window's gallery shows the first items of this export.
A third, "Preview", shows the first items of exactly this export, and its statistics.
Every input emits `changed`, so the dialog re-checks the whole form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from ..core import DTYPES, FIELDS, InputError, Recipe, new_seed
from ..dataset import FORMATS, MAX_LENGTH, DatasetConfig, parse_splits, split_configs
from ..dataset.labels import parse_length_weights, read_labels
from .export_preview import ExportPreview
from .panel import Form, scrolled
from .rows import NumberRow, Row, make_row
from .state.edits import edit
from .state.session import Session

FORMAT_TEXT = {
    "npz": "npz (one file)",
    "png": "PNG folder + metadata.jsonl",
    "coco": "COCO detection (images + annotations.json)",
    "yolo": "YOLO detection (images + labels + data.yaml)",
    "parquet": "Parquet files (PNG images + labels; Hugging Face datasets)",
}
_MAX_COUNT = 100_000_000


class ExportForm(QTabWidget):
    """Every parameter of the export, in two tabs, and its preview; `config()` reads them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportTabs")
        self._session = Session(Recipe())  # holds the recipe the rows edit
        self.count_spin = self._spin("count", 1, _MAX_COUNT, "Number of images")
        self.min_length_spin = self._spin("min_length", 1, MAX_LENGTH, "Fewest digits per image")
        self.max_length_spin = self._spin("max_length", 1, MAX_LENGTH, "Most digits per image")
        self.weights_edit = self._line(
            "even", "One weight per length, e.g. 1,1,2,2,4,4 for 3 to 8 digits"
        )
        self.labels_edit = self._line(
            "none: random digits",
            "A text file of label strings, one string of digits per line (dates, postcodes, "
            "amounts): each image's label is one of them; the lengths are theirs",
        )
        self.labels_edit.textChanged.connect(self._labels_given)
        self.labels_button = QPushButton("Browse\u2026", self)
        self.labels_button.clicked.connect(self._choose_labels)
        self.in_order_check = QCheckBox("I&n order", self)
        self.in_order_check.setToolTip("Image i gets line i mod the number of strings")
        self.in_order_check.toggled.connect(self.changed)
        self._loaded: tuple[tuple[str, int, int] | None, tuple[str, ...]] = (None, ())
        self.splits_edit = self._line(
            "none: one data set",
            "Train, val and test at once, e.g. train:50000,val:5000,test:10000: a folder "
            "each, from digits they do not share (Images is then theirs)",
        )
        self.splits_edit.textChanged.connect(self._splits_given)
        self.hold_out_spin = QDoubleSpinBox(self)
        self.hold_out_spin.setRange(0, 0.99)
        self.hold_out_spin.setSingleStep(0.05)
        self.hold_out_spin.setSpecialValueText("none")
        self.hold_out_spin.setToolTip(
            "The fraction of label strings kept for test: none of them occurs in train or val"
        )
        self.hold_out_spin.valueChanged.connect(self.changed)
        self.seed_edit = self._line("", "0..2^63-1; the same seed writes the same data set")
        self.random_seed_button = QPushButton("Random", self)
        self.random_seed_button.clicked.connect(lambda: self.seed_edit.setText(str(new_seed())))
        self.format_combo = self._combo(
            {name: FORMAT_TEXT[name] for name in FORMATS},
            "COCO and YOLO write each digit's ink box for detection models",
        )
        self.masks_check = QCheckBox("Per-digit &masks", self)
        self.masks_check.setToolTip(
            "Each digit's ink mask too: npz member masks (bit-packed), COCO segmentation "
            "(RLE), PNG and YOLO a label image per image in masks/ (pixel = digit's slot + 1)"
        )
        self.masks_check.toggled.connect(self.changed)
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
        self.rows: dict[str, Row] = {
            name: NumberRow(FIELDS[name], self._edited, allow_none=True)
            if name == "width"
            else make_row(name, self._edited)
            for name in FIELDS
        }
        self.addTab(scrolled(self._data_set_tab(), fit="size"), "&Data set")
        self.addTab(scrolled(self._recipe_tab(), fit="width"), "&Recipe")
        self.preview = ExportPreview(lambda: self.splits() or self.config(), self)
        self.addTab(self.preview, "Pre&view")
        self.changed.connect(self.preview.refresh)  # it asks only while it is shown
        self._labels_given()
        self._splits_given()

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

        def row(label: str, *widgets: QWidget) -> None:
            """A labelled row whose first widget is the label's buddy."""
            text = QLabel(label)  # a form row holding a layout gets no buddy by itself
            text.setBuddy(widgets[0])
            box = QHBoxLayout()
            for widget in widgets:
                box.addWidget(widget)
            form.addRow(text, box)

        row("&Images:", self.count_spin)
        row("&Length:", self.min_length_spin, QLabel("to"), self.max_length_spin)
        row("Length &weights:", self.weights_edit)
        row("La&bels file:", self.labels_edit, self.labels_button, self.in_order_check)
        row("S&plits:", self.splits_edit)
        row("&Held-out strings:", self.hold_out_spin)
        row("S&eed:", self.seed_edit, self.random_seed_button)
        row("&Format:", self.format_combo)
        form.addRow("", self.masks_check)
        row("Pi&xels:", self.dtype_combo)
        row(
            "Digits &from:",
            self.source_edit,
            self._browse(self.source_edit, "Folder with MNIST IDX files"),
        )
        row("&Output folder:", self.out_edit, self._browse(self.out_edit, "Output folder"))
        form.addRow("", self.overwrite_check)
        return page

    def _choose_labels(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Labels file", "", "Text files (*.txt);;All files (*)"
        )
        if path:
            self.labels_edit.setText(path)

    def _labels_given(self) -> None:
        # A list decides the lengths (and no weights apply); "in order" needs a list.
        given = bool(self.labels_edit.text().strip())
        for widget in (self.min_length_spin, self.max_length_spin, self.weights_edit):
            widget.setEnabled(not given)
        self.in_order_check.setEnabled(given)

    def _splits_given(self) -> None:
        given = bool(self.splits_edit.text().strip())
        self.count_spin.setEnabled(not given)
        self.hold_out_spin.setEnabled(given)

    def splits(self) -> dict[str, DatasetConfig] | None:
        """Each split's config when the form asks for splits, else None; MnistSeqError."""
        text = self.splits_edit.text().strip()
        if not text:
            return None
        hold_out = self.hold_out_spin.value() or None
        return split_configs(self.config(), parse_splits(text), hold_out)

    def _labels(self) -> tuple[str, ...] | None:
        """The labels file's strings (None without one); read again only when the path,
        or the file's time or size, changed."""
        text = self.labels_edit.text().strip()
        if not text:
            return None
        path = str(Path(text).expanduser())
        try:
            info = os.stat(path)
            key: tuple[str, int, int] | None = (path, info.st_mtime_ns, info.st_size)
        except OSError:
            key = None
        if key is None or key != self._loaded[0]:
            self._loaded = (key, read_labels(path))
        return self._loaded[1]

    def _recipe_tab(self) -> QWidget:
        page = Form()
        for row in self.rows.values():
            page.add_row(row)
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
        if name == "width":  # as typed, "auto" included: the export chooses then
            self._session = self._session.replace(width=value)
        else:
            session = self._session.replace(sequence="0" * self.max_length_spin.value())
            self._session = edit(session, session.recipe.width or 0, name, value).session
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
        dtype, source, recipe, labels_in_order, length_weights), `labels_file` (a path),
        `splits` (text such as train:500,test:100), `hold_out`, `format`, `masks`, `out`
        and `overwrite`; missing ones keep
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
        self.masks_check.setChecked(bool(values.get("masks", False)))
        weights = values.get("length_weights")
        self.weights_edit.setText("" if weights is None else ",".join(map(str, weights)))
        self.labels_edit.setText(str(values.get("labels_file") or ""))
        self.in_order_check.setChecked(bool(values.get("labels_in_order", False)))
        self.splits_edit.setText(str(values.get("splits") or ""))
        self.hold_out_spin.setValue(float(values.get("hold_out") or 0))
        self._labels_given()
        self._splits_given()
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
        labels = self._labels()
        weights = self.weights_edit.text().strip()
        return DatasetConfig(
            self.count_spin.value(),
            None if labels else self.min_length_spin.value(),
            None if labels else self.max_length_spin.value(),
            seed=int(seed_text),
            dtype=str(self.dtype_combo.currentData()),
            source=self.source_edit.text().strip() or None,
            labels=labels,
            labels_in_order=bool(labels) and self.in_order_check.isChecked(),
            length_weights=parse_length_weights(weights) if weights and not labels else None,
            recipe=self._session.recipe,
        )
