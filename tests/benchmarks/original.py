"""The original project's code, re-created call for call, as the baseline of the benchmarks.

What the original does (its load.py, mnist_sequence.py and mnist_sequence_api.py):

- at load, every pixel becomes (255 - pixel) / 255.0, stored once as a float32 array
  (0 = black ink, 1 = white paper);
- a label map: for each digit a Python list of the indices of its images;
- per image, the uniform gap (total width - 28 n) / (n - 1), checked to be whole and
  within the spacing range; a float32 array of ones of shape (28, gap);
- per digit, `random.choice` (the standard library's) from that digit's list, and per
  step `np.hstack((image, gap))` then `np.hstack((image, digit))`, the first digit
  being a view into the float32 array;
- the API's generate_mnist_sequence returns `(image * 255.0).astype(np.uint8)`, and its
  generate_data loops over images, drawing each sequence with np.random.randint and
  collecting the images in a list that becomes one array with np.array at the end.

Three changes let it run on Python 3 and today's numpy, and change no work done per
image: load.py's `np.asarray(map(...))` needs `list(map(...))` on Python 3 (`load`
below; the in-process benchmarks convert with numpy instead, the same float32 values,
untimed), the uniform gap, a float in the original, is made an int before it sizes an
array (numpy refuses float sizes since 1.12), and generate_data, whose width argument
refers to an undefined name, takes the width as an argument.
"""

from __future__ import annotations

import os
import random
import struct
import sys
from array import array

import numpy as np


def load(
    path: str = "data",
    name_img: str = "t10k-images.idx3-ubyte",
    name_lbl: str = "t10k-labels.idx1-ubyte",
):
    """load.py's MNIST.load, as it reads the raw IDX files under the current folder."""
    path_img = os.path.join(os.getcwd(), path, name_img)
    path_lbl = os.path.join(os.getcwd(), path, name_lbl)
    with open(path_lbl, "rb") as f:
        magic, size = struct.unpack(">II", f.read(8))
        if magic != 2049:
            sys.exit(f"Magic number mismatch, expected 2049, got {magic}")
        labels = array("B", f.read())
    with open(path_img, "rb") as f:
        magic, size, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            sys.exit(f"Magic number mismatch, expected 2051, got {magic}")
        # list(): Python 3's map is lazy, which np.asarray would not expand.
        image_data = list(map(lambda pixel: (255 - pixel) / 255.0, array("B", f.read())))
        images = np.asarray(image_data, dtype=np.float32).reshape(size, rows, cols)
    return images, labels


class OriginalSequence:
    """mnist_sequence.MNIST_Sequence: images as float32 at load, a label map of lists."""

    def __init__(self, images_uint8: np.ndarray | None = None, labels=None) -> None:
        if images_uint8 is None:
            self.images, self.labels = load()
        else:
            # load.py's conversion, done with numpy (the same float32 values, quicker to
            # set up; in-process benchmarks do not time the load)
            self.images = ((255 - images_uint8.astype(np.int64)) / 255.0).astype(np.float32)
            self.labels = labels.tolist()
        self.label_map: list[list[int]] = [[] for _ in range(10)]
        for i in range(len(self.labels)):
            self.label_map[self.labels[i]].append(i)

    def _uniform_spacing(self, n: int, minimum: int, maximum: int, total_width: int) -> int:
        if n <= 1:
            return 0
        allowed = (total_width - n * 28) / ((n - 1) * 1.0)
        if not allowed.is_integer() or allowed < minimum or allowed > maximum:
            raise ValueError("Uniform spacing is not possible for the given set of values")
        return int(allowed)

    def _select_random_label(self, label: int) -> int:
        if len(self.label_map[label]) > 0:
            return random.choice(self.label_map[label])
        raise ValueError(f"No images for the number {label} are available")

    def generate_image_sequence(
        self, sequence, minimum_spacing: int, maximum_spacing: int, total_width: int
    ) -> np.ndarray:
        n = len(sequence)
        allowed = self._uniform_spacing(n, minimum_spacing, maximum_spacing, total_width)
        spacing = np.ones(28 * allowed, dtype="float32").reshape(28, allowed)
        image = self.images[self._select_random_label(sequence[0])]
        for i in range(1, n):
            if i < n:
                image = np.hstack((image, spacing))
            image = np.hstack((image, self.images[self._select_random_label(sequence[i])]))
        return image


class OriginalAPI:
    """mnist_sequence_api.MNIST_Sequence_API (with no arguments it loads ./data)."""

    def __init__(self, images_uint8: np.ndarray | None = None, labels=None) -> None:
        self.sequence_object = OriginalSequence(images_uint8, labels)

    def generate_mnist_sequence(self, digits, spacing_range, image_width: int) -> np.ndarray:
        img_data = (
            self.sequence_object.generate_image_sequence(
                digits, spacing_range[0], spacing_range[1], image_width
            )
            * 255.0
        ).astype(np.uint8)
        return img_data

    def generate_data(self, num_samples: int, seq_len: int, spacing_range=(0, 0), width=None):
        """The original loop (its width argument fixed to a given or the narrowest width)."""
        width = seq_len * 28 + (seq_len - 1) * spacing_range[0] if width is None else width
        inputs = []
        labels = []
        for _ in range(num_samples):
            seq_values = np.random.randint(0, 10, seq_len)
            seq = self.generate_mnist_sequence(seq_values, spacing_range, width)
            inputs.append(seq)
            labels.append(seq_values)
        return np.array(inputs), np.array(labels)

    def save_image(self, img_data: np.ndarray, sequence) -> None:
        from PIL import Image

        sequence_image = Image.fromarray(img_data)
        img_name = "-".join(list(map(str, sequence)))
        sequence_image.save(img_name + ".png")
        print(f"Image for the sequence {img_name} is generated and saved as {img_name}.png.")


def original_cli(argv: list[str]) -> None:
    """mnist_sequence_cli.main: sequence, min spacing, max spacing, width -> ./<d-i-g>.png."""
    from PIL import Image  # noqa: F401  (the original API module imports it at load)

    arguments = list(argv)
    if len(arguments) == 4:
        sequence, min_spacing = list(map(int, list(arguments[0]))), int(arguments[1])
        max_spacing, image_width = int(arguments[2]), int(arguments[3])
        api_object = OriginalAPI()
        img_data = api_object.generate_mnist_sequence(
            sequence, (min_spacing, max_spacing), image_width
        )
        api_object.save_image(img_data, sequence)
    else:
        print("Incorrect number of arguments.")
