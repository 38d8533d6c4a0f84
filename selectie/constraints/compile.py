"""Compiling a scenario against a pool into named constraints (:func:`compile_scenario`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any

from ..codebook import Attribute, closest, normalize
from ..errors import Problem, ScenarioError
from ..i18n import _
from ..pool import Pool
from ..scenario import Scenario
from .model import CompiledScenario, Constraint, Kind
from .objective import CompiledObjective, ValueCell


class _Collector:
    """Resolves names against the pool, collecting every problem before raising."""

    def __init__(self, pool: Pool, file: str | None) -> None:
        self.pool = pool
        self.cb = pool.codebook
        self.problems: list[Problem] = []
        self.file = file

    def problem(self, where: str, message: str) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                message=_("at {where}: {message}").format(where=where, message=message),
            )
        )

    def attribute(self, where: str, name: str) -> Attribute | None:
        if self.cb.has(name):
            return self.cb.attribute(name)
        self.problem(where, self.cb.unknown_attribute_message(name))
        return None

    def code(self, where: str, attr: Attribute, token: str) -> str | None:
        code = attr.parse_token(token)
        if code is None:
            self.problem(where, attr.unknown_value_message(token))
        return code

    def codes(self, where: str, attr: Attribute, spec: str | Sequence[str]) -> list[str]:
        tokens = [spec] if isinstance(spec, str) else list(spec)
        if not tokens:
            self.problem(where, _("an empty list of values"))
        out = []
        for t in tokens:
            c = self.code(where, attr, t)
            if c is not None and c not in out:
                out.append(c)
        return out

    def position(self, where: str, case_id: str) -> int | None:
        if self.pool.contains(case_id):
            return self.pool.position(case_id)
        self.problem(where, self.pool.unknown_id_message(case_id))
        return None


def _holds(pool: Pool, attribute: str, code: str) -> Callable[[int], bool]:
    cells = pool.values[attribute]

    def predicate(i: int) -> bool:
        cell = cells[i]
        return cell is not None and code in cell

    return predicate


def _all_of(preds: Sequence[Callable[[int], bool]]) -> Callable[[int], bool]:
    return lambda i: all(p(i) for p in preds)


def _any_of(preds: Sequence[Callable[[int], bool]]) -> Callable[[int], bool]:
    return lambda i: any(p(i) for p in preds)


def compile_scenario(
    pool: Pool, scenario: Scenario, *, file: str | None = None
) -> CompiledScenario:
    """Validate ``scenario`` against ``pool`` and expand it into named constraints.

    Raises :class:`~selectie.errors.ScenarioError` listing every attribute, value or id the
    pool does not know, and a size larger than the pool.

    >>> from selectie import load_pool, Scenario, Quota
    >>> compile_scenario(load_pool(), Scenario(size=2, quotas=[Quota(attribute="regoi", min=1)]))
    Traceback (most recent call last):
    ...
    selectie.errors.ScenarioError: ...
    """
    col = _Collector(pool, file)
    n = len(pool)
    constraints: list[Constraint] = []
    key_attrs: dict[str, None] = {}
    key_cols: dict[str, None] = {}
    special: set[int] = set()

    if scenario.size > n:
        col.problem(
            "size",
            _("size is {size} but the pool has only {n} cases").format(size=scenario.size, n=n),
        )
    everyone = tuple(range(n))
    constraints.append(
        Constraint(
            "size",
            Kind.SIZE,
            "size",
            everyone,
            scenario.size,
            scenario.size,
            lambda i: True,  # noqa: ARG005 - a predicate takes the case
        )
    )

    include: list[int] = []
    for k, case_id in enumerate(scenario.include):
        pos = col.position(f"include[{k}]", case_id)
        if pos is not None and pos not in include:
            include.append(pos)
    exclude: list[int] = []
    for k, case_id in enumerate(scenario.exclude):
        pos = col.position(f"exclude[{k}]", case_id)
        if pos is not None and pos not in exclude:
            exclude.append(pos)
    for pos in include:
        special.add(pos)
        constraints.append(
            Constraint(
                f"include {pool.label(pos)}",
                Kind.INCLUDE,
                "include",
                (pos,),
                1,
                1,
                (lambda i, p=pos: i == p),  # type: ignore[misc]
            )
        )
    for pos in exclude:
        special.add(pos)
        constraints.append(
            Constraint(
                f"exclude {pool.label(pos)}",
                Kind.EXCLUDE,
                "exclude",
                (pos,),
                0,
                0,
                (lambda i, p=pos: i == p),  # type: ignore[misc]
            )
        )

    for k, q in enumerate(scenario.quotas):
        where = f"quotas[{k}]"
        attr = col.attribute(f"{where}.attribute", q.attribute)
        if attr is None:
            continue
        key_attrs[attr.name] = None
        codes = attr.codes if q.values is None else col.codes(f"{where}.values", attr, q.values)
        for code in codes:
            constraints.append(
                Constraint(
                    f"{attr.name}={code}",
                    Kind.QUOTA,
                    where,
                    pool.holders(attr.name, code),
                    q.min,
                    q.max,
                    _holds(pool, attr.name, code),
                    q.note,
                )
            )

    for k, cov in enumerate(scenario.coverage):
        where = f"coverage[{k}]"
        restrict = cov.values or {}
        for name in restrict:
            if name not in cov.attributes:
                col.problem(
                    f"{where}.values",
                    _("{name} is not among the covered attributes").format(name=repr(name)),
                )
        for a_name in cov.attributes:
            attr = col.attribute(f"{where}.attributes", a_name)
            if attr is None:
                continue
            key_attrs[attr.name] = None
            codes = (
                col.codes(f"{where}.values.{a_name}", attr, restrict[a_name])
                if a_name in restrict
                else list(attr.codes)
            )
            for code in codes:
                constraints.append(
                    Constraint(
                        f"{attr.name}={code}",
                        Kind.COVERAGE,
                        where,
                        pool.holders(attr.name, code),
                        cov.overlap,
                        None,
                        _holds(pool, attr.name, code),
                        cov.note,
                    )
                )

    for k, comb in enumerate(scenario.combinations):
        where = f"combinations[{k}]"
        preds = []
        member_sets = []
        parts = []
        for a_name, spec in comb.where.items():
            attr = col.attribute(f"{where}.where", a_name)
            if attr is None:
                continue
            key_attrs[attr.name] = None
            codes = col.codes(f"{where}.where.{a_name}", attr, spec)
            if not codes:
                continue
            preds.append(_any_of([_holds(pool, attr.name, c) for c in codes]))
            member_sets.append(set().union(*(pool.holders(attr.name, c) for c in codes)))
            parts.append(f"{attr.name}={'/'.join(codes)}")
        if preds:
            members = tuple(sorted(set.intersection(*member_sets)))
            constraints.append(
                Constraint(
                    comb.name or " & ".join(parts),
                    Kind.COMBINATION,
                    where,
                    members,
                    comb.min,
                    comb.max,
                    _all_of(preds),
                    comb.note,
                )
            )

    for k, gl in enumerate(scenario.group_limits):
        where = f"group_limits[{k}]"
        constraints.extend(
            _group_constraints(col, gl.by, gl.max, where, gl.note, key_attrs, key_cols)
        )

    for k, br in enumerate(scenario.bridges):
        where = f"bridges[{k}]"
        constraints.extend(_bridge_constraints(col, br, where, key_attrs, special))

    objective = _compile_objective(col, scenario, key_attrs, key_cols)
    rank = _preference_ranks(col, scenario, key_attrs)

    if col.problems:
        raise ScenarioError(
            _("the scenario does not fit the pool {pool}").format(pool=pool.source)
            if pool.source
            else _("the scenario does not fit the pool"),
            col.problems,
            hint=_(
                "Names of attributes and values come from the codebook ({codebook}); ids from "
                "the pool."
            ).format(codebook=pool.codebook.source or pool.codebook.name),
        )
    return CompiledScenario(
        pool=pool,
        scenario=scenario,
        constraints=tuple(constraints),
        objective=objective,
        key_attributes=tuple(key_attrs),
        key_columns=tuple(key_cols),
        special=frozenset(special),
        include=tuple(include),
        exclude=tuple(exclude),
        rank=rank,
    )


def _preference_ranks(
    col: _Collector, scenario: Scenario, key_attrs: dict[str, None]
) -> tuple[float, ...]:
    """The tie-break weight of each case: ``position + 1``, plus ``B**(K-k)`` for each
    preference ``k`` (of ``K``) the case does not meet, with ``B = size * n + 1``.

    Any selection's sum of positions is below ``B``, so minimising the summed weight first
    maximises the number of cases meeting the first preference, then the second, ..., then
    prefers earlier pool positions. Without preferences the weight is the position plus 1.

    >>> from selectie import load_pool, Preference, Scenario
    >>> pool = load_pool()
    >>> s = Scenario(size=2, prefer=[Preference(attribute="source", values=["synthetisch"])])
    >>> r = compile_scenario(pool, s).rank
    >>> r[pool.position("S001")] < r[pool.position("R01")]
    True
    """
    pool = col.pool
    n = len(pool)
    rank = [float(i + 1) for i in range(n)]
    base = float(scenario.size * n + 1)
    k_all = len(scenario.prefer)
    for k, pref in enumerate(scenario.prefer):
        where = f"prefer[{k}]"
        attr = col.attribute(f"{where}.attribute", pref.attribute)
        if attr is None:
            continue
        key_attrs[attr.name] = None
        codes = col.codes(f"{where}.values", attr, pref.values)
        held: set[int] = set().union(*(pool.holders(attr.name, c) for c in codes))
        step = base ** (k_all - k)
        for i in range(n):
            if i not in held:
                rank[i] += step
    return tuple(rank)


def _group_keys(
    col: _Collector,
    by: Sequence[str],
    where: str,
    key_attrs: dict[str, None],
    key_cols: dict[str, None],
) -> list[list[tuple[str, ...]]] | None:
    """Per case, the groups it belongs to (several for a multi-valued attribute)."""
    pool = col.pool
    per_column: list[list[list[str]]] = []
    for name in by:
        if pool.codebook.has(name):
            attr = pool.codebook.attribute(name)
            key_attrs[attr.name] = None
            cells = pool.values[attr.name]
            per_column.append([sorted(c) if c else [] for c in cells])
        elif name in pool.extra:
            key_cols[name] = None
            per_column.append([[normalize(v)] if v.strip() else [] for v in pool.extra[name]])
        else:
            options = list(pool.codebook.attribute_names) + list(pool.extra)
            guess = closest(name, options)
            col.problem(
                f"{where}.by",
                _("{name} is neither an attribute nor a column of the pool").format(name=repr(name))
                + (_("; did you mean {guess}?").format(guess=repr(guess)) if guess else ""),
            )
            return None
    return [[tuple(p) for p in product(*(pc[i] for pc in per_column))] for i in range(len(pool))]


def _group_constraints(
    col: _Collector,
    by: Sequence[str],
    limit: int,
    where: str,
    note: str,
    key_attrs: dict[str, None],
    key_cols: dict[str, None],
) -> list[Constraint]:
    keys = _group_keys(col, by, where, key_attrs, key_cols)
    if keys is None:
        return []
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, ks in enumerate(keys):
        for key in ks:
            groups.setdefault(key, []).append(i)
    out = []
    for key, members in groups.items():
        if len(members) <= limit:
            continue  # cannot be exceeded
        label = ", ".join(f"{b}={v}" for b, v in zip(by, key, strict=True))
        member_set = frozenset(members)
        out.append(
            Constraint(
                f"group {label}",
                Kind.GROUP,
                where,
                tuple(members),
                None,
                limit,
                (lambda i, s=member_set: i in s),  # type: ignore[misc]
                note,
            )
        )
    return out


def _bridge_constraints(
    col: _Collector, br: Any, where: str, key_attrs: dict[str, None], special: set[int]
) -> list[Constraint]:
    from ..bridges import bridge_links

    pool = col.pool
    via = col.attribute(f"{where}.via", br.via)
    across = col.attribute(f"{where}.across", br.across)
    kind_preds = []
    for a_name, spec in br.kinds.items():
        attr = col.attribute(f"{where}.kinds", a_name)
        if attr is None:
            continue
        key_attrs[attr.name] = None
        codes = col.codes(f"{where}.kinds.{a_name}", attr, spec)
        kind_preds.append(_any_of([_holds(pool, attr.name, c) for c in codes]))
    if via is None or across is None:
        return []
    key_attrs[via.name] = None
    key_attrs[across.name] = None
    linked: dict[int, set[int]] = {}
    for i, j in bridge_links(pool, via=via.name, across=across.name):
        linked.setdefault(i, set()).add(j)
        linked.setdefault(j, set()).add(i)
    applies = _all_of(kind_preds)
    out = []
    for i in range(len(pool)):
        if not applies(i):
            continue
        special.add(i)
        neighbours = tuple(sorted(linked.get(i, ())))
        nset = frozenset(neighbours)
        out.append(
            Constraint(
                f"bridges of {pool.label(i)}",
                Kind.BRIDGES,
                where,
                neighbours,
                br.min,
                None,
                (lambda j, s=nset: j in s),  # type: ignore[misc]
                br.note,
                case=i,
            )
        )
    return out


def _compile_objective(
    col: _Collector, scenario: Scenario, key_attrs: dict[str, None], key_cols: dict[str, None]
) -> CompiledObjective:
    obj = scenario.objective
    pool = col.pool
    if obj.kind == "max_overlap":
        names = obj.attributes
        if names is None:
            names = tuple(dict.fromkeys(a for c in scenario.coverage for a in c.attributes))
        if not names:
            names = pool.codebook.table_attributes
        cells, uncoverable = [], []
        for a_name in names:
            attr = col.attribute("objective.attributes", a_name)
            if attr is None:
                continue
            key_attrs[attr.name] = None
            for code in attr.codes:
                members = pool.holders(attr.name, code)
                if members:
                    cells.append(ValueCell(attr.name, code, members))
                else:
                    uncoverable.append(f"{attr.name}={code}")
        return CompiledObjective(
            "max_overlap", tuple(cells), tuple(uncoverable), size=scenario.size
        )
    if obj.kind == "match_target":
        cells = []
        for a_name, targets in obj.target.items():
            attr = col.attribute("objective.target", a_name)
            if attr is None:
                continue
            key_attrs[attr.name] = None
            for token, count in targets.items():
                tcode = col.code(f"objective.target.{a_name}", attr, token)
                if tcode is not None:
                    cells.append(ValueCell(attr.name, tcode, pool.holders(attr.name, tcode), count))
        return CompiledObjective("match_target", tuple(cells), size=scenario.size)
    if obj.kind == "max_weight":
        weights = [0.0] * len(pool)
        if obj.weight_column is not None:
            if obj.weight_column not in pool.extra:
                col.problem(
                    "objective.weight_column",
                    _(
                        "{column} is not an extra column of the pool (extra columns: {columns})"
                    ).format(
                        column=repr(obj.weight_column), columns=", ".join(pool.extra) or _("none")
                    ),
                )
            else:
                key_cols[obj.weight_column] = None
                for i, text in enumerate(pool.extra[obj.weight_column]):
                    if not text.strip():
                        continue
                    try:
                        weights[i] = float(text.replace(",", "."))
                    except ValueError:
                        col.problem(
                            "objective.weight_column",
                            _("case {id} has weight {weight}, which is not a number").format(
                                id=repr(pool.ids[i]), weight=repr(text)
                            ),
                        )
                        continue
                    if not math.isfinite(weights[i]):
                        col.problem(
                            "objective.weight_column",
                            _("case {id} has weight {weight}; weights must be finite").format(
                                id=repr(pool.ids[i]), weight=repr(text)
                            ),
                        )
        for case_id, w in obj.weights.items():
            pos = col.position("objective.weights", case_id)
            if pos is not None:
                if not math.isfinite(w):
                    col.problem(
                        "objective.weights",
                        _("weight of {id} must be finite").format(id=repr(case_id)),
                    )
                    continue
                weights[pos] = float(w)
        return CompiledObjective("max_weight", weights=tuple(weights), size=scenario.size)
    return CompiledObjective("feasibility", size=scenario.size)
