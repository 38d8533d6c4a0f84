"""Leximin's rounds keep their fractional bound when the relaxation is infeasible at the
master's fixed levels (the stall of sf_e/1727/110, issue 17).

On the sf_e-shaped hard pool, after a complete peel, round 17 found the LP relaxation
infeasible at the 806 fixed levels, although the master's lottery held them: the levels sit
at the relaxation's own maximum, and the master's LP tolerance (1e-10) was enough to put them
a hair outside what HiGHS accepts for the relaxation. The round had no fractional bound, and
its pricing never closed the gap (7.8e-2 after 1300 s CPU). The fix takes the relaxation's
weights at slightly lower levels (:data:`selectie.lottery.leximin._LOWER`) and proves the
bound from them with the master's own levels.

The small pools here are those of ``tests/test_lottery_leximin.py``; the disagreement is made
on purpose: the rounds' relaxation sees every fixed level 3e-10 higher than the master holds
it (so it is really infeasible where the levels are at its maximum, as on sf_e). Each round
must still get a fractional bound that is valid (at least the minimum the master reaches) and
tight (within 1e-8 of it), and the lottery must be the independent leximin by ``linprog``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from selectie import Status
from selectie.lottery import fair_lottery, heuristics, leximin
from tests.test_lottery_leximin import (
    hard_pool,
    linprog_leximin,
    pool_of,
    scenario_of,
    valid_panels,
)

#: How much higher the rounds' relaxation sees each fixed level than the master holds it.
RAISE = 3e-10


def rounds_bounds(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> tuple[Any, list[tuple[int, float | None, int, float]]]:
    """Leximin on pool ``seed`` with the disagreement made: (lottery, per round (round, the
    fractional bound or None, fixed rows, the master's minimum)).
    """
    inside = [False]
    bound = heuristics.Relaxation.bound

    def tighter(
        self: heuristics.Relaxation, fixed: dict[int, float]
    ) -> tuple[float, np.ndarray] | None:
        # only the rounds' relaxation (the peel's fractional leximin uses the class too)
        return bound(self, {r: v + RAISE for r, v in fixed.items()} if inside[0] else fixed)

    monkeypatch.setattr(heuristics.Relaxation, "bound", tighter)
    seen: list[list[Any]] = []
    relaxation_bound = leximin._Fair.relaxation_bound
    generate = leximin._Fair.generate

    def recorded(
        self: leximin._Fair, master: Any, pricer: Any, lagrangian: Any, fixed: Any = None
    ) -> Any:
        out = relaxation_bound(self, master, pricer, lagrangian, fixed)
        if fixed is None:
            seen.append([self.rounds, None if out is None else out[0], len(master.fixed)])
        return out

    def generated(self: leximin._Fair, *args: Any, **kwargs: Any) -> Any:
        inside[0] = True
        try:
            out = generate(self, *args, **kwargs)
        finally:
            inside[0] = False
        if out is not None and seen:
            seen[-1].append(out[0])
        return out

    monkeypatch.setattr(leximin._Fair, "relaxation_bound", recorded)
    monkeypatch.setattr(leximin._Fair, "generate", generated)
    people, quotas, size = hard_pool(seed)
    lot = fair_lottery(pool_of(people), scenario_of(quotas, size), method="leximin")
    return lot, [(r, b, n, t) for r, b, n, t in seen]


@pytest.mark.parametrize("seed", [0, 2, 7, 15, 19, 22])
def test_rounds_keep_a_tight_fractional_bound_when_the_relaxation_is_infeasible(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    people, quotas, size = hard_pool(seed)
    panels = valid_panels(people, quotas, size)
    lot, rounds = rounds_bounds(monkeypatch, seed)
    assert lot.status == Status.OPTIMAL
    assert lot.info is not None and lot.info.peel is not None and lot.info.peel["complete"]
    assert lot.info.accuracy is not None and lot.info.accuracy <= 1e-6
    expected = linprog_leximin(len(people), panels)
    assert list(lot.probabilities.values()) == pytest.approx(expected, abs=1e-6)
    checked = 0
    for _round, bound, fixed, t in rounds:
        if fixed == 0 or t >= 1.0 - 1e-9:
            continue  # nothing fixed (no disagreement), or everyone at 1 (nothing to bound)
        assert bound is not None
        assert t - 1e-9 <= bound <= t + 1e-8
        checked += 1
    assert checked > 0
