"""The bar above the preview that says why there is no new image, with ways out; or, when
there is one, why its width is not the one asked for, with a way back."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .state.edits import Problem, WidthNotice


class ProblemBar(QFrame):
    """Hidden while the recipe gives an image at the width asked for; otherwise the reason
    and one-click offers, side by side, or one above the other in a narrow window (which
    the bar never makes wider)."""

    widthOffered = Signal(int)
    randomRuleOffered = Signal()
    sessionOffered = Signal(object)  # the Session that has the width asked for
    widthKept = Signal()  # the width the rules chose is fine

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#problemBar { background: #fff4ce; border: 1px solid #e0b000; border-radius: 4px; }"
            "#problemBar QLabel { color: #3a2e00; }"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        self._padding = outer.contentsMargins()
        outer.setSpacing(4)
        self.label = QLabel()
        self.label.setObjectName("problemLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Problem")
        outer.addWidget(self.label)
        self.buttons = buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.offer_buttons: list[QPushButton] = []
        self._widths: tuple[int, ...] = ()  # the widths the buttons offer
        for i in range(2):
            button = QPushButton()
            button.setObjectName(f"offerWidth{i}")
            button.clicked.connect(lambda _=False, i=i: self.widthOffered.emit(self._widths[i]))
            buttons.addWidget(button)
            self.offer_buttons.append(button)
        self.offer_random_button = QPushButton("Use random rule")
        self.offer_random_button.setObjectName("offerRandomRule")
        self.offer_random_button.clicked.connect(self.randomRuleOffered)
        buttons.addWidget(self.offer_random_button)
        self._notice: WidthNotice | None = None
        self.width_back_button = QPushButton()
        self.width_back_button.setObjectName("widthBackButton")
        self.width_back_button.clicked.connect(self._take_back)
        buttons.addWidget(self.width_back_button)
        self.keep_width_button = QPushButton()
        self.keep_width_button.setObjectName("keepWidthButton")
        self.keep_width_button.clicked.connect(self._keep)
        buttons.addWidget(self.keep_width_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.hide()

    def _shown_buttons(self) -> list[QPushButton]:
        every = (*self.offer_buttons, self.offer_random_button)
        return [
            b for b in (*every, self.width_back_button, self.keep_width_button) if not b.isHidden()
        ]

    def _side_by_side_width(self) -> int:
        shown = self._shown_buttons()
        spaces = self.buttons.spacing() * max(len(shown) - 1, 0)
        return sum(b.sizeHint().width() for b in shown) + spaces + self._margins()

    def _margins(self) -> int:
        outer = self._padding
        return outer.left() + outer.right() + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widest = max((b.sizeHint().width() for b in self._shown_buttons()), default=0)
        return QSize(min(hint.width(), widest + self._margins()), hint.height())

    def _arrange(self) -> None:
        """The buttons side by side if they fit the bar's width, else one above the other."""
        fits = self.width() >= self._side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if fits else QBoxLayout.Direction.TopToBottom
        if direction != self.buttons.direction():
            self.buttons.setDirection(direction)
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def show_problem(
        self, problem: Problem | None, keeps_image: bool, notice: WidthNotice | None = None
    ) -> None:
        """Show `problem`, else `notice` (neither hides the bar); say so if the preview
        keeps the last image."""
        self._notice = None if problem is not None else notice
        self.width_back_button.setVisible(bool(self._notice and self._notice.back))
        self.keep_width_button.setVisible(self._notice is not None)
        if problem is None:
            self._show_notice()
            return
        self._widths = problem.widths
        offers = [*problem.widths, None, None]
        for button, offer in zip(self.offer_buttons, offers, strict=False):
            button.setVisible(offer is not None)
            if offer is not None:
                button.setText(f"Use width {offer}")
        self.offer_random_button.setVisible(problem.random_fits)
        shown = " The preview shows the last valid image." if keeps_image else ""
        self.label.setText(problem.message + shown)
        self.show()
        self._arrange()

    def _show_notice(self) -> None:
        notice = self._notice
        if notice is None:
            self.hide()
            return
        for button in (*self.offer_buttons, self.offer_random_button):
            button.setVisible(False)
        self.width_back_button.setText(notice.offer)
        self.keep_width_button.setText(f"Keep {notice.width:,} px")
        self.label.setText(notice.message)
        self.show()
        self._arrange()

    def _take_back(self) -> None:
        if self._notice is not None and self._notice.back is not None:
            self.sessionOffered.emit(self._notice.back)

    def _keep(self) -> None:
        self._notice = None
        self.hide()
        self.widthKept.emit()

    def text(self) -> str:
        """The explanation shown, or '' when there is none."""
        return "" if self.isHidden() else self.label.text()
