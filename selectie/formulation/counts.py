"""The selection program over profile counts, for questions about distinct selections: the
objective's stages (:func:`~.program.objective_stages`), a pool-order tie-break and no-good
cuts on profile counts.

Two selections that take the same number of cases from every profile are the same selection
here (the lottery's "distinct" selections: interchangeable cases count as one), so a no-good
cut forbids a vector of counts, not a set of cases. A profile of one case uses its count as
the 0/1 variable; for a larger profile ``p`` the program gets indicator variables
``u[p][v] = 1`` iff ``n_p = v`` (one per possible count). The cut for counts ``c`` is

    sum over profiles of [n_p == c_p] <= (number of profiles) - 1,

with ``[n_p == c_p]`` written as ``u[p][c_p]``, ``n_p`` or ``1 - n_p``.

Two regions, north (a, b) and south (c); a panel of two with at least one from the south:

>>> from selectie import Attribute, Codebook, Pool, Quota, Scenario
>>> from selectie.constraints import compile_scenario
>>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
>>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
>>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
>>> prog = CountProgram(SelectionModel(compile_scenario(pool, s)))
>>> prog.rank, prog.stages
([(0, 1.0), (1, 3.0)], [])
>>> prog.no_good([1, 1])  # u[0][1] + n_1 <= 1
([(3, 1.0), (1, 1.0)], None, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..solve.milp import Terms
from .program import Lock, SelectionModel, objective_stages

__all__ = ["CountProgram"]


class CountProgram:
    """``model``'s program with the objective's stages, the pool-order tie-break and the
    indicator variables that no-good cuts on profile counts need.

    ``milp`` (extending ``model.base``) holds every helper variable; ``stages`` are
    :func:`~.program.objective_stages` of ``model`` (the same stages, the same integrality, as
    :func:`selectie.select` solves; ``parity`` as there, see
    :func:`~.program._parity_deviation`); ``rank`` prefers selections early in the pool (each
    profile weighted by its first case's position plus 1).
    """

    def __init__(self, model: SelectionModel, *, parity: bool = False) -> None:
        self.model = model
        milp = model.base.extended()
        self.stages = objective_stages(model, milp, parity=parity)
        self.rank: Terms = [(p, float(m[0] + 1)) for p, m in enumerate(model.profiles)]
        #: Per profile of more than one case, its indicator variables (index = count).
        self.indicators: dict[int, list[int]] = {}
        for p, size in enumerate(model.sizes.tolist()):
            if size > 1:
                ind = [milp.add_var(f"u{p}_{v}", 0, 1, True) for v in range(size + 1)]
                milp.add_row(f"one{p}", [(u, 1.0) for u in ind], 1.0, 1.0)
                milp.add_row(
                    f"val{p}", [(p, 1.0)] + [(u, -float(v)) for v, u in enumerate(ind)], 0, 0
                )
                self.indicators[p] = ind
        self.milp = milp

    def no_good(self, counts: Sequence[int]) -> Lock:
        """The row that forbids exactly these profile counts: at least one count differs."""
        cut: Terms = []
        rhs = float(self.model.num_profiles - 1)
        for p in range(self.model.num_profiles):
            c = int(counts[p])
            if p in self.indicators:
                cut.append((self.indicators[p][c], 1.0))
            elif c == 1:
                cut.append((p, 1.0))
            else:  # [n_p == 0] = 1 - n_p
                cut.append((p, -1.0))
                rhs -= 1.0
        return (cut, None, rhs)
