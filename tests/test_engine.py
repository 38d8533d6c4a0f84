"""The engine on hand-made pools whose right answer is known by reasoning, on every backend.

The pool used throughout (tiny codebook: colour required, size, tags multi-valued):

    c1 red   small    a|b
    c2 red   large    b
    c3 green small    c
    c4 green large    a|c
    c5 blue  small    (no tags)
    c6 blue  unknown  a|b|c

Ties are broken by preferring earlier rows, so each expected answer below is the earliest of
the selections that are best for the scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from selectie import (
    Bridges,
    Combination,
    Coverage,
    GroupLimit,
    Objective,
    Pool,
    Quota,
    Scenario,
    ScenarioError,
    Status,
    audit,
    load_scenario,
    select,
)
from selectie.codebook import codebook_from_dict
from selectie.constraints import compile_scenario
from selectie.formulation import SelectionModel
from tests.conftest import TINY_CODEBOOK
from tests.handmade import ROWS


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def chosen(pool: Pool, scenario: Scenario, solver: str) -> tuple[str, ...]:
    sel = select(pool, scenario, solver=solver)
    assert sel.status is Status.OPTIMAL, (sel.status, sel.message, sel.reasons)
    assert sel.audit is not None and sel.audit.ok
    return sel.ids


def test_min_quota_on_every_value(pool: Pool, solver: str) -> None:
    """At least one per colour picks one red, one green and one blue."""
    s = Scenario(size=3, quotas=[Quota(attribute="colour", min=1)])
    assert chosen(pool, s, solver) == ("c1", "c3", "c5")


def test_max_quota_on_one_value(pool: Pool, solver: str) -> None:
    """At most one red among five leaves out the later red case."""
    s = Scenario(size=5, quotas=[Quota(attribute="colour", values=["RED"], max=1)])
    assert chosen(pool, s, solver) == ("c1", "c3", "c4", "c5", "c6")


def test_multi_valued_case_counts_for_each_value(pool: Pool, solver: str) -> None:
    """A case holding a and c counts for both: one case can meet a>=1 and c>=1."""
    s = Scenario(size=1, quotas=[Quota(attribute="tags", values=["a", "c"], min=1)])
    assert chosen(pool, s, solver) == ("c4",)


def test_unknown_value_counts_for_nothing(pool: Pool, solver: str) -> None:
    """With no small case allowed, the unknown-size case is still selectable."""
    s = Scenario(size=3, quotas=[Quota(attribute="size", values=["small"], max=0)])
    assert chosen(pool, s, solver) == ("c2", "c4", "c6")


def test_unknown_value_cannot_meet_a_minimum(pool: Pool, solver: str) -> None:
    """Three large cases are required but only two are known to be large: infeasible."""
    s = Scenario(size=3, quotas=[Quota(attribute="size", values=["large"], min=3)])
    sel = select(pool, s, solver=solver)
    assert sel.status is Status.INFEASIBLE
    assert sel.ids == ()
    assert sel.reasons == ("size=large: at least 3 required, the pool has 2",)


def test_coverage_with_overlap(pool: Pool, solver: str) -> None:
    """Every tag twice among three cases needs c6 (all tags) plus cases covering a, b, c once."""
    s = Scenario(size=3, coverage=[Coverage(attributes=["tags"], overlap=2)])
    assert chosen(pool, s, solver) == ("c1", "c3", "c6")


def test_coverage_beyond_size_is_explained(pool: Pool, solver: str) -> None:
    """Three colours twice each cannot fit in four cases, and the reason says so."""
    s = Scenario(size=4, coverage=[Coverage(attributes=["colour"], overlap=2)])
    sel = select(pool, s, solver=solver)
    assert sel.status is Status.INFEASIBLE
    assert (
        "colour has 3 values; with at least 2 each that needs 6 cases but size is 4" in sel.reasons
    )


def test_combination_quota(pool: Pool, solver: str) -> None:
    """Only c2 is both red and large, so a red-and-large minimum selects it."""
    s = Scenario(
        size=1, combinations=[Combination(where={"colour": "red", "size": "large"}, min=1)]
    )
    assert chosen(pool, s, solver) == ("c2",)


def test_combination_with_any_of_values(pool: Pool, solver: str) -> None:
    """No small green or blue case: c3 and c5 are ruled out."""
    s = Scenario(
        size=3,
        combinations=[Combination(where={"colour": ["green", "blue"], "size": "small"}, max=0)],
    )
    assert chosen(pool, s, solver) == ("c1", "c2", "c4")


def test_include_and_exclude(pool: Pool, solver: str) -> None:
    """Forcing c6 in and c1 out leaves c2 as the earliest companion."""
    s = Scenario(size=2, include=["c6"], exclude=["C1"])
    assert chosen(pool, s, solver) == ("c2", "c6")


def test_group_limit_by_attribute(pool: Pool, solver: str) -> None:
    """At most one case per colour."""
    s = Scenario(size=3, group_limits=[GroupLimit(by=("colour",), max=1)])
    assert chosen(pool, s, solver) == ("c1", "c3", "c5")


def test_group_limit_by_multi_valued_attribute(pool: Pool, solver: str) -> None:
    """At most one holder per tag: c1 (a, b), c3 (c) and the tagless c5."""
    s = Scenario(size=3, group_limits=[GroupLimit(by=("tags",), max=1)])
    assert chosen(pool, s, solver) == ("c1", "c3", "c5")


def household_pool() -> Pool:
    book: dict[str, Any] = {
        "codebook": {**TINY_CODEBOOK["codebook"], "extra_columns": ["household", "weight"]},
        "attributes": TINY_CODEBOOK["attributes"],
    }
    cb = codebook_from_dict(book)
    rows = [
        {"id": "p1", "colour": "red", "household": "Dorpsstraat 1", "weight": "1"},
        {"id": "p2", "colour": "red", "household": "dorpsstraat  1", "weight": "4,5"},
        {"id": "p3", "colour": "green", "household": "Kerkpad 2", "weight": "2"},
        {"id": "p4", "colour": "blue", "household": "", "weight": ""},
    ]
    return Pool.from_records(rows, cb)


def test_group_limit_by_extra_column(solver: str) -> None:
    """One per household (addresses compared ignoring case and spacing); empty = no group."""
    s = Scenario(size=3, group_limits=[GroupLimit(by=("household",), max=1)])
    assert chosen(household_pool(), s, solver) == ("p1", "p3", "p4")


def test_max_weight_from_column(solver: str) -> None:
    """Weights read from an extra column (decimal comma accepted); blanks weigh 0."""
    s = Scenario(size=2, objective=Objective(kind="max_weight", weight_column="weight"))
    sel = select(household_pool(), s, solver=solver)
    assert sel.ids == ("p2", "p3")
    assert sel.objective is not None and sel.objective.value == pytest.approx(6.5)


def test_bridges_rule_out_cases_without_enough_links(pool: Pool, solver: str) -> None:
    """Small cases need two unselected same-tag cases of another colour; only c2, c4, c6 fit.

    Links (shared tag, other colour): c1-c4, c1-c6, c3-c6, c2-c6, c4-c6. c5 has no tags and
    c3 has one link, so neither can be selected; selecting c1 would forbid c4 and c6, leaving
    too few cases for size 3.
    """
    s = Scenario(
        size=3,
        bridges=[Bridges(min=2, via="tags", across="colour", kinds={"size": "small"})],
    )
    assert chosen(pool, s, solver) == ("c2", "c4", "c6")


def test_bridges_are_reported_by_name(pool: Pool, solver: str) -> None:
    """A selected small case lists its unselected links across colours."""
    s = Scenario(
        size=1,
        include=["c1"],
        bridges=[Bridges(min=1, via="tags", across="colour", kinds={"size": "small"})],
    )
    sel = select(pool, s, solver=solver)
    assert sel.bridges() == {"c1": ["c4 (case c4)", "c6 (case c6)"]}


def test_max_weight(pool: Pool, solver: str) -> None:
    """The two heaviest cases are chosen."""
    s = Scenario(
        size=2, objective=Objective(kind="max_weight", weights={"c2": 5, "c5": 3, "c6": 1})
    )
    sel = select(pool, s, solver=solver)
    assert sel.ids == ("c2", "c5")
    assert sel.objective is not None and sel.objective.value == 8


def test_match_target_exact(pool: Pool, solver: str) -> None:
    """Two reds and a blue meet the target exactly."""
    s = Scenario(
        size=3, objective=Objective(kind="match_target", target={"colour": {"red": 2, "blue": 1}})
    )
    sel = select(pool, s, solver=solver)
    assert sel.ids == ("c1", "c2", "c5")
    assert sel.objective is not None and sel.objective.parts == {"deviation": 0}


def test_match_target_as_close_as_possible(pool: Pool, solver: str) -> None:
    """Three reds are wanted but two exist: deviation 1, the earliest third case completes it."""
    s = Scenario(size=3, objective=Objective(kind="match_target", target={"colour": {"red": 3}}))
    sel = select(pool, s, solver=solver)
    assert sel.ids == ("c1", "c2", "c3")
    assert sel.objective is not None and sel.objective.value == 1


def test_max_overlap_depth_then_total(pool: Pool, solver: str) -> None:
    """Two cases: every tag once is the best depth (twice needs two all-tag cases); c6 plus a
    two-tag case maximises the total (5), and c1 is the earliest two-tag case.
    """
    s = Scenario(size=2, objective=Objective(kind="max_overlap", attributes=["tags"]))
    sel = select(pool, s, solver=solver)
    assert sel.ids == ("c1", "c6")
    assert sel.objective is not None and dict(sel.objective.parts) == {"depth": 1, "total": 5}


def test_feasibility_prefers_earliest_rows(pool: Pool, solver: str) -> None:
    """Without constraints beyond size, the first rows are chosen."""
    assert chosen(pool, Scenario(size=2), solver) == ("c1", "c2")


def test_same_input_same_selection(wodc_pool: Pool, solver: str) -> None:
    """Two runs of the Bijlage 4 scenario give the same selection."""
    s = load_scenario()
    assert select(wodc_pool, s, solver=solver).ids == select(wodc_pool, s, solver=solver).ids


def test_backends_agree_on_bijlage4(wodc_pool: Pool) -> None:
    """CBC and HiGHS find the same objective and, with the tie-break, the same selection."""
    pytest.importorskip("highspy")
    s = load_scenario()
    a, b = select(wodc_pool, s, solver="cbc"), select(wodc_pool, s, solver="highs")
    assert a.objective is not None and b.objective is not None
    assert dict(a.objective.parts) == dict(b.objective.parts)
    assert a.ids == b.ids


def test_size_larger_than_pool(pool: Pool) -> None:
    """A size above the pool's is a scenario error naming both numbers."""
    with pytest.raises(ScenarioError) as err:
        select(pool, Scenario(size=7))
    assert "at size: size is 7 but the pool has only 6 cases" in str(err.value)


def test_unknown_attribute_and_value_reported_together(pool: Pool) -> None:
    """Every bad name in a scenario is reported at once, with suggestions."""
    s = Scenario(
        size=2,
        quotas=[Quota(attribute="color", min=1), Quota(attribute="size", values=["big"], min=1)],
        include=["c9"],
    )
    with pytest.raises(ScenarioError) as err:
        select(pool, s)
    text = str(err.value)
    assert "at quotas[0].attribute: 'color' is not an attribute of codebook 'tiny'" in text
    assert "did you mean 'colour'?" in text
    assert "at quotas[1].values: 'big' is not a value of 'size' (allowed: small, large)" in text
    assert "at include[0]: 'c9' is not an id in the pool" in text


def test_unknown_solver(pool: Pool) -> None:
    """An unknown backend name lists the backends."""
    from selectie import InputError

    with pytest.raises(InputError, match="unknown solver 'gurobi'; choose one of: cbc, highs"):
        select(pool, Scenario(size=1), solver="gurobi")


def test_audit_reports_shortfalls(pool: Pool) -> None:
    """Auditing a selection names each missed constraint with required and achieved counts."""
    s = Scenario(size=2, quotas=[Quota(attribute="colour", values=["green"], min=1)])
    result = audit(pool, s, ["c1", "c2"])
    assert not result.ok
    [missed] = result.failures
    assert missed.sentence() == "colour=green: 0 selected, at least 1 required (short by 1)"


def test_audit_refuses_unknown_ids(pool: Pool) -> None:
    """An id that is not in the pool is reported with the closest id."""
    with pytest.raises(ScenarioError, match=r"selection\[1\]: 'c7' is not an id in the pool"):
        audit(pool, Scenario(size=2), ["c1", "c7"])


def test_interchangeable_cases_share_one_variable(
    make_pool: Callable[..., Pool], solver: str
) -> None:
    """Thirty identical cases become one profile variable; the answer is still exact."""
    rows = [(f"d{i:02d}", "red", "small", "a") for i in range(30)]
    rows += [("g1", "green", "large", "b"), ("b1", "blue", "large", "c")]
    pool = make_pool(rows)
    s = Scenario(size=5, quotas=[Quota(attribute="colour", min=1)])
    model = SelectionModel(compile_scenario(pool, s))
    assert model.base.num_vars == 3
    assert chosen(pool, s, solver) == ("d00", "d01", "d02", "g1", "b1")


def test_report_thirteen_satisfy_bijlage4(wodc_pool: Pool) -> None:
    """The 13 projects the researchers chose satisfy the scenario written from their words."""
    report = [i for i in wodc_pool.ids if i.startswith("R")]
    result = audit(wodc_pool, load_scenario(), report)
    assert result.failures == []


def test_bijlage4_solution_satisfies_it(wodc_pool: Pool, solver: str) -> None:
    """Solving bijlage4.toml gives 13 projects, one per region at least, all constraints met."""
    sel = select(wodc_pool, load_scenario(), solver=solver)
    assert sel.status is Status.OPTIMAL
    assert len(sel.ids) == 13
    regions = {next(iter(wodc_pool.values["regio"][i] or ())) for i in sel.positions}
    assert len(regions) == 10


def test_bijlage4_exact_reproduces_published_tables(wodc_pool: Pool, solver: str) -> None:
    """The published-distribution scenario finds 13 projects whose tables equal Bijlage 4's."""
    sel = select(wodc_pool, load_scenario("examples/bijlage4-exact.toml"), solver=solver)
    assert sel.status is Status.OPTIMAL
    assert sel.objective is not None and sel.objective.value == 0
    assert sel.tables("bijlage4").differences() == []


def test_selection_to_dict_is_json_ready(pool: Pool) -> None:
    """The summary dict serialises to JSON with status, ids, constraints and tables."""
    import json

    sel = select(pool, Scenario(size=3, quotas=[Quota(attribute="colour", min=1)]))
    data = json.loads(json.dumps(sel.to_dict()))
    assert data["status"] == "optimal"
    assert data["selected"] == ["c1", "c3", "c5"]
    assert {c["name"] for c in data["constraints"]} >= {"size", "colour=red"}
    assert any(r["attribute"] == "colour" and r["value"] == "red" for r in data["tables"])


@pytest.mark.parametrize("n", [3, 5, 21])
def test_integer_infeasible_with_a_feasible_relaxation_is_infeasible(solver: str, n: int) -> None:
    """An odd cycle of "exactly one of each neighbouring pair" has the fractional solution
    all-½ but no 0/1 solution; every backend must say infeasible, not error.
    """
    from selectie.solve.backend import get_backend
    from selectie.solve.milp import Milp

    m = Milp()
    xs = [m.add_var(f"x{i}", 0, 1) for i in range(n)]
    for i in range(n):
        m.add_row(f"r{i}", [(xs[i], 1.0), (xs[(i + 1) % n], 1.0)], 1, 1)
    m.objective = {xs[0]: 1.0}
    raw = get_backend(solver).solve(m, time_limit=None, seed=1, verbose=False)
    assert raw.status == Status.INFEASIBLE, raw.message
