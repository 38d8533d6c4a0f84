"""The programs :func:`selectie.diagnose.explain` asks about: subsets of the constraints (for a
minimal conflict) and the smallest relaxation of the bounds.

:class:`Subsets` holds the profile-level program open in one solver session and answers
"can these constraints be met together?" by giving the rows of the other constraints no
bounds, so the dozens of questions QuickXplain asks are changes of row bounds, not new
programs.

:func:`relaxation_program` builds the program whose optimum is the cheapest set of moved
bounds: lowering a minimum from ``m`` to ``m - 1`` costs ``1/m`` (the cheapest steps, at the
highest levels, are taken first by themselves); raising a maximum from ``m - 1`` to ``m``
costs ``1/m``, its steps ordered from the old maximum up (step ``l + 1`` only after step
``l``); selecting more cases than the size asks costs 1 per extra case and a hair more
(selectie's own choice: a case more is a whole extra case study), so a relaxation as cheap at
the same size is preferred. The size is never lowered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..constraints import CompiledScenario, Kind
from ..solve.milp import Milp, Row
from ..solve.outcome import RawSolution
from ..solve.session import Session, open_session
from .program import SelectionModel

__all__ = ["SIZE_PREMIUM", "Relaxation", "Step", "Subsets", "relaxation_program"]

#: The share of a case by which selecting one more case costs more than 1 in the program, so
#: that of two relaxations of equal cost the one that keeps the size is found.
SIZE_PREMIUM = 1e-4


class Subsets:
    """The constraints' rows in one session, switched on and off by their bounds.

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> from selectie.constraints import compile_scenario
    >>> from selectie.solve.backend import get_backend
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("ab", "NS")], cb)
    >>> s = Scenario(size=1, quotas=[Quota(attribute="region", values=["N"], min=1),
    ...                              Quota(attribute="region", values=["S"], min=1)])
    >>> subsets = Subsets(SelectionModel(compile_scenario(pool, s)), get_backend("cbc"))
    >>> [subsets.solve([0, 1]).status.value, subsets.solve([0, 1, 2]).status.value]
    ['optimal', 'infeasible']
    """

    def __init__(self, model: SelectionModel, backend: object, *, seed: int = 1) -> None:
        self.model = model
        self.rows = model.base.rows
        self.session: Session = open_session(
            backend, model.base.with_objective([], "min"), seed=seed
        )
        self.on = [True] * len(self.rows)

    def solve(self, subset: Sequence[int], time_limit: float | None = None) -> RawSolution:
        """Solve the program with only the rows ``subset`` (constraint indices) bounded."""
        keep = set(subset)
        for k, row in enumerate(self.rows):
            want = k in keep
            if want != self.on[k]:
                self.session.set_row_bounds(k, row.lo if want else None, row.hi if want else None)
                self.on[k] = want
        return self.session.solve(time_limit=time_limit)

    def close(self) -> None:
        self.session.close()


@dataclass(frozen=True)
class Step:
    """The variables that move one bound of constraint ``k``: ``bound`` is "min", "max" or
    "size"; each variable at 1 moves the bound by one.
    """

    k: int
    bound: str
    variables: tuple[int, ...]


@dataclass(frozen=True)
class Relaxation:
    """The relaxation program and how to read its solution."""

    milp: Milp
    steps: tuple[Step, ...]

    def moved(self, values: Sequence[float]) -> list[tuple[Step, int]]:
        """Each step that moved, with by how much."""
        out = []
        for step in self.steps:
            moved = sum(round(values[j]) for j in step.variables)
            if moved:
                out.append((step, moved))
        return out


def relaxation_program(compiled: CompiledScenario, model: SelectionModel) -> Relaxation:
    """The program of the cheapest relaxation (see the module's description)."""
    base = model.base
    milp = Milp(list(base.var_names), list(base.lb), list(base.ub), list(base.integer))
    steps: list[Step] = []
    size = compiled.scenario.size

    def ladder(k: int, levels: range, upward: bool = False) -> list[int]:
        """One 0/1 step per level, costing 1/level (ordered from the first level up when
        ``upward``).
        """
        out: list[int] = []
        for level in levels:
            j = milp.add_var(f"relax{k}_{level}", 0.0, 1.0, True)
            milp.objective[j] = 1.0 / level
            if upward and out:
                milp.add_row(f"relax{k}_{level}_order", [(out[-1], 1.0), (j, -1.0)], 0.0, None)
            out.append(j)
        return out

    n = len(compiled.pool)
    for k, (c, row) in enumerate(zip(compiled.constraints, base.rows, strict=True)):
        if c.kind is Kind.SIZE:
            if n > size:  # "select more cases": 1 per extra case, and a hair more
                more = milp.add_var("more cases", 0.0, float(n - size), True)
                milp.objective[more] = 1.0 + SIZE_PREMIUM
                milp.rows.append(
                    Row(row.name, [*row.index, more], [*row.coef, -1.0], row.lo, row.hi)
                )
                steps.append(Step(k, "size", (more,)))
            else:
                milp.rows.append(row)
            continue
        if c.kind is Kind.BRIDGES:
            assert c.lo is not None
            ys = ladder(k, range(1, c.lo + 1))
            milp.rows.append(
                Row(row.name, row.index + ys, row.coef + [-1.0] * len(ys), None, row.hi)
            )
            steps.append(Step(k, "min", tuple(ys)))
            continue
        if row.lo is not None:
            ys = ladder(k, range(1, (c.lo or 0) + 1))
            milp.rows.append(
                Row(row.name, row.index + ys, row.coef + [1.0] * len(ys), row.lo, None)
            )
            steps.append(Step(k, "min", tuple(ys)))
        if row.hi is not None:
            assert c.hi is not None
            zs = ladder(k, range(c.hi + 1, len(c.members) + 1), upward=True)
            milp.rows.append(
                Row(row.name, row.index + zs, row.coef + [-1.0] * len(zs), None, row.hi)
            )
            steps.append(Step(k, "max", tuple(zs)))
    milp.sense = "min"
    return Relaxation(milp, tuple(steps))
