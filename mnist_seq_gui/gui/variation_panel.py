"""Variation controls: the fields of the recipe's "variation" group, and the pool.

`VariationForm` holds one row per variation field (height, vertical jitter, slant,
rotation, scale, aspect, thickness, noise, blur), built from the fields' `Param`; the
window's panel and the export dialog both use it. `VariationSection` is the panel's
collapsible section: a toggle that says how much varies, the pool, the form and a
button that turns every variation off. Neither decides anything: edits leave as
(field, value) and the recipe comes back through `show_recipe`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .edits import shown_range
from .number_rows import NumberRow, RangeRow, describe, make_row
from .recipe import VARIATION_FIELDS, Recipe, params

POOLS = (
    ("All digits", "all"),
    ("Train pool only", "train"),
    ("Test pool only", "test"),
)
POOL_TIP = (
    "Which part of the digit source the digits come from. The train and test pools never "
    "share a digit, so a training set and a test set made from them never overlap"
)


def pool_combo() -> QComboBox:
    combo = QComboBox()
    for text, name in POOLS:
        combo.addItem(text, name)
    describe(combo, "Pool", POOL_TIP)
    return combo


def show_pool(combo: QComboBox, pool: str) -> None:
    with QSignalBlocker(combo):
        combo.setCurrentIndex(max(0, combo.findData(pool)))


def varied_count(recipe: Recipe) -> int:
    """How many variation fields (and the pool) differ from none."""
    default = Recipe()
    changed = sum(getattr(recipe, n) != getattr(default, n) for n in VARIATION_FIELDS)
    return changed + (recipe.pool != default.pool)


class VariationForm(QWidget):
    """One row per variation field; edits leave through `edited`."""

    edited = Signal(str, object)  # recipe field, new value

    def __init__(
        self, leading: Sequence[tuple[str, QWidget]] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("variationForm")
        self.rows: dict[str, NumberRow | RangeRow] = {}
        self._next_row = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)
        for label, widget in leading:  # e.g. the pool: it decides which digits there are
            self.add_row(label, widget, widget)
        for name, p in params("variation"):
            row = make_row(name, p, self.edited.emit)
            self.rows[name] = row
            self.add_row(p.label, row.buddy, *row.widgets)

    def add_row(self, label: str, buddy: QWidget, *widgets: QWidget) -> None:
        """A row: label | field; a field of several widgets shares one box."""
        at = self._next_row
        self._next_row += 1
        text = QLabel(label)
        text.setBuddy(buddy)
        self.grid.addWidget(text, at, 0)
        box = QHBoxLayout()
        box.setSpacing(6)
        for widget in widgets:
            box.addWidget(widget, 0 if widget is widgets[-1] and len(widgets) > 1 else 1)
        self.grid.addLayout(box, at, 1)

    def show_recipe(self, recipe: Recipe) -> None:
        """Show the recipe's variation fields, without sending edits back."""
        for name, row in self.rows.items():
            if isinstance(row, RangeRow):
                row.show(shown_range(recipe, name))
            else:
                row.show(getattr(recipe, name))


class VariationSection(QWidget):
    """The panel's collapsible Variation section: a toggle, the pool and the form."""

    edited = Signal(str, object)
    clearRequested = Signal()  # "No variation" was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setObjectName("variationToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        describe(self.toggle, "Variation", "Show or hide the variation controls")
        self.box = QWidget()
        self.box.setObjectName("variationBox")
        self.pool_combo = pool_combo()
        self.pool_combo.setObjectName("poolCombo")
        self.form = VariationForm([("&Pool", self.pool_combo)])
        self.clear_button = QPushButton("No variation")
        self.clear_button.setObjectName("noVariationButton")
        describe(
            self.clear_button,
            "No variation",
            "Turn every variation off (height, jitter, style, noise, blur); pool and spacing stay",
        )
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        clear_row.addWidget(self.clear_button)
        inner = QVBoxLayout(self.box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(6)
        inner.addWidget(self.form)
        inner.addLayout(clear_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.toggle)
        layout.addWidget(self.box)
        self.box.setVisible(False)
        self._set_title(0)
        self.toggle.toggled.connect(self.set_open)
        self.form.edited.connect(self.edited)
        self.pool_combo.currentIndexChanged.connect(
            lambda _i: self.edited.emit("pool", str(self.pool_combo.currentData()))
        )
        self.clear_button.clicked.connect(self.clearRequested)

    @property
    def rows(self) -> dict[str, NumberRow | RangeRow]:
        return self.form.rows

    def is_open(self) -> bool:
        return self.box.isVisibleTo(self)

    def set_open(self, shown: bool) -> None:
        with QSignalBlocker(self.toggle):
            self.toggle.setChecked(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.box.setVisible(shown)

    def _set_title(self, count: int) -> None:
        # Closed, the section still says whether anything varies.
        self.toggle.setText("Variation" if count == 0 else f"Variation ({count} on)")

    def show_recipe(self, recipe: Recipe) -> None:
        show_pool(self.pool_combo, recipe.pool)
        self.form.show_recipe(recipe)
        count = varied_count(recipe)
        self._set_title(count)
        self.clear_button.setEnabled(recipe.has_variation())
