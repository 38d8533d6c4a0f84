"""Choosing a selection: the scenario's program (:mod:`selectie.formulation`) solved in
stages, and the answer re-checked.

Objectives are solved lexicographically, one solver call per stage, in one solver session
(:class:`selectie.formulation.Lexicographic`):

- ``feasibility``: find any valid selection;
- ``max_overlap``: find the largest depth *t* (every value held by at least min(t, available)
  selected cases), then maximise the total number of (case, value) pairs;
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

import time
from collections.abc import Iterable, Sequence

from .constraints import compile_scenario
from .formulation import (
    Clock,
    Lexicographic,
    SelectionModel,
    failure,
    objective_mismatch,
    objective_stages,
    recheck,
)
from .pool import Pool
from .result import Audit, Selection, SolverInfo
from .scenario import Scenario
from .solve.backend import Status, get_backend
from .solve.default import DEFAULT

__all__ = ["audit", "select"]


def select(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = DEFAULT,
    time_limit: float | None = None,
    seed: int = 1,
    verbose: bool = False,
) -> Selection:
    """Choose ``scenario.size`` cases from ``pool`` that satisfy every constraint of
    ``scenario``, best for its objective.

    ``solver`` is ``"highs"`` (the default, :data:`selectie.solve.default.DEFAULT`; ``"cbc"``
    when highspy is not installed), ``"cbc"`` (bundled with PuLP) or ``"pulp:NAME"``;
    ``time_limit`` is in seconds for the whole run; ``seed`` is passed to the solver;
    ``verbose`` shows the solver's log. Bad names in the scenario raise
    :class:`~selectie.errors.ScenarioError`; an infeasible scenario is not an error but a
    :class:`~selectie.result.Selection` with status INFEASIBLE and the reasons found by quick
    checks.

    >>> from selectie import load_pool, load_scenario
    >>> sel = select(load_pool(), load_scenario())
    >>> sel.status.value, len(sel.ids), sel.audit.ok
    ('optimal', 13, True)
    """
    compiled = compile_scenario(pool, scenario)
    backend = get_backend(solver)
    clock = Clock(time_limit)
    model = SelectionModel(compiled)
    milp = model.base.extended()
    stages = objective_stages(model, milp, parity=True)  # see _parity_deviation

    def levels_of(values: Sequence[float]) -> list[float]:
        # each stage's value from the selection itself (for match_target: from its counts,
        # as deviation variables need not be tight at an unproven incumbent)
        parts = compiled.objective.evaluate(model.positions(values)).parts
        return [float(parts[s.name]) for s in stages]

    with Lexicographic(
        backend, milp, stages, model.rank_terms(), seed=seed, verbose=verbose, levels_of=levels_of
    ) as lex:
        out = lex.run(clock=clock)
    status, message, raw = out.status, out.message, out.raw
    info = SolverInfo(
        name=backend.name,
        version=backend.version(),
        seconds=time.perf_counter() - clock.start,
        time_limit=time_limit,
        seed=seed,
        stages=tuple(lex.records),
        variables=model.base.num_vars,
        rows=len(model.base.rows),
    )
    if raw is None or raw.values is None or not status.has_selection:
        reasons: tuple[str, ...] = ()
        if status == Status.INFEASIBLE:
            from .quick_checks import quick_checks

            reasons = tuple(quick_checks(compiled))
            if not message:
                from .i18n import _

                message = _("no selection satisfies every constraint")
        return Selection(status, pool, scenario, (), None, info, message, compiled, reasons)

    positions = model.positions(raw.values)
    result = recheck(compiled, positions)
    why = failure(compiled, positions, backend.name)
    if why:
        return Selection(Status.ERROR, pool, scenario, (), result, info, why, compiled)
    mismatch = objective_mismatch(result, out.expected)
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
    from .i18n import _

    compiled = compile_scenario(pool, scenario)
    positions, problems, seen = [], [], set()
    for k, case_id in enumerate(ids):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"selection[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos in seen:
            twice = _("{id} is listed twice").format(id=repr(case_id))
            problems.append(Problem(message=f"selection[{k}]: {twice}"))
            continue
        seen.add(pos)
        positions.append(pos)
    if problems:
        raise ScenarioError(_("the selection to audit is not valid"), problems)
    return recheck(compiled, positions)
