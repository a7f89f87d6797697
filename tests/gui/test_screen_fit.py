"""The window on the screen it opens on: the first window and its frame fit the screen's
available area (800 x 600; 1280 x 800 at scale 2), the status bar in view; a geometry
saved on a larger screen comes back onto this one; a 19-digit seed is read whole."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMargins, QRect, QSize

from mnist_seq_gui.core import MAX_SEED
from mnist_seq_gui.gui.screen_fit import FRAME_GUESS, first_place, inside

# Starts the explorer offscreen on the screen the platform was given, with fresh
# settings, and prints where its frame, status bar and seed field ended up.
PROBE = """
import json, sys, tempfile
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
from mnist_seq_gui.gui.main_window import MainWindow
window = MainWindow()
window.show()
window.model.set("seed", int(sys.argv[1]))
while window.result() is None or window.result().request_id != window.latest_request_id():
    app.processEvents()
status = window.statusBar()
corner = status.mapToGlobal(QPoint(0, 0))
edit = window.panel.seed_spin.lineEdit()
rect = lambda r: [r.x(), r.y(), r.width(), r.height()]
print(json.dumps({
    "available": rect(window.screen().availableGeometry()),
    "frame": rect(window.frameGeometry()),
    "status": [corner.x(), corner.y(), status.width(), status.height(), status.isVisible()],
    "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
    "seed": [edit.text(), edit.cursorRect().right() - edit.cursorRect().width(),
             edit.fontMetrics().horizontalAdvance(edit.text()), edit.width()],
}))
window.close()
"""


@pytest.mark.parametrize(("size", "scale"), [((800, 600), "1"), ((1280, 800), "2")])
def test_the_first_window_and_its_frame_fit_the_screen(tmp_path, run_python, subprocess_env,
                                                       size, scale):  # fmt: skip
    config = tmp_path / "screen.json"
    screen = {"name": "small", "x": 0, "y": 0, "width": size[0], "height": size[1],
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}))
    env = dict(subprocess_env, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               QT_SCALE_FACTOR=scale, XDG_CONFIG_HOME=str(tmp_path / "config"))  # fmt: skip
    env.pop("QT_SCREEN_SCALE_FACTORS", None)
    done = run_python("-c", PROBE, str(MAX_SEED), env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    available, frame = QRect(*report["available"]), QRect(*report["frame"])
    assert available.size() == QSize(size[0] // int(scale), size[1] // int(scale))
    assert available.contains(frame), (available, frame)
    x, y, width, height, visible = report["status"]
    assert visible and available.contains(QRect(x, y, width, height))
    assert report["minimum"][0] <= 640  # the narrowest screen above, in logical pixels
    text, _, advance, room = report["seed"]
    assert text == str(MAX_SEED) and advance < room  # every digit of the seed in view


def test_a_geometry_saved_on_a_larger_screen_comes_back_onto_this_one(qtbot, make_window):
    first = make_window()
    available = first.screen().availableGeometry()
    first.setGeometry(available.right() - 100, available.bottom() - 80, 1900, 1400)
    first.close()  # saves the session, the geometry with it
    second = make_window()
    qtbot.waitUntil(lambda: available.contains(second.frameGeometry()))
    assert second.width() >= 0.9 * available.width() - FRAME_GUESS.left() - FRAME_GUESS.right()


def test_a_window_is_moved_and_shrunk_until_its_frame_is_inside():
    available = QRect(0, 0, 640, 400)
    margins = QMargins(3, 20, 3, 3)
    placed = inside(QRect(600, 390, 900, 900), margins, available)
    assert placed == QRect(3, 20, 634, 377)
    assert available.contains(placed.marginsAdded(margins))
    kept = QRect(100, 100, 200, 100)
    assert inside(kept, margins, available) == kept
    first = first_place(QRect(0, 0, 800, 600), QSize(1100, 700))
    assert QRect(0, 0, 800, 600).contains(first.marginsAdded(FRAME_GUESS))
    assert first_place(QRect(0, 0, 1920, 1080), QSize(1100, 700)).size() == QSize(1100, 700)


def test_the_smallest_window_fits_640_px_with_variation_open_and_a_problem_shown(window):
    window.panel.show_variation(True)
    window.model.set("width", 99_999)  # too wide: the problem bar and its offers show
    assert window.problem_text()
    assert window.minimumSizeHint().width() <= 640
