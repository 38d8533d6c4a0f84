"""How much each case matters: :func:`importance`."""

from __future__ import annotations

import time

from ..diagnose import Progress
from ..errors import SolverError
from ..pool import Pool
from ..scenario import Scenario
from .importance_result import CaseImportance, Importance, case_reason
from .program import setup


def importance(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = "cbc",
    seed: int = 1,
    progress: Progress | None = None,
) -> Importance:
    """For each case: irreplaceable, impossible, and its replacement cost, with reasons.

    Irreplaceable and impossible cases are found with few solver calls: a selection that
    takes in as many not-yet-seen cases as possible proves them all possible at once (when
    it can take in none, the rest are impossible); a selection that leaves out as many of
    the remaining candidates as possible proves them all replaceable. The replacement cost is
    computed for each case of the best selection (any other case costs nothing to leave out).
    ``progress(done, total, what)`` is called after each step.

    >>> from selectie import Scenario, Quota, load_pool
    >>> pool = load_pool()
    >>> s = Scenario(size=2, quotas=[Quota(attribute="partners", values=["privaat"], min=3)])
    >>> importance(pool, s).status.value  # three private projects cannot fit in two places
    'infeasible'
    """
    start = time.perf_counter()
    best, prog = setup(pool, scenario, solver, seed, progress)
    if prog is None:
        return Importance(
            pool,
            scenario,
            best.status,
            message=best.message,
            reasons=best.reasons,
            solver=solver,
            seconds=time.perf_counter() - start,
        )
    compiled = prog.compiled
    n = len(pool)
    first = prog.verified(tuple(best.positions))
    best_levels = prog.levels(first)

    # Possible cases: keep asking for a selection with as many unseen cases as possible.
    seen = set(first)
    while len(seen) < n:
        unseen = [i for i in range(n) if i not in seen]
        values = prog.solve("take in unseen cases", prog.case.cases(unseen), "max")
        prog.report(prog.calls, None, "finding impossible cases")
        assert values is not None  # the scenario is feasible
        got = prog.verified(prog.positions(values))
        new = seen.union(got)
        if len(new) == len(seen):
            break
        seen = new
    impossible = set(range(n)) - seen

    # Irreplaceable cases: keep asking for a selection without as many candidates as possible.
    candidates = set(first)
    while candidates:
        values = prog.solve("leave out candidates", prog.case.cases(sorted(candidates)), "min")
        prog.report(prog.calls, None, "finding irreplaceable cases")
        assert values is not None
        holds = set(prog.verified(prog.positions(values)))
        if candidates <= holds:
            break
        candidates &= holds
    irreplaceable = candidates

    # Replacement cost of each case of the best selection, for many cases per call: the best
    # selection that misses at least one of the cases T still open (holding as many cases of
    # the best selection as the last stage allows) is, for every case of T it misses, the
    # best selection without that case, since every selection without it misses one of T.
    # So each call settles at least one case, and all the cases that share their best
    # replacement at once.
    losses: dict[int, tuple[dict[str, float], tuple[int, ...]]] = {}
    todo = [i for i in first if i not in irreplaceable]
    open_cases = set(todo)
    misses = prog.add((prog.case.cases(todo), None, float(len(todo) - 1)), "miss one of them")
    while open_cases:
        without = prog.best(tiebreak=False, prefer=list(first))
        assert without is not None  # no case of T is irreplaceable
        settled = open_cases.difference(without)
        if not settled:  # pragma: no cover - the row above forbids it
            raise SolverError("the replacement search returned a selection with every case")
        lv = prog.levels(without)
        loss = {
            s.name: (b - v if s.sense == "max" else v - b)
            for s, b, v in zip(prog.stages, best_levels, lv, strict=True)
        }
        for i in sorted(settled):
            losses[i] = (dict(loss), without)
            prog.session.set_coefficient(misses, prog.x[i], 0.0)
        open_cases -= settled
        prog.session.set_row_bounds(misses, None, float(len(open_cases) - 1))
        prog.report(len(losses), len(todo), "replacement costs")
    prog.close()

    chosen_without = {i: tuple(j for j in w if j not in first) for i, (_, w) in losses.items()}
    cases = []
    for i in range(n):
        loss_rb = losses.get(i)
        case_loss = None if loss_rb is None else {k: _clean(v) for k, v in loss_rb[0].items()}
        entry = CaseImportance(
            pool.ids[i],
            pool.label(i),
            i in first,
            i in irreplaceable,
            i in impossible,
            case_loss,
            tuple(pool.ids[j] for j in chosen_without.get(i, ())),
        )
        reason = case_reason(compiled, prog, i, entry, first, losses)
        cases.append(
            CaseImportance(
                entry.id,
                entry.label,
                entry.selected,
                entry.irreplaceable,
                entry.impossible,
                entry.loss,
                entry.replaced_by,
                reason,
            )
        )
    return Importance(
        pool,
        scenario,
        best.status,
        tuple(cases),
        best.ids,
        best.objective,
        solver=solver,
        solver_calls=prog.calls + len(best.solver.stages if best.solver else ()),
        seconds=time.perf_counter() - start,
    )


def _clean(v: float) -> float:
    r = round(v)
    return float(r) if abs(v - r) < 1e-9 else v
