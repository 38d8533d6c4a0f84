"""Profiles of interchangeable cases and the selection program over profiles."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from ..constraints import CompiledScenario
from ..i18n import _
from ..pool import Pool
from ..solve.milp import Milp, Terms

# --------------------------------------------------------------------------------------------
# Profiles and the selection program over profiles
# --------------------------------------------------------------------------------------------


class _Profiles:
    """Cases grouped by the set of constraints (and objective cells) they lie in."""

    def __init__(self, compiled: CompiledScenario, *, objective: bool) -> None:
        n = len(compiled.pool)
        sig: list[list[object]] = [[] for _ in range(n)]
        for k, c in enumerate(compiled.constraints):
            if c.kind == "size":
                continue
            for i in c.members:
                sig[i].append(k)
            if c.kind == "bridges" and c.case is not None:
                sig[c.case].append(("bridged case", k))
        if objective:
            obj = compiled.objective
            for j, cell in enumerate(obj.cells):
                for i in cell.members:
                    sig[i].append(("objective cell", j))
            if obj.weights is not None:
                for i, w in enumerate(obj.weights):
                    if w:
                        sig[i].append(("weight", w))
        keys: dict[tuple[object, ...], int] = {}
        of = np.empty(n, dtype=np.int64)
        members: list[list[int]] = []
        for i in range(n):
            key = tuple(sig[i])
            p = keys.get(key)
            if p is None:
                p = keys[key] = len(members)
                members.append([])
            members[p].append(i)
            of[i] = p
        self.of = of
        self.members = members
        self.sizes = np.array([len(m) for m in members], dtype=np.int64)
        self.count = len(members)

    def terms(self, positions: Iterable[int]) -> Terms:
        """The number of selected cases among ``positions``, over profile variables."""
        pos = np.fromiter(positions, dtype=np.int64)
        if pos.size == 0:
            return []
        counts = np.bincount(self.of[pos], minlength=self.count)
        used = np.nonzero(counts)[0]
        if np.any(counts[used] != self.sizes[used]):
            raise AssertionError(_("a constraint splits a profile; the profile key is incomplete"))
        return [(int(p), 1.0) for p in used]

    def representative(self, counts: Sequence[int]) -> list[int]:
        """A concrete selection with these profile counts: the first cases in pool order."""
        out: list[int] = []
        for p, c in enumerate(counts):
            out.extend(self.members[p][: int(c)])
        return sorted(out)


def _selection_milp(compiled: CompiledScenario, prof: _Profiles) -> Milp:
    """The selection problem over profiles: n_p in 0..|p|, one row per constraint."""
    milp = Milp()
    for p, m in enumerate(prof.members):
        milp.add_var(f"n{p}", 0, len(m), True)
    for k, c in enumerate(compiled.constraints):
        terms = prof.terms(c.members)
        if c.kind == "bridges":
            # case selected => at least lo of its bridges stay unselected
            assert c.case is not None and c.lo is not None
            p_case = int(prof.of[c.case])
            milp.add_row(f"c{k}", [*terms, (p_case, float(c.lo))], None, float(len(c.members)))
            continue
        milp.add_row(
            f"c{k}",
            terms,
            None if c.lo is None else float(c.lo),
            None if c.hi is None else float(c.hi),
        )
    return milp


def _satisfies(milp: Milp, values: Sequence[float], tol: float = 1e-6) -> bool:
    """True if ``values`` satisfies every bound and row of ``milp`` (checked in Python)."""
    for j in range(milp.num_vars):
        if values[j] < milp.lb[j] - tol or values[j] > milp.ub[j] + tol:
            return False
    for row in milp.rows:
        s = sum(c * values[j] for j, c in zip(row.index, row.coef, strict=True))
        if row.lo is not None and s < row.lo - tol:
            return False
        if row.hi is not None and s > row.hi + tol:
            return False
    return True


def _profile_label(pool: Pool, attributes: Sequence[str], members: Sequence[int]) -> str:
    first = members[0]
    parts = []
    for a in attributes:
        cell = pool.values[a][first]
        parts.append(f"{a}={'/'.join(sorted(cell)) if cell else '?'}")
    text = ", ".join(parts)
    if len(members) <= 3:
        ids = ", ".join(pool.ids[i] for i in members)
        return f"{text} [{ids}]" if text else f"[{ids}]"
    return f"{text} [{pool.ids[first]}, ... {len(members)} cases]"


Stage = tuple[str, Terms, Literal["min", "max"], bool]


def _objective_program(
    compiled: CompiledScenario, prof: _Profiles, base: Milp
) -> tuple[Milp, list[Stage]]:
    """The scenario's objective as lexicographic stages over profiles, ending with pool order.

    feasibility: pool order only; max_weight: weight; match_target: total deviation;
    max_overlap: depth (every value held by at least min(depth, available) cases), then the
    total number of (case, value) pairs. The last stage prefers cases early in the pool.
    """
    obj = compiled.objective
    milp = base.extended()
    stages: list[Stage] = []
    if obj.kind == "max_weight":
        assert obj.weights is not None
        terms = [
            (p, float(obj.weights[m[0]])) for p, m in enumerate(prof.members) if obj.weights[m[0]]
        ]
        stages.append(("weight", terms, "max", False))
    elif obj.kind == "match_target":
        dev: Terms = []
        for j, cell in enumerate(obj.cells):
            count = prof.terms(cell.members)
            target = float(cell.target or 0)
            d = milp.add_var(f"d{j}", 0.0, float(max(cell.available, cell.target or 0)), False)
            milp.add_row(f"dev{j}+", [*count, (d, -1.0)], None, target)
            milp.add_row(f"dev{j}-", [*count, (d, 1.0)], target, None)
            dev.append((d, 1.0))
        stages.append(("deviation", dev, "min", False))
    elif obj.kind == "max_overlap":
        depth_max = obj.max_depth
        levels = [milp.add_var(f"depth{t + 1}", 0, 1, True) for t in range(depth_max)]
        for a, b in itertools.pairwise(levels):
            milp.add_row("depth order", [(b, 1.0), (a, -1.0)], None, 0.0)
        total: Terms = []
        for j, cell in enumerate(obj.cells):
            count = prof.terms(cell.members)
            need = levels[: min(depth_max, cell.available)]
            if need:
                milp.add_row(f"depth cell {j}", [*count, *[(z, -1.0) for z in need]], 0.0, None)
            total.extend(count)
        stages.append(("depth", [(z, 1.0) for z in levels], "max", True))
        stages.append(("total", total, "max", True))
    rank = [(p, float(m[0] + 1)) for p, m in enumerate(prof.members)]
    stages.append(("pool order", rank, "min", True))
    return milp, stages
