"""The worker threads on their own: the session's pixels, the newest request wins,
failures reported as one line, a clean stop; the export thread ends with one signal."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.export_dialog import ExportThread
from mnist_seq_gui.gui.qimage import grey_qimage, qimage_to_grey
from mnist_seq_gui.gui.state.jobs import compose_session, export_defaults
from mnist_seq_gui.gui.state.session import Session
from mnist_seq_gui.gui.workers import (
    GalleryThread,
    LatestWinsThread,
    RenderRequest,
    RenderThread,
)

from .conftest import TIMEOUT_MS, session_pixels

FIRST = Session()


@pytest.fixture
def thread():
    worker = RenderThread()
    yield worker
    worker.stop()


def test_a_qimage_round_trip_keeps_odd_widths():
    # 123 is not a multiple of 4: QImage pads rows, so the stride must be honoured.
    pixels = np.arange(28 * 123, dtype=np.uint32).reshape(28, 123).astype(np.uint8)
    image = grey_qimage(pixels)
    del pixels  # the QImage owns a copy
    again = qimage_to_grey(image)
    assert again.shape == (28, 123)
    assert np.array_equal(again, np.arange(28 * 123).reshape(28, 123).astype(np.uint8))
    with pytest.raises(ValueError, match="2-D uint8"):
        grey_qimage(np.zeros((2, 2), np.float32))


def test_the_image_is_the_sessions_composition(qtbot, thread):
    session = FIRST.replace(seed=77, noise=3.0)
    with qtbot.waitSignal(thread.done, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(1, session))
    result = blocker.args[0]
    assert result.request_id == 1 and result.session == session
    assert result.composition.seed == 77 and result.elapsed_ms >= 0
    assert np.array_equal(qimage_to_grey(result.image), session_pixels(session))
    assert result.ink_boxes == result.composition.ink_boxes


def test_picked_images_are_used(qtbot, thread):
    reference = compose_session(bundled_bank(), FIRST.replace(seed=5))
    with qtbot.waitSignal(thread.done, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(1, FIRST.replace(seed=99, indices=reference.indices)))
    assert blocker.args[0].composition.indices == reference.indices
    assert np.array_equal(qimage_to_grey(blocker.args[0].image), reference.pixels)


def test_idle_only_when_nothing_waits_or_runs(qtbot):
    started, release = threading.Event(), threading.Event()

    def job(request: RenderRequest) -> int:
        started.set()
        release.wait(TIMEOUT_MS / 1000)
        return request.request_id

    worker = LatestWinsThread(job, "idleTest")
    try:
        assert worker.is_idle()
        with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS) as blocker:
            worker.submit(RenderRequest(1, FIRST))
            assert not worker.is_idle()  # waiting to be taken
            qtbot.waitUntil(started.is_set, timeout=TIMEOUT_MS)
            assert not worker.is_idle()  # taken, and held in the job
            release.set()
        assert blocker.args == [1]
        qtbot.waitUntil(worker.is_idle, timeout=TIMEOUT_MS)
    finally:
        release.set()
        worker.stop()


def test_a_superseded_request_is_never_emitted(qtbot):
    started, release = threading.Event(), threading.Event()

    def held(bank, session):
        started.set()
        release.wait(TIMEOUT_MS / 1000)  # hold the render until the next requests wait
        return compose_session(bank, session)

    worker = RenderThread(compose_fn=held)
    emitted: list[int] = []
    worker.done.connect(lambda r: emitted.append(r.request_id))
    try:
        worker.submit(RenderRequest(1, FIRST))
        assert started.wait(TIMEOUT_MS / 1000)
        # Request 1 is mid-render; 2 and 3 arrive; 2 is overwritten by 3 before it starts.
        worker.submit(RenderRequest(2, FIRST.replace(seed=2)))
        worker.submit(RenderRequest(3, FIRST.replace(seed=3)))
        release.set()
        qtbot.waitUntil(lambda: 3 in emitted, timeout=TIMEOUT_MS)
    finally:
        release.set()
        worker.stop()
    assert emitted == [3]


def test_an_exception_nobody_expected_is_reported_and_the_thread_goes_on(qtbot):
    def job(request: RenderRequest) -> int:
        if request.request_id == 1:
            raise ZeroDivisionError("boom")
        return request.request_id

    worker = LatestWinsThread(job, "failingTest")
    try:
        with qtbot.waitSignal(worker.failed, timeout=TIMEOUT_MS) as failed:
            worker.submit(RenderRequest(1, FIRST))
        assert failed.args == [1, "ZeroDivisionError: boom"]
        with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS) as done:
            worker.submit(RenderRequest(2, FIRST))
        assert done.args == [2]
    finally:
        worker.stop()


def test_an_image_picked_for_another_digit_reports_a_failure(qtbot, thread):
    bank = bundled_bank()
    wrong = int(np.flatnonzero(bank.labels == 7)[0])  # a 7 where a 2 should be
    with qtbot.waitSignal(thread.failed, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(4, FIRST.replace(indices=(wrong, 3, 1, 4))))
    request_id, message = blocker.args
    assert request_id == 4 and f"MNIST index {wrong} shows a 7" in message


def test_an_unreadable_source_reports_a_failure(qtbot, thread, tmp_path):
    with qtbot.waitSignal(thread.failed, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(5, FIRST.replace(source=str(tmp_path / "missing"))))
    assert blocker.args[0] == 5 and "missing" in blocker.args[1]


def test_an_unreadable_source_is_explained_in_the_window(qtbot, window, tmp_path):
    window.model.set("source", str(tmp_path / "missing"))
    qtbot.waitUntil(lambda: "missing" in window.problem_text(), timeout=TIMEOUT_MS)
    assert window.problem_text().startswith(f"Digits from {tmp_path / 'missing'}: ")
    assert window.problem_text().endswith("The preview shows the last valid image.")


def test_the_gallery_thread_draws_items_0_to_k_of_the_export(qtbot):
    session = Session(sequence="12345", seed=4).replace(
        rule="random", spacing=(2, 9), width=170, white_on_black=True
    )
    worker = GalleryThread()
    try:
        with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS) as blocker:
            worker.submit(RenderRequest(3, session, count=12))
    finally:
        worker.stop()
    result = blocker.args[0]
    expected = SequenceDataset(DatasetConfig(**export_defaults(session, 12)))[0:12]
    assert result.request_id == 3 and len(result.images) == 12
    for i, image in enumerate(result.images):
        assert np.array_equal(qimage_to_grey(image), expected["image"][i]), i
    assert list(result.labels) == list(expected["label"])
    assert np.array_equal(result.indices, expected["mnist_indices"])
    assert np.array_equal(result.ink_boxes, expected["ink_boxes"])


def test_stop_joins_and_later_requests_are_ignored(qtbot):
    worker = RenderThread()
    with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS):
        worker.submit(RenderRequest(1, FIRST))
    assert worker.isRunning()
    worker.stop()
    assert not worker.isRunning()
    worker.submit(RenderRequest(2, FIRST))
    assert not worker.isRunning()
    worker.stop()  # twice is fine


@pytest.mark.parametrize(
    ("config", "out", "signal"),
    [
        (DatasetConfig(20, 4, 4), "ok", "succeeded"),
        (DatasetConfig(5, 4, 4, source="/no/such/digits"), "fail", "failed"),
    ],
)
def test_an_export_ends_with_exactly_one_signal(qtbot, tmp_path, config, out, signal):
    thread = ExportThread(config, str(tmp_path / out), "npz", overwrite=False)
    seen: list[str] = []
    for name in ("succeeded", "failed", "cancelled"):
        getattr(thread, name).connect(lambda *_a, n=name: seen.append(n))
    with qtbot.waitSignal(thread.finished, timeout=TIMEOUT_MS):
        thread.start()
    thread.wait()
    assert seen == [signal]
    assert (tmp_path / out).exists() == (signal == "succeeded")
