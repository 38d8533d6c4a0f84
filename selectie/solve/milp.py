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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..codebook import normalize
from ..constraints import CompiledScenario, Constraint, ValueCell

__all__ = ["Milp", "Row", "SelectionModel"]

Terms = list[tuple[int, float]]


@dataclass
class Row:
    """A linear row ``lo <= sum(coef * x[index]) <= hi`` (either bound may be None)."""

    name: str
    index: list[int]
    coef: list[float]
    lo: float | None
    hi: float | None


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


class SelectionModel:
    """The selection problem of a compiled scenario as a :class:`Milp` over profiles."""

    def __init__(self, compiled: CompiledScenario):
        self.compiled = compiled
        pool = compiled.pool
        n = len(pool)
        weights = compiled.objective.weights
        columns = [pool.values[a] for a in compiled.key_attributes]
        extras = [pool.extra[c] for c in compiled.key_columns]
        special = compiled.special
        keys: dict[tuple[object, ...], int] = {}
        profile_of = np.empty(n, dtype=np.int64)
        members: list[list[int]] = []
        for i in range(n):
            key: tuple[object, ...] = (
                tuple(col[i] for col in columns),
                tuple(normalize(e[i]) for e in extras),
                i if i in special else -1,
                weights[i] if weights is not None else 0.0,
            )
            p = keys.get(key)
            if p is None:
                p = len(members)
                keys[key] = p
                members.append([])
            members[p].append(i)
            profile_of[i] = p
        self.profile_of = profile_of
        self.profiles: list[list[int]] = members
        self.sizes = np.array([len(m) for m in members], dtype=np.int64)

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
        pos = np.fromiter(positions, dtype=np.int64)
        if pos.size == 0:
            return []
        counts = np.bincount(self.profile_of[pos], minlength=self.num_profiles)
        used = np.nonzero(counts)[0]
        if np.any(counts[used] != self.sizes[used]):
            raise AssertionError("a constraint splits a profile; the profile key is incomplete")
        return [(int(p), 1.0) for p in used]

    def cell_terms(self, cell: ValueCell) -> Terms:
        """The number of selected cases holding an objective's value."""
        return self.count_terms(cell.members)

    def rank_terms(self) -> Terms:
        """The tie-break expression: the pool position of each profile's first case, per case."""
        return [(p, float(m[0] + 1)) for p, m in enumerate(self.profiles)]

    def weight_terms(self) -> Terms:
        """max_weight: the total weight of the selection."""
        w = self.compiled.objective.weights
        assert w is not None
        return [(p, w[m[0]]) for p, m in enumerate(self.profiles) if w[m[0]] != 0]

    def _add_constraint(self, milp: Milp, k: int, c: Constraint) -> None:
        terms = self.count_terms(c.members)
        if c.kind == "bridges":
            # case selected => at least lo of its linked cases stay unselected:
            #   sum(x_j for j in links) + lo * x_case <= |links|
            assert c.case is not None and c.lo is not None
            p_case = int(self.profile_of[c.case])
            milp.add_row(f"c{k}", [*terms, (p_case, float(c.lo))], None, float(len(c.members)))
            return
        milp.add_row(
            f"c{k}",
            terms,
            None if c.lo is None else float(c.lo),
            None if c.hi is None else float(c.hi),
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
