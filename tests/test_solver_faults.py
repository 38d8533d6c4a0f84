"""Solver faults: time limits reported honestly, missing backends, crashes.

The engine must never call a selection optimal that was not proven optimal. Real time limits
depend on the machine, so most tests here replace the backend with a wrapper that imitates
what a solver stopped by its time limit returns (an incumbent flagged FEASIBLE, or nothing),
and check what the engine makes of it. One test uses a real, tiny time limit and checks only
what holds on any machine: if the answer says optimal, it is the optimum.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import selectie.engine
from selectie.codebook import Codebook
from selectie.engine import select
from selectie.errors import BackendNotInstalled, InputError, SolverError
from selectie.pool import Pool, load_pool
from selectie.scenario import Coverage, Objective, Quota, Scenario, load_scenario
from selectie.solve.backend import Backend, RawSolution, Status, get_backend
from selectie.solve.milp import Milp
from tests.conftest import installed_backends

BACKENDS = installed_backends()


@dataclass
class Faulty:
    """A backend that passes calls to a real one, except the calls ``fault`` rewrites.

    ``fault(k, milp, real)`` gets the call number (0-based), the program and the real
    backend, and returns a RawSolution, or None to let the real backend answer.
    """

    real: Backend
    fault: Callable[[int, Milp, Backend], RawSolution | None]
    calls: list[Status] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.real.name

    install_hint = ""

    def is_installed(self) -> bool:
        return True

    def version(self) -> str:
        return self.real.version()

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        k = len(self.calls)
        raw = self.fault(k, milp, self.real)
        if raw is None:
            raw = self.real.solve(milp, time_limit=time_limit, seed=seed, verbose=verbose)
        self.calls.append(raw.status)
        return raw


def use_backend(monkeypatch: pytest.MonkeyPatch, backend: Faulty) -> None:
    monkeypatch.setattr(selectie.engine, "get_backend", lambda name: backend)


def any_feasible_point(milp: Milp, real: Backend) -> RawSolution:
    """What a solver stopped by its time limit may hold: some valid solution, flagged FEASIBLE
    (here: the program solved for feasibility only, so probably not the best). A program
    without solutions keeps its real (proven) answer.
    """
    raw = real.solve(milp.with_objective([], milp.sense), time_limit=None, seed=1, verbose=False)
    if raw.values is None:
        return raw
    value = milp.evaluate(list(milp.objective.items()), raw.values)
    return RawSolution(Status.FEASIBLE, raw.values, value, None, 0.0)


def nothing_found(milp: Milp, real: Backend) -> RawSolution:
    """A solver stopped by its time limit before it found any solution."""
    return RawSolution(Status.NO_SOLUTION, None, None, None, 0.0)


@pytest.fixture(scope="module")
def pool() -> Pool:
    return load_pool()


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario()


OBJECTIVES = ["max_overlap", "max_weight", "match_target"]


def with_objective(scenario: Scenario, kind: str) -> Scenario:
    """The Bijlage 4 scenario with an objective of the given kind."""
    if kind == "max_weight":
        weights = {f"R{i:02d}": float(i) for i in range(1, 14)}
        return scenario.with_objective(Objective(kind="max_weight", weights=weights))
    if kind == "match_target":
        target = {"focus": {"preventie": 4, "repressie": 4}, "innovatie": {"innovatief": 7}}
        return scenario.with_objective(Objective(kind="match_target", target=target))
    # (the bundled default is now a feasibility scenario: ask for max_overlap by name)
    return scenario.with_objective(kind)


# -- a time limit, imitated --------------------------------------------------------------------


@pytest.mark.parametrize("solver", BACKENDS)
@pytest.mark.parametrize("kind", OBJECTIVES)
def test_every_call_stopped_with_an_incumbent_is_feasible_not_optimal(
    solver: str,
    kind: str,
    pool: Pool,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When every solver call ends at the time limit with an incumbent, the selection is
    shown as FEASIBLE (valid, not proven best), never OPTIMAL.
    """
    backend = Faulty(get_backend(solver), lambda k, m, real: any_feasible_point(m, real))
    use_backend(monkeypatch, backend)
    sel = select(pool, with_objective(scenario, kind), solver=solver, time_limit=60)
    assert sel.status is Status.FEASIBLE, (sel.status, sel.message)
    assert sel.audit is not None and sel.audit.ok
    assert "time limit" in sel.message


@pytest.mark.parametrize("solver", BACKENDS)
@pytest.mark.parametrize("kind", [*OBJECTIVES, "feasibility"])
def test_a_first_call_stopped_without_a_solution_is_no_solution(
    solver: str, kind: str, pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the time limit comes before any selection is found, the status is NO_SOLUTION
    with no selection (feasibility is unknown, so not INFEASIBLE).
    """
    backend = Faulty(get_backend(solver), lambda k, m, real: nothing_found(m, real))
    use_backend(monkeypatch, backend)
    sc = with_objective(scenario, kind) if kind != "feasibility" else scenario.with_objective(kind)
    sel = select(pool, sc, solver=solver, time_limit=60)
    assert sel.status is Status.NO_SOLUTION
    assert sel.ids == ()
    assert sel.reasons == ()


def optimum(pool: Pool, scenario: Scenario, solver: str) -> dict[str, float]:
    """The objective parts of the proven optimum (no fault, no time limit)."""
    sel = select(pool, scenario, solver=solver)
    assert sel.status is Status.OPTIMAL and sel.objective is not None
    return dict(sel.objective.parts)


@pytest.mark.parametrize("solver", BACKENDS)
@pytest.mark.parametrize("kind", OBJECTIVES)
def test_a_stopped_call_anywhere_never_yields_a_false_optimal(
    solver: str,
    kind: str,
    pool: Pool,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whichever single call the time limit stops (with or without an incumbent), the answer
    is a valid selection or none, and if it says OPTIMAL its objective is the optimum.
    """
    sc = with_objective(scenario, kind)
    best = optimum(pool, sc, solver)
    clean = Faulty(get_backend(solver), lambda k, m, real: None)
    use_backend(monkeypatch, clean)
    select(pool, sc, solver=solver, time_limit=60)
    n_calls = len(clean.calls)
    assert n_calls >= 1
    for stop in range(n_calls):
        for imitate in (any_feasible_point, nothing_found):

            def fault(
                k: int, m: Milp, real: Backend, stop: int = stop, imitate: object = imitate
            ) -> RawSolution | None:
                return imitate(m, real) if k == stop else None  # type: ignore[operator]

            use_backend(monkeypatch, Faulty(get_backend(solver), fault))
            sel = select(pool, sc, solver=solver, time_limit=60)
            assert sel.status in (Status.OPTIMAL, Status.FEASIBLE, Status.NO_SOLUTION), (
                stop,
                sel.status,
                sel.message,
            )
            if sel.status.has_selection:
                assert sel.audit is not None and sel.audit.ok
            if sel.status is Status.OPTIMAL:
                assert sel.objective is not None
                assert dict(sel.objective.parts) == best, (stop, imitate.__name__)


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_real_tiny_time_limit_is_reported_honestly(
    solver: str, wodc_pool: Pool, wodc_codebook: Codebook
) -> None:
    """With a real 10 ms limit on a 126-case program the run may end anywhere; whatever it
    says is true: a valid selection, and OPTIMAL only with the optimum's objective.
    """
    sc = Scenario(
        size=13,
        quotas=(Quota(attribute="regio", min=1),),
        coverage=(Coverage(attributes=("theorie", "crime_script", "type"), overlap=1),),
        objective=Objective(kind="max_overlap", attributes=wodc_codebook.table_attributes),
    )
    best = optimum(wodc_pool, sc, solver)
    sel = select(wodc_pool, sc, solver=solver, time_limit=0.01)
    assert sel.status in (Status.OPTIMAL, Status.FEASIBLE, Status.NO_SOLUTION), sel.message
    if sel.status.has_selection:
        assert sel.audit is not None and sel.audit.ok
    if sel.status is Status.OPTIMAL:
        assert sel.objective is not None and dict(sel.objective.parts) == best


# -- solver answers that must not be believed ---------------------------------------------------


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_claimed_optimum_that_fails_the_recheck_is_an_error(
    solver: str, pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solver that says OPTIMAL for a selection breaking the constraints (here: nothing
    selected) is not believed: status ERROR, no selection shown, a message saying why.
    """

    def wrong(k: int, m: Milp, real: Backend) -> RawSolution:
        return RawSolution(Status.OPTIMAL, [0.0] * m.num_vars, 0.0, 0.0, 0.0)

    use_backend(monkeypatch, Faulty(get_backend(solver), wrong))
    sel = select(pool, scenario.with_objective("feasibility"), solver=solver)
    assert sel.status is Status.ERROR
    assert sel.ids == ()
    assert sel.message.startswith(f"the solver ({solver}) returned a selection that fails")
    assert sel.message.endswith("; it is not shown")


@pytest.mark.parametrize("solver", BACKENDS)
def test_a_solver_crash_is_a_solver_error(
    solver: str, pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend that fails raises SolverError out of select(), with its message intact."""

    def crash(k: int, m: Milp, real: Backend) -> RawSolution:
        raise SolverError(f"{solver} failed: killed by signal 11")

    use_backend(monkeypatch, Faulty(get_backend(solver), crash))
    with pytest.raises(SolverError, match=f"^{solver} failed: killed by signal 11$"):
        select(pool, scenario, solver=solver)


def test_cbc_exiting_with_an_error_code_is_a_solver_error(
    pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the CBC program dies (a non-zero exit code, e.g. a segfault), the CBC backend
    raises SolverError saying CBC failed, instead of reading a missing solution.
    """
    monkeypatch.setattr("selectie.solve.cbc.subprocess.call", lambda *a, **k: -11)
    with pytest.raises(SolverError) as info:
        select(pool, scenario, solver="cbc")
    assert str(info.value).startswith("CBC failed")


def test_cbc_that_cannot_be_started_is_a_solver_error(
    pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the CBC program cannot be started at all (OSError), the error is a SolverError."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("selectie.solve.cbc.subprocess.call", refuse)
    with pytest.raises(SolverError, match=r"^CBC failed: \[Errno 13\] Permission denied$"):
        select(pool, scenario, solver="cbc")


@pytest.mark.skipif("highs" not in BACKENDS, reason="highspy is not installed")
def test_highs_reporting_an_error_is_a_solver_error(
    pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HiGHS ending with its kError status becomes SolverError with a plain message."""
    import highspy

    from selectie.solve import highs

    real_to_highs = highs.to_highs

    class Broken:
        def __init__(self, h: object) -> None:
            self._h = h

        def __getattr__(self, name: str) -> object:
            return getattr(self._h, name)

        def run(self) -> object:
            return highspy.HighsStatus.kError

    monkeypatch.setattr(highs, "to_highs", lambda milp, verbose=False: Broken(real_to_highs(milp)))
    with pytest.raises(SolverError, match=r"^HiGHS failed to solve the model \(status kError\)$"):
        select(pool, scenario, solver="highs")


def test_cbc_max_overlap_without_time_limit_is_optimal(pool: Pool, scenario: Scenario) -> None:
    """Without a time limit, CBC proves the max_overlap optimum (the same depth and total as
    HiGHS) and never mentions a time limit. (Regression: CBC's "Integer infeasible" at a
    depth stage was read as ERROR and reported as a time limit.)
    """
    sc = scenario.with_objective("max_overlap")
    sel = select(pool, sc, solver="cbc")
    assert sel.status is Status.OPTIMAL, sel.message
    assert "time limit" not in sel.message
    if "highs" in BACKENDS:
        assert sel.objective is not None
        assert dict(sel.objective.parts) == optimum(pool, sc, "highs")


# -- missing or unknown backends ----------------------------------------------------------------


def test_missing_highs_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without highspy, asking for HiGHS raises BackendNotInstalled saying how to install it."""
    monkeypatch.setitem(sys.modules, "highspy", None)  # makes `import highspy` fail
    with pytest.raises(BackendNotInstalled) as info:
        get_backend("highs")
    assert (
        str(info.value) == "solver 'highs' is not installed. Install it with: pip install highspy"
    )


def test_missing_cbc_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PuLP's CBC, asking for CBC raises BackendNotInstalled saying how to install it."""
    monkeypatch.setitem(sys.modules, "pulp", None)
    with pytest.raises(BackendNotInstalled) as info:
        get_backend("cbc")
    assert str(info.value) == (
        "solver 'cbc' is not installed. Install PuLP 3.x, which bundles CBC: "
        "pip install 'pulp>=3.3,<4' (PuLP 4 no longer bundles CBC)."
    )


def test_select_with_a_missing_backend_raises_before_solving(
    pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """select() with an uninstalled backend raises BackendNotInstalled (a SolverError)."""
    monkeypatch.setitem(sys.modules, "highspy", None)
    with pytest.raises(BackendNotInstalled, match="pip install highspy"):
        select(pool, scenario, solver="highs")


def test_an_unknown_solver_name_is_an_input_error() -> None:
    """A solver name that is not a backend is bad input, and the message lists the choices."""
    with pytest.raises(InputError) as info:
        get_backend("gurobi")
    assert not isinstance(info.value, SolverError)
    assert str(info.value) == (
        "unknown solver 'gurobi'; choose one of: cbc, highs, "
        "or pulp:NAME with NAME a PuLP solver (pulp:GLPK_CMD, pulp:GUROBI, ...)"
    )


def test_cli_with_highs_missing_says_how_to_install_it(tmp_path: Path) -> None:
    """From the CLI, a missing backend is one line on stderr with the install hint, no
    traceback, exit code 3 (solver failure), and no file written.
    """
    pytest.importorskip("selectie.cli")
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "highspy.py").write_text("raise ImportError('highspy is hidden by the test')\n")
    output = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": f"{shadow}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out = subprocess.run(
        [sys.executable, "-m", "selectie", "select", "--solver", "highs", "--output", str(output)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 3, out.stderr
    assert out.stderr == (
        "error: solver 'highs' is not installed. Install it with: pip install highspy\n"
    )
    assert "Traceback" not in out.stdout
    assert not output.exists()


def solver_says_error(milp: Milp, real: Backend) -> RawSolution:
    """A backend that ends with a status it cannot read, and says so in its message."""
    return RawSolution(Status.ERROR, None, None, None, 0.0, "CBC ended with status 'Undefined'")


@pytest.mark.parametrize("kind", [*OBJECTIVES, "feasibility"])
def test_a_backend_error_keeps_its_message(
    kind: str, pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend that returns status ERROR with a message gives an ERROR selection whose
    message contains the backend's message.
    """
    use_backend(monkeypatch, Faulty(get_backend("cbc"), lambda k, m, r: solver_says_error(m, r)))
    sc = with_objective(scenario, kind) if kind != "feasibility" else scenario.with_objective(kind)
    sel = select(pool, sc, solver="cbc")
    assert sel.status is Status.ERROR
    assert "CBC ended with status 'Undefined'" in sel.message


def test_a_backend_error_while_raising_the_depth_is_not_a_time_limit(
    pool: Pool, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """max_overlap without a time limit: an ERROR from the second solver call is reported as
    an error, never as 'the time limit was reached'.
    """

    def fault(k: int, m: Milp, real: Backend) -> RawSolution | None:
        return solver_says_error(m, real) if k == 1 else None

    use_backend(monkeypatch, Faulty(get_backend("cbc"), fault))
    sel = select(pool, scenario.with_objective("max_overlap"), solver="cbc")
    assert "time limit" not in sel.message
    assert sel.status is Status.ERROR
