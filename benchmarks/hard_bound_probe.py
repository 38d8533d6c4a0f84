#!/usr/bin/env python3
"""What the fractional bound of a hard pool rests on, and whether an exact pricing sharpens it.

For each instance of ``benchmarks/hard_pools.py`` this prints the maximin bound of the fairest
*fractional* selection (``selectie.lottery.heuristics.Relaxation``), the number of distinct
dual weights per case it puts on the profiles and the number of quota rows its weights combine
(rows with a nonzero dual in the LP ``max w.x`` over the relaxation, from scipy's HiGHS), and the
Lagrangian bound of the same weights through the **exact** selection integer program (HiGHS,
solved to the end). When that integer maximum is below the LP maximum, the exact pricing gives a
stronger bound than the fractional one; when they agree, the fractional bound is the best bound
these weights can give, and it is attained or not only by how far the column generation gets.

A bound that rests on one quota row (two weight values, 0 and 1: a value held by N people with an
upper quota hi gives every panel at most hi of them, so someone gets at most hi / N) is attained
by a lottery whenever the other quotas leave room; a bound that combines many rows may not be.

Usage (from the repository root): ``python benchmarks/hard_bound_probe.py [--only 750/112]``.
Diagnostic only: nothing is asserted, nothing is timed for comparison.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from hard_pools import instances_from_command_line  # noqa: E402 - after the path is set


def probe(people: Path, quotas: Path, size: int) -> str:
    from scipy.optimize import linprog

    from selectie.constraints import compile_scenario
    from selectie.formulation import Clock
    from selectie.lottery.heuristics import Quotas, Relaxation
    from selectie.lottery.program import selection_model
    from selectie.lottery.solvers import TUNING, _Pricer
    from selectie.sortition import read_sortition

    pool, scenario = read_sortition(people, quotas, size=size)
    compiled = compile_scenario(pool, scenario)
    model = selection_model(compiled, objective=False)
    prof, milp = model.grouping, model.base
    count = prof.count
    sizes = prof.sizes.astype(float)
    out = Relaxation(milp, list(range(count)), prof.sizes, []).bound({})
    if out is None:
        return "the fractional bound could not be computed"
    bound, y = out
    w = y / sizes
    w = w / w.max()
    rows = Quotas.of(milp, count)
    assert rows is not None
    member = rows.member.astype(float)
    a_ub, b_ub = [], []
    for r in range(member.shape[0]):
        if np.isfinite(rows.hi[r]):
            a_ub.append(member[r])
            b_ub.append(rows.hi[r])
        if np.isfinite(rows.lo[r]):
            a_ub.append(-member[r])
            b_ub.append(-rows.lo[r])
    lp = linprog(
        -w,
        A_ub=np.array(a_ub),
        b_ub=np.array(b_ub),
        bounds=list(zip([0] * count, rows.ub, strict=True)),
        method="highs",
    )
    tight = int((np.abs(lp.ineqlin.marginals) > 1e-9).sum())
    TUNING.early_stop = 0.0  # the integer program to the end
    pricer = _Pricer(milp, "highs", 1, Clock(None))
    cpu = time.process_time()
    solved = pricer.solve({p: float(w[p]) for p in range(count) if w[p] > 0}, "max")
    cpu = time.process_time() - cpu
    total = float((w * sizes).sum())  # sum of y, scaled like w
    exact = pricer.last_bound / total
    return (
        f"{count} profiles; fractional bound {100 * bound:.7f}%; its weights take "
        f"{len(np.unique(np.round(w, 9)))} values and combine {tight} quota row(s); "
        f"LP maximum {-lp.fun / total * 100:.7f}%, exact integer maximum {100 * exact:.7f}% "
        f"({solved.status.value}, {cpu:.2f} s CPU)"
    )


def main() -> None:
    for name, inst, people, quotas in instances_from_command_line(__doc__.split("\n\n")[0]):
        print(f"{name}: {probe(people, quotas, inst.size)}", flush=True)


if __name__ == "__main__":
    main()
