"""Shared hypothesis strategies: generated codebooks, pools and scenarios with known truth.

- :func:`generated_pools` draws a codebook (1-4 attributes, some multi-valued, some required)
  and a pool whose cells are written the way people write them (any case, stray spaces,
  ``onbekend`` for unknown), together with the ground truth the checker in
  :mod:`tests.independent` reads.
- :func:`planted_scenarios` plants a selection and derives a scenario it satisfies (size,
  quotas, coverage, combinations, include/exclude, group limits, bridges, an objective).
  With ``perturb=True`` every bound is nudged by up to one, so the scenario may or may not be
  feasible: for brute-force comparison on small pools.
- :func:`infeasible_scenarios` builds scenarios that cannot be met, each with the reason a
  quick check must give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from hypothesis import assume
from hypothesis import strategies as st

from selectie import Codebook, Pool
from selectie.codebook import codebook_from_dict
from selectie.scenario import (
    Bridges,
    Combination,
    Coverage,
    GroupLimit,
    Objective,
    Quota,
    Scenario,
)
from tests.independent import Case, Truth

__all__ = [
    "Generated",
    "Infeasible",
    "Planted",
    "generated_pools",
    "infeasible_scenarios",
    "planted_scenarios",
    "selections",
]

T = TypeVar("T")

#: Attribute names and the values each may take (codes with spaces, hyphens and accents).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "regio": ("Limburg", "Oost-Brabant", "Den Haag", "Noord-Holland", "Zeeland-West-Brabant"),
    "thema": ("drugs", "mensenhandel", "witwassen", "vastgoed", "café's"),
    "type": ("wijk", "district", "regio", "landelijk"),
    "focus": ("preventie", "repressie", "preventie en repressie"),
}
ORGS = ("", "Gemeente A", "Gemeente B", "Politie")
WEIGHTS = (0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 0.5, 2.25, -1.0)
UNKNOWN = "onbekend"


@dataclass(frozen=True)
class Generated:
    """A generated pool: the codebook as data, the records as written, and the truth."""

    codebook_data: dict[str, Any]
    records: tuple[dict[str, Any], ...]
    truth: Truth
    required: frozenset[str] = frozenset()

    @cached_property
    def codebook(self) -> Codebook:
        return codebook_from_dict(self.codebook_data)

    @cached_property
    def pool(self) -> Pool:
        return Pool.from_records(self.records, self.codebook)

    @property
    def n(self) -> int:
        return len(self.truth.cases)

    def single(self) -> list[str]:
        """The single-valued attributes."""
        return [a for a in self.truth.attributes if not self.truth.is_multi(a)]

    def multi(self) -> list[str]:
        """The multi-valued attributes."""
        return [a for a in self.truth.attributes if self.truth.is_multi(a)]

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        lines = [f"Generated(attributes={dict(self.truth.attributes)!r}, cases=["]
        for c in self.truth.cases:
            cells = {a: (None if v is None else sorted(v)) for a, v in c.values.items()}
            lines.append(f"  {c.id!r}: {cells} {dict(c.extra)}")
        lines.append("])")
        return "\n".join(lines)


def _spelling(draw: st.DrawFn, code: str) -> str:
    """A way a person might write ``code``: other case, stray spaces."""
    form = draw(st.sampled_from(("as is", "upper", "lower", "padded")))
    if form == "upper":
        return code.upper()
    if form == "lower":
        return code.lower()
    if form == "padded":
        return f"  {code} "
    return code


@st.composite
def generated_pools(
    draw: st.DrawFn, min_cases: int = 5, max_cases: int = 40, max_attributes: int = 4
) -> Generated:
    """A codebook with 1-``max_attributes`` attributes and a pool of cases written loosely."""
    names = draw(st.permutations(list(VOCABULARY)))[: draw(st.integers(1, max_attributes))]
    attributes: dict[str, tuple[tuple[str, ...], bool]] = {}
    required: set[str] = set()
    cb_attrs = []
    for name in names:
        codes = tuple(draw(st.permutations(VOCABULARY[name]))[: draw(st.integers(2, 4))])
        multi = draw(st.booleans())
        req = draw(st.integers(0, 3)) == 0
        attributes[name] = (codes, multi)
        if req:
            required.add(name)
        cb_attrs.append({"name": name, "values": list(codes), "multi": multi, "required": req})
    codebook_data: dict[str, Any] = {
        "codebook": {
            "name": "generated",
            "id_column": "id",
            "label_column": "name",
            "extra_columns": ["org", "w"],
        },
        "attributes": cb_attrs,
    }
    n = draw(st.integers(min_cases, max_cases))
    prefix = draw(st.sampled_from(("c", "Case ", "P-", "é")))
    cases = []
    records = []
    for i in range(n):
        values: dict[str, frozenset[str] | None] = {}
        record: dict[str, Any] = {"id": f"{prefix}{i + 1}", "name": f"case {i + 1}"}
        for name, (codes, multi) in attributes.items():
            unknown = name not in required and draw(st.integers(0, 5)) == 0
            if unknown:
                values[name] = None
                record[name] = draw(st.sampled_from((None, UNKNOWN, "ONBEKEND ")))
            elif multi:
                cell = draw(st.sets(st.sampled_from(codes), min_size=1 if name in required else 0))
                values[name] = frozenset(cell)
                ordered = [c for c in codes if c in cell]
                if draw(st.booleans()):
                    record[name] = ordered
                else:
                    record[name] = " | ".join(_spelling(draw, c) for c in ordered)
            else:
                code = draw(st.sampled_from(codes))
                values[name] = frozenset((code,))
                record[name] = _spelling(draw, code)
        org = draw(st.sampled_from(ORGS))
        weight = draw(st.sampled_from(WEIGHTS))
        record["org"] = org
        record["w"] = f"{weight:g}"
        records.append(record)
        cases.append(Case(record["id"], values, {"org": org, "w": f"{weight:g}"}))
    return Generated(
        codebook_data, tuple(records), Truth(attributes, tuple(cases)), frozenset(required)
    )


@st.composite
def selections(draw: st.DrawFn, gen: Generated, size: int | None = None) -> list[int]:
    """Distinct pool positions (sorted), ``size`` of them or any number."""
    k = size if size is not None else draw(st.integers(0, gen.n))
    order = draw(st.permutations(range(gen.n)))
    return sorted(order[:k])


# --------------------------------------------------------------------------------------------
# Planted scenarios
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A generated pool, a scenario, and the planted selection the scenario was derived from."""

    gen: Generated
    scenario: Scenario
    planted: tuple[int, ...]
    perturbed: bool = False

    def __repr__(self) -> str:
        return (
            f"{self.gen!r}\nplanted={[self.gen.truth.cases[i].id for i in self.planted]}\n"
            f"scenario:\n{self.scenario.to_toml()}"
        )


@dataclass
class _Bounds:
    """Draws min/max around a planted count; with ``perturb``, nudges them by up to one."""

    draw: st.DrawFn
    perturb: bool
    log: list[str] = field(default_factory=list)

    def nudge(self, x: int, floor: int) -> int:
        if not self.perturb:
            return x
        return max(floor, x + self.draw(st.integers(-1, 1)))

    def min_max(self, low: int, high: int) -> tuple[int | None, int | None]:
        """Bounds every count in ``low..high`` satisfies (before nudging); at least one set."""
        draw = self.draw
        lo = draw(st.none() | st.integers(0, low))
        hi = draw(st.none() | st.integers(high, high + 2))
        if lo is None and hi is None:
            lo = low
        if lo is not None:
            lo = self.nudge(lo, 0)
        if hi is not None:
            hi = self.nudge(hi, 0)
        if lo is not None and hi is not None and lo > hi:
            hi = lo
        return lo, hi


def _some(draw: st.DrawFn, items: Sequence[T], min_size: int = 1) -> list[T]:
    """A non-empty sub-list of ``items`` in their order."""
    chosen = draw(st.sets(st.sampled_from(list(items)), min_size=min_size, max_size=len(items)))
    return [x for x in items if x in chosen]


def _quota(draw: st.DrawFn, gen: Generated, chosen: Sequence[int], b: _Bounds) -> Quota:
    t = gen.truth
    attr = draw(st.sampled_from(list(t.attributes)))
    values: list[str] | None = None if draw(st.booleans()) else _some(draw, t.codes(attr))
    codes = t.codes(attr) if values is None else values
    counts = [t.count(chosen, attr, c) for c in codes]
    lo, hi = b.min_max(min(counts), max(counts))
    spelt = None if values is None else [_spelling(draw, v) for v in values]
    return Quota(attribute=attr, values=spelt, min=lo, max=hi)


def _coverage(
    draw: st.DrawFn, gen: Generated, chosen: Sequence[int], b: _Bounds
) -> Coverage | None:
    t = gen.truth
    attrs = _some(draw, list(t.attributes))
    restrict: dict[str, tuple[str, ...]] = {}
    lows = []
    kept = []
    for a in attrs:
        held = [c for c in t.codes(a) if t.count(chosen, a, c) > 0]
        if not held:
            continue
        kept.append(a)
        if len(held) < len(t.codes(a)) or draw(st.booleans()):
            restrict[a] = tuple(_some(draw, held))
            lows += [t.count(chosen, a, c) for c in restrict[a]]
        else:
            lows += [t.count(chosen, a, c) for c in t.codes(a)]
    if not kept:
        return None
    overlap = b.nudge(draw(st.integers(1, min(lows))), 1)
    return Coverage(attributes=tuple(kept), overlap=overlap, values=restrict or None)


def _where(draw: st.DrawFn, gen: Generated) -> dict[str, str | tuple[str, ...]]:
    t = gen.truth
    where: dict[str, str | tuple[str, ...]] = {}
    for a in _some(draw, list(t.attributes))[:2]:
        codes = _some(draw, t.codes(a))
        where[a] = codes[0] if len(codes) == 1 and draw(st.booleans()) else tuple(codes)
    return where


def _matches(gen: Generated, i: int, where: dict[str, str | tuple[str, ...]]) -> bool:
    case = gen.truth.cases[i]
    for a, spec in where.items():
        codes = [spec] if isinstance(spec, str) else list(spec)
        if not any(case.holds(a, c) for c in codes):
            return False
    return True


def _combination(draw: st.DrawFn, gen: Generated, chosen: Sequence[int], b: _Bounds) -> Combination:
    where = _where(draw, gen)
    c = sum(1 for i in chosen if _matches(gen, i, where))
    lo, hi = b.min_max(c, c)
    return Combination(where=where, min=lo, max=hi)


def _group_limit(draw: st.DrawFn, gen: Generated, chosen: Sequence[int], b: _Bounds) -> GroupLimit:
    t = gen.truth
    options: list[tuple[str, ...]] = [("org",), *((a,) for a in t.attributes)]
    if t.attributes:
        options.append(("org", next(iter(t.attributes))))
    by = draw(st.sampled_from(options))
    per: dict[tuple[str, ...], int] = {}
    for i in chosen:
        case = t.cases[i]
        keys: list[tuple[str, ...]] = [()]
        for col in by:
            if col in t.attributes:
                vals = sorted(case.values[col] or ())
            else:
                vals = [case.extra[col]] if case.extra[col].strip() else []
            keys = [(*k, v) for k in keys for v in vals]
        for k in keys:
            per[k] = per.get(k, 0) + 1
    top = max(per.values(), default=1)
    return GroupLimit(by=by, max=b.nudge(draw(st.integers(max(1, top), max(1, top) + 1)), 1))


def _bridges(draw: st.DrawFn, gen: Generated, chosen: Sequence[int], b: _Bounds) -> Bridges | None:
    t = gen.truth
    if not gen.multi() or not gen.single():
        return None
    via = draw(st.sampled_from(gen.multi()))
    across = draw(st.sampled_from(gen.single()))
    chosen_set = set(chosen)

    def links(i: int) -> int:
        case = t.cases[i]
        n = 0
        for j, other in enumerate(t.cases):
            if j == i or j in chosen_set:
                continue
            if not case.values[across] or not other.values[across]:
                continue
            if case.values[across] == other.values[across]:
                continue
            if (case.values[via] or frozenset()) & (other.values[via] or frozenset()):
                n += 1
        return n

    # Which selected cases need bridges: all, or those holding one value; keep the choices
    # for which every planted case concerned has at least one bridge.
    options: list[tuple[dict[str, str | tuple[str, ...]], int]] = []
    choices: list[dict[str, str | tuple[str, ...]]] = [{}]
    choices += [{a: c} for a in t.attributes for c in t.codes(a)]
    for kinds in choices:
        low = min((links(i) for i in chosen if _matches(gen, i, kinds)), default=2)
        if low >= 1:
            options.append((kinds, low))
    if not options:
        return None
    kinds, low = draw(st.sampled_from(options))
    return Bridges(min=b.nudge(draw(st.integers(1, low)), 1), via=via, across=across, kinds=kinds)


def _objective(draw: st.DrawFn, gen: Generated, k: int) -> Objective:
    t = gen.truth
    kind = draw(st.sampled_from(("max_overlap", "match_target", "max_weight", "feasibility")))
    if kind == "max_overlap":
        attrs = None if draw(st.booleans()) else tuple(_some(draw, list(t.attributes)))
        return Objective(kind="max_overlap", attributes=attrs)
    if kind == "match_target":
        target: dict[str, dict[str, int]] = {}
        for a in _some(draw, list(t.attributes))[:2]:
            target[a] = {c: draw(st.integers(0, k)) for c in _some(draw, t.codes(a))}
        return Objective(kind="match_target", target=target)
    if kind == "max_weight":
        if draw(st.booleans()):
            return Objective(kind="max_weight", weight_column="w")
        ids = _some(draw, [c.id for c in t.cases])
        weights = {_spelling(draw, i).strip(): draw(st.sampled_from(WEIGHTS)) for i in ids}
        return Objective(kind="max_weight", weights=weights)
    return Objective()


@st.composite
def planted_scenarios(
    draw: st.DrawFn,
    min_cases: int = 5,
    max_cases: int = 40,
    *,
    perturb: bool = False,
    kinds: Sequence[str] = ("quota", "coverage", "combination", "include", "group", "bridges"),
) -> Planted:
    """A pool, a planted selection, and a scenario derived from it.

    Without ``perturb`` the planted selection satisfies the scenario, so the scenario is
    feasible. With ``perturb`` each bound may move by one, so it may not be.
    """
    gen = draw(generated_pools(min_cases, max_cases))
    t = gen.truth
    k = draw(st.integers(1, gen.n))
    order = draw(st.permutations(range(gen.n)))
    chosen = sorted(order[:k])
    rest = sorted(order[k:])
    b = _Bounds(draw, perturb)
    makers: dict[str, Callable[..., Any]] = {
        "quota": _quota,
        "coverage": _coverage,
        "combination": _combination,
        "group": _group_limit,
        "bridges": _bridges,
    }
    parts: dict[str, list[Any]] = {m: [] for m in makers}
    for name in kinds:
        if name not in makers:
            continue
        for _ in range(draw(st.integers(0, 2 if name in ("quota", "combination") else 1))):
            part = makers[name](draw, gen, chosen, b)
            if part is not None:
                parts[name].append(part)
    include: list[str] = []
    exclude: list[str] = []
    if "include" in kinds and draw(st.booleans()):
        pick_in = chosen if not perturb else chosen + rest[:1]
        pick_out = rest if not perturb else rest + chosen[:1]
        include = [t.cases[i].id for i in draw(st.sets(st.sampled_from(pick_in), max_size=3))]
        exclude = (
            [
                t.cases[i].id
                for i in draw(st.sets(st.sampled_from(pick_out), max_size=3))
                if t.cases[i].id not in include
            ]
            if pick_out
            else []
        )
        include = [_spelling(draw, i).strip() for i in sorted(include)]
        exclude = [_spelling(draw, i).strip() for i in sorted(exclude)]
    size = b.nudge(k, 1)
    size = min(max(size, len(include), 1), gen.n)
    scenario = Scenario(
        size=size,
        include=tuple(include),
        exclude=tuple(exclude),
        quotas=tuple(parts["quota"]),
        coverage=tuple(parts["coverage"]),
        combinations=tuple(parts["combination"]),
        group_limits=tuple(parts["group"]),
        bridges=tuple(parts["bridges"]),
        objective=_objective(draw, gen, size),
    )
    return Planted(gen, scenario, tuple(chosen), perturb)


# --------------------------------------------------------------------------------------------
# Scenarios that are infeasible by construction
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Infeasible:
    """A scenario that cannot be met, and a reason the quick checks must give (exactly)."""

    gen: Generated
    scenario: Scenario
    reason: str
    construction: str

    def __repr__(self) -> str:
        return (
            f"{self.gen!r}\nconstruction={self.construction}\nexpected reason={self.reason!r}\n"
            f"scenario:\n{self.scenario.to_toml()}"
        )


@st.composite
def infeasible_scenarios(draw: st.DrawFn, min_cases: int = 5, max_cases: int = 30) -> Infeasible:
    """One of five constructions that are infeasible for reasons a quick check can tell."""
    gen = draw(generated_pools(min_cases, max_cases))
    t = gen.truth
    n = gen.n
    construction = draw(
        st.sampled_from(
            (
                "sum of minimums",
                "minimum above availability",
                "maximums below size",
                "included above maximum",
                "excluded below minimum",
            )
        )
    )
    objective = _objective(draw, gen, 1)
    if construction == "sum of minimums":
        # Single-valued: each case counts for one value, so the minimums add up.
        attr = draw(st.sampled_from(gen.single() or [""]))
        if not attr:
            construction = "minimum above availability"
        else:
            m = len(t.codes(attr))
            size = draw(st.integers(1, min(n, 2 * m - 1)))
            q = draw(st.integers(size // m + 1, size // m + 2))
            reason = (
                f"{attr} has {m} values; with at least {q} each that needs {q * m} cases "
                f"but size is {size}"
            )
            scenario = Scenario(
                size=size, quotas=(Quota(attribute=attr, min=q),), objective=objective
            )
            return Infeasible(gen, scenario, reason, construction)
    if construction == "maximums below size":
        attr = draw(st.sampled_from(gen.single() or [""]))
        if attr:
            q = draw(st.integers(0, 2))
            unknown = sum(1 for c in t.cases if c.values[attr] is None)
            cap = sum(min(q, t.available(attr, c)) for c in t.codes(attr)) + unknown
            if cap < n:
                size = draw(st.integers(cap + 1, n))
                reason = (
                    f"the maximums of {attr} allow at most {cap} cases in all but size is {size}"
                )
                scenario = Scenario(
                    size=size, quotas=(Quota(attribute=attr, max=q),), objective=objective
                )
                return Infeasible(gen, scenario, reason, construction)
        construction = "minimum above availability"
    # The remaining constructions concern one value held by fewer cases than the pool has.
    cells = [(a, c) for a in t.attributes for c in t.codes(a) if t.available(a, c) < n]
    assume(cells)
    attr, code = draw(st.sampled_from(cells))
    holders = [i for i, case in enumerate(t.cases) if case.holds(attr, code)]
    h = len(holders)
    if construction == "included above maximum" and h >= 1:
        forced = draw(st.integers(1, min(h, 3)))
        hi = draw(st.integers(0, forced - 1))
        include = tuple(t.cases[i].id for i in holders[:forced])
        size = draw(st.integers(forced, n))
        reason = f"{attr}={code}: at most {hi} allowed but {forced} included cases count for it"
        scenario = Scenario(
            size=size,
            include=include,
            quotas=(Quota(attribute=attr, values=(code,), max=hi),),
            objective=objective,
        )
        return Infeasible(gen, scenario, reason, "included above maximum")
    if construction == "excluded below minimum" and h >= 1:
        e = draw(st.integers(1, min(h, 3)))
        exclude = tuple(t.cases[i].id for i in holders[:e])
        lo = h - e + 1
        if lo <= n - e:
            size = draw(st.integers(lo, n - e))
            reason = (
                f"{attr}={code}: at least {lo} required, "
                f"the pool has {h - e} ({e} more are excluded)"
            )
            scenario = Scenario(
                size=size,
                exclude=exclude,
                quotas=(Quota(attribute=attr, values=(code,), min=lo),),
                objective=objective,
            )
            return Infeasible(gen, scenario, reason, "excluded below minimum")
    size = draw(st.integers(h + 1, n))
    reason = f"{attr}={code}: at least {h + 1} required, the pool has {h}"
    scenario = Scenario(
        size=size, quotas=(Quota(attribute=attr, values=(code,), min=h + 1),), objective=objective
    )
    return Infeasible(gen, scenario, reason, "minimum above availability")
