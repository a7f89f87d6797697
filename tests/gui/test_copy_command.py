"""Edit > Copy as Command: the line on the clipboard, run as a user runs it, writes the
export whose first items are the gallery's samples; its Python makes the same data set."""

from __future__ import annotations

import shlex

import numpy as np
from PySide6.QtGui import QAction, QGuiApplication

from mnist_seq_gui.dataset import DatasetConfig, load_npz
from mnist_seq_gui.gui.state.jobs import export_defaults

from .conftest import gallery_pixels, open_gallery


def test_the_copied_command_writes_the_gallerys_samples(qtbot, window, tmp_path, run_module):
    for name, value in (("rule", "random"), ("spacing", (-4, 12)), ("pool", "train"),
                        ("height", 36), ("jitter_y", (0, 8)), ("slant", (-12.0, 12.0)),
                        ("noise", 5.0), ("seed", 4242)):  # fmt: skip
        window.model.set(name, value)
    open_gallery(qtbot, window)
    action = window.findChild(QAction, "copyCommandAction")
    assert action.text().replace("&", "") == "Copy as Command"
    QGuiApplication.clipboard().clear()
    action.trigger()
    text = QGuiApplication.clipboard().text()
    line, _, rest = text.partition("\n")
    words = shlex.split(line)
    assert words[:2] == ["mnist-seq", "dataset"] and "--seed" in words and "4242" in words
    assert "Copied the mnist-seq dataset command" in window.status.text()
    done = run_module("mnist_seq_gui.cli", *words[1:], "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = load_npz(next(tmp_path.rglob("dataset.npz")))
    tiles = gallery_pixels(window)
    assert np.array_equal(data["images"][0], tiles[0])
    assert np.array_equal(data["images"][1 : len(tiles)], np.stack(tiles[1:]))
    namespace: dict = {}
    code = rest[rest.index("from mnist_seq_gui") :]
    exec(code.replace("export(", "print("), namespace)
    assert namespace["config"] == DatasetConfig(**export_defaults(window.model.session()))


def test_a_sequence_no_data_set_item_holds_says_why_no_command_is_copied(qtbot, window):
    QGuiApplication.clipboard().setText("kept")
    window.model.set("sequence", "1" * 65)
    window.findChild(QAction, "copyCommandAction").trigger()
    assert QGuiApplication.clipboard().text() == "kept"
    assert window.status.text().startswith("No command to copy: length")
