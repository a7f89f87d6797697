"""The export dialog's form: a data set's parameters, read as a DatasetConfig.

Two tabs keep it short enough for small screens: "Data set" (how many images, their
length and layout, seed, format, where the digits come from and where the files go)
and "Variation" (the pool, the placement, and the same variation rows as the
window's Variation section). Every input emits `changed`, so the dialog re-checks the
whole form and never keeps a stale message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import (
    MAX_SEED,
    MAX_WIDTH,
    MIN_SPACING,
    NO_VARIATION,
    PLACEMENTS,
    RULES,
    MnistSeqError,
    Variation,
    new_seed,
)
from ..dataset import DTYPES, FORMATS, MAX_LENGTH, DatasetConfig
from .edits import edit
from .recipe import DEFAULT, VARIATION_FIELDS, Recipe, variation_values
from .variation_panel import VariationForm, pool_combo, show_pool

AUTO_WIDTH = 27  # one below the narrowest image; shown as "auto"
_MAX_COUNT = 100_000_000
SOURCE_TIP = (
    "A folder holding MNIST IDX files (one images and labels pair, or the official "
    "training and test sets, which then give the train and test pools), or an images file"
)
FORMAT_ITEMS = (
    ("npz (one file)", "npz"),
    ("PNG folder + metadata.jsonl", "png"),
    ("COCO detection (images + annotations.json)", "coco"),
    ("YOLO detection (images + labels + data.yaml)", "yolo"),
)
PLACEMENT_ITEMS = (
    ("Fill the width (as the window)", "fill"),
    ("Free: anywhere in the width", "free"),
)
PLACEMENT_TIP = (
    "Fill: the digits and their gaps span the whole width, as in the window. Free: each "
    "gap is drawn on its own and the sequence sits anywhere in the width, which must "
    "hold the longest sequence with the largest gaps; sequences of many lengths then "
    "share one image size"
)


class _Page(QScrollArea):
    """A tab page that scrolls when the dialog is held below its full height."""

    def sizeHint(self) -> QSize:
        # As tall as the page (QScrollArea's own hint stops at 24 lines of text).
        bar = self.verticalScrollBar().sizeHint().width()
        page = self.widget()
        return super().sizeHint() if page is None else page.sizeHint() + QSize(bar, 0)


def _scrolled(page: QWidget) -> QScrollArea:
    area = _Page()
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
        self._varied: Recipe = DEFAULT  # only its variation fields are used
        self._create_widgets()
        # Each page scrolls, so the dialog fits small screens (see ExportDialog.showEvent).
        self.addTab(_scrolled(self._data_set_tab()), "&Data set")
        self.addTab(_scrolled(self._variation_tab()), "&Variation")

    def _spin(self, name: str, low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.setGroupSeparatorShown(True)
        spin.valueChanged.connect(self.changed)
        return spin

    def _combo(self, items: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
        combo = QComboBox(self)
        for text, data in items:
            combo.addItem(text, data)
        combo.setToolTip(tip)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _create_widgets(self) -> None:
        self.count_spin = self._spin("count", 1, _MAX_COUNT, "Number of images")
        self.min_length_spin = self._spin("min_length", 1, MAX_LENGTH, "Fewest digits per image")
        self.max_length_spin = self._spin("max_length", 1, MAX_LENGTH, "Most digits per image")
        self.width_spin = self._spin(
            "width", AUTO_WIDTH, MAX_WIDTH, "Image width in px; auto: narrowest that fits"
        )
        self.width_spin.setSpecialValueText("auto")
        gap_tip = f"px; below 0 neighbours overlap (down to {MIN_SPACING})"
        self.min_spacing_spin = self._spin(
            "min_spacing", MIN_SPACING, MAX_WIDTH, "Smallest gap, " + gap_tip
        )
        self.max_spacing_spin = self._spin(
            "max_spacing", MIN_SPACING, MAX_WIDTH, "Largest gap, " + gap_tip
        )
        self.rule_combo = self._combo(tuple((r, r) for r in RULES), "Spacing rule")
        self.white_on_black_check = QCheckBox("White on black (as MNIST)", self)
        self.white_on_black_check.toggled.connect(self.changed)
        self.seed_edit = QLineEdit(self)
        self.seed_edit.setToolTip(f"0..{MAX_SEED}; the same seed writes the same data set")
        self.seed_edit.textChanged.connect(self.changed)
        self.random_seed_button = QPushButton("Random", self)
        self.random_seed_button.clicked.connect(lambda: self.seed_edit.setText(str(new_seed())))
        self.dtype_combo = self._combo(
            tuple((d, d) for d in DTYPES), "Pixel type in the npz; float32 is exactly uint8 / 255"
        )
        self.format_combo = self._combo(
            FORMAT_ITEMS, "COCO and YOLO write each digit's ink box for detection models"
        )
        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText("bundled MNIST test set")
        self.source_edit.setToolTip(SOURCE_TIP)
        self.source_edit.textChanged.connect(self.changed)
        self.source_button = QPushButton("Browse...", self)
        self.source_button.clicked.connect(self._browse_source)
        self.out_edit = QLineEdit(self)
        self.out_edit.setPlaceholderText("an empty folder")
        self.out_edit.textChanged.connect(self.changed)
        self.out_button = QPushButton("Browse...", self)
        self.out_button.clicked.connect(self._browse_out)
        self.overwrite_check = QCheckBox("Replace an earlier export in this folder", self)
        self.overwrite_check.toggled.connect(self.changed)
        self.pool_combo = pool_combo()
        self.pool_combo.setObjectName("exportPool")
        self.pool_combo.currentIndexChanged.connect(self.changed)
        self.placement_combo = self._combo(PLACEMENT_ITEMS, PLACEMENT_TIP)
        self.variation_form = VariationForm(
            [("&Pool", self.pool_combo), ("P&lacement", self.placement_combo)]
        )
        self.variation_form.edited.connect(self._on_variation_edited)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        # A form row holding a layout gets no buddy by itself, so its & would show.
        widget = QLabel(text, self)
        widget.setBuddy(buddy)
        return widget

    @staticmethod
    def _row(*widgets: QWidget) -> QHBoxLayout:
        box = QHBoxLayout()
        for widget in widgets:
            box.addWidget(widget)
        return box

    def _data_set_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("&Images:", self.count_spin)
        form.addRow(
            self._label("&Length:", self.min_length_spin),
            self._row(self.min_length_spin, QLabel("to"), self.max_length_spin),
        )
        form.addRow("&Width:", self.width_spin)
        form.addRow(
            self._label("&Spacing:", self.min_spacing_spin),
            self._row(self.min_spacing_spin, QLabel("to"), self.max_spacing_spin),
        )
        form.addRow("&Rule:", self.rule_combo)
        form.addRow("", self.white_on_black_check)
        form.addRow(
            self._label("S&eed:", self.seed_edit),
            self._row(self.seed_edit, self.random_seed_button),
        )
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Pixels:", self.dtype_combo)
        form.addRow(
            self._label("Digits &from:", self.source_edit),
            self._row(self.source_edit, self.source_button),
        )
        form.addRow(
            self._label("&Output folder:", self.out_edit), self._row(self.out_edit, self.out_button)
        )
        form.addRow("", self.overwrite_check)
        return page

    def _variation_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(
            "Prefilled from the window's recipe: with these values, its gallery shows the "
            "first images of this export."
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(self.variation_form)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _on_variation_edited(self, name: str, value: object) -> None:
        # The window's own rules (a range's other end follows), on a recipe of our own.
        self._varied = edit(self._varied, self._varied.width, name, value).recipe
        self.variation_form.show_recipe(self._varied)
        self.changed.emit()

    def _browse_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with MNIST IDX files")
        if folder:
            self.source_edit.setText(folder)

    def _browse_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder")
        if folder:
            self.out_edit.setText(folder)

    # --- values ------------------------------------------------------------------

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form; missing keys keep sensible defaults (10,000 five-digit images)."""
        self.count_spin.setValue(int(values.get("count", 10_000)))
        self.min_length_spin.setValue(int(values.get("min_length", 5)))
        self.max_length_spin.setValue(int(values.get("max_length", values.get("min_length", 5))))
        width = values.get("width")
        self.width_spin.setValue(AUTO_WIDTH if width is None else int(width))
        self.min_spacing_spin.setValue(int(values.get("min_spacing", 0)))
        self.max_spacing_spin.setValue(int(values.get("max_spacing", 0)))
        self.rule_combo.setCurrentText(str(values.get("rule", "uniform")))
        self.white_on_black_check.setChecked(bool(values.get("white_on_black", False)))
        self.seed_edit.setText(str(values.get("seed", 0)))
        self.dtype_combo.setCurrentText(str(values.get("dtype", "uint8")))
        for key, combo, known in (
            ("format", self.format_combo, FORMATS),
            ("placement", self.placement_combo, PLACEMENTS),
        ):
            value = values.get(key, known[0])
            if value not in known:
                raise ValueError(f"{key} {value!r} is unknown; use {' or '.join(known)}")
            combo.setCurrentIndex(combo.findData(value))
        show_pool(self.pool_combo, str(values.get("pool", "all")))
        variation = values.get("variation", NO_VARIATION)
        if isinstance(variation, Variation):
            fields = variation_values(variation)
        else:  # a Variation's dict: checked with the rest of the form, as typed values are
            fields = {k: tuple(v) if isinstance(v, list) else v for k, v in variation.items()}
            unknown = sorted(set(fields) - set(VARIATION_FIELDS))
            if unknown:
                raise ValueError(f"unknown variation field(s): {', '.join(unknown)}")
        self._varied = DEFAULT.replace(**fields)
        self.variation_form.show_recipe(self._varied)
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
        try:
            seed = int(seed_text, 10)
        except ValueError:
            raise MnistSeqError(f"seed {seed_text!r} is not a whole number") from None
        width = self.width_spin.value()
        return DatasetConfig(
            count=self.count_spin.value(),
            min_length=self.min_length_spin.value(),
            max_length=self.max_length_spin.value(),
            width=None if width == AUTO_WIDTH else width,
            min_spacing=self.min_spacing_spin.value(),
            max_spacing=self.max_spacing_spin.value(),
            rule=self.rule_combo.currentText(),
            white_on_black=self.white_on_black_check.isChecked(),
            seed=seed,
            dtype=self.dtype_combo.currentText(),
            source=self.source_edit.text().strip() or None,
            pool=str(self.pool_combo.currentData()),
            variation=self._varied.variation(),
            placement=str(self.placement_combo.currentData()),
        )
