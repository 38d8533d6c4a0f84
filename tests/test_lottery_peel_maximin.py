"""Maximin's peel (:mod:`selectie.lottery.maximin_peel`), checked independently.

The independent maximin is the first level of ``tests/test_lottery_leximin.py``'s leximin by
``scipy.optimize.linprog`` over every valid panel (enumerated by brute force); the peeled
panels are checked against the quotas person by person in plain Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from selectie import Status
from selectie.constraints import compile_scenario
from selectie.lottery import fair_lottery
from selectie.lottery.heuristics import Quotas as QuotaRows
from selectie.lottery.heuristics import Relaxation
from selectie.lottery.maximin_peel import MAXIMIN_PEEL
from selectie.lottery.peel import fractional_vertex, peel
from selectie.lottery.program import selection_model
from selectie.lottery.stuck import LEXIMIN
from tests.test_lottery_leximin import (
    hard_pool,
    linprog_leximin,
    pool_of,
    scenario_of,
    valid_panels,
)
from tests.test_lottery_peel import checked_probabilities

#: Pools of ``hard_pool`` whose fractional bound combines quota rows (the fractional
#: maximin's dual weights give the weighted cases two or three different weights; found by
#: looking through seeds 0-399), besides the first 24.
COMBINED = [113, 150, 154, 234, 240, 306, 351, 353, 355]
SEEDS = [*range(24), *COMBINED]


@contextmanager
def maximin_peel(*, always: bool, auto: bool) -> Iterator[None]:
    before = (LEXIMIN.peel_maximin, MAXIMIN_PEEL.auto)
    LEXIMIN.peel_maximin, MAXIMIN_PEEL.auto = always, auto
    try:
        yield
    finally:
        LEXIMIN.peel_maximin, MAXIMIN_PEEL.auto = before


def independent_minimum(seed: int) -> float | None:
    """The maximin optimum over the people some valid panel holds (None: no valid panel)."""
    people, quotas, size = hard_pool(seed)
    panels = valid_panels(people, quotas, size)
    if not panels:
        return None
    held = {i for panel in panels for i in panel}
    expected = linprog_leximin(len(people), panels)
    return min(expected[i] for i in held)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_vertex_peel_reaches_the_independent_maximin(seed: int) -> None:
    """The vertex of the relaxation at the fractional maximin, peeled looking for any
    panel: when complete, its panels are valid (person by person), its weights add up to 1
    and its lottery's minimum is the independent maximin to 1e-9.
    """
    expected = independent_minimum(seed)
    if expected is None:
        return
    people, quotas, size = hard_pool(seed)
    compiled = compile_scenario(pool_of(people), scenario_of(quotas, size))
    model = selection_model(compiled, objective=False)
    prof, milp = model.grouping, model.base
    rows_q = QuotaRows.of(milp, prof.count)
    assert rows_q is not None
    bound = Relaxation(milp, list(range(prof.count)), prof.sizes, []).bound({})
    assert bound is not None
    if bound[0] <= 0:
        return
    target = fractional_vertex(milp, prof.sizes, bound[0])
    assert target is not None
    out = peel(milp, rows_q, prof.sizes, target, weighted=False)
    if not out.complete:
        return
    members = [list(m) for m in prof.members]
    prob = checked_probabilities(out, members, people, quotas, size)
    assert float(prob.min()) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("always", "auto"), [(True, True), (False, True), (False, False)])
def test_maximin_with_and_without_the_peel_matches_linprog(
    seed: int, *, always: bool, auto: bool
) -> None:
    """Maximin with the peel on every pool, on the pools whose bound combines rows (the
    default) and never: proven optimal, the independent maximin to 1e-6.
    """
    expected = independent_minimum(seed)
    people, quotas, size = hard_pool(seed)
    with maximin_peel(always=always, auto=auto):
        lot = fair_lottery(pool_of(people), scenario_of(quotas, size), method="maximin")
    if expected is None:
        assert lot.status == Status.INFEASIBLE
        return
    assert lot.status == Status.OPTIMAL
    assert lot.info is not None and lot.info.accuracy is not None
    assert lot.info.accuracy <= 1e-6
    minimum = min(p.probability for p in lot.profiles if p.selectable)
    assert minimum == pytest.approx(expected, abs=1e-6)
    if not always and not auto:
        assert lot.info.peel is None


def test_the_default_peels_on_hard_pools_only() -> None:
    """The tests above check something: with the peel on every pool it is complete on most
    of them; by default it runs only where someone cannot reach k / n (a hard pool: the
    independent maximin is below it, or no valid panel holds them), on some of them, and
    where it does not run the lottery is the one without it.
    """
    complete = auto_runs = same = easy = feasible = 0
    for seed in SEEDS:
        expected = independent_minimum(seed)
        if expected is None:
            continue
        feasible += 1
        people, quotas, size = hard_pool(seed)
        pool, scenario = pool_of(people), scenario_of(quotas, size)
        with maximin_peel(always=True, auto=True):
            on = fair_lottery(pool, scenario, method="maximin")
        with maximin_peel(always=False, auto=True):
            auto = fair_lottery(pool, scenario, method="maximin")
        with maximin_peel(always=False, auto=False):
            off = fair_lottery(pool, scenario, method="maximin")
        assert on.info is not None and auto.info is not None
        complete += bool(on.info.peel and on.info.peel["complete"])
        # hard: someone cannot reach k / n (the maximin is below it, or no panel holds them)
        held = {i for panel in valid_panels(people, quotas, size) for i in panel}
        hard = expected < size / len(people) - 1e-9 or len(held) < len(people)
        easy += not hard
        if auto.info.peel is not None:
            assert hard
            auto_runs += 1
        else:
            same += auto.probabilities == off.probabilities and auto.support == off.support
    assert complete >= 15  # 17 of the 28 feasible pools (measured)
    assert auto_runs >= 10
    assert easy >= 1
    assert auto_runs + same == feasible
