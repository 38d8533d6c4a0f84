"""The one builder of the selection program: constraints, objective stages, tie-break, cuts.

:class:`SelectionModel` turns a compiled scenario into a :class:`~selectie.solve.milp.Milp`
over profiles (:mod:`selectie.formulation.profiles`): one row per constraint.
:func:`objective_stages` adds the objective as a list of :class:`Stage` (solved one after
another, each kept at its optimum by a lock row while the next is solved), and
:meth:`SelectionModel.rank_terms` is the tie-break stage. :class:`CaseProgram` is the same
program with one 0/1 variable per case as well (for questions about cases, such as
alternatives and no-good cuts).

The stages, for each objective kind:

- ``max_overlap``: ``depth`` (the largest *t* such that every value is held by at least
  min(t, available) selected cases), modelled with 0/1 variables ``delta_1 >= delta_2 >= ...``
  whose sum is the depth; then ``total`` (the number of (case, value) pairs);
- ``match_target``: ``deviation``, the total absolute deviation from the target counts
  (continuous helper variables ``d_v >= |count_v - target_v|``; the optimum is a whole number
  because counts and targets are);
- ``max_weight``: ``weight``, the total weight (not necessarily a whole number);
- ``feasibility``: no stage; the tie-break alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat

import numpy as np

from ..constraints import CompiledScenario, Constraint, Kind, ValueCell
from ..solve.milp import Milp, Row, Terms
from ..solve.outcome import Sense
from .profiles import Profiles

__all__ = ["CaseProgram", "Lock", "SelectionModel", "Stage", "objective_stages"]

#: A row to add: (terms, lower bound, upper bound).
Lock = tuple[Terms, float | None, float | None]


@dataclass(frozen=True)
class Stage:
    """One objective stage: a linear expression to maximise or minimise.

    ``integral`` says that the stage's value is a whole number at every solution, so it can be
    locked with a margin of 0.5 instead of a relative tolerance.

    >>> s = Stage("total", [(0, 1.0), (1, 1.0)], "max", True)
    >>> s.lock(7.0)
    ([(0, 1.0), (1, 1.0)], 6.5, None)
    >>> Stage("weight", [(0, 2.5)], "max", False).lock(2.5)[1] < 2.5
    True
    """

    name: str
    terms: Terms
    sense: Sense
    integral: bool

    def lock(self, value: float) -> Lock:
        """The row that keeps this stage at least as good as ``value``."""
        tol = 0.5 if self.integral else 1e-7 * max(1.0, abs(value))
        if self.sense == "max":
            return (self.terms, value - tol, None)
        return (self.terms, None, value + tol)

    def value(self, values: Sequence[float]) -> float:
        """The stage's value at a solution."""
        return float(sum(c * values[j] for j, c in self.terms))


class SelectionModel:
    """The selection problem of a compiled scenario as a :class:`Milp` over profiles.

    >>> from selectie import load_pool, load_scenario
    >>> from selectie.constraints import compile_scenario
    >>> model = SelectionModel(compile_scenario(load_pool(), load_scenario()))
    >>> model.base.num_vars == len(model.profiles), len(model.base.rows) > 10
    (True, True)
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        *,
        per_case: bool = False,
        profiles: Profiles | None = None,
    ) -> None:
        self.compiled = compiled
        # ``profiles``: another grouping of the cases (the lottery's, by rows)
        self.grouping = Profiles(compiled, per_case=per_case) if profiles is None else profiles
        self.profile_of = self.grouping.profile_of
        self.profiles: list[list[int]] = self.grouping.members
        self.sizes = self.grouping.sizes
        self.num_profiles = len(self.profiles)
        milp = Milp()
        for p, m in enumerate(self.profiles):
            milp.add_var(f"n{p}", 0, len(m), True)
        for k, c in enumerate(compiled.constraints):
            self._add_constraint(milp, k, c)
        self.base = milp

    # -- expressions -------------------------------------------------------------------------

    def count_terms(self, positions: Iterable[int]) -> Terms:
        """The number of selected cases among ``positions``, as terms over profile variables."""
        return list(zip(self.grouping.of(positions), repeat(1.0)))

    def cell_terms(self, cell: ValueCell) -> Terms:
        """The number of selected cases holding an objective's value."""
        return self.count_terms(cell.members)

    def rank_terms(self) -> Terms:
        """The tie-break expression: per case, the tie-break weight of its profile's first case
        (the pool position plus 1, raised for cases the scenario's ``prefer`` list does not
        favour; preferred attributes are key attributes, so a profile is all one way).
        """
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
        if c.kind is Kind.BRIDGES:
            terms = self.count_terms(c.members)
            # case selected => at least lo of its linked cases stay unselected:
            #   sum(x_j for j in links) + lo * x_case <= |links|
            assert c.case is not None and c.lo is not None
            p_case = int(self.profile_of[c.case])
            milp.add_row(f"c{k}", [*terms, (p_case, float(c.lo))], None, float(len(c.members)))
            return
        # What add_row makes of count_terms (distinct profiles, coefficient 1), made directly.
        index = self.grouping.of(c.members)
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
        return self.grouping.positions(values)

    def values_for(self, positions: Iterable[int]) -> list[float]:
        """Profile counts of a given selection (the inverse of :meth:`positions`)."""
        return self.grouping.counts(positions)


def objective_stages(model: SelectionModel, milp: Milp, *, parity: bool = False) -> list[Stage]:
    """The objective's stages as linear expressions, adding helper variables and rows to
    ``milp`` (a copy of ``model.base`` or a program extending it).

    With ``parity``, a match_target deviation is written in the form of
    :func:`_parity_deviation` (the same optimum, the same optimal selections, a tighter
    integer program); other objectives are unchanged.
    """
    obj = model.compiled.objective
    if obj.kind == "match_target" and parity:
        return [Stage("deviation", _parity_deviation(model, milp), "min", True)]
    if obj.kind == "max_overlap":
        cells = [model.cell_terms(cell) for cell in obj.cells]
        # depth = sum of d_1 >= d_2 >= ... (0/1); a value held by a cases needs min(depth, a).
        deltas = [milp.add_var(f"depth>={d}", 0.0, 1.0, True) for d in range(1, obj.max_depth + 1)]
        for a, b in pairwise(deltas):
            milp.add_row("depth order", [(b, 1.0), (a, -1.0)], None, 0.0)
        for k, (cell, terms) in enumerate(zip(obj.cells, cells, strict=True)):
            need = deltas[: min(cell.available, obj.max_depth)]
            if need:
                milp.add_row(f"depth{k}", [*terms, *((d, -1.0) for d in need)], 0.0, None)
        return [
            Stage("depth", [(d, 1.0) for d in deltas], "max", True),
            Stage("total", [t for terms in cells for t in terms], "max", True),
        ]
    if obj.kind == "match_target":
        dev: Terms = []
        for k, cell in enumerate(obj.cells):
            count = model.cell_terms(cell)
            target = float(cell.target or 0)
            d = milp.add_var(f"d{k}", 0.0, float(max(cell.available, cell.target or 0)), False)
            milp.add_row(f"dev{k}+", [*count, (d, -1.0)], None, target)
            milp.add_row(f"dev{k}-", [*count, (d, 1.0)], target, None)
            dev.append((d, 1.0))
        return [Stage("deviation", dev, "min", True)]
    if obj.kind == "max_weight":
        return [Stage("weight", model.weight_terms(), "max", False)]
    return []


def _parity_deviation(model: SelectionModel, milp: Milp) -> Terms:
    """The total absolute deviation ``sum_v |c_v - t_v|`` of a match_target objective as
    ``sum_v (2 p_v - c_v + t_v)`` with one whole-number variable ``p_v >= c_v - t_v``,
    ``p_v >= 0`` per target value (the constant ``sum_v t_v`` rides on a variable fixed at 1
    by a row).

    Why this is the same deviation: for every whole number ``y``, ``|y| = 2 max(y, 0) - y``.
    At any selection (whole counts ``c_v``) the smallest ``p_v`` allowed is
    ``max(c_v - t_v, 0)``, itself a whole number, and the expression then equals the
    deviation; any larger ``p_v`` only increases it. So, minimised or bounded from above
    (``deviation <= L``), the program admits exactly the selections the plain form
    (``d_v >= |c_v - t_v|``, :func:`objective_stages`) admits, with the same values; their
    LP relaxations are the same too (``d_v = 2 p_v - c_v + t_v`` maps one onto the other).

    What it gains: ``p_v`` is a whole number where the plain form's ``d_v`` is continuous (or
    whole), so the solver knows that ``d_v`` has the parity of ``c_v - t_v``. Where an
    attribute's values are disjoint and their targets add up to the size (every selection
    counts ``size`` cases among them), its deviation ``2 sum_v p_v`` is even: a deviation of 1
    can come only from elsewhere, and bounds such as ``deviation <= 1`` fix such attributes'
    counts at once. A selection missing one of the bundled report's 13 under
    ``bijlage4-exact`` is proved to deviate by at least 2 (or 3) faster this way.
    """
    obj = model.compiled.objective
    one = milp.add_var("one", 1.0, 1.0, True)
    milp.add_row("one", [(one, 1.0)], 1.0, 1.0)  # a column in no row is lost in an MPS file
    coef: dict[int, float] = {}
    constant = 0.0
    for k, cell in enumerate(obj.cells):
        count = model.cell_terms(cell)
        target = float(cell.target or 0)
        p = milp.add_var(f"over{k}", 0.0, max(0.0, float(cell.available) - target), True)
        milp.add_row(f"over{k}", [*count, (p, -1.0)], None, target)
        coef[p] = coef.get(p, 0.0) + 2.0
        for j, c in count:
            coef[j] = coef.get(j, 0.0) - c
        constant += target
    terms: Terms = [(j, c) for j, c in sorted(coef.items()) if c != 0]
    if constant:
        terms.append((one, constant))
    return terms


class CaseProgram:
    """The program with one 0/1 variable per case: ``x[i]`` is the variable of case ``i``.

    A profile of one case uses its count as the case's variable; a larger profile gets a 0/1
    variable per case and a row tying their sum to the count. ``stages`` are the objective's
    stages and ``rank`` the tie-break (the sum of the selected cases' pool positions, 1-based).
    ``parity`` writes a match_target deviation as :func:`_parity_deviation` does.

    >>> from selectie import Attribute, Codebook, Pool, Scenario
    >>> from selectie.constraints import compile_scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> prog = CaseProgram(compile_scenario(pool, Scenario(size=2)))
    >>> prog.x, prog.rank  # one profile (variable 0) of three cases
    ([1, 2, 3], [(1, 1.0), (2, 2.0), (3, 3.0)])
    >>> prog.no_good([0, 2])
    ([(1, 1.0), (3, 1.0)], None, 1.0)
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        model: SelectionModel | None = None,
        *,
        parity: bool = False,
    ) -> None:
        self.compiled = compiled
        self.model = model or SelectionModel(compiled)
        milp = self.model.base.extended()
        n = len(compiled.pool)
        x = [0] * n
        for p, members in enumerate(self.model.profiles):
            if len(members) == 1:  # the profile's count is the case's 0/1 variable
                x[members[0]] = p
                continue
            for i in members:
                x[i] = milp.add_var(f"x{i}", 0.0, 1.0, True)
            milp.add_row(f"link{p}", [(p, 1.0), *((x[i], -1.0) for i in members)], 0.0, 0.0)
        self.x = x
        self.stages = objective_stages(self.model, milp, parity=parity)
        self.milp = milp
        self.rank: Terms = [(x[i], float(i + 1)) for i in range(n)]

    def positions(self, values: Sequence[float]) -> tuple[int, ...]:
        """The selected cases of a solution."""
        v = np.asarray(values, dtype=float)
        return tuple(int(i) for i in np.nonzero(v[self.x] > 0.5)[0])

    def cases(self, positions: Iterable[int], coef: float = 1.0) -> Terms:
        """``coef`` times the number of selected cases among ``positions``."""
        return [(self.x[i], coef) for i in positions]

    def no_good(self, positions: Sequence[int]) -> Lock:
        """The row that forbids exactly this selection (a no-good cut): of the selected cases,
        at most all but one again.
        """
        return (self.cases(positions), None, float(len(positions) - 1))

    def levels(self, positions: Iterable[int]) -> list[float]:
        """The stage values of a selection, computed in plain Python."""
        parts = self.compiled.objective.evaluate(positions).parts
        return [float(parts[s.name]) for s in self.stages]
