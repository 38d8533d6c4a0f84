"""A stop by a time limit is a limit: never "infeasible", and always said with what to do.

Issue 12, defect 1: on a 20 000-row pool, CBC with ``--time-limit 1`` wrote "Integer
infeasible" in its solution file (its preprocessing, cut short by the limit, said "Cut
generators found to be infeasible!"), and selectie printed ``infeasible``; with a 25 s limit
the same scenario is optimal. The status line of a run that reached its time limit is not a
proof. These tests imitate that CBC exactly (a CBC process that takes longer than its limit
and then writes that line), check the status table, and check on generated instances with a
real tiny limit that "infeasible" is only said of instances proved infeasible without one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selectie import Status, load_pool, load_scenario, select
from selectie.solve.cbc import at_time_limit, read_status
from tests.conftest import installed_backends
from tests.strategies import Planted, planted_scenarios

BACKENDS = installed_backends()


def lying_cbc(line: str, extra: float = 0.05) -> Callable[..., int]:
    """A stand-in for the CBC process: it runs past its ``-sec`` limit, then writes ``line``
    as the status line of its solution file (no values).
    """

    def call(args: list[str], **kwargs: object) -> int:
        limit = float(args[args.index("-sec") + 1]) if "-sec" in args else 0.0
        time.sleep(limit + extra)
        Path(args[-1]).write_text(line + "\n")
        return 0

    return call


@pytest.mark.parametrize(
    "line",
    ["Integer infeasible - objective value 0.00000000", "Infeasible - objective value 0.0"],
)
@pytest.mark.parametrize("kind", ["feasibility", "max_overlap"])
def test_cbc_saying_infeasible_after_its_time_limit_is_no_solution(
    line: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reproduction of defect 1, without the 20 000-row pool: CBC writes an infeasible
    status line after the limit stopped it. The status is no_solution, and the message says
    the limit was reached and what to do. (Old code: status infeasible.)
    """
    monkeypatch.setattr("selectie.solve.cbc.subprocess.call", lying_cbc(line))
    scenario = load_scenario().with_objective(kind)
    sel = select(load_pool(), scenario, solver="cbc", time_limit=0.05)
    assert sel.status is Status.NO_SOLUTION, (sel.status, sel.message)
    assert sel.reasons == ()
    assert "time limit (0.05 s) was reached" in sel.message
    assert "--time-limit" in sel.message and "--solver highs" in sel.message
    assert line in sel.message  # CBC's own words, so the user can see what it said


def test_cbc_saying_infeasible_well_within_its_time_limit_is_believed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CBC run that ended before its limit proved what it says."""
    monkeypatch.setattr(
        "selectie.solve.cbc.subprocess.call",
        lambda args, **kw: (
            Path(args[-1]).write_text("Integer infeasible - objective value 0\n") and 0
        ),
    )
    sel = select(load_pool(), load_scenario(), solver="cbc", time_limit=600)
    assert sel.status is Status.INFEASIBLE


@pytest.mark.parametrize(
    ("line", "within", "expected"),
    [
        ("Optimal - objective value 3", True, Status.OPTIMAL),
        ("Optimal - objective value 3", False, Status.FEASIBLE),
        ("Integer infeasible - objective value 0", True, Status.INFEASIBLE),
        ("Integer infeasible - objective value 0", False, Status.NO_SOLUTION),
        ("Infeasible - objective value 0", False, Status.NO_SOLUTION),
        ("Stopped on time - objective value 12", False, Status.FEASIBLE),
        ("Stopped on time (no integer solution - continuous used) - objective value 1", False,
         Status.NO_SOLUTION),
        ("Stopped on iterations - objective value 4", True, Status.FEASIBLE),
        ("Stopped on difficulties", True, Status.ERROR),
        ("Unbounded", True, Status.ERROR),
        ("", True, Status.ERROR),
    ],
)  # fmt: skip
def test_cbc_status_table(line: str, within: bool, expected: Status) -> None:
    """Each CBC status line, within its time limit and at it (read_status, then the rule
    that a run at its limit proves nothing).
    """
    seconds = 0.5 if within else 1.0
    status, _, text = read_status(line)
    status, _ = at_time_limit(status, text, time_limit=1.0, seconds=seconds)
    assert status is expected


def test_no_solution_message_names_the_limit_and_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 1, second half: the message of a no_solution run is never just 'no_solution'."""
    monkeypatch.setattr(
        "selectie.solve.cbc.subprocess.call", lying_cbc("Stopped on time - no solution")
    )
    sel = select(load_pool(), load_scenario(), solver="cbc", time_limit=0.02)
    assert sel.status is Status.NO_SOLUTION
    assert sel.message.startswith("the time limit (0.02 s) was reached before any selection")
    assert "--time-limit SECONDS" in sel.message and "--solver highs" in sel.message


@given(
    p=planted_scenarios(min_cases=4, max_cases=30, perturb=True),
    solver=st.sampled_from(BACKENDS),
    limit=st.sampled_from((0.001, 0.01, 0.05)),
)
def test_a_tiny_time_limit_never_gives_a_false_infeasible(
    p: Planted, solver: str, limit: float
) -> None:
    """With a tiny real time limit, "infeasible" only for instances proved infeasible without
    one; and whatever the run says is true of the instance.
    """
    sel = select(p.gen.pool, p.scenario, solver=solver, time_limit=limit)
    if sel.status is Status.INFEASIBLE:
        proved = select(p.gen.pool, p.scenario, solver=solver)
        assert proved.status is Status.INFEASIBLE, (sel.message, proved.status)
    elif sel.status is Status.NO_SOLUTION:
        assert "time limit" in sel.message and "--time-limit" in sel.message, sel.message
    elif sel.status.has_selection:
        assert sel.audit is not None and sel.audit.ok
        if sel.status is Status.FEASIBLE:
            assert "time limit" in sel.message, sel.message
    else:
        pytest.fail(f"status {sel.status.value}: {sel.message}")


def test_explain_stopped_by_its_time_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """explain with --time-limit: a solver call stopped by the limit is a time limit with what
    to do (exit 1 on the command line), not a solver fault (it was SolverError, exit 3).
    """
    from typer.testing import CliRunner

    from selectie import explain
    from selectie.cli import app
    from selectie.errors import TimeLimitReached

    monkeypatch.setattr(
        "selectie.solve.cbc.subprocess.call", lying_cbc("Stopped on time - no solution")
    )
    scenario = load_scenario().with_overlap(2, ["type"]).with_objective("feasibility")
    with pytest.raises(TimeLimitReached, match=r"time limit \(0.02 s per solver call\)"):
        explain(load_pool(), scenario, solver="cbc", time_limit=0.02)
    result = CliRunner().invoke(
        app,
        ["explain", "--overlap", "2", "--cover", "type", "--time-limit", "0.02", "--solver", "cbc"],
    )
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("no answer (time limit): the time limit (0.02 s")
    assert "--time-limit SECONDS" in result.stderr
