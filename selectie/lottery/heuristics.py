"""Heuristic pricing for the lottery's column generation: swap local search over profiles.

The selection program over profiles (:func:`selectie.lottery.program.selection_model`) counts
``n_p`` cases of each profile ``p`` (``0 <= n_p <= |p|``) under rows ``lo <= sum_p n_p <= hi``
over sets of profiles (the size and every quota). When every coefficient is 0 or 1 (no
bridges), :class:`Quotas` holds those rows as a boolean matrix and :func:`climb` improves a
valid selection by *swaps*: one case of profile ``a`` out, one of profile ``b`` in, kept only
when every row still holds. A swap changes a row only where ``a`` and ``b`` differ, so it is
valid when no row that ``b`` enters is at its upper bound and no row that ``a`` leaves is at its
lower bound; :func:`climb` takes the best valid swap (largest gain in weight) until none gains.

:func:`improving_panels` climbs from several selections (the master's support) with the
master's dual weights and returns the distinct local optima whose reduced cost is positive:
many columns per round at the cost of a few matrix products each. It proves nothing; the exact
integer program is still solved when it finds none, which then proves optimality or returns a
column. Every selection returned has been checked against every row in plain Python
(:meth:`Quotas.satisfied`).

This is selectie's own heuristic (a steepest-ascent swap neighbourhood); it is not taken from
the paper or from sortition-algorithms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..result import Status
from ..solve.milp import Milp
from .solvers import _LP_OPTIONS, _open

#: Swaps per climb, at most (a climb from a valid selection ends far sooner in practice).
MAX_MOVES = 400
#: Profiles tried first for a swap in (the heaviest); all of them when none of these gains.
_TOP = 48
#: A swap must gain at least this much weight (relative to the largest weight).
_GAIN = 1e-9
#: Swaps tried per step of a climb: the best valid swap, then the next best ones that are
#: still valid after it (fewer matrix products per climb); 1 = steepest ascent, one at a time.
BATCH = 1


@dataclass(frozen=True)
class Quotas:
    """The rows of a selection program over profile counts, every coefficient 0 or 1."""

    #: member[r, p]: profile p counts in row r
    member: np.ndarray
    #: lower bound per row (-inf when none)
    lo: np.ndarray
    #: upper bound per row (+inf when none)
    hi: np.ndarray
    #: the largest count of each profile (its number of cases)
    ub: np.ndarray

    @classmethod
    def of(cls, milp: Milp, count: int) -> Quotas | None:
        """The rows of ``milp`` over its first ``count`` variables (the profile counts);
        None when a row has another variable or a coefficient other than 1 (bridges).

        >>> from selectie.solve.milp import Milp
        >>> m = Milp(); a = m.add_var("a", 0, 2); b = m.add_var("b", 0, 1)
        >>> m.add_row("size", [(a, 1.0), (b, 1.0)], 2, 2)
        >>> q = Quotas.of(m, 2)
        >>> q.satisfied([1, 1]), q.satisfied([2, 1])
        (True, False)
        """
        member = np.zeros((len(milp.rows), count), dtype=bool)
        lo = np.full(len(milp.rows), -math.inf)
        hi = np.full(len(milp.rows), math.inf)
        for r, row in enumerate(milp.rows):
            for j, c in zip(row.index, row.coef, strict=True):
                if j >= count or c != 1.0:
                    return None
                member[r, j] = True
            if row.lo is not None:
                lo[r] = row.lo
            if row.hi is not None:
                hi[r] = row.hi
        ub = np.array([int(v) for v in milp.ub[:count]], dtype=np.int64)
        if any(milp.lb[j] != 0 for j in range(count)):
            return None
        return cls(member, lo, hi, ub)

    def satisfied(self, counts: Sequence[int]) -> bool:
        """True if ``counts`` keeps every bound and every row (plain Python, no numpy)."""
        values = [int(c) for c in counts]
        if len(values) != len(self.ub):
            return False
        if any(v < 0 or v > int(u) for v, u in zip(values, self.ub.tolist(), strict=True)):
            return False
        used = [p for p, v in enumerate(values) if v]
        for r in range(len(self.lo)):
            inside = self.member[r]
            total = sum(values[p] for p in used if inside[p])
            if total < float(self.lo[r]) or total > float(self.hi[r]):
                return False
        return True


def climb(
    quotas: Quotas, weights: np.ndarray, start: np.ndarray, *, max_moves: int = MAX_MOVES
) -> np.ndarray:
    """Improve the valid selection ``start`` (profile counts) by best swaps under ``weights``.

    Returns a selection, as valid as ``start``, whose weight is at least ``start``'s and that
    no single swap improves (or ``max_moves`` swaps later).

    Two profiles of one case each, a panel of one, weights 1 and 3: the swap takes the second.

    >>> from selectie.solve.milp import Milp
    >>> m = Milp(); a = m.add_var("a", 0, 1); b = m.add_var("b", 0, 1)
    >>> m.add_row("size", [(a, 1.0), (b, 1.0)], 1, 1)
    >>> climb(Quotas.of(m, 2), np.array([1.0, 3.0]), np.array([1, 0])).tolist()
    [0, 1]
    """
    member = quotas.member.astype(float)
    inside = quotas.member
    n = np.asarray(start, dtype=np.int64).copy()
    s = member @ n
    w = np.asarray(weights, dtype=float)
    top = float(np.abs(w).max()) if w.size else 0.0
    tol = _GAIN * max(top, 1e-300)
    batch = max(1, BATCH)
    for _ in range(max_moves):
        out = np.nonzero(n > 0)[0]
        if out.size == 0:
            break
        low = float(w[out].min())
        every = np.nonzero((n < quotas.ub) & (w > low + tol))[0]
        if every.size == 0:
            break
        full = s >= quotas.hi - 0.5
        empty = s <= quotas.lo + 0.5
        moves: list[tuple[int, int]] = []
        # the heaviest candidates first (a stable order: ties by index); all if none gains
        if every.size > _TOP:
            heavy = every[np.argsort(-w[every], kind="stable")[:_TOP]]
            moves = _best_swaps(member, w, full, empty, heavy, out, tol, batch)
        if not moves:
            moves = _best_swaps(member, w, full, empty, every, out, tol, batch)
        if not moves:
            break
        for k, (b, a) in enumerate(moves):
            # the best is valid as found; each next one is checked against the rows as they
            # now stand (every swap gains, so the weight only grows)
            if k and not _still_valid(quotas, inside, n, s, b, a):
                continue
            n[a] -= 1
            n[b] += 1
            s += member[:, b] - member[:, a]
    return n


def _still_valid(
    quotas: Quotas, inside: np.ndarray, n: np.ndarray, s: np.ndarray, b: int, a: int
) -> bool:
    """True if one case of ``b`` in, one of ``a`` out keeps every bound and row."""
    if n[a] <= 0 or n[b] >= quotas.ub[b]:
        return False
    enter = inside[:, b] & ~inside[:, a]
    leave = inside[:, a] & ~inside[:, b]
    return bool(np.all(s[enter] + 1 <= quotas.hi[enter] + 0.5)) and bool(
        np.all(s[leave] - 1 >= quotas.lo[leave] - 0.5)
    )


def _best_swaps(
    member: np.ndarray,
    w: np.ndarray,
    full: np.ndarray,
    empty: np.ndarray,
    into: np.ndarray,
    out: np.ndarray,
    tol: float,
    limit: int,
) -> list[tuple[int, int]]:
    """Up to ``limit`` valid swaps (in, out) of largest gain above ``tol`` among these, best
    first (ties by position, so the order is deterministic); each is valid on its own.
    """
    gain = w[into][:, None] - w[out][None, :]
    gain[gain <= tol] = -math.inf
    bad = np.zeros(gain.shape)
    if full.any():
        f = member[full]
        bad += f[:, into].T @ (1.0 - f[:, out])
    if empty.any():
        e = member[empty]
        bad += (1.0 - e[:, into]).T @ e[:, out]
    gain[bad > 0.5] = -math.inf
    flat = gain.ravel()
    if limit >= flat.size:
        order = np.argsort(-flat, kind="stable")
    else:
        part = np.argpartition(-flat, limit)[:limit]
        order = part[np.argsort(-flat[part], kind="stable")]
    moves = []
    for best in order.tolist():
        if not flat[best] > tol:
            break
        i, o = divmod(best, out.size)
        moves.append((int(into[i]), int(out[o])))
    return moves


def improving_panels(
    quotas: Quotas,
    weights: np.ndarray,
    mu: float,
    starts: Sequence[np.ndarray],
    *,
    tolerance: float,
    known: set[bytes] | None = None,
) -> list[np.ndarray]:
    """Distinct valid selections with ``weights @ counts - mu > tolerance``, best first.

    Each start (a valid selection) is climbed (:func:`climb`); the local optima that beat
    ``mu`` by more than ``tolerance`` and are not in ``known`` (keys ``counts.tobytes()``) are
    returned, each re-checked with :meth:`Quotas.satisfied`. Deterministic: the same inputs
    give the same list.
    """
    seen = set() if known is None else set(known)
    found: list[tuple[float, int, np.ndarray]] = []
    w = np.asarray(weights, dtype=float)
    for index, start in enumerate(starts):
        counts = climb(quotas, w, start)
        key = counts.tobytes()
        if key in seen:
            continue
        seen.add(key)
        value = float(w @ counts)
        if value - mu > tolerance and quotas.satisfied(counts.tolist()):
            found.append((-value, index, counts))
    found.sort(key=lambda f: (f[0], f[1]))
    return [counts for _, _, counts in found]


@dataclass
class HeuristicTuning:
    """How the heuristic pricing is used (the same result, found faster or slower)."""

    #: Price by swap local search first; the integer program only when it finds nothing.
    local_search: bool = True
    #: Bound each round by the fairest fractional selection (:class:`Relaxation`).
    relaxation: bool = True
    #: Cover the selectable profiles by local search before the integer program proves the rest.
    cover: bool = False
    #: Search before the exact pricing (the integer program only when it finds nothing);
    #: False: after each exact pricing, for more columns from the same duals.
    first: bool = True
    #: Price exactly after this many rounds of local search even when it still finds
    #: columns (a global column and a bound); 0 = only when it finds none.
    exact_every: int = 2
    #: Climb from at most this many of the master's support selections per round.
    starts: int = 30
    #: Add at most this many selections per round.
    columns: int = 30
    #: A selection must beat the master's dual by this share of it.
    relative: float = 1e-7
    #: Dual smoothing of the local search: climb at alpha * (the last point) + (1 - alpha) *
    #: (the master's duals); 0 = off.
    smoothing: float = 0.0


#: The tuning in use (module-level so that a benchmark can change it).
HEURISTIC = HeuristicTuning()


def relaxed_with_level(milp: Milp, never: Sequence[int]) -> Milp:
    """The LP relaxation of the selection program with the profiles in ``never`` held at 0
    and a last variable, the level ``t`` in [0, 1] (the callers add its rows).
    """
    relaxed = milp.relaxation()
    for p in never:
        relaxed.ub[p] = 0.0
    relaxed.add_var("t", 0.0, 1.0, integer=False)
    return relaxed


class Relaxation:
    """The fairest *fractional* selection: an upper bound on every round's minimum.

    Every distribution over valid selections has its expected counts ``x_p`` inside the LP
    relaxation of the selection program (``0 <= x_p <= |p|``, every row). So the maximum of
    ``t`` subject to that relaxation, ``x_p / |p| >= t`` for the profiles still free and
    ``x_p / |p| >= v_p`` for those fixed at level ``v_p``, bounds the minimum any lottery
    reaches in that round. On the hard pools of ``benchmarks/hard_pools.py`` it is often
    exactly the optimum, which then proves the column generation optimal without an exact
    pricing solve. Its duals are returned as the weights that prove it (the caller re-derives
    the bound from them with an exact LP maximum, see ``_Run.generate``).

    Profiles proven never selectable are held at 0 (no valid selection contains them).
    """

    def __init__(
        self, milp: Milp, rows: Sequence[int], sizes: np.ndarray, never: Sequence[int]
    ) -> None:
        relaxed = relaxed_with_level(milp, never)
        t = self.t = relaxed.num_vars - 1
        self.first = len(relaxed.rows)
        for p in rows:
            relaxed.add_row(f"share{p}", [(p, 1.0 / float(sizes[p])), (t, -1.0)], 0.0, None)
        relaxed.objective = {t: 1.0}
        relaxed.sense = "max"
        # An LP of HiGHS through the session protocol, as exact as the master's.
        options = {k: v for k, v in _LP_OPTIONS.items() if k != "simplex_strategy"}
        self.session = _open("highs", relaxed, seed=0, options=options)
        self.rows = list(rows)

    def bound(self, fixed: dict[int, float]) -> tuple[float, np.ndarray] | None:
        """(the fractional optimum t, its dual weight per master row), or None when HiGHS
        does not report an optimum. ``fixed`` maps master rows to their levels.
        """
        session = self.session
        for r in range(len(self.rows)):
            level = fixed.get(r)
            session.set_coefficient(self.first + r, self.t, 0.0 if level is not None else -1.0)
            session.set_row_bounds(self.first + r, level or 0.0, None)
        raw = session.solve()
        if raw.status != Status.OPTIMAL or raw.values is None or raw.duals is None:
            return None
        duals = np.asarray(raw.duals, dtype=float)[self.first : self.first + len(self.rows)]
        return float(raw.values[self.t]), np.maximum(0.0, -duals)
