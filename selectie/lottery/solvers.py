"""The pricing program and the master LP of the column generation, as solver sessions.

Both are held open through the session protocol (:mod:`selectie.solve.session`): the pricing
integer program in a session of the chosen backend (HiGHS in process, or CBC re-solved from a
file), its LP relaxation and the master LP in HiGHS sessions (solved warm from their last
basis). Their status is the backends' own, read from one table per solver
(:data:`selectie.solve.highs.STATUS`, :data:`selectie.solve.cbc.STATUS`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import SolverError
from ..formulation import Clock
from ..i18n import _
from ..result import Status
from ..solve.milp import Milp
from ..solve.outcome import RawSolution
from ..solve.session import Option, Session, StopRule

# --------------------------------------------------------------------------------------------
# Solvers: the pricing program (HiGHS in process, or CBC) and the master LP (HiGHS)
# --------------------------------------------------------------------------------------------


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


#: HiGHS options of the pricing integer program (presolve off: these programs are small and
#: solved again and again; the gaps are 0 so that an optimum is an optimum).
_PRICING_OPTIONS: dict[str, Option] = {
    "threads": 1,
    "presolve": "off",
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 1e-12,
    "mip_feasibility_tolerance": 1e-9,
}
#: HiGHS's primal heuristics, off in the pricing program unless :attr:`Tuning.heuristics`:
#: these programs are small and solved at the root; the heuristics cost more time than they
#: save here (measured in benchmarks/sortition_bench.py).
_HEURISTICS = ("feasibility_jump", "root_reduced_cost", "zi_round", "shifting")
#: HiGHS options of the linear programs (the pricing relaxation and the master): primal
#: simplex, so that the basis stays feasible when the objective changes or columns come in.
_LP_OPTIONS: dict[str, Option] = {
    "threads": 1,
    "presolve": "off",
    "simplex_strategy": 4,
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}


def _open(solver: str, milp: Milp, *, seed: int, options: Mapping[str, Option]) -> Session:
    """A session of ``solver`` over ``milp`` (HiGHS options are given to HiGHS only)."""
    from ..solve.backend import get_backend
    from ..solve.session import open_session

    backend = get_backend(solver)
    return open_session(backend, milp, seed=seed, options=options if solver == "highs" else None)


class _Pricer:
    """Solves one integer program again and again with changing objectives and bounds."""

    def __init__(
        self, milp: Milp, solver: str, seed: int, clock: Clock, *, relax_first: bool = False
    ) -> None:
        self.milp = milp
        self.solver = solver
        self.seed = seed
        self.clock = clock
        self.calls = 0
        self.relaxed_calls = 0
        self.last_bound = -math.inf  # the solver's bound on the last objective (maximising)
        options = dict(_PRICING_OPTIONS)
        if not TUNING.heuristics:
            options.update({f"mip_heuristic_run_{h}": False for h in _HEURISTICS})
        self.session = _open(solver, milp, seed=seed, options=options)
        #: the LP relaxation (HiGHS), or None when it is not asked for
        self.lp: Session | None = None
        if relax_first:
            self.lp = _open("highs", milp.relaxation(), seed=0, options=_LP_OPTIONS)

    def set_ub(self, j: int, ub: float) -> None:
        self.session.set_var_bounds(j, self.milp.lb[j], ub)

    def relaxed(self, cost: Mapping[int, float]) -> tuple[float, list[float] | None]:
        """Maximise over the LP relaxation: (bound, the solution if it is integral)."""
        lp = self.lp
        assert lp is not None
        lp.set_objective(cost.items(), "max")
        raw = lp.solve()
        self.relaxed_calls += 1
        if raw.status != Status.OPTIMAL or raw.values is None:
            return math.inf, None
        x = np.asarray(raw.values, dtype=float)
        ints = np.asarray(self.milp.integer, dtype=bool)
        if np.all(np.abs(x[ints] - np.round(x[ints])) <= 1e-9):
            return float(raw.objective or 0.0), [float(v) for v in np.round(x)]
        return float(raw.objective or 0.0), None

    def solve(
        self, cost: Mapping[int, float], sense: Literal["min", "max"], *, stop: float | None = None
    ) -> _Solved:
        """Optimise ``cost``; with ``stop`` (maximising), stop early once a solution above
        ``stop`` is good enough (:attr:`Tuning.early_stop`; a backend without callbacks,
        such as CBC, solves to the end).
        """
        self.calls += 1
        left = self.clock.remaining()
        if left is not None and left <= 0:
            return _Solved(Status.NO_SOLUTION, None)
        session = self.session
        session.set_objective(cost.items(), sense)
        rule = (
            StopRule(stop, share=TUNING.early_stop)
            if stop is not None and TUNING.early_stop > 0 and sense == "max"
            else None
        )
        found: list[list[float]] = []
        collect = (lambda values, _: found.append(values)) if TUNING.pool else None
        raw = session.solve(time_limit=left, stop=rule, on_solution=collect)
        if raw.status == Status.ERROR:
            raise SolverError(
                raw.message
                or _("{solver} failed to solve a selection program").format(solver=self.solver)
            )
        if raw.values is None:
            return _Solved(raw.status, None)
        self.last_bound = _bound_of(raw)
        return _Solved(raw.status, raw.values, found=tuple(found[:-1]), early=raw.early)


def _bound_of(raw: RawSolution) -> float:
    """The solver's bound on the optimum of a solved (maximised) program."""
    objective = float(raw.objective or 0.0)
    if raw.bound is None:
        # CBC proves optimality to its integrality tolerance; allow for it
        return objective + 1e-9 * max(1.0, abs(objective))
    return max(objective, raw.bound)


class _Master:
    """The restricted master LP over the selections found so far (a HiGHS session, with duals).

    max t  s.t.  sum_c q_c n_pc/|p| - t >= 0   (unfixed profiles p)
                 sum_c q_c n_pc/|p|     >= v_p (fixed profiles, at their level v_p)
                 sum_c q_c = 1,  q >= 0,  0 <= t <= 1
    """

    def __init__(self, rows: list[int], sizes: np.ndarray) -> None:
        self.rows = rows  # row r concerns profile rows[r]
        self.row_of = {p: r for r, p in enumerate(rows)}
        self.sizes = sizes
        self._profiles = np.asarray(rows, dtype=np.int64)
        self._sizes = np.asarray(sizes, dtype=float)[self._profiles]
        m = Milp()
        t = m.add_var("t", 0.0, 1.0, integer=False)
        for p in rows:
            m.add_row(f"p{p}", [(t, -1.0)], 0.0, None)
        m.add_row("sum", [], 1.0, 1.0)
        m.objective = {t: 1.0}
        m.sense = "max"
        options = dict(_LP_OPTIONS)
        if TUNING.master_ipm:
            options.update(
                {"solver": "ipm", "run_crossover": "off", "ipm_optimality_tolerance": 1e-10}
            )
        self.session = _open("highs", m, seed=0, options=options)
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
        taken = np.nonzero(counts[self._profiles] > 0)[0]
        shares = counts[self._profiles[taken]] / self._sizes[taken]
        entries = [*zip(taken.tolist(), shares.tolist(), strict=True), (len(self.rows), 1.0)]
        self.session.add_column(0.0, None, rows=entries)
        return True

    def fix(self, row: int, level: float) -> None:
        """Hold the profile of ``row`` at ``level`` or more, outside the minimum."""
        self.fixed[row] = level
        self.session.set_coefficient(row, 0, 0.0)
        self.session.set_row_bounds(row, level, None)

    def relax(self, amount: float) -> None:
        """Lower every fixed level a little (after numerical trouble)."""
        for row, level in list(self.fixed.items()):
            self.fixed[row] = max(0.0, level - amount)
            self.session.set_row_bounds(row, self.fixed[row], None)

    def solve(self) -> tuple[bool, float, np.ndarray, float, np.ndarray]:
        """(optimal?, t, y >= 0 per row, mu, q per column)."""
        self.calls += 1
        raw = self.session.solve()
        if raw.status != Status.OPTIMAL or raw.values is None or raw.duals is None:
            return False, 0.0, np.zeros(0), 0.0, np.zeros(0)
        col = np.asarray(raw.values, dtype=float)
        dual = np.asarray(raw.duals, dtype=float)
        nr = len(self.rows)
        y = np.maximum(0.0, -dual[:nr])
        return True, float(col[0]), y, float(dual[nr]), col[1:]
