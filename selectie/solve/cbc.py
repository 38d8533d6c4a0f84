"""CBC through PuLP (the default backend): PuLP's bundled CBC binary, in a subprocess.

The status is read from CBC's own solution status (PuLP's ``sol_status``), because PuLP's
summary status calls a time-limited run "Optimal" (PuLP issues #711, #517, #383).
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import SolverError
from .backend import RawSolution, Status
from .milp import Milp

__all__ = ["CbcBackend", "to_pulp"]


def to_pulp(milp: Milp, name: str = "selectie") -> tuple[Any, list[Any]]:
    """The program as a PuLP problem, and its variables in index order."""
    import pulp

    sense = pulp.LpMaximize if milp.sense == "max" else pulp.LpMinimize
    prob = pulp.LpProblem(name, sense)
    xs = []
    for j in range(milp.num_vars):
        lb, ub = milp.lb[j], milp.ub[j]
        if milp.integer[j]:
            cat = pulp.LpBinary if (lb == 0 and ub == 1) else pulp.LpInteger
        else:
            cat = pulp.LpContinuous
        xs.append(pulp.LpVariable(f"x{j}", lowBound=lb, upBound=ub, cat=cat))
    obj = pulp.LpAffineExpression([(xs[j], c) for j, c in milp.objective.items()])
    prob.setObjective(obj)
    for k, row in enumerate(milp.rows):
        expr = pulp.LpAffineExpression(
            [(xs[j], c) for j, c in zip(row.index, row.coef, strict=True)]
        )
        if row.lo is not None and row.hi is not None and row.lo == row.hi:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{k}e", row.lo))
            continue
        if row.lo is not None:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{k}l", row.lo))
        if row.hi is not None:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{k}u", row.hi))
    return prob, xs


class CbcBackend:
    """CBC (COIN-OR branch and cut), bundled with PuLP 3.x."""

    name = "cbc"
    install_hint = (
        "Install PuLP 3.x, which bundles CBC: pip install 'pulp>=3.3,<4' "
        "(PuLP 4 no longer bundles CBC)."
    )

    def _solver(self, time_limit: float | None, seed: int, verbose: bool) -> Any:
        import pulp

        options = [f"randomCbcSeed {max(1, int(seed))}", f"randomSeed {max(1, int(seed))}"]
        return pulp.PULP_CBC_CMD(
            msg=verbose,
            timeLimit=None if time_limit is None else max(0.01, float(time_limit)),
            threads=1,
            options=options,
        )

    def is_installed(self) -> bool:
        try:
            import pulp
        except ImportError:
            return False
        try:
            return bool(pulp.PULP_CBC_CMD(msg=False).available())
        except Exception:
            return False

    def version(self) -> str:
        import pulp

        return f"CBC (bundled with PuLP {pulp.__version__})"

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        import pulp

        prob, xs = to_pulp(milp)
        start = time.perf_counter()
        try:
            prob.solve(self._solver(time_limit, seed, verbose))
        except pulp.PulpSolverError as exc:
            raise SolverError(f"CBC failed: {exc}") from None
        seconds = time.perf_counter() - start
        sol = prob.sol_status
        if sol == pulp.LpSolutionOptimal:
            status = Status.OPTIMAL
        elif sol == pulp.LpSolutionIntegerFeasible:
            status = Status.FEASIBLE
        elif sol == pulp.LpSolutionInfeasible:
            status = Status.INFEASIBLE
        elif sol == pulp.LpSolutionNoSolutionFound and time_limit is not None:
            status = Status.NO_SOLUTION
        else:
            return RawSolution(
                Status.ERROR,
                None,
                None,
                None,
                seconds,
                f"CBC ended with status {pulp.LpStatus.get(prob.status, prob.status)!r}",
            )
        if not status.has_selection:
            return RawSolution(status, None, None, None, seconds)
        values = [0.0 if x.varValue is None else float(x.varValue) for x in xs]
        objective = pulp.value(prob.objective) if milp.objective else 0.0
        return RawSolution(
            status, values, None if objective is None else float(objective), None, seconds
        )
