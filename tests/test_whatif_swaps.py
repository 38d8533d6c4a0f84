"""The swap sweeps that propose selections to alternatives and importance, against brute
force on small pools: every selection they return is valid, at the level asked, and none
that they should return is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import pytest

from selectie import Objective, Pool, Quota, Scenario
from selectie.constraints import CompiledScenario, compile_scenario
from selectie.formulation import CaseProgram, SelectionModel
from selectie.formulation.neighbours import Swaps

from .test_whatif_levels import CASES, random_rows, scenario_for


def overlap_for(size: int) -> Scenario:
    """A max_overlap scenario (depth, then total) with a quota, for the same pools."""
    return Scenario(
        size=size,
        quotas=[Quota(attribute="colour", values=["blue"], min=1)],
        objective=Objective(kind="max_overlap", attributes=["colour", "size", "tags"]),
    )


def levels_of(compiled: CompiledScenario) -> dict[tuple[int, ...], tuple[float, ...]]:
    """Every valid selection and its stage values, in plain Python."""
    prog = CaseProgram(compiled)
    n, size = len(compiled.pool), compiled.scenario.size
    return {
        sel: tuple(prog.levels(sel))
        for sel in combinations(range(n), size)
        if all(c.satisfied for c in compiled.check(sel))
    }


@pytest.mark.parametrize("kind", ["match_target", "max_overlap"])
@pytest.mark.parametrize(("seed", "n", "size"), CASES)
def test_pair_swaps_are_every_two_case_swap_at_the_level(
    make_pool: Callable[..., Pool], seed: int, n: int, size: int, kind: str
) -> None:
    """From every valid selection, with the rank bound at the median rank and at the
    largest, the pair sweep returns exactly the valid selections that differ in two cases,
    have the same stage values and a pool-order sum within the bound.
    """
    pool = make_pool(random_rows(seed, n))
    scenario = scenario_for(seed, size) if kind == "match_target" else overlap_for(size)
    compiled = compile_scenario(pool, scenario)
    valid = levels_of(compiled)
    swaps = Swaps(SelectionModel(compiled))

    def rank(sel: tuple[int, ...]) -> int:
        return sum(sel) + len(sel)

    ranks = sorted(rank(sel) for sel in valid)
    checked = 0
    for sel, dev in valid.items():
        for bound in (ranks[len(ranks) // 2], ranks[-1]):
            got = swaps.pair_swaps(sel, list(dev), bound)
            want = {
                other
                for other, d in valid.items()
                if d == dev and len(set(sel) - set(other)) == 2 and rank(other) <= bound
            }
            assert len(got) == len(set(got)), (seed, sel)
            assert set(got) == want, (seed, sel, bound)
            checked += len(want)
    assert checked > 0 or len(valid) < 2
