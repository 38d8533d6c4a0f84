"""Solver sessions: a program opened once, changed, and solved again, on every backend.

The expected answers are worked out by hand in each test's docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

from selectie.solve.backend import get_backend
from selectie.solve.milp import Milp
from selectie.solve.outcome import RawSolution, Status
from selectie.solve.session import MirrorSession, ResolveSession, Session, open_session
from tests.conftest import installed_backends

BACKENDS = installed_backends()


def two_vars(integer: bool = True) -> Milp:
    """Variables x, y in 0..2 and no rows."""
    m = Milp()
    m.add_var("x", 0, 2, integer)
    m.add_var("y", 0, 2, integer)
    return m


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_session_is_a_session(solver: str) -> None:
    """Both backends' sessions follow the protocol."""
    with get_backend(solver).open(two_vars()) as s:
        assert isinstance(s, Session)
        assert (s.num_vars, s.num_rows) == (2, 0)


@pytest.mark.parametrize("solver", BACKENDS)
def test_objective_cut_and_bounds_change_the_answer(solver: str) -> None:
    """max x+y over 0..2 is 4; with the cut x+y <= 3 it is 3; with x fixed at 0 it is 2;
    minimising x-y with y <= 1 gives x=0, y=1 (-1).
    """
    with get_backend(solver).open(two_vars()) as s:
        s.set_objective([(0, 1.0), (1, 1.0)], "max")
        first = s.solve()
        assert first.status is Status.OPTIMAL
        assert first.objective == pytest.approx(4.0)
        k = s.add_row([(0, 1.0), (1, 1.0)], None, 3.0, "cut")
        assert k == 0
        assert s.solve().objective == pytest.approx(3.0)
        s.set_var_bounds(0, 0.0, 0.0)
        raw = s.solve()
        assert raw.objective == pytest.approx(2.0)
        assert raw.values == pytest.approx([0.0, 2.0])
        s.set_var_bounds(0, 0.0, 2.0)
        s.set_row_bounds(k, None, 1.0)
        s.set_objective([(0, 1.0), (1, -1.0)], "min")
        raw = s.solve()
        assert raw.values == pytest.approx([0.0, 1.0])
        assert raw.objective == pytest.approx(-1.0)
        assert isinstance(s, MirrorSession)
        assert s.calls == 4


@pytest.mark.parametrize("solver", BACKENDS)
def test_the_opened_program_is_not_changed(solver: str) -> None:
    """Changes go to the session's copy only."""
    m = two_vars()
    with get_backend(solver).open(m) as s:
        s.add_row([(0, 1.0)], None, 1.0)
        s.set_var_bounds(1, 0.0, 1.0)
        s.add_column(0.0, 1.0)
        assert s.program.num_vars == 3
    assert (m.num_vars, len(m.rows), m.ub) == (2, 0, [2, 2])


@pytest.mark.parametrize("solver", BACKENDS)
def test_coefficients_and_integrality(solver: str) -> None:
    """max x+y over 0..2 with 2x + y <= 3: whole numbers give 2 (x=0, y=2 or x=1, y=1); made
    continuous, y=2 and x=0.5 give 2.5. Changing the coefficient of x to 1 makes the row
    x + y <= 3, so 3.
    """
    m = two_vars().with_objective([(0, 1.0), (1, 1.0)], "max")
    with get_backend(solver).open(m) as s:
        s.add_row([(0, 2.0), (1, 1.0)], None, 3.0)
        assert s.solve().objective == pytest.approx(2.0)
        s.set_integer([0, 1], False)
        lp = s.solve()
        assert lp.objective == pytest.approx(2.5)
        assert lp.values == pytest.approx([0.5, 2.0])
        s.set_integer([0, 1], True)
        s.set_coefficient(0, 0, 1.0)
        assert s.solve().objective == pytest.approx(3.0)


@pytest.mark.parametrize("solver", BACKENDS)
@pytest.mark.parametrize("sense", ["min", "max"])
def test_lp_row_duals(solver: str, sense: str) -> None:
    """min x + 2y with x + y >= 1 and x <= 0.3 (continuous): x=0.3, y=0.7, value 1.7. The
    duals solve c = A'y on the basic x, y: y0 + y1 = 1, y0 = 2, so (2, -1) (lower row
    positive, upper row negative). Maximising -x - 2y gives the same point, value -1.7, and
    the duals change sign: (-2, 1).
    """
    sign = 1.0 if sense == "min" else -1.0
    m = two_vars(integer=False)
    m.add_row("at least one", [(0, 1.0), (1, 1.0)], 1.0, None)
    m.add_row("x small", [(0, 1.0)], None, 0.3)
    m = m.with_objective([(0, sign), (1, 2.0 * sign)], "min" if sense == "min" else "max")
    with get_backend(solver).open(m) as s:
        raw = s.solve()
        assert raw.status is Status.OPTIMAL
        assert raw.values == pytest.approx([0.3, 0.7])
        assert raw.objective == pytest.approx(1.7 * sign)
        assert raw.duals == pytest.approx([2.0 * sign, -1.0 * sign])


@pytest.mark.parametrize("solver", BACKENDS)
def test_add_column_enters_existing_rows(solver: str) -> None:
    """Column generation: min x + 2y + 0.5z with x + y + z >= 1 and x <= 0.3, where z is
    added after the first solve with coefficient 1 in the first row: z = 1 alone is cheapest
    (0.5), and the first row's dual becomes 0.5 (z basic: 0.5 - y0 = 0).
    """
    m = two_vars(integer=False)
    m.add_row("cover", [(0, 1.0), (1, 1.0)], 1.0, None)
    m.add_row("x small", [(0, 1.0)], None, 0.3)
    m = m.with_objective([(0, 1.0), (1, 2.0)], "min")
    with get_backend(solver).open(m) as s:
        assert s.solve().objective == pytest.approx(1.7)
        z = s.add_column(0.0, None, cost=0.5, rows=[(0, 1.0)])
        assert z == 2
        raw = s.solve()
        assert raw.values == pytest.approx([0.0, 0.0, 1.0])
        assert raw.objective == pytest.approx(0.5)
        assert raw.duals is not None
        assert raw.duals[0] == pytest.approx(0.5)
        assert raw.duals[1] == pytest.approx(0.0)


@pytest.mark.parametrize("solver", BACKENDS)
def test_infeasible_is_proved_and_mip_has_no_duals(solver: str) -> None:
    """x + y >= 5 over 0..2 cannot be met; a MIP answer carries no duals."""
    with get_backend(solver).open(two_vars().with_objective([(0, 1.0)], "max")) as s:
        ok = s.solve()
        assert ok.status is Status.OPTIMAL
        assert ok.duals is None
        s.add_row([(0, 1.0), (1, 1.0)], 5.0, None)
        raw = s.solve()
        assert raw.status is Status.INFEASIBLE
        assert raw.values is None


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_start_is_accepted(solver: str) -> None:
    """A known solution offered as a start changes nothing in the answer: max x+y is 4."""
    with get_backend(solver).open(two_vars().with_objective([(0, 1.0), (1, 1.0)], "max")) as s:
        raw = s.solve(start=[1.0, 1.0])
        assert raw.objective == pytest.approx(4.0)


def test_a_closed_session_refuses_to_solve() -> None:
    """Solving after close is a programming error, said plainly."""
    s = get_backend("cbc").open(two_vars())
    s.close()
    s.close()
    with pytest.raises(RuntimeError, match=r"^the solver session is closed$"):
        s.solve()


def test_bad_indices_are_refused() -> None:
    """A change naming a variable or row that does not exist raises IndexError."""
    with get_backend("cbc").open(two_vars()) as s:
        with pytest.raises(IndexError, match=r"^no variable 2 \(the program has 2\)$"):
            s.add_row([(2, 1.0)], None, 1.0)
        with pytest.raises(IndexError, match=r"^no row 0 \(the program has 0\)$"):
            s.set_row_bounds(0, None, 1.0)


def test_a_wrong_answer_fails_the_recheck() -> None:
    """A solver that says OPTIMAL with values outside the program's rows gives ERROR."""

    def liar(milp: Milp, **_: Any) -> RawSolution:
        return RawSolution(Status.OPTIMAL, [2.0, 2.0], 4.0, 4.0, 0.0)

    m = two_vars()
    m.add_row("sum", [(0, 1.0), (1, 1.0)], None, 3.0)
    with ResolveSession(m, liar) as s:
        raw = s.solve()
    assert raw.status is Status.ERROR
    assert raw.values is None
    assert raw.message == (
        "the solver (solver) returned a selection that fails the re-check (the solution "
        "violates a bound or a row of the program); it is not shown"
    )


def test_a_fractional_integer_fails_the_recheck() -> None:
    """An integer variable at 0.5 is not an integer solution."""

    def liar(milp: Milp, **_: Any) -> RawSolution:
        return RawSolution(Status.OPTIMAL, [0.5, 1.0], 1.5, 1.5, 0.0)

    with ResolveSession(two_vars(), liar) as s:
        raw = s.solve()
    assert raw.status is Status.ERROR
    assert "(an integer variable has a fractional value)" in raw.message


def test_open_session_falls_back_to_one_shot_solves() -> None:
    """A backend without ``open`` gets a ResolveSession over its ``solve``."""
    calls: list[int] = []

    class OneShot:
        def solve(self, milp: Milp, **_: Any) -> RawSolution:
            calls.append(len(milp.rows))
            return RawSolution(Status.OPTIMAL, [0.0, 0.0], 0.0, 0.0, 0.0)

    with open_session(OneShot(), two_vars()) as s:
        assert isinstance(s, ResolveSession)
        s.solve()
        s.add_row([(0, 1.0)], None, 1.0)
        s.solve()
    assert calls == [0, 1]


@pytest.mark.skipif("highs" not in BACKENDS, reason="highspy is not installed")
def test_highs_status_table_names_real_statuses() -> None:
    """Every name in HiGHS's table is a HiGHS model status; limits map to None, and
    "optimal" and "infeasible" are the only proofs.
    """
    import highspy

    from selectie.solve.highs import STATUS

    assert set(STATUS) <= set(highspy.HighsModelStatus.__members__)
    assert {k for k, v in STATUS.items() if v is not None} == {
        "kOptimal",
        "kInfeasible",
        "kUnboundedOrInfeasible",
    }
    assert STATUS["kTimeLimit"] is None
