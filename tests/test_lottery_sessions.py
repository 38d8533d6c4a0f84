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


#: Every module of the lottery: the master and pricing programs, the fractional bound of
#: heuristics.py, and the loops over them.
SESSION_MODULES = tuple(sorted(p.name for p in LOTTERY.glob("*.py")))


def test_no_lottery_module_drives_a_solver_directly() -> None:
    """The lottery's master and pricing modules import neither highspy nor pulp nor the
    backends' modules: those programs go through the session protocol, and their status
    through the backends' status tables.
    """
    files = [LOTTERY / name for name in SESSION_MODULES]
    assert files
    direct = {"highspy", "pulp", "..solve.highs", "..solve.cbc", "..solve.pulp_backend"}
    offenders = {
        f.name: sorted(imported_modules(f) & direct) for f in files if imported_modules(f) & direct
    }
    assert offenders == {}
