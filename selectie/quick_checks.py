"""Reasons a scenario is certainly infeasible that need no solver (next to the constraints
they read; :func:`selectie.diagnose.explain` finds the conflicts that need the solver).
"""

from __future__ import annotations

from collections import defaultdict

from .constraints import CompiledScenario, Kind
from .i18n import _, ngettext

__all__ = ["quick_checks"]


def quick_checks(compiled: CompiledScenario) -> list[str]:
    """Reasons a scenario is certainly infeasible that need no solver, in plain language.

    An empty list does not mean the scenario is feasible: conflicts between several
    constraints need the solver (see :func:`selectie.diagnose.explain`).

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
    >>> from selectie.constraints import compile_scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": "a", "region": "N"}, {"id": "b", "region": "S"}], cb)
    >>> quick_checks(compile_scenario(pool, Scenario(size=1)))
    []
    >>> s = Scenario(size=1, quotas=[Quota(attribute="region", values=["N"], min=1),
    ...                              Quota(attribute="region", values=["S"], min=1)])
    >>> quick_checks(compile_scenario(pool, s))
    ['region has 2 values; with at least 1 each that needs 2 cases but size is 1']
    """
    pool, scenario = compiled.pool, compiled.scenario
    size = scenario.size
    excluded = set(compiled.exclude)
    included = set(compiled.include)
    reasons: list[str] = []

    for c in compiled.constraints:
        if c.kind is Kind.SIZE or c.kind.names_a_case:
            continue
        avail = [i for i in c.members if i not in excluded]
        forced = sum(1 for i in c.members if i in included)
        if c.lo is not None and c.lo > len(avail):
            reason = _("{name}: at least {lo} required, the pool has {n}").format(
                name=c.name, lo=c.lo, n=len(avail)
            )
            if len(avail) < len(c.members):
                more = _("{n} more are excluded").format(n=len(c.members) - len(avail))
                reason += f" ({more})"
            reasons.append(reason)
        if c.lo is not None and c.lo > size:
            reasons.append(
                _("{name}: at least {lo} required but size is {size}").format(
                    name=c.name, lo=c.lo, size=size
                )
            )
        if c.hi is not None and forced > c.hi:
            reasons.append(
                _("{name}: at most {hi} allowed but {n} included cases count for it").format(
                    name=c.name, hi=c.hi, n=forced
                )
            )

    # Single-valued attributes: the minimums of their values add up, the maximums cap the total.
    lows: dict[str, dict[str, int]] = defaultdict(dict)
    highs: dict[str, dict[str, int]] = defaultdict(dict)
    for c in compiled.constraints:
        if c.kind not in (Kind.QUOTA, Kind.COVERAGE):
            continue
        attr_name, _eq, code = c.name.partition("=")
        if not pool.codebook.has(attr_name) or pool.codebook.attribute(attr_name).multi:
            continue
        if c.lo is not None:
            lows[attr_name][code] = max(lows[attr_name].get(code, 0), c.lo)
        if c.hi is not None:
            highs[attr_name][code] = min(highs[attr_name].get(code, c.hi), c.hi)
    for attr_name, per_value in lows.items():
        need = sum(per_value.values())
        if need > size:
            bounds = set(per_value.values())
            if len(bounds) == 1:
                (k,) = bounds
                reasons.append(
                    ngettext(
                        "{attribute} has {values} value; with at least {k} each that "
                        "needs {need} cases but size is {size}",
                        "{attribute} has {values} values; with at least {k} each that "
                        "needs {need} cases but size is {size}",
                        len(per_value),
                    ).format(attribute=attr_name, values=len(per_value), k=k, need=need, size=size)
                )
            else:
                reasons.append(
                    _(
                        "the minimums of {attribute} add up to {need} cases but size is {size}"
                    ).format(attribute=attr_name, need=need, size=size)
                )
    for attr_name, per_value in highs.items():
        attr = pool.codebook.attribute(attr_name)
        counts = pool.value_counts(attr_name)
        cap = sum(min(per_value.get(code, counts[code]), counts[code]) for code in attr.codes)
        cap += pool.unknown_count(attr_name)
        if cap < size:
            reasons.append(
                _(
                    "the maximums of {attribute} allow at most {cap} cases in all but size is "
                    "{size}"
                ).format(attribute=attr_name, cap=cap, size=size)
            )
    return list(dict.fromkeys(reasons))
