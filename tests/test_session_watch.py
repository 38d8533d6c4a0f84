"""Solver sessions that stop early (``StopRule``) and report the solutions met on the way.

The program of most tests is a knapsack whose answer is worked out by hand: 25 items of
weight and value 2, 4, ..., 50, capacity 101. Every weight is even, so no selection reaches
101, and 100 = 50 + 48 + 2 is reached: the optimum is 100, while the LP relaxation gives 101
(so HiGHS, with presolve off, has to search and meets its limit checks on the way).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise

import pytest

from selectie.solve.backend import get_backend
from selectie.solve.milp import Milp
from selectie.solve.outcome import RawSolution, Status
from selectie.solve.session import MirrorSession, ResolveSession, StopRule
from tests.conftest import installed_backends

BACKENDS = installed_backends()
needs_highs = pytest.mark.skipif("highs" not in BACKENDS, reason="highspy is not installed")
#: HiGHS's presolve finds the parity argument at once (the row becomes <= 100); off, it searches.
SEARCH = {"presolve": "off"}


def knapsack() -> Milp:
    """The even knapsack of the module docstring (maximise the weight taken)."""
    m = Milp()
    weights = [2.0 * (i + 1) for i in range(25)]
    for i in range(25):
        m.add_var(f"x{i}", 0, 1)
    m.add_row("capacity", list(enumerate(weights)), None, 101.0)
    return m.with_objective(list(enumerate(weights)), "max")


def weight(values: Sequence[float]) -> float:
    """The weight taken by a solution of :func:`knapsack`."""
    return sum(2.0 * (i + 1) * round(v) for i, v in enumerate(values))


def test_the_rule_by_hand() -> None:
    """Target 10, share 0.5, bound 16: 12 covers 2 of 6 (no), 13 covers 3 of 6 (yes); a
    minimisation mirrors it (target 10, bound 4: 7 covers 3 of 6, 8 only 2); reaching the
    target exactly never beats it, and share 1 asks for the bound itself.
    """
    rule = StopRule(10.0, share=0.5)
    assert not rule.met("max", 12.0, 16.0)
    assert rule.met("max", 13.0, 16.0)
    assert rule.met("min", 7.0, 4.0)
    assert not rule.met("min", 8.0, 4.0)
    assert not StopRule(10.0).met("max", 10.0, 20.0)
    assert StopRule(10.0).met("max", 10.5, 20.0)
    assert not StopRule(0.0, share=1.0).met("max", 99.0, 100.0)
    assert StopRule(0.0, share=1.0).met("max", 100.0, 100.0)


@pytest.mark.parametrize("solver", BACKENDS)
def test_without_a_rule_the_optimum_is_proved(solver: str) -> None:
    """The optimum is 100 (module docstring), proved: OPTIMAL, not early."""
    options = SEARCH if solver == "highs" else None
    with get_backend(solver).open(knapsack(), options=options) as s:
        raw = s.solve()
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(100.0)
    assert weight(raw.values or []) == 100.0
    assert raw.early is False


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_target_that_cannot_be_beaten_runs_to_the_optimum(solver: str) -> None:
    """No selection beats 100, so a rule with target 100 is never met: the solve runs to the
    proved optimum 100 on every backend.
    """
    options = SEARCH if solver == "highs" else None
    with get_backend(solver).open(knapsack(), options=options) as s:
        raw = s.solve(stop=StopRule(100.0))
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(100.0)
    assert raw.early is False


@cache
def two_knapsacks() -> tuple[Milp, float]:
    """A knapsack with two capacity rows over 14 items, and its optimum found by trying all
    2**14 selections (independently of any solver). Sessions copy the program, so one copy
    serves every test.
    """
    n = 14
    w1 = [10 + (7 * i * i + 3 * i) % 40 for i in range(n)]
    w2 = [10 + (5 * i * i + 11 * i + 4) % 40 for i in range(n)]
    v = [10 + (3 * i * i + 13 * i + 7) % 40 for i in range(n)]
    cap1, cap2 = sum(w1) // 2, sum(w2) // 2
    m = Milp()
    for i in range(n):
        m.add_var(f"x{i}", 0, 1)
    m.add_row("a", [(i, float(w1[i])) for i in range(n)], None, float(cap1))
    m.add_row("b", [(i, float(w2[i])) for i in range(n)], None, float(cap2))
    best = 0
    for mask in range(1 << n):
        taken = [i for i in range(n) if mask >> i & 1]
        if sum(w1[i] for i in taken) <= cap1 and sum(w2[i] for i in taken) <= cap2:
            best = max(best, sum(v[i] for i in taken))
    return m.with_objective([(i, float(v[i])) for i in range(n)], "max"), float(best)


@needs_highs
def test_highs_stops_at_the_first_solution_that_beats_the_target() -> None:
    """With target 0 and share 0, HiGHS stops at its first selection of positive value,
    before its bound has come down to it: FEASIBLE and early, a value at most the optimum
    (found by trying every selection) under a bound at least the optimum, meeting the rule.
    The next solve without a rule proves the optimum.
    """
    milp, optimum = two_knapsacks()
    rule = StopRule(0.0)
    with get_backend("highs").open(milp) as s:
        raw = s.solve(stop=rule)
        assert raw.status is Status.FEASIBLE
        assert raw.early is True
        assert raw.objective is not None
        assert raw.bound is not None
        assert 0.0 < raw.objective <= optimum <= raw.bound
        assert raw.bound > raw.objective + 1.0  # stopped before the proof
        assert rule.met("max", raw.objective, raw.bound)
        again = s.solve()  # the rule holds for one solve only
    assert again.status is Status.OPTIMAL
    assert again.objective == pytest.approx(optimum)
    assert again.early is False


@pytest.mark.parametrize("solver", BACKENDS)
def test_the_optimum_cannot_beat_itself(solver: str) -> None:
    """A rule whose target is the optimum is never met: the solve proves the optimum."""
    milp, optimum = two_knapsacks()
    with get_backend(solver).open(milp) as s:
        raw = s.solve(stop=StopRule(optimum))
    assert raw.status is Status.OPTIMAL
    assert raw.objective == pytest.approx(optimum)
    assert raw.early is False


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_rule_with_share_one_returns_the_optimum(solver: str) -> None:
    """Share 1 is met only when the best selection reaches the bound, so the answer is the
    optimum 100 (HiGHS may stop at the very check that proves it; CBC ignores the rule).
    """
    options = SEARCH if solver == "highs" else None
    with get_backend(solver).open(knapsack(), options=options) as s:
        raw = s.solve(stop=StopRule(0.0, share=1.0))
    assert raw.status.has_selection
    assert raw.objective == pytest.approx(100.0)


@needs_highs
def test_highs_reports_each_improving_solution_best_last() -> None:
    """HiGHS's improving solutions are valid selections (even weights within 101) of
    strictly growing weight, each reported with its weight, and the last is the answer 100.
    """
    seen: list[tuple[list[float], float]] = []
    with get_backend("highs").open(knapsack(), options=SEARCH) as s:
        raw = s.solve(on_solution=lambda values, objective: seen.append((values, objective)))
    assert raw.status is Status.OPTIMAL
    assert seen
    weights = [weight(v) for v, _ in seen]
    assert all(w <= 101 and w % 2 == 0 for w in weights)
    assert weights == [pytest.approx(o) for _, o in seen]
    assert all(a < b for a, b in pairwise(weights))
    assert seen[-1][0] == pytest.approx(raw.values)
    assert weights[-1] == 100.0


def test_cbc_reports_its_answer_only() -> None:
    """CBC has no callbacks: ``on_solution`` is called once, with the answer (weight 100)."""
    seen: list[float] = []
    with get_backend("cbc").open(knapsack()) as s:
        raw = s.solve(on_solution=lambda values, objective: seen.append(objective))
    assert raw.status is Status.OPTIMAL
    assert seen == [pytest.approx(100.0)]


def test_no_answer_means_no_report() -> None:
    """An infeasible program (x >= 2 with x in 0..1) reports no solution at all."""
    m = Milp()
    m.add_var("x", 0, 1)
    m.add_row("too much", [(0, 1.0)], 2.0, None)
    seen: list[float] = []
    with get_backend("cbc").open(m.with_objective([(0, 1.0)], "max")) as s:
        raw = s.solve(on_solution=lambda values, objective: seen.append(objective))
    assert raw.status is Status.INFEASIBLE
    assert seen == []


def test_a_one_shot_backend_ignores_the_rule() -> None:
    """A session over a one-shot solve cannot stop early: it returns the solver's answer as it
    is (OPTIMAL, not early) and reports it as the one solution met.
    """

    def one_shot(milp: Milp, **_: object) -> RawSolution:
        return RawSolution(Status.OPTIMAL, [1.0], 1.0, 1.0, 0.0)

    m = Milp()
    m.add_var("x", 0, 1)
    seen: list[list[float]] = []
    with ResolveSession(m.with_objective([(0, 1.0)], "max"), one_shot) as s:
        raw = s.solve(stop=StopRule(0.0), on_solution=lambda values, _: seen.append(values))
    assert (raw.status, raw.early) == (Status.OPTIMAL, False)
    assert seen == [[1.0]]


def test_improving_solutions_that_fail_the_recheck_are_left_out() -> None:
    """A backend that reports x = 2 for x in 0..1 on the way has that solution dropped; its
    valid solutions (0, then the answer 1) are reported in order.
    """

    class Watching(MirrorSession):
        def _solve(self, time_limit: float | None, start: Sequence[float] | None) -> RawSolution:
            return RawSolution(Status.OPTIMAL, [1.0], 1.0, 1.0, 0.0)

        def _solve_watched(
            self,
            time_limit: float | None,
            start: Sequence[float] | None,
            stop: StopRule | None,
            found: list[tuple[list[float], float]] | None,
        ) -> RawSolution:
            assert found is not None
            found += [([0.0], 0.0), ([2.0], 2.0), ([1.0], 1.0)]
            return self._solve(time_limit, start)

    m = Milp()
    m.add_var("x", 0, 1)
    seen: list[float] = []
    with Watching(m.with_objective([(0, 1.0)], "max")) as s:
        s.solve(on_solution=lambda values, objective: seen.append(objective))
    assert seen == [0.0, 1.0]
