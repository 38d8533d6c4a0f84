#!/usr/bin/env python3
"""The leximin rounds of the *fractional* selection on the hard pools (LPs only).

Every lottery's expected counts lie in the LP relaxation of the selection program, so the
leximin of that relaxation shows how many rounds, at which levels, leximin needs when the
relaxation is tight (as it is on ``300/45``, where leximin proves these very levels). Each
round: the fractional maximin over the free profiles given the fixed ones
(:class:`selectie.lottery.heuristics.Relaxation`), then the profiles stuck at it
(:class:`selectie.lottery.stuck.StuckSet`) are fixed. CPU time is that of the LPs alone.

    python benchmarks/hard_pools.py /tmp/hard && python benchmarks/leximin_rounds.py
    python benchmarks/leximin_rounds.py --only 2000/200

Nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from hard_pools import instances_from_command_line  # noqa: E402 - after the path is set

from selectie.constraints import compile_scenario  # noqa: E402
from selectie.lottery.heuristics import Relaxation  # noqa: E402
from selectie.lottery.peel import fractional_rounds  # noqa: E402
from selectie.lottery.program import selection_model  # noqa: E402
from selectie.lottery.stuck import _RISE as STUCK_RISE  # noqa: E402
from selectie.lottery.stuck import StuckSet  # noqa: E402
from selectie.sortition import read_sortition  # noqa: E402


def rounds(people: Path, quotas: Path, size: int) -> tuple[list[tuple[float, int]], float]:
    """[(level, profiles fixed at it)] of the fractional leximin, and the CPU seconds."""
    pool, scenario = read_sortition(people, quotas, size=size)
    compiled = compile_scenario(pool, scenario)
    model = selection_model(compiled, objective=False)
    prof, milp = model.grouping, model.base
    cpu = time.process_time()
    rows = list(range(prof.count))  # every profile (the pools have no unselectable case)
    relaxation = Relaxation(milp, rows, prof.sizes, [])
    stuck = StuckSet(milp, rows, prof.sizes, [])
    found = fractional_rounds(relaxation, stuck, len(rows), rise=STUCK_RISE)
    if found is None:
        raise SystemExit("HiGHS gave no optimum, or no profile was proven stuck at a level")
    out = [(level, len(fixed_rows)) for level, fixed_rows in found]
    return out, time.process_time() - cpu


def main() -> None:
    for name, inst, people, quotas in instances_from_command_line(__doc__.split("\n\n")[0]):
        found, cpu = rounds(people, quotas, inst.size)
        levels = ", ".join(f"{100 * level:.2f} % ({n})" for level, n in found)
        print(f"{name}: {len(found)} rounds, {cpu:.2f} s CPU; level (profiles fixed):")
        print(f"  {levels}", flush=True)


if __name__ == "__main__":
    main()
