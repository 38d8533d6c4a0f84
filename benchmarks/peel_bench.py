#!/usr/bin/env python3
"""Leximin and maximin on the hard pools with and without the peel of the fractional leximin.

Every run is a child process of its own (this script with ``--child``), one after the other,
with ``OPENBLAS_NUM_THREADS=1``; each child reports the CPU time (``time.process_time``) and
wall time of the computation alone (after imports and reading the files), and the parent
records the child's whole CPU time (``getrusage(RUSAGE_CHILDREN)``). Two kinds of run:

- ``parts``: the peel alone (:mod:`selectie.lottery.peel`): the fractional leximin (LPs),
  the walk (steps, panels found as an integral LP vertex / by the small integer program near
  it / by the integer program over the face, dead ends), the final LP, complete or not;
- ``maxparts``: the same for maximin's peel (a vertex of the relaxation at the fractional
  maximin, :func:`~selectie.lottery.peel.fractional_vertex`, peeled looking for any panel);
- ``lottery``: ``fair_lottery`` with ``LEXIMIN.peel`` (leximin) or ``LEXIMIN.peel_maximin``
  (maximin) on or off (off: also ``MAXIMIN_PEEL.auto`` off, so maximin never peels; the
  default peels where the fractional bound combines quota rows): status, minimum, rounds,
  master solves, pricing calls, panels.

    python benchmarks/peel_bench.py --plan "2000/200:leximin:on,2000/200:leximin:off" --cap 600
    python benchmarks/peel_bench.py --plan "750/112:parts,750/112:maximin:on"

Nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

DEFAULT_PLAN = (
    "300/45:parts,sf_e/1727/110:parts,750/112:parts,2000/200:parts,"
    "300/45:leximin:on,300/45:leximin:off,2000/200:leximin:on,2000/200:leximin:off,"
    "sf_e/1727/110:leximin:on,sf_e/1727/110:leximin:off,750/112:maximin:on"
)


def child(people: Path, quotas: Path, size: int, kind: str, peel_on: bool) -> dict[str, Any]:
    """One run in this process: the figures as a dict."""
    from selectie.sortition import read_sortition

    pool, scenario = read_sortition(people, quotas, size=size)
    if kind in ("parts", "maxparts"):
        from selectie.constraints import compile_scenario
        from selectie.lottery.heuristics import Quotas, Relaxation
        from selectie.lottery.peel import fractional_leximin, fractional_vertex, peel
        from selectie.lottery.program import selection_model

        compiled = compile_scenario(pool, scenario)
        model = selection_model(compiled, objective=False)
        prof, milp = model.grouping, model.base
        quota_rows = Quotas.of(milp, prof.count)
        cpu, wall = time.process_time(), time.perf_counter()
        rows = list(range(prof.count))
        if kind == "parts":
            target = fractional_leximin(milp, rows, prof.sizes, [])
        else:  # maximin's peel: a vertex at the fractional maximin, any panel per face
            bound = Relaxation(milp, rows, prof.sizes, []).bound({})
            target = None if bound is None else fractional_vertex(milp, prof.sizes, bound[0])
        cpu_target = time.process_time() - cpu
        if target is None or quota_rows is None:
            return {"note": "no fractional target (or rows other than 0/1)"}
        out = peel(milp, quota_rows, prof.sizes, target, weighted=kind == "parts")
        return {
            "cpu": time.process_time() - cpu,
            "wall": time.perf_counter() - wall,
            "cpu_target": cpu_target,
            "cpu_walk": out.cpu_walk,
            "cpu_polish": out.cpu_polish,
            "minimum": float((target / prof.sizes).min()),
            **out.summary(),
        }
    from selectie.lottery import fair_lottery
    from selectie.lottery.maximin_peel import MAXIMIN_PEEL
    from selectie.lottery.stuck import LEXIMIN

    # on: the peel on every pool; off: never (maximin's default peels where the fractional
    # bound combines quota rows, see selectie/lottery/maximin_peel.py)
    LEXIMIN.peel = LEXIMIN.peel_maximin = MAXIMIN_PEEL.auto = peel_on
    cpu, wall = time.process_time(), time.perf_counter()
    lot = fair_lottery(pool, scenario, method=kind, solver="highs")
    info = lot.info
    assert info is not None
    return {
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
        "status": lot.status.value,
        "minimum": min(p.probability for p in lot.profiles),
        "rounds": info.rounds,
        "master_calls": info.master_calls,
        "pricing_calls": info.pricing_calls,
        "panels": info.columns,
        "accuracy": info.accuracy,
        "message": lot.message,
        "peel": info.peel,
    }


def run(item: str, cap: float, seed: int, tmp: Path) -> dict[str, Any]:
    """One plan item in a child process (``instance:parts`` or ``instance:method:on|off``)."""
    from hard_pools import written

    name, kind, *flag = item.split(":")
    peel_on = (flag or ["on"])[0] == "on"
    found = list(written(name, seed, tmp))
    if not found:
        raise SystemExit(f"unknown instance {name!r}")
    _, inst, people, quotas = found[0]
    args = [sys.executable, __file__, "--child", str(people), str(quotas), str(inst.size), kind]
    args.append("on" if peel_on else "off")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    row: dict[str, Any] = {"instance": name, "kind": kind, "peel": peel_on}
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=cap, env=env, check=False
        )
        if done.returncode == 0:
            row.update(json.loads(done.stdout.strip().splitlines()[-1]))
        else:
            row["note"] = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        row["note"] = f"stopped at the {cap:.0f} s wall cap"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    row["child_cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    row["child_wall"] = time.perf_counter() - start
    return row


def line(row: dict[str, Any]) -> str:
    """One printed line per run."""
    head = f"{row['instance']:14} {row['kind']:8} {'on ' if row['peel'] else 'off'}"
    times = f"cpu {row.get('cpu', float('nan')):7.2f} s (child {row['child_cpu']:7.2f})"
    times += f" wall {row.get('wall', row['child_wall']):7.2f} s"
    if "note" in row:
        return f"{head} {times}  {row['note']}"
    if row["kind"] in ("parts", "maxparts"):
        return (
            f"{head} {times}  target {row['cpu_target']:.2f} walk {row['cpu_walk']:.2f} "
            f"LP {row['cpu_polish']:.2f}; {row['steps']} steps, {row['panels']} panels "
            f"(vertex {row['by_lp']}, near {row['by_round']}, face IP "
            f"{row['by_integer_program']}), {row['dead_ends']} dead ends, "
            f"{'complete' if row['complete'] else 'INCOMPLETE: ' + str(row['failure'])}, "
            f"deviation {row['deviation']}, minimum {100 * row['minimum']:.7f}%"
        )
    peel = row.get("peel") or {}
    said = f"; peel {'complete' if peel.get('complete') else 'incomplete'}" if peel else ""
    return (
        f"{head} {times}  {row['status']}, minimum {100 * row['minimum']:.7f}%, "
        f"{row['rounds']} rounds, {row['master_calls']} master, {row['pricing_calls']} "
        f"pricing, {row['panels']} panels{said}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        people, quotas, size, kind, flag = sys.argv[2:7]
        out = child(Path(people), Path(quotas), int(size), kind, flag == "on")
        print(json.dumps(out))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--plan",
        default=DEFAULT_PLAN,
        help="instance:parts or instance:method:on|off items, comma-separated",
    )
    ap.add_argument("--cap", type=float, default=600.0, help="wall-clock cap per run (s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write every run's figures here")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for item in args.plan.split(","):
            row = run(item.strip(), args.cap, args.seed, Path(tmp))
            rows.append(row)
            print(line(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
