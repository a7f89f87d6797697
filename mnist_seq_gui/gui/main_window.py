"""MainWindow: glue between the session model, the panel, the preview, the gallery and files.

The model (gui/model.py) holds what is drawn; the panel edits it; every change comes
back through `SessionModel.changed` and is drawn by the render threads (gui/workers.py).
Actions are made in gui/actions.py, files handled by gui/document.py; neither knows the
window: they get the callables they need.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import new_seed
from .actions import about, create_actions, create_menus
from .commands import copy_command
from .document import STATUS_MS, Document, error_box
from .gallery import GalleryView
from .model import SessionModel
from .panel import ParametersPanel, scrolled
from .preview import FIT, ZOOM_STEPS, ImagePage
from .problem_bar import ProblemBar
from .recent import RecentMenu
from .screen_fit import keep_on_screen, place
from .settings import ViewState, read_session, remember_source, write_session
from .shortcuts import ShortcutPassthrough
from .state.edits import Problem, pick_another, width_moved
from .state.jobs import BankCache, picked_by_hand
from .state.session import Session, index_name
from .status_bar import StatusBar
from .toggles import action_check_box
from .undo import History
from .workers import ComposeFn, RenderRequest, RenderResult, RenderThread, compose_session

PREFERRED_SIZE = (1100, 700)


class MainWindow(QMainWindow):
    """The explorer's main window."""

    imageShown = Signal(int)  # id of the request whose image is now shown
    galleryShown = Signal(int)  # id of the gallery request now shown

    def __init__(self, compose_fn: ComposeFn = compose_session, parent: QWidget | None = None):
        super().__init__(parent)
        session, view = read_session()
        self.model = SessionModel(session, self)
        banks = BankCache()
        self._render = RenderThread(compose_fn, banks, self)
        self._render.done.connect(self._on_rendered)
        self._render.failed.connect(self._on_failed)
        self._latest_id = 0
        self._result: RenderResult | None = None
        self._error_box: QMessageBox | None = None
        self._closed = self._sized = False
        self._export_dialog: QDialog | None = None
        self.document = Document(self, self.model, self.result, self.say, self.show_error)
        self.document.folder = view.save_dir
        self._create_widgets(banks)
        self.history = History(self.model, self.panel, self)
        self._gallery_thread = self.gallery.worker
        # fmt: off
        self.actions_ = create_actions(self, {
            "open": self.document.open_dialog, "save": self.document.save,
            "save_as": self.document.save_as, "export": self.export_dataset, "quit": self.close,
            "copy": self.document.copy_image, "reroll": self.reroll,
            "undo": self.history.undo, "redo": self.history.redo,
            "copyCommand": lambda: copy_command(self.model.session(), self.say),
            "zoom_in": self.image_page.zoom_in, "zoom_out": self.image_page.zoom_out,
            "actual_size": lambda: self.image_page.set_zoom(1),
            "fit": self.fit_to_window, "gallery": self.toggle_gallery,
            "ink_boxes": self.show_ink_boxes, "about": lambda: about(self),
            "about_qt": QApplication.aboutQt,
        })
        # fmt: on
        create_menus(self.menuBar(), self.actions_)
        self.history.bind(self.actions_.undo, self.actions_.redo)
        self.recent = RecentMenu(self.actions_.open, self.document, self)
        self.tabs.setCornerWidget(action_check_box(self.actions_.ink_boxes, "inkBoxesButton"))
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.size_label = self.status.add_label("sizeLabel")
        self.time_label = self.status.add_label("renderTimeLabel")
        self.seed_label = self.status.add_label("seedLabel")
        self.passthrough = ShortcutPassthrough(self.actions(), self.actions_.copy, self)
        self.passthrough.watch(self.panel.text_fields())
        self._connect()
        self._apply_view(view)
        self._on_session_changed(self.model.session())

    def _create_widgets(self, banks: BankCache) -> None:
        self.panel = ParametersPanel()
        self.panel_scroll = scrolled(self.panel)
        self.panel_scroll.setObjectName("parametersScroll")
        self.panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrollbar = self.panel_scroll.verticalScrollBar().sizeHint().width()
        self.panel_scroll.setMinimumWidth(self.panel.minimumSizeHint().width() + scrollbar)
        self.problem_bar = ProblemBar()
        self.image_page = ImagePage()
        self.preview = self.image_page.preview
        self.gallery = GalleryView(self.model.session, banks)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("viewTabs")
        self.tabs.addTab(self.image_page, "&Image")
        self.tabs.addTab(self.gallery, "&Gallery")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(6)
        right_layout.addWidget(self.problem_bar)
        right_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.panel_scroll)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

    def _connect(self) -> None:
        self.model.changed.connect(self._on_session_changed)
        self.model.noted.connect(self.say)
        self.panel.edited.connect(self.model.set)
        self.panel.rerollRequested.connect(self.reroll)
        self.panel.seedRecommitted.connect(self.model.recommit_seed)
        self.panel.sourceBrowseRequested.connect(self.choose_source)
        self.panel.variationCleared.connect(self.model.clear_variation)
        self.problem_bar.widthOffered.connect(lambda w: self.model.set("width", w))
        self.problem_bar.randomRuleOffered.connect(lambda: self.model.set("rule", "random"))
        self.problem_bar.sessionOffered.connect(lambda s: self.model.reset(s, False, "Width"))
        self.problem_bar.widthKept.connect(lambda: self.model.reset(self.model.session()))
        self.image_page.zoomChanged.connect(self.update_actions)
        self.preview.digitHovered.connect(self._digit_hovered)
        self.preview.digitClicked.connect(self.reroll_digit)
        self.preview.canvas.scaleChanged.connect(self.update_actions)
        self.tabs.currentChanged.connect(lambda _i: self._request_gallery())
        self.gallery.countChanged.connect(lambda _n: self._request_gallery())
        self.gallery.sampleClicked.connect(self.use_sample)
        self.gallery.sampleHovered.connect(lambda i: self.status.say(self.gallery.hover_text(i)))
        self.gallery.shown.connect(self.galleryShown)

    def _apply_view(self, view: ViewState) -> None:
        place(self, view.geometry, PREFERRED_SIZE)
        self.image_page.set_zoom(view.zoom)
        self.gallery.count_spin.setValue(view.gallery_count)
        self.tabs.setCurrentIndex(1 if view.gallery_shown else 0)
        self.panel.show_variation(view.variation_shown)
        self.actions_.ink_boxes.setChecked(view.ink_boxes)
        for note in view.notes:
            self.say(note)

    # ------------------------------------------------------------------ model -> view

    def _on_session_changed(self, session: Session) -> None:
        self.panel.show_session(session, self.model.widths())
        moved = width_moved(*self.model.state())
        self.problem_bar.show_problem(self.model.problem(), self._result is not None, moved)
        self.document.update_title(session)
        if self.model.problem() is None:
            self._latest_id += 1
            self._render.submit(RenderRequest(self._latest_id, session))
        self._request_gallery()
        self.update_actions()

    def latest_request_id(self) -> int:
        return self._latest_id

    def result(self) -> RenderResult | None:
        """The result whose image is shown."""
        return self._result

    def problem_text(self) -> str:
        return self.problem_bar.text()

    def _on_rendered(self, result: RenderResult) -> None:
        # A result overtaken by a newer request after it was queued is never shown.
        if result.request_id != self._latest_id or self._closed:
            return
        self._result = result
        comp = result.composition
        name = index_name(result.session)
        tips = [
            f"Digit {d} \u00b7 {name} {i}\nClick to draw another {d}"
            for d, i in zip(comp.digits, comp.indices)
        ]
        self.preview.canvas.set_image(result.image, comp.boxes, tips, result.ink_boxes)
        self.size_label.setText(f"{result.image.width()} \u00d7 {result.image.height()} px")
        self.time_label.setText(f"{result.elapsed_ms:.1f} ms")
        session = result.session
        text = f"seed {session.seed}" + (f" \u00b7 sample {session.item}" if session.item else "")
        picked = picked_by_hand(result.bank, session, comp.indices)
        self.seed_label.setText(text + (" \u00b7 digits picked by hand" if picked else ""))
        self.update_actions()
        self.imageShown.emit(result.request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._latest_id or self._closed:
            return
        source = self.model.session().source
        message = f"digits from {source}: {message}" if source else message
        sentence = message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
        self.problem_bar.show_problem(Problem(None, sentence), self._result is not None)
        self.say(message)

    # ------------------------------------------------------------------ rerolls and picks

    def reroll(self) -> None:
        """New seed (new MNIST samples and gaps), every other field kept."""
        seed = new_seed()
        self.model.set("seed", seed)
        self.say(f"Rerolled: seed {seed}")

    def reroll_digit(self, position: int) -> None:
        """Draw another MNIST image for one digit; the others keep their pixels."""
        result, session = self._result, self.model.session()
        if result is None or result.session.sequence != session.sequence:
            return
        comp = result.composition
        if not 0 <= position < len(comp.indices):
            return
        pool = result.bank.pool(session.recipe.pool)
        digit = comp.digits[position]
        first = int(pool.starts[digit])
        candidates = pool.by_label_order[first : first + int(pool.counts[digit])]
        made, note = pick_another(
            session, comp.digits, comp.indices, candidates.tolist(), position, new_seed()
        )
        if made is not None:
            self.model.reset(made, snap=False, what=f"Draw Another {comp.digits[position]}")
        self.say(note)

    def _digit_hovered(self, position: int) -> None:
        result = self._result
        if result is None or not 0 <= position < len(result.composition.indices):
            self.status.say("")
            return
        comp = result.composition
        self.status.say(
            f"Digit {position + 1}: {comp.digits[position]}, {index_name(result.session)} "
            f"{comp.indices[position]} \u2014 click to draw another sample"
        )

    def choose_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder with MNIST IDX files", str(self.document.folder)
        )
        if folder:
            remember_source(folder)
            self.model.set("source", folder)

    # ------------------------------------------------------------------ gallery

    def gallery_visible(self) -> bool:
        return self.tabs.currentWidget() is self.gallery

    def toggle_gallery(self) -> None:
        self.tabs.setCurrentIndex(0 if self.gallery_visible() else 1)

    def _request_gallery(self) -> None:
        if not self._closed and self.gallery_visible() and self.model.problem() is None:
            self.gallery.request()

    def latest_gallery_id(self) -> int:
        return self.gallery.latest_id

    def gallery_is_current(self) -> bool:
        """True when the gallery shows the samples of the newest request."""
        return self.gallery.is_current()

    def use_sample(self, index: int) -> None:
        """Make gallery sample `index` the main image (same pixels) and show it."""
        session = self.gallery.sample_session(index)
        if session is not None:
            self.model.reset(session, snap=False, what="Gallery Pick")
            self.tabs.setCurrentIndex(0)
            self.say(f"Sample {index} ({session.sequence}) is now the image")

    def show_ink_boxes(self, shown: bool) -> None:
        """Outline each digit's ink in the preview and the gallery."""
        self.preview.canvas.set_show_ink(shown)
        self.gallery.canvas.set_show_ink(shown)

    # ------------------------------------------------------------------ messages, state

    def say(self, text: str) -> None:
        self.status.say(text, STATUS_MS)

    def show_error(self, title: str, text: str) -> None:
        """A window-modal warning that does not block the caller (tests, timers)."""
        if self._error_box is not None:
            self._error_box.close()
        self._error_box = error_box(self, title, text)
        self.say(text)

    def error_dialog(self) -> QMessageBox | None:
        return self._error_box

    def update_actions(self) -> None:
        has_image = self._result is not None
        for name in ("save", "save_as", "copy"):
            self.actions_.by_name[name].setEnabled(has_image)
        can_reroll = bool(self.model.session().sequence)
        self.actions_.reroll.setEnabled(can_reroll)
        self.panel.set_can_reroll(can_reroll)
        zoom = self.preview.canvas.effective_zoom() if has_image else 1.0
        self.actions_.zoom_in.setEnabled(has_image and zoom < ZOOM_STEPS[-1])
        self.actions_.zoom_out.setEnabled(has_image and zoom > ZOOM_STEPS[0])
        self.actions_.fit.setChecked(self.preview.zoom() == FIT)

    def fit_to_window(self, checked: bool) -> None:
        """Fit when checked; unchecked by hand, the check mark goes back to what is shown."""
        if checked:
            self.image_page.set_zoom(FIT)
        else:
            self.update_actions()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        keep_on_screen(self)
        if not self._sized:  # the panel gets about a third of the window, never less than it needs
            self._sized = True
            total = self.splitter.width()
            panel = min(max(self.panel_scroll.minimumWidth(), round(total * 0.36)), 420)
            self.splitter.setSizes([panel, total - panel])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_actions()  # the fitted zoom depends on the window size

    # ------------------------------------------------------------------ export, close

    def export_dataset(self) -> None:
        """Open the export dialog, prefilled with the current session."""
        from .export_dialog import ExportDialog
        from .state.jobs import export_defaults

        if self._export_dialog is not None:
            self._export_dialog.raise_()
            self._export_dialog.activateWindow()
            return
        dialog = ExportDialog(self, export_defaults(self.model.session()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda path: self.status.say(f"Exported to {path}", 8000))
        dialog.destroyed.connect(lambda: setattr(self, "_export_dialog", None))
        self._export_dialog = dialog
        dialog.open()

    def view_state(self) -> ViewState:
        return ViewState(
            zoom=self.preview.zoom(),
            gallery_count=self.gallery.count(),
            gallery_shown=self.gallery_visible(),
            variation_shown=self.panel.variation_shown(),
            ink_boxes=self.actions_.ink_boxes.isChecked(),
            save_dir=self.document.folder,
            geometry=self.saveGeometry(),
        )

    def open_file(self, path: str | Path) -> bool:
        return self.document.open_file(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not (self._closed or self.document.may_discard()):
            event.ignore()  # unsaved changes kept: the user chose Cancel, or Save failed
            return
        if not self._closed:
            write_session(self.model.session(), self.view_state())
            self._closed = True
            if self._export_dialog is not None:
                # A closing parent does not run its dialogs' closeEvent: join the export here.
                self._export_dialog.stop_and_wait()  # type: ignore[attr-defined]
            self._render.stop()
            self.gallery.stop()
        event.accept()
