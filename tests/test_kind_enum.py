"""Constraint kinds are compared as :class:`~selectie.constraints.Kind` members, never as
strings: no ``kind == "bridges"``, ``kind != "size"`` or ``kind in ("quota", ...)`` is left in
the package (issue 16). Found with :mod:`ast`, so comments and docstrings do not count.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

from selectie.constraints import Kind

PACKAGE = Path(__file__).resolve().parent.parent / "selectie"
NAMES = {k.value for k in Kind}


def _is_kind(node: ast.expr) -> bool:
    """``kind``, ``x.kind`` (any object's kind attribute)."""
    return (isinstance(node, ast.Name) and node.id == "kind") or (
        isinstance(node, ast.Attribute) and node.attr == "kind"
    )


def _kind_strings(node: ast.expr) -> set[str]:
    """The constraint kind names among the string constants of ``node`` (a constant, or a
    tuple, list or set of them).
    """
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return {
        e.value
        for e in items
        if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value in NAMES
    }


def string_kind_comparisons(source: str) -> list[tuple[int, str]]:
    """(line, kind name) of every comparison of a ``kind`` with a constraint kind's string."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for a, b in pairwise(sides):
            for x, y in ((a, b), (b, a)):
                if _is_kind(x):
                    found.extend((node.lineno, name) for name in sorted(_kind_strings(y)))
    return found


def test_the_scan_finds_string_comparisons_and_passes_enum_ones() -> None:
    bad = (
        'if c.kind == "bridges": pass\n'
        'ok = "size" != constraint.kind\n'
        'if kind in ("quota", "coverage"): pass\n'
        'if c.kind not in ["include"]: pass\n'
    )
    assert string_kind_comparisons(bad) == [
        (1, "bridges"),
        (2, "size"),
        (3, "coverage"),
        (3, "quota"),
        (4, "include"),
    ]
    good = (
        "if c.kind is Kind.BRIDGES: pass\n"
        "if c.kind in (Kind.QUOTA, Kind.COVERAGE): pass\n"
        'if obj.kind == "match_target": pass\n'  # an objective kind, not a constraint kind
        'if column.kind == "number": pass\n'
        'text = "kind == \\"bridges\\""\n'
    )
    assert string_kind_comparisons(good) == []


def test_no_constraint_kind_is_compared_as_a_string() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: kind compared with {name!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in string_kind_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use selectie.constraints.Kind:\n" + "\n".join(offenders)
