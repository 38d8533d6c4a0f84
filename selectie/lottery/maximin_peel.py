"""Maximin from the peel of the fractional leximin, before the coverage step, when the
fractional bound combines several quota rows.

**When.** The fractional maximin ``t*`` (the maximin of the LP relaxation ``R``,
:class:`~.heuristics.Relaxation`) bounds every lottery's minimum. Its dual weights say what
the bound rests on. When they give every weighted case the *same* weight, the bound is a
counting bound: the average ``k / n`` (easy pools), or one value held by ``N`` people with
upper quota ``hi`` (``hi / N``; the hard pools 300/45, 2000/200 and the sf_e-shaped one of
``benchmarks/hard_pools.py``); the column generation reaches such a bound quickly, and it runs
as before (same outputs). When the weights take several values, the bound combines several
quota rows (750/112: 101 values over 20 rows), the column generation's own Lagrangian bounds
stay far above it, and it did not prove the optimum within 240 s. Then the fractional
leximin is decomposed into panels first (:mod:`.peel`): when the decomposition is complete,
its lottery reaches ``t*`` and the master proves the minimum in its first solve, from the
same fractional bound as always (:meth:`~.colgen._ColumnGeneration.relaxation_bound`).
``LEXIMIN.peel_maximin`` peels on every pool with quota rows.

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

    #: On pools whose fractional bound combines quota rows (see the module's text).
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

#: Two weights per case closer than this (relative to the largest) are the same weight.
SAME = 1e-7
#: Weights below this (relative to the largest) are no weight.
ZERO = 1e-9


def weight_values(y: np.ndarray, sizes: np.ndarray) -> int:
    """How many different positive weights per case the dual weights ``y`` (one per profile
    row, sizes ``sizes``) give (1: a counting bound).
    """
    w = np.asarray(y, dtype=float) / np.asarray(sizes, dtype=float)
    top = float(w.max(initial=0.0))
    if top <= 0:
        return 0
    pos = np.sort(w[w > ZERO * top]) / top
    return 1 + int(np.count_nonzero(np.diff(pos) > SAME))


class _MaximinPeel(_Fair):
    """Maximin's peel before the coverage step (:meth:`peel_first`)."""

    def peel_first(self) -> tuple[list[np.ndarray], list[bool | None]] | None:
        """For maximin on a pool whose fractional bound combines quota rows: the peeled
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
        combined = weight_values(bound[1], prof.sizes) > 1
        if not LEXIMIN.peel_maximin and not (MAXIMIN_PEEL.auto and combined):
            return None
        level = bound[0]
        target = fractional_vertex(self.milp, prof.sizes, level) if MAXIMIN_PEEL.vertex else None
        if MAXIMIN_PEEL.vertex and target is None:
            return None
        panels = self.peeled(rows, [], target, weighted=MAXIMIN_PEEL.weighted)
        held = np.zeros(prof.count, dtype=bool)
        for c in panels:
            held |= c > 0
        if panels and bool(held.all()):
            return list(panels), [True] * prof.count
        # the cover runs: the rows of the master may be fewer than the profiles
        self.peel_levels = None
        self.first_panels = list(panels)
        return None
