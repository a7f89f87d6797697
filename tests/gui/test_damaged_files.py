"""Damaged and hostile PNGs: refused with a dialog naming the file and the reason, the
session and image kept; from the command line too (a dialog, never an abort). A PNG whose
recipe is whole but whose image data is damaged opens with a warning saying so."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from mnist_seq_gui.core import Recipe, bundled_bank, compose
from mnist_seq_gui.files import composition_text, write_png
from mnist_seq_gui.gui.state.session import Session

from .conftest import answer_next_dialog, png_file, shown_pixels, wait_for_latest


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _splice(png: bytes, *chunks: bytes) -> bytes:
    """Insert chunks right after IHDR (8-byte signature + 25-byte IHDR)."""
    return png[:33] + b"".join(chunks) + png[33:]


def hostile_pngs(window, folder: Path) -> dict[str, Path]:
    good = folder / "good.png"
    assert window.document.save_to(good)
    data = good.read_bytes()
    bomb = _chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(b"\x00" * (200 << 20), 9))
    text = _chunk(b"tEXt", b"padding\x00" + b"x" * 1_000_000)
    ihdr = struct.pack(">IIBBBBB", 7_000_000, 28, 8, 0, 0, 0, 0)
    files = {
        "zTXt bomb": _splice(data, bomb),
        "70 MiB of text": _splice(data, *[text] * 73),
        "huge": data[:8] + _chunk(b"IHDR", ihdr) + data[33:],
    }
    paths = {}
    for name, content in files.items():
        path = folder / (name.replace(" ", "-") + ".png")
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_hostile_pngs_are_refused_with_a_dialog(qtbot, window, tmp_path):
    before, session = shown_pixels(window), window.model.session()
    for name, path in hostile_pngs(window, tmp_path).items():
        assert not window.open_file(path), name
        dialog = window.error_dialog()
        assert dialog.isVisible() and path.name in dialog.text(), name
        assert "Traceback" not in dialog.text()
        dialog.close()
    assert window.model.session() == session
    assert np.array_equal(shown_pixels(window), before)


def test_a_png_cut_to_half_its_bytes_opens_with_a_warning_saying_what(qtbot, window, tmp_path):
    window.panel.sequence_edit.setText("31415926")
    window.panel.seed_spin.setValue(11)
    wait_for_latest(qtbot, window)
    good = tmp_path / "good.png"
    assert window.document.save_to(good)
    saved, pixels = window.model.session(), shown_pixels(window)
    data = good.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    window.model.reset(Session())
    wait_for_latest(qtbot, window)
    assert window.open_file(cut)
    dialog = window.error_dialog()
    assert dialog.isVisible() and dialog.windowTitle() == "The image was damaged"
    assert dialog.text().startswith(f"{cut}: its image data is damaged (image file is truncated")
    assert "the recipe was read from its text chunks" in dialog.text()
    assert window.status.text() == dialog.text()
    wait_for_latest(qtbot, window)
    assert window.model.session().replace(indices=None) == saved  # drawn from the recipe
    assert np.array_equal(shown_pixels(window), pixels)
    assert window.isWindowModified()  # the file does not hold the image shown
    dialog.close()
    replace = QMessageBox.StandardButton.Yes
    asked = answer_next_dialog(lambda box: box.button(replace).click())
    assert window.document.save()  # written whole again
    assert asked == ["cut.png holds a different image."]
    assert np.array_equal(png_file(cut)[0], pixels) and not window.isWindowModified()


def test_a_png_cut_inside_its_recipe_is_refused(qtbot, window, tmp_path):
    good = tmp_path / "good.png"
    assert window.document.save_to(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:200])
    before = window.model.session()
    assert not window.open_file(cut)
    assert window.error_dialog().text().startswith(f"cannot open {cut}: ")
    assert window.model.session() == before
    window.error_dialog().close()


def _saved_with(window, folder: Path, **changes: str) -> Path:
    good = folder / "good.png"
    assert window.document.save_to(good)
    pixels, text = png_file(good)
    text.pop("Software", None)
    path = folder / "damaged.png"
    write_png(path, pixels, {**text, **changes})
    return path


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"seed": "-5"}, "its seed '-5' is not a whole number"),
        ({"seed": str(2**63)}, "is not a whole number in 0..9,223,372,036,854,775,807"),
        ({"sequence": "20x4"}, "holds 'x'"),
        ({"width": "2147483648"}, "width 2,147,483,648 is out of range"),
        ({"rotation": "-90,0"}, "rotation -90..0 is out of bounds"),
        ({"pool": "validation"}, "pool 'validation' is unknown"),
        ({"mnist_indices": "1,2,x,4"}, "MNIST index 'x'"),
        ({"variation": '{"slant": [100, 200]}'}, "out of bounds"),
        ({"variation": '{"height": 30, "jitter_y": [0, 12]}'}, "does not fit a 30 px canvas"),
        ({"variation": "[1, 2"}, "its variation text is damaged"),
        ({"variation": '{"wobble": 3}'}, "'wobble' is not one of ours"),
    ],
)
def test_a_file_with_damaged_parameters_is_refused_with_the_reason(
    qtbot, window, tmp_path, changes, said
):
    path = _saved_with(window, tmp_path, **changes)
    before = window.model.session()
    assert not window.open_file(path)
    text = window.error_dialog().text()
    assert text.startswith(f"{path}: its saved parameters are damaged (")
    assert said in text, text
    assert window.status.text() == text
    assert window.model.session() == before


def test_an_old_file_with_polarity_and_json_variation_opens_as_saved(qtbot, window, tmp_path):
    recipe = Recipe(width=124, spacing=(0, 10), placement="fill", white_on_black=True)
    recipe = recipe.replace(height=36, jitter_y=(0, 8), slant=(-12.0, 12.0))
    comp = compose(bundled_bank(), recipe, "2024", 3)
    text = composition_text(comp)
    for name in ("white_on_black", "height", "jitter_y", "slant", "spacing", "placement"):
        text.pop(name)
    text |= {"polarity": "white-on-black", "min_spacing": "0", "max_spacing": "10"}
    text["variation"] = '{"height": 36, "jitter_y": [0, 8], "slant": [-12.0, 12.0]}'
    path = write_png(tmp_path / "old.png", comp.pixels, text)
    assert window.open_file(path)
    wait_for_latest(qtbot, window)
    assert window.model.session().recipe == recipe
    assert np.array_equal(shown_pixels(window), comp.pixels)


def test_a_files_sample_number_is_shown_as_it_is_drawn(qtbot, window, tmp_path):
    path = _saved_with(window, tmp_path, item=str(2**63 + 5))
    if window.open_file(path):
        wait_for_latest(qtbot, window)
        assert window.panel.item_spin.value() == window.model.session().item
    else:
        assert "item" in window.error_dialog().text()


OPEN_AND_REPORT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from mnist_seq_gui.gui.app import build_application, main

app = build_application(["mnist-seq-gui", sys.argv[1]])

def poll():
    for widget in QApplication.topLevelWidgets():
        for box in [widget, *widget.findChildren(QMessageBox)]:
            if isinstance(box, QMessageBox) and box.isVisible():
                print("DIALOG", box.text().replace(chr(10), " "), flush=True)
                app.quit()
                return
    QTimer.singleShot(20, poll)

QTimer.singleShot(0, poll)
sys.exit(main(["mnist-seq-gui", sys.argv[1]]))
"""


@pytest.mark.parametrize("kind", ["zTXt bomb", "huge", "fifo", "missing"])
def test_a_bad_file_on_the_command_line_shows_a_dialog_not_an_abort(
    window, tmp_path, subprocess_env, kind
):
    if kind == "fifo":
        path = tmp_path / "pipe.png"
        os.mkfifo(path)
    elif kind == "missing":
        path = tmp_path / "missing.png"
    else:
        path = hostile_pngs(window, tmp_path)[kind]
    env = dict(subprocess_env, XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a FIFO that blocked the open would hang here
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DIALOG" in done.stdout and path.name in done.stdout
    assert "Traceback" not in done.stderr
