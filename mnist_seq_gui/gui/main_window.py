"""MainWindow: glue between the recipe model, the panel, the preview, the gallery and files.

The model (gui/model.py) holds what is drawn; the panel edits it; every change comes
back through `RecipeModel.changed` and is drawn by the render threads. Actions and
menus are built in gui/actions.py, files handled in gui/document.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import SequenceSpec
from .actions import create_actions, create_menus
from .document import STATUS_MS, Document, error_box
from .drawing import BankCache, compose_recipe, gallery_key
from .gallery import GalleryView
from .image_page import ImagePage, corner_toggle
from .image_view import FIT, ZOOM_STEPS
from .model import RecipeModel
from .parameters_panel import ParametersPanel
from .problem_bar import ProblemBar
from .recipe import Problem, Recipe, sentence
from .render_thread import (
    ComposeFn,
    GalleryResult,
    GalleryThread,
    RenderRequest,
    RenderResult,
    RenderThread,
)
from .samples import Samples
from .settings import Session, read_session, write_session
from .shortcuts import ShortcutPassthrough
from .status_bar import StatusBar

if TYPE_CHECKING:
    from .export_dialog import ExportDialog

PREFERRED_SIZE = (1100, 700)


class MainWindow(QMainWindow):
    """The explorer's main window."""

    # Made by gui/actions.py.
    open_action: QAction
    save_action: QAction
    save_as_action: QAction
    export_action: QAction
    quit_action: QAction
    copy_action: QAction
    reroll_action: QAction
    zoom_in_action: QAction
    zoom_out_action: QAction
    actual_size_action: QAction
    fit_action: QAction
    gallery_action: QAction
    ink_boxes_action: QAction
    about_action: QAction
    about_qt_action: QAction
    file_menu: QMenu
    edit_menu: QMenu
    view_menu: QMenu
    help_menu: QMenu

    imageShown = Signal(int)  # id of the request whose image is now shown
    galleryShown = Signal(int)  # id of the gallery request now shown

    def __init__(self, compose_fn: ComposeFn = compose_recipe, parent: QWidget | None = None):
        super().__init__(parent)
        session = read_session()
        self.model = RecipeModel(session.recipe, self)
        banks = BankCache()
        self._render = RenderThread(compose_fn, banks, self)
        self._render.done.connect(self._on_rendered)
        self._render.failed.connect(self._on_failed)
        self._gallery_thread = GalleryThread(banks, self)
        self._gallery_thread.done.connect(self._on_gallery)
        self._gallery_thread.failed.connect(self._on_gallery_failed)
        self._latest_id = 0
        self._latest_gallery_id = 0
        self._shown_gallery_id = 0
        self._gallery_key: tuple[Recipe, int] | None = None  # what the samples show
        self._result: RenderResult | None = None
        self._error_box: QMessageBox | None = None
        self._closed = False
        self._sized = False  # the splitter got its first sizes
        self._export_dialog: ExportDialog | None = None
        self.document = Document(self)
        self.document.folder = session.save_dir
        self.samples = Samples(self)

        self._create_widgets()
        create_actions(self)
        create_menus(self)
        self.tabs.setCornerWidget(corner_toggle(self.ink_boxes_action, "inkBoxesButton"))
        self._create_status_bar()
        self.passthrough = ShortcutPassthrough(self.actions(), self.copy_action, self)
        self.passthrough.watch(self.panel.text_fields())
        self._connect()
        self._apply_session(session)
        self._on_recipe_changed(self.model.recipe())

    # ------------------------------------------------------------------ construction

    def _create_widgets(self) -> None:
        self.panel = ParametersPanel()
        self.panel_scroll = QScrollArea()
        self.panel_scroll.setObjectName("parametersScroll")
        self.panel_scroll.setWidget(self.panel)
        self.panel_scroll.setWidgetResizable(True)
        self.panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panel_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scrollbar = self.panel_scroll.verticalScrollBar().sizeHint().width()
        self.panel_scroll.setMinimumWidth(self.panel.minimumSizeHint().width() + scrollbar)

        self.problem_bar = ProblemBar()
        self.image_page = ImagePage()
        self.preview = self.image_page.preview
        self.zoom_combo = self.image_page.zoom_combo
        self.gallery = GalleryView()
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

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.panel_scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _create_status_bar(self) -> None:
        status = StatusBar(self)
        self.setStatusBar(status)
        self.size_label = status.add_label("sizeLabel")
        self.time_label = status.add_label("renderTimeLabel")
        self.seed_label = status.add_label("seedLabel")

    def _connect(self) -> None:
        self.model.changed.connect(self._on_recipe_changed)
        self.model.noted.connect(lambda text: self.show_status(text, STATUS_MS))
        self.panel.edited.connect(self.model.set)
        self.panel.rerollRequested.connect(self.samples.reroll)
        self.panel.seedRecommitted.connect(self.model.recommit_seed)
        self.panel.sourceBrowseRequested.connect(self.samples.choose_source)
        self.panel.variationCleared.connect(self.model.clear_variation)
        self.problem_bar.widthOffered.connect(lambda w: self.model.set("width", w))
        self.problem_bar.randomRuleOffered.connect(lambda: self.model.set("rule", "random"))
        self.image_page.zoomChanged.connect(self.update_actions)
        self.preview.digitHovered.connect(self.samples.digit_hovered)
        self.preview.digitClicked.connect(self.samples.reroll_digit)
        self.preview.canvas.scaleChanged.connect(self.update_actions)
        self.tabs.currentChanged.connect(lambda _i: self._request_gallery())
        self.gallery.countChanged.connect(lambda _n: self._request_gallery())
        self.gallery.sampleClicked.connect(self.samples.use_sample)
        self.gallery.sampleHovered.connect(self.samples.sample_hovered)

    def _apply_session(self, session: Session) -> None:
        screen = self.screen().availableGeometry()
        if session.geometry is None or not self.restoreGeometry(session.geometry):
            self.resize(
                min(PREFERRED_SIZE[0], screen.width()), min(PREFERRED_SIZE[1], screen.height())
            )
        self.resize(self.size().boundedTo(screen.size()))
        self.set_zoom(session.zoom)
        self.gallery.count_spin.setValue(session.gallery_count)
        self.tabs.setCurrentIndex(1 if session.gallery_shown else 0)
        self.panel.show_variation(session.variation_shown)
        self.ink_boxes_action.setChecked(session.ink_boxes)
        for note in session.notes:
            self.show_status(note, STATUS_MS)

    # ------------------------------------------------------------------ model -> view

    def current_spec(self) -> SequenceSpec:
        """The spec the recipe describes; MnistSeqError with a user-facing reason."""
        return self.model.recipe().spec()

    def _on_recipe_changed(self, recipe: Recipe) -> None:
        self.panel.show_recipe(recipe, self.model.widths())
        self.problem_bar.show_problem(self.model.problem(), self._result is not None)
        self.document.update_title(recipe)
        if self.model.problem() is None:
            self._latest_id += 1
            self._render.submit(RenderRequest(self._latest_id, recipe))
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
        tips = self.samples.digit_tips(result)
        self.preview.set_image(result.image, comp.boxes, tips, result.ink_boxes)
        self.size_label.setText(f"{result.image.width()} \u00d7 {result.image.height()} px")
        self.time_label.setText(f"{result.elapsed_ms:.1f} ms")
        self.seed_label.setText(self.samples.seed_text(result.recipe))
        self.update_actions()
        self.imageShown.emit(result.request_id)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id != self._latest_id or self._closed:
            return
        recipe = self.model.recipe()
        if recipe.source:
            message = f"digits from {recipe.source}: {message}"
        self.problem_bar.show_problem(Problem(sentence(message)), self._result is not None)
        self.show_status(message, STATUS_MS)

    # ------------------------------------------------------------------ gallery

    def gallery_visible(self) -> bool:
        return self.tabs.currentWidget() is self.gallery

    def _request_gallery(self) -> None:
        recipe = self.model.recipe()
        if self._closed or not self.gallery_visible() or self.model.problem() is not None:
            return
        key = (gallery_key(recipe), self.gallery.count())
        if key == self._gallery_key:
            self.samples.mark_current_sample()
            return  # the samples do not depend on the digits typed, the item or picks
        self._gallery_key = key
        self._latest_gallery_id += 1
        request = RenderRequest(self._latest_gallery_id, recipe, self.gallery.count())
        self._gallery_thread.submit(request)

    def latest_gallery_id(self) -> int:
        return self._latest_gallery_id

    def gallery_is_current(self) -> bool:
        """True when the gallery shows the samples of the newest request."""
        return 0 < self._latest_gallery_id == self._shown_gallery_id

    def _on_gallery(self, result: GalleryResult) -> None:
        if result.request_id != self._latest_gallery_id or self._closed:
            return
        self._shown_gallery_id = result.request_id
        self.samples.show_gallery(result)
        self.galleryShown.emit(result.request_id)

    def _on_gallery_failed(self, request_id: int, message: str) -> None:
        if request_id == self._latest_gallery_id and not self._closed:
            self.gallery.set_samples((), (), message)

    def show_ink_boxes(self, shown: bool) -> None:
        """Outline each digit's ink in the preview and the gallery."""
        self.preview.canvas.set_show_ink(shown)
        self.gallery.canvas.set_show_ink(shown)

    # ------------------------------------------------------------------ zoom

    def set_zoom(self, zoom: int) -> None:
        self.image_page.set_zoom(zoom)

    def zoom_in(self) -> None:
        self.image_page.zoom_in()

    def zoom_out(self) -> None:
        self.image_page.zoom_out()

    # ------------------------------------------------------------------ files

    def open_file(self, path: str | Path) -> bool:
        return self.document.open_file(path)

    def save(self) -> bool:
        return self.document.save()

    def save_to(self, path: str | Path) -> bool:
        return self.document.save_to(path)

    # ------------------------------------------------------------------ messages

    def show_status(self, text: str, timeout: int = 0) -> None:
        self.statusBar().showMessage(text, timeout)

    def show_error(self, title: str, text: str) -> None:
        """A window-modal warning that does not block the caller (tests, timers)."""
        if self._error_box is not None:
            self._error_box.close()
        self._error_box = error_box(self, title, text)
        self.show_status(text, STATUS_MS)

    def error_dialog(self) -> QMessageBox | None:
        """The last error dialog shown, if any (for tests and tools)."""
        return self._error_box

    # ------------------------------------------------------------------ state of actions

    def update_actions(self) -> None:
        has_image = self._result is not None
        for action in (self.save_action, self.save_as_action, self.copy_action):
            action.setEnabled(has_image)
        can_reroll = self.samples.can_reroll()
        self.reroll_action.setEnabled(can_reroll)
        self.panel.set_can_reroll(can_reroll)
        zoom = self.preview.effective_zoom() if has_image else 1.0
        self.zoom_in_action.setEnabled(has_image and zoom < ZOOM_STEPS[-1])
        self.zoom_out_action.setEnabled(has_image and zoom > ZOOM_STEPS[0])
        self.fit_action.setChecked(self.preview.zoom() == FIT)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            # The panel gets about a third of the window, never less than it needs.
            self._sized = True
            total = self.splitter.width()
            panel = min(max(self.panel_scroll.minimumWidth(), round(total * 0.36)), 420)
            self.splitter.setSizes([panel, total - panel])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_actions()  # the fitted zoom depends on the window size

    # ------------------------------------------------------------------ export, close

    def export_dataset(self) -> None:
        """Open the export dialog, prefilled with the current recipe."""
        from .export_checks import defaults_from_recipe
        from .export_dialog import ExportDialog

        if self._export_dialog is not None:
            self._export_dialog.raise_()
            self._export_dialog.activateWindow()
            return
        dialog = ExportDialog(self, defaults_from_recipe(self.model.recipe()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda path: self.show_status(f"Exported to {path}", 8000))
        dialog.destroyed.connect(self._forget_export_dialog)
        self._export_dialog = dialog
        dialog.open()

    def _forget_export_dialog(self) -> None:
        self._export_dialog = None

    def session(self) -> Session:
        return Session(
            recipe=self.model.recipe(),
            zoom=self.preview.zoom(),
            gallery_count=self.gallery.count(),
            gallery_shown=self.gallery_visible(),
            variation_shown=self.panel.variation.is_open(),
            ink_boxes=self.ink_boxes_action.isChecked(),
            save_dir=self.document.folder,
            geometry=self.saveGeometry(),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            write_session(self.session())
            self._closed = True
            if self._export_dialog is not None:
                # A closing parent does not run its dialogs' closeEvent: join the export here.
                self._export_dialog.stop_and_wait()
            self._render.stop()
            self._gallery_thread.stop()
        event.accept()
