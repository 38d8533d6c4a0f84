"""The package's modules import each other without cycles.

Every import statement counts, also those inside functions (a lazy import hides a cycle
from Python, not from a reader); only imports under ``if TYPE_CHECKING:`` are left out, as
they never run. The graph is built from the source with :mod:`ast`, and its cycles are found
with networkx.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "selectie"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for sub in ast.iter_child_nodes(node):
            visit(sub)

    visit(tree)
    return found


def import_graph() -> nx.DiGraph:
    """Module -> module it imports, for every module of the package."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [target, *(f"{target}.{a.name}" for a in node.names)]
            else:
                targets = [a.name for a in node.names]
            for target in targets:
                if target in files and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_graph_sees_the_package() -> None:
    """The graph holds the package's modules and the imports between them."""
    graph = import_graph()
    assert "selectie.engine" in graph
    assert graph.has_edge("selectie.engine", "selectie.formulation")
    assert graph.has_edge("selectie.solve.cbc", "selectie.solve.session")


def test_no_import_cycles() -> None:
    """No module imports itself through others."""
    cycles = sorted(sorted(c) for c in nx.simple_cycles(import_graph()))
    assert cycles == []


def test_solve_imports_nothing_from_the_domain() -> None:
    """The solver layer knows only its own modules, the error family and the message
    catalogue (its messages are shown in the user's language).
    """
    graph = import_graph()
    for module in [n for n in graph if n.startswith("selectie.solve")]:
        outside = {
            t
            for t in graph.successors(module)
            if not t.startswith("selectie.solve") and t not in ("selectie.errors", "selectie.i18n")
        }
        assert outside == set(), module
