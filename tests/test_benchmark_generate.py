"""The benchmark pool generator (benchmarks/generate.py), and the engine on its pools."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from selectie import load_codebook, load_pool, select
from selectie.constraints import compile_scenario
from selectie.formulation import SelectionModel
from selectie.scenario import Coverage, Quota, Scenario
from selectie.solve.backend import get_backend

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    """benchmarks/generate.py, imported from its path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("selectie_benchmark_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_pool_loads_with_the_wodc_codebook(generate: ModuleType, tmp_path: Path) -> None:
    """A generated file passes load_pool's full validation with every row as a case."""
    path = generate.write(tmp_path / "pool.csv", 300, seed=3)
    pool = load_pool(path)
    assert len(pool) == 300
    assert pool.ids[0] == "G001" and pool.ids[-1] == "G300"


def test_generated_header_is_the_codebook_columns(generate: ModuleType) -> None:
    """The header has the id, the name, every attribute and the extra columns, in that order."""
    header = generate.generate(5, seed=1).splitlines()[0].split(",")
    assert header == list(load_codebook().columns)


def test_generated_pool_has_multi_valued_and_unknown_cells(
    generate: ModuleType, tmp_path: Path
) -> None:
    """Multi-valued attributes get several values in some cells, and some cells are unknown."""
    pool = load_pool(generate.write(tmp_path / "pool.csv", 500, seed=1))
    theorie = pool.values["theorie"]
    assert max(len(c) for c in theorie if c is not None) >= 2
    assert pool.unknown_count("cluster") > 0


def test_generation_is_deterministic(generate: ModuleType) -> None:
    """The same size and seed give the same text."""
    assert generate.generate(200, seed=5) == generate.generate(200, seed=5)


def test_generation_depends_on_the_seed(generate: ModuleType) -> None:
    """Another seed gives another pool."""
    assert generate.generate(200, seed=5) != generate.generate(200, seed=6)


def test_large_tiebreak_finds_the_whole_programs_optimum(
    generate: ModuleType, tmp_path: Path, solver: str
) -> None:
    """On a pool of thousands of profiles (solved through the LP relaxation's reduced costs),
    the pool-order optimum equals that of the whole program solved directly.
    """
    pool = load_pool(generate.write(tmp_path / "pool.csv", 4000, seed=2))
    scenario = Scenario(
        size=40,
        quotas=(
            Quota(attribute="regio", min=2),
            Quota(attribute="cluster", min=2),
            Quota(attribute="type", min=1, max=12),
        ),
        coverage=(Coverage(attributes=("theorie",), overlap=3),),
    )
    model = SelectionModel(compile_scenario(pool, scenario))
    assert model.num_profiles >= 1000  # large enough for the LP-guided route
    whole = get_backend(solver).solve(
        model.base.with_objective(model.rank_terms(), "min"), time_limit=None, seed=1, verbose=False
    )
    selection = select(pool, scenario, solver=solver)
    assert selection.ok
    assert selection.solver is not None
    assert selection.solver.stages[-1].value == whole.objective
