"""Why a scenario cannot be met, and the smallest change that would let it be met.

Three answers, from cheapest to most informative:

- :func:`quick_checks`: reasons that need no solver, in plain words ("type has 8 values; with
  at least 2 each that needs 16 cases but size is 13");
- a *minimal conflict*: an irreducible infeasible subset of the scenario's named constraints
  (together they cannot be met; drop any one and the rest can), found with the solver by
  QuickXplain, a divide-and-conquer deletion filter, and verified constraint by constraint;
- the *smallest relaxation*: which bounds to move, and by how much, at the least weighted cost.
  Lowering a minimum from ``m`` to ``m - 1`` costs ``1/m`` (so giving up a value entirely,
  1 to 0, costs more than 3 to 2); raising a maximum from ``m - 1`` to ``m`` costs ``1/m``
  (so a maximum is raised from its old value up: 2 to 3 costs 1/3, 2 to 4 costs 1/3 + 1/4);
  dropping an include or exclude costs 1. Selecting more cases than the size asks costs 1 per
  extra case (selectie's own choice: a case more is a whole extra case study, as dear as
  giving up a value entirely or dropping an include), and is offered only when it is
  strictly cheaper than every relaxation at the same size; the size is never lowered. The
  relaxation is written back as a scenario and verified by solving it again.

:func:`explain` gives all three as an :class:`Explanation`.

>>> from selectie import load_pool, load_scenario
>>> pool, scenario = load_pool(), load_scenario()
>>> from selectie.constraints import compile_scenario
>>> quick_checks(compile_scenario(pool, scenario.with_overlap(2, ["type"])))[0]
'type has 8 values; with at least 2 each that needs 16 cases but size is 13'
"""

from __future__ import annotations

import html
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .constraints import CompiledScenario, Constraint, Kind, compile_scenario
from .errors import SolverError
from .formulation import SelectionModel
from .formulation.relaxation import Subsets, relaxation_program
from .i18n import _, get_language, ngettext, number
from .pool import Pool
from .quick_checks import quick_checks
from .scenario import Bridges, Combination, Coverage, GroupLimit, Quota, Scenario
from .solve.backend import Backend, RawSolution, Status, get_backend
from .solve.default import DEFAULT
from .solve.milp import Milp
from .solve.session import open_session

__all__ = ["Explanation", "Move", "Progress", "explain", "quick_checks"]

#: A progress callback: ``progress(done, total, what)``; ``total`` is None when unknown.
Progress = Callable[[int, "int | None", str], None]


# --------------------------------------------------------------------------------------------
# explain: minimal conflict and smallest relaxation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One bound moved by a relaxation: constraint ``name``'s ``bound`` from ``old`` to ``new``.

    ``bound`` is ``"min"`` or ``"max"``; for kind include the move is min 1 to 0 (the case need
    not be selected), for exclude max 0 to 1, for bridges the least number of bridges.

    >>> m = Move("regio=Limburg", "quota", "quotas[0]", "min", old=3, new=1)
    >>> m.cost  # 1/3 + 1/2
    Fraction(5, 6)
    >>> m.sentence()
    'regio=Limburg: at least 3 -> at least 1 (quotas[0])'
    """

    name: str
    kind: str
    origin: str
    bound: str
    old: int
    new: int
    note: str = ""

    @property
    def cost(self) -> Fraction:
        """The weighted cost: the sum of ``1/m`` over the levels ``m`` crossed; for the size,
        1 per extra case.

        >>> Move("x", "quota", "", "min", old=1, new=0).cost  # giving up a value
        Fraction(1, 1)
        >>> Move("x", "quota", "", "max", old=2, new=4).cost  # 1/3 + 1/4
        Fraction(7, 12)
        >>> Move("size", "size", "size", "max", old=13, new=14).cost
        Fraction(1, 1)
        """
        if self.kind == Kind.SIZE:
            return Fraction(self.new - self.old)
        if self.bound == "min":
            return sum((Fraction(1, m) for m in range(self.new + 1, self.old + 1)), Fraction(0))
        return sum((Fraction(1, m) for m in range(self.old + 1, self.new + 1)), Fraction(0))

    def sentence(self) -> str:
        """Plain words, e.g. ``regio=Limburg: at least 2 -> at least 1``.

        >>> Move("type=A", "quota", "quotas[2]", "max", old=2, new=3).sentence()
        'type=A: at most 2 -> at most 3 (quotas[2])'
        >>> Move("include p7", "include", "", "min", old=1, new=0).sentence()
        'include p7: drop it (the case need not be selected)'
        """
        if self.kind == Kind.SIZE:
            return _("size: select {new} cases instead of {old}").format(new=self.new, old=self.old)
        if self.kind == Kind.INCLUDE:
            return _("{name}: drop it (the case need not be selected)").format(name=self.name)
        if self.kind == Kind.EXCLUDE:
            return _("{name}: drop it (the case may be selected)").format(name=self.name)
        if self.kind == Kind.BRIDGES:
            if self.new == 0:
                return _("{name}: no bridges required (instead of {old})").format(
                    name=self.name, old=self.old
                )
            return _("{name}: at least {new} bridges instead of {old}").format(
                name=self.name, new=self.new, old=self.old
            )
        if self.bound == "min":
            new = _("no minimum") if self.new == 0 else _("at least {n}").format(n=self.new)
            old = _("at least {n}").format(n=self.old)
        else:
            new = _("at most {n}").format(n=self.new)
            old = _("at most {n}").format(n=self.old)
        return f"{self.name}: {old} -> {new} ({self.origin})"

    def to_dict(self) -> dict[str, Any]:
        """The move as a JSON-ready dict, with its cost rounded to 6 decimals.

        >>> Move("x", "quota", "quotas[0]", "min", old=3, new=2).to_dict()["cost"]
        0.333333
        """
        return {
            "name": self.name,
            "kind": self.kind,
            "origin": self.origin,
            "bound": self.bound,
            "old": self.old,
            "new": self.new,
            "cost": round(float(self.cost), 6),
        }


def conflict_sentence(c: Constraint) -> str:
    """One constraint of a conflict in the scenario's words, with where it comes from."""
    where = c.origin if c.kind not in (Kind.SIZE, Kind.INCLUDE, Kind.EXCLUDE) else ""
    if c.kind is Kind.BRIDGES:
        n = len(c.members)
        text = ngettext(
            "{name}: {required} (it has {n} possible bridge; {where})",
            "{name}: {required} (it has {n} possible bridges; {where})",
            n,
        ).format(name=c.name, required=c.required, n=n, where=where)
    elif c.kind is Kind.INCLUDE:
        text = _("{name} (included by the scenario)").format(name=c.name)
    elif c.kind is Kind.EXCLUDE:
        text = _("{name} (excluded by the scenario)").format(name=c.name)
    elif c.kind is Kind.SIZE:
        text = _("size: exactly {n} cases").format(n=c.lo)
    else:
        text = _("{name}: {required} (the pool has {n}; {where})").format(
            name=c.name, required=c.required, n=len(c.members), where=where
        )
    if c.note:
        text += f' -- "{c.note}"'
    return text


@dataclass(frozen=True, eq=False)
class Explanation:
    """Why a scenario is infeasible: quick checks, a minimal conflict, the smallest relaxation.

    ``conflict`` is an irreducible infeasible subset of the compiled constraints (empty when
    the scenario is feasible); ``conflict_verified`` is True when it was re-solved as
    infeasible and each of its proper subsets (leave one out) as feasible, with those
    selections re-checked in plain Python. ``moves`` is the smallest weighted relaxation;
    ``relaxed`` the scenario with those moves applied, which was solved again:
    ``relaxed_ids`` is a selection that meets it (``relaxation_verified``).

    Two cases from the north are required, one from the south, but only two are selected:

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records(
    ...     [{"id": i, "region": r} for i, r in zip("abcd", "NNSS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["N"], min=2),
    ...                              Quota(attribute="region", values=["S"], min=1)])
    >>> ex = explain(pool, s)
    >>> ex.feasible, [c.name for c in ex.conflict], ex.conflict_verified
    (False, ['size', 'region=N', 'region=S'], True)
    >>> [m.sentence() for m in ex.moves], ex.cost  # 2 -> 1 costs 1/2, 1 -> 0 would cost 1
    (['region=N: at least 2 -> at least 1 (quotas[0])'], 0.5)
    >>> picked = set(ex.relaxed_ids)  # one from the north (a, b), one from the south (c, d)
    >>> ex.relaxation_verified, len(picked & {"a", "b"}), len(picked & {"c", "d"})
    (True, 1, 1)
    """

    pool: Pool
    scenario: Scenario
    feasible: bool
    quick: tuple[str, ...] = ()
    conflict: tuple[Constraint, ...] = ()
    conflict_verified: bool = False
    moves: tuple[Move, ...] = ()
    relaxed: Scenario | None = None
    relaxed_ids: tuple[str, ...] = ()
    relaxation_verified: bool = False
    solver: str = DEFAULT
    solver_calls: int = 0
    seconds: float = 0.0

    @property
    def cost(self) -> float:
        """The relaxation's weighted cost (see the module docstring).

        >>> from selectie import Attribute, Codebook, Pool, Scenario
        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N"])])
        >>> pool = Pool.from_records([{"id": "a", "region": "N"}], cb)
        >>> moves = (Move("a", "quota", "", "min", 2, 1), Move("b", "quota", "", "max", 0, 1))
        >>> ex = Explanation(pool, Scenario(size=1),
        ...                  feasible=False, moves=moves)
        >>> ex.cost  # 1/2 + 1/1
        1.5
        """
        return float(sum((m.cost for m in self.moves), Fraction(0)))

    def summary(self) -> str:
        """One sentence: feasible, or the gist of the conflict.

        >>> from selectie import Attribute, Codebook, Pool, Scenario
        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N"])])
        >>> pool = Pool.from_records([{"id": "a", "region": "N"}], cb)
        >>> ex = Explanation(pool, Scenario(size=1), True)
        >>> ex.summary()
        'the scenario is feasible: nothing to explain'
        """
        if self.feasible:
            return _("the scenario is feasible: nothing to explain")
        return _conflict_gist(self.pool, self.conflict)

    def __str__(self) -> str:
        if self.feasible:
            return self.summary()
        lines = [_("the scenario is infeasible: no selection satisfies every constraint")]
        if self.quick:
            lines.append(_("quick checks:"))
            lines += [f"  - {r}" for r in self.quick]
        if self.conflict:
            n = len(self.conflict)
            state = _("verified") if self.conflict_verified else _("NOT verified")
            lines.append(
                ngettext(
                    "a minimal conflict ({n} constraint; drop any one and the rest can be met; "
                    "{state}):",
                    "a minimal conflict ({n} constraints; drop any one and the rest can be met; "
                    "{state}):",
                    n,
                ).format(n=n, state=state)
            )
            lines.append(f"  {self.summary()}")
            lines += [f"  - {conflict_sentence(c)}" for c in self.conflict]
        if self.moves:
            state = (
                _("verified by solving it again") if self.relaxation_verified else _("NOT verified")
            )
            cost = f"{self.cost:.3g}"
            if get_language() == "nl":
                cost = cost.replace(".", ",")
            lines.append(
                _("smallest relaxation (weighted cost {cost}; {state}):").format(
                    cost=cost, state=state
                )
            )
            lines += [f"  - {m.sentence()}" for m in self.moves]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        text = str(self).splitlines()
        parts = [f"<p><b>{html.escape(text[0])}</b></p>"]
        items: list[str] = []
        for line in text[1:]:
            if line.startswith("  - "):
                items.append(f"<li>{html.escape(line[4:])}</li>")
                continue
            if items:
                parts.append("<ul>" + "".join(items) + "</ul>")
                items = []
            parts.append(f"<p>{html.escape(line.strip())}</p>")
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
        return "".join(parts)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per finding: quick checks, the conflict's constraints, the moved bounds.

        >>> from selectie import Attribute, Codebook, Pool, Scenario
        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N"])])
        >>> pool = Pool.from_records([{"id": "a", "region": "N"}], cb)
        >>> ex = Explanation(pool, Scenario(size=1), False,
        ...                  quick=("too few cases",), moves=(Move("a", "quota", "", "min", 2, 1),))
        >>> for r in ex.to_records():
        ...     print(r["part"], r["text"], repr(r["cost"]), sep=" | ")
        quick check | too few cases | ''
        relaxation | a: at least 2 -> at least 1 () | 0.5
        """
        rows: list[dict[str, Any]] = [
            {"part": "quick check", "name": "", "origin": "", "text": q, "new": "", "cost": ""}
            for q in self.quick
        ]
        rows += [
            {
                "part": "conflict",
                "name": c.name,
                "origin": c.origin,
                "text": conflict_sentence(c),
                "new": "",
                "cost": "",
            }
            for c in self.conflict
        ]
        rows += [
            {
                "part": "relaxation",
                "name": m.name,
                "origin": m.origin,
                "text": m.sentence(),
                "new": m.new,
                "cost": round(float(m.cost), 6),
            }
            for m in self.moves
        ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary.

        >>> import json
        >>> from selectie import Attribute, Codebook, Pool, Scenario
        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N"])])
        >>> pool = Pool.from_records([{"id": "a", "region": "N"}], cb)
        >>> ex = Explanation(pool, Scenario(size=1), True)
        >>> d = ex.to_dict()
        >>> d["feasible"], json.loads(json.dumps(d)) == d
        (True, True)
        """
        return {
            "feasible": self.feasible,
            "summary": self.summary(),
            "quick_checks": list(self.quick),
            "conflict": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "origin": c.origin,
                    "required": c.required,
                    "sentence": conflict_sentence(c),
                }
                for c in self.conflict
            ],
            "conflict_verified": self.conflict_verified,
            "relaxation": [m.to_dict() for m in self.moves],
            "relaxation_cost": round(self.cost, 6),
            "relaxation_verified": self.relaxation_verified,
            "relaxed_selection": list(self.relaxed_ids),
            "relaxed_scenario": self.relaxed.to_dict() if self.relaxed is not None else None,
            "solver": {"name": self.solver, "calls": self.solver_calls},
        }


def explain(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str = DEFAULT,
    time_limit: float | None = None,
    seed: int = 1,
    progress: Progress | None = None,
) -> Explanation:
    """Why ``scenario`` cannot be met on ``pool``, and the smallest change that fixes it.

    ``time_limit`` (seconds) applies to each solver call; a call that cannot decide in time
    raises :class:`~selectie.errors.SolverError`. ``progress(done, total, what)`` is called
    after each solver call.

    >>> from selectie import load_pool, load_scenario
    >>> pool = load_pool()
    >>> ex = explain(pool, load_scenario().with_overlap(2, ["type"]).with_objective("feasibility"))
    >>> ex.summary()
    'type: 7 values need at least 2 cases each, 14 in all, but size is 13'
    >>> ex.conflict_verified, ex.relaxation_verified, len(ex.moves), ex.cost
    (True, True, 3, 1.5)
    """
    start = time.perf_counter()
    compiled = compile_scenario(pool, scenario)
    backend = get_backend(solver)
    model = SelectionModel(compiled)
    if len(model.base.rows) != len(compiled.constraints):  # pragma: no cover - a bug guard
        raise AssertionError("the program's rows do not match the constraints one to one")
    oracle = _Oracle(backend, model, time_limit, seed, progress)
    everything = list(range(len(compiled.constraints)))
    quick = tuple(quick_checks(compiled))
    if oracle.feasible(everything):
        return Explanation(
            pool,
            scenario,
            True,
            quick,
            solver=backend.name,
            solver_calls=oracle.calls,
            seconds=time.perf_counter() - start,
        )
    moves = _smallest_relaxation(oracle, compiled)
    relaxed = relaxed_scenario(compiled, moves)
    relaxed_ids, relaxed_ok = _verify_relaxation(pool, relaxed, backend.name, time_limit, seed)
    order = _preference_order(compiled, moves)
    found = _quickxplain(oracle, order)
    conflict_ok = _verify_conflict(oracle, compiled, found)
    return Explanation(
        pool,
        scenario,
        False,
        quick,
        tuple(compiled.constraints[k] for k in sorted(found)),
        conflict_ok,
        tuple(moves),
        relaxed,
        relaxed_ids,
        relaxed_ok,
        backend.name,
        oracle.calls,
        time.perf_counter() - start,
    )


def decided(raw: RawSolution) -> Status:
    """The status of a solver call (kept as one place to read it; the CBC backend reports
    "Integer infeasible" as INFEASIBLE itself).
    """
    return raw.status


class _Oracle:
    """Answers "can these constraints (by index) be met together?" with the solver, cached."""

    def __init__(
        self,
        backend: Backend,
        model: SelectionModel,
        time_limit: float | None,
        seed: int,
        progress: Progress | None,
    ) -> None:
        self.backend, self.model = backend, model
        self.time_limit, self.seed, self.progress = time_limit, seed, progress
        self.calls = 0
        self.known: dict[frozenset[int], list[int] | None] = {}
        self.subsets = Subsets(model, backend, seed=seed)

    def decide(self, raw: RawSolution, check: Milp | None = None) -> list[float] | None:
        """Values of an optimal solution, or None if infeasible; raise if undecided."""
        self.calls += 1
        if raw.status == Status.INFEASIBLE:
            return None
        if raw.status in (Status.NO_SOLUTION, Status.FEASIBLE) and self.time_limit is not None:
            from .errors import TimeLimitReached
            from .solve.backend import limit_advice

            raise TimeLimitReached(
                _(
                    "the time limit ({limit} s per solver call) was reached while explaining "
                    "the scenario, so there is no answer; {advice}"
                ).format(
                    limit=number(self.time_limit, None), advice=limit_advice(self.backend.name)
                )
            )
        if raw.status != Status.OPTIMAL or raw.values is None:
            why = raw.message or f"status {raw.status.value}"
            raise SolverError(
                _("the solver ({solver}) could not decide: {why}").format(
                    solver=self.backend.name, why=why
                )
            )
        if check is not None and not check.satisfied_by(raw.values):
            raise SolverError(
                _("the solver ({solver}) returned an invalid solution").format(
                    solver=self.backend.name
                )
            )
        return raw.values

    def report(self, what: str) -> None:
        if self.progress is not None:
            self.progress(self.calls, None, what)

    def solve(self, milp: Milp, what: str) -> list[float] | None:
        """Solve a program of its own once (the session re-checks the answer)."""
        with open_session(self.backend, milp, seed=self.seed) as session:
            values = self.decide(session.solve(time_limit=self.time_limit), milp)
        self.report(what)
        return values

    def feasible(self, subset: Sequence[int]) -> bool:
        key = frozenset(subset)
        if key not in self.known:
            raw = self.subsets.solve(sorted(key), self.time_limit)
            values = self.decide(raw)
            self.report(_("searching for a minimal conflict"))
            self.known[key] = None if values is None else self.model.positions(values)
        return self.known[key] is not None

    def close(self) -> None:
        self.subsets.close()


def _quickxplain(oracle: _Oracle, order: list[int]) -> list[int]:
    """A minimal infeasible subset of ``order`` (which must be infeasible as a whole),
    preferring constraints that come early in ``order`` (Junker's QuickXplain).
    """

    def qx(background: list[int], added: bool, candidates: list[int]) -> list[int]:
        if added and not oracle.feasible(background):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        d2 = qx(background + first, bool(first), second)
        d1 = qx(background + d2, bool(d2), first)
        return d1 + d2

    if oracle.feasible([]):
        return qx([], False, order)
    return []  # pragma: no cover - the program without rows is always feasible


def _verify_conflict(oracle: _Oracle, compiled: CompiledScenario, found: list[int]) -> bool:
    """The conflict is infeasible, and leaving out any one constraint makes it feasible (the
    selection found for each is re-checked in plain Python against the rest).
    """
    if not found or oracle.feasible(found):
        return False
    for k in found:
        rest = [j for j in found if j != k]
        if not oracle.feasible(rest):
            return False
        chosen = oracle.known[frozenset(rest)]
        assert chosen is not None
        if not all(compiled.constraints[j].check(chosen).satisfied for j in rest):
            return False
    return True


def _preference_order(compiled: CompiledScenario, moves: Sequence[Move]) -> list[int]:
    """Constraints in the order QuickXplain should prefer them in a conflict: those that no
    selection can meet alone, then the size, then those the relaxation moves, then the rest.
    """
    moved = {(m.name, m.origin) for m in moves}
    alone, size, relaxed, rest = [], [], [], []
    for k, c in enumerate(compiled.constraints):
        if c.kind is Kind.SIZE:
            size.append(k)
        elif c.kind is not Kind.BRIDGES and c.lo is not None and c.lo > len(c.members):
            alone.append(k)
        elif (c.name, c.origin) in moved:
            relaxed.append(k)
        else:
            rest.append(k)
    return alone + size + relaxed + rest


def _smallest_relaxation(oracle: _Oracle, compiled: CompiledScenario) -> list[Move]:
    """The cheapest set of moved bounds that makes the program feasible (the program:
    :func:`selectie.formulation.relaxation.relaxation_program`; the size is never lowered).
    """
    relaxation = relaxation_program(compiled, oracle.model)
    values = oracle.solve(relaxation.milp, _("finding the smallest relaxation"))
    if values is None:  # pragma: no cover - every bound but the size can move
        raise SolverError(_("no relaxation of the bounds makes the scenario feasible"))
    size = compiled.scenario.size
    moves = []
    for step, moved in relaxation.moved(values):
        c = compiled.constraints[step.k]
        if step.bound == "size":
            moves.append(Move("size", "size", "size", "max", size, size + moved, c.note))
        elif step.bound == "min":
            assert c.lo is not None
            moves.append(Move(c.name, c.kind, c.origin, "min", c.lo, c.lo - moved, c.note))
        else:
            assert c.hi is not None
            moves.append(Move(c.name, c.kind, c.origin, "max", c.hi, c.hi + moved, c.note))
    return moves


def _verify_relaxation(
    pool: Pool, relaxed: Scenario, solver: str, time_limit: float | None, seed: int
) -> tuple[tuple[str, ...], bool]:
    """Solve the relaxed scenario (for feasibility only) through the engine."""
    from .engine import select

    sel = select(
        pool,
        relaxed.with_objective("feasibility"),
        solver=solver,
        time_limit=time_limit,
        seed=seed,
    )
    ok = sel.ok and sel.audit is not None and sel.audit.ok
    return (sel.ids if ok else ()), ok


def relaxed_scenario(compiled: CompiledScenario, moves: Sequence[Move]) -> Scenario:
    """``compiled.scenario`` with the bounds of ``moves`` moved, as a scenario value.

    A quota or coverage is split so that only the moved values get the new bound. A group
    limit or a bridges entry cannot differ per group or case, so its bound moves for all of
    them (as far as the largest move needs): that scenario is at least as loose.
    """
    scenario, pool = compiled.scenario, compiled.pool
    by_origin: dict[str, dict[str, Move]] = defaultdict(dict)
    for m in moves:
        by_origin[m.origin][m.name] = m
    codes_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in compiled.constraints:
        if c.kind in (Kind.QUOTA, Kind.COVERAGE):
            attr, _, code = c.name.partition("=")
            codes_of[c.origin].append((attr, code))

    quotas: list[Quota] = []
    for k, q in enumerate(scenario.quotas):
        where = f"quotas[{k}]"
        changed = by_origin.get(where, {})
        if not changed:
            quotas.append(q)
            continue
        codes = [code for _, code in codes_of[where]]
        same = [code for code in codes if f"{q.attribute}={code}" not in changed]
        attr = codes_of[where][0][0] if codes_of[where] else q.attribute
        if same:
            quotas.append(q.model_copy(update={"values": tuple(same), "attribute": attr}))
        split: dict[tuple[int | None, int | None], list[str]] = {}
        for code in codes:
            move = changed.get(f"{attr}={code}")
            if move is None:
                continue
            lo, hi = q.min, q.max
            if move.bound == "min":
                lo = move.new or None
            else:
                hi = move.new
            if lo is not None or hi is not None:
                split.setdefault((lo, hi), []).append(code)
        for (lo, hi), moved_codes in split.items():
            quotas.append(
                Quota(attribute=attr, values=tuple(moved_codes), min=lo, max=hi, note=q.note)
            )

    coverage: list[Coverage] = []
    for k, cov in enumerate(scenario.coverage):
        where = f"coverage[{k}]"
        changed = by_origin.get(where, {})
        if not changed:
            coverage.append(cov)
            continue
        keep: dict[str, list[str]] = {}
        lowered: dict[tuple[str, int], list[str]] = {}
        for attr, code in codes_of[where]:
            if f"{attr}={code}" not in changed:
                keep.setdefault(attr, []).append(code)
            elif (new := changed[f"{attr}={code}"].new) > 0:
                lowered.setdefault((attr, new), []).append(code)
        for (attr, new), moved_codes in lowered.items():
            quotas.append(Quota(attribute=attr, values=tuple(moved_codes), min=new, note=cov.note))
        if keep:
            attrs = tuple(a for a in dict.fromkeys(a for a, _ in codes_of[where]) if a in keep)
            whole = defaultdict(list)
            for a, code in codes_of[where]:
                whole[a].append(code)
            restrict = {
                a: tuple(keep[a])
                for a in attrs
                if keep[a] != whole[a] or (cov.values and a in cov.values)
            }
            coverage.append(
                cov.model_copy(update={"attributes": attrs, "values": restrict or None})
            )

    combinations: list[Combination] = []
    for k, comb in enumerate(scenario.combinations):
        changed = by_origin.get(f"combinations[{k}]", {})
        lo, hi = comb.min, comb.max
        for move in changed.values():
            if move.bound == "min":
                lo = move.new or None
            else:
                hi = move.new
        if lo is None and hi is None:
            continue
        combinations.append(comb.model_copy(update={"min": lo, "max": hi}))

    groups: list[GroupLimit] = []
    for k, gl in enumerate(scenario.group_limits):
        changed = by_origin.get(f"group_limits[{k}]", {})
        top = max([gl.max, *(m.new for m in changed.values())])
        groups.append(gl.model_copy(update={"max": top}))

    bridges: list[Bridges] = []
    for k, br in enumerate(scenario.bridges):
        changed = by_origin.get(f"bridges[{k}]", {})
        low = min([br.min, *(m.new for m in changed.values())])
        if low > 0:
            bridges.append(br.model_copy(update={"min": low}))

    drop_in = {pool.ids[c.members[0]] for c in _moved(compiled, moves, Kind.INCLUDE)}
    drop_out = {pool.ids[c.members[0]] for c in _moved(compiled, moves, Kind.EXCLUDE)}
    objective = scenario.objective
    if objective.kind == "max_overlap" and objective.attributes is None:
        names = tuple(dict.fromkeys(a for cov in scenario.coverage for a in cov.attributes))
        objective = objective.model_copy(
            update={"attributes": names or pool.codebook.table_attributes}
        )
    data = scenario.model_dump()
    data.update(
        include=[i for i in scenario.include if _canon(pool, i) not in drop_in],
        exclude=[i for i in scenario.exclude if _canon(pool, i) not in drop_out],
        quotas=[q.model_dump() for q in quotas],
        coverage=[c.model_dump() for c in coverage],
        combinations=[c.model_dump() for c in combinations],
        group_limits=[g.model_dump() for g in groups],
        bridges=[b.model_dump() for b in bridges],
        objective=objective.model_dump(),
    )
    for m in moves:
        if m.kind == Kind.SIZE:
            data["size"] = m.new
    return Scenario.model_validate(data)


def _canon(pool: Pool, case_id: str) -> str:
    return pool.ids[pool.position(case_id)] if pool.contains(case_id) else case_id


def _moved(compiled: CompiledScenario, moves: Sequence[Move], kind: str) -> list[Constraint]:
    names = {m.name for m in moves if m.kind == kind}
    return [c for c in compiled.constraints if c.kind == kind and c.name in names]


def _conflict_gist(pool: Pool, conflict: Sequence[Constraint]) -> str:
    """The conflict in one sentence, for the common shapes; otherwise a count."""
    if not conflict:
        return _("no conflict was found")
    size = [c for c in conflict if c.kind is Kind.SIZE]
    rest = [c for c in conflict if c.kind is not Kind.SIZE]
    if len(rest) == 1 and not size:
        (c,) = rest
        return ngettext(
            "{name}: {required}, but only {n} case in the pool qualifies",
            "{name}: {required}, but only {n} cases in the pool qualify",
            len(c.members),
        ).format(name=c.name, required=c.required, n=len(c.members))
    attrs = {c.name.partition("=")[0] for c in rest if c.kind in (Kind.QUOTA, Kind.COVERAGE)}
    if (
        size
        and len(attrs) == 1
        and all(c.kind in (Kind.QUOTA, Kind.COVERAGE) and c.lo for c in rest)
        and pool.codebook.has(next(iter(attrs)))
        and not pool.codebook.attribute(next(iter(attrs))).multi
    ):
        (attr,) = attrs
        need = sum(c.lo or 0 for c in rest)
        lows = {c.lo for c in rest}
        if len(lows) == 1:
            low = lows.pop() or 0
            return ngettext(
                "{attr}: {k} values need at least {low} case each, {need} in all, but size is "
                "{size}",
                "{attr}: {k} values need at least {low} cases each, {need} in all, but size is "
                "{size}",
                low,
            ).format(attr=attr, k=len(rest), low=low, need=need, size=size[0].lo)
        return _(
            "{attr}: {k} values need their minimums, {need} in all, but size is {size}"
        ).format(attr=attr, k=len(rest), need=need, size=size[0].lo)
    return _("these {n} constraints cannot all be met together").format(n=len(conflict))
