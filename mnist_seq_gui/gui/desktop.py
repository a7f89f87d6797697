"""`mnist-seq-gui --install-desktop`: a menu entry and icon for the current user (Qt-free).

Writes the .desktop file and the SVG icon under the XDG data folder
($XDG_DATA_HOME, by default ~/.local/share), as the freedesktop.org specifications
say, so desktop menus list the explorer and file managers offer it for PNG files.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

APP_ID = "mnist-seq-gui"  # also the application's name for Qt and its settings
ORGANIZATION = "mnist-seq"
ICON_NAME = "mnist-seq"


def icon_path() -> Path | None:
    """The SVG icon: beside this module when installed, in resources/ of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / f"{ICON_NAME}.svg",
        here.parent.parent / "resources" / f"{ICON_NAME}.svg",
    ):
        if candidate.is_file():
            return candidate
    return None


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The spec says a relative value is invalid and must be ignored.
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def _quoted(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec asks when needed."""
    if arg and not any(ch in arg for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """How to start this installation: its own launcher if there is one, else python -m."""
    launcher = shutil.which(APP_ID)
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if script is not None and script.name == APP_ID and script.is_file():
        return [str(script)]
    if launcher:
        return [str(Path(launcher).resolve())]
    return [str(Path(sys.executable).resolve()), "-m", "mnist_seq_gui"]


def desktop_entry(command: list[str]) -> str:
    exec_line = " ".join(_quoted(arg) for arg in command) + " %f"
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=mnist-seq explorer\n"
        "GenericName=Digit sequence explorer\n"
        "Comment=Preview and save images of handwritten digit sequences composed from MNIST\n"
        f"Exec={exec_line}\n"
        f"Icon={ICON_NAME}\n"
        "Terminal=false\n"
        "MimeType=image/png;\n"
        "Categories=Graphics;Science;Education;Qt;\n"
        "Keywords=MNIST;digits;handwriting;dataset;OCR;\n"
        f"StartupWMClass={APP_ID}\n"
    )


def install_desktop(home: Path | None = None) -> list[Path]:
    """Write the menu entry and the icon; returns the files written."""
    from ..files import write_bytes_atomic  # here: the entry point loads this module early

    home = data_home() if home is None else home
    icon = icon_path()
    if icon is None:
        raise FileNotFoundError(f"the icon {ICON_NAME}.svg is missing from this installation")
    entry = home / "applications" / f"{APP_ID}.desktop"
    icon_target = home / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    for folder in (entry.parent, icon_target.parent):
        folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(icon_target, icon.read_bytes())
    write_bytes_atomic(entry, desktop_entry(launch_command()).encode())
    return [entry, icon_target]
