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
from typing import TYPE_CHECKING

import numpy as np

from ..constraints import CompiledScenario, Kind
from ..errors import SolverError
from ..result import Audit

if TYPE_CHECKING:
    from .profiles import Profiles

__all__ = ["failure", "objective_mismatch", "recheck", "recheck_selections", "verified"]


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


def recheck_selections(
    compiled: CompiledScenario, prof: Profiles, selections: Sequence[np.ndarray]
) -> str | None:
    """Re-check selections (profile counts) against every constraint in plain Python;
    None if all pass, else what failed.

    Without bridges every constraint counts selected cases, so it is checked through its
    ``predicate`` (membership recomputed from the pool's values) on every case: that
    shows each profile lies wholly inside or outside the constraint, and the count of any
    selection is then its profile counts summed over the profiles inside. This checks
    every concrete selection of an entry, not just one, and costs one pass over the pool
    per constraint. When that pass would cost more than checking one concrete selection
    per entry (few, small selections), or with bridges, a concrete selection of each entry
    (the first cases of each profile) is checked with ``CompiledScenario.check``.
    """
    from ..i18n import _, ngettext

    size = compiled.scenario.size
    n = len(compiled.pool)
    cons = compiled.constraints
    if any(c.kind is Kind.BRIDGES for c in cons) or len(selections) * size <= n:
        for counts in selections:
            chosen = prof.positions(counts.tolist())
            bad = [c for c in compiled.check(chosen) if not c.satisfied]
            if len(chosen) != size or bad:
                return "; ".join(c.sentence() for c in bad[:5]) or ngettext(
                    "{n} case instead of {size}", "{n} cases instead of {size}", len(chosen)
                ).format(n=len(chosen), size=size)
        return None
    matrix = np.array(selections, dtype=np.int64)
    totals = matrix.sum(axis=1)
    if np.any(totals != size):
        n = int(totals[totals != size][0])
        return ngettext("{n} case instead of {size}", "{n} cases instead of {size}", n).format(
            n=n, size=size
        )
    for c in cons:
        hit = np.fromiter((bool(c.predicate(i)) for i in range(n)), dtype=bool, count=n)
        inside = np.bincount(prof.profile_of[hit], minlength=prof.count)
        if np.any((inside != 0) & (inside != prof.sizes)):
            return _("{name}: the constraint splits a profile of interchangeable cases").format(
                name=c.name
            )
        achieved = matrix @ (inside > 0).astype(np.int64)
        low = c.lo is not None and bool(np.any(achieved < c.lo))
        high = c.hi is not None and bool(np.any(achieved > c.hi))
        if low or high:
            worst = int(achieved.min() if low else achieved.max())
            return _("{name}: {worst} selected, {required} required").format(
                name=c.name, worst=worst, required=c.required
            )
    return None
