"""Counting valid selections exactly, without a solver.

A compiled scenario is a list of counting constraints (:class:`~selectie.constraints.
Constraint`): each bounds how many selected cases lie in a set of members. Bridges are the
exception: a selected case needs enough of its bridge cases left unselected. This module
counts the selections that satisfy all of them by dynamic programming over the cases, in an
order that lets constraints be settled early: the state is the vector of capped counts of the
constraints that have some members behind and some ahead (a *frontier*), and a state is
dropped as soon as a constraint is settled unmet. Counts are exact Python integers, however
large.

A bridge constraint whose case cannot lose all its bridges (it has more bridge cases than can
be selected beside it) always holds and is left out of the state; the others are tracked
exactly, as (is the case selected, how many of its bridges are).

The state can grow beyond ``max_states``; the count then stops with ``exact = False`` and
the caller falls back to a bound (see :mod:`selectie.freedom`).

>>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, compile_scenario
>>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
>>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abcd", "NNSS")], cb)
>>> s = Scenario(size=2, quotas=[Quota(attribute="region", min=1)])
>>> count_selections(compile_scenario(pool, s)).count  # one from N and one from S: 2 x 2
4
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .constraints import CompiledScenario, Constraint, Kind

__all__ = ["SelectionCount", "count_selections", "fragile_bridges"]


@dataclass(frozen=True)
class SelectionCount:
    """How many selections satisfy every constraint, and how that was established.

    ``exact`` is False when the state grew beyond the limit (``count`` is then 0 and means
    nothing); ``states`` is the largest number of states held at once.
    """

    count: int
    exact: bool
    states: int
    method: str = "dynamic programming over the counting constraints (exact)"


@dataclass
class _Track:
    """One constraint in the frontier: how to update and settle its component."""

    members: frozenset[int]
    lo: int
    hi: int | None
    cap: int
    bridge_case: int | None = None  # for bridges: the case whose bridges these are
    free: int = 0  # for bridges: how many members may be selected beside the case


def fragile_bridges(compiled: CompiledScenario, forbidden: Iterable[int] = ()) -> list[int]:
    """The cases whose bridge constraint can fail: selected, they could lose so many of their
    bridges to the rest of the selection that fewer than required stay unselected.

    >>> from selectie import load_pool, load_scenario, compile_scenario
    >>> pool = load_pool()
    >>> compiled = compile_scenario(pool, load_scenario())
    >>> synthetic = [i for i in range(len(pool)) if "synthetisch" in pool.values["source"][i]]
    >>> [pool.ids[i] for i in fragile_bridges(compiled, synthetic)]  # no bridge at all
    ['O07', 'O10']
    """
    forbid = frozenset(forbidden)
    size = compiled.scenario.size
    out = []
    for c in compiled.constraints:
        if c.kind is Kind.BRIDGES and _bridge_track(c, forbid, size) is not None:
            assert c.case is not None
            out.append(c.case)
    return sorted(set(out))


def _tracks(
    compiled: CompiledScenario, forbidden: frozenset[int], bridges: bool = True
) -> list[_Track] | None:
    """The constraints as tracks; None if one can never be met."""
    size = compiled.scenario.size
    out: list[_Track] = []
    for c in compiled.constraints:
        if c.kind is Kind.SIZE:
            out.append(_Track(frozenset(c.members), size, size, size))
            continue
        if c.kind is Kind.BRIDGES:
            if not bridges:
                continue
            track = _bridge_track(c, forbidden, size)
            if track is not None:
                out.append(track)
            continue
        members = frozenset(c.members) - forbidden
        lo = c.lo or 0
        if len(members) < lo:
            return None
        if c.hi is not None and c.hi >= len(members) and lo == 0:
            continue  # cannot be exceeded, nothing to reach
        if c.hi is None and lo == 0:
            continue
        cap = c.hi if c.hi is not None else lo
        out.append(_Track(members, lo, c.hi, cap))
    return out


def _bridge_track(c: Constraint, forbidden: frozenset[int], size: int) -> _Track | None:
    assert c.case is not None
    if c.case in forbidden:
        return None
    lo = c.lo or 0
    selectable = frozenset(c.members) - forbidden
    # selected bridges may number at most len(members) - lo
    free = len(c.members) - lo
    if min(size - 1, len(selectable)) <= free:
        return None  # the case can never lose enough of its bridges
    if free < 0:
        free = -1
    return _Track(selectable | {c.case}, 0, None, free + 1, bridge_case=c.case, free=free)


def count_selections(
    compiled: CompiledScenario,
    *,
    forbidden: Iterable[int] = (),
    forced: Iterable[int] = (),
    bridges: bool = True,
    max_states: int = 400_000,
) -> SelectionCount:
    """The number of selections of ``compiled.scenario.size`` cases that satisfy every
    constraint of ``compiled``, leaving out ``forbidden`` cases and holding every ``forced``
    one. With ``bridges=False`` bridge constraints are ignored: the count is then an upper
    bound (exact when the scenario has none).

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, compile_scenario
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abcd", "NNSS")], cb)
    >>> c = compile_scenario(pool, Scenario(size=2, quotas=[Quota(attribute="region", min=1)]))
    >>> count_selections(c, forced=[0]).count, count_selections(c, forbidden=[0, 1]).count
    (2, 0)
    """
    n = len(compiled.pool)
    forbid = frozenset(forbidden)
    force = frozenset(forced)
    if forbid & force:
        return SelectionCount(0, True, 0)
    tracks = _tracks(compiled, forbid, bridges)
    if tracks is None:
        return SelectionCount(0, True, 0)
    cases = [i for i in range(n) if i not in forbid]
    order = _order(cases, tracks)
    pos = {case: t for t, case in enumerate(order)}
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for k, tr in enumerate(tracks):
        steps = [pos[m] for m in tr.members if m in pos]
        if not steps:
            if tr.lo > 0:
                return SelectionCount(0, True, 0)
            continue
        starts.setdefault(min(steps), []).append(k)
        ends.setdefault(max(steps), []).append(k)
    live: list[int] = []
    states: dict[tuple[int, ...], int] = {(): 1}
    peak = 1
    for t, case in enumerate(order):
        new = starts.get(t, [])
        if new:
            live = live + new
            zeros = (0,) * len(new)
            states = {s + zeros: v for s, v in states.items()}
        slots = [(j, tracks[k]) for j, k in enumerate(live) if case in tracks[k].members]
        nxt: dict[tuple[int, ...], int] = {}
        for s, v in states.items():
            if case not in force:
                nxt[s] = nxt.get(s, 0) + v
            taken = _take(s, slots, case)
            if taken is not None:
                nxt[taken] = nxt.get(taken, 0) + v
        states = nxt
        done = ends.get(t, [])
        if done:
            keep = [j for j, k in enumerate(live) if k not in done]
            checks = [(j, tracks[k]) for j, k in enumerate(live) if k in done]
            settled: dict[tuple[int, ...], int] = {}
            for s, v in states.items():
                if all(_met(s[j], tr) for j, tr in checks):
                    key = tuple(s[j] for j in keep)
                    settled[key] = settled.get(key, 0) + v
            states = settled
            live = [live[j] for j in keep]
        peak = max(peak, len(states))
        if peak > max_states:
            return SelectionCount(0, False, peak)
        if not states:
            return SelectionCount(0, True, peak)
    return SelectionCount(sum(states.values()), True, peak)


def _take(s: tuple[int, ...], slots: list[tuple[int, _Track]], case: int) -> tuple[int, ...] | None:
    """The state after selecting ``case``, or None if a constraint is then exceeded."""
    out = list(s)
    for j, tr in slots:
        if tr.bridge_case is None:
            value = out[j] + 1
            if value > tr.cap:
                if tr.hi is not None:
                    return None
                continue
            out[j] = value
            continue
        # bridges: the component is 2 * (bridges selected, capped) + (case selected)
        sel, cnt = out[j] % 2, out[j] // 2
        if case == tr.bridge_case:
            sel = 1
        elif cnt < tr.cap:
            cnt += 1
        if sel and cnt > tr.free:
            return None
        out[j] = 2 * cnt + sel
    return tuple(out)


def _met(value: int, tr: _Track) -> bool:
    if tr.bridge_case is not None:
        return not (value % 2 and value // 2 > tr.free)
    return value >= tr.lo


def _order(cases: list[int], tracks: list[_Track]) -> list[int]:
    """Cases grouped by the smallest constraint holding them, so small groups close early."""
    smallest: dict[int, tuple[int, int]] = {}
    plain = [k for k in range(len(tracks)) if tracks[k].bridge_case is None]
    plain = [k for k in plain if len(tracks[k].members) < len(cases)]  # not the size
    ranked = sorted(plain, key=lambda k: (len(tracks[k].members), k))
    for rank, k in enumerate(ranked):
        for m in tracks[k].members:
            smallest.setdefault(m, (len(tracks[k].members), rank))
    return sorted(cases, key=lambda i: (smallest.get(i, (1 << 30, 0)), i))
