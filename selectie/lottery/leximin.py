"""The maximin and leximin rounds of a lottery run: column generation for the minimum,
then (leximin) fixing the profiles stuck at it and raising the others, round by round.
"""

from __future__ import annotations

import numpy as np

from ..i18n import _, ngettext, scientific
from ..result import Status
from .colgen import _ColumnGeneration
from .heuristics import HEURISTIC, Relaxation
from .result import _GAP_FLOOR, _SLACK, ACCURACY, Lottery, LotteryMethod, _pct
from .solvers import TUNING, _Master, _Pricer


class _Fair(_ColumnGeneration):
    """Maximin and leximin (:meth:`fair`), round by round."""

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
            for r in sorted(fix):
                master.fix(r, max(0.0, t - _SLACK))
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
        if self.accuracy is not None and self.accuracy > ACCURACY:
            self.message = (self.message + "; " if self.message else "") + _(
                "the solver's tolerances allowed a proof to within {accuracy} only "
                "(the aim is {aim})"
            ).format(accuracy=scientific(self.accuracy), aim=scientific(ACCURACY, 0))
        self.pricing_calls += pricer.calls + pricer.relaxed_calls
        self.master_calls = master.calls
        return self.finish(master.columns, q, selectable, status, bound)
