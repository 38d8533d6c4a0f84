"""The sweep helper: one row per (size, overlap) variant, any executor, checked answers.

The tiny pool (tiny codebook: colour required, size, tags multi-valued):

    c1 red   small    a|b
    c2 red   large    b
    c3 green small    c
    c4 green large    a|c
    c5 blue  small    (no tags)
    c6 blue  unknown  a|b|c

Tag a is held by c1, c4, c6; b by c1, c2, c6; c by c3, c4, c6: three each, so overlap 4 is
infeasible at any size, and overlap k needs at least k cases (each case holds a value once).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pandas as pd
import pytest

from selectie import Pool, Scenario, ScenarioError, SolverError, audit
from selectie import engine as engine_module
from selectie.scenario import Coverage, Quota
from selectie.sweep import sweep
from tests.handmade import ROWS

TAGS = Scenario(size=3, coverage=[Coverage(attributes=["tags"], overlap=1)])


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


class Immediate:
    """The smallest executor: runs each call at once and hands back a finished future."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        self.calls += 1
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


class Reversed:
    """An executor whose futures finish in the reverse order of submission."""

    def __init__(self) -> None:
        self.pending: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = []
        self.finished: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        future: Future[Any] = Future()
        self.pending.append((future, fn, args))
        outer = self

        class Handle:
            def result(self) -> Any:
                while outer.pending:
                    f, g, a = outer.pending.pop()
                    outer.finished.append(len(outer.pending))
                    f.set_result(g(*a))
                return future.result()

        return Handle()


def test_one_row_per_variant_sorted(pool: Pool) -> None:
    """Sizes and overlaps given unsorted and repeated give one row per pair, sorted."""
    frame = sweep(pool, TAGS, sizes=[4, 2, 4], overlaps=[2, 1], executor=Immediate())
    assert list(zip(frame["size"], frame["overlap"], strict=True)) == [
        (2, 1),
        (2, 2),
        (4, 1),
        (4, 2),
    ]


def test_status_per_variant(pool: Pool) -> None:
    """Overlap k is feasible from k cases on and overlap 4 never (each tag has 3 holders)."""
    frame = sweep(pool, TAGS, sizes=[1, 2, 3, 6], overlaps=[1, 2, 3, 4], executor=Immediate())
    got = {
        (s, k): st
        for s, k, st in zip(frame["size"], frame["overlap"], frame["status"], strict=True)
    }
    # Size 2, overlap 2: both cases must hold a, b and c, and only c6 does. Size 3, overlap 3:
    # every holder of every tag is needed, c1 c2 c3 c4 c6, five cases.
    expected = {
        (1, 1): "optimal",
        (1, 2): "infeasible",
        (1, 3): "infeasible",
        (1, 4): "infeasible",
        (2, 1): "optimal",
        (2, 2): "infeasible",
        (2, 3): "infeasible",
        (2, 4): "infeasible",
        (3, 1): "optimal",
        (3, 2): "optimal",  # c6 + c1 (a, b) + c3 (c)
        (3, 3): "infeasible",
        (3, 4): "infeasible",
        (6, 1): "optimal",
        (6, 2): "optimal",
        (6, 3): "optimal",
        (6, 4): "infeasible",
    }
    assert got == expected


def test_selections_pass_an_independent_audit(pool: Pool) -> None:
    """Every selected row passes audit() against its own variant."""
    frame = sweep(pool, TAGS, sizes=[3, 4], overlaps=[1, 2], executor=Immediate())
    for size, k, status, ids in zip(
        frame["size"], frame["overlap"], frame["status"], frame["selected"], strict=True
    ):
        assert status == "optimal"
        variant = TAGS.with_size(int(size)).with_overlap(int(k))
        assert audit(pool, variant, ids.split(", ")).ok


def test_infeasible_rows_are_empty_with_a_message(pool: Pool) -> None:
    """An infeasible variant has no objective and no ids, and says why."""
    frame = sweep(pool, TAGS, sizes=[2], overlaps=[4], executor=Immediate())
    row = frame.iloc[0]
    assert row["status"] == "infeasible"
    assert pd.isna(row["objective"]) and row["selected"] == ""
    assert row["message"].startswith("no selection satisfies every constraint")


def test_columns_and_objective_parts(pool: Pool) -> None:
    """max_overlap adds its parts as columns; whole numbers stay integers."""
    scenario = TAGS.with_objective("max_overlap")
    frame = sweep(pool, scenario, sizes=[3], overlaps=[1], executor=Immediate())
    assert list(frame.columns) == [
        "size",
        "overlap",
        "status",
        "objective",
        "depth",
        "total",
        "selected",
        "message",
    ]
    assert str(frame["total"].dtype) == "Int64"


def test_timings_only_on_request(pool: Pool) -> None:
    """timings=True adds a seconds column; without it the frame has none."""
    plain = sweep(pool, TAGS, sizes=[3], overlaps=[1], executor=Immediate())
    timed = sweep(pool, TAGS, sizes=[3], overlaps=[1], executor=Immediate(), timings=True)
    assert "seconds" not in plain.columns
    assert timed["seconds"].iloc[0] >= 0


def test_order_does_not_depend_on_completion(pool: Pool) -> None:
    """Futures finishing in reverse order give the same frame as an immediate executor."""
    backwards = Reversed()
    a = sweep(pool, TAGS, sizes=[2, 3, 4], overlaps=[1, 2], executor=backwards)
    b = sweep(pool, TAGS, sizes=[2, 3, 4], overlaps=[1, 2], executor=Immediate())
    assert backwards.finished[0] == 5  # the last submitted variant was solved first
    pd.testing.assert_frame_equal(a, b)


def test_thread_pool_executor(pool: Pool) -> None:
    """A ThreadPoolExecutor gives the same frame as running the variants one by one."""
    with ThreadPoolExecutor(2) as ex:
        a = sweep(pool, TAGS, sizes=[3, 4, 5], overlaps=[1, 2, 3], executor=ex)
    b = sweep(pool, TAGS, sizes=[3, 4, 5], overlaps=[1, 2, 3], executor=Immediate())
    pd.testing.assert_frame_equal(a, b)


def test_default_process_pool(pool: Pool) -> None:
    """The default executor (spawned worker processes) gives the same frame."""
    a = sweep(pool, TAGS, sizes=[3, 4], overlaps=[1, 2])
    b = sweep(pool, TAGS, sizes=[3, 4], overlaps=[1, 2], executor=Immediate())
    pd.testing.assert_frame_equal(a, b)


def test_attributes_add_coverage(pool: Pool) -> None:
    """With attributes, overlap k requires k cases of every value of those attributes."""
    scenario = Scenario(size=4)
    frame = sweep(
        pool, scenario, sizes=[4], overlaps=[2], attributes=["colour"], executor=Immediate()
    )
    # 3 colours twice each need 6 cases: size 4 cannot, size 6 can (the whole pool)
    assert frame["status"].iloc[0] == "infeasible"
    six = sweep(
        pool, scenario, sizes=[6], overlaps=[2], attributes=["colour"], executor=Immediate()
    )
    assert six["status"].iloc[0] == "optimal"


def test_overlap_applies_to_every_coverage(pool: Pool) -> None:
    """Without attributes, every coverage takes the overlap and keeps its own values: red twice
    takes c1 and c2, and c twice then needs two of c3, c4, c6 (c3 and c4 come first).
    """
    scenario = Scenario(
        size=4,
        coverage=[
            Coverage(attributes=["tags"], overlap=1),
            Coverage(attributes=["colour"], values={"colour": ["red"]}, overlap=1),
        ],
    )
    frame = sweep(pool, scenario, sizes=[4], overlaps=[2], executor=Immediate())
    assert frame["selected"].tolist() == ["c1, c2, c3, c4"]


def test_no_coverage_needs_attributes(pool: Pool) -> None:
    """A scenario without coverage and no attributes is refused with a hint."""
    with pytest.raises(ScenarioError) as info:
        sweep(pool, Scenario(size=2), executor=Immediate())
    assert str(info.value) == (
        "the scenario has no coverage, so there is no overlap to vary\n"
        "Pass attributes=[...] to add coverage of those attributes at each overlap."
    )


def test_bad_sizes_are_refused(pool: Pool) -> None:
    """Sizes must be positive whole numbers; every bad one is named."""
    with pytest.raises(ScenarioError) as info:
        sweep(pool, TAGS, sizes=[0, 3, 2.5], executor=Immediate())  # type: ignore[list-item]
    assert str(info.value) == "sizes must be positive whole numbers; found 0, 2.5"


def test_bad_names_fail_before_any_solve(pool: Pool) -> None:
    """An unknown attribute raises ScenarioError before anything is submitted."""
    ex = Immediate()
    with pytest.raises(ScenarioError) as info:
        sweep(pool, TAGS, sizes=[3], overlaps=[1], attributes=["colur"], executor=ex)
    assert "'colur'" in str(info.value)
    assert ex.calls == 0


def test_size_larger_than_pool_is_refused(pool: Pool) -> None:
    """A size beyond the pool is an input error, raised before solving."""
    with pytest.raises(ScenarioError) as info:
        sweep(pool, TAGS, sizes=[7], overlaps=[1], executor=Immediate())
    assert "size is 7 but the pool has only 6 cases" in str(info.value)


def test_solver_error_becomes_error_row(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver failure in one variant is an 'error' row with the message, not a crash."""
    real = engine_module.select

    def flaky(p: Pool, s: Scenario, **kw: Any) -> Any:
        if s.size == 4:
            raise SolverError("HiGHS crashed")
        return real(p, s, **kw)

    monkeypatch.setattr(engine_module, "select", flaky)
    frame = sweep(pool, TAGS, sizes=[3, 4], overlaps=[1], executor=Immediate())
    assert frame["status"].tolist() == ["optimal", "error"]
    assert frame["message"].tolist()[1] == "HiGHS crashed"


def test_quota_scenarios_sweep_too(pool: Pool) -> None:
    """Quotas stay in force in every variant: at least one blue at every size."""
    scenario = TAGS.with_quota(Quota(attribute="colour", values=["blue"], min=1))
    frame = sweep(pool, scenario, sizes=[3, 4], overlaps=[1], executor=Immediate())
    for ids in frame["selected"]:
        assert {"c5", "c6"} & set(ids.split(", "))
