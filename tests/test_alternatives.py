"""alternatives(), importance() and replace() on pools whose answers are known by reasoning.

The hand-made pool (tiny codebook: colour required, size, tags multi-valued):

    c1 red   small    a|b
    c2 red   large    b
    c3 green small    c
    c4 green large    a|c
    c5 blue  small    (no tags)
    c6 blue  unknown  a|b|c
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import pytest

from selectie import (
    Combination,
    InputError,
    Objective,
    Pool,
    Quota,
    Scenario,
    ScenarioError,
    Status,
    alternatives,
    audit,
    importance,
    load_pool,
    load_scenario,
    replace,
)
from selectie.constraints import compile_scenario
from tests.handmade import ROWS


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def valid_selections(pool: Pool, scenario: Scenario) -> set[tuple[str, ...]]:
    """Every selection that satisfies the scenario, by trying all of them."""
    compiled = compile_scenario(pool, scenario)
    out = set()
    for chosen in combinations(range(len(pool)), scenario.size):
        if all(c.satisfied for c in compiled.check(chosen)):
            out.add(tuple(pool.ids[i] for i in chosen))
    return out


# -- alternatives -----------------------------------------------------------------------------


def test_all_selections_with_a_red_case(pool: Pool, solver: str) -> None:
    """Two of six with at least one red: 15 pairs less the 6 without red, 9 in all; each red
    case is in 5 of them, each other case in 2.
    """
    s = Scenario(size=2, quotas=[Quota(attribute="colour", values=["red"], min=1)])
    alts = alternatives(pool, s, count=20, solver=solver)
    listed = [a.ids for a in alts.selections]
    assert alts.exhausted and len(listed) == 9
    assert set(listed) == valid_selections(pool, s)
    assert len(set(listed)) == len(listed)
    assert all(audit(pool, s, ids).ok for ids in listed)
    assert alts.frequency() == {"c1": 5, "c2": 5, "c3": 2, "c4": 2, "c5": 2, "c6": 2}
    assert alts.in_all() == ()


def test_count_stops_the_list(pool: Pool, solver: str) -> None:
    """With count=3 only three of the nine are listed, and the list is not exhausted."""
    s = Scenario(size=2, quotas=[Quota(attribute="colour", values=["red"], min=1)])
    alts = alternatives(pool, s, count=3, solver=solver)
    assert len(alts.selections) == 3 and not alts.exhausted
    assert "stopped at 3" in alts.summary()


def test_count_equal_to_the_number_of_selections_is_exhausted(pool: Pool, solver: str) -> None:
    """With count=9, exactly the number of valid selections, the list is complete and says
    so (issue 12 item 9: it said exhausted=False), and count=8 is not.
    """
    s = Scenario(size=2, quotas=[Quota(attribute="colour", values=["red"], min=1)])
    alts = alternatives(pool, s, count=9, solver=solver)
    assert len(alts.selections) == 9 and alts.exhausted
    assert "stopped at" not in alts.summary()
    short = alternatives(pool, s, count=8, solver=solver)
    assert len(short.selections) == 8 and not short.exhausted


def test_within_a_distance_of_the_best_weight(pool: Pool, solver: str) -> None:
    """Weights 6..1 for c1..c6, two cases: within 2 of the best (11) are the pairs weighing
    11, 10, 9 and 9, best first.
    """
    weights = {f"c{k}": float(7 - k) for k in range(1, 7)}
    s = Scenario(size=2, objective=Objective(kind="max_weight", weights=weights))
    alts = alternatives(pool, s, within=2, solver=solver)
    got = [(a.ids, a.objective.value) for a in alts.selections]
    assert got[:2] == [(("c1", "c2"), 11.0), (("c1", "c3"), 10.0)]
    assert sorted(got[2:]) == [(("c1", "c4"), 9.0), (("c2", "c3"), 9.0)]
    assert alts.exhausted


def test_alternatives_differ_from_the_best(pool: Pool, solver: str) -> None:
    """Each alternative's added and removed cases turn the best selection into it."""
    s = Scenario(size=3, quotas=[Quota(attribute="colour", min=1)])
    alts = alternatives(pool, s, count=10, solver=solver)
    best = set(alts.selections[0].ids)
    assert len(alts.selections) == 8 and alts.exhausted  # 2 reds x 2 greens x 2 blues
    for a in alts.selections[1:]:
        assert (best - set(a.removed)) | set(a.added) == set(a.ids)
        assert a.difference()


def test_max_overlap_alternatives_are_best_first() -> None:
    """On Bijlage 4 with spread the listed selections never get better further down, all pass
    the audit, and the first is the one select() returns.
    """
    from selectie import select
    from selectie._resources import example_file

    pool, s = load_pool(), load_scenario(example_file("bijlage4-spread.toml"))
    alts = alternatives(pool, s, count=6)
    keys = [(a.objective.parts["depth"], a.objective.parts["total"]) for a in alts.selections]
    assert keys == sorted(keys, reverse=True)
    assert alts.selections[0].ids == select(pool, s).ids
    assert len({a.ids for a in alts.selections}) == 6
    assert all(audit(pool, s, a.ids).ok for a in alts.selections)


def test_alternatives_of_an_infeasible_scenario(pool: Pool) -> None:
    """An infeasible scenario lists nothing and says why."""
    alts = alternatives(pool, Scenario(size=2, quotas=[Quota(attribute="colour", min=1)]))
    assert alts.status is Status.INFEASIBLE and alts.selections == ()
    assert not alts.ok


def test_bad_count_is_refused(pool: Pool) -> None:
    """count must be positive."""
    with pytest.raises(InputError, match="count must be at least 1"):
        alternatives(pool, Scenario(size=1), count=0)


# -- importance -------------------------------------------------------------------------------

IMPORTANCE = Scenario(
    size=2,
    exclude=["c4"],
    quotas=[
        Quota(attribute="colour", values=["green"], min=1),
        Quota(attribute="size", values=["large"], max=0),
    ],
    objective=Objective(kind="max_weight", weights={"c1": 3.0, "c5": 2.0, "c6": 1.0}),
)


def test_importance_by_reasoning(pool: Pool, solver: str) -> None:
    """Green is needed and c4 is excluded, so c3 is in every selection; c2 is large and c4
    excluded, so they are in none; without c1 (weight 3) the best takes c5 (weight 2).
    """
    imp = importance(pool, IMPORTANCE, solver=solver)
    assert imp.best == ("c1", "c3")
    assert [c.id for c in imp.irreplaceable] == ["c3"]
    assert imp.case(
        "c3"
    ).reason == "one of only 1 cases with colour=green (at least 1 required)" or (
        imp.case("c3").reason == "the only case with colour=green (at least 1 required)"
    )
    assert [c.id for c in imp.impossible] == ["c2", "c4"]
    assert imp.case("c4").reason == "excluded by the scenario"
    assert imp.case("c2").reason == "size=large: at most 0 allowed"
    c1 = imp.case("c1")
    assert c1.loss == {"weight": 1.0} and c1.replaced_by == ("c5",) and c1.indispensable
    assert [c.id for c in imp.indispensable] == ["c1", "c3"]
    # Independently: c3 is in every valid selection, c2 and c4 in none.
    valid = valid_selections(pool, IMPORTANCE)
    assert all("c3" in v for v in valid)
    assert not any({"c2", "c4"} & set(v) for v in valid)


def test_importance_outputs(pool: Pool) -> None:
    """Text and dict name the irreplaceable and impossible cases."""
    imp = importance(pool, IMPORTANCE)
    text = str(imp)
    assert "irreplaceable (in every valid selection): 1" in text
    assert "impossible (in no valid selection): 2" in text
    data = imp.to_dict()
    assert data["irreplaceable"] == ["c3"] and data["impossible"] == ["c2", "c4"]


def test_importance_of_an_infeasible_scenario(pool: Pool) -> None:
    """No valid selection: no case is judged, and the records are an empty table."""
    imp = importance(pool, Scenario(size=2, quotas=[Quota(attribute="colour", min=1)]))
    assert imp.status is Status.INFEASIBLE
    assert imp.to_records() == []
    assert imp.to_dict()["status"] == "infeasible"


def test_importance_on_bijlage4() -> None:
    """In Bijlage 4 no case is needed by every valid selection; the cases that are in none are
    exactly those that need a bridge and have no possible bridge at all.
    """
    pool, s = load_pool(), load_scenario()
    imp = importance(pool, s)
    compiled = compile_scenario(pool, s)
    bridgeless = {
        pool.ids[c.case]
        for c in compiled.constraints
        if c.kind == "bridges" and c.case is not None and not c.members
    }
    assert bridgeless  # the bundled pool has some
    assert {c.id for c in imp.impossible} == bridgeless
    assert all("has none" in c.reason for c in imp.impossible)
    assert imp.irreplaceable == ()
    assert all(c.loss is not None for c in imp.cases if c.selected)


# -- replace ----------------------------------------------------------------------------------


def test_replace_keeps_the_others(pool: Pool, solver: str) -> None:
    """One of each colour; c1 (red) drops out: c3 and c5 stay and c2, the other red, comes in."""
    s = Scenario(size=3, quotas=[Quota(attribute="colour", min=1)])
    r = replace(pool, s, ["c1", "c3", "c5"], drop=["c1"], solver=solver)
    assert r.ok
    assert (r.kept, r.lost, r.added) == (("c3", "c5"), (), ("c2",))
    assert r.selection.ids == ("c2", "c3", "c5")
    assert audit(pool, s, r.selection.ids).ok


def test_replace_when_others_must_go_too(pool: Pool, solver: str) -> None:
    """An a-case is needed and at most one green: without c1 the only a-case left is c4
    (green; c6 is excluded), so c3 (green) must go too, and c2 comes in (earliest non-green).
    """
    s = Scenario(
        size=2,
        exclude=["c6"],
        quotas=[
            Quota(attribute="tags", values=["a"], min=1),
            Quota(attribute="colour", values=["green"], max=1),
        ],
    )
    r = replace(pool, s, ["c1", "c3"], drop=["c1"], solver=solver)
    assert (r.kept, r.lost, r.added) == ((), ("c3",), ("c2", "c4"))
    assert "kept 0 of the 1 remaining case" in r.summary()


def test_replace_without_any_valid_selection(pool: Pool) -> None:
    """Both reds drop out of a scenario that needs a red case: infeasible, nothing selected."""
    s = Scenario(size=2, quotas=[Quota(attribute="colour", values=["red"], min=1)])
    r = replace(pool, s, ["c1", "c2"], drop=["c1", "c2"])
    assert r.status is Status.INFEASIBLE and not r.ok
    assert r.selection.ids == ()


def test_replace_refuses_ids_not_in_the_selection(pool: Pool) -> None:
    """Dropping a case that is not selected, or an unknown id, is bad input."""
    with pytest.raises(ScenarioError) as info:
        replace(pool, Scenario(size=2), ["c1", "c2"], drop=["c3", "zz"])
    text = str(info.value)
    assert "drop[0]: 'c3' is not in the selection to repair" in text
    assert "drop[1]:" in text


def test_replace_one_of_the_report_13_keeps_the_other_12() -> None:
    """The exact Bijlage 4 scenario selects the report's 13; when one drops out, the other 12
    stay and one project comes in, and the result passes the scenario's audit.
    """
    pool = load_pool()
    exact = load_scenario("examples/bijlage4-exact.toml")
    report13 = [i for i in pool.ids if i.startswith("R")]
    r = replace(pool, exact, report13, drop=["R09"])
    assert r.ok and len(r.kept) == 12 and len(r.added) == 1 and r.lost == ()
    assert audit(pool, exact.with_exclude("R09"), r.selection.ids).ok


def test_replace_an_included_case(pool: Pool) -> None:
    """A case the scenario includes can still drop out: it is no longer required."""
    s = Scenario(size=2, include=["c1"], combinations=[Combination(where={"tags": "c"}, min=1)])
    r = replace(pool, s, ["c1", "c3"], drop=["c1"])
    assert r.ok and r.kept == ("c3",) and "c1" not in r.selection.ids


def test_alternatives_name_the_counts_that_change(pool: Pool) -> None:
    """One case, red and green counted: after c1 (red), c2 (red) changes no count and c3
    (green) moves one from red to green.
    """
    s = Scenario(size=1, quotas=[Quota(attribute="colour", values=["red", "green"], max=1)])
    alts = alternatives(pool, s, count=3)
    assert [a.ids for a in alts.selections] == [("c1",), ("c2",), ("c3",)]
    assert alts.selections[1].changes == ()
    assert alts.selections[2].changes == ("colour=red 1->0", "colour=green 0->1")
    assert "(colour=red 1->0, colour=green 0->1)" in str(alts)
