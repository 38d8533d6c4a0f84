"""A safe upper bound on an LP maximum from any row multipliers (no solver tolerance in it).

For ``max c x`` subject to ``lo <= A x <= hi`` and ``lb <= x <= ub``, any multipliers ``pi``
(one per row, of either sign) give ``c x = pi A x + (c - A^T pi) x``, and so

    c x <= sum_r max(pi_r lo_r, pi_r hi_r) + sum_j max((c - A^T pi)_j lb_j, (c - A^T pi)_j ub_j)

for every feasible ``x`` (a row whose needed bound is infinite gets ``pi_r = 0``). This holds
whatever ``pi`` is, so the duals a solver returns, with their tolerances, only make it
tighter or looser, never wrong; the only error left is that of summing in floating point,
which :func:`safe_maximum` allows for (Neumaier and Shcherbina, "Safe bounds in linear and
mixed-integer programming", Math. Programming 99, 2004, give the idea; selectie's own
code). The column generation's re-proofs otherwise allow a relative 1e-9 for the LP's
tolerances, which on the hard pools' later leximin rounds (most of the weight on fixed
profiles) opens a gap of up to 1e-7 that no pricing closes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..result import Status
from ..solve.milp import Milp
from ..solve.session import Session

#: The unit roundoff of a double.
_EPS = 2.0**-52


class SafeMaximum:
    """LP maxima over ``milp``'s relaxation, each bounded safely from the solver's duals."""

    def __init__(self, milp: Milp, session: Session) -> None:
        self.session = session
        n, m = milp.num_vars, len(milp.rows)
        self.a = np.zeros((m, n))
        for r, row in enumerate(milp.rows):
            for j, c in zip(row.index, row.coef, strict=True):
                self.a[r, j] += c
        self.lo = np.array([-math.inf if r.lo is None else r.lo for r in milp.rows], dtype=float)
        self.hi = np.array([math.inf if r.hi is None else r.hi for r in milp.rows], dtype=float)
        self.lb = np.asarray(milp.lb, dtype=float)
        self.ub = np.asarray(milp.ub, dtype=float)
        self.n = n

    def maximum(self, cost: Mapping[int, float]) -> float:
        """An upper bound on ``max cost . x`` over the relaxation (inf when none is found)."""
        session = self.session
        session.set_objective(cost.items(), "max")
        raw = session.solve()
        if raw.status != Status.OPTIMAL or raw.duals is None:
            return math.inf
        c = np.zeros(self.n)
        for j, v in cost.items():
            c[j] += v
        duals = np.asarray(raw.duals, dtype=float)[: len(self.lo)]
        # the solver's sign convention does not matter: both signs give a valid bound
        best = min(self.bound(c, duals), self.bound(c, -duals))
        if raw.values is not None:
            best = min(best, self.bound(c, self.refined(c, np.asarray(raw.values, dtype=float))))
        return best

    def refined(self, c: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Multipliers that price the solution's free columns exactly: ``A^T pi = c`` on the
        columns strictly inside their bounds, over the rows at a bound (least squares). At a
        nondegenerate optimum these are the optimal duals without the solver's dual
        tolerance (1e-10 per column, which summed over a thousand columns loosens a bound by
        1e-7); in any case they give a valid bound.
        """
        x = x[: self.n]
        free = (x > self.lb + 1e-9) & (x < self.ub - 1e-9)
        s = self.a @ x
        tight = (np.abs(s - self.lo) <= 1e-9) | (np.abs(s - self.hi) <= 1e-9)
        pi = np.zeros(len(self.lo))
        if not free.any() or not tight.any():
            return pi
        sub = self.a[np.ix_(tight, free)]
        solved, *_ = np.linalg.lstsq(sub.T, c[free], rcond=None)
        pi[tight] = solved
        return pi

    def bound(self, c: np.ndarray, pi: np.ndarray) -> float:
        """The bound of the module docstring for multipliers ``pi``."""
        pi = pi.copy()
        pi[(pi > 0) & ~np.isfinite(self.hi)] = 0.0
        pi[(pi < 0) & ~np.isfinite(self.lo)] = 0.0
        rows = np.where(pi > 0, pi * np.where(np.isfinite(self.hi), self.hi, 0.0), 0.0)
        rows += np.where(pi < 0, pi * np.where(np.isfinite(self.lo), self.lo, 0.0), 0.0)
        reduced = c - self.a.T @ pi
        if np.any(~np.isfinite(self.ub) & (reduced > 0)) or np.any(
            ~np.isfinite(self.lb) & (reduced < 0)
        ):
            return math.inf
        cols = np.where(
            reduced > 0, reduced * np.nan_to_num(self.ub), reduced * np.nan_to_num(self.lb)
        )
        total = float(rows.sum() + cols.sum())
        # rounding: of A^T pi per column (m terms), then of the sums (pairwise, in numpy)
        scale_r = np.abs(pi) * np.maximum(
            np.nan_to_num(np.abs(self.lo), posinf=0.0), np.nan_to_num(np.abs(self.hi), posinf=0.0)
        )
        reach = np.maximum(
            np.nan_to_num(np.abs(self.lb), posinf=0.0), np.nan_to_num(np.abs(self.ub), posinf=0.0)
        )
        scale_c = (np.abs(c) + np.abs(self.a).T @ np.abs(pi)) * reach
        size = float(scale_r.sum() + scale_c.sum())
        gamma = (len(self.lo) + math.log2(max(2, self.n)) + 4) * _EPS
        return total + gamma * size + 1e-300
