"""The best distinct selections, one after another: :func:`alternatives`."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from ..constraints import CompiledScenario, Kind
from ..diagnose import Progress
from ..errors import InputError, SolverError
from ..formulation.neighbours import Swaps
from ..i18n import _
from ..pool import Pool
from ..scenario import Scenario
from ..solve.default import DEFAULT
from ..solve.session import Option
from .alternatives_result import Alternative, Alternatives
from .program import FEASIBILITY_OPTIONS, Program, setup

#: The proof that no selection was missed is an infeasibility proof over many no-good cuts;
#: HiGHS proves it faster with presolve's probing and enumeration, which selectie's sessions
#: switch off (``selectie.solve.highs.DEFAULT_OPTIONS``): ``alternatives --count 100`` on
#: bijlage4 took 0.27 s of CPU with it against 0.54 s without (CBC: 0.33 s; median of 3,
#: benchmarks/backend_choice.py's task). On importance it does not pay, so only here.
_OPTIONS: dict[str, dict[str, Option]] = {
    "highs": {**FEASIBILITY_OPTIONS["highs"], "presolve_rule_off": 0},
}


def alternatives(
    pool: Pool,
    scenario: Scenario,
    *,
    count: int | None = None,
    within: float | None = None,
    solver: str = DEFAULT,
    seed: int = 1,
    progress: Progress | None = None,
) -> Alternatives:
    """The best distinct selections for ``scenario``, best first.

    With ``count`` (default 10): at most that many. With ``within``: only selections at most
    that far from the best on the objective's last stage (total for max_overlap, with the
    depth kept; deviation; weight), up to ``count`` (default 1000). The first selection is
    the one :func:`selectie.select` returns. ``progress(done, total, what)`` is called as the
    list grows.

    >>> from selectie import Scenario, Quota, load_pool
    >>> pool = load_pool()
    >>> limburg = Scenario(size=1, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
    >>> alts = alternatives(pool, limburg, count=20)
    >>> len(alts.selections), alts.exhausted  # the pool has 8 Limburg projects
    (8, True)
    """
    start = time.perf_counter()
    if within is not None and (not math.isfinite(within) or within < 0):
        raise InputError(
            _("within must be a number of at least 0 (got {within!r})").format(within=within)
        )
    if count is None:
        count = 10 if within is None else 1000
    if count < 1:
        raise InputError(_("count must be at least 1 (got {count!r})").format(count=count))
    best, prog = setup(pool, scenario, solver, seed, progress, options=_OPTIONS.get(solver))
    if prog is None:
        return Alternatives(
            pool,
            scenario,
            best.status,
            count=count,
            within=within,
            message=best.message,
            reasons=best.reasons,
            solver=solver,
            seconds=time.perf_counter() - start,
        )
    try:
        first = prog.verified(tuple(best.positions))
        found = [first]
        levels = prog.levels(first)
        if within is not None and prog.stages:
            for stage, value in zip(prog.stages[:-1], levels[:-1], strict=True):
                prog.add(stage.lock(value), f"keep {stage.name}")
            last = prog.stages[-1]
            bound = levels[-1] - within if last.sense == "max" else levels[-1] + within
            prog.add(last.lock(bound), f"within {within:g} of the best {last.name}")
        prog.cut(first)
        exhausted = False
        more = False  # True when another selection is known to exist beyond those listed
        what = "listing alternative selections"
        prog.report(1, count, what)
        swaps = Swaps(prog.case.model)
        level_done = True
        if count > 1 and swaps.usable(len(first)):
            same, level_done, more = _at_best_level(prog, swaps, first, levels, count - 1)
            found += same
            prog.report(len(found), count, what)
            if found:
                levels = prog.levels(found[-1])
        while len(found) < count:
            # The next best selection is as good as the last one if any such is left (one
            # call: the earliest at these levels); otherwise the best of the rest.
            nxt = prog.at_levels(levels) if not level_done else None
            level_done = False
            if nxt is None:
                nxt = prog.best()
            if nxt is None:
                exhausted = True
                break
            found.append(nxt)
            prog.report(len(found), count, what)
            levels = prog.levels(nxt)
            prog.cut(nxt)
        if not exhausted and not more and within is None and swaps.usable(len(first)):
            # A valid swap of a listed selection that is not listed shows there are more.
            known = set(found)
            more = any(t not in known for sel in found[:3] for t in swaps.neighbours(sel))
        if not exhausted and not more:
            # ``count`` found: exhausted only if no further selection exists (one feasibility
            # call; without it, exactly ``count`` valid selections read as "there are more").
            exhausted = prog.solve("is there another selection?", [], "min") is None
    finally:
        prog.close()
    base = set(first)
    groups = _counted(prog.compiled)
    listed = []
    for k, positions in enumerate(found, start=1):
        chosen = set(positions)
        listed.append(
            Alternative(
                k,
                positions,
                tuple(pool.ids[i] for i in positions),
                prog.compiled.objective.evaluate(positions),
                tuple(pool.ids[i] for i in positions if i not in base),
                tuple(pool.ids[i] for i in first if i not in chosen),
                _count_changes(groups, base, chosen),
            )
        )
    return Alternatives(
        pool,
        scenario,
        best.status,
        tuple(listed),
        exhausted,
        count,
        within,
        solver=solver,
        solver_calls=prog.calls + len(best.solver.stages if best.solver else ()),
        seconds=time.perf_counter() - start,
    )


def _at_best_level(
    prog: Program,
    swaps: Swaps,
    first: tuple[int, ...],
    levels: Sequence[float],
    slots: int,
) -> tuple[list[tuple[int, ...]], bool, bool]:
    """Up to ``slots`` selections other than ``first`` that are as good as ``levels``, in
    pool order (the smallest sum of positions first; equal sums by their positions).

    Candidates come from a best-first search through swaps of one case (no solver call); one
    solver call then proves that none was missed: at the same levels, with the pool-order
    sum at most that of the last one listed and a no-good cut for every candidate up to it,
    the program must be infeasible. A selection the proof finds instead joins the candidates
    and the proof is repeated. Returns the selections, whether the level holds no more of
    them (all are listed), and whether another selection is known to exist.
    """
    import heapq
    from bisect import insort

    def key(sel: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        return (sum(sel) + len(sel), sel)

    seen = {first}
    candidates: list[tuple[int, ...]] = []
    ranks: list[int] = []  # the candidates' pool-order sums, sorted
    heap = [key(first)]
    expanded: set[tuple[int, ...]] = set()

    def limit() -> int | None:
        """The rank a candidate must not exceed to make the list (None: any)."""
        if len(candidates) < slots:
            return None
        return ranks[slots - 1]

    def propose(nxt: tuple[int, ...]) -> None:
        if nxt not in seen:
            seen.add(nxt)
            candidates.append(nxt)
            insort(ranks, key(nxt)[0])
            heapq.heappush(heap, key(nxt))

    def search() -> None:
        # Expand candidates best first while they can still make the list.
        while heap:
            top = limit()
            if top is not None and heap[0][0] > top:
                break
            _, sel = heapq.heappop(heap)
            if sel in expanded:
                continue
            expanded.add(sel)
            for nxt in swaps.neighbours(sel, levels, top):
                propose(nxt)

    search()
    # Selections two swaps away from the best one, whose one-case steps leave the level or
    # the rank bound, are not reached by the search: propose those too (one sweep, no
    # solver call), so that the proof below finds nothing more as often as it can.
    top = limit()
    if top is not None:
        for nxt in swaps.pair_swaps(first, levels, top):
            propose(nxt)
        search()
    rank_row = prog.add((prog.case.rank, None, None), "pool order at most")
    cut: set[tuple[int, ...]] = {first}
    while True:
        ordered = sorted(candidates, key=key)
        chosen = ordered[:slots]
        top = key(chosen[-1])[0] if len(chosen) == slots else None
        prog.session.set_row_bounds(rank_row, None, None if top is None else top + 0.5)
        for sel in ordered:
            if top is not None and key(sel)[0] > top:
                break
            if sel not in cut:
                prog.cut(sel)
                cut.add(sel)
        missed = prog.any_at_levels(levels, "prove that no selection was missed")
        if missed is None:
            break
        if missed in seen:  # pragma: no cover - a cut selection cannot come back
            raise SolverError(f"the solver ({prog.backend.name}) returned a cut selection")
        propose(missed)
        search()
    prog.session.set_row_bounds(rank_row, None, None)
    for sel in chosen:  # the search's numbers are numpy's: re-check each in plain Python
        prog.verified(sel)
        if prog.levels(sel) != list(levels):
            raise SolverError(f"a listed selection is not at the best level ({levels})")
    return chosen, len(chosen) < slots, len(ordered) > len(chosen)


def _counted(compiled: CompiledScenario) -> dict[str, tuple[int, ...]]:
    """The counted values (constraints on values, objective cells) and their members."""
    groups: dict[str, tuple[int, ...]] = {}
    for c in compiled.constraints:
        if c.kind in (Kind.QUOTA, Kind.COVERAGE, Kind.COMBINATION):
            groups.setdefault(c.name, c.members)
    for cell in compiled.objective.cells:
        groups.setdefault(cell.label, cell.members)
    return groups


def _count_changes(groups: dict[str, tuple[int, ...]], b: set[int], a: set[int]) -> tuple[str, ...]:
    """The counted values of ``groups`` whose count differs between the selections ``b``
    (before) and ``a`` (after).
    """
    out = []
    for name, members in groups.items():
        x, y = len(b.intersection(members)), len(a.intersection(members))
        if x != y:
            out.append(f"{name} {x}->{y}")
    return tuple(out)
