"""The public PuLP program: names, stages, files, changes, and the reference problems solved
stage by stage through every PuLP solver installed here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulp
import pytest

from selectie.engine import select
from selectie.pool import Pool
from selectie.pulp_model import pulp_program
from selectie.scenario import Coverage, Quota, Scenario
from selectie.solve.backend import Status
from selectie.solve.pulp_backend import available_solvers, private_files
from tests.test_reference_problems import BY_WEIGHT as _BY_WEIGHT
from tests.test_reference_problems import REFERENCES, ROWS, Reference


@pytest.fixture
def six(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


@pytest.mark.parametrize("name", available_solvers())
@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_reference_problem_stage_by_stage(ref: Reference, six: Pool, name: str) -> None:
    """Solving the program's stages in turn gives the hand-derived selection and objective."""
    sel = pulp_program(six, ref.scenario).solve(name)
    assert sel.status is ref.status, sel.message
    assert sel.ids == ref.ids
    if ref.status is Status.OPTIMAL:
        assert sel.audit is not None
        assert sel.audit.ok
        assert sel.objective is not None
        for part, value in ref.parts.items():
            assert sel.objective.parts[part] == pytest.approx(value)


def test_one_binary_per_case_named_by_its_id(six: Pool) -> None:
    """Every case has one binary variable, named by its id."""
    program = pulp_program(six, Scenario(size=2))
    assert list(program.variables) == [f"c{i}" for i in range(1, 7)]
    for case_id, v in program.variables.items():
        assert (v.name, v.cat, v.lowBound, v.upBound) == (case_id, pulp.LpInteger, 0, 1)
    assert str(program.problem.objective) == "c1 + 2*c2 + 3*c3 + 4*c4 + 5*c5 + 6*c6"


def test_rows_are_named_as_the_scenario_names_them(six: Pool) -> None:
    """Each row carries the constraint's name, made safe for LP files and unique."""
    scenario = Scenario(
        size=2,
        quotas=(Quota(attribute="colour", values=("red",), min=1, max=2),),
        coverage=(Coverage(attributes=("colour",)),),
    )
    program = pulp_program(six, scenario)
    names = [c.name for c in program.problem.constraints()]
    assert names == [
        "size",
        "colour_red_min",
        "colour_red_max",
        "colour_red",
        "colour_green",
        "colour_blue",
    ]
    assert program.rows["colour_red"].origin == "coverage[0]"
    assert program.rows["colour_red_max"].origin == "quotas[0]"
    assert str(program.problem.constraints()[1]) == "c1 + c2 >= 1.0"


def test_ids_that_are_not_lp_names(make_pool: Callable[..., Pool]) -> None:
    """Ids with a leading digit or characters LP files refuse get a safe, unique name."""
    pool = make_pool([("1", "red", "", ""), ("a-b", "red", "", ""), ("a b", "blue", "", "")])
    program = pulp_program(pool, Scenario(size=1))
    assert [v.name for v in program.variables.values()] == ["case_1", "a_b", "a_b_2"]


def test_objective_stage_by_stage(six: Pool) -> None:
    """max_overlap has a depth, a total and a pool-order stage, in that order."""
    scenario = Scenario(size=3, objective={"kind": "max_overlap", "attributes": ["tags"]})
    program = pulp_program(six, scenario)
    assert [(s.name, s.sense) for s in program.stages] == [
        ("depth", "max"),
        ("total", "max"),
        ("pool_order", "min"),
    ]
    # availability a 3, b 2, c 2; depth at most min(size 3, 3) = 3 levels
    assert str(program.stages[0].expression) == "depth_1 + depth_2 + depth_3"
    held = program.stage_problem(2, [1, 5])
    assert [str(c) for c in held.constraints()][-2:] == [
        "depth_1 + depth_2 + depth_3 >= 1.0",
        "c1 + c2 + 2*c3 + c4 + 2*c6 >= 5.0",
    ]


def test_solve_leaves_the_problem_as_it_was(six: Pool) -> None:
    """Solving adds no row to the program's problem and keeps its objective."""
    program = pulp_program(six, Scenario(size=2, objective={"kind": "max_overlap"}))
    rows, objective = len(program.problem.constraints()), str(program.problem.objective)
    program.solve("PULP_CBC_CMD")
    assert len(program.problem.constraints()) == rows
    assert str(program.problem.objective) == objective


def test_a_change_to_the_problem_counts(six: Pool) -> None:
    """A row the user adds to the problem is kept when the program is solved."""
    program = pulp_program(six, Scenario(size=2))
    assert program.solve().ids == ("c1", "c2")
    program.problem += program.variables["c1"] == 0, "no_c1"
    assert program.solve().ids == ("c2", "c3")


def test_lp_and_mps_files_solve_to_the_same_optimum(six: Pool, tmp_path: Path) -> None:
    """The written LP and MPS files, read back by PuLP and solved, give the first stage's
    optimum (max_weight, the weights of the reference problems: c1 5 + c4 4 = 9).
    """
    from tests.test_reference_problems import BY_WEIGHT

    program = pulp_program(six, Scenario(size=2, objective=BY_WEIGHT))
    program.write_lp(tmp_path / "p.lp")
    program.write_mps(tmp_path / "p.mps")
    assert "weight" not in (tmp_path / "p.lp").read_text()  # the objective is PuLP's OBJ
    assert "c1" in (tmp_path / "p.lp").read_text()
    _, again = pulp.LpProblem.fromMPS(str(tmp_path / "p.mps"), sense=pulp.LpMaximize)
    glpk = pulp.GLPK_CMD(msg=False)
    with private_files(glpk):  # GLPK's files go, not into the temporary directory
        again.solve(glpk)
    assert pulp.value(again.objective) == pytest.approx(9.0)


def test_same_selection_as_select_on_the_bundled_scenarios(wodc_pool: Pool) -> None:
    """On Bijlage 4 and its exact variant the program picks select()'s 13 cases."""
    from selectie.scenario import load_scenario

    examples = Path(__file__).parent.parent / "examples"
    for name in ("bijlage4.toml", "bijlage4-exact.toml"):
        scenario = load_scenario(examples / name)
        sel = pulp_program(wodc_pool, scenario).solve("GLPK_CMD")
        assert sel.status is Status.OPTIMAL
        assert sel.ids == select(wodc_pool, scenario).ids


def test_docs_page_code_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python blocks of docs/pulp.md run in order, their asserts holding."""
    import re

    monkeypatch.chdir(tmp_path)
    page = Path(__file__).parent.parent / "docs" / "pulp.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 2
    namespace: dict[str, object] = {"__name__": "pulp_page"}
    for block in blocks:
        exec(compile(block, "docs/pulp.md", "exec"), namespace)


def test_a_change_that_breaks_the_scenario_is_caught(six: Pool) -> None:
    """A selection of a problem loosened by the user (its size row gone) fails the re-check."""
    program = pulp_program(six, Scenario(size=2, objective=_BY_WEIGHT))
    program.problem = program.stage_problem(0)
    size = next(c for c in program.problem.constraints() if c.name == "size")
    size.changeRHS(3)  # ask for three cases where the scenario says two
    sel = program.solve("PULP_CBC_CMD")
    assert sel.status is Status.ERROR
    assert sel.ids == ()
    assert sel.message == (
        "the solver (pulp:PULP_CBC_CMD) returned a selection that fails the re-check "
        "(size: 3 selected, exactly 2 required (short by 1)); it is not shown"
    )
