"""The parameters panel: one control per recipe field, edits sent as (field, value).

The panel never decides anything: `edited` goes to the RecipeModel, and the model's
recipe comes back through `show_recipe`. Spin boxes apply a number when it is
entered (Return, Tab, arrows), not on each keystroke, so typing "20" never passes
through 2. Numeric fields with a `Param` in the recipe get their controls from it
(gui/number_rows.py); the "variation" group and the pool are in the collapsible
Variation section (gui/variation_panel.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core import DIGIT_SIZE, MAX_SEED, MAX_WIDTH
from .number_rows import NumberRow, RangeRow, describe
from .recipe import Recipe, param
from .seed_spin import SeedSpin
from .variation_panel import VariationSection

BUNDLED_TEXT = "Bundled MNIST test set"
_CHOOSE = "__choose__"


class ParametersPanel(QWidget):
    """Sequence, seed, sample, rule, white on black, spacing, width, digits, variation."""

    edited = Signal(str, object)  # recipe field, new value
    rerollRequested = Signal()
    seedRecommitted = Signal()  # the user entered the seed again
    sourceBrowseRequested = Signal()
    variationCleared = Signal()  # "No variation" clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parametersPanel")
        self._widths: range | None = None
        self._recipe: Recipe | None = None
        self.rows: dict[str, NumberRow | RangeRow] = {}
        self._create_widgets()

    # ------------------------------------------------------------------ construction

    def describe(self, widget: QWidget, name: str, tip: str) -> QWidget:
        """A human accessible name for screen readers, its description and a tooltip."""
        return describe(widget, name, tip)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _create_widgets(self) -> None:
        self.sequence_edit = QLineEdit()
        self.sequence_edit.setObjectName("sequenceEdit")
        self.sequence_edit.setPlaceholderText("digits 0-9, e.g. 2024")
        self.describe(self.sequence_edit, "Sequence", "The digits to draw: 0-9 only")
        self.seed_spin = SeedSpin(maximum=MAX_SEED)
        self.seed_spin.setObjectName("seedSpin")
        self.describe(self.seed_spin, "Seed", "Seed: the same seed gives the same image")
        self.reroll_button = QPushButton("Reroll")
        self.reroll_button.setObjectName("rerollButton")
        self.describe(self.reroll_button, "Reroll", "Draw new MNIST samples with a new seed")
        self.item_spin = SeedSpin(maximum=MAX_SEED)
        self.item_spin.setObjectName("itemSpin")
        self.describe(
            self.item_spin,
            "Sample",
            "Sample number of the seed: sample i is item i of the data set Export writes",
        )
        self.rule_combo = QComboBox()
        self.rule_combo.setObjectName("ruleCombo")
        self.rule_combo.addItem("Uniform (equal gaps)", "uniform")
        self.rule_combo.addItem("Random (gaps in range)", "random")
        self.describe(self.rule_combo, "Rule", "Spacing rule")
        self.white_on_black_check = QCheckBox("White on black (as MNIST)")
        self.white_on_black_check.setObjectName("whiteOnBlackCheck")
        self.describe(
            self.white_on_black_check, "White on black", "White digits on black, as MNIST"
        )
        low = NumberRow("min_spacing", param("min_spacing"), self.edit)  # type: ignore[arg-type]
        high = NumberRow("max_spacing", param("max_spacing"), self.edit)  # type: ignore[arg-type]
        self.rows.update(min_spacing=low, max_spacing=high)
        self.min_spacing_slider, self.min_spacing_spin = low.slider, low.spin
        self.max_spacing_slider, self.max_spacing_spin = high.slider, high.spin
        self.width_slider = QSlider(Qt.Orientation.Horizontal)
        self.width_slider.setMinimumWidth(60)
        self.width_spin = QSpinBox()
        self.width_spin.setRange(DIGIT_SIZE, MAX_WIDTH)  # any width: the bar explains a bad one
        self.width_spin.setSuffix(" px")
        self.width_spin.setKeyboardTracking(False)
        self.width_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.width_spin.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        for widget in (self.width_slider, self.width_spin):
            self.describe(widget, "Width", "Image width in pixels")
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(12)
        self.describe(self.source_combo, "Digits from", "Where the digit images come from")

        for name, widget in (
            ("minSpacing", self.min_spacing_slider),
            ("maxSpacing", self.max_spacing_slider),
            ("width", self.width_slider),
        ):
            widget.setObjectName(f"{name}Slider")
        spins: tuple[tuple[str, QWidget], ...] = (
            ("minSpacing", self.min_spacing_spin),
            ("maxSpacing", self.max_spacing_spin),
            ("width", self.width_spin),
        )
        for name, spin in spins:
            spin.setObjectName(f"{name}Spin")

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        row = 0

        def add(label: str, buddy: QWidget, *widgets: QWidget) -> None:
            # Two columns (label | field); a field of several widgets is one row box, so
            # the field column is as narrow as its widest row, not the sum of columns.
            nonlocal row
            grid.addWidget(self._label(label, buddy), row, 0)
            box = QHBoxLayout()
            box.setSpacing(6)
            for widget in widgets:
                box.addWidget(widget, 1 if isinstance(widget, (QSlider, SeedSpin)) else 0)
            grid.addLayout(box, row, 1)
            row += 1

        add("&Sequence", self.sequence_edit, self.sequence_edit)
        add("S&eed", self.seed_spin, self.seed_spin, self.reroll_button)
        add("Sa&mple", self.item_spin, self.item_spin)
        add("&Rule", self.rule_combo, self.rule_combo)
        grid.addWidget(self.white_on_black_check, row, 1)
        row += 1
        for name in ("min_spacing", "max_spacing"):
            r = self.rows[name]
            add(r.param.label, r.buddy, *r.widgets)
        add("&Width", self.width_spin, self.width_slider, self.width_spin)
        add("&Digits", self.source_combo, self.source_combo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(grid)
        self._create_variation(layout)
        layout.addStretch(1)
        # One label column for both sections, so their fields line up.
        labels = [label for label in self.findChildren(QLabel) if label.buddy() is not None]
        column = max(label.sizeHint().width() for label in labels)
        for each in (grid, self.variation.form.grid):
            each.setColumnMinimumWidth(0, column)
        # And one width for the spin boxes beside sliders, so the sliders end together.
        beside: list[QAbstractSpinBox] = [self.width_spin]
        beside += [r.spin for r in self.rows.values() if isinstance(r, NumberRow)]
        widest = max(spin.sizeHint().width() for spin in beside)
        for box in beside:
            box.setMinimumWidth(widest)
        self._connect()

    def _create_variation(self, layout: QVBoxLayout) -> None:
        """The collapsed Variation section: the pool and every "variation" field."""
        self.variation = VariationSection()
        self.variation_button = self.variation.toggle
        self.variation_box = self.variation.box
        self.pool_combo = self.variation.pool_combo
        self.rows.update(self.variation.rows)
        self.variation.edited.connect(self.edit)
        self.variation.clearRequested.connect(self.variationCleared)
        layout.addWidget(self.variation)

    def show_variation(self, shown: bool) -> None:
        self.variation.set_open(shown)

    def _connect(self) -> None:
        self.sequence_edit.textChanged.connect(lambda text: self.edit("sequence", text))
        self.seed_spin.valueChanged.connect(lambda v: self.edit("seed", v))
        self.seed_spin.committed.connect(lambda _v: self.seedRecommitted.emit())
        self.item_spin.valueChanged.connect(lambda v: self.edit("item", v))
        self.reroll_button.clicked.connect(self.rerollRequested)
        self.rule_combo.currentIndexChanged.connect(
            lambda _i: self.edit("rule", str(self.rule_combo.currentData()))
        )
        self.white_on_black_check.toggled.connect(lambda on: self.edit("white_on_black", on))
        self.width_slider.valueChanged.connect(self._on_width_slider)
        self.width_spin.valueChanged.connect(lambda v: self.edit("width", v))
        self.source_combo.activated.connect(self._on_source)

    # ------------------------------------------------------------------ edits out

    def edit(self, name: str, value: object) -> None:
        self.edited.emit(name, value)

    def _on_width_slider(self, value: int) -> None:
        # The slider lands only on widths the rule can use, so dragging never errs.
        widths = self._widths
        if widths is not None and value not in widths:
            value = widths[0] + round((value - widths[0]) / widths.step) * widths.step
            value = min(max(value, widths[0]), widths[-1])
        self.edit("width", value)

    def _on_source(self, index: int) -> None:
        data = self.source_combo.itemData(index)
        if data == _CHOOSE:
            self.show_recipe(self._recipe, self._widths)  # back to the current source
            self.sourceBrowseRequested.emit()
        else:
            self.edit("source", data or None)

    # ------------------------------------------------------------------ recipe in

    def show_recipe(self, recipe: Recipe | None, widths: range | None) -> None:
        """Make every control show `recipe`, without sending edits back."""
        if recipe is None:
            return
        self._recipe, self._widths = recipe, widths
        if self.sequence_edit.text() != recipe.sequence:
            with QSignalBlocker(self.sequence_edit):
                position = self.sequence_edit.cursorPosition()
                self.sequence_edit.setText(recipe.sequence)
                self.sequence_edit.setCursorPosition(min(position, len(recipe.sequence)))
        for spin, value in ((self.seed_spin, recipe.seed), (self.item_spin, recipe.item)):
            with QSignalBlocker(spin):
                spin.setValue(value)
        with QSignalBlocker(self.rule_combo):
            self.rule_combo.setCurrentIndex(max(0, self.rule_combo.findData(recipe.rule)))
        with QSignalBlocker(self.white_on_black_check):
            self.white_on_black_check.setChecked(recipe.white_on_black)
        for name in ("min_spacing", "max_spacing"):
            self.rows[name].show(getattr(recipe, name))
        self.variation.show_recipe(recipe)
        with QSignalBlocker(self.width_slider), QSignalBlocker(self.width_spin):
            if widths is not None:
                self.width_slider.setRange(widths[0], widths[-1])
                self.width_slider.setSingleStep(widths.step)
                self.width_slider.setPageStep(widths.step * 4)
            self.width_slider.setEnabled(widths is not None)
            self.width_slider.setValue(recipe.width)
            self.width_spin.setValue(recipe.width)
        self._show_source(recipe.source)

    def _show_source(self, source: str | None) -> None:
        with QSignalBlocker(self.source_combo):
            self.source_combo.clear()
            self.source_combo.addItem(BUNDLED_TEXT, "")
            if source:
                self.source_combo.addItem(Path(source).name or source, source)
                self.source_combo.setItemData(1, source, Qt.ItemDataRole.ToolTipRole)
                self.source_combo.setCurrentIndex(1)
            self.source_combo.addItem("Other IDX folder\u2026", _CHOOSE)

    def set_can_reroll(self, enabled: bool) -> None:
        self.reroll_button.setEnabled(enabled)

    def text_fields(self) -> list[QWidget]:
        """Every line edit and spin box: the window's shortcuts must pass through them."""
        return [*self.findChildren(QLineEdit), *self.findChildren(QAbstractSpinBox)]
