"""One lottery computation: coverage, then maximin / leximin, Nash welfare or uniform_best.

The run is one object whose steps live in their own modules: :mod:`.state` (what the run
knows, and the packaging of its result), :mod:`.cover` (the coverage step), :mod:`.colgen`
(column generation for one round), :mod:`.leximin` (the maximin and leximin rounds),
:mod:`.kbest` (uniform over the k best) and :mod:`.nash`; the re-check of every selection is
:mod:`selectie.formulation.recheck`'s, called from :mod:`.state`.
"""

from __future__ import annotations

import numpy as np

from ..i18n import _
from ..result import Status
from .cover import _Cover
from .heuristics import Quotas
from .kbest import _UniformBest
from .maximin_peel import _MaximinPeel
from .program import selection_model
from .result import Lottery, LotteryMethod

# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


class _Run(_MaximinPeel, _Cover, _UniformBest):
    """One lottery computation (:func:`~selectie.lottery.fair_lottery` makes and executes it)."""

    # -- shared steps --------------------------------------------------------------------------

    def execute(self, k: int | None) -> Lottery:
        model = selection_model(self.compiled, objective=self.method == LotteryMethod.UNIFORM_BEST)
        self.model = model
        prof = self._prof = model.grouping
        milp = self.milp = model.base
        self.quotas = Quotas.of(milp, prof.count)
        self.say(_("{n} cases in {p} profiles").format(n=len(self.compiled.pool), p=prof.count))
        # maximin on a hard pool: the peel first, which can make the coverage step needless
        cover = self.peel_first() or self.cover(milp)
        if isinstance(cover, Lottery):
            return cover
        columns, selectable = cover
        columns = self.first_panels + columns
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
            self.message = (self.message + "; " if self.message else "") + _(
                "the time limit was reached before the distribution was proven optimal"
            )
        return self.finish(found, q, selectable, status, None)
