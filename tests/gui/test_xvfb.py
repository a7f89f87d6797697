"""The explorer on a real X server (Xvfb, Qt's xcb platform), screenshot in resources/."""

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

from mnist_seq_gui.core import SequenceSpec

from .conftest import core_pixels

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "resources" / "screenshot.png"

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        shutil.which("Xvfb") is None,
        reason="Xvfb is not installed (apt-get install xvfb and the Qt xcb libraries)",
    ),
]


@pytest.fixture
def x_display():
    """A private Xvfb server; -displayfd makes it choose a free display number."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            pytest.fail("Xvfb started but reported no display number")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def test_app_under_xvfb_shows_crisp_image_and_saves_screenshot(x_display, tmp_path):
    out = tmp_path / "screenshot.png"
    env = dict(os.environ)
    env.update(
        DISPLAY=x_display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # a fresh session: no stored settings
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "gui" / "screenshot_app.py"),
            str(out),
            "3141592",
            "7",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["first_image_s"] < 10
    assert report["sequence"] == "3141592" and report["seed"] == 7

    with Image.open(out) as image:
        shot = np.asarray(image.convert("RGB"))
    assert shot.shape[:2] == (report["screenshot"][1], report["screenshot"][0])
    spec = SequenceSpec(
        tuple(int(c) for c in report["sequence"]),
        report["width"],
        report["min_spacing"],
        report["max_spacing"],
        report["rule"],
        report["white_on_black"],
    )
    pixels = core_pixels(spec, report["seed"], report["indices"])
    k = report["scale"]
    x0, y0 = report["origin"]
    block = shot[y0 : y0 + 28 * k, x0 : x0 + spec.width * k]
    expected = np.repeat(np.repeat(pixels, k, axis=0), k, axis=1)
    # What the X server shows is the core's image, each pixel a crisp k x k block.
    for channel in range(3):
        assert np.array_equal(block[..., channel], expected)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(out, SCREENSHOT)
