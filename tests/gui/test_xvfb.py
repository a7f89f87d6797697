"""The explorer on a real X server (Xvfb, Qt's xcb platform): crisp pixels on screen,
at 800 x 600 (scale 1) and at 1280 x 800 with QT_SCALE_FACTOR=2 (640 x 400 logical).

The screenshots go to tmp_path (`python tests/gui/screenshot_app.py --readme` refreshes
the README's picture).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.core import bundled_bank
from mnist_seq_gui.gui.pointing import INK_COLOUR
from mnist_seq_gui.gui.state.jobs import compose_session
from mnist_seq_gui.gui.state.session import from_stored

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        shutil.which("Xvfb") is None,
        reason="Xvfb is not installed (apt-get install xvfb and the Qt xcb libraries)",
    ),
]


def x_display(size: str):
    """A private Xvfb server; -displayfd makes it choose a free display number."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    return server, number


@pytest.mark.parametrize(
    ("screen", "scale", "options"),
    [
        ("800x600", "1", ()),
        ("800x600", "1", ("--variation", "--open-variation")),
        ("1280x800", "2", ()),
        ("1280x800", "2", ("--variation", "--open-variation")),
        ("1280x800", "2", ("--gallery",)),
        ("1280x800", "2", ("--gallery", "--variation", "--ink-boxes")),
        ("800x600", "1", ("--variation", "--export-tab", "1")),
        ("1280x800", "2", ("--export-tab", "0")),
        ("1280x800", "2", ("--variation", "--export-tab", "1")),
    ],
)
def test_app_under_xvfb_fits_the_screen_and_shows_crisp_pixels(tmp_path, screen, scale, options):
    server, number = x_display(screen)
    try:
        if not number:
            pytest.fail("Xvfb started but reported no display number")
        out = tmp_path / "screenshot.png"
        env = dict(os.environ)
        env.update(
            DISPLAY=f":{number}",
            QT_QPA_PLATFORM="xcb",
            QT_SCALE_FACTOR=scale,
            XDG_CONFIG_HOME=str(tmp_path / "config"),  # a fresh session: no stored settings
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        env.pop("WAYLAND_DISPLAY", None)
        command = [sys.executable, str(ROOT / "tests" / "gui" / "screenshot_app.py"), str(out)]
        done = subprocess.run(
            command + list(options),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.terminate()
        server.wait(10)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["dpr"] == float(scale)
    session, notes = from_stored(report["session"])
    assert notes == () and session.sequence == "3141592" and session.seed == 7
    assert (not session.recipe.variation.is_plain) == ("--variation" in options)
    assert report["variation_open"] == ("--open-variation" in options)
    x, y, width, height = report["window"]
    logical = report["screen"]  # in logical pixels
    assert x >= 0 and y >= 0 and x + width <= logical[0] and y + height <= logical[1]
    # Every label and button has room for its text; every panel control can be scrolled to.
    assert report["faults"] == {"clipped": [], "unreachable": []}
    if "--export-tab" in options:  # the export dialog fits too (its pages scroll)
        x, y, width, height = report["dialog"]
        assert x >= 0 and y >= 0 and x + width <= logical[0] and y + height <= logical[1]
        return

    with Image.open(out) as image:
        shot = np.asarray(image.convert("RGB"))
    assert shot.shape[:2] == (report["screenshot"][1], report["screenshot"][0])
    if "--ink-boxes" in options:  # the outlines are on screen, in their colour
        red, green, blue = INK_COLOUR.red(), INK_COLOUR.green(), INK_COLOUR.blue()
        assert (shot == (red, green, blue)).all(axis=2).sum() > 100
    if "--gallery" in options:
        assert report["gallery"]
        return
    comp = compose_session(bundled_bank(), session)
    pixels = comp.pixels
    assert list(comp.indices) == report["indices"]
    k = report["scale"]
    x0, y0 = report["origin"]
    height, width = pixels.shape
    block = shot[y0 : y0 + height * k, x0 : x0 + width * k]
    expected = np.repeat(np.repeat(pixels, k, axis=0), k, axis=1)
    # What the X server shows is the core's image, each pixel a crisp k x k block.
    for channel in range(3):
        assert np.array_equal(block[..., channel], expected)
