"""What else, and what if: alternative selections, how much each case matters, drop-outs.

(The module is not called ``alternatives``: the package exports a function of that name,
which a submodule of the same name would shadow.)

- :func:`alternatives`: the best selections one after another (each next one the best that
  differs from all listed, by no-good cuts), or all within a distance of the optimum, with
  what sets them apart and how often each case appears;
- :func:`importance`: per case, whether every valid selection needs it (irreplaceable),
  whether none can have it (impossible), and how much worse the best selection gets without
  it (replacement cost), with the reason when it is evident;
- :func:`replace`: when selected cases drop out, the best selection that keeps as many of the
  others as possible.

These work on cases, not on the profiles :mod:`selectie.engine` groups interchangeable cases
into: two cases alike on every attribute the scenario mentions give two distinct selections.
Every selection returned is re-checked against every constraint in plain Python.

Objectives are compared as the engine does, stage by stage: max_overlap by depth, then total;
match_target by deviation; max_weight by weight. Ties are broken by pool order (the smaller
sum of positions first). A scenario's ``prefer`` list shapes the first selection (the one
:func:`selectie.select` returns); the selections listed after it follow pool order.

>>> from selectie import load_pool, load_scenario
>>> spread = load_scenario("bijlage4-spread")  # selectie's extension: a max_overlap objective
>>> alts = alternatives(load_pool(), spread, count=3)
>>> len(alts.selections), alts.selections[0].objective.parts
(3, {'depth': 1, 'total': 65})
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .constraints import CompiledScenario, Kind, ObjectiveValue, compile_scenario
from .diagnose import Progress
from .errors import InputError, Problem, ScenarioError, SolverError
from .formulation import CaseProgram, Lexicographic, Lock, Outcome, Stage, verified
from .formulation.neighbours import Swaps
from .pool import Pool
from .result import Audit, Selection, SolverInfo
from .scenario import Scenario
from .solve.backend import Backend, RawSolution, Status, get_backend
from .solve.milp import Terms

__all__ = [
    "Alternative",
    "Alternatives",
    "CaseImportance",
    "Importance",
    "Replacement",
    "alternatives",
    "importance",
    "replace",
]


# --------------------------------------------------------------------------------------------
# The case-level program
# --------------------------------------------------------------------------------------------


class _Program:
    """The case-level program (:class:`selectie.formulation.CaseProgram`) held open in one
    solver session for the whole question, with the lexicographic loop over it.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        backend: Backend,
        seed: int,
        progress: Progress | None,
    ) -> None:
        self.compiled = compiled
        self.backend, self.seed, self.progress = backend, seed, progress
        self.case = CaseProgram(compiled)
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

    def _decided(self, raw: RawSolution) -> list[float] | None:
        """An optimal solution's values, None if infeasible; raise if the solver cannot say."""
        if raw.status == Status.INFEASIBLE:
            return None
        if raw.status != Status.OPTIMAL or raw.values is None:
            why = raw.message or f"status {raw.status.value}"
            raise SolverError(f"the solver ({self.backend.name}) failed: {why}")
        return raw.values

    def solve(self, what: str, terms: Terms, sense: Literal["min", "max"]) -> list[float] | None:
        """Optimise ``terms`` over the program as it stands (no stage locked)."""
        self.lex.free_locks()
        return self._decided(self.lex.call(what, terms, sense, None))

    def positions(self, values: Sequence[float]) -> tuple[int, ...]:
        return self.case.positions(values)

    def levels(self, positions: Iterable[int]) -> list[float]:
        """The stage values of a selection, computed in plain Python."""
        return self.case.levels(positions)

    def _answer(self, out: Outcome) -> tuple[int, ...] | None:
        if out.status == Status.INFEASIBLE:
            return None
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
        return self._answer(self.lex.run(tiebreak=tiebreak, prefer=prefer_terms))

    def at_levels(self, levels: Sequence[float]) -> tuple[int, ...] | None:
        """The earliest selection as good as ``levels`` on every stage."""
        return self._answer(self.lex.run(levels=levels))

    def any_at_levels(self, levels: Sequence[float], what: str) -> tuple[int, ...] | None:
        """Any selection as good as ``levels`` on every stage (a feasibility call)."""
        self.lex.free_locks()
        for k, value in enumerate(levels):
            self.lex.lock(k, value)
        values = self._decided(self.lex.call(what, [], "min", None))
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


def _setup(
    pool: Pool, scenario: Scenario, solver: str, seed: int, progress: Progress | None
) -> tuple[Selection, _Program | None]:
    from .engine import select

    best = select(pool, scenario, solver=solver, seed=seed)
    if not best.ok or best.compiled is None:
        return best, None
    return best, _Program(best.compiled, get_backend(solver), seed, progress)


def _objective_text(obj: ObjectiveValue | None) -> str:
    if obj is None or not obj.parts:
        return ""
    return ", ".join(f"{k} {v:g}" for k, v in obj.parts.items())


# --------------------------------------------------------------------------------------------
# Alternatives
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One listed selection: its cases, objective, and how it differs from the best one.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> second = alternatives(pool, s).selections[1]
    >>> second.rank, second.ids, second.difference()
    (2, ('b', 'c'), '+b -a')
    >>> d = second.to_dict()
    >>> d["selected"], d["added"], d["removed"]
    (['b', 'c'], ['b'], ['a'])
    """

    rank: int
    positions: tuple[int, ...]
    ids: tuple[str, ...]
    objective: ObjectiveValue
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: The values the scenario counts whose count differs from the best selection's, as
    #: ``attribute=value before->after``.
    changes: tuple[str, ...] = ()

    def difference(self) -> str:
        """``+S012 -R05`` against the best selection (empty for the best one)."""
        return " ".join([*(f"+{i}" for i in self.added), *(f"-{i}" for i in self.removed)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: rank, selected ids, objective, added, removed, changes."""
        return {
            "rank": self.rank,
            "selected": list(self.ids),
            "objective": self.objective.to_dict(),
            "added": list(self.added),
            "removed": list(self.removed),
            "changes": list(self.changes),
        }


@dataclass(frozen=True, eq=False)
class Alternatives:
    """The result of :func:`alternatives`: selections best first, all distinct.

    ``exhausted`` is True when no further selection exists (within ``within`` of the best, if
    given); otherwise the list stopped at ``count``.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> alts = alternatives(pool, s)
    >>> alts.ok, alts.exhausted, [a.ids for a in alts.selections]
    (True, True, [('a', 'c'), ('b', 'c')])
    >>> alts.frequency(), alts.in_all()
    ({'a': 1, 'b': 1, 'c': 2}, ('c',))
    >>> alts.summary()
    '2 distinct selections (no other selection exists); 2 as good as the best'
    >>> [(r["rank"], r["selected"], r["added"]) for r in alts.to_records()]
    [(1, 'a c', ''), (2, 'b c', 'b')]
    >>> alts.to_dict()["in_all"]
    ['c']
    """

    pool: Pool
    scenario: Scenario
    status: Status
    selections: tuple[Alternative, ...] = ()
    exhausted: bool = False
    count: int = 0
    within: float | None = None
    message: str = ""
    reasons: tuple[str, ...] = ()
    solver: str = "cbc"
    solver_calls: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> bool:
        """True if at least one verified selection was found."""
        return bool(self.selections)

    def frequency(self) -> dict[str, int]:
        """Per case that appears at all, in how many listed selections (pool order)."""
        counts = [0] * len(self.pool)
        for alt in self.selections:
            for i in alt.positions:
                counts[i] += 1
        return {self.pool.ids[i]: c for i, c in enumerate(counts) if c}

    def in_all(self) -> tuple[str, ...]:
        """The cases every listed selection holds."""
        n = len(self.selections)
        return tuple(i for i, c in self.frequency().items() if n and c == n)

    def summary(self) -> str:
        """One sentence: how many selections, why the list ended, how many tie with the best."""
        if not self.selections:
            return f"status: {self.status.value}" + (f"; {self.message}" if self.message else "")
        n = len(self.selections)
        best = self.selections[0].objective
        same = sum(1 for a in self.selections if a.objective.parts == best.parts)
        end = (
            "no other selection exists"
            + ("" if self.within is None else f" within {self.within:g} of the best")
            if self.exhausted
            else f"stopped at {self.count}"
        )
        return (
            f"{n} distinct selection{'s' if n != 1 else ''} ({end}); {same} as good as the best"
            + (f" ({_objective_text(best)})" if best.parts else "")
        )

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  - {r}" for r in self.reasons]
        if not self.selections:
            return "\n".join(lines)
        for alt in self.selections:
            head = f"#{alt.rank}"
            obj = _objective_text(alt.objective)
            if alt.rank == 1:
                lines.append(f"{head} {obj}: {' '.join(alt.ids)}".replace(" :", ":"))
            else:
                shown = alt.changes[:4] + (("...",) if len(alt.changes) > 4 else ())
                why = f" ({', '.join(shown)})" if shown else ""
                lines.append(f"{head} {obj}: {alt.difference()}{why}".replace(" :", ":"))
        n = len(self.selections)
        lines.append(f"cases in the {n} selections (how many hold each):")
        for case_id, c in self.frequency().items():
            label = self.pool.label(self.pool.position(case_id))
            lines.append(f"  {c:>{len(str(n))}}/{n} {label}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{a.rank}</td><td>{html.escape(_objective_text(a.objective))}</td>"
            f"<td>{html.escape(' '.join(a.ids) if a.rank == 1 else a.difference())}</td></tr>"
            for a in self.selections
        )
        return (
            f"<p><b>{html.escape(self.summary())}</b></p><table><thead><tr><th>#</th>"
            f"<th>objective</th><th>cases (after #1: difference)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per selection: rank, the objective's parts, the difference, the cases."""
        return [
            {
                "rank": a.rank,
                **a.objective.parts,
                "added": " ".join(a.added),
                "removed": " ".join(a.removed),
                "changes": "; ".join(a.changes),
                "selected": " ".join(a.ids),
            }
            for a in self.selections
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "summary": self.summary(),
            "exhausted": self.exhausted,
            "count": self.count,
            "within": self.within,
            "selections": [a.to_dict() for a in self.selections],
            "frequency": self.frequency(),
            "in_all": list(self.in_all()),
            "solver": {"name": self.solver, "calls": self.solver_calls},
        }


def alternatives(
    pool: Pool,
    scenario: Scenario,
    *,
    count: int | None = None,
    within: float | None = None,
    solver: str = "cbc",
    seed: int = 1,
    progress: Progress | None = None,
) -> Alternatives:
    """The best distinct selections for ``scenario``, best first.

    With ``count`` (default 10): at most that many. With ``within``: only selections at most
    that far from the best on the objective's last stage (total for max_overlap, with the
    depth kept; deviation; weight), up to ``count`` (default 1000). The first selection is
    the one :func:`selectie.select` returns. ``progress(done, total, what)`` is called as the
    list grows.

    >>> from selectie import Scenario, Quota, load_pool
    >>> pool = load_pool()
    >>> limburg = Scenario(size=1, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
    >>> alts = alternatives(pool, limburg, count=20)
    >>> len(alts.selections), alts.exhausted  # the pool has 8 Limburg projects
    (8, True)
    """
    start = time.perf_counter()
    if within is not None and (not math.isfinite(within) or within < 0):
        raise InputError(f"within must be a number of at least 0 (got {within!r})")
    if count is None:
        count = 10 if within is None else 1000
    if count < 1:
        raise InputError(f"count must be at least 1 (got {count!r})")
    best, prog = _setup(pool, scenario, solver, seed, progress)
    if prog is None:
        return Alternatives(
            pool,
            scenario,
            best.status,
            count=count,
            within=within,
            message=best.message,
            reasons=best.reasons,
            solver=solver,
            seconds=time.perf_counter() - start,
        )
    try:
        first = prog.verified(tuple(best.positions))
        found = [first]
        levels = prog.levels(first)
        if within is not None and prog.stages:
            for stage, value in zip(prog.stages[:-1], levels[:-1], strict=True):
                prog.add(stage.lock(value), f"keep {stage.name}")
            last = prog.stages[-1]
            bound = levels[-1] - within if last.sense == "max" else levels[-1] + within
            prog.add(last.lock(bound), f"within {within:g} of the best {last.name}")
        prog.cut(first)
        exhausted = False
        more = False  # True when another selection is known to exist beyond those listed
        what = "listing alternative selections"
        prog.report(1, count, what)
        swaps = Swaps(prog.case.model)
        level_done = True
        if count > 1 and swaps.usable(len(first)):
            same, level_done, more = _at_best_level(prog, swaps, first, levels, count - 1)
            found += same
            prog.report(len(found), count, what)
            if found:
                levels = prog.levels(found[-1])
        while len(found) < count:
            # The next best selection is as good as the last one if any such is left (one
            # call: the earliest at these levels); otherwise the best of the rest.
            nxt = prog.at_levels(levels) if not level_done else None
            level_done = False
            if nxt is None:
                nxt = prog.best()
            if nxt is None:
                exhausted = True
                break
            found.append(nxt)
            prog.report(len(found), count, what)
            levels = prog.levels(nxt)
            prog.cut(nxt)
        if not exhausted and not more and within is None and swaps.usable(len(first)):
            # A valid swap of a listed selection that is not listed shows there are more.
            known = set(found)
            more = any(t not in known for sel in found[:3] for t in swaps.neighbours(sel))
        if not exhausted and not more:
            # ``count`` found: exhausted only if no further selection exists (one feasibility
            # call; without it, exactly ``count`` valid selections read as "there are more").
            exhausted = prog.solve("is there another selection?", [], "min") is None
    finally:
        prog.close()
    base = set(first)
    listed = []
    for k, positions in enumerate(found, start=1):
        chosen = set(positions)
        listed.append(
            Alternative(
                k,
                positions,
                tuple(pool.ids[i] for i in positions),
                prog.compiled.objective.evaluate(positions),
                tuple(pool.ids[i] for i in positions if i not in base),
                tuple(pool.ids[i] for i in first if i not in chosen),
                _count_changes(prog.compiled, first, positions),
            )
        )
    return Alternatives(
        pool,
        scenario,
        best.status,
        tuple(listed),
        exhausted,
        count,
        within,
        solver=solver,
        solver_calls=prog.calls + len(best.solver.stages if best.solver else ()),
        seconds=time.perf_counter() - start,
    )


def _at_best_level(
    prog: _Program,
    swaps: Swaps,
    first: tuple[int, ...],
    levels: Sequence[float],
    slots: int,
) -> tuple[list[tuple[int, ...]], bool, bool]:
    """Up to ``slots`` selections other than ``first`` that are as good as ``levels``, in
    pool order (the smallest sum of positions first; equal sums by their positions).

    Candidates come from a best-first search through swaps of one case (no solver call); one
    solver call then proves that none was missed: at the same levels, with the pool-order
    sum at most that of the last one listed and a no-good cut for every candidate up to it,
    the program must be infeasible. A selection the proof finds instead joins the candidates
    and the proof is repeated. Returns the selections, whether the level holds no more of
    them (all are listed), and whether another selection is known to exist.
    """
    import heapq

    def key(sel: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        return (sum(sel) + len(sel), sel)

    seen = {first}
    candidates: list[tuple[int, ...]] = []
    heap = [key(first)]
    expanded: set[tuple[int, ...]] = set()

    def limit() -> int | None:
        """The rank a candidate must not exceed to make the list (None: any)."""
        if len(candidates) < slots:
            return None
        return sorted(key(c)[0] for c in candidates)[slots - 1]

    def search() -> None:
        # Expand candidates best first while they can still make the list.
        while heap:
            top = limit()
            if top is not None and heap[0][0] > top:
                break
            _, sel = heapq.heappop(heap)
            if sel in expanded:
                continue
            expanded.add(sel)
            for nxt in swaps.neighbours(sel, levels, top):
                if nxt not in seen:
                    seen.add(nxt)
                    candidates.append(nxt)
                    heapq.heappush(heap, key(nxt))

    search()
    rank_row = prog.add((prog.case.rank, None, None), "pool order at most")
    cut: set[tuple[int, ...]] = {first}
    while True:
        ordered = sorted(candidates, key=key)
        chosen = ordered[:slots]
        top = key(chosen[-1])[0] if len(chosen) == slots else None
        prog.session.set_row_bounds(rank_row, None, None if top is None else top + 0.5)
        for sel in ordered:
            if top is not None and key(sel)[0] > top:
                break
            if sel not in cut:
                prog.cut(sel)
                cut.add(sel)
        missed = prog.any_at_levels(levels, "prove that no selection was missed")
        if missed is None:
            break
        if missed in seen:  # pragma: no cover - a cut selection cannot come back
            raise SolverError(f"the solver ({prog.backend.name}) returned a cut selection")
        seen.add(missed)
        candidates.append(missed)
        heapq.heappush(heap, key(missed))
        search()
    prog.session.set_row_bounds(rank_row, None, None)
    for sel in chosen:  # the search's numbers are numpy's: re-check each in plain Python
        prog.verified(sel)
        if prog.levels(sel) != list(levels):
            raise SolverError(f"a listed selection is not at the best level ({levels})")
    return chosen, len(chosen) < slots, len(ordered) > len(chosen)


def _count_changes(
    compiled: CompiledScenario, before: Sequence[int], after: Sequence[int]
) -> tuple[str, ...]:
    """The counted values (constraints on values, objective cells) whose count differs."""
    groups: dict[str, tuple[int, ...]] = {}
    for c in compiled.constraints:
        if c.kind in (Kind.QUOTA, Kind.COVERAGE, Kind.COMBINATION):
            groups.setdefault(c.name, c.members)
    for cell in compiled.objective.cells:
        groups.setdefault(cell.label, cell.members)
    b, a = set(before), set(after)
    out = []
    for name, members in groups.items():
        x, y = len(b.intersection(members)), len(a.intersection(members))
        if x != y:
            out.append(f"{name} {x}->{y}")
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Importance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseImportance:
    """How much one case matters to a scenario.

    ``irreplaceable``: every valid selection holds it. ``impossible``: no valid selection
    does. ``loss`` (for the cases of the best selection that are not irreplaceable): how much
    worse each objective stage gets when the case is kept out (0 when another selection is as
    good); ``replaced_by`` are the cases the best selection without it takes in.

    >>> c = CaseImportance("R05", "", selected=True, loss={"total": 2.0}, replaced_by=("S01",))
    >>> c.costly, c.indispensable, c.verdict()
    (True, True, 'replaceable at a cost: total worse by 2')
    >>> free = CaseImportance("R06", "", selected=True, loss={"total": 0.0})
    >>> free.costly, free.indispensable, free.verdict(), free.to_dict()["verdict"]
    (False, False, 'replaceable at no cost', 'replaceable at no cost')
    """

    id: str
    label: str
    selected: bool
    irreplaceable: bool = False
    impossible: bool = False
    loss: dict[str, float] | None = None
    replaced_by: tuple[str, ...] = ()
    reason: str = ""

    @property
    def costly(self) -> bool:
        """True if keeping the case out makes the best selection worse."""
        return bool(self.loss) and any(v > 1e-9 for v in (self.loss or {}).values())

    @property
    def indispensable(self) -> bool:
        """Irreplaceable, or the best selection gets worse without it."""
        return self.irreplaceable or self.costly

    def verdict(self) -> str:
        """In words: irreplaceable, impossible, replaceable (at a cost, or not), or possible."""
        if self.irreplaceable:
            return "irreplaceable"
        if self.impossible:
            return "impossible"
        if self.costly:
            lost = ", ".join(f"{k} worse by {v:g}" for k, v in (self.loss or {}).items() if v)
            return f"replaceable at a cost: {lost}"
        if self.selected:
            return "replaceable at no cost"
        return "possible"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the case's findings, with its verdict."""
        return {
            "id": self.id,
            "selected": self.selected,
            "verdict": self.verdict(),
            "irreplaceable": self.irreplaceable,
            "impossible": self.impossible,
            "loss": self.loss,
            "replaced_by": list(self.replaced_by),
            "reason": self.reason,
        }


@dataclass(frozen=True, eq=False)
class Importance:
    """The result of :func:`importance`: one :class:`CaseImportance` per case, pool order.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> imp = importance(pool, s)
    >>> [(c.id, c.verdict()) for c in imp.cases]
    [('a', 'replaceable at no cost'), ('b', 'possible'), ('c', 'irreplaceable')]
    >>> [c.id for c in imp.irreplaceable], imp.impossible, [c.id for c in imp.indispensable]
    (['c'], (), ['c'])
    >>> imp.case("a").replaced_by
    ('b',)
    >>> [r["verdict"] for r in imp.to_records()] == [c.verdict() for c in imp.cases]
    True
    >>> imp.to_dict()["irreplaceable"]
    ['c']
    """

    pool: Pool
    scenario: Scenario
    status: Status
    cases: tuple[CaseImportance, ...] = ()
    best: tuple[str, ...] = ()
    objective: ObjectiveValue | None = None
    message: str = ""
    reasons: tuple[str, ...] = ()
    solver: str = "cbc"
    solver_calls: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def irreplaceable(self) -> tuple[CaseImportance, ...]:
        """The cases every valid selection holds."""
        return tuple(c for c in self.cases if c.irreplaceable)

    @property
    def impossible(self) -> tuple[CaseImportance, ...]:
        """The cases no valid selection holds."""
        return tuple(c for c in self.cases if c.impossible)

    @property
    def indispensable(self) -> tuple[CaseImportance, ...]:
        """Irreplaceable cases, and those without which the best selection gets worse."""
        return tuple(c for c in self.cases if c.indispensable)

    def case(self, case_id: str) -> CaseImportance:
        """The entry of one case (by id)."""
        pos = self.pool.position(case_id)
        return self.cases[pos]

    def __str__(self) -> str:
        if not self.cases:
            lines = [f"status: {self.status.value}" + (f"; {self.message}" if self.message else "")]
            return "\n".join(lines + [f"  - {r}" for r in self.reasons])
        lines = [
            f"best selection ({_objective_text(self.objective)}): {' '.join(self.best)}",
            f"irreplaceable (in every valid selection): {len(self.irreplaceable)}",
        ]
        lines += [f"  {c.label}: {c.reason}" for c in self.irreplaceable]
        costly = [c for c in self.cases if c.costly]
        lines.append(f"replaceable only at a cost to the objective: {len(costly)}")
        for c in costly:
            lines.append(f"  {c.label}: {c.verdict()}; {c.reason}")
        free = [c for c in self.cases if c.selected and not c.indispensable]
        lines.append(f"replaceable at no cost: {len(free)}")
        for c in free:
            lines.append(f"  {c.label}: {c.reason}")
        lines.append(f"impossible (in no valid selection): {len(self.impossible)}")
        lines += [f"  {c.label}: {c.reason}" for c in self.impossible]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.label)}</td><td>{html.escape(c.verdict())}</td>"
            f"<td>{html.escape(c.reason)}</td></tr>"
            for c in self.cases
            if c.selected or c.impossible or c.irreplaceable
        )
        return (
            f"<p><b>{html.escape(str(self).splitlines()[0])}</b></p><table><thead><tr>"
            f"<th>case</th><th>verdict</th><th>reason</th></tr></thead><tbody>{rows}</tbody>"
            "</table>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per case: id, name, verdict, flags, loss per objective stage, reason."""
        stages = sorted({k for c in self.cases for k in (c.loss or {})})
        rows = []
        for c, name in zip(self.cases, self.pool.names, strict=True):
            row: dict[str, Any] = {
                "id": c.id,
                "name": name or "",
                "selected": c.selected,
                "verdict": c.verdict(),
                "irreplaceable": c.irreplaceable,
                "impossible": c.impossible,
            }
            for k in stages:
                row[f"loss_{k}"] = "" if c.loss is None else c.loss.get(k, 0.0)
            row["replaced_by"] = " ".join(c.replaced_by)
            row["reason"] = c.reason
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "best": list(self.best),
            "objective": self.objective.to_dict() if self.objective else None,
            "irreplaceable": [c.id for c in self.irreplaceable],
            "indispensable": [c.id for c in self.indispensable],
            "impossible": [c.id for c in self.impossible],
            "cases": [c.to_dict() for c in self.cases],
            "solver": {"name": self.solver, "calls": self.solver_calls},
        }


def importance(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = "cbc",
    seed: int = 1,
    progress: Progress | None = None,
) -> Importance:
    """For each case: irreplaceable, impossible, and its replacement cost, with reasons.

    Irreplaceable and impossible cases are found with few solver calls: a selection that
    takes in as many not-yet-seen cases as possible proves them all possible at once (when
    it can take in none, the rest are impossible); a selection that leaves out as many of
    the remaining candidates as possible proves them all replaceable. The replacement cost is
    computed for each case of the best selection (any other case costs nothing to leave out).
    ``progress(done, total, what)`` is called after each step.

    >>> from selectie import Scenario, Quota, load_pool
    >>> pool = load_pool()
    >>> s = Scenario(size=2, quotas=[Quota(attribute="partners", values=["privaat"], min=3)])
    >>> importance(pool, s).status.value  # three private projects cannot fit in two places
    'infeasible'
    """
    start = time.perf_counter()
    best, prog = _setup(pool, scenario, solver, seed, progress)
    if prog is None:
        return Importance(
            pool,
            scenario,
            best.status,
            message=best.message,
            reasons=best.reasons,
            solver=solver,
            seconds=time.perf_counter() - start,
        )
    compiled = prog.compiled
    n = len(pool)
    first = prog.verified(tuple(best.positions))
    best_levels = prog.levels(first)

    # Possible cases: keep asking for a selection with as many unseen cases as possible.
    seen = set(first)
    while len(seen) < n:
        unseen = [i for i in range(n) if i not in seen]
        values = prog.solve("take in unseen cases", prog.case.cases(unseen), "max")
        prog.report(prog.calls, None, "finding impossible cases")
        assert values is not None  # the scenario is feasible
        got = prog.verified(prog.positions(values))
        new = seen.union(got)
        if len(new) == len(seen):
            break
        seen = new
    impossible = set(range(n)) - seen

    # Irreplaceable cases: keep asking for a selection without as many candidates as possible.
    candidates = set(first)
    while candidates:
        values = prog.solve("leave out candidates", prog.case.cases(sorted(candidates)), "min")
        prog.report(prog.calls, None, "finding irreplaceable cases")
        assert values is not None
        holds = set(prog.verified(prog.positions(values)))
        if candidates <= holds:
            break
        candidates &= holds
    irreplaceable = candidates

    # Replacement cost of each case of the best selection, for many cases per call: the best
    # selection that misses at least one of the cases T still open (holding as many cases of
    # the best selection as the last stage allows) is, for every case of T it misses, the
    # best selection without that case, since every selection without it misses one of T.
    # So each call settles at least one case, and all the cases that share their best
    # replacement at once.
    losses: dict[int, tuple[dict[str, float], tuple[int, ...]]] = {}
    todo = [i for i in first if i not in irreplaceable]
    open_cases = set(todo)
    misses = prog.add((prog.case.cases(todo), None, float(len(todo) - 1)), "miss one of them")
    while open_cases:
        without = prog.best(tiebreak=False, prefer=list(first))
        assert without is not None  # no case of T is irreplaceable
        settled = open_cases.difference(without)
        if not settled:  # pragma: no cover - the row above forbids it
            raise SolverError("the replacement search returned a selection with every case")
        lv = prog.levels(without)
        loss = {
            s.name: (b - v if s.sense == "max" else v - b)
            for s, b, v in zip(prog.stages, best_levels, lv, strict=True)
        }
        for i in sorted(settled):
            losses[i] = (dict(loss), without)
            prog.session.set_coefficient(misses, prog.x[i], 0.0)
        open_cases -= settled
        prog.session.set_row_bounds(misses, None, float(len(open_cases) - 1))
        prog.report(len(losses), len(todo), "replacement costs")
    prog.close()

    chosen_without = {i: tuple(j for j in w if j not in first) for i, (_, w) in losses.items()}
    cases = []
    for i in range(n):
        loss_rb = losses.get(i)
        case_loss = None if loss_rb is None else {k: _clean(v) for k, v in loss_rb[0].items()}
        entry = CaseImportance(
            pool.ids[i],
            pool.label(i),
            i in first,
            i in irreplaceable,
            i in impossible,
            case_loss,
            tuple(pool.ids[j] for j in chosen_without.get(i, ())),
        )
        reason = _reason(compiled, prog, i, entry, first, losses)
        cases.append(
            CaseImportance(
                entry.id,
                entry.label,
                entry.selected,
                entry.irreplaceable,
                entry.impossible,
                entry.loss,
                entry.replaced_by,
                reason,
            )
        )
    return Importance(
        pool,
        scenario,
        best.status,
        tuple(cases),
        best.ids,
        best.objective,
        solver=solver,
        solver_calls=prog.calls + len(best.solver.stages if best.solver else ()),
        seconds=time.perf_counter() - start,
    )


def _bridge_words(compiled: CompiledScenario, origin: str) -> str:
    """What a bridge of a bridges entry (``bridges[k]``) is, in words."""
    br = compiled.scenario.bridges[int(origin.partition("[")[2].rstrip("]"))]
    return f"an unselected case with the same {br.via} and another {br.across}"


def _clean(v: float) -> float:
    r = round(v)
    return float(r) if abs(v - r) < 1e-9 else v


def _reason(
    compiled: CompiledScenario,
    prog: _Program,  # noqa: ARG001 - the signature the importance questions share
    i: int,
    entry: CaseImportance,
    first: tuple[int, ...],
    losses: dict[int, tuple[dict[str, float], tuple[int, ...]]],
) -> str:
    """Why a case matters, when a single constraint or objective value shows it."""
    excluded = set(compiled.exclude)
    if entry.irreplaceable:
        for c in compiled.constraints:
            if c.kind is Kind.INCLUDE and c.members == (i,):
                return "included by the scenario"
        for c in compiled.constraints:
            if c.kind in (Kind.QUOTA, Kind.COVERAGE, Kind.COMBINATION) and i in c.members and c.lo:
                avail = [j for j in c.members if j not in excluded]
                if c.lo >= len(avail):
                    if len(avail) == 1:
                        return f"the only case with {c.name} ({c.required} required)"
                    return f"one of only {len(avail)} cases with {c.name} ({c.required} required)"
        return "no valid selection leaves it out (no single constraint forces it)"
    if entry.impossible:
        for c in compiled.constraints:
            if c.kind is Kind.EXCLUDE and c.members == (i,):
                return "excluded by the scenario"
            if c.kind is Kind.BRIDGES and c.case == i and (c.lo or 0) > len(c.members):
                n = len(c.members)
                return (
                    f"needs {c.required.replace(' if selected', '')} "
                    f"({_bridge_words(compiled, c.origin)}) but has {n or 'none'}"
                )
            if c.kind not in ("bridges", "size") and c.hi == 0 and i in c.members:
                return f"{c.name}: at most 0 allowed"
        return "no valid selection holds it (no single constraint rules it out)"
    if entry.selected and entry.loss is not None:
        rb = ", ".join(entry.replaced_by) or "no case"
        if not entry.costly:
            return f"as good without it: {rb} in its place"
        # The objective's values that a best selection without it serves worse.
        _, without = losses[i]
        after_set = set(without)
        own: list[str] = []
        other: list[str] = []
        for cell in compiled.objective.cells:
            before = len(set(first).intersection(cell.members))
            after = len(after_set.intersection(cell.members))
            if cell.target is not None:
                worse = abs(after - cell.target) > abs(before - cell.target)
                what = f"{cell.label} {after} instead of {before} (target {cell.target})"
            else:
                worse = after < before
                what = f"{cell.label} held {after} instead of {before} times"
            if worse:
                what += f"; the pool has {cell.available}"
                (own if i in cell.members else other).append(what)
        changed = len(set(first) - after_set)
        swap = f"a best selection without it replaces {changed} case{'s' if changed != 1 else ''}"
        if own:
            return f"without it: {'; '.join(own[:3])} ({swap})"
        if other:
            return f"{swap}, which moves {'; '.join(other[:3])}"
        return f"the objective gets worse without it ({swap})"
    return ""


# --------------------------------------------------------------------------------------------
# Drop-out repair
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Replacement:
    """The result of :func:`replace`.

    ``kept`` are the remaining cases of the old selection that stay, ``lost`` those that had
    to go as well, ``added`` the new cases. ``selection`` is the new selection as a
    :class:`~selectie.result.Selection` of the scenario with the dropped cases excluded.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> r = replace(pool, s, ["a", "c"], drop=["a"])
    >>> r.ok, r.kept, r.added, r.lost
    (True, ('c',), ('b',), ())
    >>> r.summary()
    'kept 1 of the 1 remaining cases; added b (dropped: a)'
    >>> r.to_dict()["dropped"]
    ['a']
    """

    status: Status
    selection: Selection
    dropped: tuple[str, ...]
    kept: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True if a verified new selection was found."""
        return self.selection.ok

    def summary(self) -> str:
        """One sentence: how many cases were kept, which were added or also replaced."""
        if not self.ok:
            return f"status: {self.status.value}; {self.selection.message}"
        remaining = len(self.kept) + len(self.lost)
        text = f"kept {len(self.kept)} of the {remaining} remaining cases"
        if self.added:
            text += f"; added {', '.join(self.added)}"
        if self.lost:
            text += f"; also replaced {', '.join(self.lost)}"
        return text + f" (dropped: {', '.join(self.dropped)})"

    def __str__(self) -> str:
        return self.summary() + "\n" + str(self.selection)

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self.summary())}</b></p>" + self.selection._repr_html_()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: the change, then the new selection."""
        return {
            "summary": self.summary(),
            "dropped": list(self.dropped),
            "kept": list(self.kept),
            "lost": list(self.lost),
            "added": list(self.added),
            **self.selection.to_dict(),
        }


def replace(
    pool: Pool,
    scenario: Scenario,
    selection: Iterable[str],
    drop: Iterable[str],
    *,
    solver: str = "cbc",
    seed: int = 1,
    progress: Progress | None = None,
) -> Replacement:
    """The best selection after the cases ``drop`` leave ``selection``, keeping as many of
    the others as possible.

    First the number of kept cases is maximised, then the scenario's objective, then pool
    order breaks ties. The dropped cases are excluded (and no longer included, if the
    scenario included them). Unknown ids, or dropped ids not in the selection, raise
    :class:`~selectie.errors.ScenarioError`.

    >>> from selectie import load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> r = replace(pool, load_scenario(), report13, drop=["R05"])
    >>> r.ok, len(r.kept), len(r.added)
    (True, 12, 1)
    """
    start = time.perf_counter()
    positions, dropped = _read_ids(pool, list(selection), list(drop))
    drop_ids = [pool.ids[i] for i in dropped]
    effective = scenario.model_copy(
        update={"include": tuple(i for i in scenario.include if _pos(pool, i) not in dropped)}
    ).with_exclude(*drop_ids)
    compiled = compile_scenario(pool, effective)
    backend = get_backend(solver)
    prog = _Program(compiled, backend, seed, progress)
    remaining = [i for i in positions if i not in dropped]
    keep = Stage("kept", prog.case.cases(remaining), "max", True)
    values = prog.solve("keep as many cases as possible", keep.terms, "max")
    info = SolverInfo(backend.name, backend.version(), 0.0, None, seed)
    if values is None:
        from .quick_checks import quick_checks

        prog.close()
        sel = Selection(
            Status.INFEASIBLE,
            pool,
            effective,
            (),
            None,
            info,
            f"no selection without {', '.join(drop_ids)} satisfies every constraint",
            compiled,
            tuple(quick_checks(compiled)),
        )
        return Replacement(Status.INFEASIBLE, sel, tuple(drop_ids))
    kept_count = round(sum(values[prog.x[i]] for i in remaining))
    prog.add(keep.lock(float(kept_count)), "keep")
    new = prog.best()
    prog.close()
    assert new is not None  # the kept count was just reached
    chosen = set(new)
    audit = Audit(tuple(compiled.check(new)), compiled.objective.evaluate(new))
    info = SolverInfo(
        backend.name,
        backend.version(),
        time.perf_counter() - start,
        None,
        seed,
        variables=prog.milp.num_vars,
        rows=len(prog.milp.rows),
    )
    sel = Selection(Status.OPTIMAL, pool, effective, new, audit, info, "", compiled)
    return Replacement(
        Status.OPTIMAL,
        sel,
        tuple(drop_ids),
        tuple(pool.ids[i] for i in remaining if i in chosen),
        tuple(pool.ids[i] for i in remaining if i not in chosen),
        tuple(pool.ids[i] for i in new if i not in set(positions)),
    )


def _pos(pool: Pool, case_id: str) -> int:
    return pool.position(case_id) if pool.contains(case_id) else -1


def _read_ids(pool: Pool, selection: list[str], drop: list[str]) -> tuple[list[int], set[int]]:
    problems: list[Problem] = []
    positions: list[int] = []
    for k, case_id in enumerate(selection):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"selection[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos in positions:
            problems.append(Problem(message=f"selection[{k}]: {case_id!r} is listed twice"))
            continue
        positions.append(pos)
    dropped: set[int] = set()
    for k, case_id in enumerate(drop):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"drop[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos not in positions:
            problems.append(
                Problem(message=f"drop[{k}]: {case_id!r} is not in the selection to repair")
            )
            continue
        dropped.add(pos)
    if not drop:
        problems.append(Problem(message="no case to drop was given"))
    if problems:
        raise ScenarioError(
            "the selection to repair is not valid",
            problems,
            hint="Give the ids of the current selection, and which of them dropped out.",
        )
    return sorted(positions), dropped
