"""Uniform over the k best selections (``uniform_best``), by repeated solving with no-good
cuts.
"""

from __future__ import annotations

import numpy as np

from ..i18n import _, ngettext
from ..result import Status
from ..solve.milp import Terms
from .program import _objective_program, _satisfies
from .result import Lottery
from .state import _RunState


class _UniformBest(_RunState):
    """The k best distinct selections, each with probability 1/k."""

    def uniform_best(self, k: int, selectable: list[bool | None]) -> Lottery:
        """The k best distinct selections by the objective, by repeated solving with cuts."""
        from ..solve.backend import get_backend

        backend = get_backend(self.solver)
        prof = self.prof
        compiled = self.compiled
        milp, stages = _objective_program(compiled, prof, self.milp)
        # indicator binaries: u[p][v] = 1 iff n_p = v (profiles with more than one case)
        ind: dict[int, list[int]] = {}
        for p in range(prof.count):
            size = int(prof.sizes[p])
            if size > 1:
                ind[p] = [milp.add_var(f"u{p}_{v}", 0, 1, True) for v in range(size + 1)]
                milp.add_row(f"one{p}", [(u, 1.0) for u in ind[p]], 1.0, 1.0)
                milp.add_row(
                    f"val{p}", [(p, 1.0)] + [(u, -float(v)) for v, u in enumerate(ind[p])], 0, 0
                )
        found: list[np.ndarray] = []
        status = Status.OPTIMAL
        for n in range(k):
            m = milp.extended()
            best: list[float] | None = None
            for name, terms, sense, integral in stages:
                raw = backend.solve(
                    m.with_objective(terms, sense),
                    time_limit=self.clock.remaining(),
                    seed=self.seed,
                    verbose=False,
                )
                self.pricing_calls += 1
                if raw.status == Status.INFEASIBLE:
                    best = None
                    break
                if raw.values is None:
                    status = Status.FEASIBLE if found else Status.NO_SOLUTION
                    best = None
                    break
                best = raw.values
                if raw.status != Status.OPTIMAL:
                    status = Status.FEASIBLE
                    break
                value = m.evaluate(terms, raw.values)
                if integral:
                    lo, hi = (value - 0.5, None) if sense == "max" else (None, value + 0.5)
                else:
                    tol = 1e-7 * max(1.0, abs(value))
                    lo, hi = (value - tol, None) if sense == "max" else (None, value + tol)
                m.add_row(f"lock {name}", terms, lo, hi)
            if best is None:
                if status == Status.OPTIMAL and n == 0:
                    return self.infeasible()
                if status == Status.OPTIMAL:
                    self.message = ngettext(
                        "only {n} distinct valid selection exists (k = {k}; selections that "
                        "differ only by interchangeable cases count as one)",
                        "only {n} distinct valid selections exist (k = {k}; selections that "
                        "differ only by interchangeable cases count as one)",
                        n,
                    ).format(n=n, k=k)
                elif status == Status.NO_SOLUTION:
                    return self.result(
                        Status.NO_SOLUTION,
                        message=_("the time limit was reached before any selection was found"),
                    )
                else:
                    self.message = _(
                        "the time limit was reached after {n} of the {k} best selections"
                    ).format(n=len(found), k=k)
                break
            counts = np.array([round(v) for v in best[: prof.count]], dtype=np.int64)
            if not _satisfies(self.milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=_(
                        "the solver ({solver}) returned a selection that breaks a constraint "
                        "after rounding"
                    ).format(solver=self.solver),
                )
            found.append(counts)
            self.say(_("selection {n} of {k} found").format(n=n + 1, k=k))
            if status != Status.OPTIMAL:
                self.message = _(
                    "the time limit was reached after {n} of the {k} best selections; the last "
                    "is valid but not proven the next best"
                ).format(n=len(found), k=k)
                break
            # no-good cut: at least one profile count differs from this selection
            cut: Terms = []
            rhs = float(prof.count - 1)
            for p in range(prof.count):
                c = int(counts[p])
                if p in ind:
                    cut.append((ind[p][c], 1.0))
                elif c == 1:
                    cut.append((p, 1.0))
                else:  # [n_p == 0] = 1 - n_p
                    cut.append((p, -1.0))
                    rhs -= 1.0
            milp.add_row(f"nogood{n}", cut, None, rhs)
        if not found:
            return self.infeasible()
        share = 1.0 / len(found)
        entries = [(share, c) for c in found]
        return self.package(entries, selectable, status, None, ranks=list(range(1, len(found) + 1)))
