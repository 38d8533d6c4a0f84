"""One lottery computation: coverage, column generation for maximin and leximin, uniform_best."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..constraints import CompiledScenario
from ..errors import SolverError
from ..result import Status
from ..solve.milp import Milp, Terms
from .heuristics import HEURISTIC, Quotas, Relaxation, climb, improving_panels
from .program import _objective_program, _profile_label, _Profiles, _satisfies, _selection_milp
from .result import (
    _EXTRA_COLUMNS,
    _GAP_FLOOR,
    _SLACK,
    _WEIGHT_UNIT,
    ACCURACY,
    TOLERANCE,
    Lottery,
    LotteryInfo,
    LotteryMethod,
    Profile,
    SupportEntry,
    Take,
    _pct,
)
from .solvers import TUNING, _Clock, _Master, _Pricer

# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class _Run:
    compiled: CompiledScenario
    method: LotteryMethod
    solver: str
    seed: int
    clock: _Clock
    progress: Callable[[str], None] | None

    def __post_init__(self) -> None:
        self.rounds = 0
        self.pricing_calls = 0
        self.master_calls = 0
        self.mispriced = 0
        self.levels: list[float] = []
        self.message = ""
        self.accuracy: float | None = 0.0  # None: not proven (time limit)
        self._prof: _Profiles | None = None
        self.quotas: Quotas | None = None
        self.heuristic_added = 0
        self.heuristic_rounds = 0
        self.center: np.ndarray | None = None
        self.relaxation: Relaxation | None = None
        self.searched = 0  # rounds priced by local search since the last exact pricing

    @property
    def prof(self) -> _Profiles:
        assert self._prof is not None
        return self._prof

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    # -- shared steps --------------------------------------------------------------------------

    def execute(self, k: int | None) -> Lottery:
        prof = _Profiles(self.compiled, objective=self.method == LotteryMethod.UNIFORM_BEST)
        self._prof = prof
        milp = _selection_milp(self.compiled, prof)
        self.milp = milp
        self.quotas = Quotas.of(milp, prof.count)
        self.say(f"{len(self.compiled.pool)} cases in {prof.count} profiles")
        cover = self.cover(milp)
        if isinstance(cover, Lottery):
            return cover
        columns, selectable = cover
        if self.method == LotteryMethod.UNIFORM_BEST:
            assert k is not None
            return self.uniform_best(k, selectable)
        if self.method == LotteryMethod.NASH:
            return self.nash(columns, selectable)
        return self.fair(columns, selectable)

    def nash(self, columns: list[np.ndarray], selectable: list[bool | None]) -> Lottery:
        """Nash welfare by column generation (:mod:`selectie.lottery.nash`)."""
        from .nash import nash_columns

        self.rounds = 1
        found, q, gap = nash_columns(self, columns, selectable)
        status = Status.OPTIMAL if not self.message else Status.FEASIBLE
        self.accuracy = gap
        if gap is None:
            status = Status.FEASIBLE
            self.message = (self.message + "; " if self.message else "") + (
                "the time limit was reached before the distribution was proven optimal"
            )
        return self.finish(found, q, selectable, status, None)

    def result(self, status: Status, **kw: Any) -> Lottery:
        info = LotteryInfo(
            solver=self.solver,
            seconds=self.clock.elapsed(),
            time_limit=self.clock.limit,
            seed=self.seed,
            profiles=self._prof.count if self._prof is not None else 0,
            rounds=self.rounds,
            pricing_calls=self.pricing_calls,
            master_calls=self.master_calls,
            columns=kw.pop("columns", 0),
            levels=tuple(self.levels),
            accuracy=self.accuracy
            if self.method != LotteryMethod.UNIFORM_BEST and self.rounds
            else None,
        )
        kw.setdefault("message", self.message)
        return Lottery(
            method=self.method,
            status=status,
            pool=self.compiled.pool,
            scenario=self.compiled.scenario,
            info=info,
            compiled=self.compiled,
            **kw,
        )

    def infeasible(self) -> Lottery:
        from ..diagnose import quick_checks

        return self.result(
            Status.INFEASIBLE,
            message="no selection satisfies every constraint",
            reasons=tuple(quick_checks(self.compiled)),
        )

    def cover(self, milp: Milp) -> Lottery | tuple[list[np.ndarray], list[bool | None]]:
        """Find selections that together contain every profile that can be selected.

        Each program maximises the number of not yet covered profiles in one selection; when
        the best is zero, the rest can never be selected (proven by optimality).
        """
        prof = self.prof
        P = prof.count
        m = milp.extended()
        z = [m.add_var(f"z{p}", 0, 1, True) for p in range(P)]
        for p in range(P):
            m.add_row(f"cover{p}", [(z[p], 1.0), (p, -1.0)], None, 0.0)
        pricer = _Pricer(m, self.solver, self.seed, self.clock)
        selectable: list[bool | None] = [None] * P
        columns: list[np.ndarray] = []
        while True:
            open_ = [p for p in range(P) if selectable[p] is None]
            if not open_:
                break
            solved = pricer.solve({z[p]: 1.0 for p in open_}, "max", stop=0.5)
            self.pricing_calls += 1
            if solved.status == Status.INFEASIBLE:
                return self.infeasible()
            if solved.values is None:
                if not columns:
                    return self.result(
                        Status.NO_SOLUTION,
                        message="the time limit was reached before any valid selection was found",
                    )
                break
            counts = np.array([round(v) for v in solved.values[:P]], dtype=np.int64)
            if not _satisfies(milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=f"the solver ({self.solver}) returned a selection that breaks a "
                    "constraint after rounding; it is not used",
                )
            new = [p for p in open_ if counts[p] > 0]
            if new:
                columns.append(counts)
                for p in new:
                    selectable[p] = True
                for more in self.cover_by_search(columns, selectable):
                    for p in np.nonzero(more)[0].tolist():
                        if selectable[p] is None:
                            selectable[p] = True
                            pricer.set_ub(z[p], 0.0)
            if solved.status != Status.OPTIMAL:
                if not new:
                    break
                continue
            if not new:
                for p in open_:
                    selectable[p] = False
                break
            for p in new:
                pricer.set_ub(z[p], 0.0)
        unknown = sum(1 for s in selectable if s is None)
        if unknown:
            cases = sum(len(prof.members[p]) for p in range(P) if selectable[p] is None)
            self.message = (
                f"the time limit was reached before it was known whether {cases} case(s) can be "
                "selected; they are left out of the lottery (probability 0)"
            )
        self.say(
            f"{sum(1 for s in selectable if s)} profiles can be selected, "
            f"{sum(1 for s in selectable if s is False)} never ({len(columns)} selections)"
        )
        return columns, selectable

    def cover_by_search(
        self, columns: list[np.ndarray], selectable: list[bool | None]
    ) -> list[np.ndarray]:
        """Selections that contain profiles not yet covered, by swap local search from the
        selections found so far (:func:`~selectie.lottery.heuristics.climb`, weight 1 on each
        uncovered profile); they are appended to ``columns`` and returned. Proves nothing:
        what they leave uncovered goes to the integer program.
        """
        quotas = self.quotas
        if quotas is None or not HEURISTIC.cover:
            return []
        added: list[np.ndarray] = []
        keys = {c.tobytes() for c in columns}
        open_ = np.array([s is None for s in selectable], dtype=float)
        progress = bool(open_.any())
        while progress and not self.clock.expired():
            progress = False
            for start in list(columns):
                counts = climb(quotas, open_, start)
                if float(open_ @ counts) <= 0 or counts.tobytes() in keys:
                    continue
                if not quotas.satisfied(counts.tolist()):
                    continue
                keys.add(counts.tobytes())
                columns.append(counts)
                added.append(counts)
                open_[counts > 0] = 0.0
                progress = True
                if not open_.any():
                    break
        return added

    # -- maximin and leximin ---------------------------------------------------------------------

    def fair(self, columns: list[np.ndarray], selectable: list[bool | None]) -> Lottery:
        prof = self.prof
        rows = [p for p in range(prof.count) if selectable[p]]
        master = _Master(rows, prof.sizes)
        if self.quotas is not None or HEURISTIC.relaxation:
            never = [p for p in range(prof.count) if selectable[p] is False]
            self.relaxation = Relaxation(self.milp, rows, prof.sizes, never)
        for c in columns:
            master.add(c)
        pricer = _Pricer(
            self.milp, self.solver, self.seed, self.clock, relax_first=TUNING.relax_first
        )
        unfixed = set(range(len(rows)))
        status = Status.OPTIMAL if not self.message else Status.FEASIBLE
        bound: float | None = None
        q = np.zeros(0)
        while True:
            self.rounds += 1
            out = self.generate(master, pricer, rows)
            if out is None:
                return self.result(
                    Status.ERROR,
                    message="the master linear program could not be solved (numerical trouble)",
                )
            t, y, gap, q, proven = out
            if self.rounds == 1:
                bound = t + gap
            self.levels.append(t)
            if not proven:
                self.accuracy = None
                status = Status.FEASIBLE
                self.message = (
                    self.message + "; " if self.message else ""
                ) + "the time limit was reached before the distribution was proven fair"
                break
            if self.method == LotteryMethod.MAXIMIN:
                self.accuracy = gap
                break
            share = float(sum(y[r] for r in unfixed))
            ys = {r: float(y[r]) / share if share > 0 else 0.0 for r in unfixed}
            top = max(ys.values())
            # a profile with weight y_r cannot rise more than gap / y_r above t (see generate)
            threshold = max(gap, _GAP_FLOOR) / ACCURACY
            fix = [r for r, v in ys.items() if v >= threshold]
            if not fix:
                fix = [r for r, v in ys.items() if v >= top / 2]
            if top > 0 and self.accuracy is not None:
                worst = max(gap, _GAP_FLOOR) / min(ys[r] for r in fix)
                self.accuracy = max(self.accuracy, worst)
            for r in sorted(fix):
                master.fix(r, max(0.0, t - _SLACK))
                unfixed.discard(r)
            self.say(
                f"round {self.rounds}: minimum {_pct(t)} fixed for {len(fix)} profile(s), "
                f"{len(unfixed)} left"
            )
            if not unfixed:
                break
        if self.accuracy is not None and self.accuracy > ACCURACY:
            self.message = (self.message + "; " if self.message else "") + (
                f"the solver's tolerances allowed a proof to within {self.accuracy:.1e} only "
                f"(the aim is {ACCURACY:.0e})"
            )
        self.pricing_calls += pricer.calls + pricer.relaxed_calls
        self.master_calls = master.calls
        return self.finish(master.columns, q, selectable, status, bound)

    def generate(
        self, master: _Master, pricer: _Pricer, rows: list[int]
    ) -> tuple[float, np.ndarray, float, np.ndarray, bool] | None:
        """Column generation for one round: (t, y, gap, q, proven optimal).

        ``t`` is the minimum reached by the distribution ``q``; the dual weights ``y`` (one per
        row) prove that no distribution does better than ``t + gap``: for any weights, the
        largest weighted selection bounds the minimum (a Lagrangian bound), and the best such
        bound seen in the round is kept.
        """
        retries = 0
        unfixed = np.array([r not in master.fixed for r in range(len(rows))])
        # the probabilities of the selectable cases add up to the size, and fixed profiles
        # keep at least their level: the unfixed cases cannot all get more than their average
        sizes = self.prof.sizes[rows].astype(float)
        fixed_mass = sum(level * sizes[r] for r, level in master.fixed.items())
        free = float(sizes[unfixed].sum())
        average = (self.compiled.scenario.size - fixed_mass) / free if free else math.inf
        best = min(1.0, average)
        # the weights that prove it: |p| for every profile (each case weighs 1)
        best_y: np.ndarray | None = sizes.copy() if average <= 1.0 else None

        def lagrangian(yv: np.ndarray, value: float) -> float:
            # (max_c sum_r yv_r a_rc - sum_fixed yv_r v_r) / sum_unfixed yv_r bounds the minimum
            levels = np.array([master.fixed.get(r, 0.0) for r in range(len(rows))])
            share = float(yv[unfixed].sum())
            return (value - float(yv @ levels)) / share if share > 0 else math.inf

        relaxed = self.relaxation_bound(master, pricer, lagrangian)
        if relaxed is not None and relaxed[0] < best:
            best, best_y = relaxed
        alpha = TUNING.smoothing
        sizes_p = self.prof.sizes.astype(float)
        while True:
            ok, t, y, mu, q = master.solve()
            if not ok:
                if retries >= 3 or not master.fixed:
                    return None
                master.relax(1e-7)
                retries += 1
                continue
            if best_y is None:
                best_y = y.copy()
            if best - t <= TUNING.gap:
                return t, best_y, max(0.0, best - t), q, True
            searched = self.searched < HEURISTIC.exact_every or HEURISTIC.exact_every <= 0
            if searched and HEURISTIC.first and self.heuristic_columns(master, rows, y, mu, q, t):
                self.searched += 1
                if self.clock.expired():
                    return t, best_y, max(0.0, best - t), q, False
                continue
            # dual smoothing (Wentges): price at a point between the master's duals and those
            # of the best bound so far; a selection that does not help the master there is a
            # "mis-price", and the master's own duals are priced next
            smooth = alpha > 0 and best_y is not None and best_y is not y
            while True:
                if smooth:
                    assert best_y is not None
                    yp = alpha * best_y + (1 - alpha) * y
                    # the smoothed point's own "mu": the heaviest selection in the master
                    cols = np.array(master.columns, dtype=float)[:, rows] / sizes_p[rows]
                    mu_p = float((cols @ yp).max())
                else:
                    yp, mu_p = y, mu

                def bound_of(value: float, yv: np.ndarray = yp) -> float:
                    return lagrangian(yv, value)

                priced = self.price(pricer, rows, yp, bound_of, t, mu_p)
                if priced is None:  # the time limit
                    return t, best_y, math.inf, q, False
                counts, upper_value, extra = priced
                bound = lagrangian(yp, upper_value)
                if bound < best:
                    best, best_y = bound, yp.copy()
                helps = counts is not None and self.value_of(rows, y, counts) - mu > TOLERANCE
                if not smooth or helps or best - t <= TUNING.gap:
                    break
                self.mispriced += 1
                smooth = False
            self.searched = 0
            gap = max(0.0, best - t)
            if self.progress is not None:
                self.say(
                    f"round {self.rounds}: {len(master.columns)} panels, minimum {_pct(t)}, "
                    f"bound {_pct(min(best, 1.0))}, gap {gap:.1e}"
                )
            if gap <= TUNING.gap or counts is None:
                return t, best_y, gap, q, True
            reduced = self.value_of(rows, y, counts) - mu
            if reduced <= TOLERANCE or not master.add(counts):
                # no selection improves on these duals: the bound is as good as it gets
                return t, best_y, gap, q, True
            for other in extra:  # more columns from the same pricing
                if self.value_of(rows, y, other) - mu > TOLERANCE:
                    master.add(other)
            self.more_columns(master, pricer, rows, y, mu, counts, reduced + mu)
            if not HEURISTIC.first:
                self.heuristic_columns(master, rows, y, mu, q, t)
            if self.clock.expired():
                return t, best_y, gap, q, False

    def relaxation_bound(
        self,
        master: _Master,
        pricer: _Pricer,
        lagrangian: Callable[[np.ndarray, float], float],
    ) -> tuple[float, np.ndarray] | None:
        """The bound of the fractional selection (:class:`~.heuristics.Relaxation`), proven
        again from its dual weights: the LP maximum of their weight over the relaxation bounds
        the weight of every valid selection, so the Lagrangian bound holds (None if unknown).
        """
        relaxation = self.relaxation
        if relaxation is None or pricer.lp is None or not HEURISTIC.relaxation:
            return None
        out = relaxation.bound(master.fixed)
        if out is None:
            return None
        _, y = out
        prof = self.prof
        cost = {
            p: float(y[r]) / float(prof.sizes[p]) for r, p in enumerate(master.rows) if y[r] > 0
        }
        if not cost:
            return None
        scale = max(cost.values())
        value, _ = pricer.relaxed({p: c / scale for p, c in cost.items()})
        self.pricing_calls += 1
        if not math.isfinite(value):
            return None
        # the LP is solved to 1e-10; allow for that in the bound
        return lagrangian(y, value * scale * (1 + 1e-9) + 1e-12), y

    def heuristic_columns(
        self,
        master: _Master,
        rows: list[int],
        y: np.ndarray,
        mu: float,
        q: np.ndarray,
        t: float,
    ) -> int:
        """Add the improving selections a swap local search finds from the master's support
        (:mod:`selectie.lottery.heuristics`); the number added (0: price exactly).
        """
        quotas = self.quotas
        if quotas is None or not HEURISTIC.local_search:
            return 0
        prof = self.prof
        order = sorted((c for c in range(len(q)) if q[c] > 1e-12), key=lambda c: (-q[c], c))
        starts = [master.columns[c] for c in order[: HEURISTIC.starts]]
        tolerance = TOLERANCE + HEURISTIC.relative * mu
        w = np.zeros(prof.count)
        w[rows] = y / prof.sizes[rows]
        panels: list[np.ndarray] = []
        alpha = HEURISTIC.smoothing
        center = self.center
        if alpha > 0 and center is not None and center.shape == w.shape:
            # smoothed duals: climb at a point between the last point and the master's duals,
            # keep what improves at the master's duals (no mis-pricing reaches the master)
            ws = alpha * center + (1 - alpha) * w
            panels = [
                c
                for c in improving_panels(
                    quotas, ws, -math.inf, starts, tolerance=0.0, known=master.keys
                )
                if float(w @ c) - mu > tolerance
            ]
            self.center = ws
        if not panels:
            panels = improving_panels(quotas, w, mu, starts, tolerance=tolerance, known=master.keys)
            self.center = w
        added = sum(1 for counts in panels[: HEURISTIC.columns] if master.add(counts))
        self.heuristic_added += added
        self.heuristic_rounds += 1
        self.say(
            f"round {self.rounds}: {len(master.columns)} panels, minimum {_pct(t)} "
            f"(+{added} by local search)"
        )
        return added

    def value_of(self, rows: list[int], yv: np.ndarray, counts: np.ndarray) -> float:
        """sum_r yv_r * counts_p / |p| over the master's rows."""
        sizes = self.prof.sizes
        return float(sum(yv[r] * counts[p] / sizes[p] for r, p in enumerate(rows) if counts[p]))

    def price(
        self,
        pricer: _Pricer,
        rows: list[int],
        yv: np.ndarray,
        bound_of: Callable[[float], float],
        t: float,
        mu: float,
    ) -> tuple[np.ndarray | None, float, list[np.ndarray]] | None:
        """A selection with a large dual weight: (its counts or None, an upper bound on the
        largest weight, other selections met on the way). None when the time limit was
        reached. The weight is the largest when the integer program ran to the end; it stops
        early (:class:`Tuning`) once a selection beats ``mu`` by enough, and then its bound
        still bounds the largest weight.
        """
        prof = self.prof
        w = np.zeros(prof.count)
        for r, p in enumerate(rows):
            w[p] = yv[r] / prof.sizes[p]
        scale = float(w.max())
        if scale <= 0:
            if self.clock.expired():
                return None
            return np.zeros(prof.count, dtype=np.int64), 0.0, []
        cost = {p: float(w[p] / scale) for p in rows if w[p] > 0}
        if pricer.lp is not None:
            lp_bound, integral = pricer.relaxed(cost)
            if integral is not None:
                counts = np.array(integral[: prof.count], dtype=np.int64)
                if _satisfies(self.milp, counts.tolist()):
                    return counts, max(lp_bound * scale, self.value_of(rows, yv, counts)), []
            elif bound_of(lp_bound * scale) - t <= TUNING.gap:
                return None, lp_bound * scale, []  # the relaxation already closes the gap
        solved = pricer.solve(cost, "max", stop=mu / scale)
        if solved.values is None or not (solved.status == Status.OPTIMAL or solved.early):
            return None
        counts = self.counts_of(solved.values)
        extra = [self.counts_of(v) for v in solved.found]
        value = self.value_of(rows, yv, counts)
        return counts, max(value, pricer.last_bound * scale), extra

    def counts_of(self, values: Sequence[float]) -> np.ndarray:
        """Profile counts from a solver's solution, checked against every row in Python."""
        counts = np.array([round(v) for v in values[: self.prof.count]], dtype=np.int64)
        if not _satisfies(self.milp, counts.tolist()):
            raise SolverError(
                f"the solver ({self.solver}) returned a selection that breaks a constraint "
                "after rounding"
            )
        return counts

    def more_columns(
        self,
        master: _Master,
        pricer: _Pricer,
        rows: list[int],
        y: np.ndarray,
        upper: float,
        counts: np.ndarray,
        value: float,
    ) -> None:
        """Find more selections without solving the master again (a heuristic).

        The dual weights of the cases in the selection just found are scaled down until that
        selection no longer violates them; a selection that violates the scaled weights is
        added too. The LP relaxation is tried first; when it is fractional, the integer program
        stopped at the first good selection (:attr:`Tuning.extra_mip`). This changes how fast
        the loop converges, never its result.
        """
        if pricer.lp is None:
            return
        sizes = self.prof.sizes.astype(float)
        weights = {r: float(y[r]) for r in range(len(rows)) if y[r] > 0}
        for _ in range(_EXTRA_COLUMNS):
            factor = upper / value
            for r in list(weights):
                if counts[rows[r]] > 0:
                    weights[r] *= factor
            cost = {rows[r]: w / sizes[rows[r]] for r, w in weights.items() if w > 0}
            if not cost:
                return
            top = max(cost.values())
            scaled = {p: c / top for p, c in cost.items()}
            _, integral = pricer.relaxed(scaled)
            if integral is None:
                if not TUNING.extra_mip or self.clock.expired():
                    return
                # the integer program, stopped as soon as it beats the scaled weights
                solved = pricer.solve(scaled, "max", stop=upper / top)
                if solved.values is None or not solved.early:
                    return
                integral = solved.values
            counts = np.array([round(v) for v in integral[: self.prof.count]], dtype=np.int64)
            value = sum(w * counts[rows[r]] / sizes[rows[r]] for r, w in weights.items())
            if value <= upper + TOLERANCE or not _satisfies(self.milp, counts.tolist()):
                return
            if not master.add(counts):
                return

    def finish(
        self,
        columns: list[np.ndarray],
        q: np.ndarray,
        selectable: list[bool | None],
        status: Status,
        bound: float | None,
    ) -> Lottery:
        """Clean the distribution, re-check its support, compute the probabilities."""
        columns = columns[: len(q)]  # selections added after the last master solve weigh 0
        weights = np.where(q > 1e-12, q, 0.0)
        total = float(weights.sum())
        if total <= 0:
            return self.result(Status.ERROR, message="the lottery has no support (numerical)")
        weights = weights / total
        entries = [(float(weights[c]), columns[c]) for c in range(len(columns)) if weights[c] > 0]
        return self.package(entries, selectable, status, bound, ranks=None)

    def recheck(self, selections: Sequence[np.ndarray]) -> str | None:
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
        prof = self.prof
        compiled = self.compiled
        size = compiled.scenario.size
        n = len(compiled.pool)
        cons = compiled.constraints
        if any(c.kind == "bridges" for c in cons) or len(selections) * size <= n:
            for counts in selections:
                chosen = prof.representative(counts.tolist())
                bad = [c for c in compiled.check(chosen) if not c.satisfied]
                if len(chosen) != size or bad:
                    return "; ".join(c.sentence() for c in bad[:5]) or (
                        f"{len(chosen)} cases instead of {size}"
                    )
            return None
        matrix = np.array(selections, dtype=np.int64)
        totals = matrix.sum(axis=1)
        if np.any(totals != size):
            return f"{int(totals[totals != size][0])} cases instead of {size}"
        for c in cons:
            hit = np.fromiter((bool(c.predicate(i)) for i in range(n)), dtype=bool, count=n)
            inside = np.bincount(prof.of[hit], minlength=prof.count)
            if np.any((inside != 0) & (inside != prof.sizes)):
                return f"{c.name}: the constraint splits a profile of interchangeable cases"
            achieved = matrix @ (inside > 0).astype(np.int64)
            low = c.lo is not None and bool(np.any(achieved < c.lo))
            high = c.hi is not None and bool(np.any(achieved > c.hi))
            if low or high:
                worst = int(achieved.min() if low else achieved.max())
                return f"{c.name}: {worst} selected, {c.required} required"
        return None

    def package(
        self,
        entries: list[tuple[float, np.ndarray]],
        selectable: list[bool | None],
        status: Status,
        bound: float | None,
        ranks: list[int] | None,
    ) -> Lottery:
        prof = self.prof
        compiled = self.compiled
        failure = self.recheck([counts for _, counts in entries])
        if failure is not None:
            return self.result(
                Status.ERROR,
                message=f"a selection of the lottery fails the re-check ({failure}); "
                "it is not shown",
            )
        # canonical order: by rank (uniform_best), else by probability (largest first), then
        # by the counts
        order = sorted(
            range(len(entries)),
            key=lambda e: (
                ranks[e] if ranks is not None else 0,
                -entries[e][0],
                tuple(-int(x) for x in entries[e][1]),
            ),
        )
        expected = np.zeros(prof.count)
        support = []
        for e in order:
            prob, counts = entries[e]
            expected += prob * counts
            take = tuple(
                Take(int(p), int(counts[p]), int(prof.sizes[p]))
                for p in range(prof.count)
                if counts[p] > 0
            )
            support.append(
                SupportEntry(
                    probability=prob,
                    take=take,
                    weight=max(1, round(prob * _WEIGHT_UNIT)),
                    rank=None if ranks is None else ranks[e],
                )
            )
        profiles = []
        pool = compiled.pool
        attrs = compiled.key_attributes
        for p, members in enumerate(prof.members):
            prob = min(1.0, max(0.0, float(expected[p] / prof.sizes[p])))
            profiles.append(
                Profile(
                    index=p,
                    positions=tuple(members),
                    ids=tuple(pool.ids[i] for i in members),
                    label=_profile_label(pool, attrs, members),
                    probability=prob,
                    selectable=selectable[p],
                )
            )
        return self.result(
            status,
            profiles=tuple(profiles),
            support=tuple(support),
            bound=bound,
            columns=len(entries),
        )

    # -- uniform over the k best -----------------------------------------------------------------

    def uniform_best(self, k: int, selectable: list[bool | None]) -> Lottery:
        """The k best distinct selections by the objective, by repeated solving with cuts."""
        from ..solve.backend import get_backend

        backend = get_backend(self.solver)
        prof = self.prof
        compiled = self.compiled
        milp, stages = _objective_program(compiled, prof, self.milp)
        # indicator binaries: u[p][v] = 1 iff n_p = v (profiles with more than one case)
        ind: dict[int, list[int]] = {}
        for p in range(prof.count):
            size = int(prof.sizes[p])
            if size > 1:
                ind[p] = [milp.add_var(f"u{p}_{v}", 0, 1, True) for v in range(size + 1)]
                milp.add_row(f"one{p}", [(u, 1.0) for u in ind[p]], 1.0, 1.0)
                milp.add_row(
                    f"val{p}", [(p, 1.0)] + [(u, -float(v)) for v, u in enumerate(ind[p])], 0, 0
                )
        found: list[np.ndarray] = []
        status = Status.OPTIMAL
        for n in range(k):
            m = milp.extended()
            best: list[float] | None = None
            for name, terms, sense, integral in stages:
                raw = backend.solve(
                    m.with_objective(terms, sense),
                    time_limit=self.clock.remaining(),
                    seed=self.seed,
                    verbose=False,
                )
                self.pricing_calls += 1
                if raw.status == Status.INFEASIBLE:
                    best = None
                    break
                if raw.values is None:
                    status = Status.FEASIBLE if found else Status.NO_SOLUTION
                    best = None
                    break
                best = raw.values
                if raw.status != Status.OPTIMAL:
                    status = Status.FEASIBLE
                    break
                value = m.evaluate(terms, raw.values)
                if integral:
                    lo, hi = (value - 0.5, None) if sense == "max" else (None, value + 0.5)
                else:
                    tol = 1e-7 * max(1.0, abs(value))
                    lo, hi = (value - tol, None) if sense == "max" else (None, value + tol)
                m.add_row(f"lock {name}", terms, lo, hi)
            if best is None:
                if status == Status.OPTIMAL and n == 0:
                    return self.infeasible()
                if status == Status.OPTIMAL:
                    self.message = (
                        f"only {n} distinct valid selection{'s exist' if n != 1 else ' exists'} "
                        f"(k = {k}; selections that differ only by interchangeable cases count "
                        "as one)"
                    )
                elif status == Status.NO_SOLUTION:
                    return self.result(
                        Status.NO_SOLUTION,
                        message="the time limit was reached before any selection was found",
                    )
                else:
                    self.message = (
                        f"the time limit was reached after {len(found)} of the {k} best selections"
                    )
                break
            counts = np.array([round(v) for v in best[: prof.count]], dtype=np.int64)
            if not _satisfies(self.milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=f"the solver ({self.solver}) returned a selection that breaks a "
                    "constraint after rounding",
                )
            found.append(counts)
            self.say(f"selection {n + 1} of {k} found")
            if status != Status.OPTIMAL:
                self.message = (
                    f"the time limit was reached after {len(found)} of the {k} best selections; "
                    "the last is valid but not proven the next best"
                )
                break
            # no-good cut: at least one profile count differs from this selection
            cut: Terms = []
            rhs = float(prof.count - 1)
            for p in range(prof.count):
                c = int(counts[p])
                if p in ind:
                    cut.append((ind[p][c], 1.0))
                elif c == 1:
                    cut.append((p, 1.0))
                else:  # [n_p == 0] = 1 - n_p
                    cut.append((p, -1.0))
                    rhs -= 1.0
            milp.add_row(f"nogood{n}", cut, None, rhs)
        if not found:
            return self.infeasible()
        share = 1.0 / len(found)
        entries = [(share, c) for c in found]
        return self.package(entries, selectable, status, None, ranks=list(range(1, len(found) + 1)))
