#!/usr/bin/env python3
"""Engine benchmark: selectie against a plain hand-written PuLP model of the same problem.

For generated pools of 126, 10 000 and 100 000 items with the WODC codebook's shape
(``benchmarks/generate.py``), the same scenario is solved

- by selectie, end to end: ``load_pool(csv)`` with full validation, then ``select()``
  (compile, build the program over profiles, every solver stage including the tie-break by
  pool order, re-check in plain Python), with CBC and with HiGHS;
- by a hand-written PuLP model, as a user would write it in a notebook: ``pandas.read_csv``,
  one binary per item, one ``prob += lpSum(...) >= n`` per quota, solved with
  ``pulp.PULP_CBC_CMD(msg=False)`` and with ``pulp.HiGHS(msg=False)``, then reading the answer.

Every run happens in a fresh subprocess, so its peak memory is its own. ``self`` is the
child's ``ru_maxrss`` (exact). ``cbc`` is the peak resident memory (``VmHWM``) of the CBC
binary PuLP starts on the CBC route, read from ``/proc`` by the parent every few milliseconds
(``RUSAGE_CHILDREN`` is no use here: a forked child is charged with its parent's pages before
it execs CBC, so it reports the Python process's size). The table compares
``peak = self + cbc``, an upper bound on the memory the run held at once (the Python process
keeps its memory while CBC runs). Library imports (selectie, numpy, PuLP, highspy, pandas)
happen before the clock starts, in both children; their memory is counted. Both answers are
checked with :func:`selectie.audit` after the measurement.

Usage (from the repository root; the 100 000-item runs take a few minutes):

    python benchmarks/engine_bench.py                       # all sizes, 3/3/1 repetitions
    python benchmarks/engine_bench.py --reps-large 3        # 3 repetitions at 100 000 too
    python benchmarks/engine_bench.py --sizes 126,10000 --tools selectie
    python benchmarks/engine_bench.py --json figures.json   # also write the raw figures

Figures are printed; nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = (126, 10_000, 100_000)
#: How many cases each pool size selects.
K_FOR = {126: 13, 10_000: 100, 100_000: 1000}
SEED = 1
TOOLS = ("selectie", "pulp")
BACKENDS = ("cbc", "highs")
OBJECTIVES = ("feasibility", "match_target")

# The value lists a notebook user would type (they are the codebook's codes).
REGIONS = [
    "Amsterdam-Amstelland", "Zeeland-Brabant", "Den Haag", "Rotterdam", "Limburg",
    "Oost-Nederland", "Noord-Nederland", "Noord-Holland", "Midden-Nederland",
    "Landelijke partners",
]  # fmt: skip
CLUSTERS = [
    "risicolocaties", "kwetsbare gebieden", "weerbare overheid", "weerbare samenleving",
    "geldstromen",
]  # fmt: skip
TYPES = [
    "ICT-tool", "proeftuin", "management", "controle en handhaving", "integraal team",
    "fenomeenonderzoek", "opleiding", "allerhande",
]  # fmt: skip
LEVELS = ["district", "regio", "landelijk", "internationaal"]
THEORIE = [
    "context en gelegenheid", "intelligence", "organisatie en management", "uitvoerkracht",
    "borging",
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# The problem, once as numbers (spec), then as a selectie Scenario and as a PuLP model
# --------------------------------------------------------------------------------------------


def make_spec(csv_path: Path, size: int, objective: str) -> dict[str, Any]:
    """The bounds of the benchmark scenario for a pool (k cases), as plain numbers.

    match_target asks for each region's share of the pool (largest remainder of k x share).
    """
    k = K_FOR.get(size, max(1, round(size / 100)))
    spec: dict[str, Any] = {
        "k": k,
        "regio_min": max(1, k // 20),
        "cluster_min": max(1, k // 15),
        "type_min": max(1, k // 50),
        "type_max": math.ceil(0.3 * k),
        "level_min": max(1, k // 40),
        "theorie_overlap": 2,
        "ports_min": max(1, k // 50),
        "target": None,
    }
    if objective == "match_target":
        import csv

        with csv_path.open(encoding="utf-8", newline="") as f:
            regions = [row["regio"] for row in csv.DictReader(f)]
        counts = {r: regions.count(r) for r in REGIONS}
        exact = {r: k * c / len(regions) for r, c in counts.items()}
        target = {r: math.floor(x) for r, x in exact.items()}
        rest = sorted(REGIONS, key=lambda r: (-(exact[r] - target[r]), REGIONS.index(r)))
        for r in rest[: k - sum(target.values())]:
            target[r] += 1
        spec["target"] = target
    return spec


def selectie_scenario(spec: dict[str, Any]) -> Any:
    """The benchmark scenario as selectie states it."""
    from selectie.scenario import Combination, Coverage, Objective, Quota, Scenario

    objective = (
        Objective(kind="match_target", target={"regio": spec["target"]})
        if spec["target"]
        else Objective()
    )
    return Scenario(
        name="engine benchmark",
        size=spec["k"],
        quotas=(
            Quota(attribute="regio", min=spec["regio_min"]),
            Quota(attribute="cluster", values=tuple(CLUSTERS), min=spec["cluster_min"]),
            Quota(attribute="type", min=spec["type_min"], max=spec["type_max"]),
            Quota(attribute="geografisch_niveau", min=spec["level_min"]),
        ),
        coverage=(Coverage(attributes=("theorie",), overlap=spec["theorie_overlap"]),),
        combinations=(
            Combination(
                name="mainport projects in Rotterdam",
                where={"regio": "Rotterdam", "cluster": "risicolocaties"},
                min=spec["ports_min"],
            ),
        ),
        objective=objective,
    )


def run_selectie(csv_path: Path, spec: dict[str, Any], solver: str) -> dict[str, Any]:
    """selectie end to end, with the stages timed by wrapping the engine's own steps."""
    from selectie import engine, load_pool

    if solver == "cbc":
        import pulp  # noqa: F401

        import selectie.solve.cbc
    else:
        import highspy  # noqa: F401

        import selectie.solve.highs  # noqa: F401

    phases: dict[str, float] = {
        "compile": 0.0,
        "build": 0.0,
        "translate": 0.0,
        "solve": 0.0,
        "verify": 0.0,
    }
    facts: dict[str, Any] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - t

        return wrapper

    class TimedBackend:
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.name = inner.name

        def version(self) -> str:
            return str(self.inner.version())

        def solve(self, milp: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            raw = self.inner.solve(milp, **kw)
            total = time.perf_counter() - t
            phases["solve"] += raw.seconds
            phases["translate"] += total - raw.seconds
            return raw

        def solve_lp(self, milp: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            lp = self.inner.solve_lp(milp, **kw)
            total = time.perf_counter() - t
            seconds = lp.seconds if lp is not None else total
            phases["solve"] += seconds
            phases["translate"] += total - seconds
            return lp

    real_model = engine.SelectionModel

    def model(compiled: Any) -> Any:
        m = real_model(compiled)
        facts["profiles"] = m.num_profiles
        return m

    engine.compile_scenario = timed("compile", engine.compile_scenario)  # type: ignore[assignment]
    engine.SelectionModel = timed("build", model)  # type: ignore[assignment,misc]
    engine.recheck = timed("verify", engine.recheck)  # type: ignore[assignment]
    real_get = engine.get_backend
    engine.get_backend = lambda name: TimedBackend(real_get(name))  # type: ignore[assignment,return-value]

    scenario = selectie_scenario(spec)
    t0 = time.perf_counter()
    pool = load_pool(csv_path)
    t1 = time.perf_counter()
    sel = engine.select(pool, scenario, solver=solver)
    t2 = time.perf_counter()
    usage = _usage()
    phases["other"] = (t2 - t1) - sum(phases.values())
    info = sel.solver
    return {
        "load": t1 - t0,
        **phases,
        "total": t2 - t0,
        **usage,
        "status": sel.status.value,
        "n_selected": len(sel.ids),
        "audit_ok": bool(sel.audit and sel.audit.ok),
        "objective": None if sel.objective is None else sel.objective.value,
        "items": len(pool),
        "profiles": facts.get("profiles"),
        "variables": info.variables if info else None,
        "rows": info.rows if info else None,
        "stages": len(info.stages) if info else 0,
    }


def run_pulp(csv_path: Path, spec: dict[str, Any], solver: str) -> dict[str, Any]:
    """The hand-written model: one binary per item, one constraint per quota."""
    import pandas as pd
    import pulp

    t0 = time.perf_counter()
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    t1 = time.perf_counter()

    k = spec["k"]
    x = pulp.LpVariable.dicts("x", df.index, cat="Binary")
    prob = pulp.LpProblem("selection", pulp.LpMinimize)
    prob += pulp.lpSum(x.values()) == k, "size"
    for r in REGIONS:
        prob += pulp.lpSum(x[i] for i in df.index[df["regio"] == r]) >= spec["regio_min"]
    for c in CLUSTERS:
        prob += pulp.lpSum(x[i] for i in df.index[df["cluster"] == c]) >= spec["cluster_min"]
    for t in TYPES:
        members = df.index[df["type"] == t]
        prob += pulp.lpSum(x[i] for i in members) >= spec["type_min"]
        prob += pulp.lpSum(x[i] for i in members) <= spec["type_max"]
    for g in LEVELS:
        prob += (
            pulp.lpSum(x[i] for i in df.index[df["geografisch_niveau"] == g]) >= spec["level_min"]
        )
    theorie = df["theorie"].str.split("|")
    for v in THEORIE:
        members = df.index[theorie.apply(lambda s, v=v: v in s)]
        prob += pulp.lpSum(x[i] for i in members) >= spec["theorie_overlap"]
    ports = df.index[(df["regio"] == "Rotterdam") & (df["cluster"] == "risicolocaties")]
    prob += pulp.lpSum(x[i] for i in ports) >= spec["ports_min"]
    if spec["target"]:
        dev = pulp.LpVariable.dicts("d", REGIONS, lowBound=0)
        for r, want in spec["target"].items():
            count = pulp.lpSum(x[i] for i in df.index[df["regio"] == r])
            prob += dev[r] >= count - want
            prob += dev[r] >= want - count
        prob += pulp.lpSum(dev.values())
    t2 = time.perf_counter()

    if solver == "cbc":
        prob.solve(pulp.PULP_CBC_CMD(msg=False))
    else:
        prob.solve(pulp.HiGHS(msg=False))
    t3 = time.perf_counter()
    chosen = [df["id"][i] for i in df.index if (x[i].value() or 0) > 0.5]
    t4 = time.perf_counter()
    usage = _usage()
    objective = pulp.value(prob.objective) if spec["target"] else 0.0
    out = {
        "load": t1 - t0,
        "build": t2 - t1,
        "solve": t3 - t2,
        "verify": t4 - t3,
        "total": t4 - t0,
        **usage,
        "status": pulp.LpStatus[prob.status],
        "n_selected": len(chosen),
        "objective": objective,
        "items": len(df),
        "variables": len(prob.variables()),
        "rows": len(prob.constraints),
    }
    # Checked after the measurement: is the hand-written answer a valid selection?
    from selectie import audit, load_pool

    out["audit_ok"] = audit(load_pool(csv_path), selectie_scenario(spec), chosen).ok
    return out


def _usage() -> dict[str, float]:
    """Peak resident memory (MB) of this process, and ``RUSAGE_CHILDREN`` (see the docstring)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return {"mem_self": own, "mem_rusage_children": kids}


def _descendants(root: int) -> list[int]:
    """The pids of the processes below ``root`` (Linux /proc)."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent[int(entry.name)] = int(fields[1])
    out, frontier = [], [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        frontier += kids
    return out


def _hwm(pid: int) -> tuple[str, float] | None:
    """A process's name and peak resident memory (MB), or None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    name, hwm = "", 0.0
    for line in text.splitlines():
        if line.startswith("Name:"):
            name = line.split(None, 1)[1].strip()
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    return name, hwm


# --------------------------------------------------------------------------------------------
# The parent: generate pools, run children, print the table
# --------------------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    runner = run_selectie if args.child == "selectie" else run_pulp
    result = runner(Path(args.csv), spec, args.solver)
    print(json.dumps(result))
    return 0


def run_child(tool: str, csv_path: Path, spec_path: Path, solver: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        tool,
        "--csv",
        str(csv_path),
        "--spec",
        str(spec_path),
        "--solver",
        solver,
    ]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        # The solver processes' peak memory, sampled until the child ends. A sample taken
        # between fork and exec shows the Python parent's name and size, so only processes
        # that are not Python count (a zombie shows no memory: the maximum ignores it).
        seen: dict[int, float] = {}
        watch = os.path.isdir("/proc")
        while proc.poll() is None:
            if watch:
                for pid in _descendants(proc.pid):
                    got = _hwm(pid)
                    if got is not None and not got[0].startswith("python"):
                        seen[pid] = max(seen.get(pid, 0.0), got[1])
            time.sleep(0.005)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode()
        stderr = err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr[-3000:]}")
    result = dict(json.loads(stdout.strip().splitlines()[-1]))
    result["mem_solver"] = max(seen.values(), default=0.0)
    result["mem_peak"] = result["mem_self"] + result["mem_solver"]
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per numeric field, the median over the repetitions; other fields from the first run."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float) and not isinstance(value, bool):
            out[key] = statistics.median(r[key] for r in runs)
    out["reps"] = len(runs)
    return out


@contextmanager
def _data_dir(path: str | None) -> Iterator[Path]:
    if path:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        yield p
    else:
        with tempfile.TemporaryDirectory(prefix="selectie-bench-") as tmp:
            yield Path(tmp)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pulp

    import selectie

    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    from selectie.solve.highs import new_highs

    hv = getattr(new_highs(), "version", lambda: "?")()
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; selectie {getattr(selectie, '__version__', '?')}, "
        f"PuLP {pulp.__version__} (bundled CBC), HiGHS {hv}"
    )


def fmt_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def print_table(results: list[dict[str, Any]]) -> None:
    head = [
        "items", "k", "objective", "backend", "tool", "reps", "load", "build", "solve",
        "verify", "total s", "self MB", "cbc MB", "peak MB", "profiles", "vars", "rows",
        "status", "ok",
    ]  # fmt: skip
    lines = []
    for r in results:
        build = r["build"] + r.get("compile", 0.0)
        solve = r["solve"] + r.get("translate", 0.0) + r.get("other", 0.0)
        lines.append(
            [
                str(r["items"]), str(r["k"]), r["objective_kind"], r["backend"], r["tool"],
                str(r["reps"]), f"{r['load']:.2f}", f"{build:.2f}", f"{solve:.2f}",
                f"{r['verify']:.3f}", f"{r['total']:.2f}", f"{r['mem_self']:.0f}",
                f"{r['mem_solver']:.0f}", f"{r['mem_peak']:.0f}", str(r.get("profiles") or "-"),
                str(r["variables"]), str(r["rows"]), str(r["status"]), "yes" if r["audit_ok"]
                else "NO",
            ]
        )  # fmt: skip
    widths = [max(len(x) for x in col) for col in zip(head, *lines, strict=True)]
    print(fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for cells in lines:
        print(fmt_row(cells, widths))


def print_ratios(results: list[dict[str, Any]]) -> None:
    print("\nselectie / hand-written PuLP (same backend, same objective): lower is better")
    head = ["items", "objective", "backend", "time", "peak mem", "self mem"]
    rows = []
    by = {(r["items"], r["objective_kind"], r["backend"], r["tool"]): r for r in results}
    for (items, obj, backend, tool), r in by.items():
        if tool != "selectie":
            continue
        h = by.get((items, obj, backend, "pulp"))
        if h is None:
            continue
        rows.append(
            [
                str(items),
                obj,
                backend,
                f"{r['total'] / h['total']:.3f}",
                f"{r['mem_peak'] / h['mem_peak']:.3f}",
                f"{r['mem_self'] / h['mem_self']:.3f}",
            ]
        )
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    print(fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for cells in rows:
        print(fmt_row(cells, widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--reps", type=int, default=3, help="repetitions below 100 000 items")
    parser.add_argument(
        "--reps-large", type=int, default=1, help="repetitions from 100 000 items on (default 1)"
    )
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--objectives", default=",".join(OBJECTIVES))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--data-dir", default=None, help="keep the generated pools here")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--solver", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}")
    results: list[dict[str, Any]] = []
    with _data_dir(args.data_dir) as data:
        for size in sizes:
            csv_path = data / f"pool-{size}-seed{SEED}.csv"
            if not csv_path.exists():
                generate.write(csv_path, size, seed=SEED)
            for objective in args.objectives.split(","):
                spec = make_spec(csv_path, size, objective)
                spec_path = data / f"spec-{size}-{objective}.json"
                spec_path.write_text(json.dumps(spec), encoding="utf-8")
                reps = args.reps_large if size >= 100_000 else args.reps
                for backend in args.backends.split(","):
                    for tool in args.tools.split(","):
                        runs = [run_child(tool, csv_path, spec_path, backend) for _ in range(reps)]
                        r = median_run(runs)
                        r.update(tool=tool, backend=backend, objective_kind=objective, k=spec["k"])
                        results.append(r)
                        print(
                            f"  {size:>7} {objective:<13} {backend:<5} {tool:<8} "
                            f"{r['total']:7.2f} s  {r['mem_peak']:6.0f} MB  {r['status']}",
                            file=sys.stderr,
                            flush=True,
                        )
    print()
    print_table(results)
    print_ratios(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
