"""The entry point: checks before Qt starts, --install-desktop, and the memory settings."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_seq_gui import __version__
from mnist_seq_gui.gui.app import build_application, display_problem, main, qt_problem
from mnist_seq_gui.gui.desktop import icon_path
from mnist_seq_gui.gui.memory import freeze_start_up_objects, tune_malloc


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, "neither DISPLAY nor WAYLAND_DISPLAY"),
        ({"QT_QPA_PLATFORM": "xcb"}, "neither DISPLAY nor WAYLAND_DISPLAY"),
        ({"DISPLAY": ":4711"}, "cannot connect to the X display ':4711'"),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "DISPLAY is not set"),
    ],
)
def test_a_missing_or_unreachable_display_is_named(env, said):
    problem = display_problem(env)
    assert problem is not None and said in problem


@pytest.mark.parametrize(
    "env",
    [{"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "minimal"}, {"WAYLAND_DISPLAY": "w"}],
)
def test_headless_platforms_and_wayland_need_no_x_server(env):
    assert display_problem(env) is None


def test_version_and_help_need_no_display(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["mnist-seq-gui", "--version"])
    assert stop.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["mnist-seq-gui", "--help"])
    assert stop.value.code == 0 and "--install-desktop" in capsys.readouterr().out


def test_install_desktop_writes_the_menu_entry_and_icon(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["mnist-seq-gui", "--install-desktop"]) == 0
    entry = tmp_path / "applications" / "mnist-seq-gui.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "mnist-seq.svg"
    assert str(entry) in capsys.readouterr().out
    assert icon.read_bytes() == icon_path().read_bytes()
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(entry.read_text())
    desktop = parser["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Icon"] == "mnist-seq"
    assert desktop["MimeType"] == "image/png;"
    command = shlex.split(desktop["Exec"])
    assert command[-1] == "%f"  # the file a desktop opens with it
    assert Path(command[0]).is_absolute() and Path(command[0]).exists()
    # Installing again replaces the files in place.
    assert main(["mnist-seq-gui", "--install-desktop"]) == 0
    assert sorted(p.name for p in entry.parent.iterdir()) == ["mnist-seq-gui.desktop"]


def test_install_desktop_into_an_unwritable_place_says_so(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["mnist-seq-gui", "--install-desktop"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mnist-seq-gui: error:")


def test_malloc_tuned_where_libc_is_glibc():
    """One arena, and a freed 16 MiB array stays in the heap for the next draw."""
    import ctypes
    import platform

    import numpy as np

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc: the settings are glibc's")
    libc = ctypes.CDLL("libc.so.6")
    if not hasattr(libc, "mallinfo2"):
        pytest.skip("glibc older than 2.33: no mallinfo2 to look with")

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    libc.mallinfo2.restype = MallInfo2
    assert tune_malloc() is True
    size = 16 * 1024 * 1024
    mapped_before = libc.mallinfo2().hblkhd
    block = np.ones(size, dtype=np.uint8)
    assert libc.mallinfo2().hblkhd - mapped_before < size  # from the heap, not mmap
    del block
    assert libc.mallinfo2().fordblks >= size  # kept in the heap once freed


def test_start_up_objects_are_frozen_out_of_later_collections():
    import gc

    assert gc.get_freeze_count() == 0
    freeze_start_up_objects()
    try:
        assert gc.get_freeze_count() > 1000  # the modules and Qt wrappers loaded so far
    finally:
        gc.unfreeze()


def test_the_application_carries_the_names_settings_and_desktops_use(qapp):
    app = build_application(["mnist-seq-gui"])
    assert app is qapp  # the one that runs is reused
    assert (app.organizationName(), app.applicationName()) == ("mnist-seq", "mnist-seq-gui")
    assert app.desktopFileName() == "mnist-seq-gui"
    assert app.applicationVersion() == __version__
    assert not app.windowIcon().isNull()
    assert qt_problem() is None


def _child_env(subprocess_env, tmp_path: Path, *dropped: str) -> dict[str, str]:
    env = dict(subprocess_env, XDG_CONFIG_HOME=str(tmp_path / "config"))
    for name in dropped:
        env.pop(name, None)
    return env


def test_without_a_display_help_works_and_a_start_says_why_in_one_line(tmp_path, subprocess_env):
    env = _child_env(subprocess_env, tmp_path, "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    command = [sys.executable, "-m", "mnist_seq_gui"]
    helped = subprocess.run(
        [*command, "--help"], env=env, capture_output=True, text=True, timeout=120
    )
    assert helped.returncode == 0 and "usage" in helped.stdout.lower()
    started = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 2
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mnist-seq-gui: error: no display")


def test_without_pyside6_a_start_says_what_to_install(tmp_path, subprocess_env):
    code = (
        "import sys, runpy; sys.modules['PySide6'] = None; "
        "runpy.run_module('mnist_seq_gui', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_child_env(subprocess_env, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PySide6" in lines[0] and "pip install" in lines[0]
