"""The render thread on its own: same pixels as the core, latest wins, clean stop."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.gui.qimage import grey_qimage, qimage_to_grey
from mnist_seq_gui.gui.render_thread import RenderRequest, RenderThread

from .conftest import TIMEOUT_MS, core_pixels

SPEC = SequenceSpec((2, 0, 2, 4), width=124, min_spacing=0, max_spacing=10)


@pytest.fixture
def thread():
    worker = RenderThread()
    yield worker
    worker.stop()


def test_qimage_round_trip_keeps_odd_widths():
    # 123 is not a multiple of 4: QImage pads rows, so the stride must be honoured.
    pixels = np.arange(28 * 123, dtype=np.uint32).reshape(28, 123).astype(np.uint8)
    image = grey_qimage(pixels)
    del pixels
    again = qimage_to_grey(image)
    assert again.shape == (28, 123)
    assert np.array_equal(again, np.arange(28 * 123).reshape(28, 123).astype(np.uint8))


def test_rendered_image_equals_core(qtbot, thread):
    with qtbot.waitSignal(thread.rendered, timeout=TIMEOUT_MS) as blocker:
        thread.render(RenderRequest(1, SPEC, 77))
    result = blocker.args[0]
    assert result.request_id == 1
    assert result.composition.seed == 77
    assert np.array_equal(qimage_to_grey(result.image), core_pixels(SPEC, 77))
    assert result.elapsed_ms >= 0


def test_fixed_indices_are_used(qtbot, thread):
    reference = compose(bundled_bank(), SPEC, 5)
    indices = (reference.indices[0], *reference.indices[1:])
    with qtbot.waitSignal(thread.rendered, timeout=TIMEOUT_MS) as blocker:
        thread.render(RenderRequest(1, SPEC, 99, indices))
    assert blocker.args[0].composition.indices == indices


def test_superseded_request_is_never_emitted(qtbot):
    started = threading.Event()
    release = threading.Event()

    def slow_compose(*args, **kwargs):
        started.set()
        release.wait(5)  # hold the render until the next request is queued
        return compose(*args, **kwargs)

    worker = RenderThread(compose_fn=slow_compose)
    emitted: list[int] = []
    worker.rendered.connect(lambda r: emitted.append(r.request_id))
    try:
        worker.render(RenderRequest(1, SPEC, 1))
        assert started.wait(5)
        # Request 1 is mid-render; 2 and 3 arrive; 2 is overwritten by 3 before it starts.
        worker.render(RenderRequest(2, SPEC, 2))
        worker.render(RenderRequest(3, SPEC, 3))
        release.set()
        qtbot.waitUntil(lambda: 3 in emitted, timeout=TIMEOUT_MS)
    finally:
        release.set()
        worker.stop()
    assert emitted == [3]


def test_invalid_indices_report_failure(qtbot, thread):
    bank = bundled_bank()
    wrong = int(np.flatnonzero(bank.labels == 7)[0])  # a 7 where a 2 should be
    with qtbot.waitSignal(thread.failed, timeout=TIMEOUT_MS) as blocker:
        thread.render(RenderRequest(4, SPEC, 0, (wrong, 0, 0, 0)))
    request_id, message = blocker.args
    assert request_id == 4
    assert "shows a 7" in message


def test_stop_joins_and_later_requests_are_ignored(qtbot):
    worker = RenderThread()
    with qtbot.waitSignal(worker.rendered, timeout=TIMEOUT_MS):
        worker.render(RenderRequest(1, SPEC, 1))
    assert worker.isRunning()
    t0 = time.perf_counter()
    worker.stop()
    assert not worker.isRunning()
    assert time.perf_counter() - t0 < 2
    worker.render(RenderRequest(2, SPEC, 2))
    assert not worker.isRunning()
    worker.stop()  # twice is fine
