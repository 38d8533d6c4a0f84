#!/usr/bin/env python3
"""What `selectie lottery --uniform M` costs as M grows: the measurement behind its cap.

One fair lottery (maximin, HiGHS) is computed once on a hard pool (``hard_pools.py``'s
300/45 instance, synthetic, generated here with seed 1); then, for each M, the rounding
(:func:`selectie.lottery.uniform.round_to_uniform`: the counts, the m concrete panels and the
re-check of every distinct panel), the seeded draw (SHA-256 over the listing of all m panels),
the draw sheet's text and the JSON record (:meth:`UniformLottery.to_dict`, which lists every
panel). Each is timed in CPU and wall seconds; the peak of Python's memory during each is
taken with tracemalloc (which slows what it watches: the times are taken in a separate run
without it). Sizes are of the text a run prints or writes.

Usage (from the repository root):

    python benchmarks/uniform_cap.py                 # M = 10^3, 10^4, 10^5
    python benchmarks/uniform_cap.py --m 1000 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, CPU seconds, wall seconds) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - cpu, time.perf_counter() - wall


def peak_mib(fn: Callable[[], Any]) -> float:
    """The peak of Python's allocations during one call, in MiB."""
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    """Print one row per M and step: CPU s, wall s, peak MiB, output size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()

    from benchmarks.hard_pools import written
    from selectie import fair_lottery
    from selectie.lottery.uniform import round_to_uniform
    from selectie.sortition import read_sortition

    folder = Path(tempfile.mkdtemp())
    _name, inst, people, quotas = next(written("300/45", 1, folder))
    pool, scenario = read_sortition(people, quotas, size=inst.size)
    lot, cpu, wall = timed(lambda: fair_lottery(pool, scenario, method="maximin", solver="highs"))
    print(
        f"pool 300/45 (hard, synthetic), maximin: {len(lot.support)} panels in the support, "
        f"{len(lot.profiles)} profiles; {cpu:.1f} s CPU, {wall:.1f} s wall"
    )
    print(f"{'M':>8}  {'step':<10} {'CPU s':>8} {'wall s':>8} {'peak MiB':>9} {'output MB':>10}")
    for m in args.m:
        rounded, cpu, wall = timed(lambda m=m: round_to_uniform(lot, m))
        mem = peak_mib(lambda m=m: round_to_uniform(lot, m))
        distinct = len(set(rounded.panels))
        print(f"{m:>8}  {'rounding':<10} {cpu:>8.2f} {wall:>8.2f} {mem:>9.1f} {'':>10}")
        print(f"{'':>8}  ({distinct} distinct panels re-checked)")
        steps: dict[str, Callable[[], Any]] = {
            "draw": lambda r=rounded: r.draw_number("2026"),
            "sheet": lambda r=rounded: r.sheet(),
            "json": lambda r=rounded: json.dumps(r.to_dict(1)),
        }
        for name, fn in steps.items():
            out, cpu, wall = timed(fn)
            mem = peak_mib(fn)
            size_mb = f"{len(out) / 1e6:.1f}" if isinstance(out, str) else ""
            print(f"{'':>8}  {name:<10} {cpu:>8.2f} {wall:>8.2f} {mem:>9.1f} {size_mb:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
