"""The core (and the non-GUI doors) must never import Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_api_cli_import_no_qt():
    code = (
        "import sys, json; import mnist_seq_gui.core, mnist_seq_gui.api, mnist_seq_gui.cli;"
        "import mnist_seq_gui.sequence_cli, mnist_seq_gui.dataset.cli;"
        "from mnist_seq_gui.core import bundled_bank, compose, SequenceSpec;"
        "compose(bundled_bank(), SequenceSpec((1, 2), 56), 0);"
        "print(json.dumps(sorted(m for m in sys.modules if 'PySide' in m or 'Qt' in m)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
