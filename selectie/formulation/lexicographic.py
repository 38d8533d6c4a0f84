"""The one lexicographic solve loop: the objective's stages one after another, then the
tie-break, in one solver session.

:class:`Lexicographic` holds a :class:`~selectie.solve.session.Session` over a program and
its stages. Each stage is solved with its own objective and then kept at its optimum by a
lock row (made once, free until used), so asking again (with another no-good cut, another
case forbidden, other levels) changes only bounds and objectives. The last stage is the
tie-break: among selections as good as the best, the smallest pool-order sum.

Status rules (a stage's status is the solver's, read from its table):

- the first stage decides feasibility: INFEASIBLE, NO_SOLUTION and ERROR are passed on;
- a stage stopped by the time limit with a solution gives FEASIBLE ("not proven best");
- a stage stopped without one keeps the previous stage's solution, FEASIBLE;
- an ERROR in any stage is an ERROR, never taken for a time limit; so is a later stage
  called infeasible (the previous solution meets its lock);
- the tie-break stopped by the time limit keeps the stage optimum (OPTIMAL: it is proven
  best), saying that ties were not broken;
- every message after a limit says which limit was reached, before what, the solver's own
  words, and what to do (:func:`~selectie.solve.backend.limit_advice`).

The answer's values are re-checked by the session against the program; the selection they
stand for is re-checked by the caller against the scenario (:mod:`.recheck`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from ..i18n import N_, _
from ..result import Stage as StageRecord
from ..solve.backend import limit_advice
from ..solve.milp import Milp, Terms
from ..solve.outcome import RawSolution, Status
from ..solve.session import Option, Session, open_session
from .program import Stage

__all__ = ["Clock", "Lexicographic", "Outcome"]

# Marked here, translated where the message is made (limit_message).
_BEFORE_ANY = N_("before any selection was found, so whether one exists is unknown")
_BEFORE_BEST = N_("before the best selection was proven; the selection is valid")
_BEFORE_TIES = N_("before ties were broken by pool order (the selection is as good as any)")
_BEFORE_STAGE = {
    "max": N_("before the {stage} was maximised; the selection is valid"),
    "min": N_("before the {stage} was minimised; the selection is valid"),
}

#: Programs with at least this many variables have their tie-break solved by LP-guided
#: restriction when there is no time limit (see :func:`_by_reduced_costs`).
_RESTRICT_FROM = 1000


@dataclass
class Clock:
    """The time left of a run's time limit (None: no limit)."""

    time_limit: float | None
    start: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.start

    def remaining(self) -> float | None:
        if self.time_limit is None:
            return None
        return self.time_limit - self.elapsed()

    def out(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0


@dataclass
class Outcome:
    """What a lexicographic run ends in: the last good solution (or None), its status, a
    message, and each stage's value where the stage was proven optimal.
    """

    raw: RawSolution | None
    status: Status
    message: str = ""
    expected: dict[str, float] = field(default_factory=dict)


class Lexicographic:
    """A program, its stages and tie-break, open in one solver session.

    >>> from selectie import load_pool, load_scenario
    >>> from selectie.constraints import compile_scenario
    >>> from selectie.formulation import SelectionModel, objective_stages
    >>> from selectie.solve.backend import get_backend
    >>> spread = load_scenario("bijlage4-spread")  # selectie's extension: a max_overlap objective
    >>> model = SelectionModel(compile_scenario(load_pool(), spread))
    >>> milp = model.base.extended()
    >>> stages = objective_stages(model, milp)
    >>> with Lexicographic(get_backend("cbc"), milp, stages, model.rank_terms()) as lex:
    ...     out = lex.run()
    >>> out.status.value, out.expected
    ('optimal', {'depth': 1.0, 'total': 65.0})
    """

    def __init__(
        self,
        backend: Any,
        milp: Milp,
        stages: Sequence[Stage],
        rank: Terms,
        *,
        seed: int = 1,
        verbose: bool = False,
        levels_of: Callable[[Sequence[float]], list[float]] | None = None,
        options: Mapping[str, Option] | None = None,
    ) -> None:
        self.backend = backend
        self.stages = list(stages)
        self.rank = rank
        self.seed, self.verbose = seed, verbose
        self.session: Session = open_session(
            backend, milp, seed=seed, verbose=verbose, options=options
        )
        self.lock_rows = [
            self.session.add_row(s.terms, None, None, f"lock {s.name}") for s in self.stages
        ]
        self.levels_of = levels_of or (lambda v: [s.value(v) for s in self.stages])
        #: One record per solver call (name, status, objective, seconds).
        self.records: list[StageRecord] = []
        self.calls = 0
        self.seconds = 0.0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    # -- one call ------------------------------------------------------------------------------

    def call(self, name: str, terms: Terms, sense: str, clock: Clock | None) -> RawSolution:
        """Solve with objective ``terms`` under the current bounds; record the call."""
        self.session.set_objective(terms, "max" if sense == "max" else "min")
        left = None if clock is None else clock.remaining()
        raw = self.session.solve(time_limit=None if left is None else max(0.01, left))
        self._record(name, raw)
        return raw

    def _record(self, name: str, raw: RawSolution) -> None:
        self.calls += 1
        self.seconds += raw.seconds
        self.records.append(StageRecord(name, raw.status, raw.objective, raw.seconds))

    def free_locks(self) -> None:
        """Let every stage take any value again."""
        for k in self.lock_rows:
            self.session.set_row_bounds(k, None, None)

    def lock(self, k: int, value: float) -> None:
        """Keep stage ``k`` at least as good as ``value``."""
        stage = self.stages[k]
        _row, lo, hi = stage.lock(float(round(value)) if stage.integral else value)
        self.session.set_row_bounds(self.lock_rows[k], lo, hi)

    # -- the loop ------------------------------------------------------------------------------

    def limit_message(self, clock: Clock | None, what: str, detail: str = "") -> str:
        """What a stop by a limit means, and what to do about it: ``what`` says what the limit
        came before, ``detail`` is the backend's own word on it (or empty).
        """
        name = getattr(self.backend, "name", "?")
        time_limit = None if clock is None else clock.time_limit
        if time_limit is None:  # a solver limit other than time (iterations)
            text = _("a limit of the solver ({solver}) was reached {what}")
            text = text.format(solver=name, what=_(what))
        else:
            text = _("the time limit ({seconds} s) was reached {what}")
            text = text.format(seconds=f"{time_limit:g}", what=_(what))
        if detail:
            text += f" ({detail})"
        return f"{text}; {limit_advice(name)}"

    def failed(self, raw: RawSolution, clock: Clock | None, expected: dict[str, float]) -> Outcome:
        """The outcome of a run whose first call ``raw`` ended without a selection."""
        if raw.status is Status.NO_SOLUTION:
            return Outcome(
                None, raw.status, self.limit_message(clock, _BEFORE_ANY, raw.message), expected
            )
        if raw.status is Status.ERROR:
            name = getattr(self.backend, "name", "?")
            why = raw.message or _("the solver ({solver}) failed").format(solver=name)
            return Outcome(None, raw.status, why, expected)
        return Outcome(None, raw.status, raw.message, expected)

    def run(
        self,
        *,
        clock: Clock | None = None,
        levels: Sequence[float] | None = None,
        tiebreak: bool = True,
        prefer: Sequence[tuple[int, float]] = (),
    ) -> Outcome:
        """The best solution, stage by stage, ties broken by pool order.

        With ``levels`` the stages are not solved but locked at these values (the earliest
        solution as good as them). Without ``tiebreak`` the pool-order stage is skipped;
        ``prefer`` (terms to maximise) is then folded into the last stage when it is integral,
        weighted below it.
        """
        self.free_locks()
        expected: dict[str, float] = {}
        if levels is not None:
            for k, value in enumerate(levels):
                self.lock(k, value)
            raw = self._tiebreak_call(clock)
            if raw.status is Status.FEASIBLE:
                message = self.limit_message(clock, _BEFORE_TIES, raw.message)
                return Outcome(raw, Status.OPTIMAL, message)
            if raw.values is None:
                return self.failed(raw, clock, expected)
            return Outcome(raw, raw.status, raw.message)
        best: RawSolution | None = None
        for k, stage in enumerate(self.stages):
            verb = "maximise" if stage.sense == "max" else "minimise"
            if clock is not None and clock.out() and best is not None:
                what = _(_BEFORE_STAGE[stage.sense]).format(stage=_(stage.name))
                return Outcome(best, Status.FEASIBLE, self.limit_message(clock, what), expected)
            terms: Terms = stage.terms
            last = k == len(self.stages) - 1
            if prefer and not tiebreak and stage.integral and last:
                weight = float(sum(abs(c) for _, c in prefer) + 1)
                sign = 1.0 if stage.sense == "max" else -1.0
                terms = [(j, c * weight) for j, c in stage.terms]
                terms += [(j, sign * c) for j, c in prefer]
            raw = self.call(f"{verb} {stage.name}", terms, stage.sense, clock)
            if best is None and raw.values is None:  # the first stage decides feasibility
                return self.failed(raw, clock, expected)
            if raw.status is Status.ERROR:
                return self.failed(raw, clock, expected)
            if raw.status is Status.INFEASIBLE:
                # the previous solution meets every lock: the solver is at fault
                name = getattr(self.backend, "name", "?")
                return Outcome(
                    None,
                    Status.ERROR,
                    f"the solver ({name}) called the {stage.name} stage infeasible after "
                    "finding a selection that meets it",
                    expected,
                )
            if raw.values is None:  # stopped by a limit before a solution
                what = _(_BEFORE_STAGE[stage.sense]).format(stage=_(stage.name))
                message = self.limit_message(clock, what, raw.message)
                return Outcome(best, Status.FEASIBLE, message, expected)
            best = raw
            if raw.status is not Status.OPTIMAL:
                message = self.limit_message(clock, _BEFORE_BEST, raw.message)
                return Outcome(raw, Status.FEASIBLE, message, expected)
            value = self.levels_of(raw.values)[k]
            expected[stage.name] = float(round(value)) if stage.integral else value
            self.lock(k, value)
        if not tiebreak and best is not None:
            return Outcome(best, Status.OPTIMAL, "", expected)
        if clock is not None and clock.out() and best is not None:
            message = self.limit_message(clock, _BEFORE_TIES)
            return Outcome(best, Status.OPTIMAL, message, expected)
        raw = self._tiebreak_call(clock, first=not self.stages)
        if raw.status is Status.OPTIMAL:
            return Outcome(raw, Status.OPTIMAL, "", expected)
        if raw.status.has_selection:  # as good as best, its pool order not proven earliest
            message = self.limit_message(clock, _BEFORE_TIES, raw.message)
            return Outcome(raw, Status.OPTIMAL, message, expected)
        if best is None:  # no stages: the tie-break was the only call
            return self.failed(raw, clock, expected)
        if raw.status is Status.NO_SOLUTION:
            message = self.limit_message(clock, _BEFORE_TIES, raw.message)
            return Outcome(best, Status.OPTIMAL, message, expected)
        # ERROR, or INFEASIBLE although ``best`` satisfies every lock: the solver is at fault.
        why = raw.message or f"the solver said {raw.status.value} for a program best satisfies"
        return Outcome(
            None, Status.ERROR, f"the stage that breaks ties by pool order failed: {why}", expected
        )

    def _tiebreak_call(self, clock: Clock | None, *, first: bool = False) -> RawSolution:
        name = "find a selection, earliest in pool order" if first else "break ties by pool order"
        if (clock is None or clock.time_limit is None) and self.session.num_vars >= _RESTRICT_FROM:
            self.session.set_objective(self.rank, "min")
            raw = _by_reduced_costs(self.backend, self.session.program, self.seed, self.verbose)
            if raw is not None:
                self._record(name, raw)
                return raw
        return self.call(name, self.rank, "min", clock)


def _by_reduced_costs(backend: Any, milp: Milp, seed: int, verbose: bool) -> RawSolution | None:
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
    solve_lp = getattr(backend, "solve_lp", None)
    if solve_lp is None or milp.sense != "min":
        return None
    lp = solve_lp(milp, seed=seed, verbose=verbose)
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
    for _round in range(2):
        keep = [j for j in range(n) if j not in left_out]
        if len(keep) > n // 2:
            return None  # no gain over solving the whole program
        raw = backend.solve(milp.restricted(keep), time_limit=None, seed=seed, verbose=verbose)
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
