"""MainWindow: the controls, actions, menus, settings and status bar of the explorer.

Every image comes from the render thread (which calls the core's `compose`); this
module only turns control values into a validated `SequenceSpec` and shows results.
Structure after Qt's Application example: `_create_actions` apart from
`_create_menus`, `_read_settings`/`_write_settings` at start and in `closeEvent`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core import (
    DIGIT_SIZE,
    MAX_SEED,
    MnistSeqError,
    SequenceSpec,
    compose,
    file_stem,
    nearest_valid_widths,
    parse_sequence,
    valid_widths,
)
from ..files import composition_text, read_composition_text, write_png
from .export_dialog import ExportDialog, defaults_from_spec
from .image_view import FIT, ZOOM_STEPS, PreviewView
from .render_thread import ComposeFn, RenderRequest, RenderResult, RenderThread
from .seed_spin import SeedSpin

ORGANIZATION = "mnist-seq"
APPLICATION = "mnist-seq-gui"
MAX_DIGITS = 64  # longest sequence the field accepts; 64 digits at spacing 200 is ~14,000 px
MAX_SPACING = 200
STATUS_MS = 6000  # how long timed status messages stay

DEFAULTS = {
    "sequence": "2024",
    "min_spacing": 0,
    "max_spacing": 10,
    "width": 124,  # 4 digits, gap 4
    "rule": "uniform",
    "white_on_black": False,
    "seed": 0,
    "zoom": FIT,
}
_ALLOWED = frozenset("0123456789")


def _describe_removed(chars: list[str]) -> str:
    names = []
    for ch in dict.fromkeys(chars):
        names.append("spaces" if ch == " " else "tabs" if ch == "\t" else repr(ch))
    return ", ".join(names)


@contextlib.contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Silence objects' signals for a moment, restoring each one's previous state.

    Not QSignalBlocker: in PySide6 6.12 its unblock()/__exit__ drop a reference to
    None on every call, which crashes the interpreter after a few thousand uses.
    """
    previous = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, was_blocked in zip(objects, previous, strict=True):
            obj.blockSignals(was_blocked)


def settings_store() -> QSettings:
    """The explorer's settings (an INI file, so tests can redirect it with QSettings.setPath)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


class MainWindow(QMainWindow):
    """The explorer's main window."""

    imageShown = Signal(int)  # id of the request whose image is now shown

    def __init__(
        self,
        compose_fn: ComposeFn = compose,
        rng: np.random.Generator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("mnist-seq explorer")
        # Reroll seeds and per-digit draws come from here (OS entropy unless a test passes one).
        self._rng = rng if rng is not None else np.random.default_rng()
        self._render = RenderThread(compose_fn, parent=self)
        self._render.rendered.connect(self._on_rendered)
        self._render.failed.connect(self._on_failed)
        self._latest_id = 0
        self._result: RenderResult | None = None
        # MNIST indices fixed by a per-digit reroll or an opened file, for these digits only.
        self._fixed: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        self._n_digits = 0
        self._current_file: Path | None = None
        self._save_dir = Path.home()
        self._error_box: QMessageBox | None = None
        self._closed = False
        self._export_dialog: ExportDialog | None = None

        self._create_widgets()
        self._create_actions()
        self._create_menus()
        self._create_status_bar()
        self._connect_controls()
        self._read_settings()
        self._request_render()

    # ------------------------------------------------------------------ construction

    def _named(self, widget: QWidget, name: str, accessible: str) -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(name)
        widget.setAccessibleDescription(accessible)
        widget.setToolTip(accessible)
        return widget

    def _spacing_pair(self, name: str, tip: str) -> tuple[QSlider, QSpinBox]:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, MAX_SPACING)
        spin = QSpinBox()
        spin.setRange(0, MAX_SPACING)
        spin.setSuffix(" px")
        self._named(slider, f"{name}Slider", tip)
        self._named(spin, f"{name}Spin", tip)
        return slider, spin

    def _create_widgets(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 10, 10, 6)
        outer.setSpacing(8)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)

        self.sequence_edit = QLineEdit()
        self._named(
            self.sequence_edit,
            "sequenceEdit",
            f"The digits to draw: 0-9 only, at most {MAX_DIGITS}",
        )
        self.sequence_edit.setPlaceholderText("digits 0-9, e.g. 2024")
        self.seed_spin = SeedSpin()
        self._named(self.seed_spin, "seedSpin", "Seed: the same seed gives the same image")
        self.reroll_button = QPushButton("Reroll")
        self._named(
            self.reroll_button, "rerollButton", "Draw new MNIST samples with a new seed (Ctrl+R)"
        )

        self.mode_combo = QComboBox()
        self._named(self.mode_combo, "modeCombo", "Spacing rule")
        self.mode_combo.addItem("Uniform (equal gaps)", "uniform")
        self.mode_combo.addItem("Random (gaps in range)", "random")
        self.invert_check = QCheckBox("White on black (as MNIST)")
        self._named(self.invert_check, "invertCheck", "Polarity: white digits on black")
        self.zoom_combo = QComboBox()
        self.zoom_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._named(self.zoom_combo, "zoomCombo", "Preview zoom (whole factors stay crisp)")
        self.zoom_combo.addItem("Fit", FIT)
        for step in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{step}\u00d7", step)

        self.min_spacing_slider, self.min_spacing_spin = self._spacing_pair(
            "minSpacing", "Smallest gap between digits"
        )
        self.max_spacing_slider, self.max_spacing_spin = self._spacing_pair(
            "maxSpacing", "Largest gap between digits"
        )
        self.width_slider = QSlider(Qt.Orientation.Horizontal)
        self._named(self.width_slider, "widthSlider", "Image width in pixels")
        self.width_spin = QSpinBox()
        self.width_spin.setSuffix(" px")
        self._named(self.width_spin, "widthSpin", "Image width in pixels")
        for slider in (self.width_slider,):
            slider.setRange(DIGIT_SIZE, DIGIT_SIZE)
        self.width_spin.setRange(DIGIT_SIZE, DIGIT_SIZE)

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            return lab

        # Two mirrored halves: label | slider (stretches) | spin box, twice per row.
        for spin in (self.min_spacing_spin, self.max_spacing_spin, self.width_spin):
            spin.setFixedWidth(96)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(label("&Sequence", self.sequence_edit), 0, 0)
        grid.addWidget(self.sequence_edit, 0, 1, 1, 2)
        grid.addWidget(label("S&eed", self.seed_spin), 0, 3)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.reroll_button)
        grid.addLayout(seed_row, 0, 4, 1, 2)

        grid.addWidget(label("&Rule", self.mode_combo), 1, 0)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.mode_combo)
        rule_row.addSpacing(12)
        rule_row.addWidget(self.invert_check)
        rule_row.addStretch(1)
        grid.addLayout(rule_row, 1, 1, 1, 2)
        grid.addWidget(label("&Zoom", self.zoom_combo), 1, 3)
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.zoom_combo)
        zoom_row.addStretch(1)
        grid.addLayout(zoom_row, 1, 4, 1, 2)

        grid.addWidget(label("M&in spacing", self.min_spacing_spin), 2, 0)
        grid.addWidget(self.min_spacing_slider, 2, 1)
        grid.addWidget(self.min_spacing_spin, 2, 2)
        grid.addWidget(label("Ma&x spacing", self.max_spacing_spin), 2, 3)
        grid.addWidget(self.max_spacing_slider, 2, 4)
        grid.addWidget(self.max_spacing_spin, 2, 5)

        grid.addWidget(label("&Width", self.width_spin), 3, 0)
        grid.addWidget(self.width_slider, 3, 1, 1, 4)
        grid.addWidget(self.width_spin, 3, 5)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        grid.setColumnMinimumWidth(3, 12)
        outer.addLayout(grid)

        # Shown when the controls describe no image: says why and offers a way out.
        self.problem_bar = QFrame()
        self.problem_bar.setObjectName("problemBar")
        self.problem_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.problem_bar.setStyleSheet(
            "#problemBar { background: #fff4ce; border: 1px solid #e0b000; border-radius: 4px; }"
            "#problemBar QLabel { color: #3a2e00; }"
        )
        bar = QHBoxLayout(self.problem_bar)
        bar.setContentsMargins(10, 6, 10, 6)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.problem_label, 1)
        self.offer_buttons: list[QPushButton] = []
        for i in range(2):
            button = QPushButton()
            button.setObjectName(f"offerWidth{i}")
            button.clicked.connect(lambda _=False, b=button: self._use_offered_width(b))
            bar.addWidget(button)
            self.offer_buttons.append(button)
        self.offer_random_button = QPushButton("Use random rule")
        self.offer_random_button.setObjectName("offerRandomRule")
        self.offer_random_button.clicked.connect(lambda: self._set_rule("random"))
        bar.addWidget(self.offer_random_button)
        self.problem_bar.hide()
        outer.addWidget(self.problem_bar)

        self.preview = PreviewView()
        self._named(
            self.preview,
            "previewView",
            "Preview. Hover a digit for its MNIST index; click it to draw another sample",
        )
        outer.addWidget(self.preview, 1)

        hint = QLabel(
            "Hover a digit to see its MNIST index; click it to draw another sample of it."
        )
        hint.setObjectName("previewHint")
        hint.setEnabled(False)  # greyed: a hint, not content
        outer.addWidget(hint)
        self.setCentralWidget(central)

    def _action(
        self,
        text: str,
        tip: str,
        slot,
        keys: QKeySequence.StandardKey | list[QKeySequence] | None = None,
        icon: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(QIcon.fromTheme(icon))
        if keys:
            action.setShortcuts(keys)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _create_actions(self) -> None:
        K = QKeySequence
        self.open_action = self._action(
            "&Open\u2026",
            "Open a PNG saved by mnist-seq and restore its parameters",
            self.open_dialog,
            K.StandardKey.Open,
            "document-open",
        )
        self.save_action = self._action(
            "&Save",
            "Save the image 1:1 as PNG (with its parameters) to the current file",
            self.save,
            K.StandardKey.Save,
            "document-save",
        )
        self.save_as_action = self._action(
            "Save &As\u2026",
            "Save the image 1:1 as PNG under a new name",
            self.save_as,
            K.StandardKey.SaveAs,
            "document-save-as",
        )
        self.export_action = self._action(
            "&Export Dataset\u2026",
            "Write a training data set (npz or PNG folder) with the current parameters",
            self.export_dataset,
            [K("Ctrl+E")],
            "document-export",
        )
        self.quit_action = self._action(
            "&Quit", "Quit the explorer", self.close, K.StandardKey.Quit, "application-exit"
        )
        self.copy_action = self._action(
            "&Copy Image",
            "Copy the image 1:1 to the clipboard",
            self.copy_image,
            K.StandardKey.Copy,
            "edit-copy",
        )
        reroll_keys = [K("Ctrl+R")]
        reroll_keys += [k for k in K.keyBindings(K.StandardKey.Refresh) if k not in reroll_keys]
        self.reroll_action = self._action(
            "&Reroll",
            "Draw new MNIST samples with a new seed, keeping every other parameter",
            self.reroll,
            reroll_keys,
            "view-refresh",
        )
        self.zoom_in_action = self._action(
            "Zoom &In", "Enlarge the preview", self.zoom_in, K.StandardKey.ZoomIn, "zoom-in"
        )
        self.zoom_out_action = self._action(
            "Zoom &Out", "Shrink the preview", self.zoom_out, K.StandardKey.ZoomOut, "zoom-out"
        )
        self.actual_size_action = self._action(
            "&Actual Size",
            "One screen pixel per image pixel",
            lambda: self.set_zoom(1),
            [K("Ctrl+1")],
            "zoom-original",
        )
        self.fit_action = self._action(
            "&Fit to Window",
            "The largest whole zoom that fits the window",
            lambda: self.set_zoom(FIT),
            [K("Ctrl+0")],
            "zoom-fit-best",
        )
        self.fit_action.setCheckable(True)
        self.about_action = self._action(
            "&About mnist-seq", "Version, data source and licence", self.about
        )
        self.about_qt_action = self._action(
            "About &Qt", "The Qt library's about box", QGuiApplication.instance().aboutQt
        )

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu: QMenu = bar.addMenu("&File")
        self.file_menu.addAction(self.open_action)
        self.file_menu.addAction(self.save_action)
        self.file_menu.addAction(self.save_as_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.export_action)
        self.file_quit_separator = self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu: QMenu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.copy_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.reroll_action)
        self.view_menu: QMenu = bar.addMenu("&View")
        self.view_menu.addAction(self.zoom_in_action)
        self.view_menu.addAction(self.zoom_out_action)
        self.view_menu.addAction(self.actual_size_action)
        self.view_menu.addAction(self.fit_action)
        self.help_menu: QMenu = bar.addMenu("&Help")
        self.help_menu.addAction(self.about_action)
        self.help_menu.addAction(self.about_qt_action)

    def _create_status_bar(self) -> None:
        status = self.statusBar()
        self.size_label = QLabel()
        self.size_label.setObjectName("sizeLabel")
        self.time_label = QLabel()
        self.time_label.setObjectName("renderTimeLabel")
        self.seed_label = QLabel()
        self.seed_label.setObjectName("seedLabel")
        for widget in (self.size_label, self.time_label, self.seed_label):
            status.addPermanentWidget(widget)
        status.showMessage("Ready", 2000)

    def _connect_controls(self) -> None:
        self.sequence_edit.textChanged.connect(self._on_sequence_text)
        self.min_spacing_slider.valueChanged.connect(self._on_min_spacing)
        self.min_spacing_spin.valueChanged.connect(self._on_min_spacing)
        self.max_spacing_slider.valueChanged.connect(self._on_max_spacing)
        self.max_spacing_spin.valueChanged.connect(self._on_max_spacing)
        self.width_slider.valueChanged.connect(self._on_width_slider)
        self.width_spin.valueChanged.connect(self._on_width_spin)
        self.mode_combo.currentIndexChanged.connect(self._on_rule)
        self.invert_check.toggled.connect(self._request_render)
        self.seed_spin.valueChanged.connect(self._on_seed)
        self.reroll_button.clicked.connect(self.reroll)
        self.zoom_combo.currentIndexChanged.connect(self._on_zoom_combo)
        self.preview.digitHovered.connect(self._on_digit_hovered)
        self.preview.digitClicked.connect(self.reroll_digit)

    # ------------------------------------------------------------------ parameters

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set several controls without each one firing a render."""
        widgets = (
            self.sequence_edit,
            self.min_spacing_slider,
            self.min_spacing_spin,
            self.max_spacing_slider,
            self.max_spacing_spin,
            self.width_slider,
            self.width_spin,
            self.mode_combo,
            self.invert_check,
            self.seed_spin,
            self.zoom_combo,
        )
        with signals_blocked(*widgets):
            yield

    def rule(self) -> str:
        return str(self.mode_combo.currentData())

    def _digits(self) -> tuple[int, ...] | None:
        try:
            return parse_sequence(self.sequence_edit.text())
        except MnistSeqError:
            return None

    def current_spec(self) -> SequenceSpec:
        """The spec the controls describe; raises MnistSeqError with a user-facing reason."""
        return SequenceSpec(
            digits=parse_sequence(self.sequence_edit.text()),
            width=self.width_spin.value(),
            min_spacing=self.min_spacing_spin.value(),
            max_spacing=self.max_spacing_spin.value(),
            rule=self.rule(),
            white_on_black=self.invert_check.isChecked(),
        )

    def _set_width(self, width: int) -> None:
        with self._quiet():
            self.width_spin.setValue(width)
            self.width_slider.setValue(self.width_spin.value())

    def _update_width_range(self, previous_n: int | None = None, snap: bool = False) -> None:
        """Make the width controls span the valid widths for the current digits and spacing.

        When the number of digits changes, the width follows so the gap stays the same.
        """
        digits = self._digits()
        if digits is None:
            return
        n = len(digits)
        lo, hi = self.min_spacing_spin.value(), self.max_spacing_spin.value()
        widths = valid_widths(n, lo, hi, self.rule())
        if not widths:
            return  # too wide for MAX_WIDTH: the spec check explains it
        width = self.width_spin.value()
        if previous_n is not None and previous_n != n and n > 1:
            if previous_n > 1:
                gap = round((width - DIGIT_SIZE * previous_n) / (previous_n - 1))
            else:
                gap = round((lo + hi) / 2)
            width = DIGIT_SIZE * n + min(max(gap, lo), hi) * (n - 1)
            snap = True
        width = min(max(width, widths[0]), widths[-1])
        if snap:
            width = nearest_valid_widths(width, widths)[0]
        with self._quiet():
            for control in (self.width_spin, self.width_slider):
                control.setRange(widths[0], widths[-1])
                control.setSingleStep(widths.step)
            self.width_slider.setPageStep(widths.step * 4)
            self.width_spin.setValue(width)
            self.width_slider.setValue(width)

    # ------------------------------------------------------------------ control slots

    def _on_sequence_text(self, text: str) -> None:
        cleaned = "".join(ch for ch in text if ch in _ALLOWED)
        notes = []
        if cleaned != text:
            removed = [ch for ch in text if ch not in _ALLOWED]
            notes.append(
                f"removed {_describe_removed(removed)}: the sequence takes only digits 0-9"
            )
        if len(cleaned) > MAX_DIGITS:
            notes.append(f"kept the first {MAX_DIGITS} digits: a sequence has at most {MAX_DIGITS}")
            cleaned = cleaned[:MAX_DIGITS]
        if cleaned != text:
            position = self.sequence_edit.cursorPosition()
            with signals_blocked(self.sequence_edit):
                self.sequence_edit.setText(cleaned)
                self.sequence_edit.setCursorPosition(min(position, len(cleaned)))
        if notes:
            self.statusBar().showMessage("Sequence: " + "; ".join(notes), STATUS_MS)
        digits = self._digits()
        if digits is not None:
            if self._fixed is not None and self._fixed[0] != digits:
                self._fixed = None
            self._update_width_range(previous_n=self._n_digits)
            self._n_digits = len(digits)
        self._request_render()

    def _on_min_spacing(self, value: int) -> None:
        self._on_spacing(value, moved="min")

    def _on_max_spacing(self, value: int) -> None:
        self._on_spacing(value, moved="max")

    def _on_spacing(self, value: int, moved: str) -> None:
        """Keep each slider and spin box in step; min may never pass max, so the other follows."""
        pairs = {
            "min": (self.min_spacing_slider, self.min_spacing_spin),
            "max": (self.max_spacing_slider, self.max_spacing_spin),
        }
        other = "max" if moved == "min" else "min"
        lo, hi = self.min_spacing_spin.value(), self.max_spacing_spin.value()
        crossed = value > hi if moved == "min" else value < lo
        with self._quiet():
            for control in pairs[moved] + (pairs[other] if crossed else ()):
                control.setValue(value)
        if crossed:
            verb = "raised" if other == "max" else "lowered"
            self.statusBar().showMessage(
                f"{other.capitalize()} spacing {verb} to {value} px: "
                f"min spacing cannot be above max spacing",
                STATUS_MS,
            )
        self._update_width_range()
        self._request_render()

    def _on_width_slider(self, value: int) -> None:
        # The slider only lands on valid widths, so dragging never shows an error.
        digits = self._digits()
        if digits is not None:
            widths = valid_widths(
                len(digits),
                self.min_spacing_spin.value(),
                self.max_spacing_spin.value(),
                self.rule(),
            )
            if widths:
                near = nearest_valid_widths(value, widths)
                value = min(near, key=lambda w: (abs(w - value), w))
        self._set_width(value)
        self._request_render()

    def _on_width_spin(self, value: int) -> None:
        with signals_blocked(self.width_slider):
            self.width_slider.setValue(value)
        self._request_render()

    def _on_rule(self, _index: int) -> None:
        self._update_width_range()
        self._request_render()

    def _set_rule(self, rule: str) -> None:
        index = self.mode_combo.findData(rule)
        if index >= 0:
            self.mode_combo.setCurrentIndex(index)

    def _use_offered_width(self, button: QPushButton) -> None:
        width = button.property("offeredWidth")
        if width is not None:
            self._set_width(int(width))
            self._request_render()

    def _on_seed(self, _seed: int) -> None:
        self._fixed = None
        self._request_render()

    def _on_zoom_combo(self, _index: int) -> None:
        self.preview.set_zoom(int(self.zoom_combo.currentData()))
        self._update_actions()

    # ------------------------------------------------------------------ rendering

    def latest_request_id(self) -> int:
        return self._latest_id

    def result(self) -> RenderResult | None:
        """The result whose image is shown."""
        return self._result

    def _request_render(self) -> None:
        """Turn the controls into a request for the render thread, or explain why not."""
        if self._closed:
            return
        try:
            spec = self.current_spec()
        except MnistSeqError as exc:
            self._show_problem(str(exc))
            self._update_actions()
            return
        self._hide_problem()
        indices = None
        if self._fixed is not None and self._fixed[0] == spec.digits:
            indices = self._fixed[1]
        self._latest_id += 1
        self._render.render(RenderRequest(self._latest_id, spec, self.seed_spin.value(), indices))
        self._update_actions()

    def _on_rendered(self, result: RenderResult) -> None:
        # A result overtaken by a newer request after it was queued is never shown.
        if result.request_id != self._latest_id or self._closed:
            return
        self._result = result
        comp = result.composition
        tips = [
            f"Digit {d} \u00b7 MNIST test index {i}\nClick to draw another {d}"
            for d, i in zip(comp.spec.digits, comp.indices, strict=True)
        ]
        self.preview.set_image(result.image, comp.boxes, tips)
        self.size_label.setText(f"{result.image.width()} \u00d7 {result.image.height()} px")
        self.time_label.setText(f"{result.elapsed_ms:.1f} ms")
        self.seed_label.setText(f"seed {comp.seed}")
        stem = file_stem(comp.spec.digits)
        if len(stem) > 40:
            stem = stem[:39] + "\u2026"
        self.setWindowTitle(f"{stem} \u2014 mnist-seq explorer")
        self._update_actions()
        self.imageShown.emit(result.request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._latest_id:
            return
        self._show_problem(message)
        self.statusBar().showMessage(message, STATUS_MS)

    def _show_problem(self, message: str) -> None:
        """Explain in the preview area why there is no new image, with one-click ways out."""
        offers: list[int] = []
        random_fits = False
        digits = self._digits()
        lo, hi = self.min_spacing_spin.value(), self.max_spacing_spin.value()
        width = self.width_spin.value()
        if digits is not None and lo <= hi:
            widths = valid_widths(len(digits), lo, hi, self.rule())
            if widths and width not in widths:
                offers = nearest_valid_widths(width, widths)
                random_fits = self.rule() == "uniform" and width in valid_widths(
                    len(digits), lo, hi, "random"
                )
        for button, offer in zip(self.offer_buttons, [*offers, None, None], strict=False):
            button.setVisible(offer is not None)
            if offer is not None:
                button.setText(f"Use width {offer}")
                button.setProperty("offeredWidth", offer)
        self.offer_random_button.setVisible(random_fits)
        shown = "" if self._result is None else " The preview shows the last valid image."
        sentence = message[:1].upper() + message[1:]
        if not sentence.endswith((".", "!", "?")):
            sentence += "."
        self.problem_label.setText(sentence + shown)
        self.problem_bar.show()

    def _hide_problem(self) -> None:
        self.problem_bar.hide()

    def problem_text(self) -> str:
        """The explanation shown above the preview, or '' when there is none."""
        return self.problem_label.text() if not self.problem_bar.isHidden() else ""

    # ------------------------------------------------------------------ rerolls

    def reroll(self) -> None:
        """New seed (new MNIST samples and gaps), every other parameter kept."""
        seed = int(self._rng.integers(0, MAX_SEED, endpoint=True))
        self._fixed = None
        with self._quiet():
            self.seed_spin.setValue(seed)
        self._request_render()
        self.statusBar().showMessage(f"Rerolled: seed {seed}", STATUS_MS)

    def reroll_digit(self, position: int) -> None:
        """Draw a new MNIST sample for one digit; the others keep their pixels."""
        result = self._result
        try:
            spec = self.current_spec()
        except MnistSeqError as exc:
            self.statusBar().showMessage(f"Cannot reroll a digit: {exc}", STATUS_MS)
            return
        if result is None or result.composition.spec.digits != spec.digits:
            return
        if not 0 <= position < len(spec.digits):
            return
        indices = list(result.composition.indices)
        digit = spec.digits[position]
        candidates = np.flatnonzero(result.bank.labels == digit)
        candidates = candidates[candidates != indices[position]]
        if candidates.size == 0:
            self.statusBar().showMessage(f"The data set has no other {digit} to draw", STATUS_MS)
            return
        indices[position] = int(self._rng.choice(candidates))
        self._fixed = (spec.digits, tuple(indices))
        self._request_render()
        self.statusBar().showMessage(
            f"Digit {position + 1} ({digit}) is now MNIST test index {indices[position]}", STATUS_MS
        )

    def _on_digit_hovered(self, position: int) -> None:
        result = self._result
        if result is None or not 0 <= position < len(result.composition.indices):
            self.statusBar().clearMessage()
            return
        comp = result.composition
        self.statusBar().showMessage(
            f"Digit {position + 1}: {comp.spec.digits[position]}, MNIST test index "
            f"{comp.indices[position]} \u2014 click to draw another sample"
        )

    # ------------------------------------------------------------------ zoom

    def set_zoom(self, zoom: int) -> None:
        index = self.zoom_combo.findData(zoom)
        if index >= 0:
            self.zoom_combo.setCurrentIndex(index)  # fires _on_zoom_combo

    def zoom_in(self) -> None:
        current = self.preview.effective_zoom()
        bigger = [z for z in ZOOM_STEPS if z > current + 1e-9]
        if bigger:
            self.set_zoom(bigger[0])

    def zoom_out(self) -> None:
        current = self.preview.effective_zoom()
        smaller = [z for z in ZOOM_STEPS if z < current - 1e-9]
        if smaller:
            self.set_zoom(smaller[-1])

    # ------------------------------------------------------------------ files

    def _show_error(self, title: str, text: str) -> None:
        """A window-modal warning that does not block the caller (tests, timers)."""
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("errorDialog")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._error_box = box
        self.statusBar().showMessage(text, STATUS_MS)

    def error_dialog(self) -> QMessageBox | None:
        """The last error dialog shown, if any (for tests and tools)."""
        return self._error_box

    def default_save_path(self) -> Path:
        result = self._result
        stem = file_stem(result.composition.spec.digits) if result else "mnist-seq"
        return self._save_dir / f"{stem}.png"

    def save(self) -> bool:
        if self._current_file is None:
            return self.save_as()
        return self.save_to(self._current_file)

    def save_as(self) -> bool:
        if self._result is None:
            return False
        path, _ = QFileDialog.getSaveFileName(
            self, "Save Image", str(self.default_save_path()), "PNG images (*.png)"
        )
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        """Write the shown image 1:1 with its parameters; a dialog explains any failure."""
        result = self._result
        if result is None:
            self.statusBar().showMessage("Nothing to save yet", STATUS_MS)
            return False
        path = Path(path)
        comp = result.composition
        try:
            write_png(path, comp.pixels, composition_text(comp, result.bank.source))
        except (MnistSeqError, OSError) as exc:
            self._show_error("Could not save the image", str(exc))
            return False
        self._save_dir = path.parent
        self._current_file = path
        self.setWindowFilePath(str(path))
        self.statusBar().showMessage(
            f"Saved {path.name} ({comp.pixels.shape[1]} \u00d7 {comp.pixels.shape[0]} px)",
            STATUS_MS,
        )
        return True

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Image", str(self._save_dir), "PNG images (*.png)"
        )
        return bool(path) and self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """Restore the parameters saved in a PNG; the same pixels are then rendered."""
        path = Path(path)
        try:
            spec, seed, indices = read_composition_text(path)
        except (MnistSeqError, OSError) as exc:
            self._show_error("Could not open the image", str(exc))
            return False
        self._apply_spec(spec, seed)
        self._fixed = (spec.digits, indices)
        self._current_file = path
        self._save_dir = path.parent
        self.setWindowFilePath(str(path))
        self._request_render()
        self.statusBar().showMessage(f"Opened {path.name}", STATUS_MS)
        return True

    def _apply_spec(self, spec: SequenceSpec, seed: int) -> None:
        with self._quiet():
            # A file made by the CLI or API may use more spacing than the sliders offer.
            top = max(MAX_SPACING, spec.max_spacing)
            for control in (
                self.min_spacing_spin,
                self.min_spacing_slider,
                self.max_spacing_spin,
                self.max_spacing_slider,
            ):
                control.setMaximum(top)
            self.sequence_edit.setText("".join(map(str, spec.digits)))
            self.min_spacing_spin.setValue(spec.min_spacing)
            self.min_spacing_slider.setValue(spec.min_spacing)
            self.max_spacing_spin.setValue(spec.max_spacing)
            self.max_spacing_slider.setValue(spec.max_spacing)
            self._set_rule(spec.rule)
            self.invert_check.setChecked(spec.white_on_black)
            self.seed_spin.setValue(seed)
        self._n_digits = len(spec.digits)
        self._update_width_range()
        self._set_width(spec.width)

    def copy_image(self) -> None:
        result = self._result
        if result is None:
            return
        QGuiApplication.clipboard().setImage(result.image)
        self.statusBar().showMessage(
            f"Copied the {result.image.width()} \u00d7 {result.image.height()} px image", STATUS_MS
        )

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About mnist-seq",
            f"<h3>mnist-seq explorer {__version__}</h3>"
            "<p>Images of handwritten digit sequences composed from MNIST digits.</p>"
            "<p><b>Data:</b> the 10,000-image MNIST test set, by Yann LeCun, Corinna Cortes "
            "and Christopher J.C. Burges, used under the "
            "<a href='https://creativecommons.org/licenses/by-sa/3.0/'>CC BY-SA 3.0</a> "
            "licence.</p><p>Code: MIT licence.</p>",
        )

    # ------------------------------------------------------------------ state of actions

    def _update_actions(self) -> None:
        has_image = self._result is not None
        for action in (self.save_action, self.save_as_action, self.copy_action):
            action.setEnabled(has_image)
        can_render = self.problem_bar.isHidden() or self._digits() is not None
        self.reroll_action.setEnabled(can_render)
        self.reroll_button.setEnabled(can_render)
        zoom = self.preview.effective_zoom() if has_image else 1.0
        self.zoom_in_action.setEnabled(has_image and zoom < ZOOM_STEPS[-1])
        self.zoom_out_action.setEnabled(has_image and zoom > ZOOM_STEPS[0])
        self.fit_action.setChecked(self.preview.zoom() == FIT)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_actions()  # the fitted zoom depends on the window size

    # ------------------------------------------------------------------ settings

    def _read_settings(self) -> None:
        settings = settings_store()
        geometry = settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1100, 640)

        def get(key: str, kind: type):
            default = DEFAULTS[key]
            try:
                value = settings.value(f"params/{key}", default)
                if kind is bool:
                    return value in (True, "true", "1", 1)
                return kind(value)
            except (TypeError, ValueError):
                return default

        sequence = "".join(ch for ch in str(get("sequence", str)) if ch in _ALLOWED)[:MAX_DIGITS]
        lo = min(max(get("min_spacing", int), 0), MAX_SPACING)
        hi = min(max(get("max_spacing", int), lo), MAX_SPACING)
        seed = min(max(get("seed", int), 0), MAX_SEED)
        zoom = get("zoom", int)
        rule = get("rule", str)
        with self._quiet():
            self.sequence_edit.setText(sequence or DEFAULTS["sequence"])
            for control in (self.min_spacing_spin, self.min_spacing_slider):
                control.setValue(lo)
            for control in (self.max_spacing_spin, self.max_spacing_slider):
                control.setValue(hi)
            self._set_rule(rule if rule in ("uniform", "random") else "uniform")
            self.invert_check.setChecked(get("white_on_black", bool))
            self.seed_spin.setValue(seed)
            self.zoom_combo.setCurrentIndex(max(0, self.zoom_combo.findData(zoom)))
        self.preview.set_zoom(int(self.zoom_combo.currentData()))
        self._n_digits = len(self.sequence_edit.text())
        self._update_width_range()
        self._set_width(get("width", int))
        # A stored width the rule cannot use is snapped rather than greeting the user with an error.
        self._update_width_range(snap=True)
        folder = Path(str(settings.value("files/save_dir", str(Path.home()))))
        self._save_dir = folder if folder.is_dir() else Path.home()

    def _write_settings(self) -> None:
        settings = settings_store()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("params/sequence", self.sequence_edit.text())
        settings.setValue("params/min_spacing", self.min_spacing_spin.value())
        settings.setValue("params/max_spacing", self.max_spacing_spin.value())
        settings.setValue("params/width", self.width_spin.value())
        settings.setValue("params/rule", self.rule())
        settings.setValue("params/white_on_black", self.invert_check.isChecked())
        settings.setValue("params/seed", str(self.seed_spin.value()))  # 64-bit: keep as text
        settings.setValue("params/zoom", self.preview.zoom())
        settings.setValue("files/save_dir", str(self._save_dir))
        settings.sync()

    def export_dataset(self) -> None:
        """Open the export dialog, prefilled with the current parameters and seed."""
        if self._export_dialog is not None:
            self._export_dialog.raise_()
            self._export_dialog.activateWindow()
            return
        try:
            defaults = defaults_from_spec(self.current_spec(), self.seed_spin.value())
        except MnistSeqError:
            defaults = None  # the dialog's own defaults; it validates what the user picks
        dialog = ExportDialog(self, defaults)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(
            lambda path: self.statusBar().showMessage(f"Exported to {path}", 8000)
        )
        dialog.destroyed.connect(self._forget_export_dialog)
        self._export_dialog = dialog
        dialog.open()

    def _forget_export_dialog(self) -> None:
        self._export_dialog = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._write_settings()
            self._closed = True
            if self._export_dialog is not None:
                # A closing parent does not run its dialogs' closeEvent: join the export here.
                self._export_dialog.stop_and_wait()
            self._render.stop()
        event.accept()
