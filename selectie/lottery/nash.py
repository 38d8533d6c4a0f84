"""Nash welfare: the distribution over the known selections that maximises the product of the
selection probabilities (equivalently, the sum of their logarithms).

Over profiles, with ``B[p, c] = n_pc / |p|`` the probability that a case of profile ``p`` is in
selection ``c`` and ``s_p = |p|``, the master problem is

    maximise  F(q) = sum_p s_p log((B q)_p)   subject to  q >= 0,  sum_c q_c = 1.

F is concave; its gradient is ``g_c = sum_p s_p B[p, c] / (B q)_p``, and ``sum_c q_c g_c = N``
(the number of cases that can be selected) for every q. The optimality conditions (KKT) are
``g_c <= N`` for every valid selection c, with equality where ``q_c > 0``; and for any q,
``F* - F(q) <= max_c g_c - N`` (concavity), the bound the column generation stops on.

:func:`solve_master` solves the master problem over the selections found so far by a
log-barrier Newton method (a dense ``C x C`` system per step; C is at most a few hundred
selections), written here in numpy because the log objective is outside what HiGHS solves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..i18n import ngettext, scientific
from .result import _pct

if TYPE_CHECKING:
    from .run import _Run

#: The barrier weight is lowered until it is this small relative to N.
_MU_END = 1e-13
#: The barrier weight a warm start begins with, relative to N / C.
WARM_MU = 1e-6
#: Newton steps per barrier weight, at most.
_NEWTON_STEPS = 50


@dataclass
class NashTuning:
    """How the Nash column generation works (the same optimum, found faster or slower).

    ``benchmarks/hard_sortition_bench.py`` switches these to compare with and without.
    """

    #: Price by swap local search (:func:`~selectie.lottery.heuristics.improving_panels`,
    #: weight ``1 / pi_p`` per case) before the integer program; the integer program still
    #: prices every :attr:`exact_every` rounds and whenever the search finds nothing, and
    #: only it proves the gap.
    local_search: bool = True
    #: Price exactly after at most this many rounds of local search.
    exact_every: int = 2
    #: Climb from at most this many support selections; add at most this many per round.
    starts: int = 30
    columns: int = 30
    #: Solve the master only to a barrier weight of this share of the last proven gap (at
    #: least ``_MU_END``): an inexact master early on, exact when the gap is small. The bound
    #: ``max_c g_c - N`` holds for any q, so this changes the speed, never the proof.
    inexact: float = 1e-3
    #: Keep a vertex of the optimal distributions at the end (:func:`vertex`): the same
    #: probabilities on at most one selection more than there are profiles.
    vertex: bool = True


#: The tuning in use (module-level so that a benchmark or a test can change it).
NASH = NashTuning()


def welfare(B: np.ndarray, s: np.ndarray, q: np.ndarray) -> float:
    """F(q) = sum_p s_p log((B q)_p); -inf when some probability is 0.

    >>> B = np.array([[1.0, 0.0], [0.0, 1.0]]); s = np.array([1.0, 1.0])
    >>> bool(abs(welfare(B, s, np.array([0.5, 0.5])) - 2 * np.log(0.5)) < 1e-12)
    True
    """
    x = B @ q
    if np.any(x <= 0):
        return -np.inf
    return float(s @ np.log(x))


def gradient(B: np.ndarray, s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """g_c = sum_p s_p B[p, c] / (B q)_p: the value of each selection at q."""
    return np.asarray(B.T @ (s / (B @ q)))


def solve_master(
    B: np.ndarray, s: np.ndarray, start: np.ndarray | None = None, *, until: float = _MU_END
) -> np.ndarray:
    """The q on the simplex maximising F(q) over the columns of ``B`` (every row of ``B``
    must have a positive entry, i.e. every profile lies in some selection). The barrier
    weight is lowered to ``until`` (relative to N / C; the default solves to the end).

    Two selections, each taking one of two cases: the product is largest at 1/2 each.

    >>> B = np.array([[1.0, 0.0], [0.0, 1.0]]); s = np.array([1.0, 1.0])
    >>> [round(float(v), 6) for v in solve_master(B, s)]
    [0.5, 0.5]
    """
    C = B.shape[1]
    n = float(s.sum())
    if start is None:
        q = np.full(C, 1.0 / C)
        mu = 1e-2 * n / C
    else:  # warm: near the last optimum, with a small barrier weight
        q = np.asarray(start, dtype=float)
        q = 0.99 * q / q.sum() + 0.01 / C
        mu = max(WARM_MU, until) * n / C
    ones = np.ones(C)
    while True:
        for _step in range(_NEWTON_STEPS):
            x = B @ q
            w = s / x
            g = B.T @ w + mu / q
            H = (B.T * (s / x**2)) @ B + np.diag(mu / q**2)  # minus the Hessian
            # maximise: solve [-H 1; 1' 0] [d; nu] = [-g; 0]
            K = np.zeros((C + 1, C + 1))
            K[:C, :C] = -H
            K[:C, C] = ones
            K[C, :C] = ones
            rhs = np.concatenate([-g, [0.0]])
            try:
                d = np.linalg.solve(K, rhs)[:C]
            except np.linalg.LinAlgError:
                d = np.linalg.lstsq(K, rhs, rcond=None)[0][:C]
            decrement = float(d @ (H @ d))
            if decrement <= 1e-14 * max(1.0, n):
                break
            # the largest step that keeps q positive, then backtrack on the barrier objective
            neg = d < 0
            step = min(1.0, 0.99 * float(np.min(-q[neg] / d[neg]))) if np.any(neg) else 1.0

            def phi(v: np.ndarray, mu: float = mu) -> float:
                return welfare(B, s, v) + mu * float(np.sum(np.log(v)))

            here = phi(q)
            while step > 1e-16:
                trial = q + step * d
                if np.all(trial > 0) and phi(trial) >= here + 1e-4 * step * float(g @ d):
                    break
                step /= 2
            else:
                break
            q = q + step * d
            q = np.maximum(q, 1e-300)
            q /= q.sum()
        if mu <= max(until, _MU_END) * n / C:
            break
        mu /= 10.0
    # drop what only the barrier kept alive, then one exact re-normalisation
    q = np.where(q > 1e-12, q, 0.0)
    return np.asarray(q / q.sum())


def vertex(B: np.ndarray, q: np.ndarray) -> np.ndarray:
    """A distribution with the same probabilities ``B q`` on at most one selection per row
    more than there are rows: a vertex of ``{q' >= 0 : B q' = B q, sum q' = 1}`` (HiGHS's
    simplex). The welfare and its proof depend on ``B q`` only; the barrier method spreads
    ``q`` over every optimal selection, this keeps a basis of them. ``q`` itself when HiGHS
    reports no optimum or the vertex moves a probability by more than 1e-9.

    >>> B = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    >>> vertex(B, np.array([0.25, 0.25, 0.5])).round(6).tolist() in ([0, 0, 1], [0.5, 0.5, 0])
    True
    """
    from ..result import Status
    from ..solve.milp import Milp
    from .solvers import _LP_OPTIONS, _open

    keep = np.nonzero(q > 0)[0]
    x = B @ q
    m = Milp()
    for c in keep.tolist():
        m.add_var(f"q{c}", 0.0, 1.0, integer=False)
    for p in range(B.shape[0]):
        nz = np.nonzero(B[p, keep])[0]
        m.add_row(f"p{p}", list(zip(nz.tolist(), B[p, keep[nz]].tolist(), strict=True)), x[p], x[p])
    m.add_row("sum", [(j, 1.0) for j in range(len(keep))], 1.0, 1.0)
    m.objective = {}
    m.sense = "min"
    session = _open("highs", m, seed=0, options={**_LP_OPTIONS, "simplex_strategy": 1})
    raw = session.solve()
    session.close()
    if raw.status != Status.OPTIMAL or raw.values is None:
        return q
    out = np.zeros_like(q)
    out[keep] = np.maximum(0.0, np.asarray(raw.values, dtype=float))
    out = out / out.sum()
    if float(np.abs(B @ out - x).max()) > 1e-9:
        return q
    out = np.where(out > 1e-12, out, 0.0)
    return np.asarray(out / out.sum())


def nash_columns(
    run: _Run, columns: list[np.ndarray], selectable: list[bool | None]
) -> tuple[list[np.ndarray], np.ndarray, float | None]:
    """Column generation for Nash welfare: (the selections, their weights, the proven
    relative welfare gap ``(max_c g_c - N) / N``, or None when the time limit stopped it).

    The pricing problem is the selection program with weight ``1 / pi_p`` per case of profile
    ``p`` (``pi`` the current probabilities): a selection whose weight exceeds N raises the
    welfare. It is solved like the maximin pricing (LP relaxation first, then the integer
    program, stopped early once a selection is good enough), after a swap local search
    (:class:`NashTuning`).
    """
    from .heuristics import improving_panels
    from .solvers import TUNING, _Pricer

    prof = run.prof
    rows = [p for p in range(prof.count) if selectable[p]]
    sizes = prof.sizes[rows].astype(float)
    total = float(sizes.sum())
    pricer = _Pricer(run.milp, run.solver, run.seed, run.clock, relax_first=TUNING.relax_first)
    found: list[np.ndarray] = []
    keys: set[bytes] = set()

    def add(counts: np.ndarray) -> bool:
        key = counts.tobytes()
        if key in keys:
            return False
        keys.add(key)
        found.append(counts)
        return True

    for c in columns:
        add(c)
    q: np.ndarray | None = None
    gap: float | None = None
    proven = 1.0  # the last gap proven by the integer program
    searched = 0
    quotas = run.quotas if NASH.local_search else None
    while True:
        B = np.array(found, dtype=float)[:, rows].T / sizes[:, None]
        start = None if q is None else np.concatenate([q, np.zeros(len(found) - len(q))])
        until = max(_MU_END, NASH.inexact * proven)
        q = solved = solve_master(B, sizes, start, until=until)
        run.master_calls += 1
        x = B @ q
        y = sizes / x  # the weight of each profile row: |p| / pi_p
        run.levels[:] = [float(x.min())]
        if quotas is not None and searched < NASH.exact_every:
            w = np.zeros(prof.count)
            w[rows] = 1.0 / x
            order = sorted(
                (c for c in range(len(solved)) if solved[c] > 0), key=lambda c: (-solved[c], c)
            )
            starts = [found[c] for c in order[: NASH.starts]]
            panels = improving_panels(quotas, w, total, starts, tolerance=1e-9 * total, known=keys)
            if sum(1 for c in panels[: NASH.columns] if add(c)):
                searched += 1
                run.heuristic_added += min(len(panels), NASH.columns)
                if run.clock.out():
                    gap = None
                    break
                continue
        searched = 0

        def bound_of(value: float) -> float:
            return (value - total) / total

        priced = run.price(pricer, rows, y, bound_of, 0.0, total)
        if priced is None:
            gap = None
            break
        counts, upper, extra = priced
        gap = max(0.0, (upper - total) / total)
        proven = gap
        run.say(
            ngettext(
                "nash: {n} selection, welfare gap {gap}, minimum {p}",
                "nash: {n} selections, welfare gap {gap}, minimum {p}",
                len(found),
            ).format(n=len(found), gap=scientific(gap), p=_pct(float(x.min())))
        )
        if gap <= max(TUNING.gap, 1e-10) or counts is None:
            if until > _MU_END and counts is not None:
                # proven from an inexact master: solve it to the end once more (a smaller
                # support; the barrier keeps every column slightly alive) and prove again
                proven = 0.0
                continue
            break
        if run.value_of(rows, y, counts) - total <= 1e-12 * total or not add(counts):
            if until > _MU_END:
                proven = 0.0  # no new column from an inexact master: solve it to the end
                continue
            break
        for other in extra:
            if run.value_of(rows, y, other) > total * (1 + 1e-12):
                add(other)
        if run.clock.out():
            gap = None
            break
    run.pricing_calls += pricer.calls + pricer.relaxed_calls
    if q is not None and gap is not None and NASH.vertex:
        B = np.array(found[: len(q)], dtype=float)[:, rows].T / sizes[:, None]
        q = vertex(B, q)
    return found, q, gap
