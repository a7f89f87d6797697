"""The control of each recipe field, made from its entry in the field table.

Each row sends (field, value) through `edit` and shows a value without sending it back.
Spin boxes apply a number when it is entered (Return, Tab, arrows), never on each
keystroke, so typing "20" never passes through 2; sliders end at the field's usual
range (`soft_high`) while spin boxes take everything the field accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QWidget,
)
from superqt import QDoubleRangeSlider, QRangeSlider

from ..core import FIELDS, Field

EditFn = Callable[[str, Any], None]
# How the explorer names each choice of a choice field.
CHOICES = {
    "rule": {"uniform": "Uniform (equal gaps)", "random": "Random (gaps in range)"},
    "placement": {
        "fill": "Fill the width",
        "free": "Free: anywhere in the width",
        "auto": "Auto: fill if it fits, else free",
    },
    "pool": {"all": "All digits", "train": "Train pool only", "test": "Test pool only"},
}


def describe(widget: QWidget, name: str, tip: str) -> None:
    """A human accessible name for screen readers, its description and a tooltip."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(tip)
    widget.setToolTip(tip)


def plain(label: str) -> str:
    return label.replace("&", "")


def spin_box(entry: Field, high: float | None = None) -> QSpinBox | QDoubleSpinBox:
    """A spin box for the field's values that applies a number only when it is entered."""
    spin: QSpinBox | QDoubleSpinBox
    top = entry.high if high is None else high
    if entry.decimals:
        spin = QDoubleSpinBox()
        spin.setDecimals(entry.decimals)
        spin.setRange(entry.low, top)
        spin.setSingleStep(entry.step)
    else:
        spin = QSpinBox()
        spin.setRange(int(entry.low), int(top))
        spin.setSingleStep(max(1, int(entry.step)))
    spin.setSuffix(entry.unit)
    spin.setKeyboardTracking(False)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return spin


def _value(entry: Field, number: float) -> int | float:
    return (
        round(number, entry.decimals)
        if entry.decimals or entry.kind in ("float", "range")
        else int(number)
    )


class Row:
    """One field's control: `widgets` to lay out, `buddy` for its label, `show(value)`."""

    def __init__(self, entry: Field) -> None:
        self.entry = entry
        self.widgets: tuple[QWidget, ...] = ()
        self.buddy: QWidget | None = None

    @property
    def label(self) -> str:
        return self.entry.label

    def show(self, value: Any) -> None:
        raise NotImplementedError


class NumberRow(Row):
    """A slider (up to the field's usual top) and a spin box (up to its limit); with
    `allow_none`, the spin box's lowest value reads "auto" and stands for None."""

    def __init__(self, entry: Field, edit: EditFn, allow_none: bool = False) -> None:
        super().__init__(entry)
        self.allow_none = allow_none
        self.scale = 10**entry.decimals
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(60)
        top = entry.high if entry.soft_high is None else entry.soft_high
        self.slider.setRange(round(entry.low * self.scale), round(top * self.scale))
        self.slider.setPageStep(max(1, round(entry.step * self.scale * 4)))
        self.spin = spin_box(entry)
        if allow_none:
            self.spin.setMinimum(int(entry.low) - 1)
            self.spin.setSpecialValueText("auto")
        for widget in (self.slider, self.spin):
            describe(widget, plain(entry.label), entry.help)
        self.slider.valueChanged.connect(lambda v: edit(entry.name, _value(entry, v / self.scale)))
        self.spin.valueChanged.connect(lambda v: edit(entry.name, self._spin_value(v)))
        self.widgets, self.buddy = (self.slider, self.spin), self.spin

    def _spin_value(self, number: float) -> int | float | None:
        return None if self.allow_none and number < self.entry.low else _value(self.entry, number)

    def show(self, value: Any) -> None:
        if value is None:
            value = self.entry.low - 1
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            position = round(value * self.scale)
            if position > self.slider.maximum():  # a file may use more than the slider offers
                self.slider.setMaximum(position)
            self.slider.setValue(position)
            self.spin.setValue(value)


class RangeRow(Row):
    """Two spin boxes over a two-handled slider; an edit sends both ends."""

    def __init__(self, entry: Field, edit: EditFn) -> None:
        super().__init__(entry)
        floats = entry.kind == "range"
        self.slider = (QDoubleRangeSlider if floats else QRangeSlider)(Qt.Orientation.Horizontal)
        top = entry.high if entry.soft_high is None else entry.soft_high
        self.slider.setRange(entry.low, top)
        self.slider.setSingleStep(entry.step)
        self.slider.setMinimumWidth(60)
        self.low, self.high = spin_box(entry), spin_box(entry)
        describe(self.slider, plain(entry.label), entry.help)
        describe(self.low, f"{plain(entry.label)} from", entry.help)
        describe(self.high, f"{plain(entry.label)} to", entry.help)
        name = entry.name
        for spin in (self.low, self.high):
            spin.valueChanged.connect(lambda _v: edit(name, self._spin_value()))
        self.slider.valueChanged.connect(lambda _v: edit(name, self._slider_value()))
        self.box = QWidget()  # the two ends side by side, the slider under them at full width
        layout = QGridLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.low, 0, 0)
        layout.addWidget(QLabel("to"), 0, 1)
        layout.addWidget(self.high, 0, 2)
        layout.addWidget(self.slider, 1, 0, 1, 3)
        self.widgets, self.buddy = (self.box,), self.low

    def _spin_value(self) -> tuple[Any, Any]:
        return _value(self.entry, self.low.value()), _value(self.entry, self.high.value())

    def _slider_value(self) -> tuple[Any, Any]:
        ends: tuple[Any, ...] = self.slider.value()
        step = self.entry.step if self.entry.kind == "range" else 1
        lo, hi = (round(float(end) / step) * step for end in (ends[0], ends[-1]))
        return _value(self.entry, lo), _value(self.entry, hi)

    def set_top(self, top: float) -> None:
        """Let the slider end at `top` (the jitter's room follows the height)."""
        with QSignalBlocker(self.slider):
            self.slider.setMaximum(top)

    def show(self, value: Any) -> None:
        lo, hi = value
        with QSignalBlocker(self.slider), QSignalBlocker(self.low), QSignalBlocker(self.high):
            if hi > self.slider.maximum():
                self.slider.setMaximum(hi)
            self.slider.setValue((lo, hi))
            self.low.setValue(lo)
            self.high.setValue(hi)


class ChoiceRow(Row):
    def __init__(self, entry: Field, edit: EditFn) -> None:
        super().__init__(entry)
        self.combo = QComboBox()
        for choice in entry.choices:
            self.combo.addItem(CHOICES.get(entry.name, {}).get(choice, choice), choice)
        describe(self.combo, plain(entry.label), entry.help)
        self.combo.currentIndexChanged.connect(
            lambda _i: edit(entry.name, str(self.combo.currentData()))
        )
        self.widgets, self.buddy = (self.combo,), self.combo

    def show(self, value: Any) -> None:
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(max(0, self.combo.findData(value)))


class FlagRow(Row):
    def __init__(self, entry: Field, edit: EditFn) -> None:
        super().__init__(entry)
        self.check = QCheckBox(plain(entry.label))
        describe(self.check, plain(entry.label), entry.help)
        self.check.toggled.connect(lambda on: edit(entry.name, bool(on)))
        self.widgets = (self.check,)

    @property
    def label(self) -> str:
        return ""

    def show(self, value: Any) -> None:
        with QSignalBlocker(self.check):
            self.check.setChecked(bool(value))


def make_row(name: str, edit: EditFn) -> Row:
    entry = FIELDS[name]
    kinds: dict[str, type[Row]] = {
        "choice": ChoiceRow,
        "flag": FlagRow,
        "range": RangeRow,
        "int range": RangeRow,
    }
    return kinds.get(entry.kind, NumberRow)(entry, edit)  # type: ignore[call-arg]
