"""The layout rules the README promises: small modules and no import cycle."""

from __future__ import annotations

from pathlib import Path

import grimp

REPO_ROOT = Path(__file__).resolve().parents[1]

PACKAGE = REPO_ROOT / "mnist_seq_gui"


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(REPO_ROOT)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others."""
    modules = sorted(graph.modules)
    found: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in graph.modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_at_run_time():
    # Imports made only for type hints (under TYPE_CHECKING) never run, so they are left
    # out; an import inside a function counts, as it runs when the function does.
    graph = grimp.build_graph("mnist_seq_gui", exclude_type_checking_imports=True, cache_dir=None)
    assert _cycles(graph) == []
