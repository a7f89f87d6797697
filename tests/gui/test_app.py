"""The entry point: checks before Qt starts, and --install-desktop."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from mnist_seq_gui import __version__
from mnist_seq_gui.gui.app import display_problem, main
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
