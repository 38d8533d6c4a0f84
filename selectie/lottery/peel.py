"""Leximin and maximin from the fractional leximin, decomposed into panels (a peel).

**Why it works.** Let ``R`` be the LP relaxation of the selection program over profile
counts (``0 <= x_p <= |p|``, every quota row ``lo <= A x <= hi``, the size row). Every
lottery over valid panels has its expected counts inside ``R`` (an average of points of
``R``). Let ``pi*`` be the leximin of ``R`` itself, measured as ``x_p / |p|`` (the
*fractional* leximin, LPs only: :func:`fractional_leximin`). Then the probability vector of
every lottery is at most ``pi*`` in leximin order. So a lottery whose probabilities equal
``pi*`` is leximin-optimal: nothing in ``R``, hence no lottery, does better. It is also
maximin-optimal (its minimum is the fractional bound, which bounds every lottery's minimum).

**How the panels are found (Carathéodory peeling).** Start at ``x = pi*`` (as counts) with
mass ``mu = 1``. Repeat: take the minimal face ``F`` of ``R`` that holds ``x`` (the profiles
at 0 or at ``|p|``, the rows at a bound); find an integer point ``z`` of ``F`` (a panel that
keeps those profiles and those rows where ``x`` has them); step away from it to
``x' = x + t (x - z)`` with the largest ``t`` that stays in ``R``. Then
``x = x' / (1 + t) + z t / (1 + t)``: ``z`` gets weight ``mu t / (1 + t)`` and the walk goes
on from ``x'`` (a smaller face, one more bound reached) with mass ``mu / (1 + t)``. When
``x`` is integral it is the last panel. The dimension of the face drops at every step, so
there are at most as many steps as there are fractional profiles and free rows.

``z`` maximises ``sum_p w_p z_p`` over the face with ``w_p = x_p / |p|`` (take profiles with
a high share, leave those with a low one), found by the cheapest of: the vertex of the face's
LP when it is integral; that vertex rounded by a small integer program over its fractional
counts and the :data:`NEAR` counts on either side of its cut (the lightest it takes, the
heaviest it leaves); the integer program over the whole face (HiGHS sessions whose bounds
change step by step). ``R`` is not the integer hull in general: ``x'`` can lie on a face
that holds no panel (an odd cycle of quotas has a fractional point and no integer one; there
``pi*`` is no lottery's at all). The walk is therefore depth-first: at a dead end it goes
back a step and tries another panel there (perturbed, seeded weights; at most
:data:`TRIES` more per point and :data:`BACKTRACKS` in all). When that is not enough the
peel **fails**, says at which step and why (:attr:`PeelResult.failure`), and the caller
gives what it found to the rounds of column generation, which go on from there.

**What the accuracy rests on.** The walk's arithmetic is floating point: the point after a
step carries every earlier step's rounding error grown by ``1 / mu`` (it is the difference
of nearly equal numbers), so the face's tolerance grows with ``1 / mu``, and below mass
:data:`DEEP` the walk only collects panels (first panel of each face, no going back) until
the mass left is :data:`RESIDUAL` or a face has none. The weights are then recomputed by one
LP over the panels found (their expected counts equal to ``pi*``, least total deviation;
HiGHS at 1e-10), the panels are re-checked against every constraint in plain Python by the
caller, and the peel is *complete* when the probabilities recomputed from panels and weights
match ``pi*`` to :data:`MATCH`. Completeness is not a proof, and nothing is claimed from it:
``pi*`` comes from LPs solved to 1e-10 whose stuck test allows a rise of 1e-7
(:class:`~.stuck.StuckSet`). The proof is the caller's rounds (:meth:`~.leximin._Fair.fair`):
the peeled panels go into their master, and each level is proven by the same Lagrangian and
fractional bounds and fixed by the same rule as without the peel, to the same
:data:`~.result.ACCURACY`; with a complete peel the master reaches most levels at once and
the round ends without pricing (the fixed levels are then those of ``pi*``, not lowered by 1e-9,
so that the slack itself does not open a gap). When the rounds prove the levels, the
argument above says why the lottery is leximin-optimal even where ``R`` is larger than the
lotteries: its levels equal those of ``pi*``, which no lottery exceeds.

This is selectie's own method (the decomposition of a point of a polytope into vertices is
Carathéodory's theorem; applying it to the fractional leximin of a selection program is not
from Flanigan et al.).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..result import Status
from ..solve.milp import Milp
from ..solve.session import Option, Session
from .heuristics import Quotas, Relaxation
from .solvers import _LP_OPTIONS, _PRICING_OPTIONS, _open
from .stuck import StuckSet

#: HiGHS options of the integer program over a face (presolve on: a face fixes many
#: counts and holds rows at a bound, which presolve removes).
_IP_OPTIONS: dict[str, Option] = {
    **_PRICING_OPTIONS,
    "presolve": "on",
    "mip_max_improving_sols": 1,
}
#: ... and of the small program near the LP vertex when it looks for any panel (not the one
#: of largest weight): HiGHS's primal heuristics, symmetry detection and restarts off (116
#: such programs of the 750/112 peel: 2.5 s against 3.4-3.8 s CPU, measured).
_ANY_OPTIONS: dict[str, Option] = {
    **_IP_OPTIONS,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_detect_symmetry": False,
    "mip_allow_restart": False,
}
#: The fractional leximin fixes a profile at a level when it cannot rise above it by more
#: than this (the rounds' master must reach the levels to about 1e-9, so a looser test,
#: such as :class:`StuckSet`'s 1e-7, leaves them a gap to price).
RISE = 1e-9
#: A count this close to 0 or to |p|, a row this close to a bound, is on that face.
FACE = 1e-9
#: The small integer program near the LP vertex frees this many of the counts the vertex
#: takes, and as many it leaves out (the lightest taken, the heaviest left; see
#: :meth:`_Face.round`), first the fewest: a smaller program is faster (HiGHS spends most of
#: it in root cuts), a larger one finds a panel more often (750/112: walk 9.9 s CPU with 40
#: only, 5.2 s with 10, 20, 40; 300/45: 1.85 s and 1.48 s, measured).
NEAR = (10, 20, 40)
#: ... when the small program looks for any panel, not the heaviest (``weighted=False``):
#: 750/112's maximin peel, walk 2.1 s CPU with 5, 10, 20, 40 against 3.3-3.5 s with
#: 10, 20, 40 (measured, two runs each).
NEAR_ANY = (5, 10, 20, 40)
#: A value this close to an integer is that integer (an LP vertex taken as a panel).
INTEGRAL = 1e-9
#: The peeled probabilities must match the fractional leximin to this (per profile).
MATCH = 1e-8
#: Stop (and fail) after this many steps (the bound by construction is far lower).
MAX_STEPS = 100_000
#: The walk stops when the mass left is this small: its point is then the difference of
#: nearly equal numbers (rounding error about 1e-16 / mass), and the final LP spreads it.
RESIDUAL = 1e-13
#: Below this mass the walk takes the first panel of each face and stops at the first face
#: without one (no backtracking): its panels are kept for the final LP to weigh, so that the
#: target lies in their hull to far better than this mass.
DEEP = 1e-8
#: A walk that fails with at most this mass left still has its weights recomputed (the
#: final LP may match the target without the rest).
LEFT = 1e-6
#: Rounding error per step, relative to the largest count (a few float64 ulps).
_EPS = 1e-15
#: Other panels tried at a point whose first panel leads to a dead end.
TRIES = 6
#: Dead ends (steps taken back) allowed in one walk.
BACKTRACKS = 200


@dataclass
class PeelResult:
    """What the peel found: panels and weights, and how."""

    #: the panels (profile counts), in the order found
    panels: list[np.ndarray] = field(default_factory=list)
    #: their weights (sum 1 when ``complete``)
    weights: list[float] = field(default_factory=list)
    #: True when the panels' probabilities match the target to :data:`MATCH`
    complete: bool = False
    #: the step at which the peel failed, and why (None when it did not)
    failure: str | None = None
    steps: int = 0
    #: panels found as an integral vertex of the face's LP (or that vertex rounded by a small
    #: integer program), and by the integer program over the face
    by_lp: int = 0
    by_mip: int = 0
    by_round: int = 0
    #: CPU seconds: the fractional leximin, the walk, the final LP
    cpu_target: float = 0.0
    cpu_walk: float = 0.0
    cpu_polish: float = 0.0
    #: the largest difference between the peeled probabilities and the target
    deviation: float = float("inf")
    #: points whose face held no panel that led on (the walk went back a step)
    dead_ends: int = 0
    #: the mass not yet covered when the walk stopped
    residual: float = 1.0

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (for :attr:`~.result.LotteryInfo.peel`; no timings, so that
        the same input gives the same manifest).
        """
        return {
            "complete": self.complete,
            "failure": self.failure,
            "steps": self.steps,
            "panels": len(self.panels),
            "by_lp": self.by_lp,
            "by_round": self.by_round,
            "by_integer_program": self.by_mip,
            "dead_ends": self.dead_ends,
            "residual": self.residual,
            "deviation": self.deviation if np.isfinite(self.deviation) else None,
        }

    def count(self, by: str) -> None:
        """Count a panel by how it was found ("lp", "round" or "ip")."""
        if by == "lp":
            self.by_lp += 1
        elif by == "round":
            self.by_round += 1
        else:
            self.by_mip += 1


def fractional_rounds(
    relaxation: Relaxation, stuck: StuckSet, count: int, *, rise: float = RISE
) -> list[tuple[float, list[int]]] | None:
    """The rounds of the leximin of the LP relaxation over ``count`` free rows: each round's
    level and the rows fixed at it (None when an LP gave no optimum or no row could be shown
    stuck at a level). Each round is the fractional maximin over the free rows
    (:class:`Relaxation`); every row stuck at it (:class:`StuckSet`, a rise of at most
    ``rise``) is then fixed there.
    """
    fixed: dict[int, float] = {}
    out: list[tuple[float, list[int]]] = []
    while len(fixed) < count:
        bound = relaxation.bound(fixed)
        if bound is None:
            return None
        level = bound[0]
        found = stuck.find(fixed, level, rise=rise)
        if found is None:
            return None
        for r in found[0]:
            fixed[r] = level
        out.append((level, list(found[0])))
    return out


def fractional_leximin(
    milp: Milp, rows: Sequence[int], sizes: np.ndarray, never: Sequence[int]
) -> np.ndarray | None:
    """The leximin of the LP relaxation as expected counts per profile (None when an LP gave
    no optimum or no profile could be shown stuck at a level).

    The levels come from :func:`fractional_rounds`; at the end one LP with every profile
    held at its level gives the point.
    """
    relaxation = Relaxation(milp, rows, sizes, never)
    found = fractional_rounds(relaxation, StuckSet(milp, rows, sizes, never), len(rows))
    if found is None:
        return None
    fixed = {r: level for level, fixed_rows in found for r in fixed_rows}
    # every profile at its level: the LP's point is the fractional leximin
    relaxation.bound(fixed)
    raw = relaxation.session.solve()
    if raw.status != Status.OPTIMAL or raw.values is None:
        return None
    x = np.zeros(len(sizes))
    values = np.asarray(raw.values, dtype=float)
    for p in rows:
        x[p] = min(float(sizes[p]), max(0.0, float(values[p])))
    # the point itself may lie a little above a level (tolerance); the target is the levels
    for r, p in enumerate(rows):
        x[p] = min(x[p], fixed[r] * float(sizes[p])) if r in fixed else x[p]
    return x


def fractional_vertex(milp: Milp, sizes: np.ndarray, level: float) -> np.ndarray | None:
    """A vertex of ``{x in R : x_p / |p| >= level (1 - 1e-11) for every profile}`` (expected
    counts per profile), the one of the largest total share ``sum_p x_p / |p|`` (None when
    HiGHS gives no optimum). With ``level`` the fractional maximin, a lottery with these
    expected counts reaches the fractional bound to a relative 1e-11, so it is maximin-
    optimal; it is one LP, where the fractional leximin is one per level.
    """
    count = len(sizes)
    u = np.asarray(sizes, dtype=float)
    lp = milp.relaxation()
    for p in range(count):
        lp.lb[p] = max(float(lp.lb[p]), level * float(u[p]) * (1 - 1e-11))
    lp.objective = {p: 1.0 / float(u[p]) for p in range(count)}
    lp.sense = "max"
    options = {k: v for k, v in _LP_OPTIONS.items() if k != "simplex_strategy"}
    with _open("highs", lp, seed=0, options=options) as session:
        raw = session.solve()
    if raw.status != Status.OPTIMAL or raw.values is None:
        return None
    values = np.asarray(raw.values[:count], dtype=float)
    out: np.ndarray = np.minimum(u, np.maximum(0.0, values))
    return out


class _Face:
    """The integer program and its LP relaxation, held to a face of ``R`` by their bounds."""

    def __init__(self, milp: Milp, quotas: Quotas, count: int, *, weighted: bool = True) -> None:
        self.milp = milp
        self.weighted = weighted
        self.quotas = quotas
        self.count = count
        self.lp: Session = _open("highs", milp.relaxation(), seed=0, options=_LP_OPTIONS)
        #: the integer program over the face, opened when first needed (rarely: 0-1 times
        #: on the hard pools), with the bounds it was last given
        self.ip: Session | None = None
        self.ip_bounds: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.lo = np.zeros(count)
        self.hi = np.asarray(milp.ub[:count], dtype=float)
        self.row_lo = quotas.lo.copy()
        self.row_hi = quotas.hi.copy()

    def hold(self, lo: np.ndarray, hi: np.ndarray, row_lo: np.ndarray, row_hi: np.ndarray) -> None:
        """Change the LP's bounds that differ from the last ones."""
        _change(self.lp, (self.lo, self.hi, self.row_lo, self.row_hi), (lo, hi, row_lo, row_hi))
        self.lo, self.hi = lo.copy(), hi.copy()
        self.row_lo, self.row_hi = row_lo.copy(), row_hi.copy()

    def face_ip(self) -> Session:
        """The integer program held to the face (opened on first use)."""
        now = (self.lo, self.hi, self.row_lo, self.row_hi)
        if self.ip is None or self.ip_bounds is None:
            self.ip = _open("highs", self.milp, seed=0, options=_IP_OPTIONS)
            first = np.asarray(self.milp.lb[: self.count], dtype=float)
            top = np.asarray(self.milp.ub[: self.count], dtype=float)
            self.ip_bounds = (first, top, self.quotas.lo, self.quotas.hi)
        _change(self.ip, self.ip_bounds, now)
        self.ip_bounds = (self.lo.copy(), self.hi.copy(), self.row_lo.copy(), self.row_hi.copy())
        return self.ip

    def panel(self, w: np.ndarray) -> tuple[np.ndarray | None, str]:
        """(an integer point of the face of large weight ``w`` or None, how it was found:
        "lp", "round" or "ip"; see :attr:`by`).
        """
        terms = [(p, float(w[p])) for p in range(self.count) if w[p] != 0.0]
        self.lp.set_objective(terms, "max")
        raw = self.lp.solve()
        if raw.status == Status.INFEASIBLE:
            return None, "lp"
        if raw.status == Status.OPTIMAL and raw.values is not None:
            v = np.asarray(raw.values[: self.count], dtype=float)
            z = np.round(v)
            if np.all(np.abs(v - z) <= INTEGRAL):
                return z.astype(np.int64), "lp"
            for near in NEAR if self.weighted else NEAR_ANY:
                rounded = self.round(v, w, near)
                if rounded is not None:
                    return rounded, "round"
        ip = self.face_ip()
        ip.set_objective(terms, "max")
        raw = ip.solve()
        if raw.status not in (Status.OPTIMAL, Status.FEASIBLE) or raw.values is None:
            return None, "ip"
        v = np.asarray(raw.values[: self.count], dtype=float)
        return np.round(v).astype(np.int64), "ip"

    def round(self, v: np.ndarray, w: np.ndarray, count: int) -> np.ndarray | None:
        """An integer point of the face near the LP vertex ``v``, by a small integer program
        (None when it has none): the vertex's fractional counts (at most one per row) and
        the ``count`` lightest counts it takes and heaviest it leaves out (by ``w``,
        among those the face leaves free) range over the face's bounds; every other count
        keeps the vertex's value.
        """
        lo, hi = self.lo, self.hi
        movable = lo < hi
        integral = np.abs(v - np.round(v)) <= INTEGRAL
        frac = ~integral & movable
        taken = np.nonzero(integral & movable & (np.round(v) >= hi))[0]
        left = np.nonzero(integral & movable & (np.round(v) <= lo))[0]
        near = np.zeros(len(v), dtype=bool)
        near[frac] = True
        near[taken[np.argsort(w[taken], kind="stable")[:count]]] = True
        near[left[np.argsort(-w[left], kind="stable")[:count]]] = True
        free = np.nonzero(near)[0]
        base = np.round(v)
        base[free] = 0.0
        fixed = self.quotas.member.astype(float) @ base
        small = Milp()
        for p in free.tolist():
            small.add_var(f"n{p}", float(lo[p]), float(hi[p]))
        inside = self.quotas.member[:, free]
        for r in range(len(self.row_lo)):
            terms = [(i, 1.0) for i in np.nonzero(inside[r])[0].tolist()]
            rlo = _finite(self.row_lo[r] - fixed[r])
            rhi = _finite(self.row_hi[r] - fixed[r])
            if not terms:
                if (rlo is not None and rlo > 1e-9) or (rhi is not None and rhi < -1e-9):
                    return None
                continue
            small.add_row(f"r{r}", terms, rlo, rhi)
        if self.weighted:
            small.objective = {i: float(w[p]) for i, p in enumerate(free.tolist())}
        small.sense = "max"
        options = _IP_OPTIONS if self.weighted else _ANY_OPTIONS
        with _open("highs", small, seed=0, options=options) as session:
            raw = session.solve()
        if raw.status not in (Status.OPTIMAL, Status.FEASIBLE) or raw.values is None:
            return None
        z = base.copy()
        z[free] = np.round(np.asarray(raw.values, dtype=float))
        return z.astype(np.int64)


def _change(
    session: Session,
    old: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    new: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Give ``session`` the bounds of ``new`` (profile bounds, row bounds) where they differ
    from ``old``.
    """
    lo0, hi0, rlo0, rhi0 = old
    lo, hi, rlo, rhi = new
    for p in np.nonzero((lo != lo0) | (hi != hi0))[0].tolist():
        session.set_var_bounds(p, float(lo[p]), float(hi[p]))
    for r in np.nonzero((rlo != rlo0) | (rhi != rhi0))[0].tolist():
        session.set_row_bounds(r, _finite(rlo[r]), _finite(rhi[r]))


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


@dataclass
class _Point:
    """A point of ``R`` and the minimal face that holds it."""

    x: np.ndarray
    s: np.ndarray  # its row sums
    free: np.ndarray  # profiles strictly between 0 and |p|
    loose: np.ndarray  # rows strictly inside their bounds
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # the face's lo/hi, rows


def _point(
    x: np.ndarray, u: np.ndarray, member: np.ndarray, quotas: Quotas, tol: float = FACE
) -> _Point:
    """``x`` snapped to the bounds within ``tol``, with its face."""
    x = x.copy()
    at0 = x <= tol
    atu = (x >= u - tol) & ~at0
    x[at0] = 0.0
    x[atu] = u[atu]
    s = member @ x
    tight_lo = s <= quotas.lo + tol
    tight_hi = s >= quotas.hi - tol
    lo = np.where(atu, u, 0.0)
    hi = np.where(at0, 0.0, u)
    rlo = np.where(tight_hi, quotas.hi, quotas.lo)
    rhi = np.where(tight_lo, quotas.lo, quotas.hi)
    return _Point(x, s, ~(at0 | atu), ~(tight_lo | tight_hi), (lo, hi, rlo, rhi))


def _step(here: _Point, z: np.ndarray, u: np.ndarray, member: np.ndarray, quotas: Quotas) -> float:
    """The largest ``t`` with ``x + t (x - z)`` in ``R`` (inf when ``z == x``)."""
    x, free, loose, s = here.x, here.free, here.loose, here.s
    d = x - z
    t = np.inf
    up = free & (d > 0)
    dn = free & (d < 0)
    if up.any():
        t = min(t, float(((u[up] - x[up]) / d[up]).min()))
    if dn.any():
        t = min(t, float((x[dn] / -d[dn]).min()))
    ad = member @ d
    rup = loose & (ad > 1e-12) & np.isfinite(quotas.hi)
    rdn = loose & (ad < -1e-12) & np.isfinite(quotas.lo)
    if rup.any():
        t = min(t, float(((quotas.hi[rup] - s[rup]) / ad[rup]).min()))
    if rdn.any():
        t = min(t, float(((s[rdn] - quotas.lo[rdn]) / -ad[rdn]).min()))
    return t


@dataclass
class _Frame:
    """One step of the walk: the point, the mass left, the panels of its face tried so far
    and the one taken (with its weight).
    """

    here: _Point
    mu: float
    tried: int = 0
    seen: set[bytes] = field(default_factory=set)
    taken: tuple[np.ndarray, float] | None = None


def peel(
    milp: Milp,
    quotas: Quotas,
    sizes: np.ndarray,
    target: np.ndarray,
    *,
    deadline: float | None = None,
    weighted: bool = True,
) -> PeelResult:
    """Decompose ``target`` (expected counts per profile, a point of ``R``) into panels.

    A depth-first walk: at each point up to :data:`TRIES` + 1 panels of its face are tried
    (the first of weight ``x / |p|``, the others with perturbed, seeded weights); a point
    whose face holds no untried panel is a dead end, and the walk goes back one step and
    tries the next panel there (at most :data:`BACKTRACKS` times in all). ``deadline`` is a
    ``time.process_time()`` value after which the walk gives up. ``weighted=False``: the
    small integer program near the LP vertex (:meth:`_Face.round`) looks for any integer
    point, not the one of largest weight (faster: HiGHS finds a first point sooner than a
    good one; 750/112 from its fractional maximin vertex: walk 3.2 s against 5.0 s CPU,
    80-90 steps either way, measured).
    """
    out = PeelResult()
    start = time.process_time()
    count = len(sizes)
    u = np.asarray(sizes, dtype=float)
    member = quotas.member.astype(float)
    face = _Face(milp, quotas, count, weighted=weighted)
    scale = float(max(u.max(), np.sum(target)))
    frames = [_Frame(_point(np.asarray(target, dtype=float), u, member, quotas), 1.0)]
    last: tuple[np.ndarray, float] | None = None
    while frames:
        frame = frames[-1]
        if frame.mu <= RESIDUAL:
            break
        if out.steps >= MAX_STEPS or (deadline is not None and time.process_time() > deadline):
            out.failure = f"step {len(frames)}: out of time"
            break
        if frame.tried > TRIES or (frame.tried and frame.mu <= DEEP):
            if frame.mu <= DEEP:
                # so little mass left that the point is mostly rounding error: stop here,
                # the final LP weighs the panels found (a residual below LEFT is spread)
                break
            # a dead end: back one step, to try another panel there
            out.dead_ends += 1
            frames.pop()
            if not frames or out.dead_ends > BACKTRACKS:
                out.failure = (
                    f"step {len(frames) + 1}: the walk reached faces without a panel "
                    f"({out.dead_ends} dead ends)"
                )
                break
            frames[-1].taken = None
            continue
        here = frame.here
        face.hold(*here.bounds)
        w = here.x / u
        if frame.tried:
            # another panel of this face: weights perturbed (seeded: deterministic)
            w = w + 0.5 * np.random.default_rng([len(frames), frame.tried]).random(count)
        frame.tried += 1
        out.steps += 1
        z, by = face.panel(w)
        if z is None:
            frame.tried = TRIES + 1  # the face holds no panel at all
            continue
        key = z.tobytes()
        if key in frame.seen or not quotas.satisfied(z.tolist()):
            continue
        frame.seen.add(key)
        out.count(by)
        t = _step(here, z.astype(float), u, member, quotas)
        if not np.isfinite(t):  # x is the panel itself: the last one
            last = (z, frame.mu)
            frame.mu = 0.0
            break
        if t <= 0:
            continue
        frame.taken = (z, frame.mu * t / (1 + t))
        mu = frame.mu / (1 + t)
        # x after the step carries the rounding error of every step before, grown by
        # 1 / (mass left): the face's tolerance grows with it
        tol = max(FACE, _EPS * scale / mu)
        frames.append(_Frame(_point(here.x + t * (here.x - z), u, member, quotas, tol), mu))
    for f in frames:
        if f.taken is not None:
            out.panels.append(f.taken[0])
            out.weights.append(f.taken[1])
    if last is not None:
        out.panels.append(last[0])
        out.weights.append(last[1])
    out.residual = frames[-1].mu if frames else 1.0
    out.cpu_walk = time.process_time() - start
    if out.panels and (out.failure is None or out.residual <= LEFT):
        start = time.process_time()
        _polish(out, target, u)
        out.cpu_polish = time.process_time() - start
    return out


def _polish(out: PeelResult, target: np.ndarray, u: np.ndarray) -> None:
    """Weights again, by one LP: expected counts equal to ``target`` (least deviation).

    Variables: a weight ``q_j >= 0`` per panel and a deviation ``e+_p, e-_p >= 0`` per
    profile; rows ``sum_j z_jp q_j + e+_p - e-_p = target_p`` and ``sum_j q_j = 1``; minimise
    ``sum_p (e+_p + e-_p) / |p|`` (HiGHS, tolerances 1e-10).
    """
    q0 = np.asarray(out.weights, dtype=float)
    cols = np.array(out.panels, dtype=float).T  # profiles x panels
    dev0 = float(np.abs((cols @ q0 - target) / u).max())
    out.deviation = dev0
    out.weights = (q0 / q0.sum()).tolist()
    if dev0 > MATCH:
        m, n = cols.shape
        lp = Milp()
        for j in range(n):
            lp.add_var(f"q{j}", 0.0, np.inf, integer=False)
        plus = [lp.add_var(f"e+{p}", 0.0, np.inf, integer=False) for p in range(m)]
        minus = [lp.add_var(f"e-{p}", 0.0, np.inf, integer=False) for p in range(m)]
        for p in range(m):
            terms = [(j, float(cols[p, j])) for j in np.nonzero(cols[p])[0].tolist()]
            terms += [(plus[p], 1.0), (minus[p], -1.0)]
            lp.add_row(f"count{p}", terms, float(target[p]), float(target[p]))
        lp.add_row("mass", [(j, 1.0) for j in range(n)], 1.0, 1.0)
        lp.objective = {
            **{plus[p]: 1.0 / float(u[p]) for p in range(m)},
            **{minus[p]: 1.0 / float(u[p]) for p in range(m)},
        }
        lp.sense = "min"
        options = {k: v for k, v in _LP_OPTIONS.items() if k != "simplex_strategy"}
        with _open("highs", lp, seed=0, options=options) as session:
            raw = session.solve()
        if raw.status == Status.OPTIMAL and raw.values is not None:
            q = np.maximum(0.0, np.asarray(raw.values[:n], dtype=float))
            if q.sum() > 0:
                out.weights = (q / q.sum()).tolist()
    q = np.asarray(out.weights)
    out.deviation = float(np.abs((cols @ q - target) / u).max())
    out.complete = out.deviation <= MATCH
