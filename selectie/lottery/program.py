"""The lottery's selection program, built by the formulation (:mod:`selectie.formulation`):
profiles grouped by the rows cases lie in (:func:`~selectie.formulation.row_labels`), the
program over profiles (:class:`~selectie.formulation.SelectionModel`), and the plain checks
and labels the column generation uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..constraints import CompiledScenario
from ..formulation import Profiles, SelectionModel, row_labels
from ..pool import Pool
from ..solve.milp import Milp


def selection_model(compiled: CompiledScenario, *, objective: bool) -> SelectionModel:
    """The selection program over the lottery's profiles: cases in the same constraints (with
    ``objective``, also in the same objective cells and of the same weight) are one profile,
    ``n_p`` in ``0..|p|``, one row per constraint.
    """
    labels = row_labels(compiled, objective=objective)
    return SelectionModel(compiled, profiles=Profiles(compiled, labels=labels))


def _satisfies(milp: Milp, values: Sequence[float], tol: float = 1e-6) -> bool:
    """True if ``values`` satisfies every bound and row of ``milp`` (checked in Python)."""
    for j in range(milp.num_vars):
        if values[j] < milp.lb[j] - tol or values[j] > milp.ub[j] + tol:
            return False
    for row in milp.rows:
        s = sum(c * values[j] for j, c in zip(row.index, row.coef, strict=True))
        if row.lo is not None and s < row.lo - tol:
            return False
        if row.hi is not None and s > row.hi + tol:
            return False
    return True


def _profile_label(pool: Pool, attributes: Sequence[str], members: Sequence[int]) -> str:
    first = members[0]
    parts = []
    for a in attributes:
        cell = pool.values[a][first]
        parts.append(f"{a}={'/'.join(sorted(cell)) if cell else '?'}")
    text = ", ".join(parts)
    if len(members) <= 3:
        ids = ", ".join(pool.ids[i] for i in members)
        return f"{text} [{ids}]" if text else f"[{ids}]"
    return f"{text} [{pool.ids[first]}, ... {len(members)} cases]"
