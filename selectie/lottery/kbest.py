"""Uniform over the k best selections (``uniform_best``): the formulation's lexicographic
solve (:class:`~selectie.formulation.Lexicographic`) in one solver session, again after each
no-good cut on profile counts (:class:`~selectie.formulation.counts.CountProgram`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..formulation import Lexicographic, objective_mismatch, recheck
from ..formulation.counts import CountProgram
from ..i18n import _, ngettext
from ..result import Status
from .program import _satisfies
from .result import Lottery
from .state import _RunState

if TYPE_CHECKING:
    from ..solve.session import Option

#: Whether HiGHS presolves in uniform_best's session. On, by measurement (issue 16;
#: benchmarks/kbest_presolve.py switches it, benchmarks/README.md, "The default backend",
#: has the figures): presolve off gives the same panels, or ties, on every instance tried,
#: and on bijlage4-exact is faster over seeds (k = 1, seeds 1 to 5, median 0.49 against
#: 0.26 s CPU) though not at every seed, but slower on bijlage4-spread at k = 1 to 3 and
#: mixed on a generated 1 000-case match_target pool; no feature of a scenario tells these
#: apart.
HIGHS_PRESOLVE = True


def _options(solver: str) -> dict[str, Option] | None:
    """The solver options of uniform_best's session: ``FEASIBILITY_OPTIONS``, and for HiGHS
    presolve off unless :data:`HIGHS_PRESOLVE`.
    """
    from ..whatif.program import FEASIBILITY_OPTIONS

    options = FEASIBILITY_OPTIONS.get(solver)
    if solver == "highs" and not HIGHS_PRESOLVE:
        return {**(options or {}), "presolve": "off"}
    return options


class _UniformBest(_RunState):
    """The k best distinct selections, each with probability 1/k."""

    def uniform_best(self, k: int, selectable: list[bool | None]) -> Lottery:
        """The k best distinct selections by the objective: the best selection (stages, then
        pool order), a no-good cut on its profile counts, and again.

        The deviation of a match_target objective is solved in its parity form (as
        :func:`selectie.select` does), and HiGHS runs without its primal heuristics and
        restarts (``FEASIBILITY_OPTIONS``, as the what-if proofs do): most of the work here is
        proving that no better selection is left. Both leave the feasible selections and
        their stage values as they were (docs/design.md has the figures).
        """
        from ..solve.backend import get_backend

        prof = self.prof
        program = CountProgram(self.model, parity=True)
        found: list[np.ndarray] = []
        status = Status.OPTIMAL
        with Lexicographic(
            get_backend(self.solver),
            program.milp,
            program.stages,
            program.rank,
            seed=self.seed,
            options=_options(self.solver),
        ) as lex:
            for n in range(k):
                calls = lex.calls
                out = lex.run(clock=self.clock)
                self.pricing_calls += lex.calls - calls
                if out.raw is None or out.raw.values is None:
                    if out.status is Status.ERROR:
                        return self.result(Status.ERROR, message=out.message)
                    if out.status is Status.INFEASIBLE and n == 0:
                        return self.infeasible()
                    if out.status is Status.INFEASIBLE:
                        self.message = ngettext(
                            "only {n} distinct valid selection exists (k = {k}; selections that "
                            "differ only by interchangeable cases count as one)",
                            "only {n} distinct valid selections exist (k = {k}; selections that "
                            "differ only by interchangeable cases count as one)",
                            n,
                        ).format(n=n, k=k)
                    elif not found:
                        return self.result(
                            Status.NO_SOLUTION,
                            message=_("the time limit was reached before any selection was found"),
                        )
                    else:
                        status = Status.FEASIBLE
                        self.message = _(
                            "the time limit was reached after {n} of the {k} best selections"
                        ).format(n=len(found), k=k)
                    break
                counts = np.array([round(v) for v in out.raw.values[: prof.count]], dtype=np.int64)
                if not _satisfies(self.milp, counts.tolist()):
                    return self.result(
                        Status.ERROR,
                        message=_(
                            "the solver ({solver}) returned a selection that breaks a constraint "
                            "after rounding"
                        ).format(solver=self.solver),
                    )
                # the stage values the solver proved, against the objective recomputed in Python
                audit = recheck(self.compiled, prof.positions(counts.tolist()))
                wrong = objective_mismatch(audit, out.expected)
                if wrong:
                    return self.result(Status.ERROR, message=wrong)
                found.append(counts)
                self.say(_("selection {n} of {k} found").format(n=n + 1, k=k))
                if out.status is not Status.OPTIMAL:
                    status = Status.FEASIBLE
                    self.message = _(
                        "the time limit was reached after {n} of the {k} best selections; the "
                        "last is valid but not proven the next best"
                    ).format(n=len(found), k=k)
                    break
                lex.session.add_row(*program.no_good(counts.tolist()), f"nogood{n}")
        if not found:
            return self.infeasible()
        share = 1.0 / len(found)
        entries = [(share, c) for c in found]
        return self.package(entries, selectable, status, None, ranks=list(range(1, len(found) + 1)))
