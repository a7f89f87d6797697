"""Explorer speed report: python tests/benchmarks/bench_gui.py  (offscreen, ~30 s).

1. change -> shown: a parameter change until the new image is shown (imageShown) and
   until the preview has painted it; p50 / p99 over 500 changes of a 10-digit sequence.
2. gallery: a reroll until all 64 samples are shown and painted; p50 / p99 over 200.
3. longest stall of the UI event loop while a 200-step slider drag runs (a 1 ms timer
   heartbeat: the largest gap between two ticks).
4. process start -> first image shown: a fresh interpreter per run, median of 5 runs.
Targets: change p99 <= 16 ms, gallery p99 <= 50 ms, stall <= 16 ms, first image <= 0.5 s.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHANGES = 500
GALLERY_REFRESHES = 200
GALLERY_SAMPLES = 64
DRAG_STEPS = 200
STARTS = 5

_FIRST_IMAGE_CHILD = """
import sys, time
from mnist_seq_gui.gui._refcount_guard import guard_singletons
from mnist_seq_gui.gui.app import build_application
from mnist_seq_gui.gui.main_window import MainWindow
guard_singletons()
app = build_application(sys.argv[:1])
window = MainWindow()
window.show()
def shown(_id):
    print(time.monotonic(), flush=True)
    window.close()
    app.quit()
window.imageShown.connect(shown)
app.exec()
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def isolate_settings() -> None:
    from PySide6.QtCore import QSettings

    folder = tempfile.mkdtemp(prefix="bench-gui-settings-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def make_window():
    from PySide6.QtCore import QEventLoop, QTimer

    from mnist_seq_gui.gui.app import build_application
    from mnist_seq_gui.gui.main_window import MainWindow

    app = build_application([sys.argv[0]])
    isolate_settings()
    window = MainWindow()
    window.resize(1100, 640)
    window.show()
    window.panel.sequence_edit.setText("0123456789")
    loop = QEventLoop()
    window.imageShown.connect(lambda i: loop.quit() if i == window.latest_request_id() else None)
    QTimer.singleShot(10000, loop.quit)
    loop.exec()
    return app, window


def paint_watch(painted_at: list[float]):
    """An event filter noting the time of every paint of the widget it watches."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                painted_at.append(time.perf_counter())
            return False

    return PaintWatch()


def bench_latency(app, window) -> tuple[list[float], list[float]]:
    from PySide6.QtCore import QEventLoop

    shown_at: dict[int, float] = {}
    painted_at: list[float] = []
    watch = paint_watch(painted_at)
    window.preview.canvas.installEventFilter(watch)
    window.imageShown.connect(lambda i: shown_at.__setitem__(i, time.perf_counter()))
    slider = window.panel.width_slider
    widths = list(range(slider.minimum(), slider.maximum() + 1, 9))
    to_shown, to_painted = [], []
    for n in range(CHANGES):
        target = widths[n % len(widths)]
        if target == slider.value():
            target = widths[(n + 1) % len(widths)]
        painted_at.clear()
        start = time.perf_counter()
        slider.setValue(target)
        wanted = window.latest_request_id()
        while wanted not in shown_at or not painted_at:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        to_shown.append((shown_at[wanted] - start) * 1000)
        to_painted.append((painted_at[0] - start) * 1000)
    window.preview.canvas.removeEventFilter(watch)
    return to_shown, to_painted


def bench_gallery(app, window) -> list[float]:
    """Reroll -> all samples shown and painted, with the gallery tab open."""
    from PySide6.QtCore import QEventLoop

    painted_at: list[float] = []
    watch = paint_watch(painted_at)
    window.gallery.count_spin.setValue(GALLERY_SAMPLES)
    window.gallery_action.trigger()
    while not window.gallery_is_current():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    window.gallery.canvas.installEventFilter(watch)
    times = []
    for _ in range(GALLERY_REFRESHES):
        painted_at.clear()
        start = time.perf_counter()
        window.reroll_action.trigger()
        while not window.gallery_is_current() or not painted_at:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        times.append((painted_at[-1] - start) * 1000)
    window.gallery.canvas.removeEventFilter(watch)
    window.gallery_action.trigger()  # back to the image
    return times


def bench_drag_stall(app, window) -> tuple[float, int]:
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    slider = window.panel.width_slider
    positions = [
        slider.minimum() + (slider.maximum() - slider.minimum()) * i // DRAG_STEPS
        for i in range(DRAG_STEPS + 1)
    ]
    shown: list[int] = []
    window.imageShown.connect(shown.append)
    loop = QEventLoop()
    step = {"i": 0}
    mover = QTimer()
    mover.setTimerType(Qt.TimerType.PreciseTimer)
    mover.setInterval(8)  # a 125 Hz mouse drag

    def move() -> None:
        i = step["i"]
        if i == 0:
            slider.setSliderDown(True)
        if i <= DRAG_STEPS:
            slider.setSliderPosition(positions[i])  # as a mouse drag does, with tracking
            step["i"] = i + 1
        else:
            slider.setSliderDown(False)
            mover.stop()
            QTimer.singleShot(100, loop.quit)

    mover.timeout.connect(move)
    heartbeat.start()
    mover.start()
    loop.exec()
    heartbeat.stop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return max(gaps), len(shown)


def bench_first_image() -> list[float]:
    times = []
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for _ in range(STARTS):
        with tempfile.TemporaryDirectory() as config:
            env["XDG_CONFIG_HOME"] = config
            start = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-c", _FIRST_IMAGE_CHILD],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            if done.returncode != 0:
                raise SystemExit(f"first-image child failed:\n{done.stderr}")
            shown = float(done.stdout.split()[0])
            times.append(shown - start)
    return times


def main() -> int:
    app, window = make_window()
    to_shown, to_painted = bench_latency(app, window)
    gallery = bench_gallery(app, window)
    stall, drag_images = bench_drag_stall(app, window)
    window.close()
    first = bench_first_image()

    rows = [
        ("change -> shown p50", f"{percentile(to_shown, 50):.2f} ms", ""),
        ("change -> shown p99", f"{percentile(to_shown, 99):.2f} ms", "<= 16 ms"),
        ("change -> painted p50", f"{percentile(to_painted, 50):.2f} ms", ""),
        ("change -> painted p99", f"{percentile(to_painted, 99):.2f} ms", "<= 16 ms"),
        (
            f"gallery of {GALLERY_SAMPLES}, reroll -> painted p50",
            f"{percentile(gallery, 50):.2f} ms",
            "",
        ),
        (
            f"gallery of {GALLERY_SAMPLES}, reroll -> painted p99",
            f"{percentile(gallery, 99):.2f} ms",
            "<= 50 ms",
        ),
        ("longest UI stall, 200-step drag", f"{stall:.2f} ms", "<= 16 ms"),
        ("images shown during the drag", f"{drag_images}", ""),
        ("start -> first image (median of 5)", f"{statistics.median(first):.3f} s", "<= 0.5 s"),
        ("start -> first image (max of 5)", f"{max(first):.3f} s", ""),
    ]
    ok = (
        percentile(to_painted, 99) <= 16
        and percentile(gallery, 99) <= 50
        and stall <= 16
        and statistics.median(first) <= 0.5
    )
    print(f"mnist-seq explorer, {CHANGES} changes of a 10-digit sequence, offscreen Qt")
    print(f"{'metric':<40} {'value':>10}  target")
    print("-" * 62)
    for name, value, target in rows:
        print(f"{name:<40} {value:>10}  {target}")
    print("-" * 62)
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
