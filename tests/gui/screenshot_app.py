"""Run the explorer as a user would, wait for its image, and screenshot the whole screen.

    python tests/gui/screenshot_app.py OUT.png [--sequence 3141592] [--seed 7] [--gallery]
        [--variation] [--open-variation] [--ink-boxes] [--export-tab 0|1|2]
    xvfb-run -a -s "-screen 0 1280x800x24" python tests/gui/screenshot_app.py --readme
    xvfb-run -a -s "-screen 0 1280x800x24" python tests/gui/screenshot_app.py --readme-preview

Used by test_xvfb.py in a subprocess on a real X server (platform xcb); prints one JSON
line describing what was shown, so the test can check the screenshot's pixels.
`--variation` draws a varied recipe (VARIED below), `--open-variation` opens the
Variation section, `--ink-boxes` outlines the digits' ink, `--export-tab N` opens
File > Export Dataset at tab N (0: data set, 1: recipe, 2: preview; the preview is
grabbed once its plots are drawn, of lengths 3-8 placed freely with their ink boxes).
`--readme` refreshes resources/screenshot.png (the gallery with variation on, for the
README) instead of writing OUT.png, `--readme-preview` resources/export_preview.png (the
export dialog at its Preview tab); nothing else in the test suite writes into the
repository.
The explorer's settings live in a fresh temporary folder: the script neither reads
nor changes the user's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget  # noqa: E402

from mnist_seq_gui.gui.app import build_application  # noqa: E402
from mnist_seq_gui.gui.export_dialog import ExportDialog  # noqa: E402
from mnist_seq_gui.gui.main_window import MainWindow  # noqa: E402
from mnist_seq_gui.gui.state.session import to_stored  # noqa: E402

README_SHOT = Path(__file__).resolve().parents[2] / "resources" / "screenshot.png"
PREVIEW_SHOT = README_SHOT.with_name("export_preview.png")
# Overlapping, slanted, rotated, jittered digits of several sizes, with noise and blur.
VARIED = (
    ("spacing", (-4, 2)),
    ("height", 40),
    ("jitter_y", (0, 12)),
    ("slant", (-16.0, 16.0)),
    ("rotation", (-8.0, 8.0)),
    ("scale", (0.85, 1.15)),
    ("thickness", (-0.25, 0.5)),
    ("noise", 6.0),
    ("blur", 0.4),
)


class PaintWatch(QObject):
    """Calls `then` once, on the event-loop turn after `widget` next paints."""

    def __init__(self, widget, then) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, then)
        return False


def layout_faults(window: MainWindow) -> dict[str, list[str]]:
    """Labels too narrow for their text, and panel controls outside the panel (which
    its scroll area could then not bring into view), as names a person can read."""
    clipped = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.width() == 0:
            continue
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        texted = isinstance(widget, (QLabel, QAbstractButton)) and widget.text()
        if texted and not wraps and widget.width() < widget.minimumSizeHint().width():
            clipped.append(widget.text())
    panel = window.panel
    outside = []
    for widget in panel.findChildren(QWidget):
        if widget.isVisibleTo(panel) and widget.accessibleName():
            corner = widget.mapTo(panel, QPoint(0, 0))
            if corner.x() < 0 or corner.x() + widget.width() > panel.width():
                outside.append(widget.accessibleName())
    if panel.width() > window.panel_scroll.viewport().width():
        outside.append("the panel is wider than its view")
    return {"clipped": clipped, "unreachable": outside}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?")
    parser.add_argument("--sequence", default="3141592")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gallery", action="store_true", help="show the gallery tab")
    parser.add_argument("--variation", action="store_true", help="draw a varied recipe")
    parser.add_argument("--open-variation", action="store_true", help="open its section")
    parser.add_argument("--ink-boxes", action="store_true", help="outline the digits' ink")
    parser.add_argument(
        "--export-tab", type=int, choices=(0, 1, 2), help="open the export dialog at this tab"
    )
    parser.add_argument("--readme", action="store_true", help=f"write {README_SHOT}")
    parser.add_argument("--readme-preview", action="store_true", help=f"write {PREVIEW_SHOT}")
    args = parser.parse_args()
    if args.readme_preview:
        args.export_tab, args.variation = 2, True
    out = README_SHOT if args.readme else PREVIEW_SHOT if args.readme_preview else args.out
    if out is None:
        parser.error("give OUT.png or --readme")
    gallery = args.gallery or args.readme
    varied = args.variation or args.readme
    app = build_application(sys.argv[:1])
    settings = tempfile.TemporaryDirectory(prefix="mnist-seq-screenshot-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings.name)
    window = MainWindow()
    window.show()
    report: dict = {"platform": QGuiApplication.platformName()}
    state: dict = {"first": None, "grabbing": False}

    def finish() -> None:
        if args.export_tab is not None and state.setdefault("dialog_paints", 0) < 2:
            # The dialog sizes itself to the screen when shown: grab its second paint,
            # after the layout that follows.
            state["dialog_paints"] += 1
            if state["dialog_paints"] == 1:
                window.actions_.export.trigger()
                state["dialog"] = window.findChild(ExportDialog)
                state["dialog"].form.setCurrentIndex(args.export_tab)
                if args.export_tab == 2:
                    show_preview(state["dialog"].form)
                    return
            PaintWatch(state["dialog"], finish)
            state["dialog"].update()
            return
        try:
            report_and_quit()
        except BaseException:
            app.exit(1)  # the traceback is printed by Python; fail fast, do not hang
            raise

    def show_preview(form) -> None:
        """Lengths 3-8 placed freely, ink boxes on; `finish` once the plots are drawn."""
        form.min_length_spin.setValue(3)
        form.max_length_spin.setValue(8)
        placement = form.rows["placement"].combo
        placement.setCurrentIndex(placement.findData("free"))
        form.preview.ink_check.setChecked(True)

        def counted(_request_id: int) -> None:
            if form.preview.is_counted():
                PaintWatch(form.preview.plots.viewport(), finish)
                form.preview.plots.viewport().update()

        form.preview.counted.connect(counted)

    def report_and_quit() -> None:
        canvas = window.preview.canvas
        dpr = canvas.devicePixelRatioF()
        k = canvas.device_scale(dpr)
        origin = canvas.image_origin(dpr, k)
        corner = canvas.mapTo(window, QPoint(0, 0))  # whole logical pixels
        screen = window.screen()
        # Tests grab the whole screen (what does not fit is cut off); the README the window.
        if args.readme_preview:
            shot = screen.grabWindow(state["dialog"].winId())
        else:
            shot = screen.grabWindow(window.winId() if args.readme else 0)
        shot.save(str(out))
        session = window.result().session
        frame = window.frameGeometry()
        report.update(
            first_image_s=state["first"],
            window=[frame.x(), frame.y(), frame.width(), frame.height()],
            screen=[screen.geometry().width(), screen.geometry().height()],
            screenshot=[shot.width(), shot.height()],
            dpr=dpr,
            scale=k,
            origin=[
                round((window.x() + corner.x()) * dpr) + origin.x(),
                round((window.y() + corner.y()) * dpr) + origin.y(),
            ],
            session=to_stored(session),
            indices=list(window.result().composition.indices),
            gallery=window.gallery_visible(),
            variation_open=window.panel.variation_shown(),
            faults=layout_faults(window),
            ink_boxes=window.actions_.ink_boxes.isChecked(),
        )
        dialog = state.get("dialog")
        if dialog is not None:
            box = dialog.frameGeometry()
            report["dialog"] = [box.x(), box.y(), box.width(), box.height()]
        print(json.dumps(report), flush=True)
        window.close()
        app.quit()

    def ready() -> None:
        image_ready = window.result() is not None and (
            window.result().request_id == window.latest_request_id()
        )
        gallery_ready = not gallery or window.gallery_is_current()
        if image_ready and gallery_ready and not state["grabbing"]:
            state["grabbing"] = True
            target = window.gallery.canvas if gallery else window.preview.canvas
            PaintWatch(target, finish)
            target.update()

    def shown(_request_id: int) -> None:
        if state["first"] is None:
            state["first"] = time.perf_counter() - T0
            window.panel.seed_spin.setValue(args.seed)
            window.panel.sequence_edit.setText(args.sequence)
            for name, value in VARIED if varied else ():
                window.model.set(name, value)
            window.panel.show_variation(args.open_variation or args.readme)
            window.actions_.ink_boxes.setChecked(args.ink_boxes)
            if gallery:
                window.tabs.setCurrentIndex(1)
            # If nothing changed (the recipe was already this one), no new image comes.
            QTimer.singleShot(0, ready)
            return
        ready()

    window.imageShown.connect(shown)
    window.galleryShown.connect(lambda _id: ready())
    QTimer.singleShot(60000, app.quit)  # never hang a test run
    try:
        return app.exec()
    finally:
        settings.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
