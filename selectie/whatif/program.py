"""The case-level program held open in one solver session for a whole what-if question.

Shared by :mod:`.find_alternatives`, :mod:`.find_importance` and :mod:`.find_replacement`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from ..constraints import CompiledScenario
from ..diagnose import Progress
from ..errors import SolverError, TimeLimitReached
from ..formulation import CaseProgram, Lexicographic, Lock, Outcome, verified
from ..formulation.lexicographic import Clock
from ..pool import Pool
from ..result import Selection
from ..scenario import Scenario
from ..solve.backend import Backend, RawSolution, Status, get_backend
from ..solve.milp import Terms
from ..solve.session import Option

#: Solver options, per backend, for the sessions of importance and alternatives, whose hard
#: calls are feasibility questions with no objective (importance's level proofs and finds;
#: alternatives' proof that no selection at the best level was missed). By measurement
#: (CPU): HiGHS's primal heuristics (RINS, RENS, feasibility jump, root reduced cost) and
#: restarts spend more than they save; the lower bounds come from the search alone.
#: Importance, bijlage4-exact, level proofs, median of three seeds: 0.85 -> 0.40 s and
#: 1.36 -> 1.00 s. Alternatives --count 100, bijlage4-spread, the whole call, medians of
#: five runs in each of three processes: 1.18-1.30 -> 0.72-0.96 s.
FEASIBILITY_OPTIONS: dict[str, dict[str, Option]] = {
    "highs": {
        "mip_heuristic_effort": 0.0,
        "mip_heuristic_run_rins": False,
        "mip_heuristic_run_rens": False,
        "mip_heuristic_run_feasibility_jump": False,
        "mip_heuristic_run_root_reduced_cost": False,
        "mip_allow_restart": False,
    }
}


class Program:
    """The case-level program (:class:`selectie.formulation.CaseProgram`) held open in one
    solver session for the whole question, with the lexicographic loop over it.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        backend: Backend,
        seed: int,
        progress: Progress | None,
        *,
        parity: bool = False,
        options: Mapping[str, Option] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.compiled = compiled
        #: The question's time limit, for every call (None: no limit); a call it stops
        #: raises :class:`~selectie.errors.TimeLimitReached`.
        self.clock = clock
        self.backend, self.seed, self.progress = backend, seed, progress
        self.case = CaseProgram(compiled, parity=parity)
        self.x = self.case.x
        self.stages = self.case.stages
        self.milp = self.case.milp
        self.lex = Lexicographic(
            backend,
            self.milp,
            self.stages,
            self.case.rank,
            seed=seed,
            levels_of=lambda v: self.case.levels(self.case.positions(v)),
            options=options,
        )
        self.session = self.lex.session

    def close(self) -> None:
        self.session.close()

    @property
    def calls(self) -> int:
        return self.lex.calls

    @property
    def seconds(self) -> float:
        return self.lex.seconds

    # -- solving -----------------------------------------------------------------------------

    def report(self, done: int, total: int | None, what: str) -> None:
        if self.progress is not None:
            self.progress(done, total, what)

    def _stopped(self, status: Status) -> None:
        """Raise :class:`TimeLimitReached` if the time limit stopped a call (``status``)."""
        limited = self.clock is not None and self.clock.time_limit is not None
        if limited and status in (Status.FEASIBLE, Status.NO_SOLUTION):
            raise TimeLimitReached(f"the time limit stopped a call ({status.value})")

    def _decided(self, raw: RawSolution) -> list[float] | None:
        """An optimal solution's values, None if infeasible; raise if the solver cannot say."""
        if raw.status == Status.INFEASIBLE:
            return None
        self._stopped(raw.status)
        if raw.status != Status.OPTIMAL or raw.values is None:
            why = raw.message or f"status {raw.status.value}"
            raise SolverError(f"the solver ({self.backend.name}) failed: {why}")
        return raw.values

    def solve(self, what: str, terms: Terms, sense: Literal["min", "max"]) -> list[float] | None:
        """Optimise ``terms`` over the program as it stands (no stage locked)."""
        self.lex.free_locks()
        return self._decided(self.lex.call(what, terms, sense, self.clock))

    def positions(self, values: Sequence[float]) -> tuple[int, ...]:
        return self.case.positions(values)

    def levels(self, positions: Iterable[int]) -> list[float]:
        """The stage values of a selection, computed in plain Python."""
        return self.case.levels(positions)

    def _answer(self, out: Outcome) -> tuple[int, ...] | None:
        if out.status == Status.INFEASIBLE:
            return None
        self._stopped(out.status)
        if out.status != Status.OPTIMAL or out.raw is None or out.raw.values is None:
            why = out.message or f"status {out.status.value}"
            raise SolverError(f"the solver ({self.backend.name}) failed: {why}")
        return self.verified(self.positions(out.raw.values))

    def best(self, *, tiebreak: bool = True, prefer: Sequence[int] = ()) -> tuple[int, ...] | None:
        """The best selection, stage by stage, ties broken by pool order.

        Without ``tiebreak`` the pool-order stage (often the slowest call) is skipped: any
        best selection is returned, one holding as many of the cases ``prefer`` as possible
        when the last stage is integral (it is then folded into that stage's objective).
        """
        prefer_terms = self.case.cases(prefer)
        out = self.lex.run(clock=self.clock, tiebreak=tiebreak, prefer=prefer_terms)
        return self._answer(out)

    def at_levels(self, levels: Sequence[float]) -> tuple[int, ...] | None:
        """The earliest selection as good as ``levels`` on every stage."""
        return self._answer(self.lex.run(clock=self.clock, levels=levels))

    def any_at_levels(self, levels: Sequence[float], what: str) -> tuple[int, ...] | None:
        """Any selection as good as ``levels`` on every stage (a feasibility call)."""
        self.lex.free_locks()
        for k, value in enumerate(levels):
            self.lex.lock(k, value)
        values = self._decided(self.lex.call(what, [], "min", self.clock))
        return None if values is None else self.verified(self.positions(values))

    def any_selection(self, what: str) -> tuple[int, ...] | None:
        """Any selection under the rows as they stand, every stage lock freed (a feasibility
        call whose levels the caller has put in rows of its own).
        """
        self.lex.free_locks()
        values = self._decided(self.lex.call(what, [], "min", self.clock))
        return None if values is None else self.verified(self.positions(values))

    def verified(self, positions: tuple[int, ...]) -> tuple[int, ...]:
        """``positions`` if they pass every constraint in plain Python; raise otherwise."""
        return verified(self.compiled, positions, self.backend.name)

    def add(self, row: Lock, name: str) -> int:
        """Add a row (a lock or a cut) to the session."""
        terms, lo, hi = row
        return self.session.add_row(terms, lo, hi, name)

    def cut(self, positions: Sequence[int]) -> None:
        """Forbid exactly this selection (a no-good cut)."""
        self.add(self.case.no_good(positions), "no-good")

    def forbid(self, i: int, forbidden: bool) -> None:
        """Fix case ``i`` at 0 (or give it its range back)."""
        j = self.x[i]
        self.session.set_var_bounds(j, self.milp.lb[j], 0.0 if forbidden else self.milp.ub[j])


def setup(
    pool: Pool,
    scenario: Scenario,
    solver: str,
    seed: int,
    progress: Progress | None,
    *,
    parity: bool = False,
    options: Mapping[str, Option] | None = None,
    clock: Clock | None = None,
) -> tuple[Selection, Program | None]:
    """The best selection, and the program opened for the questions that follow it (None
    when there is no valid selection); ``parity`` as in :class:`~selectie.formulation.CaseProgram`,
    ``options`` the solver's own for the session (see :func:`~selectie.solve.session.open_session`),
    ``clock`` the question's time limit, the best selection's solve included.
    """
    from ..engine import select

    left = None if clock is None else clock.remaining()
    best = select(pool, scenario, solver=solver, seed=seed, time_limit=left)
    if not best.ok or best.compiled is None:
        return best, None
    return best, Program(
        best.compiled,
        get_backend(solver),
        seed,
        progress,
        parity=parity,
        options=options,
        clock=clock,
    )
