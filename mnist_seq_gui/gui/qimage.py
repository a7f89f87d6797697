"""numpy <-> QImage for 8-bit greyscale images.

A QImage built on a numpy buffer does not own it, so every QImage returned here is a
deep copy: it stays valid after the array is freed or reused, and it can cross threads.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def grey_qimage(pixels: np.ndarray) -> QImage:
    """A (H, W) uint8 array -> an owning Format_Grayscale8 QImage of the same pixels."""
    if pixels.ndim != 2 or pixels.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 array, got {pixels.ndim}-D {pixels.dtype}")
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape
    # bytesPerLine must be the real row stride: QImage rows are 32-bit aligned by
    # default, numpy rows are not.
    view = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_Grayscale8)
    return view.copy()


def qimage_to_grey(image: QImage) -> np.ndarray:
    """Any QImage -> a (H, W) uint8 array (converted to greyscale if needed), a copy."""
    if image.isNull():
        return np.zeros((0, 0), dtype=np.uint8)
    if image.format() != QImage.Format.Format_Grayscale8:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    height, width = image.height(), image.width()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = buffer.reshape(height, image.bytesPerLine())
    return rows[:, :width].copy()
