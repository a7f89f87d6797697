"""Run the explorer as a user would, wait for the first image, screenshot the window.

Used by test_xvfb.py in a subprocess on a real X server (platform xcb). Prints one JSON
line describing what was shown, so the test can check the screenshot's pixels.
Usage: python tests/gui/screenshot_app.py OUT.png [SEQUENCE SEED]
"""

from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from mnist_seq_gui.gui.app import build_application  # noqa: E402
from mnist_seq_gui.gui.main_window import MainWindow  # noqa: E402


def main() -> int:
    out = sys.argv[1]
    sequence = sys.argv[2] if len(sys.argv) > 2 else None
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else None
    app = build_application(sys.argv[:1])
    window = MainWindow()
    window.resize(1100, 560)
    window.show()
    report: dict = {"platform": QGuiApplication.platformName()}
    state = {"first": None}

    def finish() -> None:
        canvas = window.preview.canvas
        dpr = canvas.devicePixelRatioF()
        k = canvas.device_scale(dpr)
        origin = canvas.image_origin(dpr, k)
        in_window = canvas.mapTo(window, origin / dpr)
        shot = window.screen().grabWindow(window.winId())
        if shot.isNull():
            shot = window.grab()
        shot.save(out)
        comp = window.result().composition
        report.update(
            first_image_s=state["first"],
            window=[window.width(), window.height()],
            screenshot=[shot.width(), shot.height()],
            dpr=dpr,
            scale=k,
            origin=[round(in_window.x() * dpr), round(in_window.y() * dpr)],
            sequence="".join(map(str, comp.spec.digits)),
            width=comp.spec.width,
            min_spacing=comp.spec.min_spacing,
            max_spacing=comp.spec.max_spacing,
            rule=comp.spec.rule,
            white_on_black=comp.spec.white_on_black,
            seed=comp.seed,
            indices=list(comp.indices),
        )
        print(json.dumps(report), flush=True)
        window.close()
        app.quit()

    def shown(request_id: int) -> None:
        if state["first"] is None:
            state["first"] = time.perf_counter() - T0
            if sequence is not None:
                if seed is not None:
                    window.seed_spin.setValue(seed)
                window.sequence_edit.setText(sequence)
                return
        if request_id == window.latest_request_id():
            # Let the window paint the new image before grabbing the screen.
            QTimer.singleShot(400, finish)

    window.imageShown.connect(shown)
    QTimer.singleShot(30000, app.quit)  # never hang a test run
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
