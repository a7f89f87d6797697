"""The core, and the doors that are not the explorer, run without importing Qt."""

from __future__ import annotations

import json


def test_the_core_and_the_command_doors_import_no_qt(run_python):
    code = (
        "import sys, json\n"
        "import mnist_seq_gui.core, mnist_seq_gui.api, mnist_seq_gui.cli\n"
        "import mnist_seq_gui.sequence_cli, mnist_seq_gui.dataset.cli\n"
        "from mnist_seq_gui.core import Recipe, bundled_bank, compose, compose_batch\n"
        "compose(bundled_bank(), Recipe(), [1, 2])\n"
        "compose_batch(bundled_bank(), Recipe(variation={'rotation': (-9, 9)}), [[1, 2]])\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "                        if m.split('.')[0] in ('PySide6', 'shiboken6', 'superqt'))))\n"
    )
    done = run_python("-c", code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
