"""Nash welfare with and without its speed-ups (local-search pricing, inexact master, vertex
support): the same optimum, checked by brute force on small pools.
"""

from __future__ import annotations

import numpy as np
import pytest

from selectie.lottery import fair_lottery, nash
from selectie.lottery.nash import NashTuning, gradient, solve_master, vertex
from tests.test_lottery import generated_pool
from tests.test_lottery_transparent import _all_panels

#: (local_search, inexact, vertex)
_VARIANTS = [(True, 1e-3, True), (False, 0.0, False), (True, 0.0, False), (False, 1e-3, True)]


@pytest.mark.parametrize("variant", _VARIANTS)
@pytest.mark.parametrize("seed", range(5))
def test_nash_kkt_by_brute_force_with_each_speed_up(
    seed: int, variant: tuple[bool, float, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every valid panel (enumerated) has sum_i 1/pi_i <= N, with equality (to 1e-5) on
    every panel the lottery uses, whichever speed-ups are on.
    """
    local, inexact, keep_vertex = variant
    monkeypatch.setattr(
        nash, "NASH", NashTuning(local_search=local, inexact=inexact, vertex=keep_vertex)
    )
    pool, scenario, rows, quotas, size = generated_pool(seed, n=11)
    lot = fair_lottery(pool, scenario, method="nash")
    assert lot.ok
    assert lot.info is not None
    assert lot.info.accuracy is not None
    assert lot.info.accuracy <= 1e-6
    pi = np.array([lot.probabilities[i] for i in pool.ids])
    panels = _all_panels(rows, quotas, size)
    can = sorted({i for c in panels for i in c})
    n = len(can)
    assert max(sum(1 / pi[i] for i in c) for c in panels) <= n * (1 + 1e-6)
    for entry in lot.support:
        used = [i for t in entry.take for i in lot.profiles[t.profile].positions[: t.count]]
        assert sum(1 / pi[i] for i in used) >= n * (1 - 1e-5)


@pytest.mark.parametrize("seed", range(3))
def test_nash_same_probabilities_with_and_without_speed_ups(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Nash probabilities are unique (strictly concave in them): both runs agree to
    1e-6, and the vertex support has at most one panel more than there are profiles.
    """
    pool, scenario, *_ = generated_pool(seed, n=14)
    fast = fair_lottery(pool, scenario, method="nash")
    monkeypatch.setattr(nash, "NASH", NashTuning(local_search=False, inexact=0.0, vertex=False))
    plain = fair_lottery(pool, scenario, method="nash")
    for i in pool.ids:
        assert fast.probabilities[i] == pytest.approx(plain.probabilities[i], abs=1e-6)
    assert len(fast.support) <= len(fast.profiles) + 1


def test_vertex_keeps_the_probabilities_on_a_basis() -> None:
    """A random master solved by the barrier method: the vertex has the same B q (1e-9),
    weights summing to 1, and at most rows + 1 positive weights.
    """
    rng = np.random.default_rng(5)
    B = (rng.random((12, 40)) < 0.4).astype(float)
    B[np.arange(12), rng.integers(0, 40, 12)] = 1.0
    s = np.ones(12)
    q = solve_master(B, s)
    v = vertex(B, q)
    assert np.abs(B @ v - B @ q).max() <= 1e-9
    assert v.sum() == pytest.approx(1.0)
    assert np.all(v >= 0)
    assert int((v > 0).sum()) <= 13
    assert gradient(B, s, v).max() == pytest.approx(gradient(B, s, q).max(), rel=1e-6)
