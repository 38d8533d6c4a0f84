#!/usr/bin/env python3
"""Diagnosis benchmark: explain, alternatives, importance and replace on the bundled pool.

Times, with each backend, on the bundled 126-project pool:

- ``explain``: Bijlage 4 with overlap 2 on every table attribute (infeasible): quick checks,
  minimal conflict (QuickXplain) with its verification, smallest relaxation re-solved;
- ``alternatives --count 100`` on ``bijlage4.toml`` (max_overlap);
- ``importance`` on ``bijlage4.toml`` and on ``bijlage4-exact.toml`` (match_target: each
  replacement cost is a hard deviation minimisation);
- ``replace`` of one of the report's 13 (R09) under ``bijlage4-exact.toml``.

Usage (from the repository root):

    python benchmarks/diagnose_bench.py                  # both backends, 1 repetition
    python benchmarks/diagnose_bench.py --solvers highs --reps 3

Figures are printed (median wall-clock seconds and solver calls); nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selectie import (  # noqa: E402 - after the path set-up above
    alternatives,
    explain,
    importance,
    load_pool,
    load_scenario,
    replace,
)


def timed(fn: Callable[[], Any], reps: int) -> tuple[float, Any]:
    """Median wall-clock seconds of ``reps`` runs, and the last result."""
    times, result = [], None
    for _ in range(reps):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solvers", default="cbc,highs", help="comma-separated backends")
    parser.add_argument("--reps", type=int, default=1, help="repetitions per figure")
    parser.add_argument("--count", type=int, default=100, help="alternatives to list")
    args = parser.parse_args()

    pool = load_pool()
    bijlage4 = load_scenario()
    exact = load_scenario(ROOT / "examples" / "bijlage4-exact.toml")
    overlap2 = bijlage4.with_overlap(2, list(pool.codebook.table_attributes))
    report13 = [i for i in pool.ids if i.startswith("R")]

    print(f"python {platform.python_version()} on {platform.machine()}, pool of {len(pool)}")
    print(f"{'task':<44} {'solver':<6} {'seconds':>8} {'calls':>6}  result")
    for solver in args.solvers.split(","):
        tasks: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
            (
                "explain (overlap 2 on every attribute)",
                lambda s=solver: explain(pool, overlap2, solver=s),
                lambda r: f"conflict of {len(r.conflict)}; {len(r.moves)} moves",
            ),
            (
                f"alternatives --count {args.count} (bijlage4)",
                lambda s=solver: alternatives(pool, bijlage4, count=args.count, solver=s),
                lambda r: f"{len(r.selections)} listed; {r.summary().split('; ')[-1]}",
            ),
            (
                "importance (bijlage4)",
                lambda s=solver: importance(pool, bijlage4, solver=s),
                lambda r: f"{len(r.indispensable)} indispensable, {len(r.impossible)} impossible",
            ),
            (
                "importance (bijlage4-exact)",
                lambda s=solver: importance(pool, exact, solver=s),
                lambda r: f"{len(r.indispensable)} indispensable, {len(r.impossible)} impossible",
            ),
            (
                "replace --drop R09 (bijlage4-exact)",
                lambda s=solver: replace(pool, exact, report13, ["R09"], solver=s),
                lambda r: r.summary(),
            ),
        ]
        for name, fn, describe in tasks:
            seconds, result = timed(fn, args.reps)
            calls = getattr(result, "solver_calls", "")
            print(f"{name:<44} {solver:<6} {seconds:>8.2f} {calls!s:>6}  {describe(result)}")


if __name__ == "__main__":
    main()
