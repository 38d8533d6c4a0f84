"""No solve leaves a file behind in the temporary directory: PuLP's GLPK interface keeps its
``<uuid>-pulp.out`` and a failed solve keeps all its files unless selectie gives every PuLP
solve a temporary directory of its own; CBC and HiGHS are checked the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pulp
import pytest

from selectie.engine import select
from selectie.errors import SolverError
from selectie.pool import Pool
from selectie.pulp_model import pulp_program
from selectie.solve.backend import Status
from selectie.solve.milp import Milp
from selectie.solve.pulp_backend import PulpBackend, available_solvers
from tests.test_reference_problems import REFERENCES, ROWS

GLPK = shutil.which("glpsol")
needs_glpk = pytest.mark.skipif(
    GLPK is None, reason="glpsol is not installed (Debian: apt-get install glpk-utils)"
)


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty directory that is the temporary directory for PuLP and for Python."""
    fresh = tmp_path / "tmp"
    fresh.mkdir()
    for name in ("TMPDIR", "TMP", "TEMP"):
        monkeypatch.setenv(name, str(fresh))
    monkeypatch.setattr(tempfile, "tempdir", str(fresh))
    return fresh


@pytest.fixture
def six(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def _left(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _failing_glpsol(directory: Path) -> str:
    """A 'glpsol' that ends at once without writing a solution, so PuLP raises after it.

    (It exits with 0: on a non-zero exit PuLP's GLPK interface raises before closing its
    handle on the null device, a PuLP leak this test is not about.)
    """
    directory.mkdir()
    fake = directory / "glpsol"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    return str(fake)


@needs_glpk
@pytest.mark.parametrize("limit", [None, 5.0])
def test_glpk_solve_leaves_no_file(six: Pool, temp_dir: Path, limit: float | None) -> None:
    """A GLPK solve, with or without a time limit, leaves the temporary directory empty."""
    ref = REFERENCES[0]
    sel = select(six, ref.scenario, solver="pulp:GLPK_CMD", time_limit=limit)
    assert sel.ids == ref.ids  # it did solve, through files in the temporary directory
    assert _left(temp_dir) == []


@pytest.mark.parametrize("name", available_solvers())
def test_every_pulp_solver_leaves_no_file(six: Pool, temp_dir: Path, name: str) -> None:
    """Every solver PuLP finds here leaves the temporary directory empty."""
    ref = REFERENCES[0]
    assert select(six, ref.scenario, solver=f"pulp:{name}").ids == ref.ids
    assert _left(temp_dir) == []


@needs_glpk
def test_failed_glpk_solve_leaves_no_file(tmp_path: Path, temp_dir: Path) -> None:
    """A GLPK run that fails (PuLP raises before deleting anything) leaves nothing either."""
    fake = _failing_glpsol(tmp_path / "bin")
    milp = Milp()
    x = milp.add_var("x", 0, 2)
    with PulpBackend("GLPK_CMD").open(milp, options={"path": fake}) as session:
        session.set_objective([(x, 1.0)], "max")
        with pytest.raises(SolverError, match="GLPK_CMD failed"):
            session.solve()
    assert _left(temp_dir) == []


@needs_glpk
def test_public_program_leaves_no_file(wodc_pool: Pool, temp_dir: Path) -> None:
    """The public PuLP program solved by GLPK's name leaves the temporary directory empty."""
    from selectie.scenario import load_scenario

    sel = pulp_program(wodc_pool, load_scenario()).solve("GLPK_CMD")
    assert sel.status is Status.OPTIMAL
    assert _left(temp_dir) == []


@needs_glpk
def test_users_failing_solver_leaves_no_file_and_keeps_its_tmpdir(
    wodc_pool: Pool, tmp_path: Path, temp_dir: Path
) -> None:
    """A solver object of the user's that fails leaves nothing, and its tmpDir is as it was."""
    from selectie.scenario import load_scenario

    solver = pulp.GLPK_CMD(path=_failing_glpsol(tmp_path / "bin"), msg=False)
    assert solver.tmpDir == str(temp_dir)
    sel = pulp_program(wodc_pool, load_scenario()).solve(solver)
    assert sel.status is Status.ERROR
    assert solver.tmpDir == str(temp_dir)
    assert _left(temp_dir) == []


@pytest.mark.parametrize("limit", [None, 5.0])
def test_cbc_and_highs_leave_no_file(
    six: Pool, temp_dir: Path, solver: str, limit: float | None
) -> None:
    """selectie's own CBC and HiGHS backends leave the temporary directory empty too."""
    ref = REFERENCES[0]
    assert select(six, ref.scenario, solver=solver, time_limit=limit).ids == ref.ids
    assert _left(temp_dir) == []


def test_temp_dir_fixture_is_where_pulp_writes(temp_dir: Path) -> None:
    """PuLP's command-line solvers made in a test put their files in the fresh directory."""
    assert pulp.PULP_CBC_CMD(msg=False).tmpDir == str(temp_dir)
    assert os.environ["TMPDIR"] == str(temp_dir)
