#!/usr/bin/env python3
"""Sortition benchmark: selectie's fair lotteries against ``sortition-algorithms``, side by side.

For each instance both tools compute a maximin distribution over valid panels, and the table
prints their wall time, the minimum selection probability they reach (over the people who can
be selected at all) and the ratio of times (peer seconds / selectie seconds):

- ``fixture_150``: the sortition-algorithms test fixture (150 people, 4 features, panel 22);
- generated pools of 300/45, 500/75 and 750/112 people/panel (the sizes of their published
  maximin benchmark, docs/benchmark_results.md there);
- ``example_small_20`` and ``example_large_200`` from the Nature paper's replication material,
  with leximin.

Leximin is run by selectie only: sortition-algorithms' leximin needs the commercial Gurobi
solver, which is not installed here; its figures are compared with the published LEXIMIN
running times of the paper (Gurobi 9.0.3 on a laptop: 2.7 s and 1161.8 s).

selectie runs in this process (time of ``fair_lottery`` only, after the files are read: it
includes the feasibility and coverage step and the plain-Python re-check of every panel).
sortition-algorithms runs in a separate virtual environment through
``benchmarks/_sortition_peer.py`` (time of ``find_distribution_maximin`` only, after reading);
it is never a dependency of selectie. Every run has a wall-clock cap (``--cap``), so the
benchmark always finishes: selectie returns what it has at the cap, a peer run is stopped.

Generated pools (``--generator``):

- ``scaled`` (default): the shape of sortition-algorithms' own benchmark pools: each person
  copies the four feature values of a uniformly drawn fixture person, and every quota is
  ``target ± 2`` around ``target = round(share in pool × panel size)`` (lower bound at least
  0). Written by this script (integer draws of ``random.Random(seed)`` only).
- ``gen-sample``: people made by sortition-algorithms' ``gen-sample`` routine
  (``people.create_readable_sample_file``: each feature value drawn independently, weighted
  by the fixture's maximum quotas), run in the peer environment with a fixed seed; quotas as
  above. This gives more distinct profiles (about 260 for 750 people).

Set up the peer environment once (it needs network access to PyPI):

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install "sortition-algorithms[cli,mip]"

Usage (from the repository root):

    python benchmarks/sortition_bench.py                        # everything, default cap 600 s
    python benchmarks/sortition_bench.py --generator gen-sample
    python benchmarks/sortition_bench.py --peer-python /path/to/venv/bin/python --cap 300
    python benchmarks/sortition_bench.py --only fixture_150,750/112 --json figures.json

Without the peer environment, selectie's figures are printed and the peer is reported as
skipped. Figures are printed; nothing here is a test and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from selectie.lottery import fair_lottery  # noqa: E402 - after the path is set
from selectie.sortition import read_sortition  # noqa: E402

#: The public instances (README there); ../shared/benchmarks/sortition beside the repository.
DEFAULT_DATA = Path(
    os.environ.get("SELECTIE_SORTITION_DATA", REPO.parent / "shared" / "benchmarks" / "sortition")
)
DEFAULT_PEER = os.environ.get("SORTITION_PEER_PYTHON", "/work/bench-venv/bin/python")
PEER_SCRIPT = HERE / "_sortition_peer.py"
MARK = "@@sortition-peer-result "
FEATURES = ("Gender", "age_bracket", "geo_bucket", "edu_level")
GENERATED = ((300, 45), (500, 75), (750, 112))
#: Published LEXIMIN running times (s) of the Nature paper (Gurobi 9.0.3, median of 3 runs).
PUBLISHED_LEXIMIN = {"example_small_20": 2.7, "example_large_200": 1161.8}
#: Published sortition-algorithms maximin times (s), docs/benchmark_results.md: (HiGHS, CBC).
PUBLISHED_PEER = {
    "fixture_150": (3.25, 1.40),
    "300/45": (30.3, 9.6),
    "500/75": (148.1, 41.8),
    "750/112": (261.1, 119.1),
}


@dataclass
class Instance:
    name: str
    people: Path
    quotas: Path
    size: int
    id_column: str | None
    methods: tuple[str, ...]
    peer: bool = True


@dataclass
class Row:
    instance: str
    method: str
    tool: str
    seconds: float | None
    minimum: float | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    cpu: float | None = None


# --------------------------------------------------------------------------------------------
# Instances
# --------------------------------------------------------------------------------------------


def scale_quotas(
    people: list[dict[str, str]], features: list[dict[str, str]], size: int
) -> list[list[str]]:
    """Quotas target ± 2 around round(share × size), for the features of the fixture."""
    rows = []
    n = len(people)
    for f in features:
        count = sum(1 for p in people if p[f["feature"]].lower() == f["value"].lower())
        target = round(count / n * size)
        lo, hi = max(0, target - 2), target + 2
        rows.append([f["feature"], f["value"], str(lo), str(hi), "0", str(hi + 2)])
    return rows


def write_instance(
    folder: Path, name: str, people: list[dict[str, str]], features: list[dict[str, str]], size: int
) -> tuple[Path, Path]:
    p = folder / f"people_{name}.csv"
    q = folder / f"quotas_{name}.csv"
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(people[0]))
        w.writeheader()
        w.writerows(people)
    with q.open("w", newline="", encoding="utf-8") as fh:
        qw = csv.writer(fh)
        qw.writerow(["feature", "value", "min", "max", "min_flex", "max_flex"])
        qw.writerows(scale_quotas(people, features, size))
    return p, q


def generate_scaled(fixture: Path, n: int, seed: int) -> list[dict[str, str]]:
    """n people, each copying the features of a uniformly drawn fixture person."""
    import random

    with (fixture / "candidates.csv").open(encoding="utf-8", newline="") as fh:
        base = list(csv.DictReader(fh))
    rng = random.Random(seed * 1_000_003 + n)
    people = []
    for i in range(n):
        template = base[rng.randrange(len(base))]
        people.append({"nationbuilder_id": f"gen_{i}", **{f: template[f] for f in FEATURES}})
    return people


GEN_SAMPLE = """
import sys
from pathlib import Path
from sortition_algorithms import adapters, people, utils
from sortition_algorithms.settings import Settings
features_csv, out_csv, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
utils.set_random_provider(seed)
source = adapters.CSVFileDataSource(features_file=Path(features_csv), people_file=Path(out_csv),
    already_selected_file=None, selected_file=Path("/"), remaining_file=Path("/"))
features, _ = adapters.SelectionData(source).load_features()
settings = Settings(id_column="nationbuilder_id", columns_to_keep=["first_name", "last_name"])
with open(out_csv, "w", newline="") as fh:
    people.create_readable_sample_file(features, fh, n, settings)
"""


def generate_gen_sample(
    peer: str, fixture: Path, n: int, seed: int, folder: Path
) -> list[dict[str, str]]:
    """n people from sortition-algorithms' gen-sample routine, seeded (peer environment)."""
    out = folder / f"gen_sample_{n}.csv"
    subprocess.run(
        [
            peer,
            "-c",
            GEN_SAMPLE,
            str(fixture / "features.csv"),
            str(out),
            str(n),
            str(seed * 1_000_003 + n),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def instances(
    data: Path, generator: str, seed: int, folder: Path, peer: str | None
) -> list[Instance]:
    fixture = data / "sortition_algorithms_fixture_150"
    out = [
        Instance(
            "fixture_150",
            fixture / "candidates.csv",
            fixture / "features.csv",
            22,
            "nationbuilder_id",
            ("maximin", "leximin"),
        )
    ]
    with (fixture / "features.csv").open(encoding="utf-8", newline="") as fh:
        features = list(csv.DictReader(fh))
    for n, k in GENERATED:
        if generator == "gen-sample":
            if peer is None:
                raise SystemExit("--generator gen-sample needs the peer environment")
            people = generate_gen_sample(peer, fixture, n, seed, folder)
        else:
            people = generate_scaled(fixture, n, seed)
        p, q = write_instance(folder, f"{n}_{k}", people, features, k)
        out.append(Instance(f"{n}/{k}", p, q, k, "nationbuilder_id", ("maximin", "leximin")))
    for name, k in (("example_small_20", 20), ("example_large_200", 200)):
        d = data / name
        out.append(
            Instance(
                name, d / "respondents.csv", d / "categories.csv", k, None, ("leximin",), peer=False
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------


def run_selectie(inst: Instance, method: str, solver: str, cap: float) -> Row:
    pool, scenario = read_sortition(
        inst.people, inst.quotas, size=inst.size, id_column=inst.id_column
    )
    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    lot = fair_lottery(pool, scenario, method=method, solver=solver, time_limit=cap)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    probs = list(lot.probabilities.values())
    note = lot.status.value
    if lot.info is not None:
        note += f", {lot.info.profiles} profiles, {len(lot.support)} panels"
        if method == "leximin":
            note += f", {lot.info.rounds} rounds"
    return Row(
        inst.name,
        method,
        f"selectie ({solver})",
        seconds,
        lot.min_probability,
        note,
        {"sum": sum(probs), "bound": lot.bound, "status": lot.status.value},
        cpu,
    )


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (CBC runs as a child process)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_peer(
    peer: str, inst: Instance, method: str, backend: str, cap: float, retries: int = 0
) -> Row:
    """One peer run; a crashed run is repeated up to ``retries`` times (the crash is noted)."""
    crashes: list[str] = []
    while True:
        row = _run_peer_once(peer, inst, method, backend, cap)
        if row.seconds is not None or not row.note.startswith("crashed") or len(crashes) >= retries:
            break
        crashes.append(row.note.split(";")[0])
    if crashes and row.seconds is None:
        row.note = f"crashed in all {len(crashes) + 1} runs; the last: {row.note}"
    elif crashes:
        row.note += f" (after {len(crashes)} crashed run{'s' if len(crashes) > 1 else ''}: "
        row.note += ", ".join(sorted(set(crashes))) + ")"
    return row


def _run_peer_once(peer: str, inst: Instance, method: str, backend: str, cap: float) -> Row:
    tool = f"sortition-algorithms ({backend})"
    cmd = [
        peer,
        str(PEER_SCRIPT),
        str(inst.quotas),
        str(inst.people),
        str(inst.size),
        method,
        backend,
        inst.id_column or "id",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return Row(inst.name, method, tool, None, None, f"stopped at the {cap:.0f} s cap")
    lines = [x for x in done.stdout.splitlines() if x.startswith(MARK)]
    if done.returncode != 0 or not lines:
        output = done.stdout + done.stderr
        if done.returncode < 0:
            why = f"crashed (signal {-done.returncode})"
            if "ERROR while running Cbc" in output:
                why = f"crashed: CBC aborted (signal {-done.returncode})"
        else:
            why = f"failed (exit {done.returncode})"
        last = next((x for x in reversed(output.splitlines()) if x.strip()), "no output")
        return Row(inst.name, method, tool, None, None, f"{why}; last line: {last[:60]}")
    result = json.loads(lines[-1][len(MARK) :])
    if "skipped" in result:
        return Row(inst.name, method, tool, None, None, result["skipped"])
    probs = list(result["probabilities"].values())
    selectable = [p for p in probs if p > 1e-9]
    return Row(
        inst.name,
        method,
        tool,
        result["seconds"],
        min(selectable) if selectable else None,
        f"{result['committees']} panels",
        {"sum": sum(probs)},
        result.get("cpu"),
    )


def peer_version(peer: str) -> str | None:
    try:
        done = subprocess.run(
            [
                peer,
                "-c",
                "import importlib.metadata as m; print(m.version('sortition-algorithms'))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def fmt_seconds(s: float | None) -> str:
    return "-" if s is None else f"{s:.2f}"


def fmt_prob(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.4f}%"


def print_table(rows: list[Row]) -> None:
    head = ["instance", "method", "tool", "seconds", "cpu s", "min probability", "ratio", "note"]
    table = []
    for r in rows:
        ratio = ""
        if not r.tool.startswith("selectie") and r.seconds is not None:
            ours = [
                x
                for x in rows
                if x.instance == r.instance
                and x.method == r.method
                and x.tool == "selectie (highs)"
            ]
            if ours and ours[0].seconds:
                ratio = f"{r.seconds / ours[0].seconds:.1f}x"
                if r.cpu is not None and ours[0].cpu:
                    ratio += f" ({r.cpu / ours[0].cpu:.1f}x cpu)"
        table.append(
            [
                r.instance,
                r.method,
                r.tool,
                fmt_seconds(r.seconds),
                fmt_seconds(r.cpu),
                fmt_prob(r.minimum),
                ratio,
                r.note,
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    print(line)
    print("-" * len(line))
    for t in table:
        print("  ".join(str(x).ljust(w) for x, w in zip(t, widths, strict=True)))
    print(
        "ratio = the peer's seconds / selectie (highs) seconds on the same instance and method "
        "(in brackets: the same for CPU seconds, less sensitive to other load on the machine)"
    )


def closing_note(rows: list[Row]) -> list[str]:
    """One line per instance and method: selectie (highs) against the fastest peer run (or
    the published figure), with the ratio of times and how the minimum probabilities compare.
    """
    out = []
    seen: list[tuple[str, str]] = []
    for r in rows:
        if (r.instance, r.method) not in seen:
            seen.append((r.instance, r.method))
    for instance, method in seen:
        group = [r for r in rows if r.instance == instance and r.method == method]
        ours = next((r for r in group if r.tool == "selectie (highs)"), None)
        others = [r for r in group if not r.tool.startswith("selectie") and r.seconds is not None]
        if ours is None or ours.seconds is None or ours.minimum is None:
            continue
        if not others:
            out.append(
                f"{instance} {method}: selectie {ours.seconds:.2f} s, minimum "
                f"{fmt_prob(ours.minimum)} (no peer figure)"
            )
            continue
        best = min(others, key=lambda r: r.seconds or 0.0)
        assert best.seconds is not None
        if best.minimum is None:
            verdict = "peer minimum unknown"
        elif ours.minimum >= best.minimum - 1e-6:
            verdict = "equal" if abs(ours.minimum - best.minimum) <= 1e-6 else "better"
            verdict = f"minimum {verdict}"
        else:
            verdict = "minimum LOWER"
        cpu = ""
        if best.cpu is not None and ours.cpu:
            cpu = f" ({best.cpu / ours.cpu:.1f}x in CPU time)"
        out.append(
            f"{instance} {method}: selectie {ours.seconds:.2f} s vs {best.tool} "
            f"{best.seconds:.2f} s = {best.seconds / ours.seconds:.1f}x faster{cpu}; "
            f"minimum {fmt_prob(ours.minimum)} vs {fmt_prob(best.minimum)} ({verdict})"
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public instances")
    ap.add_argument(
        "--peer-python",
        default=DEFAULT_PEER,
        help="python of the environment with sortition-algorithms (env SORTITION_PEER_PYTHON)",
    )
    ap.add_argument(
        "--peer-backends",
        default="highspy,mip",
        help="sortition-algorithms solver backends to run (highspy, mip)",
    )
    ap.add_argument("--solvers", default="highs,cbc", help="selectie pricing solvers")
    ap.add_argument("--generator", choices=("scaled", "gen-sample"), default="scaled")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cap", type=float, default=600.0, help="wall-clock cap per run (s)")
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument(
        "--peer-retries",
        type=int,
        default=2,
        help="repeat a crashed peer run up to this many times (its CBC backend sometimes aborts)",
    )
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()

    peer: str | None = args.peer_python
    version = peer_version(peer) if peer and Path(peer).exists() else None
    if version is None:
        print(
            f"sortition-algorithms is not installed at {args.peer_python!r}: the peer is "
            "skipped (see the set-up lines in this script's docstring)"
        )
        peer = None
    print(
        f"started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)"
    )
    print(
        f"platform: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cpus; sortition-algorithms {version or '(skipped)'}; "
        f"generator {args.generator}, seed {args.seed}, cap {args.cap:.0f} s"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        todo = instances(args.data, args.generator, args.seed, Path(tmp), peer)
        wanted = {x for x in args.only.split(",") if x}
        for inst in todo:
            if wanted and inst.name not in wanted:
                continue
            for method in inst.methods:
                for solver in [s for s in args.solvers.split(",") if s]:
                    row = run_selectie(inst, method, solver, args.cap)
                    rows.append(row)
                    print(
                        f"  {row.instance:18} {method:8} {row.tool:28} "
                        f"{fmt_seconds(row.seconds):>8} s  {fmt_prob(row.minimum)}",
                        flush=True,
                    )
                if not inst.peer:
                    rows.append(
                        Row(
                            inst.name,
                            method,
                            "paper (Gurobi, published)",
                            PUBLISHED_LEXIMIN[inst.name],
                            0.10,
                            "published LEXIMIN time and minimum",
                        )
                    )
                    continue
                if method == "leximin":
                    rows.append(
                        Row(
                            inst.name,
                            method,
                            "sortition-algorithms",
                            None,
                            None,
                            "skipped: its leximin needs Gurobi (commercial)",
                        )
                    )
                    continue
                for backend in [b for b in args.peer_backends.split(",") if b]:
                    if peer is None:
                        rows.append(
                            Row(
                                inst.name,
                                method,
                                f"sortition-algorithms ({backend})",
                                None,
                                None,
                                "skipped: not installed",
                            )
                        )
                        continue
                    row = run_peer(peer, inst, method, backend, args.cap, args.peer_retries)
                    rows.append(row)
                    print(
                        f"  {row.instance:18} {method:8} {row.tool:28} "
                        f"{fmt_seconds(row.seconds):>8} s  {fmt_prob(row.minimum)}  {row.note}",
                        flush=True,
                    )
    print()
    print_table(rows)
    print(
        "published sortition-algorithms maximin times (s, HiGHS / CBC, their machine): "
        + ", ".join(f"{k} {h} / {c}" for k, (h, c) in PUBLISHED_PEER.items())
    )
    print()
    print(
        f"finished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)"
    )
    print("closing note (selectie with HiGHS against the fastest peer run or published figure):")
    for line in closing_note(rows):
        print("  " + line)
    if args.json:
        args.json.write_text(
            json.dumps([r.__dict__ for r in rows], indent=2) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
