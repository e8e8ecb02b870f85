"""The import graph of ``thinktank``: no cycles, domain packages depend downward only.

Every module is parsed with ``ast``; an import inside a function counts like one at the top of
the module (it is still a dependency, only a later one). Only an import under
``if TYPE_CHECKING:`` is left out: it names a type for the checker and never runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import thinktank

ROOT = Path(thinktank.__file__).parent

#: The layers, lowest first. A module may import its own layer and the ones below it.
#: ``core`` is every top-level module not named elsewhere; the top may import anything.
LAYERS = [
    "core",
    "audit",
    "accounts",
    "notifications",
    "cases",
    "members",
    "discussion",
    "voting",
    "recommendations",
    "sitepages",
    "privacy",
    "public",
    "admin",
    "api",
    "search",
    "top",
]
TOP = {"wiring", "__init__", "cli", "stored_html", "demo"}  # the demo loads through them all

#: Modules whose layer is not their package's: checked like any other module of that layer.
MODULE_LAYERS = {
    # the roles vocabulary knows nothing but thinktank.models; permissions and the log use it
    "thinktank.accounts.roles": "core",
    # locks the author's User row, so it sits on accounts; every domain that posts uses it
    "thinktank.double_posts": "accounts",
}

#: Known upward imports, (importing module, imported module): the debt this test would list,
#: each with a comment on the move that would pay it; remove an entry once the move is made.
ALLOWED_UPWARD: set[tuple[str, str]] = set()  # none left: keep it that way


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith(
        "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST):
    """Every import statement in ``node``, at any depth, except under ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    children = node.orelse if _is_type_checking(node) else ast.iter_child_nodes(node)
    for child in children:
        yield from _import_nodes(child)


def _imports(name: str, path: Path) -> set[str]:
    """The thinktank modules ``name`` imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from thinktank.cases import service`` imports the module cases.service
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                for alias in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t.split(".")[0] == "thinktank" and t != name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    if module in MODULE_LAYERS:
        return MODULE_LAYERS[module]
    parts = module.split(".")
    if len(parts) == 1:
        return "top"  # thinktank/__init__.py
    first = parts[1]
    if first in TOP or first.startswith("demo"):
        return "top"
    if first in LAYERS:
        return first
    assert len(parts) == 2, f"{module}: a package missing from LAYERS"
    return "core"


def _edges(test):
    return sorted((a, b) for a, targets in GRAPH.items() for b in targets if test(a, b))


def test_the_graph_sees_function_level_imports():
    # cases.service imports the diff helpers inside a function only
    assert "thinktank.diff" in GRAPH["thinktank.cases.service"]
    assert "thinktank.cases.service" in GRAPH["thinktank.cases.views"]


def test_only_type_checking_imports_are_left_out():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import thinktank.a\nelse:\n    import thinktank.b\n"
        "def f():\n    if x:\n        import thinktank.c\n"
    )
    names = [alias.name for node in _import_nodes(tree) for alias in node.names]
    assert names == ["TYPE_CHECKING", "thinktank.b", "thinktank.c"]


def test_services_models_and_policies_import_no_forms_or_views():
    def bad(a, b):
        low = a.rpartition(".")[2] in {"service", "models", "policies"}
        return low and b.rpartition(".")[2] in {"forms", "views"}

    offending = _edges(bad)
    assert not offending, "services take plain values:\n" + "\n".join(
        f"{a} -> {b}" for a, b in offending
    )


def test_packages_import_only_downward():
    def upward(a, b):
        return LAYERS.index(_layer(b)) > LAYERS.index(_layer(a)) and (a, b) not in ALLOWED_UPWARD

    offending = _edges(upward)
    assert not offending, "upward imports:\n" + "\n".join(
        f"{a} ({_layer(a)}) -> {b} ({_layer(b)})" for a, b in offending
    )


def test_the_allow_list_holds_no_paid_debt():
    still_there = {(a, b) for a, b in ALLOWED_UPWARD if b in GRAPH.get(a, set())}
    assert still_there == ALLOWED_UPWARD, f"no longer imported: {ALLOWED_UPWARD - still_there}"


def test_no_cycle_between_packages_outside_the_allow_list():
    packages: dict[str, set[str]] = {}
    for a, targets in GRAPH.items():
        for b in targets:
            if (a, b) not in ALLOWED_UPWARD and _layer(a) != _layer(b):
                packages.setdefault(_layer(a), set()).add(_layer(b))

    def reaches(start, goal, seen=()):
        return any(
            n == goal or (n not in seen and reaches(n, goal, (*seen, n)))
            for n in packages.get(start, ())
        )

    cycles = sorted(p for p in packages if reaches(p, p))
    assert not cycles, f"packages in an import cycle: {cycles}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules():
    cycles = _cycles(GRAPH)
    assert not cycles, "modules importing each other (directly or around):\n" + "\n".join(
        f"{group}: " + ", ".join(f"{a} -> {b}" for a in group for b in GRAPH[a] if b in group)
        for group in cycles
    )
