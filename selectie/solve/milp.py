"""The integer program, in a small solver-neutral form.

:class:`Milp` is a plain list of variables and ranged rows; backends translate it (PuLP + CBC,
HiGHS). It knows nothing of pools or scenarios: :mod:`selectie.formulation` builds it from a
compiled scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Literal

import numpy as np

__all__ = ["LpSolution", "Milp", "ProgramArrays", "Row", "Terms"]

Terms = list[tuple[int, float]]


@dataclass
class Row:
    """A linear row ``lo <= sum(coef * x[index]) <= hi`` (either bound may be None)."""

    name: str
    index: list[int]
    coef: list[float]
    lo: float | None
    hi: float | None


@dataclass(frozen=True)
class LpSolution:
    """An optimal solution of an LP relaxation: values, row duals, objective, solver seconds.

    ``duals[k]`` belongs to ``rows[k]``: positive when the row's lower bound holds it,
    negative when its upper bound does (for a minimisation).
    """

    values: list[float]
    duals: list[float]
    objective: float
    seconds: float


#: The largest rows x variables for which :class:`ProgramArrays` keeps a dense matrix (8 MB).
_DENSE_LIMIT = 1 << 20


@dataclass(frozen=True)
class ProgramArrays:
    """A program's bounds, rows and integrality as arrays (the rows one entry per
    coefficient), to check many solutions against them quickly. :meth:`Milp.satisfied_by`
    builds one each time; a solver session keeps one and changes it with the program.

    >>> m = Milp()
    >>> m.add_var("x", 0, 2), m.add_var("y", 0, 2)
    (0, 1)
    >>> m.add_row("sum", [(0, 1.0), (1, 1.0)], None, 3.0)
    >>> arrays = ProgramArrays.of(m)
    >>> arrays.within([1.0, 2.0], 1e-6), arrays.within([2.0, 2.0], 1e-6)
    (True, False)
    >>> arrays.integral([1.0, 2.0], 1e-6), arrays.integral([0.5, 2.0], 1e-6)
    (True, False)
    >>> wider = arrays.with_row_bounds(0, None, 4.0).with_columns([(0.0, 1.0, True, [(0, 1.0)])])
    >>> wider.within([2.0, 2.0, 0.0], 1e-6), wider.within([2.0, 2.0, 1.0], 1e-6)
    (True, False)
    """

    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray
    row: np.ndarray
    index: np.ndarray
    coef: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    # how many solutions these arrays have checked, and the rows as a dense matrix once they
    # check a second one (when the matrix is small): a session checks many against one program
    _checks: list[None] = field(default_factory=list, init=False, repr=False, compare=False)
    _dense: list[np.ndarray] = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, milp: Milp) -> ProgramArrays:
        """The arrays of ``milp`` as it now stands."""
        rows = milp.rows
        sizes = [len(r.index) for r in rows]
        total = sum(sizes)
        return cls(
            np.array([-np.inf if v is None else v for v in milp.lb], dtype=float),
            np.array([np.inf if v is None else v for v in milp.ub], dtype=float),
            np.asarray(milp.integer, dtype=bool),
            np.repeat(np.arange(len(rows), dtype=np.int64), sizes),
            np.fromiter(chain.from_iterable(r.index for r in rows), np.int64, total),
            np.fromiter(chain.from_iterable(r.coef for r in rows), float, total),
            np.array([-np.inf if r.lo is None else r.lo for r in rows], dtype=float),
            np.array([np.inf if r.hi is None else r.hi for r in rows], dtype=float),
        )

    def within(self, values: np.ndarray | Sequence[float], tol: float) -> bool:
        """True if ``values`` lie within every bound and every row's range (up to ``tol``)."""
        x = np.asarray(values, dtype=float)
        if (x < self.lb - tol).any() or (x > self.ub + tol).any():
            return False
        if not len(self.lo):
            return True
        act = self._activities(x)
        return not ((act < self.lo - tol).any() or (act > self.hi + tol).any())

    def _activities(self, x: np.ndarray) -> np.ndarray:
        """Every row's activity at ``x``: from the entries, or from the dense matrix."""
        m, n = len(self.lo), len(self.lb)
        if not self._dense:
            self._checks.append(None)
            if len(self._checks) == 1 or m * n > _DENSE_LIMIT:
                return np.bincount(self.row, weights=self.coef * x[self.index], minlength=m)
            flat = np.bincount(self.row * n + self.index, weights=self.coef, minlength=m * n)
            self._dense.append(flat.reshape(m, n))
        act: np.ndarray = self._dense[0] @ x
        return act

    def integral(self, values: np.ndarray | Sequence[float], tol: float) -> bool:
        """True if every integer variable is within ``tol`` of a whole number."""
        whole = np.asarray(values, dtype=float)[self.integer]
        return not (np.abs(whole - np.round(whole)) > tol).any()

    def with_var_bounds(self, j: int, lb: float, ub: float) -> ProgramArrays:
        """These arrays with variable ``j`` in ``[lb, ub]``."""
        low, high = self.lb.copy(), self.ub.copy()
        low[j], high[j] = lb, ub
        return replace(self, lb=low, ub=high)

    def with_row_bounds(self, k: int, lo: float | None, hi: float | None) -> ProgramArrays:
        """These arrays with row ``k`` ranging over ``[lo, hi]`` (None: no bound)."""
        low, high = self.lo.copy(), self.hi.copy()
        low[k] = -np.inf if lo is None else lo
        high[k] = np.inf if hi is None else hi
        return replace(self, lo=low, hi=high)

    def with_columns(
        self, columns: Sequence[tuple[float, float, bool, Sequence[tuple[int, float]]]]
    ) -> ProgramArrays:
        """These arrays with more variables: (lb, ub, integer, coefficients as (row, value))
        for each, numbered on from the last.
        """
        j = len(self.lb)
        new = [(k, j + i, c) for i, (*_, entries) in enumerate(columns) for k, c in entries]
        return replace(
            self,
            lb=np.concatenate([self.lb, np.array([c[0] for c in columns], dtype=float)]),
            ub=np.concatenate([self.ub, np.array([c[1] for c in columns], dtype=float)]),
            integer=np.concatenate([self.integer, np.array([c[2] for c in columns], dtype=bool)]),
            row=np.concatenate([self.row, np.array([k for k, _, _ in new], dtype=np.int64)]),
            index=np.concatenate([self.index, np.array([i for _, i, _ in new], dtype=np.int64)]),
            coef=np.concatenate([self.coef, np.array([c for _, _, c in new], dtype=float)]),
        )


@dataclass
class Milp:
    """A mixed-integer linear program: variables with bounds, rows, and a linear objective."""

    var_names: list[str] = field(default_factory=list)
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    objective: dict[int, float] = field(default_factory=dict)
    sense: Literal["min", "max"] = "min"

    @property
    def num_vars(self) -> int:
        return len(self.var_names)

    def add_var(self, name: str, lb: float, ub: float, integer: bool = True) -> int:
        """Add a variable and return its index."""
        self.var_names.append(name)
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        return len(self.var_names) - 1

    def add_row(self, name: str, terms: Terms, lo: float | None, hi: float | None) -> None:
        """Add a row ``lo <= terms <= hi`` (terms on the same variable are added up)."""
        merged: dict[int, float] = {}
        for j, c in terms:
            merged[j] = merged.get(j, 0.0) + c
        self.rows.append(Row(name, list(merged), list(merged.values()), lo, hi))

    def extended(self) -> Milp:
        """A copy that can take more variables and rows without changing this one."""
        return Milp(
            list(self.var_names),
            list(self.lb),
            list(self.ub),
            list(self.integer),
            list(self.rows),
            dict(self.objective),
            self.sense,
        )

    def with_objective(self, terms: Terms, sense: Literal["min", "max"]) -> Milp:
        """A copy with another objective."""
        m = self.extended()
        m.objective = {}
        for j, c in terms:
            m.objective[j] = m.objective.get(j, 0.0) + c
        m.sense = sense
        return m

    def evaluate(self, terms: Terms, values: Sequence[float]) -> float:
        """The value of a linear expression at a solution."""
        return float(sum(c * values[j] for j, c in terms))

    def relaxation(self) -> Milp:
        """A copy with every variable continuous (the LP relaxation)."""
        m = self.extended()
        m.integer = [False] * self.num_vars
        return m

    def restricted(self, keep: Sequence[int]) -> Milp:
        """The program over the variables ``keep`` only, every other one fixed at 0.

        Variable ``keep[i]`` becomes variable ``i``; terms on the other variables are dropped
        (they are 0). Only variables whose range contains 0 may be left out.
        """
        new_index = {j: i for i, j in enumerate(keep)}
        m = Milp(
            [self.var_names[j] for j in keep],
            [self.lb[j] for j in keep],
            [self.ub[j] for j in keep],
            [self.integer[j] for j in keep],
            sense=self.sense,
        )
        for row in self.rows:
            index, coef = [], []
            for j, c in zip(row.index, row.coef, strict=True):
                i = new_index.get(j)
                if i is not None:
                    index.append(i)
                    coef.append(c)
            m.rows.append(Row(row.name, index, coef, row.lo, row.hi))
        m.objective = {new_index[j]: c for j, c in self.objective.items() if j in new_index}
        return m

    def satisfied_by(self, values: Sequence[float], tol: float = 1e-6) -> bool:
        """True if ``values`` lie within every bound and row (up to ``tol``).

        >>> m = Milp()
        >>> m.add_var("x", 0, 2)
        0
        >>> m.add_row("at least one", [(0, 1.0)], 1.0, None)
        >>> m.satisfied_by([1.5]), m.satisfied_by([0.5]), m.satisfied_by([2.5])
        (True, False, False)
        """
        return ProgramArrays.of(self).within(values, tol)

    def lagrangian(self, duals: Sequence[float]) -> tuple[np.ndarray, float]:
        """Reduced costs for row duals ``duals``, and the lower bound they prove.

        For a minimisation: with ``y`` the duals (a positive dual must belong to a row with a
        lower bound, a negative one to a row with an upper bound; others are taken as 0) and
        ``d = c - A'y`` the reduced costs, every ``x`` within the rows and bounds has
        ``c.x >= Z + sum(d_j x_j - min(d_j lb_j, d_j ub_j))`` where ``Z`` is the returned bound
        (``-inf`` if a reduced cost meets an infinite bound). Any duals give a valid bound; an
        LP's optimal duals give the LP's optimum. So a variable with ``lb = 0`` and
        ``d_j > U - Z`` is 0 in every solution that costs at most ``U``.

        >>> m = Milp()
        >>> m.add_var("x", 0, 10), m.add_var("y", 0, 10)
        (0, 1)
        >>> m.add_row("x+y", [(0, 1.0), (1, 1.0)], 4.0, None)
        >>> d, bound = m.with_objective([(0, 1.0), (1, 3.0)], "min").lagrangian([1.0])
        >>> d.tolist(), bound
        ([0.0, 2.0], 4.0)
        """
        if self.sense != "min":
            raise ValueError("lagrangian() is for minimisation")
        n = self.num_vars
        d = np.zeros(n)
        for j, c in self.objective.items():
            d[j] += c
        bound = 0.0
        for row, y in zip(self.rows, duals, strict=True):
            if y > 0 and row.lo is not None:
                bound += y * row.lo
            elif y < 0 and row.hi is not None:
                bound += y * row.hi
            else:
                continue
            d[row.index] -= y * np.asarray(row.coef, dtype=float)
        lb = np.array([-np.inf if v is None else v for v in self.lb], dtype=float)
        ub = np.array([np.inf if v is None else v for v in self.ub], dtype=float)
        with np.errstate(invalid="ignore"):
            low = np.where(d > 0, d * lb, np.where(d < 0, d * ub, 0.0))
        bound += float(low.sum())
        return d, bound if np.isfinite(bound) else -np.inf
