#!/usr/bin/env python3
"""Hard sortition pools: selectie's fair lotteries against ``sortition-algorithms``, side by side.

The instances come from ``benchmarks/hard_pools.py`` (self-selected pools, quotas from
population shares; 300/45, 750/112, the sf_e-shaped 1727/110 and 2000/200). For each instance
and method, selectie and the peer each run in their **own child process**, one after the other,
with a wall-clock cap (``--cap``); the parent measures each child's **CPU time** with
``resource.getrusage(RUSAGE_CHILDREN)`` (the difference around that child: user + system of
the child and everything it waited for), and each child reports the wall time and CPU time of
the computation itself (after reading the files and importing the libraries), which is the
figure compared. Both tools' minimum selection probabilities are printed to 1e-7.

Methods: ``maximin`` against the peer's ``find_distribution_maximin`` on each of its backends
(``highspy`` from the shared environment, ``mip`` = CBC through python-mip from a separate
environment, since python-mip needs an old cffi); ``nash`` against ``find_distribution_nash``
(cvxpy); ``leximin`` by selectie only (the peer's leximin needs the commercial Gurobi).

Usage (from the repository root):

    python benchmarks/hard_sortition_bench.py                       # all instances, cap 600 s
    python benchmarks/hard_sortition_bench.py --only 300/45 --methods maximin --cap 120
    python benchmarks/hard_sortition_bench.py --peer highspy=/work/venv/bin/python \\
        --peer mip=/tmp/peer-venv/bin/python --json figures.json

Set up the CBC peer environment once: ``python3 -m venv /tmp/peer-venv &&
/tmp/peer-venv/bin/pip install sortition-algorithms==0.12.15 mip==1.15.0``.
Nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from hard_pools import INSTANCES  # noqa: E402 - after the path is set

PEER_SCRIPT = HERE / "_sortition_peer.py"
MARK = "@@sortition-peer-result "
DEFAULT_PEERS = ("highspy=/work/venv/bin/python", "mip=/tmp/peer-venv/bin/python")
#: Both tools' children run with single-threaded BLAS: on a shared machine OpenBLAS threads
#: spin and burn CPU time without doing work (measured: 40x the CPU time of one thread for
#: the same small products), which would charge the load of the machine to whichever tool
#: uses numpy. HiGHS and CBC run single-threaded either way.
CHILD_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


@dataclass
class Row:
    instance: str
    method: str
    tool: str
    seconds: float | None = None
    cpu: float | None = None
    child_cpu: float | None = None
    minimum: float | None = None
    note: str = ""


def child(people: str, quotas: str, size: int, method: str, cap: float) -> None:
    """Run selectie in this (child) process and print one JSON line after MARK."""
    sys.path.insert(0, str(REPO))
    from selectie.lottery import fair_lottery
    from selectie.sortition import read_sortition

    pool, scenario = read_sortition(people, quotas, size=size)
    start, cpu = time.perf_counter(), time.process_time()
    lot = fair_lottery(pool, scenario, method=method, time_limit=cap)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    info = lot.info.to_dict() if lot.info else {}
    out = {
        "seconds": seconds,
        "cpu": cpu,
        "minimum": lot.min_probability,
        "status": lot.status.value,
        "bound": lot.bound,
        "panels": len(lot.support),
        "info": info,
        "message": lot.message,
    }
    print(MARK + json.dumps(out))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(cmd: list[str], cap: float) -> tuple[dict[str, Any] | None, float, str]:
    """(result or None, CPU seconds of the child, note)."""
    before = _children_cpu()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap + 30, env=CHILD_ENV)
    except subprocess.TimeoutExpired:
        return None, _children_cpu() - before, f"stopped at the {cap + 30:.0f} s cap"
    used = _children_cpu() - before
    lines = [x for x in done.stdout.splitlines() if x.startswith(MARK)]
    if done.returncode != 0 or not lines:
        text = (done.stdout + done.stderr).strip().splitlines()
        last = text[-1][:80] if text else "no output"
        return None, used, f"failed (exit {done.returncode}): {last}"
    return json.loads(lines[-1][len(MARK) :]), used, ""


def run_selectie(name: str, paths: tuple[Path, Path], size: int, method: str, cap: float) -> Row:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(paths[0]),
        str(paths[1]),
        str(size),
        method,
        str(cap),
    ]
    result, used, note = _run(cmd, cap)
    row = Row(name, method, "selectie (highs)", cpu=used, note=note)
    if result is not None:
        row.seconds, row.child_cpu, row.minimum = (
            result["seconds"],
            result["cpu"],
            result["minimum"],
        )
        info = result["info"]
        row.note = (
            f"{result['status']}, {info.get('profiles')} profiles, {result['panels']} panels, "
            f"{info.get('rounds')} rounds, {info.get('pricing_calls')} pricing, "
            f"{info.get('master_calls')} master"
        )
        if result["message"]:
            row.note += f"; {result['message'][:80]}"
    return row


def run_peer(
    name: str,
    paths: tuple[Path, Path],
    size: int,
    method: str,
    backend: str,
    python: str,
    cap: float,
) -> Row:
    cmd = [python, str(PEER_SCRIPT), str(paths[1]), str(paths[0]), str(size), method, backend, "id"]
    result, used, note = _run(cmd, cap)
    row = Row(name, method, f"sortition-algorithms ({backend})", cpu=used, note=note)
    if result is not None:
        if "skipped" in result:
            row.note = result["skipped"]
            return row
        probs = [p for p in result["probabilities"].values() if p > 1e-9]
        row.seconds, row.child_cpu = result["seconds"], result.get("cpu")
        row.minimum = min(probs) if probs else None
        row.note = f"{result['committees']} panels"
    return row


def fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def table(rows: list[Row]) -> list[str]:
    head = ["instance", "method", "tool", "wall s", "cpu s", "min probability", "cpu ratio", "note"]
    body = []
    for r in rows:
        ratio = ""
        ours = next(
            (
                x
                for x in rows
                if (x.instance, x.method) == (r.instance, r.method) and "selectie" in x.tool
            ),
            None,
        )
        if r is not ours and ours is not None and ours.child_cpu and r.child_cpu:
            ratio = f"{r.child_cpu / ours.child_cpu:.1f}x"
        elif r is not ours and ours is not None and ours.child_cpu and r.seconds is None:
            ratio = f">= {r.cpu / ours.child_cpu:.1f}x" if r.cpu else ""
        body.append(
            [
                r.instance,
                r.method,
                r.tool,
                fmt(r.seconds, ".2f"),
                fmt(r.child_cpu if r.child_cpu is not None else r.cpu, ".2f"),
                fmt(None if r.minimum is None else 100 * r.minimum, ".7f")
                + ("%" if r.minimum else ""),
                ratio,
                r.note,
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-" * len(lines[0]))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(b, widths, strict=True)) for b in body]
    return lines


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        people, quotas, size, method, cap = sys.argv[2:7]
        child(people, quotas, int(size), method, float(cap))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--methods", default="maximin,leximin,nash")
    ap.add_argument("--peer", action="append", help="BACKEND=PYTHON (repeat)")
    ap.add_argument(
        "--plan",
        default="",
        help="instance:method[:backends] items separated by commas, e.g. "
        "'300/45:maximin:mip+highspy,2000/200:leximin'; overrides --only/--methods",
    )
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--cap", type=float, default=600.0, help="wall-clock cap per run (s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    peers = [p.split("=", 1) for p in (args.peer or DEFAULT_PEERS)] if not args.no_peer else []
    peers = [(b, py) for b, py in peers if Path(py).exists()]
    print(
        f"started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}; {platform.platform()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cpus; peers: "
        + (", ".join(f"{b} ({py})" for b, py in peers) or "none"),
        flush=True,
    )
    wanted = {x for x in args.only.split(",") if x}
    methods = [m for m in args.methods.split(",") if m]
    plan: list[tuple[str, str, list[str] | None]] = []
    if args.plan:
        for item in args.plan.split(","):
            parts = item.split(":")
            plan.append((parts[0], parts[1], parts[2].split("+") if len(parts) > 2 else None))
    else:
        plan = [(n, m, None) for n in INSTANCES if not wanted or n in wanted for m in methods]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        made: dict[str, Any] = {}
        for name, method, backends in plan:
            if name not in made:
                made[name] = INSTANCES[name](args.seed)
                made[name].write(Path(tmp) / name.replace("/", "_"))
                print(made[name].summary(), flush=True)
            inst = made[name]
            folder = Path(tmp) / name.replace("/", "_")
            paths = (folder / "people.csv", folder / "quotas.csv")
            todo = [("selectie", None, None)]
            if method in ("maximin", "nash"):
                todo += [("peer", b, py) for b, py in peers if backends is None or b in backends]
            for kind, backend, python in todo:
                if kind == "selectie":
                    row = run_selectie(name, paths, inst.size, method, args.cap)
                else:
                    assert backend is not None and python is not None
                    row = run_peer(name, paths, inst.size, method, backend, python, args.cap)
                rows.append(row)
                print("  " + table([row])[2], flush=True)
    print()
    print("\n".join(table(rows)))
    print(
        "cpu s = CPU seconds of the computation in the child (after imports and reading); "
        "cpu ratio = the peer's / selectie's on the same instance and method"
    )
    print(
        f"finished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")


if __name__ == "__main__":
    main()
