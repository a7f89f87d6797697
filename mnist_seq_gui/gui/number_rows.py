"""The controls of numeric recipe fields, built from their `Param` (gui/recipe.py).

A `NumberRow` is a slider and a spin box kept in step; a `RangeRow` is a compact pair
of spin boxes, low and high. Both send (field, value) through `edit` and show values
without sending them back. Spin boxes apply a number when it is entered (Return,
Tab, arrows), never on each keystroke.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QWidget,
)

from .recipe import Param

EditFn = Callable[[str, object], None]


def plain_label(label: str) -> str:
    return label.replace("&", "")


def describe(widget: QWidget, name: str, tip: str) -> QWidget:
    """A human accessible name for screen readers, its description and a tooltip."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(tip)
    widget.setToolTip(tip)
    return widget


def spin_box(p: Param) -> QSpinBox | QDoubleSpinBox:
    """A spin box for `p`'s values that applies a number only when it is entered."""
    spin: QSpinBox | QDoubleSpinBox
    if p.decimals:
        spin = QDoubleSpinBox()
        spin.setDecimals(p.decimals)
        spin.setRange(p.low, p.high)
        spin.setSingleStep(p.step)
    else:
        spin = QSpinBox()
        spin.setRange(int(p.low), int(p.high))
        spin.setSingleStep(int(p.step))
    spin.setSuffix(p.suffix)
    spin.setKeyboardTracking(False)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return spin


def _number(p: Param, value: float) -> int | float:
    return round(value, p.decimals) if p.decimals else int(value)


class NumberRow:
    """A slider and a spin box for one numeric field, kept in step."""

    kind = "number"

    def __init__(self, name: str, p: Param, edit: EditFn) -> None:
        self.name = name
        self.param = p
        self.scale = 10**p.decimals
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(60)
        high = p.high if p.slider_high is None else p.slider_high
        self.slider.setRange(round(p.low * self.scale), round(high * self.scale))
        self.slider.setSingleStep(max(1, round(p.step * self.scale)))
        self.spin = spin_box(p)
        describe(self.slider, plain_label(p.label), p.tip)
        describe(self.spin, plain_label(p.label), p.tip)
        self.slider.valueChanged.connect(lambda v: edit(name, self.from_slider(v)))
        self.spin.valueChanged.connect(lambda v: edit(name, _number(p, v)))
        self.widgets: tuple[QWidget, ...] = (self.slider, self.spin)
        self.buddy: QWidget = self.spin

    def from_slider(self, value: int) -> int | float:
        return value if self.scale == 1 else round(value / self.scale, self.param.decimals)

    def show(self, value: int | float) -> None:
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            top = round(value * self.scale)
            if top > self.slider.maximum():  # a file may use more than the slider offers
                self.slider.setMaximum(top)
            self.slider.setValue(top)
            self.spin.setValue(value)  # type: ignore[arg-type]


class RangeRow:
    """Two spin boxes, low and high end of a range field; an edit sends both ends."""

    kind = "range"

    def __init__(self, name: str, p: Param, edit: EditFn) -> None:
        self.name = name
        self.param = p
        self.low = spin_box(p)
        self.high = spin_box(p)
        label = plain_label(p.label)
        describe(self.low, f"{label} from", p.tip)
        describe(self.high, f"{label} to", p.tip)
        self.low.valueChanged.connect(lambda v: edit(name, (_number(p, v), self.high_value())))
        self.high.valueChanged.connect(lambda v: edit(name, (self.low_value(), _number(p, v))))
        self.box = QWidget()
        layout = QHBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.low, 1)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.high, 1)
        self.widgets: tuple[QWidget, ...] = (self.box,)
        self.buddy: QWidget = self.low

    def low_value(self) -> int | float:
        return _number(self.param, self.low.value())

    def high_value(self) -> int | float:
        return _number(self.param, self.high.value())

    def show(self, value: tuple[float, float]) -> None:
        with QSignalBlocker(self.low), QSignalBlocker(self.high):
            self.low.setValue(value[0])  # type: ignore[arg-type]
            self.high.setValue(value[1])  # type: ignore[arg-type]


def make_row(name: str, p: Param, edit: EditFn) -> NumberRow | RangeRow:
    return RangeRow(name, p, edit) if p.kind == "range" else NumberRow(name, p, edit)
