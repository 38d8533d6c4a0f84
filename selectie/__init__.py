"""selectie: purposive case selection as a transparent, reproducible integer program.

>>> import selectie
>>> pool = selectie.load_pool()
>>> sel = selectie.select(pool, selectie.load_scenario())
>>> sel.status.value, len(sel.ids)
('optimal', 13)

Names are imported on first use, so ``import selectie`` stays fast and loads neither pandas nor
a solver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: The one source of the version: the wheel's metadata is built from it (pyproject.toml,
#: [tool.hatch.version]); CHANGELOG.md says what changed in each.
__version__ = "0.1.0"

_EXPORTS = {
    # pools and codebooks
    "Attribute": "codebook",
    "Codebook": "codebook",
    "Value": "codebook",
    "load_codebook": "codebook",
    "Pool": "pool",
    "load_pool": "pool",
    "Project": "models",
    "json_schema": "models",
    # scenarios
    "Scenario": "scenario",
    "Quota": "scenario",
    "Coverage": "scenario",
    "Combination": "scenario",
    "GroupLimit": "scenario",
    "Bridges": "scenario",
    "Objective": "scenario",
    "Preference": "scenario",
    "Citation": "scenario",
    "load_scenario": "scenario",
    "BUNDLED_SCENARIOS": "scenario",
    # selecting and checking
    "select": "engine",
    "audit": "engine",
    "read_selection": "selection_file",
    "selection_manifest": "manifest",
    "Selection": "result",
    "Audit": "result",
    "Status": "result",
    "compile_scenario": "constraints",
    "bridge_graph": "bridges",
    "quick_checks": "quick_checks",
    "pulp_program": "pulp_model",
    "PulpProgram": "pulp_model",
    # why not, what else, what if
    "explain": "diagnose",
    "Explanation": "diagnose",
    "alternatives": "whatif",
    "Alternatives": "whatif",
    "importance": "whatif",
    "Importance": "whatif",
    "replace": "whatif",
    "Replacement": "whatif",
    # fair lotteries and sortition files
    "fair_lottery": "lottery",
    "Lottery": "lottery",
    "LotteryMethod": "lottery",
    "Draw": "lottery",
    "round_to_uniform": "lottery",
    "UniformLottery": "lottery",
    "read_sortition": "sortition",
    # reporting
    "tables": "report",
    "TableSet": "report",
    "load_reference": "published",
    # plots (need matplotlib: pip install 'selectie[plot]'); the sweep helper is
    # selectie.sweep.sweep (a top-level `sweep` would be replaced by the submodule on import)
    "plot_coverage": "plot",
    "plot_distribution": "plot",
    "plot_frequency": "plot",
    "plot_feasibility": "plot",
    "save_figure": "plot",
    # errors
    "SelectieError": "errors",
    "InputError": "errors",
    "PoolError": "errors",
    "CodebookError": "errors",
    "ScenarioError": "errors",
    "SolverError": "errors",
    "BackendNotInstalled": "errors",
    "UnprovenLotteryError": "errors",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'selectie' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .bridges import bridge_graph
    from .codebook import Attribute, Codebook, Value, load_codebook
    from .constraints import compile_scenario
    from .diagnose import Explanation, explain
    from .engine import audit, select
    from .errors import (
        BackendNotInstalled,
        CodebookError,
        InputError,
        PoolError,
        ScenarioError,
        SelectieError,
        SolverError,
        UnprovenLotteryError,
    )
    from .lottery import (
        Draw,
        Lottery,
        LotteryMethod,
        UniformLottery,
        fair_lottery,
        round_to_uniform,
    )
    from .manifest import selection_manifest
    from .models import Project, json_schema
    from .plot import (
        plot_coverage,
        plot_distribution,
        plot_feasibility,
        plot_frequency,
        save_figure,
    )
    from .pool import Pool, load_pool
    from .published import load_reference
    from .pulp_model import PulpProgram, pulp_program
    from .quick_checks import quick_checks
    from .report import TableSet, tables
    from .result import Audit, Selection, Status
    from .scenario import (
        BUNDLED_SCENARIOS,
        Bridges,
        Citation,
        Combination,
        Coverage,
        GroupLimit,
        Objective,
        Preference,
        Quota,
        Scenario,
        load_scenario,
    )
    from .selection_file import read_selection
    from .sortition import read_sortition
    from .whatif import (
        Alternatives,
        Importance,
        Replacement,
        alternatives,
        importance,
        replace,
    )
