"""Persistent solver sessions: open a program once, change it, solve it again and again.

A backend's ``open(milp, *, seed, verbose, options)`` returns a :class:`Session` over a copy
of ``milp``. The session is changed in place and solved as often as needed; the program it
was opened from is never changed. Every change names variables and rows by their index in
the program (new rows and columns get the next index)::

    with get_backend("highs").open(milp) as s:
        s.set_objective([(0, 1.0), (1, 2.0)], "max")   # replace the objective and sense
        s.set_var_bounds(1, 0.0, 0.0)                   # fix a variable (lb, ub; None = free)
        s.set_row_bounds(0, None, 3.0)                  # change a row's range (lo, hi)
        s.set_coefficient(0, 1, 2.5)                    # one matrix entry: row 0, variable 1
        k = s.add_row([(0, 1.0), (1, 1.0)], None, 2.0)  # a new row (a cut), its index
        j = s.add_column(0.0, 1.0, cost=1.0, rows=[(0, 1.0)])  # a new variable, its index
        s.set_integer([j], False)                       # make variables continuous (or integer)
        raw = s.solve(time_limit=5.0)                   # RawSolution: status, values, ...

``solve`` returns a :class:`~selectie.solve.outcome.RawSolution` with the same status rules
as a backend's one-shot ``solve``: ``OPTIMAL`` only when the solver proved it, ``FEASIBLE``
for a solution at a limit, ``NO_SOLUTION`` for none at a limit, ``INFEASIBLE`` only when the
solver proved it, ``ERROR`` otherwise, with the solver's words in ``message``. It carries the
values, the objective, the solver's bound, and the row duals when the program is a linear
program (every variable continuous). Before a solution is returned the session re-checks it
in plain Python against every bound, every row and integrality (:class:`ProgramArrays`);
a solution that fails is returned as ``ERROR`` with no values.

``solve(start=values)`` offers a known solution as a start (a MIP start); a backend that
cannot use one ignores it. A ``time_limit`` applies to this one call.

Two more requests serve column generation, where a good enough column now beats the best
column later:

- ``solve(stop=StopRule(target, share))`` lets an integer program stop before its optimum is
  proved, once its best solution beats ``target`` and has closed ``share`` of the distance
  from ``target`` to the solver's bound (:class:`StopRule`). A solve stopped so is
  ``FEASIBLE`` with ``early=True``; one that ran to the end is ``OPTIMAL`` as always. A
  backend that cannot watch its own search ignores the rule and solves to the end, which
  meets every rule that can be met.
- ``solve(on_solution=f)`` calls ``f(values, objective)`` for every improving solution the
  solver met on its way, in the order found, the best (the returned one) last, each one
  re-checked like the answer; one that fails the re-check is left out. It is called before
  ``solve`` returns. A backend that cannot report its search calls it once, with the answer.

What each backend gives:

- **HiGHS** (:class:`selectie.solve.highs.HighsSession`): one ``highspy.Highs`` object lives
  in the process for the whole session; every change is passed to it with highspy's
  incremental calls (``changeColsCost``, ``changeColBounds``, ``changeRowBounds``,
  ``changeCoeff``, ``addRow``, ``addCol``, ``changeColsIntegrality``). A linear program is
  solved again from the last basis (warm), which is what column generation needs; an integer
  program keeps its model but HiGHS runs branch and bound afresh, started from ``start`` when
  given. ``stop`` and ``on_solution`` are served in process by highspy's callbacks (the MIP
  interrupt callback tests the rule against HiGHS's primal and dual bounds; the improving
  solution callback collects the solutions).
- **CBC** (:class:`selectie.solve.cbc.CbcSession`): CBC is a separate program, so the session
  keeps the changed program in Python and every ``solve`` writes it to an MPS file and runs
  CBC once (cold). The protocol is the same, so callers need not know; only the speed differs.
  It takes the time limit and ignores ``start``; it has no callbacks, so ``stop`` is ignored
  (CBC solves to the end) and ``on_solution`` sees the answer only.
- Any other backend with only a one-shot ``solve`` gets the same file-style session through
  :func:`open_session`, with CBC's fallbacks for ``stop`` and ``on_solution``.

Sessions are context managers; ``close`` frees the solver (it may be called twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np

from .milp import Milp, ProgramArrays, Row, Terms
from .outcome import RawSolution, Sense, Status

__all__ = [
    "MirrorSession",
    "OnSolution",
    "Option",
    "ResolveSession",
    "Session",
    "StopRule",
    "open_session",
]

#: A solver option's value (the options are the solver's own, passed as they are).
Option = str | float | int | bool

#: Called with the values and the objective of each improving solution (``solve(on_solution=)``).
OnSolution = Callable[[list[float], float], None]


@dataclass(frozen=True)
class StopRule:
    """When an integer program may stop before its optimum is proved.

    With ``found`` the objective of the best solution so far and ``bound`` the solver's bound
    on the optimum (for a maximisation ``found <= optimum <= bound``), the solve may stop once
    ``found`` beats ``target`` by more than ``margin * max(1, |target|)`` and has covered at
    least ``share`` of the distance from ``target`` to ``bound``. For a maximisation::

        found > target + margin * max(1, |target|)  and  found - target >= share * (bound - target)

    and the same with the signs turned round for a minimisation. ``share = 0`` stops at the
    first solution that beats ``target``; ``share = 1`` only when the bound is reached.

    >>> rule = StopRule(target=10.0, share=0.5)
    >>> rule.met("max", found=12.0, bound=16.0), rule.met("max", found=13.0, bound=16.0)
    (False, True)
    >>> rule.met("max", found=10.0, bound=10.0)  # equal to the target does not beat it
    False
    >>> rule.met("min", found=7.0, bound=4.0), rule.met("min", found=8.0, bound=4.0)
    (True, False)
    """

    #: The objective value a solution must beat.
    target: float
    #: The share of the distance from the target to the bound it must cover (0 to 1).
    share: float = 0.0
    #: By how much (relative to ``max(1, |target|)``) a solution must beat the target.
    margin: float = 1e-7

    def met(self, sense: Sense, found: float, bound: float) -> bool:
        """True if a solution of objective ``found`` under a bound ``bound`` meets the rule."""
        sign = 1.0 if sense == "max" else -1.0
        gain = sign * (found - self.target)
        reach = sign * (bound - self.target)
        return gain > self.margin * max(1.0, abs(self.target)) and gain >= self.share * reach


@runtime_checkable
class Session(Protocol):
    """A program held open in a solver: change it, then :meth:`solve` it again."""

    @property
    def num_vars(self) -> int:
        """The number of variables (columns) now in the program."""
        ...

    @property
    def num_rows(self) -> int:
        """The number of rows now in the program."""
        ...

    @property
    def program(self) -> Milp:
        """The program as it now stands (read it, do not change it)."""
        ...

    def set_objective(self, terms: Iterable[tuple[int, float]], sense: Sense) -> None:
        """Replace the objective by ``terms`` (repeated variables add up) and its sense."""
        ...

    def set_var_bounds(self, j: int, lb: float | None, ub: float | None) -> None:
        """Change the bounds of variable ``j`` (None: no bound on that side)."""
        ...

    def set_row_bounds(self, k: int, lo: float | None, hi: float | None) -> None:
        """Change the range of row ``k`` (None: no bound on that side)."""
        ...

    def set_coefficient(self, k: int, j: int, value: float) -> None:
        """Set the coefficient of variable ``j`` in row ``k`` (0 removes it)."""
        ...

    def set_integer(self, columns: Iterable[int], integer: bool) -> None:
        """Make the variables ``columns`` integer (True) or continuous (False)."""
        ...

    def add_row(self, terms: Terms, lo: float | None, hi: float | None, name: str = "") -> int:
        """Add a row ``lo <= terms <= hi`` (a constraint or a cut); return its index."""
        ...

    def add_column(
        self,
        lb: float | None,
        ub: float | None,
        *,
        cost: float = 0.0,
        rows: Sequence[tuple[int, float]] = (),
        integer: bool = False,
        name: str = "",
    ) -> int:
        """Add a variable with its objective coefficient and its coefficients in existing rows
        (``rows``: (row index, coefficient)); return its index.
        """
        ...

    def solve(
        self,
        *,
        time_limit: float | None = None,
        start: Sequence[float] | None = None,
        stop: StopRule | None = None,
        on_solution: OnSolution | None = None,
    ) -> RawSolution:
        """Solve the program as it now stands; never raises for infeasibility.

        ``stop`` may end an integer program early (:class:`StopRule`); ``on_solution`` is
        called for each improving solution met on the way, the answer last.
        """
        ...

    def close(self) -> None:
        """Free the solver."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class MirrorSession:
    """The part every session shares: a copy of the program kept in step with each change,
    and the re-check of every answer against it.

    Subclasses pass each change on to their solver in the ``_on_*`` hooks and implement
    :meth:`_solve`.
    """

    #: The solver's name, for messages.
    solver_name = "solver"

    def __init__(self, milp: Milp) -> None:
        self._milp = Milp(
            list(milp.var_names),
            list(milp.lb),
            list(milp.ub),
            list(milp.integer),
            [Row(r.name, list(r.index), list(r.coef), r.lo, r.hi) for r in milp.rows],
            dict(milp.objective),
            milp.sense,
        )
        self.calls = 0
        self.seconds = 0.0
        self.closed = False
        self._arrays: ProgramArrays | None = None  # for the re-check, kept with the program
        self._new_columns: list[tuple[int, list[tuple[int, float]]]] = []  # not yet in it

    # -- the program ---------------------------------------------------------------------------

    @property
    def num_vars(self) -> int:
        return self._milp.num_vars

    @property
    def num_rows(self) -> int:
        return len(self._milp.rows)

    @property
    def program(self) -> Milp:
        return self._milp

    def set_objective(self, terms: Iterable[tuple[int, float]], sense: Sense) -> None:
        items = list(terms)
        objective = dict(items)
        if len(objective) < len(items):  # a variable repeated: its terms add up
            objective = {}
            for j, c in items:
                objective[j] = objective.get(j, 0.0) + c
        if objective and (min(objective) < 0 or max(objective) >= self.num_vars):
            for j in objective:
                self._check_var(j)
        self._milp.objective = objective
        self._milp.sense = sense
        self._on_objective(objective, sense)

    def set_var_bounds(self, j: int, lb: float | None, ub: float | None) -> None:
        self._check_var(j)
        self._milp.lb[j] = _finite_or(lb, -_INF)
        self._milp.ub[j] = _finite_or(ub, _INF)
        if self._arrays is not None:
            self._arrays = self._current_arrays().with_var_bounds(
                j, self._milp.lb[j], self._milp.ub[j]
            )
        self._on_var_bounds(j, self._milp.lb[j], self._milp.ub[j])

    def set_row_bounds(self, k: int, lo: float | None, hi: float | None) -> None:
        row = self._row(k)
        row.lo, row.hi = lo, hi
        if self._arrays is not None:
            self._arrays = self._current_arrays().with_row_bounds(k, lo, hi)
        self._on_row_bounds(k, lo, hi)

    def set_coefficient(self, k: int, j: int, value: float) -> None:
        row = self._row(k)
        self._check_var(j)
        if j in row.index:
            i = row.index.index(j)
            if value == 0:
                del row.index[i], row.coef[i]
            else:
                row.coef[i] = float(value)
        elif value != 0:
            row.index.append(j)
            row.coef.append(float(value))
        self._arrays, self._new_columns = None, []
        self._on_coefficient(k, j, float(value))

    def set_integer(self, columns: Iterable[int], integer: bool) -> None:
        cols = list(columns)
        for j in cols:
            self._check_var(j)
            self._milp.integer[j] = integer
        self._arrays, self._new_columns = None, []
        self._on_integer(cols, integer)

    def add_row(self, terms: Terms, lo: float | None, hi: float | None, name: str = "") -> int:
        for j, _ in terms:
            self._check_var(j)
        k = self.num_rows
        self._milp.add_row(name or f"r{k}", terms, lo, hi)
        self._arrays, self._new_columns = None, []
        row = self._milp.rows[k]
        self._on_add_row(row)
        return k

    def add_column(
        self,
        lb: float | None,
        ub: float | None,
        *,
        cost: float = 0.0,
        rows: Sequence[tuple[int, float]] = (),
        integer: bool = False,
        name: str = "",
    ) -> int:
        entries: dict[int, float] = {}
        for k, c in rows:
            entries[k] = entries.get(k, 0.0) + c
        if entries and (min(entries) < 0 or max(entries) >= self.num_rows):
            for k in entries:
                self._row(k)
        j = self._milp.add_var(
            name or f"x{self.num_vars}", _finite_or(lb, -_INF), _finite_or(ub, _INF), integer
        )
        for k, c in entries.items():
            if c != 0:
                self._milp.rows[k].index.append(j)
                self._milp.rows[k].coef.append(c)
        if cost != 0:
            self._milp.objective[j] = float(cost)
        if self._arrays is not None:  # added to the arrays at the next re-check
            self._new_columns.append((j, [(k, c) for k, c in entries.items() if c != 0]))
        self._on_add_column(j, float(cost), sorted(entries.items()))
        return j

    # -- solving -------------------------------------------------------------------------------

    def solve(
        self,
        *,
        time_limit: float | None = None,
        start: Sequence[float] | None = None,
        stop: StopRule | None = None,
        on_solution: OnSolution | None = None,
    ) -> RawSolution:
        if self.closed:
            raise RuntimeError("the solver session is closed")
        found: list[tuple[list[float], float]] | None = [] if on_solution is not None else None
        if stop is None and found is None:
            raw = self._solve(time_limit, start)
        else:
            raw = self._solve_watched(time_limit, start, stop, found)
        self.calls += 1
        self.seconds += raw.seconds
        raw = self.recheck(raw)
        if on_solution is not None and found is not None:
            if not found and raw.values is not None:
                found.append((raw.values, float(raw.objective or 0.0)))
            for values, objective in found:
                # the answer (re-checked above) is usually the last solution found
                if values is raw.values or values == raw.values or self.passes(values):
                    on_solution(values, objective)
        return raw

    def passes(self, values: Sequence[float]) -> bool:
        """True if ``values`` meet every bound, row and integrality of the program."""
        return self._failure(values) is None

    def recheck(self, raw: RawSolution) -> RawSolution:
        """``raw`` if its values (if any) meet every bound, row and integrality of the program;
        otherwise an ERROR saying what failed.
        """
        if raw.values is None:
            return raw
        why = self._failure(raw.values)
        if why is None:
            return raw
        return RawSolution(
            Status.ERROR,
            None,
            None,
            None,
            raw.seconds,
            f"the solver ({self.solver_name}) returned a selection that fails the re-check "
            f"({why}); it is not shown",
        )

    def _current_arrays(self) -> ProgramArrays:
        """The program's :class:`ProgramArrays`, brought up to date."""
        if self._arrays is None:
            self._arrays = ProgramArrays.of(self._milp)
        elif self._new_columns:
            m = self._milp
            self._arrays = self._arrays.with_columns(
                [(m.lb[j], m.ub[j], m.integer[j], entries) for j, entries in self._new_columns]
            )
        self._new_columns = []
        return self._arrays

    def _failure(self, values: Sequence[float]) -> str | None:
        """Why ``values`` fail the re-check, or None if they pass."""
        m = self._milp
        if len(values) != m.num_vars:
            return f"{len(values)} values for {m.num_vars} variables"
        arrays = self._current_arrays()
        x = np.asarray(values, dtype=float)
        if not arrays.within(x, 1e-6):
            return "the solution violates a bound or a row of the program"
        if not arrays.integral(x, 1e-6):
            return "an integer variable has a fractional value"
        return None

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- hooks for subclasses ------------------------------------------------------------------

    def _solve(self, time_limit: float | None, start: Sequence[float] | None) -> RawSolution:
        raise NotImplementedError

    def _solve_watched(
        self,
        time_limit: float | None,
        start: Sequence[float] | None,
        stop: StopRule | None,
        found: list[tuple[list[float], float]] | None,
    ) -> RawSolution:
        """Solve with a stop rule and/or collecting improving solutions into ``found``
        ((values, objective), in order). This default ignores the rule and collects nothing
        (the caller then reports the answer alone); a backend that can watch its search
        overrides it.
        """
        del stop, found
        return self._solve(time_limit, start)

    def _on_objective(self, objective: Mapping[int, float], sense: Sense) -> None:
        pass

    def _on_var_bounds(self, j: int, lb: float, ub: float) -> None:
        pass

    def _on_row_bounds(self, k: int, lo: float | None, hi: float | None) -> None:
        pass

    def _on_coefficient(self, k: int, j: int, value: float) -> None:
        pass

    def _on_integer(self, columns: list[int], integer: bool) -> None:
        pass

    def _on_add_row(self, row: Row) -> None:
        pass

    def _on_add_column(self, j: int, cost: float, rows: list[tuple[int, float]]) -> None:
        pass

    # -- helpers -------------------------------------------------------------------------------

    def _check_var(self, j: int) -> None:
        if not 0 <= j < self._milp.num_vars:
            raise IndexError(f"no variable {j} (the program has {self._milp.num_vars})")

    def _row(self, k: int) -> Row:
        if not 0 <= k < len(self._milp.rows):
            raise IndexError(f"no row {k} (the program has {len(self._milp.rows)})")
        return self._milp.rows[k]


_INF = float("inf")


def _finite_or(value: float | None, default: float) -> float:
    return default if value is None else float(value)


class ResolveSession(MirrorSession):
    """A session that solves the program as it stands with a one-shot ``solve`` function each
    time (no warm start): the session of a backend that runs the solver as a program, or of
    any backend without one of its own.

    >>> from selectie.solve.backend import get_backend
    >>> m = Milp()
    >>> x, y = m.add_var("x", 0, 2), m.add_var("y", 0, 2)
    >>> backend = get_backend("cbc")
    >>> with ResolveSession(m, backend.solve, seed=1, verbose=False) as s:
    ...     s.set_objective([(x, 1.0), (y, 1.0)], "max")
    ...     first = s.solve()
    ...     _ = s.add_row([(x, 1.0), (y, 1.0)], None, 3.0)
    ...     second = s.solve()
    >>> round(first.objective), round(second.objective)
    (4, 3)
    """

    def __init__(
        self,
        milp: Milp,
        solve: Callable[..., RawSolution],
        *,
        seed: int = 1,
        verbose: bool = False,
        name: str = "solver",
    ) -> None:
        super().__init__(milp)
        self.solver_name = str(name)
        self._one_shot = solve
        self._seed = seed
        self._verbose = verbose

    def _solve(self, time_limit: float | None, start: Sequence[float] | None) -> RawSolution:
        return self._one_shot(
            self._milp, time_limit=time_limit, seed=self._seed, verbose=self._verbose
        )


def open_session(
    backend: Any,
    milp: Milp,
    *,
    seed: int = 1,
    verbose: bool = False,
    options: Mapping[str, Option] | None = None,
) -> Session:
    """``backend.open(milp, ...)`` when the backend has sessions of its own, otherwise a
    :class:`ResolveSession` over its one-shot ``solve`` (which takes no options).
    """
    opener = getattr(backend, "open", None)
    if opener is not None:
        session: Session = opener(milp, seed=seed, verbose=verbose, options=options)
        return session
    return ResolveSession(
        milp, backend.solve, seed=seed, verbose=verbose, name=getattr(backend, "name", "solver")
    )
