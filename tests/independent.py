"""An independent checker: does a selection meet a scenario, and how good is it?

Written from what the scenario *means* (the docstrings of :mod:`selectie.scenario` and
docs/method.md), over plain records, without calling selectie's ``compile_scenario``,
``Constraint.check``, ``audit``, ``quick_checks`` or ``Pool``. The property tests compare the
engine's answers with this module's, so a bug shared by the engine and its own re-check would
still be caught here.

The data model is deliberately plain: a :class:`Truth` lists the attributes (codes and whether
they are multi-valued) and the cases (id, a frozenset of codes per attribute or None for
unknown, and free-text extra columns). A scenario is read field by field.

Meaning, as implemented here:

- a case *holds* value v of attribute a if v is in its set (an unknown value holds nothing);
- value names and ids are matched ignoring case and runs of spaces;
- quotas, coverage: per value, the number of selected cases holding it is within the bounds;
- combinations: the selected cases holding, for every attribute of ``where``, one of the
  listed values, counted once each;
- group limits: a case belongs to one group per combination of its values of the ``by``
  columns (several for a multi-valued attribute; none if a value is unknown or empty); at most
  ``max`` selected cases per group;
- bridges: every selected case matching ``kinds`` has at least ``min`` *unselected* cases that
  share a ``via`` value with it and whose ``across`` value is known and differs from its own;
- objectives: ``max_weight`` the sum of weights; ``match_target`` the total absolute deviation;
  ``max_overlap`` (depth, total) where depth is the largest t (at most the size and the largest
  availability) such that every value held by some pool case is held by at least
  min(t, available) selected cases.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from selectie.scenario import Scenario

__all__ = [
    "Best",
    "Case",
    "Truth",
    "at_least",
    "brute_force",
    "fold",
    "objective_key",
    "same_key",
    "violations",
]


def fold(text: str) -> str:
    """Case and spacing folded, the way names and ids are matched."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Case:
    """One case as the test generated it."""

    id: str
    values: Mapping[str, frozenset[str] | None]
    extra: Mapping[str, str] = field(default_factory=dict)

    def holds(self, attribute: str, code: str) -> bool:
        cell = self.values[attribute]
        return cell is not None and code in cell


@dataclass(frozen=True)
class Truth:
    """The ground truth of a generated pool: attributes (codes, multi) and cases in order."""

    attributes: Mapping[str, tuple[tuple[str, ...], bool]]
    cases: tuple[Case, ...]

    def codes(self, attribute: str) -> tuple[str, ...]:
        return self.attributes[attribute][0]

    def is_multi(self, attribute: str) -> bool:
        return self.attributes[attribute][1]

    def code(self, attribute: str, token: str) -> str:
        """The code a scenario token names (ignoring case and spacing)."""
        for c in self.codes(attribute):
            if fold(c) == fold(token):
                return c
        raise KeyError(f"{token!r} is not a value of {attribute!r}")

    def index(self, case_id: str) -> int:
        """The position of a case id (ignoring case and spacing)."""
        for i, case in enumerate(self.cases):
            if fold(case.id) == fold(case_id):
                return i
        raise KeyError(case_id)

    def count(self, chosen: Iterable[int], attribute: str, code: str) -> int:
        """How many of the chosen cases hold the value."""
        return sum(1 for i in chosen if self.cases[i].holds(attribute, code))

    def available(self, attribute: str, code: str) -> int:
        """How many pool cases hold the value."""
        return self.count(range(len(self.cases)), attribute, code)


def _tokens(spec: str | Sequence[str]) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def _matches(truth: Truth, case: Case, where: Mapping[str, str | Sequence[str]]) -> bool:
    """True if the case holds, for every attribute of ``where``, one of its listed values."""
    for attribute, spec in where.items():
        codes = [truth.code(attribute, t) for t in _tokens(spec)]
        if not any(case.holds(attribute, c) for c in codes):
            return False
    return True


def _within(count: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or count >= lo) and (hi is None or count <= hi)


def _groups(truth: Truth, case: Case, by: Sequence[str]) -> list[tuple[str, ...]]:
    """The groups a case belongs to for a group limit over ``by``."""
    options: list[list[str]] = []
    for column in by:
        if column in truth.attributes:
            cell = case.values[column]
            options.append(sorted(cell) if cell else [])
        else:
            text = case.extra.get(column, "")
            options.append([fold(text)] if text.strip() else [])
    return list(itertools.product(*options))


def _bridge_count(truth: Truth, chosen: set[int], a: int, via: str, across: str) -> int:
    """Unselected cases sharing a ``via`` value with case ``a`` across another ``across`` group."""
    case = truth.cases[a]
    mine_via = case.values[via] or frozenset()
    mine_across = case.values[across]
    if not mine_across:
        return 0
    n = 0
    for b, other in enumerate(truth.cases):
        if b == a or b in chosen:
            continue
        theirs = other.values[across]
        if not theirs or theirs == mine_across:
            continue
        if mine_via & (other.values[via] or frozenset()):
            n += 1
    return n


def violations(truth: Truth, scenario: Scenario, selected_ids: Sequence[str]) -> list[str]:
    """Every way the selection misses the scenario, as short sentences (empty: it is valid)."""
    out: list[str] = []
    positions = []
    for case_id in selected_ids:
        try:
            positions.append(truth.index(case_id))
        except KeyError:
            out.append(f"{case_id!r} is not in the pool")
    chosen = set(positions)
    if len(chosen) != len(positions):
        out.append("a case is selected twice")
    if len(positions) != scenario.size:
        out.append(f"size: {len(positions)} selected, {scenario.size} required")
    for case_id in scenario.include:
        if truth.index(case_id) not in chosen:
            out.append(f"include {case_id!r}: not selected")
    for case_id in scenario.exclude:
        if truth.index(case_id) in chosen:
            out.append(f"exclude {case_id!r}: selected")
    for k, q in enumerate(scenario.quotas):
        codes = (
            truth.codes(q.attribute)
            if q.values is None
            else [truth.code(q.attribute, t) for t in q.values]
        )
        for code in codes:
            c = truth.count(chosen, q.attribute, code)
            if not _within(c, q.min, q.max):
                out.append(f"quotas[{k}] {q.attribute}={code}: {c} not in [{q.min}, {q.max}]")
    for k, cov in enumerate(scenario.coverage):
        restrict = cov.values or {}
        for attribute in cov.attributes:
            codes = (
                [truth.code(attribute, t) for t in restrict[attribute]]
                if attribute in restrict
                else list(truth.codes(attribute))
            )
            for code in codes:
                c = truth.count(chosen, attribute, code)
                if c < cov.overlap:
                    out.append(f"coverage[{k}] {attribute}={code}: {c} < {cov.overlap}")
    for k, comb in enumerate(scenario.combinations):
        c = sum(1 for i in chosen if _matches(truth, truth.cases[i], comb.where))
        if not _within(c, comb.min, comb.max):
            out.append(f"combinations[{k}]: {c} not in [{comb.min}, {comb.max}]")
    for k, gl in enumerate(scenario.group_limits):
        per_group: dict[tuple[str, ...], int] = {}
        for i in chosen:
            for g in _groups(truth, truth.cases[i], gl.by):
                per_group[g] = per_group.get(g, 0) + 1
        for g, c in sorted(per_group.items()):
            if c > gl.max:
                out.append(f"group_limits[{k}] {g}: {c} > {gl.max}")
    for k, br in enumerate(scenario.bridges):
        for i in sorted(chosen):
            if not _matches(truth, truth.cases[i], br.kinds):
                continue
            c = _bridge_count(truth, chosen, i, br.via, br.across)
            if c < br.min:
                out.append(f"bridges[{k}] {truth.cases[i].id}: {c} < {br.min}")
    return out


def _weights(truth: Truth, scenario: Scenario) -> list[float]:
    w = [0.0] * len(truth.cases)
    obj = scenario.objective
    if obj.weight_column is not None:
        for i, case in enumerate(truth.cases):
            text = case.extra.get(obj.weight_column, "").strip()
            if text:
                w[i] = float(text.replace(",", "."))
    for case_id, weight in obj.weights.items():
        w[truth.index(case_id)] = float(weight)
    return w


def _overlap_attributes(truth: Truth, scenario: Scenario) -> list[str]:
    names = scenario.objective.attributes
    if names is None:
        names = tuple(dict.fromkeys(a for c in scenario.coverage for a in c.attributes))
    if not names:
        names = tuple(truth.attributes)
    return list(names)


def objective_key(truth: Truth, scenario: Scenario, positions: Iterable[int]) -> tuple[float, ...]:
    """The objective of a selection as a tuple where larger is better.

    feasibility: ``()``; max_weight: ``(weight,)``; match_target: ``(-deviation,)``;
    max_overlap: ``(depth, total)``.
    """
    chosen = set(positions)
    obj = scenario.objective
    if obj.kind == "max_weight":
        w = _weights(truth, scenario)
        return (math.fsum(w[i] for i in chosen),)
    if obj.kind == "match_target":
        dev = 0
        for attribute, targets in obj.target.items():
            for token, target in targets.items():
                dev += abs(truth.count(chosen, attribute, truth.code(attribute, token)) - target)
        return (-float(dev),)
    if obj.kind == "max_overlap":
        cells = []
        for attribute in _overlap_attributes(truth, scenario):
            for code in truth.codes(attribute):
                avail = truth.available(attribute, code)
                if avail:
                    cells.append((truth.count(chosen, attribute, code), avail))
        if not cells:
            return (0.0, 0.0)
        top = min(scenario.size, max(a for _, a in cells))
        depth = max((t for t in range(top + 1) if all(c >= min(t, a) for c, a in cells)), default=0)
        return (float(depth), float(sum(c for c, _ in cells)))
    return ()


@dataclass(frozen=True)
class Best:
    """The outcome of trying every selection."""

    key: tuple[float, ...]
    selections: int  # how many valid selections exist
    example: tuple[int, ...]


def brute_force(truth: Truth, scenario: Scenario) -> Best | None:
    """The best objective over every valid selection, by enumeration (None: none is valid).

    Only for small pools: it tries every subset of ``scenario.size`` cases.
    """
    n = len(truth.cases)
    best: Best | None = None
    count = 0
    for combo in itertools.combinations(range(n), scenario.size):
        ids = [truth.cases[i].id for i in combo]
        if violations(truth, scenario, ids):
            continue
        count += 1
        key = objective_key(truth, scenario, combo)
        if best is None or _better(key, best.key):
            best = Best(key, 0, combo)
    if best is None:
        return None
    return Best(best.key, count, best.example)


def _better(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    for x, y in zip(a, b, strict=True):
        if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
            continue
        return x > y
    return False


def same_key(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Two objective keys are equal (up to floating-point noise)."""
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=1e-7, abs_tol=1e-7) for x, y in zip(a, b, strict=True)
    )


def at_least(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Key ``a`` is as good as key ``b`` or better."""
    return same_key(a, b) or _better(a, b)
