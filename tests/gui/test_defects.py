"""Every defect a new user hit in the explorer (issue 9), each as a test.

Self-contained on purpose: it reaches the window only through object names and the
few methods every version has (open_file, save, save_to, result, latest_request_id),
so the same file can be run against an older version to see each test fail there.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSlider,
    QWidget,
)

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.files import composition_text, write_png
from mnist_seq_gui.gui.main_window import MainWindow
from mnist_seq_gui.gui.qimage import qimage_to_grey, rgb_array

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 5000


# ---------------------------------------------------------------------------- helpers


def child(window: QWidget, name: str) -> QWidget:
    widget = window.findChild(QWidget, name)
    assert widget is not None, name
    return widget


def shown(window: MainWindow) -> np.ndarray:
    return qimage_to_grey(child(window, "previewView").image())


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(
        lambda: (
            window.result() is not None and window.result().request_id == window.latest_request_id()
        ),
        timeout=TIMEOUT,
    )


def problem(window: MainWindow) -> str:
    label = child(window, "problemLabel")
    return label.text() if label.isVisibleTo(window) else ""


def core(spec: SequenceSpec, seed: int, indices=None) -> np.ndarray:
    return compose(bundled_bank(), spec, seed, indices=indices, dtype=np.uint8).pixels


def png_pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image).copy()


def enter(qtbot, widget: QWidget, text: str) -> None:
    """Type into a field as a user does: select all, keys, Return (to the focus widget)."""
    widget.setFocus()
    edit = widget if isinstance(widget, QLineEdit) else widget.findChild(QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def win(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    return window


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _splice(png: bytes, *chunks: bytes) -> bytes:
    """Insert chunks right after IHDR (8-byte signature + 25-byte IHDR)."""
    return png[:33] + b"".join(chunks) + png[33:]


# ---------------------------------------------------------------------------- 1. overwrite


def test_1_save_asks_before_replacing_a_file_holding_another_image(qtbot, win, tmp_path):
    path = tmp_path / "a.png"
    assert win.save_to(path)
    before = png_pixels(path)
    assert Path(win.windowFilePath()) == path
    assert "a.png" in win.windowTitle() and not win.isWindowModified()
    child(win, "sequenceEdit").setText("31415")
    settle(qtbot, win)
    assert win.isWindowModified()  # the title marks the unsaved change

    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert not win.save()
    assert asked and "a.png" in asked[0]
    assert np.array_equal(png_pixels(path), before)  # nothing replaced


# ---------------------------------------------------------------------------- 2. shortcuts


def test_2_shortcuts_work_while_a_text_field_has_focus(qtbot, win):
    edit = child(win, "sequenceEdit")
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Export dataset"]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].close()

    seed = child(win, "seedSpin")
    seed.setFocus()
    qtbot.waitUntil(seed.hasFocus)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(seed.findChild(QLineEdit), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = qimage_to_grey(QGuiApplication.clipboard().image())
    assert np.array_equal(copied, shown(win))


# ---------------------------------------------------------------------------- 3. small screens


def _controls(window: QWidget) -> list[QWidget]:
    kinds = (QAbstractSpinBox, QSlider, QComboBox, QAbstractButton, QLineEdit)
    found = []
    for widget in window.centralWidget().findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QAbstractSpinBox):
            continue  # part of a spin box
        if isinstance(widget.parent(), QScrollArea) or widget.objectName().startswith("qt_"):
            continue  # scroll bars and Qt's own internals
        found.append(widget)
    return found


def _reachable(window: QWidget, widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    visible = widget.visibleRegion().boundingRect()
    inside = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return (
        visible.width() * visible.height() >= 0.9 * widget.width() * widget.height()
        and window.rect().contains(inside)
    )


def test_3_window_fits_small_screens_with_every_control_reachable(qtbot, win):
    screen = win.screen().availableGeometry()
    assert win.width() <= screen.width() and win.height() <= screen.height()
    # 1280 x 800 at scale factor 2 is 640 x 400 logical pixels.
    win.resize(640, 400)
    qtbot.waitUntil(lambda: win.width() <= 640 and win.height() <= 400, timeout=TIMEOUT)
    controls = _controls(win)
    assert len(controls) >= 10
    for widget in controls:
        assert _reachable(win, widget), widget.objectName() or widget.accessibleName()
    for label in win.findChildren(QLabel):
        if label.isVisibleTo(win) and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()


# ---------------------------------------------------------------------------- 4, 5. typing


def test_4_typing_a_spacing_applies_the_number_not_each_keystroke(qtbot, win):
    child(win, "widthSpin").setValue(142)  # 2024 with gaps of 10
    settle(qtbot, win)
    enter(qtbot, child(win, "maxSpacingSpin"), "20")
    settle(qtbot, win)
    assert child(win, "maxSpacingSpin").value() == 20
    assert child(win, "widthSpin").value() == 142
    assert win.result().composition.spec.width == 142


def test_5_an_impossible_width_is_explained_not_reverted(qtbot, win):
    enter(qtbot, child(win, "widthSpin"), "200")
    assert child(win, "widthSpin").value() == 200
    text = problem(win)
    assert "200" in text and "142" in text  # the widest 2024 at spacing 0..10


# ---------------------------------------------------------------------------- 6. seed


def test_6_entering_the_shown_seed_again_brings_its_image_back(qtbot, win):
    seed_spin = child(win, "seedSpin")
    seed_spin.setValue(4711)
    settle(qtbot, win)
    spec, seed = win.result().composition.spec, win.result().composition.seed
    canvas = child(win, "previewCanvas")
    x0, _, x1, _ = win.result().composition.boxes[1]
    qtbot.mouseClick(
        canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point_of((x0 + x1) / 2, 14)
    )
    settle(qtbot, win)
    assert not np.array_equal(shown(win), core(spec, seed))  # a digit was rerolled
    enter(qtbot, seed_spin, str(seed))  # the seed the window shows
    settle(qtbot, win)
    assert np.array_equal(shown(win), core(spec, seed))


# ---------------------------------------------------------------------------- 7. source


def _other_idx_pair(folder: Path) -> Path:
    """The bundled digits in reverse order: the same index shows another image."""
    bank = bundled_bank()
    images, labels = bank.images[::-1], bank.labels[::-1]
    folder.mkdir()
    n = len(labels)
    (folder / "other-images-idx3-ubyte").write_bytes(
        np.array([2051, n, 28, 28], dtype=">i4").tobytes() + images.tobytes()
    )
    (folder / "other-labels-idx1-ubyte").write_bytes(
        np.array([2049, n], dtype=">i4").tobytes() + labels.astype(np.uint8).tobytes()
    )
    return folder


def test_7_open_uses_the_digit_source_the_file_records(qtbot, win, tmp_path):
    from mnist_seq_gui.cli import main as cli_main

    folder = _other_idx_pair(tmp_path / "other")
    for seed in range(3):
        target = tmp_path / f"other-{seed}.png"
        argv = ["2024", "0", "10", "142", "--seed", str(seed), "--data", str(folder)]
        assert cli_main([*argv, "-o", str(target)]) == 0
        assert win.open_file(target)
        settle(qtbot, win)
        assert np.array_equal(shown(win), png_pixels(target)), seed


# ---------------------------------------------------------------------------- 8. crashes


def _hostile_pngs(win: MainWindow, folder: Path) -> dict[str, Path]:
    good = folder / "good.png"
    assert win.save_to(good)
    data = good.read_bytes()
    keyword = b"comment\x00\x00"
    bomb = _splice(data, _chunk(b"zTXt", keyword + zlib.compress(b"\x00" * (200 << 20), 9)))
    chunk = _chunk(b"tEXt", b"padding\x00" + b"x" * 1_000_000)
    ihdr = struct.pack(">IIBBBBB", 7_000_000, 28, 8, 0, 0, 0, 0)
    header = data[:8] + _chunk(b"IHDR", ihdr) + data[33:]
    files = {"zTXt bomb": bomb, "70 MiB of text": _splice(data, *[chunk] * 73), "huge": header}
    paths = {}
    for name, content in files.items():
        path = folder / (name.replace(" ", "-") + ".png")
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_8_hostile_pngs_are_refused_with_a_dialog(qtbot, win, tmp_path):
    before = shown(win)
    for name, path in _hostile_pngs(win, tmp_path).items():
        assert not win.open_file(path), name
        boxes = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
        assert boxes and path.name in boxes[-1].text(), name
        boxes[-1].close()
    assert np.array_equal(shown(win), before)


_OPEN_AND_REPORT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from mnist_seq_gui.gui.app import build_application, main

app = build_application(["mnist-seq-gui", sys.argv[1]])

def poll():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            print("DIALOG", widget.text().replace(chr(10), " "), flush=True)
            app.quit()
            return
    QTimer.singleShot(20, poll)

QTimer.singleShot(0, poll)
sys.exit(main(["mnist-seq-gui", sys.argv[1]]))
"""


def _gui_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


@pytest.mark.parametrize("kind", ["zTXt bomb", "huge", "fifo"])
def test_8_a_bad_file_on_the_command_line_shows_a_dialog_not_an_abort(win, tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.png"
        os.mkfifo(path)
    else:
        path = _hostile_pngs(win, tmp_path)[kind]
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_REPORT, str(path)],
        env=_gui_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,  # a FIFO that blocks the open would hang here
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DIALOG" in done.stdout and path.name in done.stdout
    assert "Traceback" not in done.stderr


def test_8_absurd_settings_fall_back_instead_of_raising(qtbot, tmp_path):
    store = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mnist-seq", "mnist-seq-gui"
    )
    for key, value in {
        "params/width": "2147483648",
        "params/zoom": str(10**30),
        "view/zoom": str(10**30),
        "params/seed": "-7",
        "params/max_spacing": "9" * 5000,
    }.items():
        store.setValue(key, value)
    store.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    spec = window.result().composition.spec
    assert spec.digits == (2, 0, 2, 4)
    assert np.array_equal(shown(window), core(spec, window.result().composition.seed))


@pytest.mark.parametrize("seed", [-5, 2**63])
def test_8_a_file_whose_seed_is_out_of_range_is_refused(qtbot, win, tmp_path, seed):
    spec = SequenceSpec((1, 2, 3), 100, 0, 8)
    comp = compose(bundled_bank(), spec, 1, dtype=np.uint8)
    text = composition_text(comp) | {"seed": str(seed)}
    path = write_png(tmp_path / "bad-seed.png", comp.pixels, text)
    before = shown(win)
    assert not win.open_file(path)
    assert str(seed) in win.statusBar().currentMessage()
    assert np.array_equal(shown(win), before)


def test_8_a_file_with_100_digits_opens_and_stays_editable(qtbot, win, tmp_path):
    digits = tuple(i % 10 for i in range(100))
    spec = SequenceSpec(digits, 100 * 28, 0, 10)
    comp = compose(bundled_bank(), spec, 5, dtype=np.uint8)
    path = write_png(tmp_path / "long.png", comp.pixels, composition_text(comp))
    assert win.open_file(path)
    settle(qtbot, win)
    assert np.array_equal(shown(win), comp.pixels)
    edit = child(win, "sequenceEdit")
    edit.setText(edit.text() + "7")
    settle(qtbot, win)
    assert len(win.result().composition.spec.digits) == 101


# ---------------------------------------------------------------------------- 9. no display


def _no_display_env(tmp_path: Path) -> dict[str, str]:
    env = _gui_env(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


def test_9_without_a_display_help_works_and_a_start_says_why_in_one_line(tmp_path):
    command = [sys.executable, "-m", "mnist_seq_gui"]
    env = _no_display_env(tmp_path)
    helped = subprocess.run(
        [*command, "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0 and "usage" in helped.stdout.lower()
    started = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 2
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY" in lines[0]


def test_9_without_pyside6_a_start_says_what_to_install(tmp_path):
    code = (
        "import sys, runpy; sys.modules['PySide6'] = None; "
        "runpy.run_module('mnist_seq_gui', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_gui_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PySide6" in lines[0] and "pip install" in lines[0]


# ---------------------------------------------------------------------------- 10. smaller


def _centre_in_image(view) -> tuple[float, float]:
    canvas = view.widget()
    dpr = canvas.devicePixelRatioF()
    k = canvas.device_scale(dpr)
    origin = canvas.image_origin(dpr, k)
    middle = view.viewport().rect().center()
    x = (view.horizontalScrollBar().value() + middle.x()) * dpr
    y = (view.verticalScrollBar().value() + middle.y()) * dpr
    return (x - origin.x()) / k, (y - origin.y()) / k


def test_10_zoom_keeps_the_centre_of_the_view(qtbot, win):
    child(win, "sequenceEdit").setText("0123456789")
    settle(qtbot, win)
    win.set_zoom(4)
    view = child(win, "previewView")
    canvas = view.widget()
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 0, timeout=TIMEOUT)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() * 3 // 4)
    before = _centre_in_image(view)
    win.set_zoom(8)
    qtbot.waitUntil(lambda: canvas.width() >= canvas.minimumWidth(), timeout=TIMEOUT)
    after = _centre_in_image(view)
    assert abs(after[0] - before[0]) <= 1


def test_10_ctrl_equals_and_ctrl_wheel_zoom_in(qtbot, win):
    win.set_zoom(2)
    view = child(win, "previewView")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == 3
    wheel = QWheelEvent(
        QPointF(20, 20),
        QPointF(view.mapToGlobal(QPoint(20, 20))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == 4


def test_10_export_dialog_speaks_its_own_words_and_drops_stale_errors(qtbot, win, tmp_path):
    win.export_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Export dataset")
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "&Rule:" in labels and "&Mode:" not in labels
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    dialog.form.count_spin.setValue(50)
    dialog.form.out_edit.setText(str(out))
    if dialog.start_export():
        qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=30_000)
    said = dialog.status_text()
    assert "--" not in said and "entries" not in said and "Replace an earlier export" in said
    dialog.form.overwrite_check.setChecked(True)
    assert "not empty" not in dialog.status_text()
    dialog.close()


def test_10_a_long_status_message_stops_before_the_size_label(qtbot, win):
    bar = win.statusBar()
    size_label = child(win, "sizeLabel")
    bar.showMessage("Digit 2: 0, MNIST test index 4876 \u2014 click to draw another sample " * 4)
    qtbot.waitUntil(lambda: size_label.isVisible() and size_label.text() != "", timeout=TIMEOUT)
    painted = rgb_array(bar.grab().toImage())
    x = size_label.x()
    band = painted[2:-2, max(0, x - 8) : x]
    assert (band == band[0, 0]).all()  # a gap of background before the label


def test_10_accessible_names_are_words_not_object_names(win):
    expected = {
        "sequenceEdit": "Sequence",
        "seedSpin": "Seed",
        "rerollButton": "Reroll",
        "widthSpin": "Width",
        "maxSpacingSpin": "Max spacing",
        "previewView": "Preview",
    }
    for name, words in expected.items():
        assert child(win, name).accessibleName() == words, name


# ---------------------------------------------------------------------------- issue 10


def test_an_unexpected_export_error_is_shown_not_left_as_exporting(qtbot, win):
    win.export_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Export dataset")
    dialog.form.count_spin.setValue(10)
    dialog.form.out_edit.setText("bad\x00folder")  # os functions raise ValueError on a NUL byte
    if dialog.start_export():
        qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=30_000)
    said = dialog.status_text()
    assert "Exporting to" not in said and "Export failed" in said
    dialog.close()
