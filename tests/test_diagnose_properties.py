"""Property tests for explain() and alternatives() on generated pools small enough to try every
selection (shared strategies in tests/strategies.py; the independent checker in
tests/independent.py).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, pairwise

from hypothesis import event, given, settings
from hypothesis import strategies as st

from selectie import alternatives, explain
from selectie.constraints import CompiledScenario, Constraint, compile_scenario
from selectie.pool import Pool
from selectie.solve.backend import BACKENDS
from tests.independent import brute_force, violations
from tests.strategies import Planted, planted_scenarios


def some_selection(pool: Pool, constraints: tuple[Constraint, ...]) -> bool:
    """Some set of cases (of any size) meets every one of ``constraints``."""
    n = len(pool)
    return any(
        all(c.check(chosen).satisfied for c in constraints)
        for k in range(n + 1)
        for chosen in combinations(range(n), k)
    )


def valid_ids(p: Planted, scenario: object) -> set[tuple[str, ...]]:
    """Every selection the independent checker accepts for ``scenario``."""
    truth = p.gen.truth
    ids = [c.id for c in truth.cases]
    size = getattr(scenario, "size")  # noqa: B009 - a Scenario; typed loosely for the helper
    return {
        tuple(ids[i] for i in chosen)
        for chosen in combinations(range(len(ids)), size)
        if not violations(truth, scenario, [ids[i] for i in chosen])  # type: ignore[arg-type]
    }


@settings(max_examples=80)
@given(
    p=planted_scenarios(min_cases=3, max_cases=7, perturb=True), solver=st.sampled_from(BACKENDS)
)
def test_conflict_is_irreducible_and_relaxation_is_feasible(p: Planted, solver: str) -> None:
    """For an infeasible scenario, the reported conflict is infeasible and every proper
    subset of it is feasible (tried case set by case set), and the relaxed scenario has a
    valid selection by the independent checker.
    """
    if brute_force(p.gen.truth, p.scenario) is not None:
        event("feasible: nothing to explain")
        return
    event("infeasible")
    ex = explain(p.gen.pool, p.scenario, solver=solver)
    assert not ex.feasible and ex.conflict_verified and ex.relaxation_verified
    assert not some_selection(p.gen.pool, ex.conflict)
    for k in range(len(ex.conflict)):
        for part in combinations(ex.conflict, k):
            assert some_selection(p.gen.pool, part), [c.name for c in part]
    assert ex.relaxed is not None
    assert valid_ids(p, ex.relaxed)
    assert all(m.kind != "size" or m.new > m.old for m in ex.moves)  # the size only grows


@settings(max_examples=25)
@given(
    p=planted_scenarios(min_cases=3, max_cases=7, perturb=True), solver=st.sampled_from(BACKENDS)
)
def test_alternatives_list_every_valid_selection(p: Planted, solver: str) -> None:
    """With room for all of them, the alternatives are exactly the valid selections, all
    distinct, and never get better further down the list.
    """
    valid = valid_ids(p, p.scenario)
    # count=len(valid): exactly as many as there are, so the list must say it is complete.
    alts = alternatives(p.gen.pool, p.scenario, count=max(1, len(valid)), solver=solver)
    listed = [a.ids for a in alts.selections]
    assert len(listed) == len(set(listed))
    assert set(listed) == valid
    if valid:
        assert alts.exhausted
        keys = [tuple(a.objective.parts.values()) for a in alts.selections]
        kind = p.scenario.objective.kind
        if kind in ("max_overlap", "max_weight"):
            assert all(a >= b for a, b in pairwise(keys))
        elif kind == "match_target":
            assert all(a <= b for a, b in pairwise(keys))


def cheapest_relaxation(compiled: CompiledScenario) -> Fraction:
    """The smallest relaxation cost, by brute force: for every set of cases (any size from the
    scenario's up), the cost of moving each bound just far enough for that set, summed; the
    least over all sets. Per bound: a minimum ``lo`` met by ``a < lo`` costs 1/(a+1) + ... +
    1/lo; a maximum ``hi`` exceeded by ``a`` costs 1/(hi+1) + ... + 1/a; each case beyond the
    size costs 1 (docs of selectie.diagnose).
    """
    n, size = len(compiled.pool), compiled.scenario.size
    best: Fraction | None = None
    for k in range(size, n + 1):
        for chosen in combinations(range(n), k):
            cost = Fraction(k - size)
            for c in compiled.constraints:
                if c.kind == "size":
                    continue
                a = c.count(chosen)
                if c.kind == "bridges" and c.case not in chosen:
                    continue
                if c.lo is not None and a < c.lo:
                    cost += sum((Fraction(1, m) for m in range(a + 1, c.lo + 1)), Fraction(0))
                if c.kind != "bridges" and c.hi is not None and a > c.hi:
                    cost += sum((Fraction(1, m) for m in range(c.hi + 1, a + 1)), Fraction(0))
            if best is None or cost < best:
                best = cost
    assert best is not None
    return best


@settings(max_examples=80)
@given(
    p=planted_scenarios(min_cases=3, max_cases=7, perturb=True), solver=st.sampled_from(BACKENDS)
)
def test_smallest_relaxation_costs_what_brute_force_finds(p: Planted, solver: str) -> None:
    """The reported relaxation cost is the least cost of any relaxation, found by trying every
    set of cases (issue 12 item 8: maxima were raised from the cheapest level, 1/top, so a
    one-step raise was charged too little and cheaper relaxations were missed).
    """
    if brute_force(p.gen.truth, p.scenario) is not None:
        event("feasible: nothing to relax")
        return
    ex = explain(p.gen.pool, p.scenario, solver=solver)
    expected = cheapest_relaxation(compile_scenario(p.gen.pool, p.scenario))
    assert sum((m.cost for m in ex.moves), Fraction(0)) == expected, [
        m.sentence() for m in ex.moves
    ]
    assert ex.relaxation_verified
