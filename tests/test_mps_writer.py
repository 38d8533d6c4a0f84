"""CBC's hand-written MPS writer writes, byte for byte, the file PuLP writes for the same
program (the claim in selectie.solve.cbc's docstring), on every program the reference problems
send to CBC and on their LP relaxations.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from selectie.engine import select
from selectie.pool import Pool
from selectie.solve import cbc
from selectie.solve.milp import Milp
from selectie.solve.pulp_backend import to_pulp
from tests.test_reference_problems import REFERENCES, ROWS, Reference


def _programs(pool: Pool, ref: Reference, monkeypatch: pytest.MonkeyPatch) -> list[Milp]:
    """The programs select() hands to CBC for ``ref``, in order."""
    seen: list[Milp] = []
    run = cbc.CbcBackend._run

    def recording(self: cbc.CbcBackend, milp: Milp, *args: Any) -> Any:
        seen.append(milp)
        return run(self, milp, *args)

    monkeypatch.setattr(cbc.CbcBackend, "_run", recording)
    select(pool, ref.scenario, solver="cbc")
    return seen


def _pulp_mps(milp: Milp, path: Path) -> str:
    problem, _ = to_pulp(milp)
    problem.writeMPS(str(path), rename=True)
    return path.read_text()


@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_mps_matches_pulp_byte_for_byte(
    ref: Reference,
    make_pool: Callable[..., Pool],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Every program of the reference problem, and its relaxation, is written as PuLP would."""
    programs = _programs(make_pool(ROWS), ref, monkeypatch)
    assert programs
    for k, milp in enumerate(programs):
        for variant in (milp, milp.relaxation()):
            ours, _ = cbc.write_mps(variant)
            assert ours == _pulp_mps(variant, tmp_path / f"{k}.mps")


def test_mps_of_an_empty_objective_matches_pulp(tmp_path: Path) -> None:
    """A program without an objective gets PuLP's dummy column, as PuLP writes it."""
    milp = Milp()
    a, b = milp.add_var("a", 0, 1), milp.add_var("b", -2, 3, integer=False)
    milp.add_row("both", [(a, 1.0), (b, -1.5)], 0.0, 2.0)
    milp.add_row("fixed", [(b, 1.0)], 1.0, 1.0)
    assert cbc.write_mps(milp)[0] == _pulp_mps(milp, tmp_path / "e.mps")


def test_mps_of_the_bundled_scenario_matches_pulp(
    wodc_pool: Pool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The programs of Bijlage 4 (the spread variant: several stages) on the bundled pool are
    written as PuLP would.
    """
    from selectie.scenario import load_scenario

    ref = Reference("bijlage4", load_scenario("bijlage4-spread"), REFERENCES[0].status)
    programs = _programs(wodc_pool, ref, monkeypatch)
    assert len(programs) >= 3  # depth 0, depth bisection, total, tie-break
    for k, milp in enumerate(programs):
        assert cbc.write_mps(milp)[0] == _pulp_mps(milp, tmp_path / f"{k}.mps")


def test_cbc_to_pulp_is_the_same_problem(
    make_pool: Callable[..., Pool], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """selectie.solve.cbc.to_pulp, which its docstring names, builds the problem whose MPS file
    the writer reproduces (the same as the pulp: backend's to_pulp).
    """
    for ref in REFERENCES[:4]:
        for k, milp in enumerate(_programs(make_pool(ROWS), ref, monkeypatch)):
            problem, _ = cbc.to_pulp(milp)
            path = tmp_path / f"{ref.name}-{k}.mps"
            problem.writeMPS(str(path), rename=True)
            assert cbc.write_mps(milp)[0] == path.read_text()
