"""Which profiles a leximin round can fix at once: the stuck set of the fractional selection.

After a round of leximin has proven its minimum ``t``, every profile that cannot rise above
``t`` (while the fixed profiles keep their levels and the others stay at ``t`` or more) is
fixed at ``t``. The dual weights of the round's proof fix only the profiles they weigh, and a
vertex of the dual weighs few of them, so one level can take several rounds, each with its
own column generation.

Every lottery's expected counts lie in the LP relaxation of the selection program (see
:class:`~selectie.lottery.heuristics.Relaxation`), so a profile that cannot rise above ``t``
in the relaxation cannot rise in any lottery. :class:`StuckSet` finds, by two or three small
linear programs over the relaxation, the profiles that cannot rise there, and returns the
dual weights of the last one: weights ``y >= 0`` over the master's rows whose Lagrangian bound
(the LP maximum of their weight over the relaxation, less the fixed levels, divided by the
weight of the free rows) is ``t`` up to the solver's tolerance, and which weigh every stuck
profile by at least 1. The caller re-proves that bound from an exact LP maximum and fixes a
profile only when the usual rule holds for it (its share of the weight is at least the gap
divided by the accuracy), so nothing here is trusted without proof.

This is selectie's own step. Flanigan et al. (Nature 2021, the LEXIMIN algorithm) fix the
agents whose dual variable is positive in an optimal dual, as :meth:`~.leximin._Fair.fair`
does with the round's proof; looking for the largest such set through the relaxation is not
from the paper.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..result import Status
from ..solve.milp import Milp
from .heuristics import relaxed_with_level
from .solvers import _LP_OPTIONS, _open

#: Phase 1 lets each free profile rise by at most this much above the level (it only sorts
#: the profiles that can rise from those that may not; the proof comes after).
_CAP = 1e-6
#: A profile that rises by more than this in a linear program can rise (it is not fixed).
_RISE = 1e-7
#: Phase 2 is repeated at most this often (each repetition drops the profiles that rose).
_REPEATS = 6


@dataclass
class LeximinTuning:
    """How leximin fixes profiles (the same result, in fewer or more rounds)."""

    #: Fix, after each proven round, every profile the fractional selection shows stuck
    #: (:class:`StuckSet`), besides those the round's proof weighs.
    stuck: bool = True
    #: Leximin: first decompose the fractional leximin into panels
    #: (:mod:`~selectie.lottery.peel`) and give them to the rounds, which then prove each
    #: level without pricing when the decomposition is complete (and price what is left
    #: when it is not).
    peel: bool = True
    #: The same for maximin (off: it changes which optimal lottery maximin returns).
    peel_maximin: bool = False
    #: CPU seconds the peel may take at most (then the rounds go on from what it found).
    peel_seconds: float = 300.0


#: The tuning in use (module-level so that a benchmark or a test can change it).
LEXIMIN = LeximinTuning()


class StuckSet:
    """Linear programs over the LP relaxation that find the profiles stuck at a level.

    Variables: the relaxation's profile counts ``x_p``, the level ``t`` (held at the round's
    minimum) and one rise ``s_r >= 0`` per master row ``r`` (profile ``p``); rows: those of
    the selection program and ``x_p / |p| - t - s_r >= 0`` for the free profiles,
    ``x_p / |p| >= v_r`` for those fixed at ``v_r``. Profiles never selectable are held at 0.
    """

    def __init__(
        self, milp: Milp, rows: Sequence[int], sizes: np.ndarray, never: Sequence[int]
    ) -> None:
        relaxed = relaxed_with_level(milp, never)
        self.t = relaxed.num_vars - 1
        self.s = [relaxed.add_var(f"rise{p}", 0.0, 0.0, integer=False) for p in rows]
        self.first = len(relaxed.rows)
        for r, p in enumerate(rows):
            relaxed.add_row(
                f"share{p}",
                [(p, 1.0 / float(sizes[p])), (self.t, -1.0), (self.s[r], -1.0)],
                0.0,
                None,
            )
        options = {k: v for k, v in _LP_OPTIONS.items() if k != "simplex_strategy"}
        self.session = _open("highs", relaxed, seed=0, options=options)
        #: the plain LP relaxation, for the exact maximum that re-proves the weights (its own
        #: session, so that the pricing's LP keeps its basis and the run its path)
        self.plain = _open("highs", milp.relaxation(), seed=0, options=_LP_OPTIONS)
        self.rows = list(rows)
        self.solves = 0

    def maximum(self, cost: Mapping[int, float]) -> float:
        """The largest value of ``cost`` (per profile count) over the LP relaxation (inf when
        HiGHS reports no optimum).
        """
        self.plain.set_objective(cost.items(), "max")
        raw = self.plain.solve()
        self.solves += 1
        if raw.status != Status.OPTIMAL or raw.objective is None:
            return math.inf
        return float(raw.objective)

    def _solve(self, rising: Sequence[int]) -> tuple[np.ndarray, np.ndarray] | None:
        """Maximise the total rise of ``rising``: (rise per row, dual weight per row)."""
        session = self.session
        session.set_objective([(self.s[r], 1.0) for r in rising], "max")
        raw = session.solve()
        self.solves += 1
        if raw.status != Status.OPTIMAL or raw.values is None or raw.duals is None:
            return None
        values = np.asarray(raw.values, dtype=float)
        rise = values[[self.s[r] for r in range(len(self.rows))]]
        duals = np.asarray(raw.duals, dtype=float)[self.first : self.first + len(self.rows)]
        return rise, np.maximum(0.0, -duals)

    def weights(self, fixed: dict[int, float], level: float) -> np.ndarray | None:
        """Dual weights (one per master row) that prove the stuck profiles at ``level``;
        None when the linear programs give no such proof (or the solver no optimum).
        """
        found = self.find(fixed, level)
        return None if found is None else found[1]

    def find(
        self, fixed: dict[int, float], level: float, *, rise: float = _RISE
    ) -> tuple[list[int], np.ndarray] | None:
        """(the rows stuck at ``level`` in the relaxation, dual weights that prove it), or
        None when there is no such proof (nobody stuck, or the solver gave no optimum).

        ``fixed`` maps the master's rows to their levels; the other rows are free and held at
        ``level`` or more. Phase 1 lets every free profile rise by at most ``_CAP`` and keeps
        those that did not rise (by more than ``rise``); phase 2 maximises the rise of those
        alone (no cap) and drops any that rose, until none does.
        """
        session = self.session
        free = [r for r in range(len(self.rows)) if r not in fixed]
        if not free:
            return None
        session.set_var_bounds(self.t, level, level)
        for r in range(len(self.rows)):
            v = fixed.get(r)
            session.set_coefficient(self.first + r, self.t, 0.0 if v is not None else -1.0)
            session.set_row_bounds(self.first + r, v or 0.0, None)
            session.set_var_bounds(self.s[r], 0.0, _CAP if v is None else 0.0)
        out = self._solve(free)
        if out is None:
            return None
        stuck = [r for r in free if out[0][r] <= rise]
        for _ in range(_REPEATS):
            if not stuck:
                return None
            keep = set(stuck)
            for r in free:
                session.set_var_bounds(self.s[r], 0.0, 1.0 if r in keep else 0.0)
            out = self._solve(stuck)
            if out is None:
                return None
            rose = {r for r in stuck if out[0][r] > rise}
            if not rose:
                return stuck, out[1]
            stuck = [r for r in stuck if r not in rose]
        return None
