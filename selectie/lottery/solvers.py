"""The pricing program (HiGHS in memory, or CBC) and the master LP (HiGHS)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import SolverError
from ..result import Status
from ..solve.milp import Milp

# --------------------------------------------------------------------------------------------
# Solvers: the pricing program (HiGHS in memory, or CBC) and the master LP (HiGHS)
# --------------------------------------------------------------------------------------------


@dataclass
class _Clock:
    start: float
    limit: float | None

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def remaining(self) -> float | None:
        return None if self.limit is None else self.limit - self.elapsed()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0


@dataclass(frozen=True)
class _Solved:
    status: Status
    values: list[float] | None
    #: the improving solutions the solver met on its way (HiGHS), best last
    found: tuple[list[float], ...] = ()
    #: True when the solve was stopped early on purpose (a good enough column)
    early: bool = False


@dataclass
class Tuning:
    """How the column generation works (the same result, found faster or slower).

    The benchmark ``benchmarks/hard_sortition_bench.py`` switches these to measure what each
    one contributes; the defaults are what it found fastest.
    """

    #: Stop a pricing integer program as soon as its best selection has a reduced cost of at
    #: least this share of what is still possible (its bound); 0 disables the early stop.
    early_stop: float = 0.5
    #: Add the improving selections the integer program met on its way as columns too.
    pool: bool = True
    #: Solve the LP relaxation first (exact when its solution is integral).
    relax_first: bool = True
    #: Smooth the duals the pricing sees towards those of the best bound (Wentges); 0 = off.
    smoothing: float = 0.0
    #: HiGHS's primal heuristics in the pricing program.
    heuristics: bool = False
    #: More selections per master solve from the integer program when the LP relaxation is
    #: fractional (see ``_Run.more_columns``).
    extra_mip: bool = True
    #: Solve the master LP by the interior point method without crossover: central duals
    #: instead of a vertex (fewer, better columns per round, no warm start).
    master_ipm: bool = False
    #: Stop a round when the proven gap on the minimum is at most this.
    gap: float = 1e-9


#: The tuning in use (module-level so that a benchmark can change it).
TUNING = Tuning()


class _Pricer:
    """Solves one integer program again and again with changing objectives and bounds."""

    def __init__(
        self, milp: Milp, solver: str, seed: int, clock: _Clock, *, relax_first: bool = False
    ) -> None:
        from ..solve.highs import to_highs

        self.milp = milp
        self.solver = solver
        self.seed = seed
        self.clock = clock
        self.calls = 0
        self.relaxed_calls = 0
        self.ub = list(milp.ub)
        self.last_bound = -math.inf  # the solver's bound on the last objective (maximising)
        self.h: Any = None
        self.lp: Any = None
        if solver == "highs":
            h = to_highs(milp)
            h.setOptionValue("threads", 1)
            h.setOptionValue("presolve", "off")
            h.setOptionValue("random_seed", int(seed) % 2147483647)
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("mip_abs_gap", 1e-12)
            h.setOptionValue("mip_feasibility_tolerance", 1e-9)
            # these programs are small and solved at the root; the primal heuristics cost more
            # time than they save here (measured in benchmarks/sortition_bench.py)
            if not TUNING.heuristics:
                for heuristic in ("feasibility_jump", "root_reduced_cost", "zi_round", "shifting"):
                    h.setOptionValue(f"mip_heuristic_run_{heuristic}", False)
            self.h = h
            self._stop: float | None = None  # stop early above this objective value
            self._found: list[list[float]] = []
            h.cbMipInterrupt.subscribe(self._interrupt)
            h.cbMipImprovingSolution.subscribe(self._improving)
        if relax_first:
            relaxed = milp.extended()
            relaxed.integer = [False] * relaxed.num_vars
            lp = to_highs(relaxed)
            lp.setOptionValue("threads", 1)
            lp.setOptionValue("presolve", "off")
            lp.setOptionValue("simplex_strategy", 4)  # primal: the basis stays feasible
            lp.setOptionValue("primal_feasibility_tolerance", 1e-10)
            lp.setOptionValue("dual_feasibility_tolerance", 1e-10)
            self.lp = lp

    def _interrupt(self, event: Any) -> None:
        # the flag persists between runs of the same model: set it either way
        stop = self._stop
        if stop is None:
            event.interrupt(False)
            return
        out = event.data_out
        have, bound = float(out.mip_primal_bound), float(out.mip_dual_bound)
        margin = 1e-7 * max(1.0, abs(stop))
        early = have > stop + margin and have - stop >= TUNING.early_stop * (bound - stop)
        if early:
            self._early = True
        event.interrupt(early)

    def _improving(self, event: Any) -> None:
        if TUNING.pool:
            self._found.append(list(event.data_out.mip_solution))

    def set_ub(self, j: int, ub: float) -> None:
        self.ub[j] = ub
        if self.h is not None:
            self.h.changeColBounds(j, self.milp.lb[j], ub)

    def relaxed(self, cost: Mapping[int, float]) -> tuple[float, list[float] | None]:
        """Maximise over the LP relaxation: (bound, the solution if it is integral)."""
        import highspy

        lp = self.lp
        n = self.milp.num_vars
        c = np.zeros(n)
        for j, v in cost.items():
            c[j] = v
        lp.changeColsCost(n, np.arange(n, dtype=np.int32), c)
        lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        lp.run()
        self.relaxed_calls += 1
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return math.inf, None
        x = np.asarray(lp.getSolution().col_value, dtype=float)
        bound = float(lp.getInfo().objective_function_value)
        ints = np.asarray(self.milp.integer, dtype=bool)
        if np.all(np.abs(x[ints] - np.round(x[ints])) <= 1e-9):
            return bound, [float(v) for v in np.round(x)]
        return bound, None

    def solve(
        self, cost: Mapping[int, float], sense: Literal["min", "max"], *, stop: float | None = None
    ) -> _Solved:
        """Optimise ``cost``; with ``stop`` (maximising, HiGHS), stop early once a solution
        above ``stop`` is good enough (:attr:`Tuning.early_stop`).
        """
        self.calls += 1
        left = self.clock.remaining()
        if left is not None and left <= 0:
            return _Solved(Status.NO_SOLUTION, None)
        if self.h is None:
            return self._solve_cbc(cost, sense, left)
        import highspy

        h = self.h
        n = self.milp.num_vars
        c = np.zeros(n)
        for j, v in cost.items():
            c[j] = v
        h.changeColsCost(n, np.arange(n, dtype=np.int32), c)
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
        )
        h.setOptionValue("time_limit", float("inf") if left is None else max(0.01, left))
        self._stop = stop if TUNING.early_stop > 0 and sense == "max" else None
        self._found = []
        self._early = False
        if h.run() == highspy.HighsStatus.kError:
            raise SolverError("HiGHS failed to solve a selection program (status kError)")
        ms = h.getModelStatus()
        m = highspy.HighsModelStatus
        has = h.getInfo().primal_solution_status == 2
        if ms == m.kOptimal:
            status = Status.OPTIMAL
        elif ms in (m.kInfeasible, m.kUnboundedOrInfeasible):
            return _Solved(Status.INFEASIBLE, None)
        elif ms == m.kInterrupt and self._early and has:
            status = Status.FEASIBLE
        elif ms in (m.kTimeLimit, m.kIterationLimit, m.kInterrupt, m.kSolutionLimit):
            status = Status.FEASIBLE if has else Status.NO_SOLUTION
        else:
            raise SolverError(
                f"HiGHS ended a selection program with status {h.modelStatusToString(ms)!r}"
            )
        if not has:
            return _Solved(status, None)
        info = h.getInfo()
        self.last_bound = max(
            float(info.objective_function_value), float(getattr(info, "mip_dual_bound", -math.inf))
        )
        return _Solved(
            status,
            [float(v) for v in h.getSolution().col_value],
            found=tuple(self._found[:-1]),
            early=ms == m.kInterrupt and self._early,
        )

    def _solve_cbc(
        self, cost: Mapping[int, float], sense: Literal["min", "max"], left: float | None
    ) -> _Solved:
        from ..solve.backend import get_backend

        m = self.milp.extended()
        m.ub = list(self.ub)
        m = m.with_objective(list(cost.items()), sense)
        raw = get_backend("cbc").solve(m, time_limit=left, seed=self.seed, verbose=False)
        if raw.status == Status.ERROR:
            raise SolverError(raw.message or "CBC failed to solve a selection program")
        if raw.objective is not None:
            # CBC proves optimality to its integrality tolerance; allow for it
            self.last_bound = raw.objective + 1e-9 * max(1.0, abs(raw.objective))
        return _Solved(raw.status, raw.values)


class _Master:
    """The restricted master LP over the selections found so far (HiGHS, with duals).

    max t  s.t.  sum_c q_c n_pc/|p| - t >= 0   (unfixed profiles p)
                 sum_c q_c n_pc/|p|     >= v_p (fixed profiles, at their level v_p)
                 sum_c q_c = 1,  q >= 0,  0 <= t <= 1
    """

    def __init__(self, rows: list[int], sizes: np.ndarray) -> None:
        import highspy

        from ..solve.highs import new_highs

        self.inf = highspy.kHighsInf
        self.rows = rows  # row r concerns profile rows[r]
        self.row_of = {p: r for r, p in enumerate(rows)}
        self.sizes = sizes
        h = new_highs()
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)  # primal: new columns keep the basis feasible
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        if TUNING.master_ipm:
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "off")
            h.setOptionValue("ipm_optimality_tolerance", 1e-10)
        h.addVar(0.0, 1.0)  # t
        h.changeColCost(0, 1.0)
        nr = len(rows)
        for _ in range(nr):
            h.addRow(0.0, self.inf, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([], dtype=float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.columns: list[np.ndarray] = []
        self.keys: set[bytes] = set()
        self.fixed: dict[int, float] = {}  # row -> level
        self.calls = 0

    def add(self, counts: np.ndarray) -> bool:
        """Add a selection (profile counts) as a column; False if it is already there."""
        key = counts.tobytes()
        if key in self.keys:
            return False
        self.keys.add(key)
        self.columns.append(counts)
        idx = [r for r, p in enumerate(self.rows) if counts[p] > 0]
        val = [float(counts[self.rows[r]]) / float(self.sizes[self.rows[r]]) for r in idx]
        idx.append(len(self.rows))
        val.append(1.0)
        self.h.addCol(
            0.0, 0.0, self.inf, len(idx), np.array(idx, dtype=np.int32), np.array(val, dtype=float)
        )
        return True

    def fix(self, row: int, level: float) -> None:
        """Hold the profile of ``row`` at ``level`` or more, outside the minimum."""
        self.fixed[row] = level
        self.h.changeCoeff(row, 0, 0.0)
        self.h.changeRowBounds(row, level, self.inf)

    def relax(self, amount: float) -> None:
        """Lower every fixed level a little (after numerical trouble)."""
        for row, level in list(self.fixed.items()):
            self.fixed[row] = max(0.0, level - amount)
            self.h.changeRowBounds(row, self.fixed[row], self.inf)

    def solve(self) -> tuple[bool, float, np.ndarray, float, np.ndarray]:
        """(optimal?, t, y >= 0 per row, mu, q per column)."""
        import highspy

        self.calls += 1
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False, 0.0, np.zeros(0), 0.0, np.zeros(0)
        sol = self.h.getSolution()
        col = np.asarray(sol.col_value, dtype=float)
        dual = np.asarray(sol.row_dual, dtype=float)
        nr = len(self.rows)
        y = np.maximum(0.0, -dual[:nr])
        return True, float(col[0]), y, float(dual[nr]), col[1:]
