"""The bar above the preview that says why there is no new image, with ways out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .state.edits import Problem


class ProblemBar(QFrame):
    """Hidden while the recipe gives an image; otherwise the reason and one-click offers."""

    widthOffered = Signal(int)
    randomRuleOffered = Signal()

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
        outer.setSpacing(4)
        self.label = QLabel()
        self.label.setObjectName("problemLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Problem")
        outer.addWidget(self.label)
        buttons = QHBoxLayout()
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
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.hide()

    def show_problem(self, problem: Problem | None, keeps_image: bool) -> None:
        """Show `problem` (None hides the bar); say so if the preview keeps the last image."""
        if problem is None:
            self.hide()
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

    def text(self) -> str:
        """The explanation shown, or '' when there is none."""
        return "" if self.isHidden() else self.label.text()
