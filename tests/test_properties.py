"""Property tests: generated pools and scenarios, answers checked by an independent checker.

Profiles (tests/conftest.py): ``SELECTIE_HYPOTHESIS_PROFILE=ci`` (default) runs a modest number of
examples per property, ``SELECTIE_HYPOTHESIS_PROFILE=nightly`` many more.
"""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selectie import Pool, Scenario, Selection, Status, audit, load_pool, select, tables
from selectie.codebook import codebook_from_dict
from selectie.report import TOTAL
from tests.conftest import installed_backends
from tests.independent import (
    Truth,
    at_least,
    brute_force,
    objective_key,
    same_key,
    violations,
)
from tests.strategies import (
    Generated,
    Infeasible,
    Planted,
    generated_pools,
    infeasible_scenarios,
    planted_scenarios,
    selections,
)

BACKENDS = installed_backends()


def positions_of(truth: Truth, ids: tuple[str, ...]) -> list[int]:
    """Pool positions of selected ids, found in the truth (not through the Pool)."""
    return [truth.index(i) for i in ids]


def engine_key(sel: Selection) -> tuple[float, ...]:
    """The objective the engine reports for its selection, as a larger-is-better key."""
    assert sel.objective is not None
    parts = sel.objective.parts
    kind = sel.scenario.objective.kind
    if kind == "max_overlap":
        return (float(parts["depth"]), float(parts["total"]))
    if kind == "match_target":
        return (-float(parts["deviation"]),)
    if kind == "max_weight":
        return (float(parts["weight"]),)
    return ()


def explain(sel: Selection) -> str:
    return f"status={sel.status.value} message={sel.message!r} reasons={sel.reasons!r}"


# --------------------------------------------------------------------------------------------
# Planted selections
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("solver", BACKENDS)
@given(p=planted_scenarios())
def test_planted_scenario_gets_a_valid_optimal_selection(solver: str, p: Planted) -> None:
    """A scenario that a planted selection satisfies is solved, and the independent checker
    accepts the selection.
    """
    sel = select(p.gen.pool, p.scenario, solver=solver)
    assert sel.status is Status.OPTIMAL, explain(sel)
    assert violations(p.gen.truth, p.scenario, sel.ids) == []


@pytest.mark.parametrize("solver", BACKENDS)
@given(p=planted_scenarios())
def test_optimal_selection_is_at_least_as_good_as_the_planted_one(solver: str, p: Planted) -> None:
    """The selection's objective, recomputed independently, is no worse than the planted
    selection's, and equals the objective the engine reports.
    """
    sel = select(p.gen.pool, p.scenario, solver=solver)
    assert sel.status is Status.OPTIMAL, explain(sel)
    truth = p.gen.truth
    mine = objective_key(truth, p.scenario, positions_of(truth, sel.ids))
    assert at_least(mine, objective_key(truth, p.scenario, p.planted))
    assert same_key(mine, engine_key(sel))


@pytest.mark.skipif(len(BACKENDS) < 2, reason="needs both CBC and HiGHS")
@given(p=planted_scenarios())
def test_cbc_and_highs_reach_the_same_objective(p: Planted) -> None:
    """CBC and HiGHS find selections of equal objective value (depth and total for
    max_overlap) on every generated instance.
    """
    cbc = select(p.gen.pool, p.scenario, solver="cbc")
    highs = select(p.gen.pool, p.scenario, solver="highs")
    assert cbc.status is Status.OPTIMAL, explain(cbc)
    assert highs.status is Status.OPTIMAL, explain(highs)
    truth = p.gen.truth
    assert same_key(
        objective_key(truth, p.scenario, positions_of(truth, cbc.ids)),
        objective_key(truth, p.scenario, positions_of(truth, highs.ids)),
    )


@pytest.mark.skipif(len(BACKENDS) < 2, reason="needs both CBC and HiGHS")
@given(p=planted_scenarios(min_cases=4, max_cases=25, perturb=True))
def test_cbc_and_highs_agree_on_scenarios_that_may_be_infeasible(p: Planted) -> None:
    """On scenarios nudged off a planted selection (feasible or not), CBC and HiGHS give the
    same status, and the same objective when there is a selection.
    """
    cbc = select(p.gen.pool, p.scenario, solver="cbc")
    highs = select(p.gen.pool, p.scenario, solver="highs")
    assert cbc.status is highs.status, (explain(cbc), explain(highs))
    assert cbc.status in (Status.OPTIMAL, Status.INFEASIBLE), explain(cbc)
    if cbc.status is Status.OPTIMAL:
        truth = p.gen.truth
        assert violations(truth, p.scenario, cbc.ids) == []
        assert violations(truth, p.scenario, highs.ids) == []
        assert same_key(
            objective_key(truth, p.scenario, positions_of(truth, cbc.ids)),
            objective_key(truth, p.scenario, positions_of(truth, highs.ids)),
        )


@given(data=st.data(), p=planted_scenarios(perturb=True))
def test_audit_agrees_with_the_independent_checker(data: st.DataObject, p: Planted) -> None:
    """For any selection (the planted one, or a random one of the right size or not), the
    library's audit passes exactly when the independent checker finds no violation.
    """
    truth = p.gen.truth
    if data.draw(st.booleans()):
        chosen = list(p.planted)
    else:
        size = data.draw(st.sampled_from((p.scenario.size, None)))
        chosen = data.draw(selections(p.gen, size))
    ids = [truth.cases[i].id for i in chosen]
    found = violations(truth, p.scenario, ids)
    result = audit(p.gen.pool, p.scenario, ids)
    failed = [c.sentence() for c in result.checks if not c.satisfied]
    assert result.ok is (found == []), (found, failed)


@given(p=planted_scenarios(perturb=True))
def test_scenario_toml_round_trip(p: Planted) -> None:
    """A generated scenario written as TOML reads back as an equal scenario."""
    from selectie.scenario import scenario_from_dict

    assert scenario_from_dict(tomllib.loads(p.scenario.to_toml())) == p.scenario


@given(gen=generated_pools(), delimiter=st.sampled_from((",", ";", "\t")))
def test_pool_csv_round_trip(gen: Generated, delimiter: str) -> None:
    """A generated pool (values written loosely) written as CSV reads back as an equal pool."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pool.csv"
        gen.pool.to_csv(path, delimiter=delimiter)
        again = load_pool(path, gen.codebook)
    assert again == gen.pool


@given(p=planted_scenarios(), solver=st.sampled_from(BACKENDS))
def test_same_input_twice_gives_the_same_selection(p: Planted, solver: str) -> None:
    """Selecting twice, from a pool and scenario rebuilt from scratch, gives the same ids."""
    first = select(p.gen.pool, p.scenario, solver=solver)
    pool = Pool.from_records(p.gen.records, codebook_from_dict(p.gen.codebook_data))
    scenario = Scenario.model_validate(p.scenario.model_dump())
    again = select(pool, scenario, solver=solver)
    assert first.status is again.status is Status.OPTIMAL
    assert first.ids == again.ids


@given(
    p=planted_scenarios(min_cases=3, max_cases=9, perturb=True), solver=st.sampled_from(BACKENDS)
)
def test_small_scenarios_agree_with_brute_force(p: Planted, solver: str) -> None:
    """On pools small enough to try every selection, the engine is infeasible exactly when no
    selection is valid, and otherwise reaches the best objective there is.
    """
    best = brute_force(p.gen.truth, p.scenario)
    sel = select(p.gen.pool, p.scenario, solver=solver)
    if best is None:
        assert sel.status is Status.INFEASIBLE, explain(sel)
        assert sel.ids == ()
    else:
        assert sel.status is Status.OPTIMAL, explain(sel)
        truth = p.gen.truth
        assert violations(truth, p.scenario, sel.ids) == []
        assert same_key(objective_key(truth, p.scenario, positions_of(truth, sel.ids)), best.key)


# --------------------------------------------------------------------------------------------
# Infeasible by construction
# --------------------------------------------------------------------------------------------


@given(case=infeasible_scenarios(), solver=st.sampled_from(BACKENDS))
def test_infeasible_by_construction_is_reported_with_its_reason(
    case: Infeasible, solver: str
) -> None:
    """A scenario that cannot be met gets status infeasible, no selection, and the reason a
    quick check can tell.
    """
    sel = select(case.gen.pool, case.scenario, solver=solver)
    assert sel.status is Status.INFEASIBLE, explain(sel)
    assert sel.ids == ()
    assert sel.message, explain(sel)
    assert case.reason in sel.reasons, explain(sel)


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@given(data=st.data(), gen=generated_pools())
def test_table_counts_equal_the_truth(data: st.DataObject, gen: Generated) -> None:
    """Each table counts, per value, the selected cases holding it, and the unknown ones."""
    chosen = data.draw(selections(gen))
    ts = tables(gen.pool, chosen)
    truth = gen.truth
    for attr in truth.attributes:
        df = ts[attr]
        for code in truth.codes(attr):
            assert int(df.loc[code, "selected"]) == truth.count(chosen, attr, code)
        unknown = sum(1 for i in chosen if truth.cases[i].values[attr] is None)
        if any(c.values[attr] is None for c in truth.cases):
            assert int(df.loc["onbekend", "selected"]) == unknown
        else:
            assert "onbekend" not in df.index


@given(data=st.data(), gen=generated_pools())
def test_single_valued_tables_sum_to_the_size(data: st.DataObject, gen: Generated) -> None:
    """For a single-valued attribute, values plus unknown add up to the selection's size,
    which the total row shows.
    """
    chosen = data.draw(selections(gen))
    ts = tables(gen.pool, chosen)
    for attr in gen.single():
        df = ts[attr]
        body = [v for v in df.index if v != TOTAL]
        assert int(df.loc[body, "selected"].sum()) == len(chosen)
        assert int(df.loc[TOTAL, "selected"]) == len(chosen)
        assert int(df.loc[TOTAL, "pool"]) == gen.n


@given(data=st.data(), gen=generated_pools())
def test_multi_valued_tables_count_each_case_once_per_value(
    data: st.DataObject, gen: Generated
) -> None:
    """For a multi-valued attribute, the counts add up to the number of (case, value) pairs
    among the selected cases, and there is no total row.
    """
    chosen = data.draw(selections(gen))
    ts = tables(gen.pool, chosen)
    for attr in gen.multi():
        df = ts[attr]
        pairs = sum(len(gen.truth.cases[i].values[attr] or ()) for i in chosen)
        codes = list(gen.truth.codes(attr))
        assert int(df.loc[codes, "selected"].sum()) == pairs
        assert TOTAL not in df.index


@given(gen=generated_pools())
def test_full_pool_tables_equal_pandas_value_counts(gen: Generated) -> None:
    """Tables of the whole pool equal plain pandas value counts of the pool's DataFrame
    (multi-valued lists exploded; unknown counted from missing cells).
    """
    frame = gen.pool.to_dataframe()
    ts = tables(gen.pool, range(gen.n))
    for attr in gen.truth.attributes:
        col = frame[attr]
        counts = col.dropna().explode().dropna().value_counts()
        unknown = int(col.isna().sum())
        df = ts[attr]
        for code in gen.truth.codes(attr):
            expected = int(counts.get(code, 0))
            assert int(df.loc[code, "pool"]) == expected
            assert int(df.loc[code, "selected"]) == expected
        if unknown:
            assert int(df.loc["onbekend", "pool"]) == unknown
        else:
            assert "onbekend" not in df.index
