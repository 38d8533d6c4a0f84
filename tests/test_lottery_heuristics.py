"""The heuristic pricing of the lottery (swap local search over profile counts)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from selectie.lottery import fair_lottery
from selectie.lottery.heuristics import HEURISTIC, Quotas, climb, improving_panels
from selectie.solve.milp import Milp


def _program(seed: int) -> tuple[Milp, list[list[int]], list[tuple[int, int]], int]:
    """A random quota program over profiles: size k, two features with ranged quotas."""
    rng = random.Random(seed)
    profiles = 6
    k = 4
    milp = Milp()
    for p in range(profiles):
        milp.add_var(f"n{p}", 0, rng.randint(1, 2), True)
    milp.add_row("size", [(p, 1.0) for p in range(profiles)], k, k)
    groups: list[list[int]] = []
    bounds: list[tuple[int, int]] = []
    for feature in range(2):
        values = [[p for p in range(profiles) if (p >> feature) % 2 == v] for v in (0, 1)]
        for v, members in enumerate(values):
            lo, hi = rng.randint(0, 2), rng.randint(2, 4)
            milp.add_row(f"f{feature}={v}", [(p, 1.0) for p in members], lo, hi)
            groups.append(members)
            bounds.append((lo, hi))
    return milp, groups, bounds, k


def _valid(
    counts: list[int], milp: Milp, groups: list[list[int]], bounds: list[tuple[int, int]], k: int
) -> bool:
    """Independent check: bounds, size and every quota, by plain sums."""
    if sum(counts) != k:
        return False
    if any(c < 0 or c > milp.ub[p] for p, c in enumerate(counts)):
        return False
    return all(
        lo <= sum(counts[p] for p in g) <= hi for g, (lo, hi) in zip(groups, bounds, strict=True)
    )


def _all_valid(
    milp: Milp, groups: list[list[int]], bounds: list[tuple[int, int]], k: int
) -> list[list[int]]:
    ranges = [range(int(u) + 1) for u in milp.ub]
    return [list(c) for c in itertools.product(*ranges) if _valid(list(c), milp, groups, bounds, k)]


@pytest.mark.parametrize("seed", range(12))
def test_satisfied_agrees_with_an_independent_check(seed: int) -> None:
    """Quotas.satisfied accepts exactly the count vectors that keep every bound and quota."""
    milp, groups, bounds, k = _program(seed)
    quotas = Quotas.of(milp, milp.num_vars)
    assert quotas is not None
    for counts in itertools.product(*[range(4) for _ in range(milp.num_vars)]):
        assert quotas.satisfied(list(counts)) == _valid(list(counts), milp, groups, bounds, k)


@pytest.mark.parametrize("seed", range(12))
def test_climb_keeps_every_quota_and_never_loses_weight(seed: int) -> None:
    """From every valid start, the climb ends at a valid selection at least as heavy."""
    milp, groups, bounds, k = _program(seed)
    quotas = Quotas.of(milp, milp.num_vars)
    assert quotas is not None
    rng = np.random.default_rng(seed)
    weights = rng.random(milp.num_vars)
    for start in _all_valid(milp, groups, bounds, k):
        end = climb(quotas, weights, np.array(start))
        assert _valid(end.tolist(), milp, groups, bounds, k)
        assert float(weights @ end) >= float(weights @ np.array(start)) - 1e-12


@pytest.mark.parametrize("seed", range(12))
def test_climb_ends_where_no_single_swap_gains(seed: int) -> None:
    """No valid selection one swap away from the climb's end weighs more (brute force)."""
    milp, groups, bounds, k = _program(seed)
    quotas = Quotas.of(milp, milp.num_vars)
    assert quotas is not None
    weights = np.random.default_rng(100 + seed).random(milp.num_vars)
    valid = _all_valid(milp, groups, bounds, k)
    if not valid:
        pytest.skip("this random program has no valid selection")
    end = climb(quotas, weights, np.array(valid[0]))
    for other in valid:
        moved = np.abs(np.array(other) - end).sum()
        if moved == 2:  # one case out, one in
            assert float(weights @ np.array(other)) <= float(weights @ end) + 1e-9


def test_improving_panels_are_valid_distinct_and_improving() -> None:
    """Every panel returned keeps every quota, beats mu, is new and appears once."""
    milp, groups, bounds, k = _program(3)
    quotas = Quotas.of(milp, milp.num_vars)
    assert quotas is not None
    valid = _all_valid(milp, groups, bounds, k)
    weights = np.random.default_rng(7).random(milp.num_vars)
    starts = [np.array(v) for v in valid]
    mu = float(np.median([weights @ s for s in starts]))
    known = {starts[0].tobytes()}
    panels = improving_panels(quotas, weights, mu, starts, tolerance=1e-9, known=known)
    assert panels, "some start lies below the median, so its climb improves on mu"
    keys = [p.tobytes() for p in panels]
    assert len(set(keys)) == len(keys)
    assert starts[0].tobytes() not in keys
    for p in panels:
        assert _valid(p.tolist(), milp, groups, bounds, k)
        assert float(weights @ p) > mu + 1e-9
    values = [float(weights @ p) for p in panels]
    assert values == sorted(values, reverse=True)


def test_quotas_refuse_rows_with_other_coefficients() -> None:
    """A row with a coefficient other than 1 (as bridges make) turns the heuristic off."""
    milp = Milp()
    a = milp.add_var("a", 0, 1)
    b = milp.add_var("b", 0, 1)
    milp.add_row("bridge", [(a, 1.0), (b, 2.0)], None, 2)
    assert Quotas.of(milp, 2) is None


def test_the_heuristic_does_not_change_the_maximin_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Maximin with and without the local search proves the same minimum on a generated pool."""
    from tests.test_lottery import generated_pool

    pool, scenario, *_ = generated_pool(5, n=80)
    with_search = fair_lottery(pool, scenario, method="maximin")
    monkeypatch.setattr(HEURISTIC, "local_search", False)
    without = fair_lottery(pool, scenario, method="maximin")
    assert with_search.status.value == without.status.value == "optimal"
    assert with_search.min_probability is not None
    assert without.min_probability is not None
    assert abs(with_search.min_probability - without.min_probability) <= 1e-7


def _maximin_over(valid: list[list[int]], sizes: list[int]) -> float:
    """The maximin over all valid selections, by an LP over the enumerated selections."""
    from scipy.optimize import linprog

    cols = np.array(valid, dtype=float).T / np.array(sizes, dtype=float)[:, None]  # P x C
    profiles, count = cols.shape
    # variables q (C) and t; maximise t: t <= cols q, sum q = 1
    cost = np.zeros(count + 1)
    cost[-1] = -1.0
    a_ub = np.hstack([-cols, np.ones((profiles, 1))])
    a_eq = np.hstack([np.ones((1, count)), np.zeros((1, 1))])
    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(profiles), A_eq=a_eq, b_eq=[1.0])
    assert res.status == 0
    return float(-res.fun)


@pytest.mark.parametrize("seed", range(12))
def test_relaxation_bounds_the_maximin_from_above(seed: int) -> None:
    """The fractional maximin is at least the maximin over every valid selection."""
    from selectie.lottery.heuristics import Relaxation

    milp, groups, bounds, k = _program(seed)
    valid = _all_valid(milp, groups, bounds, k)
    if not valid:
        pytest.skip("this random program has no valid selection")
    sizes = [int(u) for u in milp.ub]
    rows = [p for p in range(len(sizes)) if any(v[p] for v in valid)]
    if len(rows) < len(sizes):
        pytest.skip("a profile is never selectable; the exhaustive LP needs every profile")
    relaxation = Relaxation(milp, rows, np.array(sizes), never=[])
    out = relaxation.bound({})
    assert out is not None
    bound, weights = out
    assert bound >= _maximin_over(valid, sizes) - 1e-9
    assert np.all(weights >= 0)


@pytest.mark.parametrize("method", ["maximin", "leximin"])
def test_the_fractional_bound_does_not_change_the_lottery_minimum(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With and without the fractional bound, both methods prove the same minimum."""
    from tests.test_lottery import generated_pool

    pool, scenario, *_ = generated_pool(2, n=80)
    with_bound = fair_lottery(pool, scenario, method=method)
    monkeypatch.setattr(HEURISTIC, "relaxation", False)
    monkeypatch.setattr(HEURISTIC, "local_search", False)
    without = fair_lottery(pool, scenario, method=method)
    assert with_bound.status.value == without.status.value == "optimal"
    assert with_bound.min_probability is not None
    assert without.min_probability is not None
    assert abs(with_bound.min_probability - without.min_probability) <= 1e-7
    got = sorted(with_bound.probabilities.values())
    assert got == pytest.approx(sorted(without.probabilities.values()), abs=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_batched_climb_keeps_every_quota_and_ends_at_a_local_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With several swaps per step (``heuristics.BATCH``), the climb from every valid start
    ends valid, no lighter than the start, and no single swap from its end gains (brute
    force over every valid selection).
    """
    from selectie.lottery import heuristics

    monkeypatch.setattr(heuristics, "BATCH", 8)
    milp, groups, bounds, k = _program(seed)
    quotas = Quotas.of(milp, milp.num_vars)
    assert quotas is not None
    weights = np.random.default_rng(200 + seed).random(milp.num_vars)
    valid = _all_valid(milp, groups, bounds, k)
    for start in valid:
        end = climb(quotas, weights, np.array(start))
        assert _valid(end.tolist(), milp, groups, bounds, k)
        assert float(weights @ end) >= float(weights @ np.array(start)) - 1e-12
        for other in valid:
            if np.abs(np.array(other) - end).sum() == 2:
                assert float(weights @ np.array(other)) <= float(weights @ end) + 1e-9
