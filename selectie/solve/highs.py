"""HiGHS through highspy: the program is passed in memory and kept there in a session.

:meth:`HighsBackend.open` returns a :class:`HighsSession` (the protocol is in
:mod:`selectie.solve.session`): one ``highspy.Highs`` object that takes every change with
highspy's incremental calls and solves again warm (a linear program from its last basis).
The one-shot :meth:`HighsBackend.solve` is a session opened, solved once and closed.

The status is read from one table (:data:`STATUS`) of HiGHS's model status, together with
the primal solution status: a run stopped by a limit reports ``FEASIBLE`` with a solution
or ``NO_SOLUTION`` without one; infeasible only when HiGHS proved it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any

from ..errors import SolverError
from .milp import LpSolution, Milp, Row
from .outcome import RawSolution, Sense, Status
from .session import MirrorSession, Option, StopRule

__all__ = ["STATUS", "HighsBackend", "HighsSession", "new_highs", "to_highs"]

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
    global _banner_shown  # noqa: PLW0603 - HiGHS prints its banner once per process
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


#: What each HiGHS model status means (names of ``highspy.HighsModelStatus``). ``None`` marks
#: a limit: ``FEASIBLE`` when HiGHS holds a feasible solution, ``NO_SOLUTION`` when not. A
#: status not in the table is an ``ERROR`` with HiGHS's own words. "Unbounded or
#: infeasible" proves infeasibility only for a program whose variables are all bounded
#: (selectie's selection programs always are: counts of cases, deviations); otherwise it is
#: an ``ERROR``.
STATUS: dict[str, Status | None] = {
    "kOptimal": Status.OPTIMAL,
    "kInfeasible": Status.INFEASIBLE,
    "kUnboundedOrInfeasible": Status.INFEASIBLE,
    "kTimeLimit": None,
    "kIterationLimit": None,
    "kSolutionLimit": None,
    "kInterrupt": None,
    "kHighsInterrupt": None,
    "kObjectiveBound": None,
    "kObjectiveTarget": None,
}

#: The options every session starts with (a caller's ``options`` are set after these).
DEFAULT_OPTIONS: dict[str, Option] = {
    "threads": 1,
    "mip_rel_gap": 0.0,
    # Probing and enumeration in presolve cost seconds on programs over many profiles (rows
    # thousands of columns long) and reduced nothing in our measurements
    # (benchmarks/README.md): switch them off. Optimality is still proven.
    "presolve_rule_off": _PROBING | _ENUMERATION,
}


class HighsSession(MirrorSession):
    """A program held in one ``highspy.Highs`` object (see :mod:`selectie.solve.session`).

    >>> m = Milp()
    >>> x, y = m.add_var("x", 0, 2), m.add_var("y", 0, 2)
    >>> with HighsBackend().open(m) as s:
    ...     s.set_objective([(x, 1.0), (y, 1.0)], "max")
    ...     first = s.solve()
    ...     cut = s.add_row([(x, 1.0), (y, 1.0)], None, 3.0)
    ...     second = s.solve()
    >>> first.status.value, round(first.objective), round(second.objective)
    ('optimal', 4, 3)
    """

    def __init__(
        self,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> None:
        import highspy

        super().__init__(milp)
        self.solver_name = "highs"
        self._hs = highspy
        self._inf = highspy.kHighsInf
        self._h: Any = to_highs(milp, verbose)
        for name, value in {**DEFAULT_OPTIONS, **(options or {})}.items():
            self._h.setOptionValue(name, value)
        self._h.setOptionValue("random_seed", int(seed) % 2147483647)
        # what the callbacks watch during one solve (see _solve_watched)
        self._watching = False
        self._rule: StopRule | None = None
        self._found: list[tuple[list[float], float]] | None = None
        self._stopped = False

    # -- changes, passed on as they come ---------------------------------------------------

    def _on_objective(self, objective: Mapping[int, float], sense: Sense) -> None:
        import numpy as np

        n = self.num_vars
        cost = np.zeros(n)
        cost[np.fromiter(objective, np.int64, len(objective))] = np.fromiter(
            objective.values(), float, len(objective)
        )
        self._h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        obj_sense = self._hs.ObjSense
        self._h.changeObjectiveSense(obj_sense.kMaximize if sense == "max" else obj_sense.kMinimize)

    def _on_var_bounds(self, j: int, lb: float, ub: float) -> None:
        self._h.changeColBounds(j, lb, ub)

    def _on_row_bounds(self, k: int, lo: float | None, hi: float | None) -> None:
        self._h.changeRowBounds(
            k, -self._inf if lo is None else lo, self._inf if hi is None else hi
        )

    def _on_coefficient(self, k: int, j: int, value: float) -> None:
        self._h.changeCoeff(k, j, value)

    def _on_integer(self, columns: list[int], integer: bool) -> None:
        import numpy as np

        if not columns:
            return
        kind = self._hs.HighsVarType.kInteger if integer else self._hs.HighsVarType.kContinuous
        self._h.changeColsIntegrality(
            len(columns), np.asarray(columns, dtype=np.int32), np.full(len(columns), kind)
        )

    def _on_add_row(self, row: Row) -> None:
        import numpy as np

        self._h.addRow(
            -self._inf if row.lo is None else row.lo,
            self._inf if row.hi is None else row.hi,
            len(row.index),
            np.asarray(row.index, dtype=np.int32),
            np.asarray(row.coef, dtype=float),
        )

    def _on_add_column(self, j: int, cost: float, rows: list[tuple[int, float]]) -> None:
        import numpy as np

        entries = [(k, c) for k, c in rows if c != 0]
        self._h.addCol(
            cost,
            self._milp.lb[j],
            self._milp.ub[j],
            len(entries),
            np.asarray([k for k, _ in entries], dtype=np.int32),
            np.asarray([c for _, c in entries], dtype=float),
        )
        if self._milp.integer[j]:
            self._on_integer([j], True)

    # -- solving -------------------------------------------------------------------------------

    def _solve_watched(
        self,
        time_limit: float | None,
        start: Sequence[float] | None,
        stop: StopRule | None,
        found: list[tuple[list[float], float]] | None,
    ) -> RawSolution:
        """Solve with highspy's MIP callbacks: the interrupt callback stops the search once
        ``stop`` is met, the improving-solution callback appends each solution to ``found``.
        (A linear program has neither: it is solved to the end.)
        """
        if not self._watching:
            # subscribed once, on the first watched solve; they do nothing in other solves
            self._h.cbMipInterrupt.subscribe(self._on_interrupt)
            self._h.cbMipImprovingSolution.subscribe(self._on_improving)
            self._watching = True
        self._rule, self._found, self._stopped = stop, found, False
        try:
            raw = self._solve(time_limit, start)
        finally:
            self._rule, self._found = None, None
        if self._stopped and raw.status is Status.FEASIBLE:
            raw = replace(raw, early=True)
        return raw

    def _on_interrupt(self, event: Any) -> None:
        # HiGHS keeps the flag between runs of the same model: set it every time
        rule = self._rule
        met = False
        if rule is not None:
            out = event.data_out
            met = rule.met(self._milp.sense, float(out.mip_primal_bound), float(out.mip_dual_bound))
        self._stopped = self._stopped or met
        event.interrupt(met)

    def _on_improving(self, event: Any) -> None:
        if self._found is not None:
            out = event.data_out
            self._found.append((list(out.mip_solution), float(out.objective_function_value)))

    def _solve(self, time_limit: float | None, start: Sequence[float] | None) -> RawSolution:
        hs, h = self._hs, self._h
        h.setOptionValue("time_limit", self._inf if time_limit is None else max(0.01, time_limit))
        is_mip = any(self._milp.integer)
        if start is not None and is_mip and len(start) == self.num_vars:
            sol = hs.HighsSolution()
            sol.col_value = [float(v) for v in start]
            sol.value_valid = True
            h.setSolution(sol)
        begin = time.perf_counter()
        run_status = h.run()
        seconds = time.perf_counter() - begin
        if run_status == hs.HighsStatus.kError:
            raise SolverError("HiGHS failed to solve the model (status kError)")
        model_status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == _SOLUTION_FEASIBLE
        name = getattr(model_status, "name", str(model_status))
        if name not in STATUS:
            return RawSolution(
                Status.ERROR,
                None,
                None,
                None,
                seconds,
                f"HiGHS ended with model status {h.modelStatusToString(model_status)!r}",
            )
        status = STATUS[name]
        if name == "kUnboundedOrInfeasible" and not _bounded(self._milp):
            return RawSolution(
                Status.ERROR,
                None,
                None,
                None,
                seconds,
                "HiGHS ended with model status 'unbounded or infeasible' for a program with an "
                "unbounded variable",
            )
        if status is None:
            status = Status.FEASIBLE if has_solution else Status.NO_SOLUTION
        if not status.has_selection or not has_solution:
            if status.has_selection:  # "optimal" without a solution: not to be trusted
                return RawSolution(
                    Status.ERROR, None, None, None, seconds, "HiGHS reported no solution"
                )
            return RawSolution(status, None, None, None, seconds)
        solution = h.getSolution()
        values: list[float] = solution.col_value  # a new list of floats at each access
        objective = float(info.objective_function_value)
        if is_mip:
            bound = getattr(info, "mip_dual_bound", None)
            return RawSolution(
                status, values, objective, None if bound is None else float(bound), seconds
            )
        duals: list[float] | None = (
            solution.row_dual if status == Status.OPTIMAL and solution.dual_valid else None
        )
        bound = objective if status == Status.OPTIMAL else None
        return RawSolution(status, values, objective, bound, seconds, duals=duals)

    def close(self) -> None:
        if not self.closed and self._h is not None:
            self._h = None
        super().close()


_SOLUTION_FEASIBLE = 2  # HiGHS's kSolutionStatusFeasible (primal_solution_status)


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

    def open(
        self,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> HighsSession:
        """A session over a copy of ``milp``; ``options`` are HiGHS option names and values."""
        return HighsSession(milp, seed=seed, verbose=verbose, options=options)

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        with self.open(milp, seed=seed, verbose=verbose) as session:
            return session.solve(time_limit=time_limit)

    def solve_lp(self, milp: Milp, *, seed: int, verbose: bool) -> LpSolution | None:
        """The LP relaxation of ``milp`` with its row duals, or None if it has no optimum."""
        with self.open(milp.relaxation(), seed=seed, verbose=verbose) as session:
            raw = session.solve()
        if raw.status != Status.OPTIMAL or raw.values is None or raw.duals is None:
            return None
        return LpSolution(raw.values, raw.duals, float(raw.objective or 0.0), raw.seconds)
