"""Make resources/varied-samples.png, the README's grid of varied sequences.

    python resources/varied_samples.py

The same items as `mnist-seq dataset --count 12 --length 3-7 --spacing -8 8 --rule random
--height 44 --jitter-y 0 16 --slant -20 20 --rotation -10 10 --scale 0.8 1.2 --thickness
-0.5 1 --pool test --seed 2024`, tiled 2 x 6 with a grey rule between them and shown 2x.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from mnist_seq_gui.dataset import SequenceDataset

ds = SequenceDataset(
    count=12, min_length=3, max_length=7, spacing=(-8, 8), rule="random",
    placement="free", pool="test", seed=2024, dtype="uint8",
    variation={"height": 44, "jitter_y": [0, 16], "slant": [-20, 20], "rotation": [-10, 10],
               "scale": [0.8, 1.2], "thickness": [-0.5, 1]},
)  # fmt: skip
images = ds[:]["image"]  # (12, 44, W) uint8, dark digits on white
rule = np.full((images.shape[1], 2), 160, np.uint8)
rows = [np.hstack([images[r], rule, images[r + 1]]) for r in range(0, 12, 2)]
line = np.full((2, rows[0].shape[1]), 160, np.uint8)
grid = np.vstack([part for row in rows for part in (row, line)][:-1])
out = Path(__file__).with_name("varied-samples.png")
Image.fromarray(grid).resize((grid.shape[1] * 2, grid.shape[0] * 2), Image.NEAREST).save(out)
print(f"wrote {out} ({grid.shape[1] * 2} x {grid.shape[0] * 2})")
