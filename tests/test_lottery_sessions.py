"""The lottery solves its programs through solver sessions only (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import selectie.lottery

LOTTERY = Path(selectie.lottery.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports, by their full dotted name (relative imports kept as written)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_no_lottery_module_drives_a_solver_directly() -> None:
    """No module of selectie/lottery imports highspy or pulp, or the backends' modules: the
    pricing and master programs go through the session protocol, and their status through
    the backends' status tables.
    """
    files = sorted(LOTTERY.glob("*.py"))
    assert files
    direct = {"highspy", "pulp", "..solve.highs", "..solve.cbc", "..solve.pulp_backend"}
    offenders = {
        f.name: sorted(imported_modules(f) & direct) for f in files if imported_modules(f) & direct
    }
    assert offenders == {}
