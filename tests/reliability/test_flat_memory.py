"""Memory stays flat at any count: tasks are made lazily, nothing is sized by --count.

Ten billion items, stopped after a few thousand: the exporting process stays as small
as for a thousand. (Timing is the benchmark's job: tests/benchmarks/bench_reliability.py.)
"""

from __future__ import annotations

import pytest

from ._helpers import measured_script, run_measured

MB = 1 << 20

SCRIPT = """
import sys
from mnist_seq_gui.dataset import ExportCancelled, SequenceDataset, export
done = []
def progress(n, total):
    done.append(n)
dataset = SequenceDataset(count={count}, seed=1, dtype="uint8", min_length=3, max_length=6,
                          rule="random", spacing=(0, 50))
try:
    export(dataset, sys.argv[1], "{fmt}", progress=progress,
           cancel=lambda: bool(done) and done[-1] >= {stop_at}, **{options})
except ExportCancelled as exc:
    print("stopped at", done[-1], "-", exc, file=sys.stderr)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "options", "stop_at"),
    [
        ("png", {"workers": 2}, 3_000),
        ("png", {"workers": 1}, 1_000),
        ("npz", {}, 50_000),
        ("npz", {"masks": True}, 50_000),
        ("coco", {"masks": True, "workers": 2}, 3_000),
    ],
)
def test_peak_memory_does_not_grow_with_the_count(tmp_path, fmt, options, stop_at):
    peaks = {}
    for count in (100_000, 10**10):
        body = SCRIPT.format(count=count, fmt=fmt, stop_at=stop_at, options=options)
        args = [*measured_script(body), str(tmp_path / f"out-{count}")]
        result = run_measured(args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "was not changed" in result.stderr or "nothing was written" in result.stderr
        assert not (tmp_path / f"out-{count}").exists()
        peaks[count] = result.peak_rss
    # The same few thousand items were written either way; 10^10 costs no more memory.
    assert peaks[10**10] < peaks[100_000] + 16 * MB, peaks
    assert peaks[10**10] < 250 * MB, peaks


LARGE = """
import sys
from mnist_seq_gui.dataset import SequenceDataset, export
dataset = SequenceDataset(count=30, seed=1, min_length=5, max_length=5, spacing=(0, 100),
                          placement="free", width=10_000, variation={{"height": 1024}})
export(dataset, sys.argv[1], "{fmt}", workers=1)
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "npz"])
def test_memory_is_bounded_by_bytes_not_items_for_large_images(tmp_path, fmt):
    # 30 images of 1024 x 10,000 are 307 MB: tasks and chunks cut by bytes stay far below
    args = [*measured_script(LARGE.format(fmt=fmt)), str(tmp_path / "out")]
    result = run_measured(args, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    assert 0 < result.peak_rss < 250 * MB, result.peak_rss // MB


HUGE = """
import sys
from mnist_seq_gui.dataset import SequenceDataset, export
dataset = SequenceDataset(count=2, seed=1, min_length=5, max_length=5, spacing=(0, 100),
                          placement="free", width=80_000, dtype="{dtype}",
                          variation={{"height": 1024, "noise": (0, 20), "blur": (0, 2)}})
export(dataset, sys.argv[1], "{fmt}", workers=2)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "dtype"), [("npz", "float32"), ("png", "uint8")])
def test_images_of_80_mb_with_noise_and_blur_export_in_bounded_memory(tmp_path, fmt, dtype):
    # One such image is 82 MB as uint8 and 328 MB as float32; blur and noise work on
    # bands of rows, float32 is written a strip at a time, PNGs deflate a strip at a
    # time, and images this large take one worker: 2.9 GB and 980 MB before.
    args = [*measured_script(HUGE.format(fmt=fmt, dtype=dtype)), str(tmp_path / "out")]
    result = run_measured(args, cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr
    assert 0 < result.peak_rss < 250 * MB, result.peak_rss // MB
