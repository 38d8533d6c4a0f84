"""The run manifest: what produced a result, so that anyone can produce it again.

A manifest records selectie's version, the solver (name, version, seed, time limit), the
SHA-256 of every input file, the changes made to the scenario on the way, and the effective
scenario itself. The command line writes it into every JSON, CSV and XLSX output; a notebook
user gets the same record with :func:`selection_manifest`.

>>> from selectie import load_pool, load_scenario, select
>>> sel = select(load_pool(), load_scenario())
>>> m = selection_manifest(sel)
>>> m["files"]["pool"]["path"], m["solver"]["name"], m["scenario"]["size"]
('bundled:projects_126.csv', 'highs', 13)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .result import Selection
    from .scenario import Scenario

__all__ = ["bundled_default", "manifest", "selection_manifest"]


def _defaults() -> dict[str, Callable[[], Path]]:
    from ._resources import data_file, example_file

    return {
        "pool": lambda: data_file("projects_126.csv"),
        "codebook": lambda: data_file("wodc_codebook.toml"),
        "scenario": lambda: example_file("bijlage4.toml"),
    }


def bundled_default(role: str) -> Path | None:
    """The bundled file used when no file is given for ``role`` (pool, codebook, scenario).

    >>> bundled_default("codebook").name, bundled_default("quotas")
    ('wodc_codebook.toml', None)
    """
    default = _defaults().get(role)
    return default() if default is not None else None


def manifest(
    scenario: Scenario,
    *,
    files: Mapping[str, Path | None],
    bundled: Iterable[str] = (),
    changes: Sequence[str] = (),
    solver: str | None = None,
    solver_version: str | None = None,
    seed: int | None = None,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """The manifest of a run on ``scenario`` (the effective one, after any changes).

    ``files`` maps each role (``pool``, ``codebook``, ``scenario``, or any other input) to its
    file; None stands for the bundled default of that role, and a role without one is left
    out. Roles in ``bundled`` name a bundled file that was asked for by name; both are written
    ``bundled:<file name>``, with the file's SHA-256.

    >>> from selectie import load_scenario
    >>> m = manifest(load_scenario(), files={"pool": None}, changes=["--size 12"], seed=1)
    >>> sorted(m)
    ['changes', 'files', 'scenario', 'seed', 'selectie']
    >>> m["files"]["pool"]["path"], m["changes"]
    ('bundled:projects_126.csv', ['--size 12'])
    """
    from . import __version__
    from .export import file_digest

    named = set(bundled)
    entries: dict[str, Any] = {}
    for role, path in files.items():
        if path is None:
            real = bundled_default(role)
            if real is None:
                continue
            entries[role] = {"path": f"bundled:{real.name}", "sha256": file_digest(real)}
        elif role in named:
            entries[role] = {"path": f"bundled:{path.name}", "sha256": file_digest(path)}
        else:
            entries[role] = {"path": str(path), "sha256": file_digest(path)}
    data: dict[str, Any] = {"selectie": __version__}
    if solver is not None:
        data["solver"] = {"name": solver, "version": solver_version}
    if seed is not None:
        data["seed"] = seed
    if time_limit is not None:
        data["time_limit"] = time_limit
    data["files"] = entries
    data["changes"] = list(changes)
    data["scenario"] = scenario.to_dict() | {"size": scenario.size}
    return data


def selection_manifest(
    selection: Selection,
    *,
    scenario_file: str | Path | None = None,
    changes: Sequence[str] = (),
) -> dict[str, Any]:
    """The manifest of a selection made in Python: the pool's and codebook's files (as the
    pool records them; the bundled ones as ``bundled:<name>``), ``scenario_file`` if the
    scenario was read from one, the solver of the run and the effective scenario.

    >>> from selectie import Scenario, load_pool, select
    >>> m = selection_manifest(select(load_pool(), Scenario(size=2)))
    >>> sorted(m["files"]), "scenario" in m["files"]
    (['codebook', 'pool'], False)
    """
    pool = selection.pool
    files: dict[str, Path | None] = {}
    bundled: list[str] = []
    given = {
        "pool": pool.source,
        "codebook": pool.codebook.source,
        "scenario": None if scenario_file is None else str(scenario_file),
    }
    for role, source in given.items():
        if source is None:
            continue
        path = Path(source)
        files[role] = path
        default = bundled_default(role)
        if default is not None and path.resolve() == default.resolve():
            bundled.append(role)
    info = selection.solver
    return manifest(
        selection.scenario,
        files=files,
        bundled=bundled,
        changes=changes,
        solver=None if info is None else info.name,
        solver_version=None if info is None else info.version,
        seed=None if info is None else info.seed,
        time_limit=None if info is None else info.time_limit,
    )
