"""uniform_best with HiGHS's presolve on and off in its session (``kbest.HIGHS_PRESOLVE``):
the same ranks of stage values and profile-order sums (uniform_best's order, recomputed here
in plain Python), on random small pools against brute force and on the bundled scenario.
"""

from __future__ import annotations

import random

import pytest

from selectie import Objective, Scenario, load_pool, load_scenario
from selectie.constraints import compile_scenario
from selectie.lottery import Lottery, fair_lottery, kbest
from selectie.lottery.program import selection_model
from selectie.pool import Pool
from tests.test_formulation_counts import _pool_rows, _quotas, _valid
from tests.test_lottery import make_pool


def _keys(lottery: Lottery, pool: Pool, scenario: Scenario) -> list[tuple[float, ...]]:
    """Per rank: each objective stage's value of the panel, then its profile-order sum
    (each case counted as its profile's first case, 1-based: uniform_best's tie-break).
    """
    compiled = compile_scenario(pool, scenario)
    keys: list[tuple[float, ...]] = []
    for e in sorted(lottery.support, key=lambda e: e.rank or 0):
        positions = sorted(
            p for t in e.take for p in lottery.profiles[t.profile].positions[: t.count]
        )
        assert all(c.satisfied for c in compiled.check(positions))
        parts = compiled.objective.evaluate(positions).parts
        order = sum(t.count * (lottery.profiles[t.profile].positions[0] + 1) for t in e.take)
        keys.append((*(float(v) for v in parts.values()), float(order)))
    return keys


def _both(
    monkeypatch: pytest.MonkeyPatch, pool: Pool, scenario: Scenario, k: int
) -> tuple[Lottery, Lottery]:
    out = []
    for presolve in (True, False):
        monkeypatch.setattr(kbest, "HIGHS_PRESOLVE", presolve)
        out.append(fair_lottery(pool, scenario, method="uniform_best", k=k, solver="highs"))
    return out[0], out[1]


@pytest.mark.parametrize("seed", [200, 201, 204, 206])
def test_presolve_on_and_off_list_the_same_ranks(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """On random match_target scenarios over 9 cases (seeds with more than 4 distinct valid
    selections), with k = 4: presolve on and off give the same stage values and
    profile-order sums rank by rank, and these are the 4 smallest (deviation, profile-order
    sum) pairs of the distinct valid selections (brute force).
    """
    rng = random.Random(seed)
    rows = _pool_rows(rng, 9)
    scenario = Scenario(
        size=3,
        quotas=_quotas(rng, 3),
        objective=Objective(kind="match_target", target={"a": {"x": 1, "y": 1, "z": 1}}),
    )
    pool = make_pool(rows)
    compiled = compile_scenario(pool, scenario)
    # brute force: each distinct vector of profile counts once (as test_formulation_counts)
    model = selection_model(compiled, objective=True)
    of = model.profile_of.tolist()
    best: dict[tuple[int, ...], tuple[float, float]] = {}
    for chosen in _valid(compiled, 3, len(rows)):
        counts = [0] * model.num_profiles
        for i in chosen:
            counts[of[i]] += 1
        deviation = float(compiled.objective.evaluate(list(chosen)).parts["deviation"])
        order = sum(c * (model.profiles[p][0] + 1) for p, c in enumerate(counts))
        best[tuple(counts)] = (deviation, float(order))
    assert len(best) > 4  # several distinct selections, so k = 4 leaves some out
    expected = sorted(best.values())[:4]
    on, off = _both(monkeypatch, pool, scenario, 4)
    assert on.status is off.status
    assert _keys(on, pool, scenario) == _keys(off, pool, scenario)
    assert [k[-2:] for k in _keys(off, pool, scenario)] == expected


def test_presolve_on_and_off_agree_on_the_bundled_scenario(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bijlage4, k = 3: the same stage values and profile-order sums rank by rank (the
    panels may differ where two tie on both).
    """
    pool = load_pool()
    scenario = load_scenario("bijlage4")
    on, off = _both(monkeypatch, pool, scenario, 3)
    assert [e.probability for e in on.support] == pytest.approx([1 / 3] * 3)
    assert [e.probability for e in off.support] == pytest.approx([1 / 3] * 3)
    assert _keys(on, pool, scenario) == _keys(off, pool, scenario)
