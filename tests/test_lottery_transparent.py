"""Transparent lotteries (rounding to m panels) and Nash welfare, checked independently."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from selectie.lottery import fair_lottery
from selectie.lottery.nash import gradient, solve_master
from selectie.lottery.uniform import round_to_uniform
from tests.test_lottery import generated_pool, satisfies


@pytest.mark.parametrize("m", [7, 50, 1000])
@pytest.mark.parametrize("seed", range(3))
def test_uniform_rounding_gives_m_valid_panels(seed: int, m: int) -> None:
    """Exactly m panels, each of the panel size and satisfying every quota (checked by the
    plain re-implementation), each drawn with probability 1/m: a person's probability is the
    number of panels they are in, divided by m.
    """
    pool, scenario, rows, quotas, size = generated_pool(seed)
    lot = fair_lottery(pool, scenario, method="maximin")
    u = round_to_uniform(lot, m)
    assert len(u.panels) == m
    assert u.ok
    for panel in u.panels:
        assert satisfies(rows, quotas, size, list(panel))
    counts = dict.fromkeys(pool.ids, 0)
    for panel in u.panels:
        for i in panel:
            counts[pool.ids[i]] += 1
    probs = u.probabilities
    assert all(probs[i] == counts[i] / m for i in pool.ids)
    assert sum(probs.values()) == pytest.approx(size)


@pytest.mark.parametrize("method", ["maximin", "leximin"])
@pytest.mark.parametrize("seed", range(6))
def test_uniform_rounding_stays_within_the_proved_bound(seed: int, method: str) -> None:
    """Every person's probability moves less than (k + 2) / m from the optimal lottery."""
    pool, scenario, _, _, size = generated_pool(seed, n=50)
    lot = fair_lottery(pool, scenario, method=method)
    m = random.Random(seed).choice([3, 10, 40, 200])
    u = round_to_uniform(lot, m)
    optimal = lot.probabilities
    worst = max(abs(p - optimal[i]) for i, p in u.probabilities.items())
    assert worst == pytest.approx(u.max_change)
    assert worst < (size + 2) / m
    assert u.bound == (size + 2) / m


def test_draw_sheet_lists_every_panel_once_by_number() -> None:
    """The sheet numbers the panels 1..m, each once, and a seed always draws the same one."""
    pool, scenario, *_ = generated_pool(1)
    u = round_to_uniform(fair_lottery(pool, scenario, method="maximin"), 12)
    text = u.sheet()
    numbers = [int(x.split()[1].rstrip(":")) for x in text.splitlines() if x.startswith("Panel ")]
    assert numbers == list(range(1, 13))
    assert u.draw_number("2026") == u.draw_number("2026")
    assert 1 <= u.draw_number("x") <= 12


def _all_panels(
    rows: list[tuple[str, str, str]], quotas: list[tuple[str, str, int, int]], size: int
) -> list[tuple[int, ...]]:
    """Every valid panel, by brute force."""
    combos = itertools.combinations(range(len(rows)), size)
    return [c for c in combos if satisfies(rows, quotas, size, c)]


@pytest.mark.parametrize("seed", range(4))
def test_nash_satisfies_its_optimality_conditions_by_brute_force(seed: int) -> None:
    """On a small pool, every valid panel (enumerated by brute force) has gradient value
    sum_i 1/pi_i at most N (the number of people who can be selected), with equality on the
    panels the lottery uses: the KKT conditions of maximising sum_i log pi_i.
    """
    pool, scenario, rows, quotas, size = generated_pool(seed, n=11)
    lot = fair_lottery(pool, scenario, method="nash")
    assert lot.ok
    probs = lot.probabilities
    pi = np.array([probs[i] for i in pool.ids])
    panels = _all_panels(rows, quotas, size)
    can = sorted({i for c in panels for i in c})
    assert all(pi[i] > 0 for i in can)
    assert all(pi[i] == 0 for i in range(len(rows)) if i not in can)
    values = [sum(1 / pi[i] for i in c) for c in panels]
    n = len(can)
    assert max(values) <= n * (1 + 1e-6)
    for entry in lot.support:  # every panel the lottery uses is a best panel
        used = [i for t in entry.take for i in lot.profiles[t.profile].positions[: t.count]]
        assert sum(1 / pi[i] for i in used) >= n * (1 - 1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_nash_welfare_matches_an_independent_convex_solve(seed: int) -> None:
    """The product of probabilities equals the optimum scipy finds over all valid panels
    (brute-force enumerated), to 1e-6 in the log.
    """
    from scipy.optimize import minimize

    pool, scenario, rows, quotas, size = generated_pool(seed, n=11)
    lot = fair_lottery(pool, scenario, method="nash")
    probs = lot.probabilities
    panels = _all_panels(rows, quotas, size)
    can = sorted({i for c in panels for i in c})
    B = np.zeros((len(can), len(panels)))
    for c, panel in enumerate(panels):
        for i in panel:
            B[can.index(i), c] = 1.0
    r = minimize(
        lambda q: -np.sum(np.log(B @ q)),
        np.full(len(panels), 1 / len(panels)),
        bounds=[(1e-12, 1)] * len(panels),
        constraints=({"type": "eq", "fun": lambda q: q.sum() - 1},),
        method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 2000},
    )
    ours = sum(np.log(probs[pool.ids[i]]) for i in can)
    assert ours == pytest.approx(-r.fun, abs=1e-6)
    assert ours >= -r.fun - 1e-6


def test_nash_master_reaches_kkt_on_random_matrices() -> None:
    """The barrier Newton solver of the master problem: g_c <= N everywhere, = N on support."""
    rng = np.random.default_rng(3)
    B = (rng.random((30, 25)) < 0.3).astype(float)
    B[np.arange(30), rng.integers(0, 25, 30)] = 1.0
    s = rng.integers(1, 4, 30).astype(float)
    q = solve_master(B, s)
    g = gradient(B, s, q)
    assert q.sum() == pytest.approx(1.0)
    assert g.max() <= s.sum() * (1 + 1e-7)
    assert np.all(g[q > 1e-9] >= s.sum() * (1 - 1e-6))
