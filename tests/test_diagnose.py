"""explain(): minimal conflicts and smallest relaxations, on pools whose answer is known.

The hand-made pool (tiny codebook: colour required, size, tags multi-valued):

    c1 red   small    a|b
    c2 red   large    b
    c3 green small    c
    c4 green large    a|c
    c5 blue  small    (no tags)
    c6 blue  unknown  a|b|c

Feasibility of a set of constraints is checked independently by trying every subset of the six
cases against the constraints' own ``check`` (no solver).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

import pytest

from selectie import (
    Combination,
    Coverage,
    Objective,
    Pool,
    Quota,
    Scenario,
    Status,
    explain,
    load_pool,
    load_scenario,
    select,
)
from selectie.constraints import Constraint, compile_scenario
from selectie.diagnose import Move, relaxed_scenario
from tests.handmade import ROWS


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def brute_feasible(pool: Pool, constraints: Sequence[Constraint]) -> bool:
    """Some subset of the pool satisfies every constraint (checked case by case)."""
    n = len(pool)
    for k in range(n + 1):
        for chosen in combinations(range(n), k):
            if all(c.check(chosen).satisfied for c in constraints):
                return True
    return False


def assert_irreducible(pool: Pool, conflict: Sequence[Constraint]) -> None:
    """The conflict is infeasible and every proper subset of it is feasible."""
    assert conflict
    assert not brute_feasible(pool, conflict)
    for k in range(len(conflict)):
        for part in combinations(conflict, k):
            assert brute_feasible(pool, part), [c.name for c in part]


def names(constraints: Sequence[Constraint]) -> list[str]:
    return [c.name for c in constraints]


def test_feasible_scenario_has_nothing_to_explain(pool: Pool, solver: str) -> None:
    """A feasible scenario gives no conflict and no relaxation."""
    ex = explain(pool, Scenario(size=2, quotas=[Quota(attribute="colour", min=0)]), solver=solver)
    assert ex.feasible
    assert (ex.conflict, ex.moves) == ((), ())
    assert str(ex) == "the scenario is feasible: nothing to explain"


def test_one_value_that_needs_more_than_the_size(pool: Pool, solver: str) -> None:
    """Two red cases are asked for in one place: the summary speaks of one value (not
    "1 values ... each"); red has two cases in the pool, so size and red's minimum conflict.
    """
    s = Scenario(size=1, quotas=[Quota(attribute="colour", values=["red"], min=2)])
    ex = explain(pool, s, solver=solver)
    assert names(ex.conflict) == ["size", "colour=red"]
    assert ex.summary() == "colour: one value needs at least 2 cases, but size is 1"


def test_three_colours_in_two_places(pool: Pool, solver: str) -> None:
    """One of each of three colours cannot fit in two places: size and all three minimums
    conflict, and lowering any one minimum to 0 (cost 1) is the smallest relaxation.
    """
    s = Scenario(size=2, quotas=[Quota(attribute="colour", min=1)])
    ex = explain(pool, s, solver=solver)
    assert not ex.feasible
    assert names(ex.conflict) == ["size", "colour=red", "colour=green", "colour=blue"]
    assert ex.conflict_verified
    assert_irreducible(pool, ex.conflict)
    assert ex.summary() == "colour: 3 values need at least 1 case each, 3 in all, but size is 2"
    assert ex.quick == (
        "colour has 3 values; with at least 1 each that needs 3 cases but size is 2",
    )
    assert len(ex.moves) == 1 and ex.moves[0].old == 1 and ex.moves[0].new == 0
    assert ex.cost == 1.0
    assert ex.relaxation_verified


def test_relaxation_prefers_lowering_a_large_minimum(pool: Pool, solver: str) -> None:
    """Three b-cases fill all three places, leaving none for green: lowering b from 3 to 2
    (cost 1/3) beats giving up green, 1 to 0 (cost 1).
    """
    s = Scenario(
        size=3,
        quotas=[
            Quota(attribute="tags", values=["b"], min=3),
            Quota(attribute="colour", values=["green"], min=1),
        ],
    )
    ex = explain(pool, s, solver=solver)
    assert names(ex.conflict) == ["size", "tags=b", "colour=green"]
    assert_irreducible(pool, ex.conflict)
    assert [(m.name, m.bound, m.old, m.new) for m in ex.moves] == [("tags=b", "min", 3, 2)]
    assert ex.cost == pytest.approx(1 / 3)
    assert ex.relaxed is not None
    sel = select(pool, ex.relaxed, solver=solver)
    assert sel.ok and sel.audit is not None and sel.audit.ok


def test_constraint_the_pool_cannot_meet_alone(pool: Pool, solver: str) -> None:
    """Four a-cases are asked for and the pool has three: that constraint alone is the conflict."""
    s = Scenario(size=4, quotas=[Quota(attribute="tags", values=["a"], min=4)])
    ex = explain(pool, s, solver=solver)
    assert names(ex.conflict) == ["tags=a"]
    assert_irreducible(pool, ex.conflict)
    assert ex.summary() == "tags=a: at least 4, but only 3 cases in the pool qualify"
    assert [(m.old, m.new) for m in ex.moves] == [(4, 3)]


def test_a_maximum_is_raised_from_its_old_value_up(
    make_pool: Callable[..., Pool], solver: str
) -> None:
    """Four red and four green cases, four to select, at most one of each colour. Raising one
    maximum 1 -> 3 costs 1/2 + 1/3 (5/6); raising both 1 -> 2 costs 1/2 + 1/2 (1). Issue 12
    item 8: the steps of a raise were charged from the top level down (1/4 each), so both
    raises looked cheaper (1/2) and the reported cost was 1, not the smallest, 5/6.
    """
    rows = [(f"r{k}", "red", "small", "") for k in range(4)]
    rows += [(f"g{k}", "green", "small", "") for k in range(4)]
    s = Scenario(size=4, quotas=[Quota(attribute="colour", max=1)])
    ex = explain(make_pool(rows), s, solver=solver)
    assert [(m.bound, m.old, m.new) for m in ex.moves] == [("max", 1, 3)]
    assert ex.cost == pytest.approx(5 / 6)
    assert ex.relaxation_verified


def test_selecting_more_cases_is_offered_when_cheaper(pool: Pool, solver: str) -> None:
    """Issue 14: "select more cases" is a relaxation, at 1 per extra case. Every colour at
    least once, and every colour among the small cases at least once (c1, c3, c5), in two
    places: at size 2 a colour is missing, which costs 1 + 1 (its quota and its combination);
    a third case costs 1 and meets everything, so the size goes from 2 to 3.
    """
    combos = [Combination(where={"colour": c, "size": "small"}, min=1) for c in COLOURS]
    s = Scenario(size=2, quotas=[Quota(attribute="colour", min=1)], combinations=combos)
    ex = explain(pool, s, solver=solver)
    assert [(m.kind, m.old, m.new) for m in ex.moves] == [("size", 2, 3)]
    assert ex.moves[0].sentence() == "size: select 3 cases instead of 2"
    assert ex.cost == pytest.approx(1)
    assert ex.relaxed is not None and ex.relaxed.size == 3
    assert ex.relaxation_verified and sorted(ex.relaxed_ids) == ["c1", "c3", "c5"]


def test_selecting_more_cases_loses_a_tie(pool: Pool, solver: str) -> None:
    """Every colour once in two places: giving up a colour costs 1, as does a third case;
    of equal costs the relaxation that keeps the size is given.
    """
    s = Scenario(size=2, quotas=[Quota(attribute="colour", min=1)])
    ex = explain(pool, s, solver=solver)
    assert ex.cost == pytest.approx(1) and [m.kind for m in ex.moves] == ["quota"]


COLOURS = ("red", "green", "blue")


def test_maximums_too_tight_for_the_size(pool: Pool, solver: str) -> None:
    """At most one per colour allows three cases, not four: one maximum goes from 1 to 2."""
    s = Scenario(size=4, quotas=[Quota(attribute="colour", max=1)])
    ex = explain(pool, s, solver=solver)
    assert names(ex.conflict) == ["size", "colour=red", "colour=green", "colour=blue"]
    assert_irreducible(pool, ex.conflict)
    assert [(m.bound, m.old, m.new) for m in ex.moves] == [("max", 1, 2)]
    assert ex.cost == pytest.approx(1 / 2)
    assert ex.relaxation_verified


def test_include_against_a_maximum(pool: Pool, solver: str) -> None:
    """Including a red case while allowing no red ones: those two constraints conflict."""
    s = Scenario(size=2, include=["c1"], quotas=[Quota(attribute="colour", values=["red"], max=0)])
    ex = explain(pool, s, solver=solver)
    assert [c.kind for c in ex.conflict] == ["include", "quota"]
    assert_irreducible(pool, ex.conflict)
    assert ex.cost == 1.0  # dropping the include, or allowing one red case
    assert ex.relaxation_verified


def test_combination_and_coverage(pool: Pool, solver: str) -> None:
    """Coverage of every tag twice needs two c-cases; green-and-c allows at most one, and the
    only other c-case (c6) is excluded.
    """
    s = Scenario(
        size=4,
        exclude=["c6"],
        coverage=[Coverage(attributes=["tags"], overlap=2)],
        combinations=[Combination(where={"colour": "green", "tags": "c"}, max=1, name="gc")],
    )
    ex = explain(pool, s, solver=solver)
    assert_irreducible(pool, ex.conflict)
    assert {c.name for c in ex.conflict} >= {"tags=c", "gc"}
    assert ex.relaxation_verified
    assert ex.relaxed is not None
    assert select(pool, ex.relaxed, solver=solver).ok


def test_relaxed_scenario_splits_only_moved_values(pool: Pool) -> None:
    """Moving one value's minimum keeps the other values' quota as it was."""
    s = Scenario(size=3, quotas=[Quota(attribute="colour", min=2)])
    compiled = compile_scenario(pool, s)
    relaxed = relaxed_scenario(compiled, [Move("colour=green", "quota", "quotas[0]", "min", 2, 1)])
    assert [(q.values, q.min) for q in relaxed.quotas] == [
        (("red", "blue"), 2),
        (("green",), 1),
    ]


def test_move_costs_weigh_low_minimums_more() -> None:
    """Lowering a minimum from 1 to 0 costs more than from 3 to 2; two steps add up."""
    assert Move("x", "quota", "q", "min", 1, 0).cost > Move("x", "quota", "q", "min", 3, 2).cost
    assert float(Move("x", "quota", "q", "min", 3, 1).cost) == pytest.approx(1 / 3 + 1 / 2)
    assert float(Move("x", "quota", "q", "max", 0, 2).cost) == pytest.approx(1 + 1 / 2)


def test_explanation_outputs(pool: Pool) -> None:
    """Text, HTML and dict all carry the conflict and the relaxation."""
    ex = explain(pool, Scenario(size=2, quotas=[Quota(attribute="colour", min=1)]))
    text = str(ex)
    assert "a minimal conflict (4 constraints" in text
    assert "colour=red: at least 1 (the pool has 2; quotas[0])" in text
    assert "<li>" in ex._repr_html_()
    data = ex.to_dict()
    assert data["feasible"] is False
    assert [c["name"] for c in data["conflict"]] == names(ex.conflict)
    assert data["relaxation_cost"] == 1.0


def test_bundled_overlap_two_everywhere_names_the_real_conflict() -> None:
    """Overlap 2 on every attribute of Bijlage 4: the conflict is the size against two cases
    for each of several values of one single-valued attribute, needing more than 13.
    """
    pool = load_pool()
    scenario = load_scenario().with_overlap(2, list(pool.codebook.table_attributes))
    ex = explain(pool, scenario.with_objective(Objective(kind="feasibility")))
    assert not ex.feasible and ex.conflict_verified and ex.relaxation_verified
    size = [c for c in ex.conflict if c.kind == "size"]
    rest = [c for c in ex.conflict if c.kind != "size"]
    attrs = {c.name.partition("=")[0] for c in rest}
    assert len(size) == 1 and len(attrs) == 1
    (attr,) = attrs
    assert attr in ("regio", "type")  # 10 and 8 values: 20 and 16 cases at overlap 2
    need = sum(c.lo or 0 for c in rest)
    assert need > 13 >= need - 2  # leaving any one value out fits
    assert ex.summary().endswith("but size is 13")
    assert any("regio has 10 values" in q for q in ex.quick)
    assert ex.relaxed is not None
    sel = select(pool, ex.relaxed)
    assert sel.status is Status.OPTIMAL and sel.audit is not None and sel.audit.ok
