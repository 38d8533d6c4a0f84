"""Choosing a selection: build the integer program, solve it in stages, re-check the answer.

Objectives are solved lexicographically, one solver call per stage:

- ``feasibility``: find any valid selection;
- ``max_overlap``: find the largest depth *t* (every value held by at least min(t, available)
  selected cases) by bisection, then maximise the total number of (case, value) pairs;
- ``match_target``: minimise the total absolute deviation from the target counts;
- ``max_weight``: maximise the total weight.

A final stage breaks ties: among selections as good as the best one found, prefer cases that
come earlier in the pool (minimise the sum, over selected cases, of the pool position of the
first case with the same profile; within a profile the earliest cases are taken). The same
input, backend and version therefore give the same selection. For ``feasibility``, where every
valid selection is as good as any other, that stage is the only solver call.

Whatever the solver says, the selection is re-checked against every constraint in plain
Python (:meth:`selectie.constraints.Constraint.check`) and its objective recomputed; a
selection that fails is never returned (status ERROR).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .constraints import CompiledScenario, compile_scenario
from .pool import Pool
from .result import Audit, Selection, SolverInfo, Stage
from .scenario import Scenario
from .solve.backend import Backend, RawSolution, Status, get_backend, limit_advice
from .solve.milp import Milp, SelectionModel, Terms

__all__ = ["audit", "select"]


def select(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = "cbc",
    time_limit: float | None = None,
    seed: int = 1,
    verbose: bool = False,
) -> Selection:
    """Choose ``scenario.size`` cases from ``pool`` that satisfy every constraint of
    ``scenario``, best for its objective.

    ``solver`` is ``"cbc"`` (default, bundled with PuLP) or ``"highs"``; ``time_limit`` is in
    seconds for the whole run; ``seed`` is passed to the solver; ``verbose`` shows the solver's
    log. Bad names in the scenario raise :class:`~selectie.errors.ScenarioError`; an
    infeasible scenario is not an error but a :class:`~selectie.result.Selection` with status
    INFEASIBLE and the reasons found by quick checks.

    >>> from selectie import load_pool, load_scenario
    >>> sel = select(load_pool(), load_scenario())
    >>> sel.status.value, len(sel.ids), sel.audit.ok
    ('optimal', 13, True)
    """
    compiled = compile_scenario(pool, scenario)
    backend = get_backend(solver)
    start = time.perf_counter()
    model = SelectionModel(compiled)
    run = _Run(backend, model, time_limit, seed, verbose, start)
    raw, status, message = _solve(run)
    seconds = time.perf_counter() - start
    info = SolverInfo(
        name=backend.name,
        version=backend.version(),
        seconds=seconds,
        time_limit=time_limit,
        seed=seed,
        stages=tuple(run.stages),
        variables=model.base.num_vars,
        rows=len(model.base.rows),
    )
    if raw is None or raw.values is None:
        reasons: tuple[str, ...] = ()
        if status == Status.INFEASIBLE:
            from .diagnose import quick_checks

            reasons = tuple(quick_checks(compiled))
            if not message:
                message = "no selection satisfies every constraint"
        return Selection(status, pool, scenario, (), None, info, message, compiled, reasons)

    positions = model.positions(raw.values)
    result = _recheck(compiled, positions)
    problems = [c for c in result.checks if not c.satisfied]
    if len(positions) != scenario.size or problems:
        detail = "; ".join(c.sentence() for c in problems[:5])
        return Selection(
            Status.ERROR,
            pool,
            scenario,
            (),
            result,
            info,
            f"the solver ({backend.name}) returned a selection that fails the re-check "
            f"({detail or f'{len(positions)} cases instead of {scenario.size}'}); it is not shown",
            compiled,
        )
    mismatch = run.objective_mismatch(result)
    if mismatch:
        return Selection(Status.ERROR, pool, scenario, (), result, info, mismatch, compiled)
    return Selection(status, pool, scenario, tuple(positions), result, info, message, compiled)


def audit(pool: Pool, scenario: Scenario, ids: Iterable[str]) -> Audit:
    """Check a given selection (case ids) against every constraint of a scenario.

    Unknown ids raise :class:`~selectie.errors.ScenarioError`. The selection's size is one of
    the constraints, so a list of the wrong length is reported, not refused.

    >>> from selectie import load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> audit(pool, load_scenario(), report13).ok
    True
    """
    from .errors import Problem, ScenarioError

    compiled = compile_scenario(pool, scenario)
    positions, problems, seen = [], [], set()
    for k, case_id in enumerate(ids):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"selection[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos in seen:
            problems.append(Problem(message=f"selection[{k}]: {case_id!r} is listed twice"))
            continue
        seen.add(pos)
        positions.append(pos)
    if problems:
        raise ScenarioError("the selection to audit is not valid", problems)
    return _recheck(compiled, sorted(positions))


def _recheck(compiled: CompiledScenario, positions: list[int]) -> Audit:
    return Audit(tuple(compiled.check(positions)), compiled.objective.evaluate(positions))


# --------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------


@dataclass
class _Run:
    backend: Backend
    model: SelectionModel
    time_limit: float | None
    seed: int
    verbose: bool
    start: float

    def __post_init__(self) -> None:
        self.stages: list[Stage] = []
        self.expected: dict[str, float] = {}

    def remaining(self) -> float | None:
        if self.time_limit is None:
            return None
        return self.time_limit - (time.perf_counter() - self.start)

    def out_of_time(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def limit_message(self, what: str, detail: str = "") -> str:
        """What a stop by the time limit means, and what to do about it: ``what`` says what
        the limit came before, ``detail`` is the backend's own word on it (or empty)."""
        limit = (
            "the time limit"
            if self.time_limit is None
            else f"the time limit ({self.time_limit:g} s)"
        )
        if self.time_limit is None:  # a solver limit other than time (iterations)
            limit = f"a limit of the solver ({self.backend.name})"
        text = f"{limit} was reached {what}"
        if detail:
            text += f" ({detail})"
        return f"{text}; {limit_advice(self.backend.name)}"

    def failed(self, raw: RawSolution) -> tuple[RawSolution, Status, str]:
        """The outcome of a run whose solver call ``raw`` ended without a selection."""
        if raw.status == Status.NO_SOLUTION:
            what = "before any selection was found, so whether one exists is unknown"
            return raw, raw.status, self.limit_message(what, raw.message)
        if raw.status == Status.ERROR:
            return raw, raw.status, raw.message or f"the solver ({self.backend.name}) failed"
        return raw, raw.status, raw.message

    def call(self, name: str, milp: Milp) -> RawSolution:
        raw = self.backend.solve(
            milp, time_limit=self.remaining(), seed=self.seed, verbose=self.verbose
        )
        self.stages.append(Stage(name, raw.status, raw.objective, raw.seconds))
        return raw

    def objective_mismatch(self, audit_result: Audit) -> str:
        """Compare the solver's stage values with the objective recomputed in Python."""
        obj = audit_result.objective
        if obj is None:
            return ""
        for part, expected in self.expected.items():
            got = obj.parts.get(part)
            if got is None or not math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-6):
                return (
                    f"the solver's {part} ({expected:g}) differs from the value recomputed for "
                    f"its selection ({got}); the selection is not shown"
                )
        return ""


def _solve(run: _Run) -> tuple[RawSolution | None, Status, str]:
    """Run the stages of the scenario's objective; return the last good solution."""
    kind = run.model.compiled.objective.kind
    if kind == "max_overlap":
        return _solve_overlap(run)
    model = run.model
    base = model.base
    if kind == "match_target":
        milp, dev_terms = _with_deviation(model)
        raw = run.call("minimise deviation", milp.with_objective(dev_terms, "min"))
        if not raw.status.has_selection:
            return run.failed(raw)
        # The deviation of the selection itself, from its counts: an unproven incumbent's
        # deviation variables need not be tight (d_v >= |count_v - target_v| only).
        opt = round(_deviation(model, raw.values or []))
        if raw.status == Status.OPTIMAL:
            run.expected["deviation"] = opt
        lock = (dev_terms, None, opt + 0.5)
        return _tiebreak(run, milp, raw, [lock])
    if kind == "max_weight":
        w_terms = model.weight_terms()
        raw = run.call("maximise weight", base.with_objective(w_terms, "max"))
        if not raw.status.has_selection:
            return run.failed(raw)
        best_weight = base.evaluate(w_terms, raw.values or [])
        if raw.status == Status.OPTIMAL:
            run.expected["weight"] = best_weight
        tol = 1e-7 * max(1.0, abs(best_weight))
        return _tiebreak(run, base, raw, [(w_terms, best_weight - tol, None)])
    # feasibility: every valid selection is optimal, so the tie-break stage alone finds the
    # selection (one solver call instead of a search for any selection followed by it).
    raw = _call_ranked(run, "find a selection, earliest in pool order", _ranked(run, base, []))
    if raw.status == Status.FEASIBLE:  # valid, but the time limit cut the tie-break short
        return raw, Status.OPTIMAL, run.limit_message(_BEFORE_TIES, raw.message)
    if not raw.status.has_selection:
        return run.failed(raw)
    return raw, raw.status, ""


Lock = tuple[Terms, float | None, float | None]


def _tiebreak(
    run: _Run, milp: Milp, best: RawSolution, locks: list[Lock]
) -> tuple[RawSolution, Status, str]:
    """Among selections as good as ``best``, prefer earlier pool positions."""
    if best.status != Status.OPTIMAL:
        return best, best.status, run.limit_message(_BEFORE_BEST, best.message)
    if run.out_of_time():
        return best, Status.OPTIMAL, run.limit_message(_BEFORE_TIES)
    raw = _call_ranked(run, "break ties by pool order", _ranked(run, milp, locks))
    if raw.status == Status.OPTIMAL:
        return raw, Status.OPTIMAL, ""
    if raw.status.has_selection:  # as good as best, its pool order not proven earliest
        return raw, Status.OPTIMAL, run.limit_message(_BEFORE_TIES, raw.message)
    if raw.status == Status.NO_SOLUTION:
        return best, Status.OPTIMAL, run.limit_message(_BEFORE_TIES, raw.message)
    # ERROR, or INFEASIBLE although ``best`` satisfies every lock: the solver is at fault.
    why = raw.message or f"the solver said {raw.status.value} for a program best satisfies"
    return raw, Status.ERROR, f"the stage that breaks ties by pool order failed: {why}"


_BEFORE_BEST = "before the best selection was proven; the selection is valid"
_BEFORE_TIES = "before ties were broken by pool order (the selection is as good as any)"


def _ranked(run: _Run, milp: Milp, locks: list[Lock]) -> Milp:
    """``milp`` with the objective stages' optima kept (``locks``), minimising pool order."""
    m = milp.extended()
    for k, (terms, lo, hi) in enumerate(locks):
        m.add_row(f"lock{k}", terms, lo, hi)
    return m.with_objective(run.model.rank_terms(), "min")


#: Programs with at least this many variables are solved by LP-guided restriction.
_RESTRICT_FROM = 1000


def _call_ranked(run: _Run, name: str, milp: Milp) -> RawSolution:
    """Solve a pool-order (tie-break) program: the same optimum as ``run.call``, but a large
    program without a time limit is first tried through its LP relaxation (see
    :func:`_by_reduced_costs`), which gives the solver a program of a few hundred variables."""
    if run.time_limit is None and milp.num_vars >= _RESTRICT_FROM:
        raw = _by_reduced_costs(run, milp)
        if raw is not None:
            run.stages.append(Stage(name, raw.status, raw.objective, raw.seconds))
            return raw
    return run.call(name, milp)


def _by_reduced_costs(run: _Run, milp: Milp) -> RawSolution | None:
    """An optimal solution of the minimisation ``milp``, proven with LP reduced costs; None
    when this does not work out (the caller then solves ``milp`` whole).

    The LP relaxation's duals give reduced costs ``d`` and a lower bound ``Z`` on the cost of
    every solution (:meth:`Milp.lagrangian`). A program keeping only the variables with the
    smallest reduced costs (and every variable that may not be left at 0) is solved; its
    optimum ``U`` is a solution of the whole program, so every optimal solution costs at most
    ``U`` and has ``x_j = 0`` wherever ``d_j > U - Z``. If every left-out variable is such a
    variable, the optimum found is optimal for the whole program; otherwise the program is
    solved once more with every variable with ``d_j <= U - Z`` kept, which is then exact.
    """
    solve_lp = getattr(run.backend, "solve_lp", None)
    if solve_lp is None or milp.sense != "min":
        return None
    lp = solve_lp(milp, seed=run.seed, verbose=run.verbose)
    if lp is None:
        return None
    seconds = lp.seconds
    d, bound = milp.lagrangian(lp.duals)
    if not math.isfinite(bound):
        return None
    n = milp.num_vars
    # Variables that may be left out (fixed at 0): integer, lower bound 0, positive reduced
    # cost, 0 in the LP solution.
    optional = [
        j
        for j in range(n)
        if milp.integer[j] and milp.lb[j] == 0 and d[j] > 0 and abs(lp.values[j]) < 1e-9
    ]
    cheapest = sorted(optional, key=lambda j: (d[j], j))[: max(200, 4 * len(milp.rows))]
    left_out = set(optional).difference(cheapest)
    for _ in range(2):
        keep = [j for j in range(n) if j not in left_out]
        if len(keep) > n // 2:
            return None  # no gain over solving the whole program
        raw = run.backend.solve(
            milp.restricted(keep), time_limit=None, seed=run.seed, verbose=run.verbose
        )
        seconds += raw.seconds
        if raw.status != Status.OPTIMAL or raw.values is None:
            return None
        values = [0.0] * n
        for i, j in enumerate(keep):
            values[j] = float(round(raw.values[i])) if milp.integer[j] else raw.values[i]
        if not milp.satisfied_by(values):
            return None
        cost = sum(c * values[j] for j, c in milp.objective.items())
        slack = cost - bound + 1e-6 * (1.0 + abs(cost) + abs(bound))
        needed = {j for j in left_out if d[j] <= slack}
        if not needed:
            return RawSolution(Status.OPTIMAL, values, float(cost), float(cost), seconds)
        left_out -= needed
    return None


def _with_deviation(model: SelectionModel) -> tuple[Milp, Terms]:
    """match_target: add d_v >= |count_v - target_v| for every target value."""
    milp = model.base.extended()
    dev_terms: Terms = []
    for k, cell in enumerate(model.compiled.objective.cells):
        count = model.cell_terms(cell)
        target = float(cell.target or 0)
        d = milp.add_var(f"d{k}", 0.0, float(max(cell.available, cell.target or 0)), False)
        milp.add_row(f"dev{k}+", [*count, (d, -1.0)], None, target)
        milp.add_row(f"dev{k}-", [*count, (d, 1.0)], target, None)
        dev_terms.append((d, 1.0))
    return milp, dev_terms


def _solve_overlap(run: _Run) -> tuple[RawSolution | None, Status, str]:
    """max_overlap: bisect the depth, then maximise the total, then break ties."""
    model = run.model
    obj = model.compiled.objective
    cells = [(cell, model.cell_terms(cell)) for cell in obj.cells]

    def at_depth(t: int) -> Milp:
        m = model.base.extended()
        for k, (cell, terms) in enumerate(cells):
            need = min(t, cell.available)
            if need > 0:
                m.add_row(f"depth{k}", terms, float(need), None)
        return m

    best = run.call("depth 0 (any valid selection)", model.base)
    if not best.status.has_selection:
        return run.failed(best)
    raising = "while raising the depth; the selection is valid"
    lo, hi = obj.depth(_counts(model, best, cells)), obj.max_depth
    while lo < hi:
        if run.out_of_time():
            return best, Status.FEASIBLE, run.limit_message(raising)
        mid = (lo + hi + 1) // 2
        raw = run.call(f"depth {mid}?", at_depth(mid))
        if raw.status.has_selection:
            best = raw
            lo = max(mid, obj.depth(_counts(model, raw, cells)))
        elif raw.status == Status.INFEASIBLE:
            hi = mid - 1
        elif raw.status == Status.NO_SOLUTION:
            return best, Status.FEASIBLE, run.limit_message(raising, raw.message)
        else:
            return run.failed(raw)
    depth = lo
    run.expected["depth"] = depth
    total_terms: Terms = [t for _, terms in cells for t in terms]
    milp = at_depth(depth)
    maximising = "before the total was maximised; the selection is valid"
    if run.out_of_time():
        return best, Status.FEASIBLE, run.limit_message(maximising)
    raw = run.call(f"maximise total at depth {depth}", milp.with_objective(total_terms, "max"))
    if raw.status == Status.NO_SOLUTION:
        return best, Status.FEASIBLE, run.limit_message(maximising, raw.message)
    if not raw.status.has_selection:  # ERROR, or INFEASIBLE at a depth a selection has
        if raw.status == Status.INFEASIBLE:
            raw = RawSolution(
                Status.ERROR,
                None,
                None,
                None,
                raw.seconds,
                f"the solver ({run.backend.name}) called depth {depth} infeasible after "
                "finding a selection with that depth",
            )
        return run.failed(raw)
    total = round(milp.evaluate(total_terms, raw.values or []))
    if raw.status == Status.OPTIMAL:
        run.expected["total"] = total
    return _tiebreak(run, milp, raw, [(total_terms, total - 0.5, None)])


def _deviation(model: SelectionModel, values: Sequence[float]) -> float:
    """match_target: the total absolute deviation of a solution's counts from the targets."""
    total = 0.0
    for cell in model.compiled.objective.cells:
        count = sum(c * values[j] for j, c in model.cell_terms(cell))
        total += abs(count - float(cell.target or 0))
    return total


def _counts(
    model: SelectionModel, raw: RawSolution, cells: Sequence[tuple[Any, Terms]]
) -> list[int]:
    values = raw.values or []
    return [round(sum(c * values[j] for j, c in terms)) for _, terms in cells]
