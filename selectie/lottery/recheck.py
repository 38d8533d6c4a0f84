"""The re-check of a lottery's selections against every constraint, in plain Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..constraints import Kind
from ..i18n import _, ngettext

if TYPE_CHECKING:
    from ..constraints import CompiledScenario
    from ..formulation import Profiles


def recheck_selections(
    compiled: CompiledScenario, prof: Profiles, selections: Sequence[np.ndarray]
) -> str | None:
    """Re-check selections (profile counts) against every constraint in plain Python;
    None if all pass, else what failed.

    Without bridges every constraint counts selected cases, so it is checked through its
    ``predicate`` (membership recomputed from the pool's values) on every case: that
    shows each profile lies wholly inside or outside the constraint, and the count of any
    selection is then its profile counts summed over the profiles inside. This checks
    every concrete selection of an entry, not just one, and costs one pass over the pool
    per constraint. When that pass would cost more than checking one concrete selection
    per entry (few, small selections), or with bridges, a concrete selection of each entry
    (the first cases of each profile) is checked with ``CompiledScenario.check``.
    """
    size = compiled.scenario.size
    n = len(compiled.pool)
    cons = compiled.constraints
    if any(c.kind is Kind.BRIDGES for c in cons) or len(selections) * size <= n:
        for counts in selections:
            chosen = prof.positions(counts.tolist())
            bad = [c for c in compiled.check(chosen) if not c.satisfied]
            if len(chosen) != size or bad:
                return "; ".join(c.sentence() for c in bad[:5]) or ngettext(
                    "{n} case instead of {size}", "{n} cases instead of {size}", len(chosen)
                ).format(n=len(chosen), size=size)
        return None
    matrix = np.array(selections, dtype=np.int64)
    totals = matrix.sum(axis=1)
    if np.any(totals != size):
        n = int(totals[totals != size][0])
        return ngettext("{n} case instead of {size}", "{n} cases instead of {size}", n).format(
            n=n, size=size
        )
    for c in cons:
        hit = np.fromiter((bool(c.predicate(i)) for i in range(n)), dtype=bool, count=n)
        inside = np.bincount(prof.profile_of[hit], minlength=prof.count)
        if np.any((inside != 0) & (inside != prof.sizes)):
            return _("{name}: the constraint splits a profile of interchangeable cases").format(
                name=c.name
            )
        achieved = matrix @ (inside > 0).astype(np.int64)
        low = c.lo is not None and bool(np.any(achieved < c.lo))
        high = c.hi is not None and bool(np.any(achieved > c.hi))
        if low or high:
            worst = int(achieved.min() if low else achieved.max())
            return _("{name}: {worst} selected, {required} required").format(
                name=c.name, worst=worst, required=c.required
            )
    return None
