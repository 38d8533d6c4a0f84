"""Leximin's rounds: the stuck-set shortcut changes the number of rounds, never the result.

Each small pool is checked three ways: leximin with the shortcut (:class:`StuckSet`), without
it, and an independent leximin over every valid panel (enumerated by brute force, the panels
checked by a plain re-implementation of the quotas) computed by a sequence of linear programs
with ``scipy.optimize.linprog``: the maximin over the free people, then one probe per free
person (can they rise while everyone free keeps the level?) to decide who is fixed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pytest
from scipy.optimize import linprog

from selectie import Pool, Quota, Scenario, Status
from selectie.codebook import codebook_from_dict
from selectie.lottery import Lottery, fair_lottery
from selectie.lottery.stuck import LEXIMIN, StuckSet
from selectie.solve.milp import Milp

FEATURES = {"a": "xyz", "b": "uv", "c": "pq", "d": "rst"}
CODEBOOK = codebook_from_dict(
    {
        "codebook": {"name": "leximin-test"},
        "attributes": [
            {"name": name, "values": list(values), "required": True}
            for name, values in FEATURES.items()
        ],
    }
)

Person = dict[str, str]
Quotas = list[tuple[str, str, int, int]]


def hard_pool(seed: int) -> tuple[list[Person], Quotas, int]:
    """A small self-selected pool: values drawn with a skew, quotas from other shares.

    The quotas come from uniform "population" shares the pool does not match (±1 around
    share x size), so people differ in how often they can be selected, as on hard pools.
    """
    rng = random.Random(seed)
    n = rng.randint(9, 12)
    size = rng.randint(3, 5)
    people = [
        {f: rng.choices(v, weights=range(len(v), 0, -1))[0] for f, v in FEATURES.items()}
        for _ in range(n)
    ]
    quotas: Quotas = []
    for f, values in FEATURES.items():
        for v in values:
            target = size / len(values)
            have = sum(1 for p in people if p[f] == v)
            lo = max(0, min(have, int(target) - rng.randint(0, 1)))
            quotas.append((f, v, lo, int(target + 0.999) + rng.randint(0, 1)))
    return people, quotas, size


def pool_of(people: Sequence[Person]) -> Pool:
    return Pool.from_records([{"id": f"c{i}", **p} for i, p in enumerate(people)], CODEBOOK)


def scenario_of(quotas: Quotas, size: int) -> Scenario:
    return Scenario(
        size=size,
        quotas=[Quota(attribute=f, values=(v,), min=lo, max=hi) for f, v, lo, hi in quotas],
    )


def valid_panels(people: Sequence[Person], quotas: Quotas, size: int) -> list[tuple[int, ...]]:
    """Every panel of ``size`` people that keeps every quota (plain Python)."""
    out = []
    for panel in itertools.combinations(range(len(people)), size):
        if all(lo <= sum(1 for i in panel if people[i][f] == v) <= hi for f, v, lo, hi in quotas):
            out.append(panel)
    return out


def linprog_leximin(n: int, panels: Sequence[tuple[int, ...]]) -> list[float]:
    """Leximin probabilities per person over ``panels`` by linear programs (scipy/HiGHS)."""
    m = len(panels)
    a = np.zeros((n, m))
    for c, panel in enumerate(panels):
        a[list(panel), c] = 1.0
    people = [i for i in range(n) if a[i].any()]
    fixed: dict[int, float] = {}

    def solve(objective: np.ndarray, floor: float | None) -> tuple[float, np.ndarray]:
        # variables q_1..q_m, t; maximise objective; sum q = 1
        rows, rhs = [], []
        for i in people:
            row = np.zeros(m + 1)
            row[:m] = -a[i]
            if i in fixed:
                rhs.append(-fixed[i] + 1e-9)
            elif floor is not None:
                rhs.append(-floor + 1e-9)
            else:
                row[m] = 1.0
                rhs.append(0.0)
            rows.append(row)
        eq = np.zeros((1, m + 1))
        eq[0, :m] = 1.0
        r = linprog(
            -objective,
            A_ub=np.array(rows),
            b_ub=np.array(rhs),
            A_eq=eq,
            b_eq=[1.0],
            bounds=[(0, None)] * m + [(0, 1)],
            method="highs",
        )
        assert r.status == 0, r.message
        return -float(r.fun), r.x

    while len(fixed) < len(people):
        level, _ = solve(np.eye(m + 1)[m], None)
        stuck = []
        for i in people:
            if i in fixed:
                continue
            rise, _ = solve(np.append(a[i], 0.0), level)
            if rise <= level + 1e-7:
                stuck.append(i)
        assert stuck, "someone must be stuck at the maximin level"
        for i in stuck:
            fixed[i] = level
    return [fixed.get(i, 0.0) for i in range(n)]


def leximin_and_linprog(seed: int) -> tuple[Lottery, list[float]]:
    """Leximin on pool ``seed`` by :func:`fair_lottery` (as the caller's patches make it), and
    the independent leximin by ``linprog`` over every valid panel.
    """
    people, quotas, size = hard_pool(seed)
    lot = fair_lottery(pool_of(people), scenario_of(quotas, size), method="leximin")
    return lot, linprog_leximin(len(people), valid_panels(people, quotas, size))


@contextmanager
def shortcut(on: bool) -> Iterator[None]:
    before = LEXIMIN.stuck
    LEXIMIN.stuck = on
    try:
        yield
    finally:
        LEXIMIN.stuck = before


@pytest.mark.parametrize("seed", range(24))
def test_leximin_with_and_without_the_shortcut_matches_linprog(seed: int) -> None:
    """The same probabilities (to 1e-6) with the shortcut, without it, and by linprog over
    every valid panel; both runs are proven optimal; the shortcut never needs more rounds.
    """
    people, quotas, size = hard_pool(seed)
    panels = valid_panels(people, quotas, size)
    pool, scenario = pool_of(people), scenario_of(quotas, size)
    with shortcut(True):
        fast = fair_lottery(pool, scenario, method="leximin")
    with shortcut(False):
        slow = fair_lottery(pool, scenario, method="leximin")
    if not panels:
        assert fast.status == slow.status == Status.INFEASIBLE
        return
    expected = linprog_leximin(len(people), panels)
    for lot in (fast, slow):
        assert lot.status == Status.OPTIMAL
        assert lot.info is not None and lot.info.accuracy is not None
        assert lot.info.accuracy <= 1e-6
        assert list(lot.probabilities.values()) == pytest.approx(expected, abs=1e-6)
    assert fast.info is not None and slow.info is not None
    assert fast.info.rounds <= slow.info.rounds


def test_the_shortcut_saves_rounds_on_some_pool() -> None:
    """On these pools the shortcut fixes, in some round, profiles that the round's own dual
    weights leave free (so the test above compares two different paths, not one).
    """
    saved = 0
    for seed in range(24):
        people, quotas, size = hard_pool(seed)
        pool, scenario = pool_of(people), scenario_of(quotas, size)
        with shortcut(True):
            fast = fair_lottery(pool, scenario, method="leximin")
        with shortcut(False):
            slow = fair_lottery(pool, scenario, method="leximin")
        if fast.info is not None and slow.info is not None:
            saved += slow.info.rounds - fast.info.rounds
    assert saved > 0


def test_leximin_is_deterministic() -> None:
    """The same pool and seed give the same lottery, entry by entry."""
    people, quotas, size = hard_pool(3)
    pool, scenario = pool_of(people), scenario_of(quotas, size)
    one = fair_lottery(pool, scenario, method="leximin", seed=7)
    two = fair_lottery(pool, scenario, method="leximin", seed=7)
    assert one.probabilities == two.probabilities
    assert one.support == two.support


def test_stuck_set_weighs_exactly_the_stuck_profiles() -> None:
    """Three profiles of one case, a panel of two, at most one of the first two: every
    lottery gives the third 1 and the first two 1/2 together. At the level 1/2 the first two
    are stuck (weights at least 1, and their Lagrangian bound is 1/2); the third can rise
    above 1/2 and gets no weight.
    """
    m = Milp()
    x = [m.add_var(f"x{p}", 0, 1) for p in range(3)]
    m.add_row("size", [(j, 1.0) for j in x], 2, 2)
    m.add_row("first two", [(x[0], 1.0), (x[1], 1.0)], None, 1)
    stuck = StuckSet(m, [0, 1, 2], np.ones(3, dtype=np.int64), [])
    w = stuck.weights({}, 0.5)
    assert w is not None
    assert w[0] >= 1 - 1e-9
    assert w[1] >= 1 - 1e-9
    assert w[2] == pytest.approx(0.0, abs=1e-9)
    # the largest weight of a fractional selection (x0 + x1 <= 1), over the free weight
    assert max(w[0], w[1]) / (w[0] + w[1] + w[2]) == pytest.approx(0.5, abs=1e-9)


def test_stuck_set_gives_no_proof_when_everyone_can_rise() -> None:
    """Below the maximin level nobody is stuck: no weights."""
    m = Milp()
    x = [m.add_var(f"x{p}", 0, 1) for p in range(3)]
    m.add_row("size", [(j, 1.0) for j in x], 2, 2)
    m.add_row("first two", [(x[0], 1.0), (x[1], 1.0)], None, 1)
    stuck = StuckSet(m, [0, 1, 2], np.ones(3, dtype=np.int64), [])
    assert stuck.weights({}, 0.25) is None


def test_shortcut_is_right_where_the_relaxation_is_not_tight() -> None:
    """An odd cycle: A, B, C pairwise share a capped value (at most one of each pair), so a
    panel of two holds at most one of them, while the LP relaxation lets each have 1/2. The
    fractional bound lies above the true minimum; leximin with and without the shortcut still
    equals linprog over every valid panel.
    """
    from selectie.constraints import compile_scenario
    from selectie.lottery.heuristics import Relaxation
    from selectie.lottery.program import selection_model

    people = [
        {"a": "x", "b": "u", "c": "q", "d": "r"},  # A
        {"a": "y", "b": "u", "c": "p", "d": "r"},  # B
        {"a": "x", "b": "v", "c": "p", "d": "r"},  # C
        {"a": "y", "b": "v", "c": "q", "d": "r"},
        {"a": "z", "b": "v", "c": "q", "d": "s"},
        {"a": "z", "b": "v", "c": "q", "d": "t"},
    ]
    quotas: Quotas = [("a", "x", 0, 1), ("b", "u", 0, 1), ("c", "p", 0, 1), ("d", "t", 0, 0)]
    size = 2
    panels = valid_panels(people, quotas, size)
    expected = linprog_leximin(len(people), panels)
    pool, scenario = pool_of(people), scenario_of(quotas, size)
    model = selection_model(compile_scenario(pool, scenario), objective=False)
    prof = model.grouping
    never = int(prof.profile_of[5])  # the last case is never selected
    rows = [p for p in range(prof.count) if p != never]
    bound = Relaxation(model.base, rows, prof.sizes, [never]).bound({})
    assert bound is not None
    selectable = [p for p in expected if p > 0]
    assert bound[0] > min(selectable) + 0.01  # the relaxation is not tight here
    for on in (True, False):
        with shortcut(on):
            lot = fair_lottery(pool, scenario, method="leximin")
        assert lot.status == Status.OPTIMAL
        assert list(lot.probabilities.values()) == pytest.approx(expected, abs=1e-6)
