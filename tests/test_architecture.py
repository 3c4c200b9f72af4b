"""The package's import graph, built from the source: data flows one way, and no module
imports another in a circle. docs/architecture.md draws the same layers."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

PACKAGE = REPO / "qrules"

# Each unit (a top-level module or sub-package of qrules) may import only units of a lower
# layer, never one of its own layer or above: the folder listing is the data flow.
LAYERS = [
    {"errors", "limits", "resources", "__version__"},
    {"model", "fileio", "schema", "cache"},
    {"syntax", "stdlib"},
    {"compile", "document"},
    {"ruleset"},
    {"engine", "negotiate"},
    {"report", "diff"},  # diff compares revisions; reports render model/diff.py
    {"authoring", "config"},
    {"cli"},
    {"__main__", "__init__"},  # `python -m qrules`, and the public API (imported lazily)
]
RANK = {unit: rank for rank, layer in enumerate(LAYERS) for unit in layer}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every qrules module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qrules"):
            if node.module == "qrules":
                found |= {f"qrules.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("qrules")}
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(path): imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_unit_has_a_layer() -> None:
    units = {unit(module) for module in graph()}
    assert units - RANK.keys() == set()


def test_no_module_imports_against_the_flow() -> None:
    against = sorted(
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if unit(module) != unit(target) and RANK[unit(target)] >= RANK[unit(module)]
    )
    assert against == []


def test_no_import_cycle() -> None:
    modules = graph()
    edges = {module: {t for t in targets if t in modules} for module, targets in modules.items()}
    cycles = [path for path in (_cycle_from(start, edges) for start in edges) if path]
    assert cycles == []


def _cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one (depth-first)."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for target in edges.get(module, ()):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_module_is_over_400_lines() -> None:
    """A module over ~400 lines is two modules (STYLE.md)."""
    long = {
        str(path.relative_to(REPO)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
