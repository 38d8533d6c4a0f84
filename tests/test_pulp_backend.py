"""The ``pulp:`` backend: the reference problems through every solver PuLP finds installed,
and the status rules that keep PuLP's "Optimal" from being taken at its word.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pulp
import pytest

from selectie.engine import select
from selectie.errors import InputError
from selectie.pool import Pool
from selectie.solve.backend import Status, get_backend
from selectie.solve.pulp_backend import available_solvers, read_status
from tests.test_reference_problems import REFERENCES, ROWS, Reference

#: CI installs GLPK (Debian's glpk-utils); PuLP bundles CBC; highspy gives PuLP's HiGHS.
PULP_SOLVERS = available_solvers()


@pytest.fixture
def six(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def test_ci_solvers_are_installed() -> None:
    """CBC and GLPK are both available to PuLP, so neither test below is skipped silently."""
    assert {"PULP_CBC_CMD", "GLPK_CMD"} <= set(PULP_SOLVERS)


@pytest.mark.parametrize("name", PULP_SOLVERS)
@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_reference_problem_through_pulp(ref: Reference, six: Pool, name: str) -> None:
    """Each PuLP solver finds the hand-derived selection and objective of every problem."""
    sel = select(six, ref.scenario, solver=f"pulp:{name}")
    assert sel.status is ref.status, sel.message
    assert sel.ids == ref.ids
    assert sel.solver is not None
    assert sel.solver.name == f"pulp:{name}"
    if ref.status is Status.OPTIMAL:
        assert sel.objective is not None
        for part, value in ref.parts.items():
            assert sel.objective.parts[part] == pytest.approx(value)


def test_bundled_scenario_same_through_glpk(wodc_pool: Pool) -> None:
    """GLPK through PuLP picks the same 13 cases as the CBC backend on Bijlage 4."""
    from selectie.scenario import load_scenario

    scenario = load_scenario()
    assert select(wodc_pool, scenario, solver="pulp:GLPK_CMD").ids == (
        select(wodc_pool, scenario, solver="cbc").ids
    )


def test_unknown_pulp_solver_is_bad_input() -> None:
    """A name PuLP does not know is refused with the names it does know."""
    with pytest.raises(
        InputError, match=r"PuLP knows no solver 'GLPK'; PuLP's solvers are: .*GLPK_CMD"
    ):
        get_backend("pulp:GLPK")


def _solved(status: int, sol_status: int) -> SimpleNamespace:
    return SimpleNamespace(status=status, sol_status=sol_status)


def _solver(name: str) -> SimpleNamespace:
    return SimpleNamespace(name=name)


@pytest.mark.parametrize(
    ("name", "limit", "expected"),
    [
        ("GUROBI", None, Status.OPTIMAL),  # no limit: nothing else stops a run
        ("GUROBI", 5.0, Status.FEASIBLE),  # a solver not in the table: optimum not trusted
        ("PULP_CBC_CMD", 5.0, Status.OPTIMAL),  # its interface marks stopped runs
    ],
)
def test_optimal_under_a_time_limit(name: str, limit: float | None, expected: Status) -> None:
    """PuLP's Optimal is OPTIMAL under a limit only for interfaces that mark stopped runs."""
    problem = _solved(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
    assert read_status(problem, _solver(name), time_limit=limit)[0] is expected


@pytest.mark.parametrize(
    ("name", "limit", "expected"),
    [
        ("PULP_CBC_CMD", None, Status.INFEASIBLE),
        ("PULP_CBC_CMD", 1.0, Status.NO_SOLUTION),  # issue 12: CBC's line is no proof then
        ("HiGHS", 1.0, Status.INFEASIBLE),  # HiGHS's kInfeasible is a proof
        ("CPLEX_CMD", 1.0, Status.NO_SOLUTION),
    ],
)
def test_infeasible_under_a_time_limit(name: str, limit: float | None, expected: Status) -> None:
    """PuLP's Infeasible is INFEASIBLE under a limit only where it is a proof."""
    problem = _solved(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible)
    status, message = read_status(problem, _solver(name), time_limit=limit)
    assert status is expected
    if expected is Status.NO_SOLUTION:
        assert message == (
            f"{name} reported the program infeasible under a time limit, which is no proof; "
            "run without --time-limit to settle it"
        )


def test_integer_feasible_is_feasible() -> None:
    """An incumbent PuLP marks as integer-feasible is FEASIBLE, whatever the run status says."""
    problem = _solved(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
    assert read_status(problem, _solver("HiGHS"), time_limit=1.0)[0] is Status.FEASIBLE


@pytest.mark.parametrize(
    ("line", "limit", "expected"),
    [
        ("INTEGER OPTIMAL", 1.0, Status.OPTIMAL),
        ("INTEGER NON-OPTIMAL", 1.0, Status.FEASIBLE),  # PuLP calls this Optimal
        ("INTEGER EMPTY", 1.0, Status.INFEASIBLE),
        ("INTEGER UNDEFINED", 1.0, Status.NO_SOLUTION),
        ("INTEGER UNDEFINED", None, Status.ERROR),
    ],
)
def test_glpk_status_line(line: str, limit: float | None, expected: Status) -> None:
    """GLPK's own status line decides, not PuLP's mapping of it."""
    problem = _solved(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
    solver = SimpleNamespace(name="GLPK_CMD", last_status=line)
    assert read_status(problem, solver, time_limit=limit)[0] is expected
