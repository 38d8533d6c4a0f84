#!/usr/bin/env python3
"""uniform_best with HiGHS: presolve on against presolve off in its session (issue 16).

For every bundled scenario (and, with ``--sortition``, the lottery instances of
backend_choice.py: fixture_150, example_small_20, the hard 300/45 of hard_pools.py) and
k = 1, 2, 3: ``fair_lottery(method="uniform_best", solver="highs")`` with HiGHS's presolve
on and off, alternately, ``--reps`` times each. Prints the median CPU seconds of each (this
process, ``time.process_time``; HiGHS runs in process) and whether the two list the same
panels in the same order; where they do not, whether each rank ties (the same objective
stage values and the same profile-order sum, recomputed in plain Python as
backend_choice.py does) or differs.

Usage (from the repository root):

    python benchmarks/kbest_presolve.py --reps 3
    python benchmarks/kbest_presolve.py --reps 3 --sortition --ks 1,2,3

Nothing is asserted; figures are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from backend_choice import SORTITION, lottery_answer  # noqa: E402

from selectie import load_pool, load_scenario  # noqa: E402
from selectie.constraints import compile_scenario  # noqa: E402
from selectie.lottery import fair_lottery, kbest  # noqa: E402
from selectie.scenario import BUNDLED_SCENARIOS  # noqa: E402
from selectie.sortition import read_sortition  # noqa: E402


def instances(sortition: bool, generated: list[int]) -> list[tuple[str, Any, Any]]:
    pool = load_pool()
    out = [(name, pool, load_scenario(name)) for name in BUNDLED_SCENARIOS]
    if generated:
        import engine_bench
        import generate

        folder = Path(tempfile.mkdtemp(prefix="selectie-kbest-"))
        for n in generated:
            csv_path = generate.write(folder / f"pool-{n}-seed1.csv", n, seed=1)
            big = load_pool(csv_path)
            for objective in engine_bench.OBJECTIVES:
                spec = engine_bench.make_spec(csv_path, n, objective)
                out.append((f"{n} cases {objective}", big, engine_bench.selectie_scenario(spec)))
    if sortition:
        fixture = SORTITION / "sortition_algorithms_fixture_150"
        p, sc = read_sortition(
            fixture / "candidates.csv",
            fixture / "features.csv",
            size=22,
            id_column="nationbuilder_id",
        )
        out.append(("fixture_150", p, sc))
        small = SORTITION / "example_small_20"
        p, sc = read_sortition(small / "respondents.csv", small / "categories.csv", size=20)
        out.append(("example_small_20", p, sc))
        import hard_pools

        inst = hard_pools.INSTANCES["300/45"](1)
        people, quotas = inst.write(Path(tempfile.mkdtemp(prefix="selectie-hard-")))
        p, sc = read_sortition(people, quotas, size=inst.size)
        out.append(("hard 300/45", p, sc))
    return out


def run(pool: Any, sc: Any, k: int, presolve: bool, seed: int) -> tuple[float, Any]:
    kbest.HIGHS_PRESOLVE = presolve
    start = time.process_time()
    lot = fair_lottery(pool, sc, method="uniform_best", k=k, solver="highs", seed=seed)
    return time.process_time() - start, lot


def panels(lot: Any) -> list[tuple[tuple[int, int], ...]]:
    return [
        tuple((t.profile, t.count) for t in e.take)
        for e in sorted(lot.support, key=lambda e: e.rank)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--ks", default="1,2,3")
    parser.add_argument("--sortition", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--seed", type=int, default=1, help="the solver seed")
    parser.add_argument("--generated", default="", help="generated pool sizes, e.g. 1000,10000")
    args = parser.parse_args()
    ks = [int(x) for x in args.ks.split(",")]
    only = {x for x in args.only.split(",") if x}
    fair_lottery(load_pool(), load_scenario("bijlage4"), method="uniform_best", k=1, solver="highs")
    print(f"seed {args.seed}")
    print(f"{'instance':<26}{'k':>2}{'on cpu':>9}{'off cpu':>9}  runs on / off; answers")
    for label, pool, sc in instances(
        args.sortition, [int(x) for x in args.generated.split(",") if x]
    ):
        if only and label not in only:
            continue
        answer = lottery_answer(compile_scenario(pool, sc))
        for k in ks:
            times: dict[bool, list[float]] = {True: [], False: []}
            seen: dict[bool, list[Any]] = {True: [], False: []}
            for rep in range(args.reps):
                for presolve in (True, False) if rep % 2 == 0 else (False, True):
                    t, lot = run(pool, sc, k, presolve, args.seed)
                    times[presolve].append(t)
                    seen[presolve].append(lot)
            on, off = seen[True][0], seen[False][0]
            stable = all(panels(x) == panels(on) for x in seen[True]) and all(
                panels(x) == panels(off) for x in seen[False]
            )
            checks = {answer(x).checked for x in seen[True] + seen[False]}
            if panels(on) == panels(off) and on.status is off.status:
                text = "same panels, same order"
            else:
                ranks_on = [p for _, p in sorted(answer(on).detail[1], key=lambda r: r[0])]
                ranks_off = [p for _, p in sorted(answer(off).detail[1], key=lambda r: r[0])]
                if ranks_on == ranks_off and on.status is off.status:
                    text = "other panels; tie rank by rank: " + str(ranks_on)
                else:
                    text = f"DIFFERENT: {on.status} {ranks_on} vs {off.status} {ranks_off}"
            print(
                f"{label:<26}{k:>2}{statistics.median(times[True]):>9.2f}"
                f"{statistics.median(times[False]):>9.2f}  "
                + " ".join(f"{t:.2f}" for t in times[True])
                + " / "
                + " ".join(f"{t:.2f}" for t in times[False])
                + f"; {text}; check {'/'.join(sorted(checks))}"
                + ("" if stable else "; NOT STABLE across runs"),
                flush=True,
            )


if __name__ == "__main__":
    main()
