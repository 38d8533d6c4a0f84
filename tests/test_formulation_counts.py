"""The lottery's grouping by rows (``formulation.row_labels``) and the program over profile
counts with no-good cuts (``formulation.counts``), against brute force on small pools.
"""

from __future__ import annotations

import itertools
import random

import pytest

from selectie import Objective, Quota, Scenario
from selectie.constraints import CompiledScenario, Kind, compile_scenario
from selectie.formulation import Profiles, SelectionModel, row_labels
from selectie.formulation.counts import CountProgram
from selectie.lottery import fair_lottery
from selectie.lottery.program import selection_model
from tests.test_lottery import make_pool

A, B = ("x", "y", "z"), ("u", "v")


def _pool_rows(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    return [(f"c{i}", rng.choice(A), rng.choice(B)) for i in range(n)]


def _quotas(rng: random.Random, size: int) -> list[Quota]:
    quotas = []
    for attr, values in (("a", A), ("b", B)):
        for v in rng.sample(values, rng.randint(0, len(values))):
            lo = rng.randint(0, 1)
            quotas.append(Quota(attribute=attr, values=(v,), min=lo, max=rng.randint(lo, size)))
    return quotas


@pytest.mark.parametrize("seed", range(6))
def test_row_labels_group_exactly_the_cases_in_the_same_constraints(seed: int) -> None:
    """Two cases share a profile iff they lie in the same constraints (brute force over the
    pairs), and profiles are numbered by their first case in the pool.
    """
    rng = random.Random(seed)
    rows = _pool_rows(rng, 12)
    compiled = compile_scenario(make_pool(rows), Scenario(size=4, quotas=_quotas(rng, 4)))
    labels = row_labels(compiled).tolist()
    inside = [
        frozenset(
            k
            for k, c in enumerate(compiled.constraints)
            if c.kind is not Kind.SIZE and i in c.members
        )
        for i in range(len(rows))
    ]
    for i, j in itertools.combinations(range(len(rows)), 2):
        assert (labels[i] == labels[j]) == (inside[i] == inside[j])
    firsts = [labels.index(p) for p in range(max(labels) + 1)]
    assert firsts == sorted(firsts)
    # never finer than the grouping by values, which the selection program uses
    by_values = Profiles(compiled).profile_of.tolist()
    for i, j in itertools.combinations(range(len(rows)), 2):
        assert by_values[i] != by_values[j] or labels[i] == labels[j]


def _valid(compiled: CompiledScenario, size: int, n: int) -> list[tuple[int, ...]]:
    return [
        chosen
        for chosen in itertools.combinations(range(n), size)
        if all(c.satisfied for c in compiled.check(list(chosen)))
    ]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("seed", range(3))
def test_no_good_cuts_on_counts_list_every_distinct_selection_once(solver: str, seed: int) -> None:
    """uniform_best with a k above the number of distinct selections lists every vector of
    profile counts of a valid selection exactly once (brute force over all subsets), best
    deviation first, then the smallest pool-order sum (each profile weighed by its first
    case); the deviation stage is integral.
    """
    rng = random.Random(100 + seed)
    rows = _pool_rows(rng, 9)
    size = 3
    target = {"a": {"x": 1, "y": 1, "z": 1}}
    scenario = Scenario(
        size=size,
        quotas=_quotas(rng, size),
        objective=Objective(kind="match_target", target=target),
    )
    pool = make_pool(rows)
    compiled = compile_scenario(pool, scenario)
    model = selection_model(compiled, objective=True)
    assert [(s.name, s.integral) for s in CountProgram(model).stages] == [("deviation", True)]
    valid = _valid(compiled, size, len(rows))
    of = model.profile_of.tolist()
    vectors: dict[tuple[int, ...], tuple[int, int]] = {}
    for chosen in valid:
        counts = [0] * model.num_profiles
        for i in chosen:
            counts[of[i]] += 1
        deviation = int(compiled.objective.evaluate(list(chosen)).parts["deviation"])
        # the tie-break: each case taken counts as its profile's first case, 1-based
        rank = sum(c * (model.profiles[p][0] + 1) for p, c in enumerate(counts))
        vectors[tuple(counts)] = (deviation, rank)
    lot = fair_lottery(pool, scenario, method="uniform_best", k=len(vectors) + 3, solver=solver)
    assert len(vectors) > 3  # the random scenarios have several distinct selections
    listed = [tuple(e.counts.get(p, 0) for p in range(model.num_profiles)) for e in lot.support]
    assert sorted(listed) == sorted(vectors)
    keys = [vectors[v] for v in listed]
    assert keys == sorted(keys)
    assert f"only {len(vectors)} distinct valid selection" in lot.message


def test_count_program_builds_on_the_model_it_is_given() -> None:
    """The program over counts extends the model's program: the same rows first, then the
    objective's helpers and the indicators; a profile of one case needs no indicator.
    """
    rows = [("c0", "x", "u"), ("c1", "x", "u"), ("c2", "y", "v")]
    compiled = compile_scenario(make_pool(rows), Scenario(size=2))
    model = SelectionModel(compiled)
    prog = CountProgram(model)
    assert prog.milp.rows[: len(model.base.rows)] == model.base.rows
    assert sorted(prog.indicators) == [p for p, m in enumerate(model.profiles) if len(m) > 1]
