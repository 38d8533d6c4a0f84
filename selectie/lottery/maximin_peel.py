"""Maximin from the peel of a fractional optimum, before the coverage step, on hard pools.

**When.** The fractional maximin ``t*`` (the maximin of the LP relaxation ``R``,
:class:`~.heuristics.Relaxation`) bounds every lottery's minimum, and so does the average
``k / n`` (``n`` cases share ``k`` seats). On an *easy* pool ``t* = k / n``: everyone can
reach ``k / n``, the column generation reaches and proves it quickly, and it runs as before
(same outputs). On a *hard* pool (``t*`` below ``k / n``: the quotas hold some people down)
the column generation needs many panels (750/112: not proven within 240 s; 2000/200: 25 s
CPU), so a point of ``R`` with every share at least ``t*`` is decomposed into panels first
(:mod:`.peel`; :func:`~.peel.fractional_vertex`): when the decomposition is complete its
lottery reaches ``t*`` and the master proves the minimum in its first solve, from the same
fractional bound as always (:meth:`~.colgen._ColumnGeneration.relaxation_bound`).
``LEXIMIN.peel_maximin`` peels on every pool with quota rows, easy ones too (another optimal
lottery there: a tie, same minimum).

**The coverage step** finds a panel for each profile that can be selected and proves the
others never selectable. When ``t* > 0`` every profile has a positive share in the fractional
leximin, and a complete peel's panels (each re-checked against every constraint) hold every
profile: each is then selectable, witnessed by a panel, and the coverage step has nothing
left to find; it is skipped. Otherwise it runs as always, and the peeled panels join its
columns.

This is selectie's own rule (measured in ``benchmarks/peel_bench.py`` and
``benchmarks/hard_sortition_bench.py``; see docs/method.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .heuristics import Relaxation
from .leximin import _Fair
from .peel import fractional_vertex
from .result import LotteryMethod
from .stuck import LEXIMIN


@dataclass
class MaximinPeelTuning:
    """What maximin peels (the same proof; measured in ``benchmarks/peel_bench.py``)."""

    #: On hard pools: the fractional maximin below the average k / n (see the module's text).
    auto: bool = True
    #: Peel a vertex of the relaxation with every share at least the fractional maximin
    #: (:func:`~.peel.fractional_vertex`, one LP), not the fractional leximin (one LP per
    #: level); either reaches the fractional bound.
    vertex: bool = True
    #: The peel's small integer programs look for the panel of largest weight (True) or for
    #: any panel (False, faster; see :func:`~.peel.peel`).
    weighted: bool = False


#: The tuning in use (module-level so that a benchmark or a test can change it).
MAXIMIN_PEEL = MaximinPeelTuning()

#: The fractional maximin is below the average bound when it is below it by more than this
#: (relative).
BELOW = 1e-9


class _MaximinPeel(_Fair):
    """Maximin's peel before the coverage step (:meth:`peel_first`)."""

    def peel_first(self) -> tuple[list[np.ndarray], list[bool | None]] | None:
        """For maximin on a hard pool (the fractional maximin below k / n): the peeled
        panels and every profile selectable, when they hold every profile (the coverage step
        is then skipped); None otherwise (the peeled panels, if any, are kept in
        :attr:`first_panels` for the master).
        """
        self.first_panels: list[np.ndarray] = []
        if self.method != LotteryMethod.MAXIMIN or self.quotas is None:
            return None
        prof = self.prof
        rows = list(range(prof.count))
        bound = Relaxation(self.milp, rows, prof.sizes, []).bound({})
        if bound is None or bound[0] <= 0:
            return None
        # the average bound: every case cannot get more than k / n
        average = self.compiled.scenario.size / float(np.sum(prof.sizes))
        below = bound[0] < average * (1 - BELOW)
        if not LEXIMIN.peel_maximin and not (MAXIMIN_PEEL.auto and below):
            return None
        level = bound[0]
        target = fractional_vertex(self.milp, prof.sizes, level) if MAXIMIN_PEEL.vertex else None
        if MAXIMIN_PEEL.vertex and target is None:
            return None
        # the run's time limit (wall seconds) bounds the peel's CPU seconds too
        left = self.clock.remaining()
        if left is not None and left <= 0:
            return None
        panels = self.peeled(rows, [], target, weighted=MAXIMIN_PEEL.weighted, seconds=left)
        held = np.zeros(prof.count, dtype=bool)
        for c in panels:
            held |= c > 0
        if panels and bool(held.all()):
            return list(panels), [True] * prof.count
        # the cover runs: the rows of the master may be fewer than the profiles
        self.peel_levels = None
        self.first_panels = list(panels)
        return None
