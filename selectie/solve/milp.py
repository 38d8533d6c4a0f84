"""The integer program, in a small solver-neutral form.

:class:`Milp` is a plain list of variables and ranged rows; backends translate it (PuLP + CBC,
HiGHS). :class:`SelectionModel` builds it from a compiled scenario.

Cases with the same *profile* (the same values on every attribute the scenario mentions, and
not named individually by include/exclude/bridges/weights) are interchangeable for every
constraint and objective, so the program has one integer variable per profile, ``n_p`` in
``0..|p|``, rather than one binary per case. A solution is turned back into cases by taking
the first ``n_p`` cases of each profile in pool order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Literal

import numpy as np

from ..codebook import normalize
from ..constraints import CompiledScenario, Constraint, ValueCell

__all__ = ["LpSolution", "Milp", "Row", "SelectionModel"]

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
        """True if ``values`` lie within every bound and row (up to ``tol``)."""
        x = np.asarray(values, dtype=float)
        lb = np.array([-np.inf if v is None else v for v in self.lb], dtype=float)
        ub = np.array([np.inf if v is None else v for v in self.ub], dtype=float)
        if np.any(x < lb - tol) or np.any(x > ub + tol):
            return False
        for row in self.rows:
            act = float(np.dot(x[row.index], row.coef)) if row.index else 0.0
            if row.lo is not None and act < row.lo - tol:
                return False
            if row.hi is not None and act > row.hi + tol:
                return False
        return True

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


class SelectionModel:
    """The selection problem of a compiled scenario as a :class:`Milp` over profiles."""

    def __init__(self, compiled: CompiledScenario):
        self.compiled = compiled
        profile_of = _profile_labels(compiled)
        n = len(profile_of)
        num_profiles = int(profile_of.max()) + 1 if n else 0
        order = np.argsort(profile_of, kind="stable")  # pool order within each profile
        sizes = np.bincount(profile_of, minlength=num_profiles).astype(np.int64)
        members: list[list[int]] = (
            [part.tolist() for part in np.split(order, np.cumsum(sizes)[:-1])] if n else []
        )
        self.profile_of = profile_of
        self.profiles: list[list[int]] = members
        self.sizes = sizes

        milp = Milp()
        for p, m in enumerate(members):
            milp.add_var(f"n{p}", 0, len(m), True)
        self.num_profiles = len(members)
        for k, c in enumerate(compiled.constraints):
            self._add_constraint(milp, k, c)
        self.base = milp

    # -- expressions -------------------------------------------------------------------------

    def count_terms(self, positions: Iterable[int]) -> Terms:
        """The number of selected cases among ``positions``, as terms over profile variables."""
        return list(zip(self._profiles_of(positions), repeat(1.0)))

    def _profiles_of(self, positions: Iterable[int]) -> list[int]:
        """The profiles whose cases are ``positions`` (each profile wholly in or out)."""
        pos = np.fromiter(positions, dtype=np.int64)
        if pos.size == 0:
            return []
        counts = np.bincount(self.profile_of[pos], minlength=self.num_profiles)
        used = np.nonzero(counts)[0]
        if np.any(counts[used] != self.sizes[used]):
            raise AssertionError("a constraint splits a profile; the profile key is incomplete")
        return used.tolist()

    def cell_terms(self, cell: ValueCell) -> Terms:
        """The number of selected cases holding an objective's value."""
        return self.count_terms(cell.members)

    def rank_terms(self) -> Terms:
        """The tie-break expression: per case, the tie-break weight of its profile's first case
        (the pool position plus 1, raised for cases the scenario's ``prefer`` list does not
        favour; the preferred attributes are key attributes, so a profile is all one way)."""
        rank = self.compiled.rank
        if not rank:
            return [(p, float(m[0] + 1)) for p, m in enumerate(self.profiles)]
        return [(p, rank[m[0]]) for p, m in enumerate(self.profiles)]

    def weight_terms(self) -> Terms:
        """max_weight: the total weight of the selection."""
        w = self.compiled.objective.weights
        assert w is not None
        return [(p, w[m[0]]) for p, m in enumerate(self.profiles) if w[m[0]] != 0]

    def _add_constraint(self, milp: Milp, k: int, c: Constraint) -> None:
        if c.kind == "bridges":
            terms = self.count_terms(c.members)
            # case selected => at least lo of its linked cases stay unselected:
            #   sum(x_j for j in links) + lo * x_case <= |links|
            assert c.case is not None and c.lo is not None
            p_case = int(self.profile_of[c.case])
            milp.add_row(f"c{k}", [*terms, (p_case, float(c.lo))], None, float(len(c.members)))
            return
        # What add_row makes of count_terms (distinct profiles, coefficient 1), made directly.
        index = self._profiles_of(c.members)
        milp.rows.append(
            Row(
                f"c{k}",
                index,
                [1.0] * len(index),
                None if c.lo is None else float(c.lo),
                None if c.hi is None else float(c.hi),
            )
        )

    # -- solutions ---------------------------------------------------------------------------

    def positions(self, values: Sequence[float]) -> list[int]:
        """The selected cases (pool positions, sorted) for a solution's profile counts."""
        chosen: list[int] = []
        for p, m in enumerate(self.profiles):
            k = round(values[p])
            chosen.extend(m[: max(0, min(k, len(m)))])
        return sorted(chosen)

    def values_for(self, positions: Iterable[int]) -> list[float]:
        """Profile counts of a given selection (the inverse of :meth:`positions`)."""
        counts = np.bincount(
            self.profile_of[np.fromiter(positions, dtype=np.int64)], minlength=self.num_profiles
        )
        return [float(x) for x in counts]


def _profile_labels(compiled: CompiledScenario) -> np.ndarray:
    """Per case, its profile: cases alike on every key attribute and key column, not named
    individually (include, exclude, bridges) and of equal weight share one. Profiles are
    numbered in the order of their first case in the pool."""
    pool = compiled.pool
    n = len(pool)
    label = np.zeros(n, dtype=np.int64)
    if n == 0:
        return label

    def refine(label: np.ndarray, codes: np.ndarray) -> np.ndarray:
        # Split each group by ``codes``; the result is again numbered 0..groups-1.
        key = label * (int(codes.max()) + 1) + codes
        return np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)

    def codes_of(values: Sequence[object], key: Callable[[object], object] | None) -> np.ndarray:
        # One integer per distinct value (after ``key``), looked up at C speed per case.
        distinct = dict.fromkeys(values)
        ids: dict[object, int] = {}
        lookup = {v: ids.setdefault(v if key is None else key(v), len(ids)) for v in distinct}
        return np.fromiter(map(lookup.__getitem__, values), dtype=np.int64, count=n)

    for a in compiled.key_attributes:
        label = refine(label, codes_of(pool.values[a], None))
    for c in compiled.key_columns:
        label = refine(label, codes_of(pool.extra[c], lambda v: normalize(str(v))))
    if compiled.special:
        special = np.zeros(n, dtype=np.int64)
        positions = np.fromiter(sorted(compiled.special), dtype=np.int64)
        special[positions] = np.arange(1, positions.size + 1)
        label = refine(label, special)
    weights = compiled.objective.weights
    if weights is not None:
        label = refine(label, codes_of(weights, None))
    # Renumber by first appearance in the pool.
    first = np.unique(label, return_index=True)[1]
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[label]
