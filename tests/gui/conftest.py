"""Fixtures for the explorer's tests: a shown main window with its first image drawn."""

from __future__ import annotations

import numpy as np
import pytest

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.gui.main_window import MainWindow
from mnist_seq_gui.gui.memory import tune_malloc
from mnist_seq_gui.gui.qimage import qimage_to_grey

TIMEOUT_MS = 5000

# As the explorer's entry point does before it starts (gui/app.py): without it the render
# threads' own malloc heaps fragment and resident memory creeps up over a session.
tune_malloc()


def shown_pixels(window: MainWindow) -> np.ndarray:
    """The preview's 1:1 image as a uint8 array."""
    return qimage_to_grey(window.preview.image())


def core_pixels(spec: SequenceSpec, seed: int, indices=None) -> np.ndarray:
    """What the core draws for the same parameters (the reference for the GUI)."""
    return compose(bundled_bank(), spec, seed, indices=indices, dtype=np.uint8).pixels


def wait_for_latest(qtbot, window: MainWindow) -> None:
    """Wait until the image of the newest request is the one shown."""
    qtbot.waitUntil(
        lambda: (
            window.result() is not None and window.result().request_id == window.latest_request_id()
        ),
        timeout=TIMEOUT_MS,
    )


def wait_for_gallery(qtbot, window: MainWindow) -> None:
    """Wait until the samples of the newest gallery request are shown."""
    qtbot.waitUntil(window.gallery_is_current, timeout=TIMEOUT_MS)


@pytest.fixture
def make_window(qtbot):
    """Factory: a shown MainWindow (closed by qtbot at the end) with its first image."""

    def make(**kwargs) -> MainWindow:
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        window.show()
        wait_for_latest(qtbot, window)
        return window

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()
