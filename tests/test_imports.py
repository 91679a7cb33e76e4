"""The direction of dependencies, read from the source: escalation, nlu and reports never
import bot, and bot's modules import each other without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported(path: Path) -> set[str]:
    """Modules a file imports when it runs (imports under `if TYPE_CHECKING:` excluded)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text())
    skipped = {id(n) for t in ast.walk(tree) if _type_checking_only(t) for n in ast.walk(t)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_graph(package: str) -> dict[str, set[str]]:
    files = {module_name(path): path for path in (ROOT / package).rglob("*.py")}
    return {name: imported(path) & files.keys() - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", ["escalation", "nlu", "reports", "locales"])
def test_packages_below_the_bot_never_import_it(package: str) -> None:
    offenders = {
        module_name(path): sorted(n for n in imported(path) if n == "bot" or n.startswith("bot."))
        for path in (ROOT / package).rglob("*.py")
    }
    assert {name: names for name, names in offenders.items() if names} == {}


def test_the_bot_never_imports_escalation() -> None:
    offenders = {
        module_name(path): sorted(n for n in imported(path) if n.startswith("escalation"))
        for path in (ROOT / "bot").rglob("*.py")
    }
    assert {name: names for name, names in offenders.items() if names} == {}


def test_the_bot_modules_import_each_other_without_a_cycle() -> None:
    assert [sorted(component) for component in cycles(package_graph("bot"))] == []
