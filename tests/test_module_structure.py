"""The framework's module structure: every module imports on its own, and no runtime
import cycle exists among framework modules (imports under ``TYPE_CHECKING`` aside).

An import placed inside a function still runs at run time, so it counts as an edge
too: a cycle cannot be dodged by moving an import into a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import framework

PACKAGE_ROOT = Path(framework.__file__).parent
ROOT_NAME = "framework"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULE_FILES = {_module_name(path): path for path in sorted(PACKAGE_ROOT.rglob("*.py"))}
PACKAGES = {name for name, path in MODULE_FILES.items() if path.name == "__init__.py"}


def _is_type_checking_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement outside an ``if TYPE_CHECKING:`` block, at any depth."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking_guard(child):
                for orelse in child.orelse:
                    visit(orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def _with_parent_packages(target: str) -> set[str]:
    """``target`` and the framework packages importing it runs first (the root package
    aside: every framework import starts there)."""
    names = {target}
    parts = target.split(".")
    for end in range(2, len(parts)):
        names.add(".".join(parts[:end]))
    return {name for name in names if name in MODULE_FILES}


def import_edges(module: str) -> set[str]:
    """The framework modules ``module`` imports at run time."""
    path = MODULE_FILES[module]
    package = module if module in PACKAGES else module.rpartition(".")[0]
    edges: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from package import name`` imports the submodule when there is one.
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [name if name in MODULE_FILES else base for name in targets]
        for target in targets:
            if target == ROOT_NAME or target.startswith(f"{ROOT_NAME}."):
                edges |= _with_parent_packages(target) | ({target} & {ROOT_NAME})
    # A module's own packages are already imported (or being imported) when it runs:
    # importing a sibling does not run them again.
    own_packages = {module.rsplit(".", depth)[0] for depth in range(1, module.count(".") + 1)}
    return edges - own_packages - {module}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of ``graph`` as a list of nodes (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == 1:
                return [*path[path.index(successor) :], successor]
            if successor not in state:
                cycle = visit(successor)
                if cycle is not None:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle is not None:
                return cycle
    return None


def test_no_runtime_import_cycle_among_framework_modules() -> None:
    """The modules of ``framework`` import each other without any cycle."""
    graph = {module: import_edges(module) for module in MODULE_FILES}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_cycles() -> None:
    """The check above can fail: a two-module and a three-module cycle are found."""
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}, "d": set()}) == ["b", "c", "b"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_edges_count_imports_inside_functions_but_not_type_checking_ones() -> None:
    """An import inside a function is an edge; one under ``TYPE_CHECKING`` is not."""
    assert "framework.globals" in import_edges("framework.ctx")
    assert "framework.app" not in import_edges("framework.ctx")  # TYPE_CHECKING only


# ``framework.__main__`` is left out: importing it runs the command.
@pytest.mark.parametrize("module", sorted(set(MODULE_FILES) - {"framework.__main__"}))
def test_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    """Importing the module first, in a new interpreter, works."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
