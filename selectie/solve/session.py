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
in plain Python against every bound, every row and integrality (:meth:`Milp.satisfied_by`);
a solution that fails is returned as ``ERROR`` with no values.

``solve(start=values)`` offers a known solution as a start (a MIP start); a backend that
cannot use one ignores it. A ``time_limit`` applies to this one call.

What each backend gives:

- **HiGHS** (:class:`selectie.solve.highs.HighsSession`): one ``highspy.Highs`` object lives
  in the process for the whole session; every change is passed to it with highspy's
  incremental calls (``changeColsCost``, ``changeColBounds``, ``changeRowBounds``,
  ``changeCoeff``, ``addRow``, ``addCol``, ``changeColsIntegrality``). A linear program is
  solved again from the last basis (warm), which is what column generation needs; an integer
  program keeps its model but HiGHS runs branch and bound afresh, started from ``start`` when
  given.
- **CBC** (:class:`selectie.solve.cbc.CbcSession`): CBC is a separate program, so the session
  keeps the changed program in Python and every ``solve`` writes it to an MPS file and runs
  CBC once (cold). The protocol is the same, so callers need not know; only the speed differs.
- Any other backend with only a one-shot ``solve`` gets the same file-style session through
  :func:`open_session`.

Sessions are context managers; ``close`` frees the solver (it may be called twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from .milp import Milp, Row, Terms
from .outcome import RawSolution, Sense, Status

__all__ = ["MirrorSession", "Option", "ResolveSession", "Session", "open_session"]

#: A solver option's value (the options are the solver's own, passed as they are).
Option = str | float | int | bool


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
        self, *, time_limit: float | None = None, start: Sequence[float] | None = None
    ) -> RawSolution:
        """Solve the program as it now stands; never raises for infeasibility."""
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
        objective: dict[int, float] = {}
        for j, c in terms:
            self._check_var(j)
            objective[j] = objective.get(j, 0.0) + c
        self._milp.objective = objective
        self._milp.sense = sense
        self._on_objective(objective, sense)

    def set_var_bounds(self, j: int, lb: float | None, ub: float | None) -> None:
        self._check_var(j)
        self._milp.lb[j] = _finite_or(lb, -_INF)
        self._milp.ub[j] = _finite_or(ub, _INF)
        self._on_var_bounds(j, self._milp.lb[j], self._milp.ub[j])

    def set_row_bounds(self, k: int, lo: float | None, hi: float | None) -> None:
        row = self._row(k)
        row.lo, row.hi = lo, hi
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
        self._on_coefficient(k, j, float(value))

    def set_integer(self, columns: Iterable[int], integer: bool) -> None:
        cols = list(columns)
        for j in cols:
            self._check_var(j)
            self._milp.integer[j] = integer
        self._on_integer(cols, integer)

    def add_row(self, terms: Terms, lo: float | None, hi: float | None, name: str = "") -> int:
        for j, _ in terms:
            self._check_var(j)
        k = self.num_rows
        self._milp.add_row(name or f"r{k}", terms, lo, hi)
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
            self._row(k)
            entries[k] = entries.get(k, 0.0) + c
        j = self._milp.add_var(
            name or f"x{self.num_vars}", _finite_or(lb, -_INF), _finite_or(ub, _INF), integer
        )
        for k, c in entries.items():
            if c != 0:
                self._milp.rows[k].index.append(j)
                self._milp.rows[k].coef.append(c)
        if cost != 0:
            self._milp.objective[j] = float(cost)
        self._on_add_column(j, float(cost), sorted(entries.items()))
        return j

    # -- solving -------------------------------------------------------------------------------

    def solve(
        self, *, time_limit: float | None = None, start: Sequence[float] | None = None
    ) -> RawSolution:
        if self.closed:
            raise RuntimeError("the solver session is closed")
        raw = self._solve(time_limit, start)
        self.calls += 1
        self.seconds += raw.seconds
        return self.recheck(raw)

    def recheck(self, raw: RawSolution) -> RawSolution:
        """``raw`` if its values (if any) meet every bound, row and integrality of the program;
        otherwise an ERROR saying what failed.
        """
        if raw.values is None:
            return raw
        m = self._milp
        if len(raw.values) != m.num_vars:
            why = f"{len(raw.values)} values for {m.num_vars} variables"
        elif not m.satisfied_by(raw.values):
            why = "the solution violates a bound or a row of the program"
        elif any(abs(v - round(v)) > 1e-6 for v, i in zip(raw.values, m.integer, strict=True) if i):
            why = "an integer variable has a fractional value"
        else:
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
