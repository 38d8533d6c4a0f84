"""How much each case matters: :func:`importance`."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..diagnose import Progress
from ..errors import SolverError, TimeLimitReached
from ..formulation.lexicographic import Clock
from ..pool import Pool
from ..scenario import Scenario
from ..solve.backend import Status
from ..solve.default import DEFAULT
from ..solve.session import Option
from .importance_result import CaseImportance, Importance, Unsettled, case_reason, limit_message
from .program import FEASIBILITY_OPTIONS, Program, setup

if TYPE_CHECKING:
    from ..formulation.neighbours import Swaps


def importance(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = DEFAULT,
    seed: int = 1,
    progress: Progress | None = None,
    time_limit: float | None = None,
) -> Importance:
    """For each case: irreplaceable, impossible, and its replacement cost, with reasons.

    Irreplaceable and impossible cases are found with few solver calls: a selection that
    takes in as many not-yet-seen cases as possible proves them all possible at once (when
    it can take in none, the rest are impossible); a selection that leaves out as many of
    the remaining candidates as possible proves them all replaceable. The replacement cost is
    computed for each case of the best selection (any other case costs nothing to leave out).
    For an objective of one whole-numbered stage (match_target) with HiGHS, bounds are proved
    for many cases at once by feasibility calls (:func:`_costs_by_levels`); otherwise each
    call finds the best selection missing one of the open cases (:func:`_costs_by_best`).
    ``progress(done, total, what)`` is called after each step.

    ``time_limit`` (seconds) is for the whole question, the best selection's solve included.
    What the limit leaves unproven is said so, never given a value: such a case has its open
    question in :attr:`~CaseImportance.unsettled`, and the result's status is ``feasible``
    (the best selection is proven, some cases are not settled). When the limit comes before
    the best selection is proven, no case is weighed and the status is ``no_solution``.

    >>> from selectie import Scenario, Quota, load_pool
    >>> pool = load_pool()
    >>> s = Scenario(size=2, quotas=[Quota(attribute="partners", values=["privaat"], min=3)])
    >>> importance(pool, s).status.value  # three private projects cannot fit in two places
    'infeasible'
    """
    start = time.perf_counter()
    clock = Clock(time_limit, start)
    options = _OPTIONS.get(solver)
    best, prog = setup(
        pool, scenario, solver, seed, progress, parity=True, options=options, clock=clock
    )
    if prog is not None and best.status is not Status.OPTIMAL:  # the time limit came first
        prog.close()
        return Importance(
            pool,
            scenario,
            Status.NO_SOLUTION,
            message=limit_message(time_limit, solver, None),
            solver=solver,
            seconds=time.perf_counter() - start,
        )
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

    # What the time limit leaves open (TimeLimitReached from a call): the step under way
    # (0 possible cases, 1 irreplaceable cases, 2 costs, 3 done) and what it had proven.
    seen, candidates = set(first), set(first)
    losses: Losses = {}
    impossible: set[int] = set()
    irreplaceable: set[int] = set()
    step = 0
    try:
        # Possible cases: keep asking for a selection with as many unseen cases as possible.
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
        step = 1

        # Irreplaceable cases: keep asking for a selection without as many candidates as possible.
        while candidates:
            values = prog.solve("leave out candidates", prog.case.cases(sorted(candidates)), "min")
            prog.report(prog.calls, None, "finding irreplaceable cases")
            assert values is not None
            holds = set(prog.verified(prog.positions(values)))
            if candidates <= holds:
                break
            candidates &= holds
        irreplaceable = candidates
        step = 2

        todo = [i for i in first if i not in irreplaceable]
        if len(prog.stages) == 1 and prog.stages[0].integral and prog.backend.name in _LEVEL_PROOFS:
            _costs_by_levels(prog, first, todo, best_levels[0], losses)
        else:
            _costs_by_best(prog, first, todo, best_levels, losses)
        step = 3
    except TimeLimitReached:
        pass
    finally:
        prog.close()
    unsettled = {i: _unsettled(i, step, first, seen, candidates, losses) for i in range(n)}

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
            unsettled=unsettled[i],
        )
        reason = case_reason(compiled, prog, i, entry, first, losses)
        cases.append(dataclasses.replace(entry, reason=reason))
    left_open = sum(1 for u in unsettled.values() if u is not None)
    return Importance(
        pool,
        scenario,
        best.status if step == 3 else Status.FEASIBLE,
        tuple(cases),
        best.ids,
        best.objective,
        message=best.message if step == 3 else limit_message(time_limit, solver, left_open, best),
        solver=solver,
        solver_calls=prog.calls + len(best.solver.stages if best.solver else ()),
        seconds=time.perf_counter() - start,
    )


Losses = dict[int, tuple[dict[str, float], tuple[int, ...]]]


def _unsettled(
    i: int, step: int, first: tuple[int, ...], seen: set[int], candidates: set[int], losses: Losses
) -> Unsettled | None:
    """What the time limit left open about case ``i`` when it stopped ``step``."""
    if step == 3:
        return None
    if i not in first:  # possible once seen in a valid selection; impossible once step 0 ends
        return Unsettled.POSSIBLE if step == 0 and i not in seen else None
    if i in candidates and step <= 1:  # no valid selection without it found yet
        return Unsettled.IRREPLACEABLE
    return None if i in losses or i in candidates else Unsettled.COST


#: The backends whose replacement costs (one whole-numbered stage) come from level proofs
#: (:func:`_costs_by_levels`); the others minimise per group of cases (:func:`_costs_by_best`).
#: Chosen by measurement (benchmarks/diagnose_bench.py, importance of bijlage4-exact, CPU):
#: HiGHS 7.2 s by levels against 18.9 s by groups; CBC 22.1 s by levels against 10.4 s by
#: groups (CBC proves the feasibility questions slowly). Both give the same costs.
_LEVEL_PROOFS = frozenset({"highs"})

#: Solver options, per backend, for importance's session: those of every feasibility
#: session (:data:`~selectie.whatif.program.FEASIBILITY_OPTIONS`) and, for HiGHS, presolve
#: off. By measurement (importance of bijlage4-exact, seeds 1 to 7, CPU, two rounds): the
#: level proofs and finds took 1.15 + 2.11 and 1.16 + 2.25 s a run with presolve, 0.98 +
#: 1.70 and 0.96 + 1.88 s without (the find for R10 at deviation 3 alone, 12 seeds: 4 607
#: against 3 491 LP iterations, median 0.45 against 0.22 s). Presolve reduces these
#: programs little (171 to 166 columns) and its reductions slow the search more than they
#: save. The bounds are still proved by the search.
_OPTIONS: dict[str, dict[str, Option]] = {
    **FEASIBILITY_OPTIONS,
    "highs": {**FEASIBILITY_OPTIONS["highs"], "presolve": "off"},
}

#: Steps of each tabu search for a witness (:func:`~selectie.formulation.neighbours.descend`;
#: a search stops early at a witness good enough for it: one that settles its case, or one
#: that lets the next proof ask its case one level higher). Chosen by measurement
#: (importance of bijlage4-exact with HiGHS, seeds 1 to 20, CPU, quiet machine, one run
#: per setting; benchmarks/README.md has the before-and-after runs): 100 steps
#: gave a median of 1.78 s (0.83 to 2.76 s), 600 steps 1.23 s (0.84 to 1.81), 1 000 steps
#: 1.30 s (0.93 to 1.62), 1 500 steps 1.45 s (1.09 to 1.69). The best replacement of eight
#: of the report's 13 is one selection that differs from them in those eight cases; taking
#: the eight out for its eight one swap at a time passes a deviation of 9 or more in every
#: order. Short searches reach it by chance, and the solver then has to find it (about
#: 0.5 s a call).
_TABU_STEPS = 1000

#: The work of one tabu search at most, in entries of the arrays its steps weigh: a step
#: weighs every swap of a case of the selection (k) for one outside it (n - k) on every
#: target cell and row, about ``k (n - k) (cells + rows)`` entries
#: (:meth:`~selectie.formulation.neighbours.Swaps.step_entries`; 76 388 and 45 µs a step
#: on bijlage4-exact with the bundled pool, so the full 1 000 steps there). A cap, so that on
#: large pools a search that misses its goal does not run for seconds. Measured (importance
#: with HiGHS, targets on all eight attributes of bijlage4-exact set from k random cases of
#: a pool made by benchmarks/generate.py, CPU): 600 cases, k = 20: 3.55 s with this cap
#: (650 steps), 3.77 s without one, 7.29 s with a cap of 80 million (130 steps), 11.78 s
#: before this session's searches; 1 000 cases, k = 50: 86.6 s with it, 81.9 s without,
#: 137.0 s before (the solver calls dominate there).
_TABU_BUDGET = 400_000_000


def _costs_by_best(
    prog: Program,
    first: tuple[int, ...],
    todo: list[int],
    best_levels: list[float],
    losses: Losses | None = None,
) -> Losses:
    """The replacement costs of the cases ``todo``, for an objective of several stages.

    The best selection that misses at least one of the cases T still open (holding as many
    cases of the best selection as the last stage allows) is, for every case of T it misses,
    the best selection without that case, since every selection without it misses one of T.
    So each call settles at least one case, and all the cases that share their best
    replacement at once. ``losses`` is filled as each case is settled (and returned).
    """
    losses = {} if losses is None else losses
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
    return losses


def _costs_by_levels(
    prog: Program,
    first: tuple[int, ...],
    todo: list[int],
    best_level: float,
    losses: Losses | None = None,
) -> Losses:
    """The replacement costs of the cases ``todo``, for an objective of one whole-numbered
    stage, by bounds proved for many cases at once rather than one minimisation per case.

    Write ``g(S)`` for the stage value of a selection ``S``, negated when the stage is
    maximised, so smaller is better and every value is a whole number; ``b = g(first)``.
    For each open case ``i`` keep a proved bound ``lb_i`` (no valid selection without ``i``
    has ``g < lb_i``; at first ``b``, as nothing beats the optimum) and a witness, a valid
    selection without ``i`` with value ``u_i`` (at first the best swap of one or two cases
    of ``first`` that takes ``i`` out, :func:`_swap_witnesses`; none if there is none). A
    case is settled when ``lb_i = u_i``: its witness is then a best selection without it,
    and its cost ``u_i - b``.

    1. Let ``m`` be the smallest ``lb_i`` over the open cases. Ask at level ``L = m`` if a
       witness has value ``m + 1``, otherwise at ``L = m + 1`` (two levels in one call;
       for the deviation of an attribute whose values add up to the size, which is even,
       a deviation of 1 is rare). T is the open cases with ``lb_i <= L``. Ask the solver
       for any selection with ``g(S) <= L`` that misses at least one case of T (a
       feasibility call, in the program of :func:`~selectie.formulation.program._parity_deviation`).
    2. None: no selection without any case of T has ``g <= L``, so ``lb_i = L + 1`` for
       every case of T (one proof for all of them; ``g`` is a whole number).
    3. One, ``S``: for each case ``i`` of T it misses, ``lb_i <= g(S) <= L < u_i``, so
       ``S`` becomes its witness (and settles it when ``g(S) = lb_i``).

    Two levels in one call: when some cases F of T (not all) have no witness at ``L + 1``
    (they would need another proof there), the call asks for a selection that either has
    ``g(S) <= L`` and misses a case of T, or has ``g(S) <= L + 1`` and misses a case of F
    (one 0/1 variable ``z``: ``g(S) - z <= L``, ``sum_{i in F} x_i + z <= |F|``). None:
    ``lb_i = L + 1`` for T and ``L + 2`` for F. One: it is a witness, better than the one
    held, for a case it misses (``u_i > L`` on T, ``u_i > L + 1`` on F). On the bundled
    pool under ``bijlage4-exact`` this one call proves ``deviation >= 2`` for all 13 and
    ``>= 3`` for five (0.56 to 0.75 s CPU with HiGHS on a quiet machine, where the two
    proofs took 0.2 to 0.3 + 0.6 to 0.7 s).

    Before a solver call, each case of T whose bound is ``L`` and whose witness is worse
    is first given a tabu search through swaps (:func:`~selectie.formulation.neighbours.descend`,
    once per case and level, from its witness or the best selection, stopping at the first
    witness at ``L`` for a case whose bound is ``L``, else at ``L + 1``): a selection it
    passes at value ``L`` settles the case with no solver call, and every selection it
    passes is a witness for the cases of the best selection it leaves out (re-checked in
    plain Python before a case is settled on it). The search only proposes; bounds come
    from the solver.

    Each round raises a bound or lowers a witness's value, so the loop ends (every case
    here has a valid selection without it: none is irreplaceable; the tabu searches are
    tried once per case and level; a case whose witness is worse than ``L + 1`` is searched
    for as well, so that the call can ask it one level higher). On the bundled pool under
    ``bijlage4-exact`` the proofs are ``deviation <= 1`` for all 13 cases with
    ``deviation <= 2`` for five, in one call, where a minimisation per case (or per group of
    cases) proves each bound by a branch-and-bound search of its own.
    """
    losses = {} if losses is None else losses  # filled as each case is settled
    if not todo:
        return losses
    from ..formulation.neighbours import Swaps, descend

    stage = prog.stages[0]
    sign = 1.0 if stage.sense == "min" else -1.0
    b = round(sign * best_level)

    swaps = Swaps(prog.case.model)
    witness = _swap_witnesses(swaps, first, first, sign)
    lb = dict.fromkeys(todo, b)
    open_cases = set(todo)
    misses = prog.add((prog.case.cases(todo), None, None), "miss one of them")
    in_row = set(todo)
    # The two-level proof: with ``z = 1`` the level is one higher and a case of ``far``
    # must be missed (``sum_far x + z <= |far|``); ``z`` is fixed at 0 outside that call.
    z = prog.session.add_column(0.0, 0.0, integer=True, name="one level higher")
    level = prog.add(([*((j, sign * c) for j, c in stage.terms), (z, -1.0)], None, None), "level")
    higher = prog.add(([(z, 1.0)], None, None), "miss one of the far cases")
    in_far: set[int] = set()
    firsts = set(first)
    tried: set[tuple[int, int]] = set()
    steps = min(_TABU_STEPS, _TABU_BUDGET // swaps.step_entries(len(first)))
    while True:
        for i in sorted(open_cases):
            if i in witness and lb[i] >= witness[i][0]:
                g, _, sel = witness[i]
                prog.verified(sel)
                if round(sign * prog.levels(sel)[0]) != g:
                    raise SolverError(f"a swap's {stage.name} was miscounted")
                losses[i] = ({stage.name: float(g - b)}, sel)
        open_cases -= set(losses)
        prog.report(len(losses), len(todo), "replacement costs")
        if not open_cases:
            break
        lowest = min(lb[i] for i in open_cases)
        known = [witness[i][0] for i in open_cases if i in witness]
        # Ask at the lowest level not yet proved (a selection found there settles the cases
        # it misses); two levels at once when no witness would settle at the next one.
        bound = lowest if lowest + 1 in known else min([lowest + 1, *(u - 1 for u in known)])
        group = {i for i in open_cases if lb[i] <= bound}
        # Cheap witnesses first: a tabu search through swaps for a selection without a case
        # whose proved bound is ``bound`` (one at ``bound`` settles it without a solver call).
        # Also those whose witness is worse than ``bound + 1``: one found there lets the
        # proof below take them one level higher.
        hunt = [
            i
            for i in sorted(group)
            if (lb[i] == bound or _value(witness, i) > bound + 1) and (i, bound) not in tried
        ]
        improved = False
        for i in hunt:
            goal = bound if lb[i] == bound else bound + 1
            if _value(witness, i) <= goal:
                tried.add((i, bound))
                continue
            # from the case's best witness so far (else the best selection); another seed at
            # each try
            start = witness[i][2] if i in witness else first
            seed = prog.seed + i + 7919 * sum(1 for j, _ in tried if j == i)
            tried.add((i, bound))
            for g, sel in descend(swaps, start, [i], steps, seed, goal=goal):
                w = (g, len(firsts.difference(sel)), sel)
                for j in firsts.difference(sel):
                    if j in open_cases and (j not in witness or w < witness[j]):
                        witness[j] = w
                        improved = True
        if improved:
            continue
        in_row = _set_members(prog, misses, in_row, group)
        prog.session.set_row_bounds(misses, None, float(len(group) - 1))
        # The cases of the group whose witness is worse than ``bound + 1`` are asked one
        # level higher in the same call, when some of the group are not (see above).
        far = {i for i in group if _value(witness, i) > bound + 1}
        if far and far != group:
            in_far = _set_members(prog, higher, in_far, far)
            prog.session.set_row_bounds(higher, None, float(len(far)))
            prog.session.set_row_bounds(level, None, bound + 0.5)
            prog.session.set_var_bounds(z, 0.0, 1.0)
            found = prog.any_selection(f"prove the {stage.name} without cases, two levels")
            prog.session.set_var_bounds(z, 0.0, 0.0)
            prog.session.set_row_bounds(level, None, None)
            prog.session.set_row_bounds(higher, None, None)
        else:
            far = set()
            found = prog.any_at_levels([sign * bound], f"prove the {stage.name} without cases")
        if found is None:
            for i in group:
                lb[i] = bound + (2 if i in far else 1)
            continue
        g = round(sign * prog.levels(found)[0])
        missed = [i for i in sorted(group) if i not in found]
        asked = g <= bound or (g == bound + 1 and any(i in far for i in missed))
        if not missed or not asked:  # pragma: no cover - the rows above forbid it
            raise SolverError("the replacement search returned a selection it was not asked for")
        for i in missed:
            w = (g, len(set(first) - set(found)), found)
            witness[i] = min(witness.get(i, w), w)
        # Swaps of the selection found are witnesses for the open cases it holds (none
        # when it holds none of them, as after the last find).
        if open_cases.isdisjoint(found):
            continue
        for i, w in _swap_witnesses(swaps, first, found, sign).items():
            if i in open_cases and (i not in witness or w < witness[i]):
                witness[i] = w
    return losses


#: A witness: its value (smaller is better), how many cases of the best selection it
#: replaces, and its cases.
Witness = tuple[int, int, tuple[int, ...]]


def _value(witness: dict[int, Witness], i: int) -> float:
    """The value of case ``i``'s witness, infinite when it has none."""
    return witness[i][0] if i in witness else float("inf")


def _set_members(prog: Program, row: int, old: set[int], new: set[int]) -> set[int]:
    """Give the cases ``new`` (and no longer ``old``) a coefficient of 1 in ``row``."""
    for i in old - new:
        prog.session.set_coefficient(row, prog.x[i], 0.0)
    for i in new - old:
        prog.session.set_coefficient(row, prog.x[i], 1.0)
    return new


def _swap_witnesses(
    swaps: Swaps, first: tuple[int, ...], around: tuple[int, ...], sign: float
) -> dict[int, Witness]:
    """Per case of the selection ``around``, the best valid selection found by swapping one
    or two of its cases (that one among them) for others; at equal value the one replacing
    fewer cases of ``first``, then pool order. Numpy proposes; :func:`_costs_by_levels`
    re-checks the witnesses it keeps in plain Python. Two-case swaps are looked at for
    match_target objectives (their value is a sum over counts, for all swaps at once).
    """
    from itertools import combinations

    witness: dict[int, Witness] = {}
    if not swaps.usable(len(around)):
        return witness
    firsts = set(first)

    def offer(out: Iterable[int], g: int, sel: tuple[int, ...]) -> None:
        w = (g, len(firsts.difference(sel)), sel)
        for i in out:
            if i not in witness or w < witness[i]:
                witness[i] = w

    chosen = set(around)
    singles = swaps.neighbours(around)
    if singles:  # the stage values of every one-case swap at once
        idx = np.array(singles, dtype=np.int64)  # selections x cases
        member = np.zeros((swaps.n, len(singles)))
        member[idx.T, np.arange(len(singles))] = 1.0
        # the counts by gathering (a product with ``member`` would start BLAS's threads)
        values = swaps.levels(swaps.cells[:, idx].sum(axis=2), member)[0]
        for sel, v in zip(singles, values.tolist(), strict=True):
            offer(chosen.difference(sel), round(sign * v), sel)
    if swaps.kind != "match_target" or len(around) < 2:
        return witness
    outside = np.array([i for i in range(swaps.n) if i not in chosen], dtype=np.int64)
    if outside.size < 2:
        return witness
    pairs = np.array(list(combinations(range(outside.size), 2)), dtype=np.int64)
    # Cells x in-pairs: how many of the two cases hold each value (0, 1 or 2), and per
    # out-pair (i, j) the excess over the targets without them; the deviation of the swap
    # is the sum over the cells of |excess + added|. In small whole numbers where they fit
    # (int8, the sums in int16), one out-pair at a time: no temporaries of floats, and no
    # BLAS threads (which cost more CPU than they save on a busy machine).
    outs = list(combinations(around, 2))
    base = swaps.cells[:, list(around)].sum(axis=1) - swaps.target
    by_case = swaps.cells.T
    excess = base[None, :] - by_case[[i for i, _ in outs]] - by_case[[j for _, j in outs]]
    top = float(np.abs(excess).max()) + 2
    kind: type[np.signedinteger[Any]] = np.int8 if top < 127 else np.int64
    total: type[np.signedinteger[Any]] = np.int16 if top * len(base) < 32767 else np.int64
    rest = excess.astype(kind)
    cells = swaps.cells.astype(kind)
    added = cells[:, outside[pairs[:, 0]]] + cells[:, outside[pairs[:, 1]]]
    for (i, j), r in zip(outs, rest, strict=True):
        dev = np.abs(r[:, None] + added).sum(axis=0, dtype=total)
        # no two-case swap worse than what i and j have already is of use
        known = min(witness.get(i, (np.inf,))[0], witness.get(j, (np.inf,))[0])
        kept = [c for c in around if c not in (i, j)]
        near = np.flatnonzero(dev <= known)  # sorted below: far fewer than all pairs
        for k in near[np.argsort(dev[near], kind="stable")]:
            sel = tuple(sorted([*kept, int(outside[pairs[k, 0]]), int(outside[pairs[k, 1]])]))
            if swaps.feasible(sel):
                offer((i, j), round(float(dev[k])), sel)
                break
    return witness


def _clean(v: float) -> float:
    r = round(v)
    return float(r) if abs(v - r) < 1e-9 else v
