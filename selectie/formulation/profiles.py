"""Profiles: cases grouped once into classes that no constraint or objective tells apart.

Cases with the same *profile* (the same values on every attribute the scenario mentions, and
not named individually by include/exclude/bridges/weights) are interchangeable for every
constraint and objective, so the program has one integer variable per profile, ``n_p`` in
``0..|p|``, rather than one binary per case. A solution is turned back into cases by taking
the first ``n_p`` cases of each profile in pool order.

Cases ``a`` and ``b`` are alike on the only attribute the scenario mentions:

>>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
>>> from selectie.constraints import compile_scenario
>>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
>>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
>>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
>>> profiles = Profiles(compile_scenario(pool, s))
>>> profiles.members, profiles.positions([1.0, 1.0]), profiles.counts([1, 2])
([[0, 1], [2]], [0, 2], [1.0, 1.0])

The lottery groups more coarsely, by the constraints a case lies in (:func:`row_labels`):
cases with different values that no constraint tells apart share a profile.

>>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S", "E"])])
>>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NSE")], cb)
>>> north = Scenario(size=2, quotas=[Quota(attribute="region", values=["N"], min=1)])
>>> compiled = compile_scenario(pool, north)
>>> Profiles(compiled).members, Profiles(compiled, labels=row_labels(compiled)).members
([[0], [1], [2]], [[0], [1, 2]])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ..codebook import normalize
from ..constraints import CompiledScenario, Kind

__all__ = ["Profiles", "profile_labels", "row_labels"]


class Profiles:
    """The profiles of a compiled scenario: per case its profile, per profile its cases.

    With ``per_case`` every case is a profile of its own (the program of
    :func:`selectie.pulp_program`, one variable per case). ``labels`` gives another grouping
    (per case its profile, numbered by first case in pool order), such as the lottery's
    :func:`row_labels`.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        *,
        per_case: bool = False,
        labels: np.ndarray | None = None,
    ) -> None:
        if labels is not None:
            profile_of = np.asarray(labels, dtype=np.int64)
        elif per_case:
            profile_of = np.arange(len(compiled.pool), dtype=np.int64)
        else:
            profile_of = profile_labels(compiled)
        n = len(profile_of)
        count = int(profile_of.max()) + 1 if n else 0
        order = np.argsort(profile_of, kind="stable")  # pool order within each profile
        sizes = np.bincount(profile_of, minlength=count).astype(np.int64)
        #: Per case (pool position), its profile.
        self.profile_of: np.ndarray = profile_of
        #: Per profile, its cases in pool order.
        self.members: list[list[int]] = (
            [part.tolist() for part in np.split(order, np.cumsum(sizes)[:-1])] if n else []
        )
        #: Per profile, its number of cases.
        self.sizes: np.ndarray = sizes

    def __len__(self) -> int:
        return len(self.members)

    @property
    def count(self) -> int:
        """The number of profiles (``len(self)``)."""
        return len(self.members)

    def of(self, positions: Iterable[int]) -> list[int]:
        """The profiles whose cases are ``positions`` (each profile wholly in or out)."""
        pos = np.fromiter(positions, dtype=np.int64)
        if pos.size == 0:
            return []
        counts = np.bincount(self.profile_of[pos], minlength=len(self.members))
        used = np.nonzero(counts)[0]
        if np.any(counts[used] != self.sizes[used]):
            raise AssertionError("a constraint splits a profile; the profile key is incomplete")
        return used.tolist()

    def positions(self, values: Sequence[float]) -> list[int]:
        """The selected cases (pool positions, sorted) for profile counts ``values``."""
        chosen: list[int] = []
        for p, m in enumerate(self.members):
            k = round(values[p])
            chosen.extend(m[: max(0, min(k, len(m)))])
        return sorted(chosen)

    def counts(self, positions: Iterable[int]) -> list[float]:
        """Profile counts of a given selection (the inverse of :meth:`positions`)."""
        counts = np.bincount(
            self.profile_of[np.fromiter(positions, dtype=np.int64)], minlength=len(self.members)
        )
        return [float(x) for x in counts]


def row_labels(compiled: CompiledScenario, *, objective: bool = False) -> np.ndarray:
    """Per case, its profile by the rows it lies in: cases in the same constraints (and, for a
    case named by bridges, the same bridged-case role) share one; with ``objective`` also in
    the same objective cells and of the same weight. Profiles are numbered in the order of
    their first case in the pool.

    This is the lottery's grouping (:mod:`selectie.lottery`): coarser than
    :func:`profile_labels` where values no constraint tells apart are merged, and exactly the
    grouping the lottery's probabilities and draws are defined over (its listing names them).
    """
    n = len(compiled.pool)
    sig: list[list[object]] = [[] for _ in range(n)]
    for k, c in enumerate(compiled.constraints):
        if c.kind is Kind.SIZE:
            continue
        for i in c.members:
            sig[i].append(k)
        if c.kind is Kind.BRIDGES and c.case is not None:
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
    # numbered by first appearance: a new key gets the next number
    return np.fromiter((keys.setdefault(tuple(s), len(keys)) for s in sig), np.int64, count=n)


def profile_labels(compiled: CompiledScenario) -> np.ndarray:
    """Per case, its profile: cases alike on every key attribute and key column, not named
    individually (include, exclude, bridges) and of equal weight share one. Profiles are
    numbered in the order of their first case in the pool.
    """
    pool = compiled.pool
    n = len(pool)
    label = np.zeros(n, dtype=np.int64)
    if n == 0:
        return label

    def refine(label: np.ndarray, codes: np.ndarray) -> np.ndarray:
        # Split each group by ``codes``; the result is again numbered 0..groups-1.
        key = label * (int(codes.max()) + 1) + codes
        return np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)

    def codes_of(values: Sequence[object], key: Callable[[object], object] | None) -> np.ndarray:
        # One integer per distinct value (after ``key``), looked up at C speed per case.
        distinct = dict.fromkeys(values)
        ids: dict[object, int] = {}
        lookup = {v: ids.setdefault(v if key is None else key(v), len(ids)) for v in distinct}
        return np.fromiter(map(lookup.__getitem__, values), dtype=np.int64, count=n)

    for a in compiled.key_attributes:
        label = refine(label, codes_of(pool.values[a], None))
    for c in compiled.key_columns:
        label = refine(label, codes_of(pool.extra[c], lambda v: normalize(str(v))))
    if compiled.special:
        special = np.zeros(n, dtype=np.int64)
        positions = np.fromiter(sorted(compiled.special), dtype=np.int64)
        special[positions] = np.arange(1, positions.size + 1)
        label = refine(label, special)
    weights = compiled.objective.weights
    if weights is not None:
        label = refine(label, codes_of(weights, None))
    # Renumber by first appearance in the pool.
    first = np.unique(label, return_index=True)[1]
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[label]
