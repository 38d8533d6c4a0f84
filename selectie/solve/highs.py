"""HiGHS through highspy (the second backend): the program is passed in memory.

The status comes from HiGHS's model status and the primal solution status, so a run stopped
by the time limit reports ``FEASIBLE`` with a solution or ``NO_SOLUTION`` without one.
"""

from __future__ import annotations

import time
from itertools import chain
from typing import Any

from ..errors import SolverError
from .backend import RawSolution, Status
from .milp import LpSolution, Milp

__all__ = ["HighsBackend", "model_status", "new_highs", "to_highs"]

_banner_shown = False
# Bits of HiGHS's presolve_rule_off option (see HiGHS's option documentation).
_PROBING = 1 << 15
_ENUMERATION = 1 << 16


def new_highs() -> Any:
    """A ``highspy.Highs`` object with its log off.

    HiGHS prints a copyright banner on standard output the first time a solver object is made
    in a process, before any option can be set; that would corrupt ``--format json`` output, so
    the first construction runs with file descriptor 1 pointed at the null device.
    """
    global _banner_shown
    import os
    import sys

    import highspy

    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h


def to_highs(milp: Milp, verbose: bool = False) -> Any:
    """A ``highspy.Highs`` object holding the program (columns, rows, objective, integrality)."""
    import highspy
    import numpy as np

    inf = highspy.kHighsInf
    h = new_highs()
    h.setOptionValue("output_flag", bool(verbose))
    n = milp.num_vars
    cost = np.zeros(n)
    for j, c in milp.objective.items():
        cost[j] += c
    h.addVars(n, np.asarray(milp.lb, dtype=float), np.asarray(milp.ub, dtype=float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    ints = np.nonzero(np.asarray(milp.integer, dtype=bool))[0].astype(np.int32)
    if ints.size:
        h.changeColsIntegrality(ints.size, ints, np.full(ints.size, highspy.HighsVarType.kInteger))
    if milp.rows:
        lo = np.array([(-inf if r.lo is None else r.lo) for r in milp.rows], dtype=float)
        hi = np.array([(inf if r.hi is None else r.hi) for r in milp.rows], dtype=float)
        sizes = [len(r.index) for r in milp.rows]
        total = sum(sizes)
        starts = np.zeros(len(milp.rows), dtype=np.int32)
        starts[1:] = np.cumsum(sizes[:-1])
        idx = np.fromiter(chain.from_iterable(r.index for r in milp.rows), np.int32, total)
        val = np.fromiter(chain.from_iterable(r.coef for r in milp.rows), float, total)
        h.addRows(len(milp.rows), lo, hi, total, starts, idx, val)
    h.changeObjectiveSense(
        highspy.ObjSense.kMaximize if milp.sense == "max" else highspy.ObjSense.kMinimize
    )
    return h


def model_status(ms: Any, *, bounded: bool) -> Status | None:
    """What a HiGHS model status proves: the one table of HiGHS's statuses. ``None`` stands
    for a run stopped by a limit (FEASIBLE with an incumbent, else NO_SOLUTION).

    ``kUnboundedOrInfeasible`` proves infeasibility only for a program whose variables are all
    bounded (selectie's always are: counts of cases, deviations); otherwise it is an ERROR.

    >>> import highspy
    >>> M = highspy.HighsModelStatus
    >>> model_status(M.kTimeLimit, bounded=True) is None
    True
    >>> model_status(M.kUnboundedOrInfeasible, bounded=True), model_status(M.kNotset, bounded=True)
    (<Status.INFEASIBLE: 'infeasible'>, <Status.ERROR: 'error'>)
    """
    import highspy

    M = highspy.HighsModelStatus
    table: dict[Any, Status | None] = {
        M.kOptimal: Status.OPTIMAL,
        M.kInfeasible: Status.INFEASIBLE,
        M.kUnboundedOrInfeasible: Status.INFEASIBLE if bounded else Status.ERROR,
        M.kTimeLimit: None,
        M.kIterationLimit: None,
        M.kInterrupt: None,
        M.kSolutionLimit: None,
    }
    return table.get(ms, Status.ERROR)


def _bounded(milp: Milp) -> bool:
    """True if every variable of ``milp`` has a finite lower and upper bound."""
    import math

    return all(
        lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi)
        for lo, hi in zip(milp.lb, milp.ub, strict=True)
    )


class HighsBackend:
    """HiGHS, via the highspy package."""

    name = "highs"
    install_hint = "Install it with: pip install highspy"

    def is_installed(self) -> bool:
        try:
            import highspy  # noqa: F401
        except ImportError:
            return False
        return True

    def version(self) -> str:
        try:
            return f"HiGHS {new_highs().version()}"
        except AttributeError:  # older highspy
            return "HiGHS"

    def solve_lp(self, milp: Milp, *, seed: int, verbose: bool) -> LpSolution | None:
        """The LP relaxation of ``milp`` with its row duals, or None if it has no optimum."""
        import highspy

        h = to_highs(milp.relaxation(), verbose)
        h.setOptionValue("random_seed", int(seed) % 2147483647)
        h.setOptionValue("threads", 1)
        start = time.perf_counter()
        run_status = h.run()
        seconds = time.perf_counter() - start
        if run_status == highspy.HighsStatus.kError:
            raise SolverError("HiGHS failed to solve the model (status kError)")
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        return LpSolution(
            [float(v) for v in sol.col_value],
            [float(v) for v in sol.row_dual],
            float(h.getInfo().objective_function_value),
            seconds,
        )

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        import highspy

        h = to_highs(milp, verbose)
        # Probing and enumeration in presolve cost seconds on programs over many profiles
        # (rows thousands of columns long) and reduced nothing in our measurements
        # (benchmarks/README.md): switch them off. Optimality is still proven.
        h.setOptionValue("presolve_rule_off", _PROBING | _ENUMERATION)
        h.setOptionValue("random_seed", int(seed) % 2147483647)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 0.0)
        if time_limit is not None:
            h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        start = time.perf_counter()
        run_status = h.run()
        seconds = time.perf_counter() - start
        if run_status == highspy.HighsStatus.kError:
            raise SolverError("HiGHS failed to solve the model (status kError)")
        ms = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        name = h.modelStatusToString(ms)
        claimed = model_status(ms, bounded=_bounded(milp))
        if claimed is None:  # stopped by a limit
            status = Status.FEASIBLE if has_solution else Status.NO_SOLUTION
        elif claimed is Status.ERROR:
            return RawSolution(
                Status.ERROR, None, None, None, seconds, f"HiGHS ended with model status {name!r}"
            )
        else:
            status = claimed
        if not status.has_selection:
            return RawSolution(status, None, None, None, seconds)
        values = [float(v) for v in h.getSolution().col_value]
        bound = getattr(info, "mip_dual_bound", None)
        return RawSolution(
            status,
            values,
            float(info.objective_function_value),
            None if bound is None else float(bound),
            seconds,
        )
