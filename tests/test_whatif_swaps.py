"""The swap sweeps that propose selections to alternatives and importance, against brute
force on small pools: every selection they return is valid, at the level asked, and none
that they should return is missing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from selectie import Pool
from selectie.constraints import compile_scenario
from selectie.formulation import SelectionModel
from selectie.formulation.neighbours import Swaps

from .test_whatif_levels import CASES, brute, random_rows, scenario_for


@pytest.mark.parametrize(("seed", "n", "size"), CASES)
def test_pair_swaps_are_every_two_case_swap_at_the_level(
    make_pool: Callable[..., Pool], seed: int, n: int, size: int
) -> None:
    """From every valid selection, with the rank bound at the median rank, the pair sweep
    returns exactly the valid selections that differ in two cases, have the same deviation
    and a pool-order sum within the bound.
    """
    pool = make_pool(random_rows(seed, n))
    compiled = compile_scenario(pool, scenario_for(seed, size))
    valid = brute(compiled)
    swaps = Swaps(SelectionModel(compiled))

    def rank(sel: tuple[int, ...]) -> int:
        return sum(sel) + len(sel)

    ranks = sorted(rank(sel) for sel in valid)
    checked = 0
    for sel, dev in valid.items():
        for bound in (ranks[len(ranks) // 2], ranks[-1]):
            got = swaps.pair_swaps(sel, [dev], bound)
            want = {
                other
                for other, d in valid.items()
                if d == dev and len(set(sel) - set(other)) == 2 and rank(other) <= bound
            }
            assert len(got) == len(set(got)), (seed, sel)
            assert set(got) == want, (seed, sel, bound)
            checked += len(want)
    assert checked > 0 or len(valid) < 2
