"""The maximin and leximin rounds of a lottery run: column generation for the minimum,
then (leximin) fixing the profiles stuck at it and raising the others, round by round.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from ..i18n import _, ngettext, scientific
from ..result import Status
from .colgen import _ColumnGeneration
from .heuristics import HEURISTIC, Relaxation
from .result import _GAP_FLOOR, _SLACK, ACCURACY, Lottery, LotteryMethod, _pct
from .safebound import SafeMaximum
from .solvers import _LP_OPTIONS, TUNING, _Master, _open, _Pricer
from .stuck import LEXIMIN, StuckSet

#: After a complete peel whose probabilities match the fractional leximin to this, the
#: rounds fix each profile at its level in the peeled lottery, ``pi*_r``, when that lies
#: between the round's minimum ``t`` and its proven bound ``t + gap``, and lower the fixed
#: levels by ``_PEEL_SLACK``, not ``_SLACK``: the master already holds a distribution at
#: those levels (to this, inside its LP tolerance of 1e-10), and a master that turns out
#: infeasible is relaxed as always (:meth:`_Master.relax`). Lowered levels would let the
#: next rounds' fractional bound rise far above ``pi*``: on 2000/200, fixed levels lowered
#: by 1e-11 raise round 5's bound by 3.8e-8, by 1e-9 (``_SLACK``) by 3.8e-6 (measured), a
#: gap only a long tail of pricing closes. Either level is within the round's proof; the
#: accuracy reported is computed as without the peel. A looser peel only gives its panels
#: to the rounds.
_PEEL_MATCH = 1e-11
#: ... and lowers them by this much only (far inside the master's LP tolerance).
_PEEL_SLACK = 1e-13
#: ... also when ``pi*_r`` lies below ``t`` by at most this (the master's LP tolerance lets
#: its ``t`` exceed ``pi*_r`` a little; fixed at ``t`` such levels are more than the
#: relaxation holds, amplified through the quota rows: on sf_e/1727/110 round 4's proven
#: bound fell 4.2e-10 below ``pi*``, measured).
_PEEL_BELOW = 1e-10
#: ... and ends a round when its proven gap is at most this (instead of ``TUNING.gap``,
#: 1e-9): the gap left after a complete peel is the safe bound's allowance for the LP's
#: dual tolerance (3.5e-9 on 2000/200, round 6, measured). The fixing rule and the accuracy
#: reported take the gap into account as always (a profile is fixed only when its share of
#: the weights is at least gap / ACCURACY), so the claim stays the same; only the round
#: stops pricing sooner.
_PEEL_GAP = 1e-8
#: When the fractional selection is infeasible at the master's fixed levels (HiGHS, at its
#: tolerance of 1e-10, finds no point of the relaxation with every fixed profile at its
#: level, although the master's lottery holds them: the levels sit at the relaxation's own
#: maximum, so the master's LP tolerance is enough to leave the relaxation's), its linear
#: programs are solved again with the fixed levels lowered by each of these in turn. Any
#: levels give dual weights, and the bound is proven from those weights with the master's
#: own levels (the Lagrangian bound of :meth:`~.colgen._ColumnGeneration.generate`), so the
#: lowering costs nothing in what is proven. Measured on sf_e/1727/110: round 17 of the peeled
#: rounds found the relaxation infeasible at 806 fixed levels and, with no fractional bound,
#: priced without end (gap 7.8e-2 after 1300 s CPU).
_LOWER = (1e-12, 1e-11, 1e-10, 1e-9)
#: After a complete peel, a master found infeasible at its fixed levels (the same looseness
#: as above, in the master: the levels sit at the master's own optimum) lowers them by these
#: amounts, one per retry, instead of 1e-7 each time: 779 levels lowered by 1e-7 let the free
#: profiles rise 1e-6 above the peel's level (sf_e/1727/110, round 4, measured), levels that
#: no later round's relaxation can hold.
_PEEL_RELAX = (1e-12, 1e-10, 1e-7)


def _lowered(fixed: dict[int, float], amount: float) -> dict[int, float]:
    """``fixed`` with every level lowered by ``amount``."""
    return {r: max(0.0, level - amount) for r, level in fixed.items()}


class _Fair(_ColumnGeneration):
    """Maximin and leximin (:meth:`fair`), round by round."""

    #: rounds whose fractional bound was found only at lowered levels (see :data:`_LOWER`)
    lowered = 0
    #: how far the last round's fixed levels had to be lowered for the relaxation (0: not)
    lowering = 0.0

    # -- maximin and leximin ---------------------------------------------------------------------

    def fair(self, columns: list[np.ndarray], selectable: list[bool | None]) -> Lottery:
        prof = self.prof
        rows = [p for p in range(prof.count) if selectable[p]]
        master = _Master(rows, prof.sizes)
        never = [p for p in range(prof.count) if selectable[p] is False]
        if self.quotas is not None or HEURISTIC.relaxation:
            self.relaxation = Relaxation(self.milp, rows, prof.sizes, never)
        stuck: StuckSet | None = None
        if self.method == LotteryMethod.LEXIMIN and LEXIMIN.stuck:
            stuck = StuckSet(self.milp, rows, prof.sizes, never)
        for c in columns:
            master.add(c)
        # (maximin's peel runs before the coverage step: .maximin_peel)
        if self.quotas is not None and self.method == LotteryMethod.LEXIMIN and LEXIMIN.peel:
            for c in self.peeled(rows, never):
                master.add(c)
        # with a complete peel the master already holds the fractional leximin to about
        # 1e-11; fixed levels lowered by the usual slack would let the relaxation's bound
        # rise above it by several times that slack (hundreds of fixed profiles) and each
        # round would price to close what is only that slack
        slack = _PEEL_SLACK if self.peel_levels is not None else _SLACK
        if self.peel_levels is not None:
            self.safe = SafeMaximum(
                self.milp, _open("highs", self.milp.relaxation(), seed=0, options=_LP_OPTIONS)
            )
        pricer = _Pricer(
            self.milp, self.solver, self.seed, self.clock, relax_first=TUNING.relax_first
        )
        unfixed = set(range(len(rows)))
        # the level each fixed row was fixed at (a relaxed master lowers them: see below)
        wanted: dict[int, float] = {}
        status = Status.OPTIMAL if not self.message else Status.FEASIBLE
        bound: float | None = None
        q = np.zeros(0)
        while True:
            self.rounds += 1
            gap_before = TUNING.gap
            if self.peel_levels is not None:
                # the peeled master sits at the levels; what is left is the bounds' own
                # floating-point looseness, which pricing cannot close (see _PEEL_GAP)
                TUNING.gap = max(gap_before, _PEEL_GAP)
            try:
                out = self.generate(master, pricer, rows)
            finally:
                TUNING.gap = gap_before
            if out is None:
                return self.result(
                    Status.ERROR,
                    message=_("the master linear program could not be solved (numerical trouble)"),
                )
            t, y, gap, q, proven = out
            if self.rounds == 1:
                bound = t + gap
            self.levels.append(t)
            if not proven:
                self.accuracy = None
                status = Status.FEASIBLE
                self.message = (self.message + "; " if self.message else "") + _(
                    "the time limit was reached before the distribution was proven fair"
                )
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
            if stuck is not None and len(fix) < len(unfixed):
                more = self.stuck_profiles(stuck, master, t, unfixed)
                fix = sorted(set(fix) | set(more))
            for r in sorted(fix):
                level = t
                if self.peel_levels is not None:
                    # the peeled lottery gives this profile pi*_r: fix it there when that
                    # lies within the round's proven bound (see _PEEL_MATCH)
                    # (or a hair below t: the master's own t may lie above it by its LP
                    # tolerance, and a level above pi*_r is one the relaxation cannot hold)
                    peeled = float(self.peel_levels[r])
                    if peeled >= t - _PEEL_BELOW:
                        level = min(peeled, t + gap)
                    if level < t and self.accuracy is not None:
                        # the lottery may give it that much less than the proven t
                        self.accuracy = max(self.accuracy, t - level)
                wanted[r] = max(0.0, level - slack)
                master.fix(r, wanted[r])
                unfixed.discard(r)
            self.say(
                ngettext(
                    "round {r}: minimum {p} fixed for {f} profile, {left} left",
                    "round {r}: minimum {p} fixed for {f} profiles, {left} left",
                    len(fix),
                ).format(r=self.rounds, p=_pct(t), f=len(fix), left=len(unfixed))
            )
            if not unfixed:
                break
        if self.accuracy is not None and wanted:
            # a master relaxed at its fixed levels (generate) may give those rows that much
            # less than the levels their rounds proved
            lowered = max(wanted[r] - master.fixed[r] for r in wanted)
            self.accuracy = max(self.accuracy, lowered)
        if self.accuracy is not None and self.accuracy > ACCURACY:
            self.message = (self.message + "; " if self.message else "") + _(
                "the solver's tolerances allowed a proof to within {accuracy} only "
                "(the aim is {aim})"
            ).format(accuracy=scientific(self.accuracy), aim=scientific(ACCURACY, 0))
        self.pricing_calls += pricer.calls + pricer.relaxed_calls
        self.master_calls = master.calls
        return self.finish(master.columns, q, selectable, status, bound)

    def relax_amount(self, retries: int) -> float:
        """See :data:`_PEEL_RELAX`; otherwise as always."""
        if self.peel_levels is not None and retries < len(_PEEL_RELAX):
            return _PEEL_RELAX[retries]
        return super().relax_amount(retries)

    def relaxation_bound(
        self,
        master: _Master,
        pricer: _Pricer,
        lagrangian: Callable[[np.ndarray, float], float],
        fixed: dict[int, float] | None = None,
    ) -> tuple[float, np.ndarray] | None:
        """The fractional bound as always; when the relaxation is infeasible at the master's
        fixed levels, its weights at the levels lowered by :data:`_LOWER`, each proven with the
        master's own levels (so the bound holds for the master as it is).
        """
        self.lowering = 0.0
        out = super().relaxation_bound(master, pricer, lagrangian, fixed)
        if out is not None or fixed is not None or not master.fixed:
            return out
        for amount in _LOWER:
            out = super().relaxation_bound(
                master, pricer, lagrangian, _lowered(master.fixed, amount)
            )
            if out is not None:
                self.lowered += 1
                self.lowering = amount
                return out
        return None

    def relaxed_top(self, pricer: _Pricer, cost: dict[int, float]) -> float | None:
        """After a complete peel: the LP maximum bounded safely (:mod:`.safebound`), with no
        relative 1e-9 allowance; otherwise as always.
        """
        safe = self.safe
        if safe is None:
            return super().relaxed_top(pricer, cost)
        scale = max(cost.values())
        value = safe.maximum({p: c / scale for p, c in cost.items()})
        self.pricing_calls += 1
        return value * scale if math.isfinite(value) else None

    def peeled(
        self,
        rows: list[int],
        never: list[int],
        target: np.ndarray | None = None,
        *,
        weighted: bool = True,
        seconds: float | None = None,
    ) -> list[np.ndarray]:
        """The panels of the fractional leximin's decomposition (:mod:`~.peel`; of
        ``target`` instead when given, with the peel's ``weighted``), each re-checked; what
        the peel did is kept in :attr:`peel_info`. Nothing here is a proof: the rounds prove
        the levels, at once when these panels reach them. ``seconds``: CPU seconds the peel
        may take at most, besides ``LEXIMIN.peel_seconds``.
        """
        from .peel import fractional_leximin, peel

        assert self.quotas is not None
        sizes = self.prof.sizes
        start = time.process_time()
        if target is None:
            target = fractional_leximin(self.milp, rows, sizes, never)
        cpu = time.process_time() - start
        if target is None:
            self.peel_info = {"complete": False, "failure": "no fractional leximin"}
            return []
        out = peel(
            self.milp,
            self.quotas,
            sizes,
            target,
            deadline=start + min(LEXIMIN.peel_seconds, math.inf if seconds is None else seconds),
            weighted=weighted,
        )
        out.cpu_target = cpu
        panels = out.panels if self.recheck(out.panels) is None else []
        if not out.panels:
            # no panel found (the peel says why when it knows: out of time, no first panel)
            why = "no panel" + (f" ({out.failure})" if out.failure else "")
            self.peel_info = {**out.summary(), "complete": False, "failure": why}
        elif not panels:
            self.peel_info = {"complete": False, "failure": "recheck"}
        else:
            self.peel_info = out.summary()
        if panels and out.complete and out.deviation <= _PEEL_MATCH:
            self.peel_levels = np.array([target[p] / float(sizes[p]) for p in rows])
        if self.method == LotteryMethod.MAXIMIN:
            text = (
                ngettext(
                    "fractional maximin decomposed into {n} panel",
                    "fractional maximin decomposed into {n} panels",
                    len(panels),
                )
                if out.complete
                else ngettext(
                    "fractional maximin decomposed in part, into {n} panel",
                    "fractional maximin decomposed in part, into {n} panels",
                    len(panels),
                )
            )
        else:
            text = (
                ngettext(
                    "fractional leximin decomposed into {n} panel",
                    "fractional leximin decomposed into {n} panels",
                    len(panels),
                )
                if out.complete
                else ngettext(
                    "fractional leximin decomposed in part, into {n} panel",
                    "fractional leximin decomposed in part, into {n} panels",
                    len(panels),
                )
            )
        self.say(text.format(n=len(panels)))
        return panels

    def stuck_profiles(
        self, stuck: StuckSet, master: _Master, t: float, unfixed: set[int]
    ) -> list[int]:
        """The free rows that the fractional selection proves stuck at ``t``
        (:class:`~.stuck.StuckSet`), each by the same rule as the round's own proof.

        The weights' Lagrangian bound is proven again from the exact LP maximum of their
        weight over the relaxation, so a row is fixed only when its share of the weight is at
        least the proven gap divided by :data:`ACCURACY`; the accuracy is updated as for the
        round's own fixing.
        """
        # the relaxation at the levels this round's bound needed (see _LOWER); the gap below
        # proves the weights with the master's own levels
        w = stuck.weights(_lowered(master.fixed, self.lowering), max(0.0, t - _SLACK))
        sizes = self.prof.sizes
        cost = (
            {}
            if w is None
            else {p: float(w[r]) / float(sizes[p]) for r, p in enumerate(master.rows) if w[r] > 0}
        )
        share = 0.0 if w is None else float(sum(w[r] for r in unfixed))
        scale = max(cost.values(), default=0.0)
        safe = self.safe
        maximum = stuck.maximum if safe is None else safe.maximum
        value = maximum({p: c / scale for p, c in cost.items()}) if share > 0 else math.inf
        if w is None or not math.isfinite(value) or scale <= 0:
            return []
        # the LP is solved to 1e-10; allow for that in the bound (as for the round's bound),
        # unless the bound is a safe one (after a complete peel, see .safebound)
        top = value * scale if safe is not None else value * scale * (1 + 1e-9) + 1e-12
        levels = sum(float(w[r]) * level for r, level in master.fixed.items())
        gap = max(0.0, (top - levels) / share - t, _GAP_FLOOR)
        fix = [r for r in unfixed if float(w[r]) / share >= gap / ACCURACY]
        if fix and self.accuracy is not None:
            worst = gap / min(float(w[r]) / share for r in fix)
            self.accuracy = max(self.accuracy, worst)
        return fix
