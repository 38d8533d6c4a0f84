#!/usr/bin/env python3
"""One line per leximin round on the hard pools: which round takes the time, and why.

For each round of :meth:`selectie.lottery.leximin._Fair.fair`: the minimum ``t`` the master
reaches, the proven gap, the fractional bound (the relaxation's, proven with the master's
levels; ``none`` when the relaxation gave none, ``lowered 1e-12`` when it was found only at
fixed levels lowered that much, see ``leximin._LOWER``), the free profiles' lowest level in
the peeled lottery, the master solves and pricing calls the round used, and its CPU time.
The hooks wrap the package's methods from outside (a diagnostic; nothing in the package
changes). Each instance runs in this process, one after the other, with
``OPENBLAS_NUM_THREADS=1`` advised:

    OPENBLAS_NUM_THREADS=1 python benchmarks/leximin_trace.py --only sf_e/1727/110

Nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def trace(people: Path, quotas: Path, size: int) -> None:
    """Leximin on one instance, a line per round (and per pricing step of a long round)."""
    from selectie.lottery import fair_lottery, leximin
    from selectie.sortition import read_sortition

    pool, scenario = read_sortition(people, quotas, size=size)
    start = time.process_time()
    state: dict[str, Any] = {"cpu": start, "master": 0, "pricing": 0}
    relaxation_bound = leximin._Fair.relaxation_bound
    generate = leximin._Fair.generate

    def bound_hook(self: Any, master: Any, pricer: Any, lagrangian: Any, fixed: Any = None) -> Any:
        out = relaxation_bound(self, master, pricer, lagrangian, fixed)
        if fixed is None:
            state["bound"] = None if out is None else out[0]
            state["lowering"] = self.lowering
            state["fixed"] = len(master.fixed)
            if self.peel_levels is not None:
                free = [r for r in range(len(master.rows)) if r not in master.fixed]
                state["peel"] = float(self.peel_levels[free].min()) if free else None
        return out

    def generate_hook(self: Any, master: Any, pricer: Any, rows: Any, **kw: Any) -> Any:
        out = generate(self, master, pricer, rows, **kw)
        now = time.process_time()
        pricing = pricer.calls + pricer.relaxed_calls + self.pricing_calls
        bound = state.get("bound")
        said = "none" if bound is None else f"{100 * bound:.9f}%"
        if bound is not None and state.get("lowering"):
            said += f" (lowered {state['lowering']:.0e})"
        peel = state.get("peel")
        text = (
            "stopped"
            if out is None
            else f"t {100 * out[0]:.9f}% gap {out[2]:.1e} {'proven' if out[4] else 'NOT proven'}"
        )
        print(
            f"round {self.rounds:3}: {text}; fractional bound {said}; "
            f"peel's lowest free level {'-' if peel is None else f'{100 * peel:.9f}%'}; "
            f"{state.get('fixed', 0)} fixed; master {master.calls - state['master']}, "
            f"pricing {pricing - state['pricing']}; {now - state['cpu']:.2f} s CPU",
            flush=True,
        )
        state.update(cpu=now, master=master.calls, pricing=pricing)
        return out

    leximin._Fair.relaxation_bound = bound_hook  # type: ignore[method-assign]
    leximin._Fair.generate = generate_hook  # type: ignore[method-assign]
    try:
        lot = fair_lottery(pool, scenario, method="leximin", solver="highs")
    finally:
        leximin._Fair.relaxation_bound = relaxation_bound  # type: ignore[method-assign]
        leximin._Fair.generate = generate  # type: ignore[method-assign]
    info = lot.info
    assert info is not None
    print(
        f"{lot.status.value}, minimum {100 * min(p.probability for p in lot.profiles):.7f}%, "
        f"{info.rounds} rounds, {info.master_calls} master solves, {info.pricing_calls} "
        f"pricing, {info.columns} panels, accuracy {info.accuracy}; "
        f"{time.process_time() - start:.2f} s CPU in all"
    )


def main() -> None:
    from hard_pools import instances_from_command_line

    for name, inst, people, quotas in instances_from_command_line(__doc__.split("\n\n")[0]):
        print(f"== {name}", flush=True)
        trace(people, quotas, inst.size)


if __name__ == "__main__":
    main()
