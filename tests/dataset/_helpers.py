"""Shared helpers for the dataset tests: real MNIST digits, real files, real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m mnist_seq_gui.dataset_cli ARGS` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "mnist_seq_gui.dataset_cli", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=timeout,
        cwd=REPO_ROOT,
    )


def write_idx_pair(folder: Path, prefix: str, images: np.ndarray, labels: np.ndarray) -> Path:
    """Raw (uncompressed) IDX files `<prefix>-images-idx3-ubyte` and labels; returns images."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(labels)
    image_path = folder / f"{prefix}-images-idx3-ubyte"
    image_path.write_bytes(
        np.array([2051, n, 28, 28], dtype=">i4").tobytes() + images.astype(np.uint8).tobytes()
    )
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        np.array([2049, n], dtype=">i4").tobytes() + labels.astype(np.uint8).tobytes()
    )
    return image_path


def expected_digit(bank, index: int, dtype: str, white_on_black: bool) -> np.ndarray:
    """The 28x28 MNIST digit as the exporter should render it (polarity, dtype)."""
    digit = bank.images[index].astype(np.int64)
    light = digit if white_on_black else 255 - digit
    if dtype == "uint8":
        return light.astype(np.uint8)
    return (light.astype(np.float32) / np.float32(255)).astype(np.float32)
