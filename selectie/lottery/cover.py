"""The coverage step of a lottery run: which profiles can be selected at all."""

from __future__ import annotations

import numpy as np

from ..i18n import _, ngettext
from ..result import Status
from ..solve.milp import Milp
from .heuristics import HEURISTIC, climb
from .program import _satisfies
from .result import Lottery
from .solvers import _Pricer
from .state import _RunState


class _Cover(_RunState):
    """Selections that together contain every profile that can be selected."""

    def cover(self, milp: Milp) -> Lottery | tuple[list[np.ndarray], list[bool | None]]:
        """Find selections that together contain every profile that can be selected.

        Each program maximises the number of not yet covered profiles in one selection; when
        the best is zero, the rest can never be selected (proven by optimality).
        """
        prof = self.prof
        P = prof.count
        m = milp.extended()
        z = [m.add_var(f"z{p}", 0, 1, True) for p in range(P)]
        for p in range(P):
            m.add_row(f"cover{p}", [(z[p], 1.0), (p, -1.0)], None, 0.0)
        pricer = _Pricer(m, self.solver, self.seed, self.clock)
        selectable: list[bool | None] = [None] * P
        columns: list[np.ndarray] = []
        while True:
            open_ = [p for p in range(P) if selectable[p] is None]
            if not open_:
                break
            solved = pricer.solve({z[p]: 1.0 for p in open_}, "max", stop=0.5)
            self.pricing_calls += 1
            if solved.status == Status.INFEASIBLE:
                return self.infeasible()
            if solved.values is None:
                if not columns:
                    return self.result(
                        Status.NO_SOLUTION,
                        message=_(
                            "the time limit was reached before any valid selection was found"
                        ),
                    )
                break
            counts = np.array([round(v) for v in solved.values[:P]], dtype=np.int64)
            if not _satisfies(milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=_(
                        "the solver ({solver}) returned a selection that breaks a constraint "
                        "after rounding; it is not used"
                    ).format(solver=self.solver),
                )
            new = [p for p in open_ if counts[p] > 0]
            if new:
                columns.append(counts)
                for p in new:
                    selectable[p] = True
                for more in self.cover_by_search(columns, selectable):
                    for p in np.nonzero(more)[0].tolist():
                        if selectable[p] is None:
                            selectable[p] = True
                            pricer.set_ub(z[p], 0.0)
            if solved.status != Status.OPTIMAL:
                if not new:
                    break
                continue
            if not new:
                for p in open_:
                    selectable[p] = False
                break
            for p in new:
                pricer.set_ub(z[p], 0.0)
        unknown = sum(1 for s in selectable if s is None)
        if unknown:
            cases = sum(len(prof.members[p]) for p in range(P) if selectable[p] is None)
            self.message = ngettext(
                "the time limit was reached before it was known whether {n} case can be "
                "selected; it is left out of the lottery (probability 0)",
                "the time limit was reached before it was known whether {n} cases can be "
                "selected; they are left out of the lottery (probability 0)",
                cases,
            ).format(n=cases)
        yes = sum(1 for s in selectable if s)
        self.say(
            ngettext(
                "{yes} profile can be selected, {no} never ({selections})",
                "{yes} profiles can be selected, {no} never ({selections})",
                yes,
            ).format(
                yes=yes,
                no=sum(1 for s in selectable if s is False),
                selections=ngettext("{n} selection", "{n} selections", len(columns)).format(
                    n=len(columns)
                ),
            )
        )
        return columns, selectable

    def cover_by_search(
        self, columns: list[np.ndarray], selectable: list[bool | None]
    ) -> list[np.ndarray]:
        """Selections that contain profiles not yet covered, by swap local search from the
        selections found so far (:func:`~selectie.lottery.heuristics.climb`, weight 1 on each
        uncovered profile); they are appended to ``columns`` and returned. Proves nothing:
        what they leave uncovered goes to the integer program.
        """
        quotas = self.quotas
        if quotas is None or not HEURISTIC.cover:
            return []
        added: list[np.ndarray] = []
        keys = {c.tobytes() for c in columns}
        open_ = np.array([s is None for s in selectable], dtype=float)
        progress = bool(open_.any())
        while progress and not self.clock.out():
            progress = False
            for start in list(columns):
                counts = climb(quotas, open_, start)
                if float(open_ @ counts) <= 0 or counts.tobytes() in keys:
                    continue
                if not quotas.satisfied(counts.tolist()):
                    continue
                keys.add(counts.tobytes())
                columns.append(counts)
                added.append(counts)
                open_[counts > 0] = 0.0
                progress = True
                if not open_.any():
                    break
        return added
