"""The one re-check of every answer: a selection is checked against every constraint of the
scenario in plain Python (:meth:`selectie.constraints.Constraint.check`), its size counted
and its objective recomputed, whatever the solver said.

>>> from selectie import load_pool, load_scenario
>>> from selectie.constraints import compile_scenario
>>> pool = load_pool()
>>> compiled = compile_scenario(pool, load_scenario())
>>> report13 = [pool.position(i) for i in pool.ids if i.startswith("R")]
>>> failure(compiled, report13, "cbc")
''
>>> print(failure(compiled, report13[:12], "cbc"))  # doctest: +NORMALIZE_WHITESPACE
the solver (cbc) returned a selection that fails the re-check (size: 12 selected,
exactly 13 required (short by 1)); it is not shown
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from ..constraints import CompiledScenario
from ..errors import SolverError
from ..result import Audit

__all__ = ["failure", "objective_mismatch", "recheck", "verified"]


def recheck(compiled: CompiledScenario, positions: Iterable[int]) -> Audit:
    """Every constraint's check and the objective's value for a selection (pool positions)."""
    chosen = sorted(positions)
    return Audit(tuple(compiled.check(chosen)), compiled.objective.evaluate(chosen))


def failure(compiled: CompiledScenario, positions: Sequence[int], solver: str) -> str:
    """Why the selection a solver returned fails the re-check, or "" when it passes."""
    checks = compiled.check(positions)
    bad = [c for c in checks if not c.satisfied]
    if (
        not bad
        and len(positions) == compiled.scenario.size
        and len(set(positions)) == len(positions)
    ):
        return ""
    from ..i18n import _

    detail = "; ".join(c.sentence() for c in bad[:5]) or (
        _("{n} cases instead of {size}").format(n=len(positions), size=compiled.scenario.size)
    )
    return _(
        "the solver ({solver}) returned a selection that fails the re-check ({detail}); "
        "it is not shown"
    ).format(solver=solver, detail=detail)


def verified(
    compiled: CompiledScenario, positions: tuple[int, ...], solver: str
) -> tuple[int, ...]:
    """``positions`` if they pass the re-check; raise :class:`SolverError` otherwise."""
    why = failure(compiled, positions, solver)
    if why:
        raise SolverError(why)
    return positions


def objective_mismatch(audit: Audit, expected: Mapping[str, float]) -> str:
    """Compare the solver's stage values with the objective recomputed in Python; "" if they
    agree.
    """
    obj = audit.objective
    if obj is None:
        return ""
    for part, value in expected.items():
        got = obj.parts.get(part)
        if got is None or not math.isclose(got, value, rel_tol=1e-6, abs_tol=1e-6):
            from ..i18n import _

            return _(
                "the solver's {part} ({value}) differs from the value recomputed for "
                "its selection ({got}); the selection is not shown"
            ).format(part=part, value=f"{value:g}", got=got)
    return ""
