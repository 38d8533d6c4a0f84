"""Selections next to a selection: every swap of one selected case for one unselected case,
checked against every row of the program at once with numpy.

This is how :func:`selectie.alternatives` lists the selections at the best level quickly: a
best-first search through swaps proposes candidates in pool order, and one solver call then
proves that no selection was missed (a program at the same level, with the pool-order sum at
most the last listed one's and a no-good cut for every candidate, is infeasible). The search
only proposes; the proof and the re-check decide.

The rows are the profile-level program's (:class:`~selectie.formulation.SelectionModel`),
which are linear in the profile counts, bridges included; cases of one profile are
interchangeable for them, so a selection's row activities are a matrix times its counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .program import SelectionModel

__all__ = ["Swaps"]

#: Above this many (rows x selected x unselected) entries a swap sweep is not worth it.
_MAX_ENTRIES = 20_000_000


class Swaps:
    """The rows of a program over profiles as a dense matrix, for checking swaps.

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> from selectie.constraints import compile_scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abcd", "NNSS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> swaps = Swaps(SelectionModel(compile_scenario(pool, s)))
    >>> swaps.feasible([0, 2]), swaps.feasible([0, 1])
    (True, False)
    >>> sorted(swaps.neighbours([0, 2]))  # a for b, c for d, a for d; never both north
    [(0, 3), (1, 2), (2, 3)]
    """

    def __init__(self, model: SelectionModel) -> None:
        base = model.base
        self.model = model
        self.n = len(model.profile_of)
        rows = base.rows
        matrix = np.zeros((len(rows), base.num_vars), dtype=np.float64)
        for k, row in enumerate(rows):
            matrix[k, row.index] = row.coef
        #: Per row and case: the coefficient of the case's profile.
        self.by_case = matrix[:, model.profile_of] if self.n else matrix
        self.lo = np.array([-np.inf if r.lo is None else r.lo for r in rows], dtype=np.float64)
        self.hi = np.array([np.inf if r.hi is None else r.hi for r in rows], dtype=np.float64)
        #: Per side, the rows bounded on it, as (coefficients as cases x rows, bound, sign):
        #: a row holds if sign * (activity - bound) >= 0.
        self.sides = [
            (np.ascontiguousarray(self.by_case[side].T), bound[side], sign)
            for bound, sign in ((self.lo, 1.0), (self.hi, -1.0))
            if (side := np.isfinite(bound)).any()
        ]
        obj = model.compiled.objective
        self.kind = obj.kind
        cells = np.zeros((len(obj.cells), self.n), dtype=np.float64)
        for k, cell in enumerate(obj.cells):
            cells[k, list(cell.members)] = 1.0
        self.cells = cells
        self.available = np.array([c.available for c in obj.cells], dtype=np.float64)
        self.target = np.array([c.target or 0 for c in obj.cells], dtype=np.float64)
        self.max_depth = float(obj.max_depth)
        self.weights = np.asarray(obj.weights if obj.weights is not None else [], dtype=float)

    def usable(self, size: int) -> bool:
        """True if a swap sweep for selections of ``size`` cases stays small."""
        return len(self.lo) * size * max(0, self.n - size) <= _MAX_ENTRIES

    def step_entries(self, size: int) -> int:
        """About how many array entries a step of :func:`descend` weighs for a selection of
        ``size`` cases: every swap of one of them for a case outside, on every target cell
        and row.
        """
        return size * max(1, self.n - size) * (len(self.target) + len(self.lo))

    def activity(self, positions: Sequence[int]) -> np.ndarray:
        """Each row's value for a selection."""
        act: np.ndarray = self.by_case[:, list(positions)].sum(axis=1)
        return act

    def feasible(self, positions: Sequence[int]) -> bool:
        """True if the selection meets every row (and so every constraint)."""
        act = self.activity(positions)
        return bool(np.all(act >= self.lo - 1e-9) and np.all(act <= self.hi + 1e-9))

    def levels(self, counts: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """The objective's stage values (rows: stages) for selections given by their cell
        counts (cells x selections) and 0/1 membership (cases x selections): the same numbers
        as :meth:`~selectie.constraints.CompiledObjective.evaluate`, for many at once.
        """
        if self.kind == "max_overlap":
            held = np.where(counts < self.available[:, None], counts, self.max_depth)
            depth = np.minimum(held.min(axis=0), self.max_depth) if len(counts) else counts.sum(0)
            return np.vstack([depth, counts.sum(axis=0)])
        if self.kind == "match_target":
            deviation: np.ndarray = np.abs(counts - self.target[:, None]).sum(axis=0)[None, :]
            return deviation
        if self.kind == "max_weight":
            weight: np.ndarray = (self.weights @ chosen)[None, :]
            return weight
        return np.zeros((0, chosen.shape[1]))

    def neighbours(
        self,
        positions: Sequence[int],
        levels: Sequence[float] | None = None,
        max_rank: float | None = None,
    ) -> list[tuple[int, ...]]:
        """Every selection that swaps one case of ``positions`` for one case outside it and
        meets every row, as sorted tuples of positions; with ``levels``, only those whose
        stage values equal them; with ``max_rank``, only those whose pool-order sum (of
        1-based positions) is at most that.
        """
        chosen = np.asarray(sorted(positions), dtype=np.int64)
        outside = np.setdiff1d(np.arange(self.n, dtype=np.int64), chosen)
        if chosen.size == 0 or outside.size == 0:
            return []
        # The pairs (out, in) within the rank bound (and, for max_overlap, keeping the total,
        # a sum over cases) first; then the rows, each only on a bounded side, for those
        # pairs: act - column(out) + column(in). Pairs come in row-major order either way.
        cand = np.ones((chosen.size, outside.size), dtype=bool)
        if max_rank is not None:
            cand &= chosen.sum() + chosen.size - chosen[:, None] + outside[None, :] <= max_rank
        if levels is not None and self.kind == "max_overlap" and len(levels) == 2:
            weight = self.cells.sum(axis=0)
            total = weight[chosen].sum() - weight[chosen][:, None] + weight[outside][None, :]
            cand &= np.isclose(total, float(levels[1]), rtol=1e-9, atol=1e-9)
        if cand.mean() > 0.25:  # most pairs left: every pair at once
            for by, bound, sign in self.sides:
                act = by[chosen].sum(axis=0)
                swapped = (act - by[chosen])[:, None, :] + by[outside][None, :, :]
                cand &= np.all(_holds(swapped, bound, sign), axis=2)
            pairs = np.nonzero(cand)
        else:  # few pairs left: only those
            pairs = np.nonzero(cand)
            ok = np.ones(pairs[0].size, dtype=bool)
            c_out, c_in = chosen[pairs[0]], outside[pairs[1]]
            for by, bound, sign in self.sides:
                act = by[chosen].sum(axis=0)
                swapped = act[None, :] - by[c_out] + by[c_in]
                ok &= np.all(_holds(swapped, bound, sign), axis=1)
            pairs = (pairs[0][ok], pairs[1][ok])
        if levels is not None and pairs[0].size:
            m = pairs[0].size
            member = np.zeros((self.n, m))
            member[chosen, :] = 1.0
            member[chosen[pairs[0]], np.arange(m)] = 0.0
            member[outside[pairs[1]], np.arange(m)] = 1.0
            got = self.levels(self.cells @ member, member)
            want = np.asarray(levels, dtype=float)[:, None]
            same = np.all(np.isclose(got, want, rtol=1e-9, atol=1e-9), axis=0)
            pairs = (pairs[0][same], pairs[1][same])
        out: list[tuple[int, ...]] = []
        base = chosen.tolist()
        for a, b in zip(*pairs, strict=True):
            sel = base.copy()
            sel[int(a)] = int(outside[b])
            out.append(tuple(sorted(sel)))
        return out

    def pair_swaps(
        self, positions: Sequence[int], levels: Sequence[float], max_rank: float
    ) -> list[tuple[int, ...]]:
        """Every selection that swaps two cases of ``positions`` for two outside it, meets
        every row, has the stage values ``levels`` and a pool-order sum (of 1-based
        positions) of at most ``max_rank``, as sorted tuples of positions. The rank bound
        is applied first, so a selection close to it has few pairs to look at.
        """
        from itertools import combinations

        chosen = np.asarray(sorted(positions), dtype=np.int64)
        outside = np.setdiff1d(np.arange(self.n, dtype=np.int64), chosen)
        if chosen.size < 2 or outside.size < 2:
            return []
        ins = np.array(list(combinations(range(outside.size), 2)), dtype=np.int64)
        in_a, in_b = outside[ins[:, 0]], outside[ins[:, 1]]
        in_sum = in_a + in_b
        order = np.argsort(in_sum, kind="stable")
        in_a, in_b, in_sum = in_a[order], in_b[order], in_sum[order]
        # Only rows with a finite bound on a side are checked on that side.
        has_lo, has_hi = np.isfinite(self.lo), np.isfinite(self.hi)
        by_lo, by_hi = self.by_case[has_lo], self.by_case[has_hi]
        act_lo, act_hi = by_lo[:, chosen].sum(axis=1), by_hi[:, chosen].sum(axis=1)
        # Cases x rows, so that taking the columns of many pairs copies contiguous rows.
        case_lo, case_hi = np.ascontiguousarray(by_lo.T), np.ascontiguousarray(by_hi.T)
        lo, hi = self.lo[has_lo], self.hi[has_hi]
        rank0 = float(chosen.sum() + chosen.size)
        want = np.asarray(levels, dtype=float)[:, None]
        # max_overlap's last stage is a sum over cases: the pairs that keep it are few.
        total: float | None = None
        added_lo: np.ndarray | None = None
        added_hi: np.ndarray | None = None
        weight = self.cells.sum(axis=0)
        weight_in = weight[in_a] + weight[in_b]
        if self.kind == "max_overlap" and len(levels) == 2:
            total = float(levels[1]) - float(weight[chosen].sum())
        else:  # every pair is looked at for every out-pair: add the rows up once
            added_lo = case_lo[in_a] + case_lo[in_b]
            added_hi = case_hi[in_a] + case_hi[in_b]
        base = chosen.tolist()
        out: list[tuple[int, ...]] = []
        for a, b in combinations(range(chosen.size), 2):
            oa, ob = int(chosen[a]), int(chosen[b])
            room = max_rank - rank0 + oa + ob
            k = int(np.searchsorted(in_sum, room, side="right"))
            if k == 0:
                continue
            cols = np.arange(k)
            if total is not None:  # max_overlap: the total must stay, a cheap first filter
                cols = cols[weight_in[:k] == total + weight[oa] + weight[ob]]
                if cols.size == 0:
                    continue
            need_lo = lo - (act_lo - by_lo[:, oa] - by_lo[:, ob]) - 1e-9
            need_hi = hi - (act_hi - by_hi[:, oa] - by_hi[:, ob]) + 1e-9
            # The lower sides first, then the upper sides of the pairs left.
            got_lo = _added(case_lo, added_lo, in_a, in_b, cols)
            cols = cols[np.all(got_lo >= need_lo[None, :], axis=1)]
            if cols.size == 0:
                continue
            got_hi = _added(case_hi, added_hi, in_a, in_b, cols)
            cols = cols[np.all(got_hi <= need_hi[None, :], axis=1)]
            if cols.size == 0:
                continue
            ia, ib = in_a[cols], in_b[cols]
            m = ia.size
            member = np.zeros((self.n, m))
            member[chosen, :] = 1.0
            member[[oa, ob], :] = 0.0
            member[ia, np.arange(m)] = 1.0
            member[ib, np.arange(m)] = 1.0
            got = self.levels(self.cells @ member, member)
            same = np.all(np.isclose(got, want, rtol=1e-9, atol=1e-9), axis=0)
            for x, y in zip(ia[same].tolist(), ib[same].tolist(), strict=True):
                sel = [c for c in base if c not in (oa, ob)] + [x, y]
                out.append(tuple(sorted(sel)))
        return out


def _added(
    case: np.ndarray,
    added: np.ndarray | None,
    in_a: np.ndarray,
    in_b: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """The rows of the in-pairs ``cols`` added up (pairs x rows): from ``added`` when every
    pair's sum is made once, else from the cases' rows ``case``.
    """
    if added is not None:
        picked: np.ndarray = added[cols]
        return picked
    summed: np.ndarray = case[in_a[cols]] + case[in_b[cols]]
    return summed


def _holds(activity: np.ndarray, bound: np.ndarray, sign: float) -> np.ndarray:
    """Where ``activity`` (rows last) meets ``bound``: from below if ``sign`` > 0, else from
    above, with the sweeps' tolerance of 1e-9.
    """
    held: np.ndarray = activity >= bound - 1e-9 if sign > 0 else activity <= bound + 1e-9
    return held


def descend(
    swaps: Swaps,
    start: Sequence[int],
    forbid: Sequence[int],
    steps: int,
    seed: int,
    tenure: int = 7,
    goal: int | None = None,
) -> list[tuple[int, tuple[int, ...]]]:
    """A tabu search through swaps of one case for a match_target objective: the valid
    selections it passes, each with its deviation, as ``(deviation, positions)``.

    From ``start``, each step makes the valid swap (every row met) that gives the smallest
    deviation, never taking in a case of ``forbid`` nor one taken out in the last ``tenure``
    steps (ties broken by a generator seeded with ``seed``, so a run is repeatable). While
    ``start`` holds cases of ``forbid`` those are swapped out first (those selections are not
    listed). With ``goal`` it stops at the first selection it lists whose deviation is at
    most ``goal``. The search only proposes: the caller re-checks every selection it keeps.

    Each step weighs every swap at once with numpy; a row of 0/1 coefficients that holds
    (the rows of most quotas) is checked for all swaps by one product of 0/1 matrices,
    any other row swap by swap. ``tests/test_descend_reference.py`` compares the steps with
    a plain-Python search that checks every row a swap can change; they are the same for
    rows of whole numbers (every row selectie builds). With fractional coefficients the
    two could differ only where a row is met to within its tolerance of 1e-9, by rounding.

    >>> from selectie import Attribute, Codebook, Objective, Pool, Scenario
    >>> from selectie.constraints import compile_scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abcd", "NNSS")], cb)
    >>> s = Scenario(size=2, objective=Objective(kind="match_target",
    ...                                          target={"region": {"N": 1, "S": 1}}))
    >>> swaps = Swaps(SelectionModel(compile_scenario(pool, s)))
    >>> descend(swaps, [0, 2], [0], steps=2, seed=1)  # without a: b and c or d at once
    [(0, (1, 2)), (0, (1, 3))]
    >>> descend(swaps, [0, 2], [0], steps=2, seed=1, goal=0)  # the first at deviation 0
    [(0, (1, 2))]
    """
    n = swaps.n
    cur = sorted(start)
    if not cur or len(cur) >= n:
        return []
    allowed = np.ones(n, dtype=bool)
    allowed[list(forbid)] = False
    # Rows a swap cannot change (every case counts alike, e.g. the size) need no check.
    varying = np.ptp(swaps.by_case, axis=1) > 0 if n else np.zeros(0, dtype=bool)
    # Per side, the varying rows bounded on it, as cases x rows (contiguous per case).
    sides = [
        (
            rows := np.ascontiguousarray(swaps.by_case[keep].T),
            bound[keep] + sign * 1e-9,
            sign,
            np.all((rows == 0.0) | (rows == 1.0), axis=0),
        )
        for bound, sign in ((swaps.lo, -1.0), (swaps.hi, 1.0))
        if (keep := varying & np.isfinite(bound)).any()
    ]
    cells, target = np.ascontiguousarray(swaps.cells.T), swaps.target  # cases x cells
    rng = np.random.default_rng(seed)
    free_from = np.zeros(n, dtype=np.int64)
    member = np.zeros(n, dtype=bool)
    member[cur] = True
    out: list[tuple[int, tuple[int, ...]]] = []
    for step in range(steps):
        outside = np.flatnonzero(~member & allowed & (free_from <= step))
        if outside.size == 0:
            break
        chosen = np.asarray(cur, dtype=np.int64)
        # The deviation after swapping out a for in b: sum_k |e_ka + c_kb|, e = the excess
        # without a, c the 0/1 cells of b; |e + c| = |e| + c (|e + 1| - |e|) for c in {0, 1},
        # a product of matrices (whole numbers, so exact in floating point).
        held = cells[chosen]
        without = (held.sum(axis=0) - target)[None, :] - held
        gap = np.abs(without)
        dev = gap.sum(axis=1)[:, None] + (np.abs(without + 1.0) - gap) @ cells[outside].T
        banned = ~allowed[chosen]
        ok = np.repeat(banned[:, None], outside.size, axis=1) if banned.any() else None
        for rows, bound, sign, binary in sides:
            # After swapping a for b a row holds if sign * (in_b - out_a) <= room, the row's
            # room before the swap, sign * (bound - activity).
            part, come = rows[chosen], rows[outside]
            room = sign * (bound - part.sum(axis=0))
            # A 0/1 row met now is broken only by taking out a 1 and taking in a 0 (a 0 for
            # a 1 on a row bounded from above), and only with less than 1 to spare: a product
            # of 0/1 matrices counts the rows a swap breaks.
            plain = binary & (room >= 0.0)
            tight = np.flatnonzero(plain & (room < 1.0))
            if tight.size:
                out_t, in_t = part[:, tight], come[:, tight]
                gone, got = (out_t, 1.0 - in_t) if sign < 0 else (1.0 - out_t, in_t)
                holds = gone @ got.T < 0.5
                ok = holds if ok is None else ok & holds
            if plain.all():
                continue
            # Any other row the worst swap would break is checked swap by swap.
            worst = (sign * come).max(axis=0) + (-sign * part).max(axis=0)
            other = np.flatnonzero(~plain & (worst > room))
            if other.size:
                change = come[None, :, other] - part[:, None, other]  # out x in x rows
                holds = np.all(sign * change <= room[other], axis=2)
                ok = holds if ok is None else ok & holds
        if ok is not None and not ok.any():
            break
        flat = (dev if ok is None else np.where(ok, dev, np.inf)).ravel()
        ties = np.flatnonzero(flat == flat.min())
        pick = int(ties[rng.integers(len(ties))])
        a, b = divmod(pick, outside.size)
        free_from[cur[a]] = step + tenure
        member[cur[a]], member[outside[b]] = False, True
        cur[a] = int(outside[b])
        cur.sort()
        if not (banned.sum() - (1 if banned[a] else 0)):
            out.append((round(float(flat[pick])), tuple(cur)))
            if goal is not None and out[-1][0] <= goal:
                break
    return out
