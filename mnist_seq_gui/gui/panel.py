"""The panel: one control per field, edits sent as (field, value).

The panel decides nothing: `edited` goes to the session model, and the model's session
comes back through `show_session`. The width slider stops only on widths the digits can
use; its spin box takes any width (the problem bar explains a bad one).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt import QCollapsible, QLargeIntSpinBox

from ..core import MAX_ITEM, MAX_SEED, VARIATION_FIELDS
from .rows import NumberRow, RangeRow, Row, describe, make_row
from .state.session import Session

BUNDLED_TEXT = "Bundled MNIST test set"
_CHOOSE = "__choose__"
LAYOUT_FIELDS = ("width", "spacing", "rule", "placement", "white_on_black", "pool")


def large_int_spin(name: str, label: str, tip: str, high: int = MAX_SEED) -> QLargeIntSpinBox:
    """A spin box for 64-bit numbers (seeds, items), applying a number when it is entered."""
    spin = QLargeIntSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, high)
    spin.setKeyboardTracking(False)
    describe(spin, label, tip)
    return spin


def fit_largest(spin: QLargeIntSpinBox) -> None:
    """Make the spin box at least wide enough to show its largest value whole."""
    option = QStyleOptionSpinBox()
    option.initFrom(spin)
    option.frame = True
    option.buttonSymbols = spin.buttonSymbols()
    option.subControls = (
        QStyle.SubControl.SC_SpinBoxFrame
        | QStyle.SubControl.SC_SpinBoxEditField
        | QStyle.SubControl.SC_SpinBoxUp
        | QStyle.SubControl.SC_SpinBoxDown
    )
    metrics = spin.fontMetrics()
    text = metrics.horizontalAdvance(f"{spin.maximum()} ") + 2  # as QAbstractSpinBox pads
    size = QSize(text, spin.sizeHint().height())
    hint = spin.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, option, size, spin)
    spin.setMinimumWidth(hint.width())


class _FittingScroll(QScrollArea):
    """A scroll area that asks for its page's whole width, and whole height if `tall` (a
    plain one asks for at most 36 x 24 lines): a dialog opens as large as its form needs,
    within the screen."""

    def __init__(self, tall: bool) -> None:
        super().__init__()
        self.tall = tall

    def sizeHint(self) -> QSize:
        page, hint = self.widget(), super().sizeHint()
        if page is None:
            return hint
        wanted = page.sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(wanted.width() + bar, wanted.height() if self.tall else hint.height())


def scrolled(page: QWidget, fit: str = "") -> QScrollArea:
    """`page` in a frameless scroll area that gives it the whole width; `fit` "width" or
    "size": the area asks for the page's whole width, or its whole size."""
    area = _FittingScroll(fit == "size") if fit else QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class Form(QWidget):
    """Rows of label | field in a grid; a field of several widgets shares one box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)

    def add(self, label: str, buddy: QWidget | None, *widgets: QWidget) -> None:
        at = self.grid.rowCount()
        if label:
            text = QLabel(label)
            if buddy is not None:
                text.setBuddy(buddy)
            self.grid.addWidget(text, at, 0)
        box = QHBoxLayout()
        box.setSpacing(6)
        fixed = (QPushButton, QAbstractSpinBox)  # beside another widget, they keep their size
        for widget in widgets:
            box.addWidget(widget, 0 if isinstance(widget, fixed) and len(widgets) > 1 else 1)
        self.grid.addLayout(box, at, 1)

    def add_row(self, row: Row) -> None:
        self.add(row.label, row.buddy, *row.widgets)


class ParametersPanel(QWidget):
    """Sequence, seed, sample, the recipe's rows, the digit source, variation."""

    edited = Signal(str, object)  # field, new value
    rerollRequested = Signal()
    seedRecommitted = Signal()  # the seed was entered again
    sourceBrowseRequested = Signal()
    variationCleared = Signal()  # "No variation" clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parametersPanel")
        self._widths: Sequence[int] | None = None
        self._session: Session | None = None
        self.rows: dict[str, Row] = {}
        self.sequence_edit = QLineEdit()
        self.sequence_edit.setObjectName("sequenceEdit")
        self.sequence_edit.setPlaceholderText("digits 0-9, e.g. 2024")
        describe(self.sequence_edit, "Sequence", "The digits to draw: 0-9 only")
        self.seed_spin = large_int_spin(
            "seedSpin", "Seed", "Seed: the same seed gives the same image"
        )
        fit_largest(self.seed_spin)  # a 19-digit seed is read whole, not just its tail
        self.reroll_button = QPushButton("Reroll")
        self.reroll_button.setObjectName("rerollButton")
        describe(self.reroll_button, "Reroll", "Draw new MNIST samples with a new seed")
        self.item_spin = large_int_spin(
            "itemSpin",
            "Sample",
            "Sample number of the seed: sample i is item i of the data set Export writes",
            MAX_ITEM,
        )
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("sourceCombo")
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(12)
        describe(self.source_combo, "Digits from", "Where the digit images come from")
        for name in (*LAYOUT_FIELDS, *VARIATION_FIELDS):
            row = make_row(name, self.edited.emit)
            for widget in row.widgets:
                widget.setObjectName(f"{name}Row")
            self.rows[name] = row
        width, jitter = self.rows["width"], self.rows["jitter_y"]
        assert isinstance(width, NumberRow) and isinstance(jitter, RangeRow)
        self._width, self._jitter = width, jitter  # their sliders follow the session
        width.slider.valueChanged.disconnect()
        width.slider.valueChanged.connect(self._on_width_slider)

        form = Form()
        form.add("Se&quence", self.sequence_edit, self.sequence_edit)
        form.add("&Seed", self.seed_spin, self.seed_spin, self.reroll_button)
        form.add("Sa&mple", self.item_spin, self.item_spin)
        for name in LAYOUT_FIELDS:
            form.add_row(self.rows[name])
        form.add("&Digits", self.source_combo, self.source_combo)
        self.variation = QCollapsible("Variation", expandedIcon="\u25be", collapsedIcon="\u25b8")
        self.variation.setObjectName("variationSection")
        self.variation.setDuration(120)
        self.variation_form = Form()
        for name in VARIATION_FIELDS:
            self.variation_form.add_row(self.rows[name])
        self.clear_button = QPushButton("No variation")
        self.clear_button.setObjectName("noVariationButton")
        describe(
            self.clear_button,
            "No variation",
            "Turn every variation off (height, jitter, style, noise, blur); spacing and pool stay",
        )
        self.variation_form.add("", None, QWidget(), self.clear_button)
        self.variation.addWidget(self.variation_form)
        self.variation.content().setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(form)
        layout.addWidget(self.variation)
        layout.addStretch(1)
        # One label column for both forms, so their fields line up.
        labels = [label for label in self.findChildren(QLabel) if label.buddy() is not None]
        column = max(label.sizeHint().width() for label in labels)
        for each in (form, self.variation_form):
            each.grid.setColumnMinimumWidth(0, column)
        self._connect()

    def _connect(self) -> None:
        self.sequence_edit.textChanged.connect(lambda text: self.edited.emit("sequence", text))
        self.seed_spin.valueChanged.connect(lambda v: self.edited.emit("seed", int(v)))
        self.seed_spin.editingFinished.connect(self.seedRecommitted)
        self.item_spin.valueChanged.connect(lambda v: self.edited.emit("item", int(v)))
        self.reroll_button.clicked.connect(self.rerollRequested)
        self.source_combo.activated.connect(self._on_source)
        self.clear_button.clicked.connect(self.variationCleared)
        self.variation.toggled.connect(self.variation.content().setVisible)

    # ------------------------------------------------------------------ edits out

    def _on_width_slider(self, value: int) -> None:
        # The slider lands only on widths the digits can use, so dragging never errs.
        widths = self._widths
        if widths is not None and value not in widths and len(widths):
            step = widths.step if isinstance(widths, range) else 1
            value = widths[0] + round((value - widths[0]) / step) * step
            value = min(max(value, widths[0]), widths[-1])
        self.edited.emit("width", value)

    def _on_source(self, index: int) -> None:
        data = self.source_combo.itemData(index)
        if data == _CHOOSE:
            self._show_source(self._session.source if self._session else None)
            self.sourceBrowseRequested.emit()
        else:
            self.edited.emit("source", data or None)

    # ------------------------------------------------------------------ session in

    def show_variation(self, shown: bool) -> None:
        if shown:
            self.variation.content().setVisible(True)
            self.variation.expand(animate=False)
        else:
            self.variation.collapse(animate=False)
            self.variation.content().setVisible(False)

    def variation_shown(self) -> bool:
        return self.variation.isExpanded()

    def show_session(self, session: Session, widths: Sequence[int] | None) -> None:
        """Make every control show `session`, without sending edits back."""
        self._session, self._widths = session, widths
        if self.sequence_edit.text() != session.sequence:
            with QSignalBlocker(self.sequence_edit):
                position = self.sequence_edit.cursorPosition()
                self.sequence_edit.setText(session.sequence)
                self.sequence_edit.setCursorPosition(min(position, len(session.sequence)))
        for spin, value in ((self.seed_spin, session.seed), (self.item_spin, session.item)):
            with QSignalBlocker(spin):
                spin.setValue(value)
        height = session.get("height")
        self._jitter.set_top(height - 28)
        for name, row in self.rows.items():
            shown = session.get(name)
            if name == "jitter_y" and shown is None:  # centred: the one-row range it draws
                shown = ((height - 28) // 2,) * 2
            if shown is not None:
                row.show(shown)
        slider = self._width.slider
        with QSignalBlocker(slider):
            if widths is not None and len(widths):
                slider.setRange(widths[0], widths[-1])
                step = widths.step if isinstance(widths, range) else 1
                slider.setSingleStep(step)
                slider.setPageStep(step * 4)
            slider.setEnabled(widths is not None)
            slider.setValue(session.recipe.width or 0)
        varied = sum(session.recipe.variation.varies(name) for name in VARIATION_FIELDS)
        self.variation.setText("Variation" if varied == 0 else f"Variation ({varied} on)")
        self.clear_button.setEnabled(varied > 0)
        self._show_source(session.source)

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
