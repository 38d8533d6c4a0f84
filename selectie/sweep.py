"""Solving a grid of scenario variants: selection size × coverage overlap.

:func:`sweep` answers "from which size on can every criterion be covered twice? three times?"
by solving one variant per (size, overlap) pair and returning a DataFrame of status and
objective, one row per variant, sorted by size then overlap whatever the order in which the
solves finish. :func:`selectie.plot.plot_feasibility` draws it.

The variants are solved by any :mod:`concurrent.futures`-style executor: an object whose
``submit(fn, *args)`` returns a future with ``.result()``. By default a small local process
pool; a :class:`~concurrent.futures.ThreadPoolExecutor`, or a Dask cluster's
``distributed.Client(...).get_executor()``, work the same way. No scheduler of our own.

>>> from concurrent.futures import ThreadPoolExecutor
>>> from selectie import load_pool, load_scenario
>>> with ThreadPoolExecutor(2) as ex:
...     frame = sweep(load_pool(), load_scenario(), sizes=[4, 13], overlaps=[2], executor=ex)
>>> frame[["size", "overlap", "status"]].to_records(index=False).tolist()
[(4, 2, 'infeasible'), (13, 2, 'optimal')]
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ScenarioError, SelectieError
from .i18n import _
from .pool import Pool
from .scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from .progress import ProgressFn

__all__ = ["SubmitExecutor", "sweep"]

#: The columns every sweep frame starts with; objective parts and ``seconds`` may follow.
FIXED_COLUMNS = ("size", "overlap", "status", "objective")
#: The columns every sweep frame ends with.
TAIL_COLUMNS = ("selected", "message")
#: At most this many worker processes in the default executor (CI machines have 2 cores).
DEFAULT_WORKERS = 2


class _Future(Protocol):
    def result(self) -> Any: ...


class SubmitExecutor(Protocol):
    """Anything with a ``submit(fn, *args)`` that returns a future with ``.result()``:
    :class:`concurrent.futures.Executor`, ``distributed.Client(...).get_executor()``, ...

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(1) as ex:
    ...     isinstance(ex, Executor), ex.submit(sum, [1, 2]).result()
    (True, 3)
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> _Future: ...


def sweep(
    pool: Pool,
    scenario: Scenario,
    *,
    sizes: Iterable[int] = range(10, 21),
    overlaps: Iterable[int] = (1, 2, 3),
    attributes: Sequence[str] | None = None,
    solver: str = "highs",
    executor: SubmitExecutor | Executor | None = None,
    time_limit: float | None = None,
    timings: bool = False,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Solve ``scenario`` for every size in ``sizes`` and overlap in ``overlaps``.

    Overlap *k* means ``scenario.with_overlap(k, attributes)``: without ``attributes`` every
    coverage of the scenario requires *k* cases per value; with ``attributes``, coverage of
    those attributes at overlap *k* is added (or replaces theirs). Every variant is checked
    against the pool before anything is solved, so a bad name raises
    :class:`~selectie.errors.ScenarioError` at once.

    Returns a DataFrame with one row per variant, sorted by size then overlap: ``size``,
    ``overlap``, ``status`` (``optimal``, ``feasible``, ``infeasible``, ``no_solution`` or
    ``error``), ``objective`` (the objective's value, empty without a selection), one column
    per part of the objective (e.g. ``depth`` and ``total`` for ``max_overlap``), ``selected``
    (the selected ids, comma-separated, in pool order) and ``message``. With ``timings=True`` a
    ``seconds`` column (solver time per variant) is added; it is the only column that differs
    between runs.

    ``executor`` is any object whose ``submit(fn, *args)`` returns a future with ``.result()``.
    Without it, a local :class:`~concurrent.futures.ProcessPoolExecutor` of at most two
    ``spawn``-ed workers is created and shut down again. Spawned workers import the main
    module afresh: in a script (not in a notebook), call ``sweep`` under
    ``if __name__ == "__main__":``, as with any process pool, or pass a
    :class:`~concurrent.futures.ThreadPoolExecutor`. ``solver`` and ``time_limit`` (seconds per
    variant) are passed to :func:`selectie.select`. ``progress(done, total, what)`` is called
    as the variants finish (see :mod:`selectie.progress`).

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from selectie import load_pool, load_scenario
    >>> from selectie._resources import example_file
    >>> with ThreadPoolExecutor(1) as ex:
    ...     spread = load_scenario(example_file("bijlage4-spread.toml"))
    ...     frame = sweep(load_pool(), spread, sizes=[13], overlaps=[1, 2], executor=ex)
    >>> list(frame.columns)
    ['size', 'overlap', 'status', 'objective', 'depth', 'total', 'selected', 'message']
    >>> frame["status"].tolist()
    ['optimal', 'optimal']
    """
    import pandas as pd

    from .constraints import compile_scenario
    from .solve.backend import get_backend

    size_list = _positive_ints("sizes", sizes)
    overlap_list = _positive_ints("overlaps", overlaps)
    attrs = tuple(attributes) if attributes is not None else None
    if attrs is not None and not attrs:
        raise ScenarioError(
            "attributes is empty",
            hint="Leave attributes out to vary the overlap of the scenario's own coverage.",
        )
    if attrs is None and not scenario.coverage:
        raise ScenarioError(
            "the scenario has no coverage, so there is no overlap to vary",
            hint="Pass attributes=[...] to add coverage of those attributes at each overlap.",
        )
    get_backend(solver)  # a missing backend is reported before any work starts
    variants: list[tuple[int, int, Scenario]] = []
    for size in size_list:
        sized = scenario.with_size(size)
        for k in overlap_list:
            variant = sized.with_overlap(k, attrs)
            compile_scenario(pool, variant)
            variants.append((size, k, variant))

    own = executor is None
    ex: Any = executor if executor is not None else _default_executor(len(variants))
    try:
        futures = [ex.submit(_solve_variant, pool, v, solver, time_limit) for _s, _k, v in variants]
        results: list[dict[str, Any]] = []
        for (size, k, _v), f in zip(variants, futures, strict=True):
            if progress is not None:
                progress(
                    len(results), len(futures), _("size {size}, overlap {k}").format(size=size, k=k)
                )
            results.append(f.result())
        if progress is not None:
            progress(len(results), len(futures), _("done"))
    except BrokenProcessPool:
        raise SelectieError(
            "the sweep's worker processes stopped before they could solve anything; Python "
            "cannot start fresh workers when the main program is not a file it can re-import "
            '(code piped into `python -`) or a script lacks an `if __name__ == "__main__":` '
            "guard. Pass executor=concurrent.futures.ThreadPoolExecutor() to solve in threads."
        ) from None
    finally:
        if own:
            ex.shutdown(wait=True, cancel_futures=True)

    rows = []
    for (size, k, _variant), res in zip(variants, results, strict=True):
        row: dict[str, Any] = {"size": size, "overlap": k, **res}
        rows.append(row)
    rows.sort(key=lambda r: (r["size"], r["overlap"]))
    return _frame(pd, rows, timings)


def _positive_ints(name: str, values: Iterable[int]) -> list[int]:
    """The distinct values, sorted; each must be a positive whole number."""
    out: set[int] = set()
    bad = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            bad.append(v)
        else:
            out.add(v)
    if bad:
        raise ScenarioError(
            f"{name} must be positive whole numbers; found {', '.join(repr(b) for b in bad)}"
        )
    if not out:
        raise ScenarioError(f"{name} is empty; give at least one value")
    return sorted(out)


def _default_executor(n: int) -> Executor:
    """A small process pool whose workers start fresh (``spawn``), as safe in notebooks and
    under pytest as on Windows and macOS, and never inheriting a solver's threads.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(DEFAULT_WORKERS, os.cpu_count() or 1, n))
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _solve_variant(
    pool: Pool, scenario: Scenario, solver: str, time_limit: float | None
) -> dict[str, Any]:
    """Solve one variant (runs in a worker; module-level so that it pickles)."""
    from .engine import select

    start = time.perf_counter()
    try:
        sel = select(pool, scenario, solver=solver, time_limit=time_limit)
    except SelectieError as exc:
        return {
            "status": "error",
            "objective": None,
            "parts": {},
            "selected": "",
            "message": str(exc),
            "seconds": time.perf_counter() - start,
        }
    message = "; ".join(m for m in (sel.message, *sel.reasons) if m)
    obj = sel.objective if sel.ok else None
    return {
        "status": sel.status.value,
        "objective": obj.value if obj is not None else None,
        "parts": dict(obj.parts) if obj is not None else {},
        "selected": ", ".join(sel.ids),
        "message": message,
        "seconds": sel.solver.seconds if sel.solver is not None else time.perf_counter() - start,
    }


def _frame(pd: Any, rows: list[dict[str, Any]], timings: bool) -> pd.DataFrame:
    part_names: list[str] = []
    for r in rows:
        for p in r["parts"]:
            if p not in part_names and p not in FIXED_COLUMNS + TAIL_COLUMNS:
                part_names.append(p)
    data: dict[str, Any] = {
        "size": pd.array([r["size"] for r in rows], dtype="int64"),
        "overlap": pd.array([r["overlap"] for r in rows], dtype="int64"),
        "status": [r["status"] for r in rows],
        "objective": _numbers(pd, [r["objective"] for r in rows]),
    }
    for p in part_names:
        data[p] = _numbers(pd, [r["parts"].get(p) for r in rows])
    if timings:
        data["seconds"] = [float(r["seconds"]) for r in rows]
    data["selected"] = [r["selected"] for r in rows]
    data["message"] = [r["message"] for r in rows]
    return pd.DataFrame(data)


def _numbers(pd: Any, values: Sequence[float | None]) -> Any:
    """Whole numbers as nullable integers (``1``, not ``1.0``), others as nullable floats."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    if all(float(v).is_integer() for v in present):
        return pd.array([None if v is None else int(v) for v in values], dtype="Int64")
    return pd.array(values, dtype="Float64")
