#!/usr/bin/env python3
"""Which backend should be the default: every task of the benchmark set with CBC and with
HiGHS, timed, every answer re-checked, and the answers of the two compared.

Tasks (issue 16: "choose the default backend by measurement on the benchmark set"):

- ``select`` on every bundled scenario (:data:`selectie.scenario.BUNDLED_SCENARIOS`'s
  names) and on engine_bench.py's generated pools of 10 000 cases (feasibility and
  match_target);
- diagnose_bench.py's tasks: ``explain`` (Bijlage 4 with overlap 2 on every table attribute,
  infeasible), ``alternatives --count 100`` (bijlage4, bijlage4-spread), ``importance``
  (bijlage4-spread, bijlage4-exact), ``replace --drop R09`` (bijlage4-exact);
- lotteries: fixture_150 (maximin, leximin), example_small_20 (leximin), the hard 300/45 of
  benchmarks/hard_pools.py (seed 1; maximin), and ``uniform_best`` (k = 3) on the bundled
  scenarios.

Each run is re-checked in plain Python (every selection against every constraint; the
lottery's panels and probabilities by the library's own re-check, and its probabilities
summing to the panel size). The answers are compared: where the two backends differ, the
script says whether the difference is a tie between equally good answers (the same
objective stage values and the same pool-order sum, or the same costs, the same minimum
probability) and which stage ties, or prints DIFFERENT. CPU is this process and its
children (CBC runs as a child process) by ``resource.getrusage``; wall is
``time.perf_counter``. Each task runs once per backend per repetition, the backends
alternating, after one untimed warm-up call of ``select`` per backend (imports, first
HiGHS object); the table gives the median of ``--reps``.

Usage (from the repository root; the sortition data from ../shared/benchmarks/sortition or
$SELECTIE_SORTITION_DATA):

    python benchmarks/backend_choice.py                 # every task, 1 repetition
    python benchmarks/backend_choice.py --reps 3 --only select,lottery

Nothing is asserted; figures are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from selectie import (  # noqa: E402 - after the path set-up above
    alternatives,
    explain,
    importance,
    load_pool,
    load_scenario,
    replace,
    select,
)
from selectie.constraints import CompiledScenario, compile_scenario  # noqa: E402
from selectie.lottery import fair_lottery  # noqa: E402
from selectie.scenario import BUNDLED_SCENARIOS  # noqa: E402
from selectie.sortition import read_sortition  # noqa: E402

SORTITION = Path(
    os.environ.get("SELECTIE_SORTITION_DATA", ROOT.parent / "shared" / "benchmarks" / "sortition")
)
SOLVERS = ("cbc", "highs")


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def valid(compiled: CompiledScenario, positions: tuple[int, ...]) -> bool:
    """True if the selection passes every constraint, checked in plain Python."""
    return len(positions) == compiled.scenario.size and all(
        c.satisfied for c in compiled.check(positions)
    )


def stages(compiled: CompiledScenario, positions: tuple[int, ...]) -> dict[str, float]:
    """The objective's stage values of a selection, and its pool-order sum (the tie-break:
    sum of 1-based positions), computed in plain Python.
    """
    parts = {k: float(v) for k, v in compiled.objective.evaluate(positions).parts.items()}
    parts["pool order"] = float(sum(p + 1 for p in positions))
    return parts


def tie_text(a: dict[str, float], b: dict[str, float]) -> str:
    """How two selections' stage values compare: which stages tie, which differ."""
    same = [k for k in a if k in b and abs(a[k] - b[k]) < 1e-6]
    diff = [k for k in a if k not in same]
    if not diff:
        return "tie (" + ", ".join(f"{k} {a[k]:g}" for k in same) + ")"
    if diff == ["pool order"]:
        return (
            "tie on every objective stage ("
            + ", ".join(f"{k} {a[k]:g}" for k in same)
            + f"), pool order {a['pool order']:g} vs {b['pool order']:g}"
        )
    return "DIFFERENT: " + ", ".join(f"{k} {a.get(k)} vs {b.get(k)}" for k in diff)


@dataclass
class Answer:
    """What one run gave: a key to compare, a re-check verdict, and a description."""

    key: Any
    checked: str
    text: str
    detail: Any = None


@dataclass
class Task:
    group: str
    name: str
    run: Callable[[str], Any]
    answer: Callable[[Any], Answer]
    compare: Callable[[Answer, Answer], str]


# -- answers and comparisons, per kind of task ---------------------------------------------


def select_answer(compiled: CompiledScenario) -> Callable[[Any], Answer]:
    def answer(sel: Any) -> Answer:
        ok = sel.ok and valid(compiled, sel.positions)
        parts = stages(compiled, sel.positions) if sel.ok else {}
        text = f"{sel.status.value}, {len(sel.ids)} cases"
        if parts:
            text += "; " + ", ".join(f"{k} {v:g}" for k, v in parts.items() if k != "pool order")
        return Answer(sel.ids, "ok" if ok else "FAILED", text, parts)

    return answer


def compare_select(a: Answer, b: Answer) -> str:
    if a.key == b.key:
        return "same selection"
    return tie_text(a.detail, b.detail)


def alternatives_answer(compiled: CompiledScenario) -> Callable[[Any], Answer]:
    def answer(r: Any) -> Answer:
        sels = [a.positions for a in r.selections]
        ok = sum(valid(compiled, s) for s in sels)
        levels = [stages(compiled, s) for s in sels]
        return Answer(
            [a.ids for a in r.selections],
            f"{ok}/{len(sels)} ok",
            f"{len(sels)} listed",
            levels,
        )

    return answer


def compare_alternatives(a: Answer, b: Answer) -> str:
    if a.key == b.key:
        return "same list"
    if len(a.key) != len(b.key):
        return f"DIFFERENT: {len(a.key)} vs {len(b.key)} listed"
    same_set = {frozenset(x) for x in a.key} == {frozenset(x) for x in b.key}
    strip = [{k: v for k, v in d.items() if k != "pool order"} for d in a.detail]
    strip_b = [{k: v for k, v in d.items() if k != "pool order"} for d in b.detail]
    if strip == strip_b:
        return ("same selections, other order" if same_set else "other selections") + (
            "; tie: the same stage values rank by rank"
        )
    return "DIFFERENT stage values"


def importance_answer(r: Any) -> Answer:
    costs = {c.id: c.loss for c in r.cases if c.loss is not None}
    flags = {c.id: (c.irreplaceable, c.impossible) for c in r.cases}
    replaced = {c.id: c.replaced_by for c in r.cases}
    ok = "ok" if r.status.has_selection else r.status.value
    text = f"{len(r.indispensable)} indispensable, {len(r.impossible)} impossible"
    return Answer((costs, flags), ok, text, replaced)


def compare_importance(a: Answer, b: Answer) -> str:
    if a.key != b.key:
        return "DIFFERENT costs or flags"
    if a.detail == b.detail:
        return "same costs, same replacements"
    n = sum(a.detail[i] != b.detail[i] for i in a.detail)
    return f"same costs; replaced_by differs for {n} cases (ties: equal cost)"


def explain_answer(r: Any) -> Answer:
    names = tuple(c.name for c in r.conflict)
    checked = "verified" if r.conflict_verified and r.relaxation_verified else "NOT verified"
    return Answer(
        (names, round(r.cost, 9)),
        checked,
        f"conflict of {len(names)}; {len(r.moves)} moves, cost {r.cost:g}",
    )


def compare_explain(a: Answer, b: Answer) -> str:
    if a.key == b.key:
        return "same conflict, same relaxation cost"
    if a.key[1] == b.key[1]:
        return "same relaxation cost; other minimal conflict (both verified minimal)"
    return "DIFFERENT relaxation cost"


def replace_answer(compiled: CompiledScenario) -> Callable[[Any], Answer]:
    def answer(r: Any) -> Answer:
        sel = r.selection
        ok = sel.ok and valid(compiled, sel.positions) and "R09" not in sel.ids
        parts = stages(compiled, sel.positions) if sel.ok else {}
        return Answer(sel.ids, "ok" if ok else "FAILED", f"added {' '.join(r.added)}", parts)

    return answer


def lottery_answer(compiled: CompiledScenario) -> Callable[[Any], Answer]:
    def answer(lot: Any) -> Answer:
        total = sum(lot.probabilities.values())
        ok = lot.ok and abs(total - compiled.scenario.size) < 1e-6
        ranks = []
        for e in lot.support:
            positions: list[int] = []
            for t in e.take:
                positions += lot.profiles[t.profile].positions[: t.count]
            sel = tuple(sorted(positions))
            if not valid(compiled, sel):
                ok = False
            parts = stages(compiled, sel)
            parts.pop("pool order")
            # uniform_best's tie-break: each profile weighted by its first case's position + 1
            parts["profile order"] = float(
                sum(t.count * (lot.profiles[t.profile].positions[0] + 1) for t in e.take)
            )
            ranks.append((e.rank, parts))
        low = lot.min_probability
        text = f"{lot.status.value}, min {low:.6f}, {len(lot.support)} panels"
        return Answer(dict(lot.probabilities), "ok" if ok else "FAILED", text, (low, ranks))

    return answer


def compare_lottery(a: Answer, b: Answer) -> str:
    diff = max(abs(a.key[i] - b.key.get(i, 0.0)) for i in a.key)
    low_a, ranks_a = a.detail
    low_b, ranks_b = b.detail
    if ranks_a and ranks_a[0][0] is not None:  # uniform_best: panels by rank
        levels_a = [p for _, p in sorted(ranks_a, key=lambda r: r[0])]
        levels_b = [p for _, p in sorted(ranks_b, key=lambda r: r[0])]
        if diff < 1e-9:
            return "same probabilities"
        if levels_a == levels_b:
            return "other panels; tie: the same stage values and profile-order sum rank by rank"
        return "DIFFERENT panels: " + str(levels_a) + " vs " + str(levels_b)
    if diff < 1e-6:
        return f"same probabilities (max diff {diff:.1e})"
    if abs(low_a - low_b) < 1e-6:
        return f"same minimum; probabilities differ by up to {diff:.4f} (maximin is not unique)"
    return f"DIFFERENT minimum {low_a:.6f} vs {low_b:.6f}"


# -- the tasks --------------------------------------------------------------------------------


def tasks(only: set[str]) -> list[Task]:
    out: list[Task] = []
    pool = load_pool()
    if not only or "select" in only:
        for name in BUNDLED_SCENARIOS:
            sc = load_scenario(name)
            cs = compile_scenario(pool, sc)
            out.append(
                Task(
                    "select",
                    f"select {name}",
                    lambda s, sc=sc: select(pool, sc, solver=s),
                    select_answer(cs),
                    compare_select,
                )
            )
        import engine_bench
        import generate

        folder = Path(tempfile.mkdtemp(prefix="selectie-backend-choice-"))
        csv_path = folder / "pool-10000-seed1.csv"
        generate.write(csv_path, 10_000, seed=1)
        big = load_pool(csv_path)
        for objective in engine_bench.OBJECTIVES:
            sc = engine_bench.selectie_scenario(engine_bench.make_spec(csv_path, 10_000, objective))
            cs = compile_scenario(big, sc)
            out.append(
                Task(
                    "select",
                    f"select 10 000 cases, {objective}",
                    lambda s, sc=sc: select(big, sc, solver=s),
                    select_answer(cs),
                    compare_select,
                )
            )
    if not only or "whatif" in only:
        default = load_scenario("bijlage4")
        spread = load_scenario("bijlage4-spread")
        exact = load_scenario("bijlage4-exact")
        overlap2 = spread.with_overlap(2, list(pool.codebook.table_attributes))
        report13 = [i for i in pool.ids if i.startswith("R")]
        out.append(
            Task(
                "whatif",
                "explain (overlap 2)",
                lambda s: explain(pool, overlap2, solver=s),
                explain_answer,
                compare_explain,
            )
        )
        for label, sc in (("bijlage4", default), ("bijlage4-spread", spread)):
            cs = compile_scenario(pool, sc)
            out.append(
                Task(
                    "whatif",
                    f"alternatives 100 {label}",
                    lambda s, sc=sc: alternatives(pool, sc, count=100, solver=s),
                    alternatives_answer(cs),
                    compare_alternatives,
                )
            )
        for label, sc in (("bijlage4-spread", spread), ("bijlage4-exact", exact)):
            out.append(
                Task(
                    "whatif",
                    f"importance {label}",
                    lambda s, sc=sc: importance(pool, sc, solver=s),
                    importance_answer,
                    compare_importance,
                )
            )
        cx = compile_scenario(pool, exact)
        out.append(
            Task(
                "whatif",
                "replace R09 bijlage4-exact",
                lambda s: replace(pool, exact, report13, ["R09"], solver=s),
                replace_answer(cx),
                compare_select,
            )
        )
    if not only or "lottery" in only:
        lotteries: list[tuple[str, Any, Any, str, int | None]] = []
        fixture = SORTITION / "sortition_algorithms_fixture_150"
        if fixture.exists():
            p, sc = read_sortition(
                fixture / "candidates.csv",
                fixture / "features.csv",
                size=22,
                id_column="nationbuilder_id",
            )
            lotteries += [("fixture_150", p, sc, m, None) for m in ("maximin", "leximin")]
        small = SORTITION / "example_small_20"
        if small.exists():
            p, sc = read_sortition(small / "respondents.csv", small / "categories.csv", size=20)
            lotteries.append(("example_small_20", p, sc, "leximin", None))
        import hard_pools

        inst = hard_pools.INSTANCES["300/45"](1)
        people, quotas = inst.write(Path(tempfile.mkdtemp(prefix="selectie-hard-")))
        p, sc = read_sortition(people, quotas, size=inst.size)
        lotteries.append(("hard 300/45", p, sc, "maximin", None))
        for name in BUNDLED_SCENARIOS:
            lotteries.append((name, pool, load_scenario(name), "uniform_best", 3))
        for label, p, sc, method, k in lotteries:
            cs = compile_scenario(p, sc)
            out.append(
                Task(
                    "lottery",
                    f"{method}{'' if k is None else f' k={k}'} {label}",
                    lambda s, p=p, sc=sc, method=method, k=k: fair_lottery(
                        p, sc, method=method, k=k, solver=s
                    ),
                    lottery_answer(cs),
                    compare_lottery,
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1, help="repetitions per figure")
    parser.add_argument("--only", default="", help="comma-separated: select, whatif, lottery")
    args = parser.parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    pool, sc = load_pool(), load_scenario()
    for s in SOLVERS:  # warm-up: imports, the first HiGHS object, PuLP's CBC path
        select(pool, sc, solver=s)
    head = f"{'task':<38} {'cbc cpu':>7} {'highs cpu':>9} {'cbc wall':>8} {'highs wall':>10}"
    print(head + "  check      answers")
    totals = dict.fromkeys(SOLVERS, 0.0)
    for task in tasks(only):
        cpus: dict[str, list[float]] = {s: [] for s in SOLVERS}
        walls: dict[str, list[float]] = {s: [] for s in SOLVERS}
        answers: dict[str, Answer] = {}
        for _ in range(args.reps):
            for s in SOLVERS:
                c, w = cpu(), time.perf_counter()
                result = task.run(s)
                walls[s].append(time.perf_counter() - w)
                cpus[s].append(cpu() - c)
                answers[s] = task.answer(result)
        c = {s: statistics.median(v) for s, v in cpus.items()}
        w = {s: statistics.median(v) for s, v in walls.items()}
        for s in SOLVERS:
            totals[s] += c[s]
        checks = "/".join(answers[s].checked for s in SOLVERS)
        verdict = task.compare(answers["cbc"], answers["highs"])
        print(
            f"{task.name:<38} {c['cbc']:>7.2f} {c['highs']:>9.2f} {w['cbc']:>8.2f} "
            f"{w['highs']:>10.2f}  {checks:<10} {verdict}; {answers['highs'].text}"
        )
        sys.stdout.flush()
    print(f"{'total CPU':<38} {totals['cbc']:>7.2f} {totals['highs']:>9.2f}")


if __name__ == "__main__":
    main()
