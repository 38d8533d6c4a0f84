"""Column generation for one round of maximin / leximin: the master over the selections
found so far, priced by the selection program (exactly, by its LP relaxation, or by local
search), with the Lagrangian bound that proves the round's minimum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ..errors import SolverError
from ..i18n import _, scientific
from ..result import Status
from .heuristics import HEURISTIC, improving_panels
from .program import _satisfies
from .result import _EXTRA_COLUMNS, TOLERANCE, LotteryMethod, _pct
from .solvers import TUNING, _Master, _Pricer
from .state import _RunState


class _ColumnGeneration(_RunState):
    """One round of column generation (:meth:`generate`) and its pricing steps."""

    def generate(
        self, master: _Master, pricer: _Pricer, rows: list[int], *, retries: int = 0
    ) -> tuple[float, np.ndarray, float, np.ndarray, bool] | None:
        """Column generation for one round: (t, y, gap, q, proven optimal).

        ``t`` is the minimum reached by the distribution ``q``; the dual weights ``y`` (one per
        row) prove that no distribution does better than ``t + gap``: for any weights, the
        largest weighted selection bounds the minimum (a Lagrangian bound), and the best such
        bound seen in the round is kept. ``retries``: how often the round's fixed levels were
        lowered already (a master found infeasible, see :meth:`relax_amount`).
        """
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
                master.relax(self.relax_amount(retries))
                # the bounds so far hold for the levels before: the round starts again
                return self.generate(master, pricer, rows, retries=retries + 1)
            if best_y is None:
                best_y = y.copy()
            if best - t <= TUNING.gap:
                # proven without (more) pricing, e.g. from the first solve after maximin's
                # peel: its only line with the minimum (leximin says its fixing line)
                if self.method == LotteryMethod.MAXIMIN:
                    self.say_round(len(master.columns), t, best)
                return t, best_y, max(0.0, best - t), q, True
            searched = self.searched < HEURISTIC.exact_every or HEURISTIC.exact_every <= 0
            if searched and HEURISTIC.first and self.heuristic_columns(master, rows, y, mu, q, t):
                self.searched += 1
                if self.clock.out():
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
            self.say_round(len(master.columns), t, best)
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
            if self.clock.out():
                return t, best_y, gap, q, False

    def say_round(self, panels: int, t: float, best: float) -> None:
        """The round's progress line: panels, minimum, bound, gap."""
        if self.progress is not None:
            self.say(
                _("round {r}: {n} panels, minimum {p}, bound {bound}, gap {gap}").format(
                    r=self.rounds,
                    n=panels,
                    p=_pct(t),
                    bound=_pct(min(best, 1.0)),
                    gap=scientific(max(0.0, best - t)),
                )
            )

    def relax_amount(self, retries: int) -> float:
        """How far to lower the fixed levels when the master is infeasible at them."""
        return 1e-7

    def relaxation_bound(
        self,
        master: _Master,
        pricer: _Pricer,
        lagrangian: Callable[[np.ndarray, float], float],
        fixed: dict[int, float] | None = None,
    ) -> tuple[float, np.ndarray] | None:
        """The bound of the fractional selection (:class:`~.heuristics.Relaxation`), proven
        again from its dual weights: the LP maximum of their weight over the relaxation bounds
        the weight of every valid selection, so the Lagrangian bound holds (None if unknown).
        ``fixed`` (default: the master's) are the levels the relaxation holds the fixed rows
        at; any levels give weights, and ``lagrangian`` proves them with the master's own.
        """
        relaxation = self.relaxation
        if relaxation is None or pricer.lp is None or not HEURISTIC.relaxation:
            return None
        out = relaxation.bound(master.fixed if fixed is None else fixed)
        if out is None:
            return None
        _level, y = out
        prof = self.prof
        cost = {
            p: float(y[r]) / float(prof.sizes[p]) for r, p in enumerate(master.rows) if y[r] > 0
        }
        if not cost:
            return None
        top = self.relaxed_top(pricer, cost)
        return None if top is None else (lagrangian(y, top), y)

    def relaxed_top(self, pricer: _Pricer, cost: dict[int, float]) -> float | None:
        """An upper bound on the largest ``cost`` (per profile count) of a valid selection:
        the LP maximum over the relaxation, with an allowance for its tolerance (None if
        HiGHS gives none).
        """
        scale = max(cost.values())
        value, _integral = pricer.relaxed({p: c / scale for p, c in cost.items()})
        self.pricing_calls += 1
        if not math.isfinite(value):
            return None
        # the LP is solved to 1e-10; allow for that in the bound
        return value * scale * (1 + 1e-9) + 1e-12

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
            _("round {r}: {n} panels, minimum {p} (+{added} by local search)").format(
                r=self.rounds, n=len(master.columns), p=_pct(t), added=added
            )
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
            if self.clock.out():
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
                _(
                    "the solver ({solver}) returned a selection that breaks a constraint "
                    "after rounding"
                ).format(solver=self.solver)
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
        for _attempt in range(_EXTRA_COLUMNS):
            factor = upper / value
            for r in list(weights):
                if counts[rows[r]] > 0:
                    weights[r] *= factor
            cost = {rows[r]: w / sizes[rows[r]] for r, w in weights.items() if w > 0}
            if not cost:
                return
            top = max(cost.values())
            scaled = {p: c / top for p, c in cost.items()}
            _bound, integral = pricer.relaxed(scaled)
            if integral is None:
                if not TUNING.extra_mip or self.clock.out():
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
