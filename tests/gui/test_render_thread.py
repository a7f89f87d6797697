"""The render threads on their own: same pixels as the core, latest wins, clean stop."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from mnist_seq_gui.core import SequenceSpec, bundled_bank, compose
from mnist_seq_gui.dataset import DatasetConfig, SequenceDataset
from mnist_seq_gui.gui.drawing import compose_recipe
from mnist_seq_gui.gui.qimage import grey_qimage, qimage_to_grey
from mnist_seq_gui.gui.recipe import Recipe
from mnist_seq_gui.gui.render_thread import (
    GalleryThread,
    LatestWinsThread,
    RenderRequest,
    RenderThread,
)

from .conftest import TIMEOUT_MS, core_pixels

SPEC = SequenceSpec((2, 0, 2, 4), width=124, min_spacing=0, max_spacing=10)
RECIPE = Recipe("2024", width=124, max_spacing=10)


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
    with qtbot.waitSignal(thread.done, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(1, RECIPE.replace(seed=77)))
    result = blocker.args[0]
    assert result.request_id == 1
    assert result.composition.seed == 77
    assert np.array_equal(qimage_to_grey(result.image), core_pixels(SPEC, 77))
    assert result.elapsed_ms >= 0


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
            worker.submit(RenderRequest(1, RECIPE))
            assert not worker.is_idle()  # waiting to be taken
            qtbot.waitUntil(started.is_set, timeout=TIMEOUT_MS)
            assert not worker.is_idle()  # taken, and held in the job
            release.set()
        assert blocker.args == [1]
        qtbot.waitUntil(worker.is_idle, timeout=TIMEOUT_MS)
    finally:
        release.set()
        worker.stop()


def test_fixed_indices_are_used(qtbot, thread):
    reference = compose(bundled_bank(), SPEC, 5)
    with qtbot.waitSignal(thread.done, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(1, RECIPE.replace(seed=99, indices=reference.indices)))
    assert blocker.args[0].composition.indices == reference.indices
    assert np.array_equal(qimage_to_grey(blocker.args[0].image), core_pixels(SPEC, 5))


@pytest.mark.parametrize("rule", ["uniform", "random"])
def test_sample_i_is_item_i_of_the_export_data_set(rule):
    recipe = Recipe("000", rule, 0, 30, width=120, seed=8)
    data = SequenceDataset(
        DatasetConfig(
            count=6,
            min_length=3,
            max_length=3,
            width=120,
            max_spacing=30,
            rule=rule,
            seed=8,
            dtype="uint8",
        )
    )
    bank = bundled_bank()
    for i in range(6):
        item = data[i]
        comp = compose_recipe(bank, recipe.replace(sequence=item["label"], item=i))
        assert np.array_equal(comp.pixels, item["image"]), i
        assert comp.indices == tuple(item["mnist_indices"][:3].tolist())
        # Fixed indices keep item i's layout.
        fixed = compose_recipe(
            bank, recipe.replace(sequence=item["label"], item=i, indices=comp.indices)
        )
        assert np.array_equal(fixed.pixels, item["image"]), i


def test_gallery_thread_draws_items_zero_to_k(qtbot):
    recipe = Recipe("12345", "random", 2, 9, width=170, seed=4, white_on_black=True)
    worker = GalleryThread()
    try:
        with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS) as blocker:
            worker.submit(RenderRequest(3, recipe, count=12))
    finally:
        worker.stop()
    result = blocker.args[0]
    config = DatasetConfig(
        count=12,
        min_length=5,
        max_length=5,
        width=170,
        min_spacing=2,
        max_spacing=9,
        rule="random",
        seed=4,
        white_on_black=True,
        dtype="uint8",
    )
    expected = SequenceDataset(config)[0:12]
    assert result.request_id == 3 and len(result.images) == 12
    for i, image in enumerate(result.images):
        assert np.array_equal(qimage_to_grey(image), expected["image"][i])
    assert list(result.labels) == list(expected["label"])
    assert np.array_equal(result.indices, expected["mnist_indices"])


def test_superseded_request_is_never_emitted(qtbot):
    started = threading.Event()
    release = threading.Event()

    def held_compose(bank, recipe):
        started.set()
        release.wait(5)  # hold the render until the next request is queued
        return compose_recipe(bank, recipe)

    worker = RenderThread(compose_fn=held_compose)
    emitted: list[int] = []
    worker.done.connect(lambda r: emitted.append(r.request_id))
    try:
        worker.submit(RenderRequest(1, RECIPE))
        assert started.wait(5)
        # Request 1 is mid-render; 2 and 3 arrive; 2 is overwritten by 3 before it starts.
        worker.submit(RenderRequest(2, RECIPE.replace(seed=2)))
        worker.submit(RenderRequest(3, RECIPE.replace(seed=3)))
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
        thread.submit(RenderRequest(4, RECIPE.replace(indices=(wrong, 0, 0, 0))))
    request_id, message = blocker.args
    assert request_id == 4
    assert "shows a 7" in message


def test_an_unreadable_source_reports_failure(qtbot, thread, tmp_path):
    with qtbot.waitSignal(thread.failed, timeout=TIMEOUT_MS) as blocker:
        thread.submit(RenderRequest(5, RECIPE.replace(source=str(tmp_path / "missing"))))
    assert blocker.args[0] == 5 and "missing" in blocker.args[1]


def test_stop_joins_and_later_requests_are_ignored(qtbot):
    worker = RenderThread()
    with qtbot.waitSignal(worker.done, timeout=TIMEOUT_MS):
        worker.submit(RenderRequest(1, RECIPE))
    assert worker.isRunning()
    worker.stop()
    assert not worker.isRunning()
    worker.submit(RenderRequest(2, RECIPE))
    assert not worker.isRunning()
    worker.stop()  # twice is fine
