"""The state of one lottery run, and the packaging of its result (re-checked) as a
:class:`~selectie.lottery.result.Lottery`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..constraints import CompiledScenario
from ..formulation import Clock, Profiles, SelectionModel
from ..formulation.recheck import recheck_selections
from ..i18n import _
from ..result import Status
from ..solve.milp import Milp
from .heuristics import Quotas, Relaxation
from .program import _profile_label
from .result import (
    _WEIGHT_UNIT,
    Lottery,
    LotteryInfo,
    LotteryMethod,
    Profile,
    SupportEntry,
    Take,
)
from .safebound import SafeMaximum


@dataclass
class _RunState:
    """What a run knows and counts; its steps are the mixins of :class:`~.run._Run`."""

    compiled: CompiledScenario
    method: LotteryMethod
    solver: str
    seed: int
    clock: Clock
    progress: Callable[[str], None] | None

    def __post_init__(self) -> None:
        self.rounds = 0
        self.pricing_calls = 0
        self.master_calls = 0
        self.mispriced = 0
        self.levels: list[float] = []
        self.message = ""
        self.accuracy: float | None = 0.0  # None: not proven (time limit)
        self._prof: Profiles | None = None
        self.quotas: Quotas | None = None
        self.heuristic_added = 0
        self.heuristic_rounds = 0
        #: what the peel of the fractional leximin did (:mod:`.peel`), when it ran
        self.peel_info: dict[str, Any] | None = None
        #: the fractional leximin's level per master row, when the peel was complete
        self.peel_levels: np.ndarray | None = None
        #: safe LP bounds for the re-proofs (after a complete peel; see .safebound)
        self.safe: SafeMaximum | None = None
        self.center: np.ndarray | None = None
        self.relaxation: Relaxation | None = None
        self.searched = 0  # rounds priced by local search since the last exact pricing
        self.milp: Milp  # the selection program over profiles (set by execute)
        self.model: SelectionModel  # the formulation's model of it (set by execute)

    @property
    def prof(self) -> Profiles:
        assert self._prof is not None
        return self._prof

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def result(self, status: Status, **kw: Any) -> Lottery:
        info = LotteryInfo(
            solver=self.solver,
            seconds=self.clock.elapsed(),
            time_limit=self.clock.time_limit,
            seed=self.seed,
            profiles=self._prof.count if self._prof is not None else 0,
            rounds=self.rounds,
            pricing_calls=self.pricing_calls,
            master_calls=self.master_calls,
            columns=kw.pop("columns", 0),
            levels=tuple(self.levels),
            accuracy=self.accuracy
            if self.method != LotteryMethod.UNIFORM_BEST and self.rounds
            else None,
            peel=self.peel_info,
        )
        kw.setdefault("message", self.message)
        return Lottery(
            method=self.method,
            status=status,
            pool=self.compiled.pool,
            scenario=self.compiled.scenario,
            info=info,
            compiled=self.compiled,
            **kw,
        )

    def infeasible(self) -> Lottery:
        from ..diagnose import quick_checks

        return self.result(
            Status.INFEASIBLE,
            message=_("no selection satisfies every constraint"),
            reasons=tuple(quick_checks(self.compiled)),
        )

    def finish(
        self,
        columns: list[np.ndarray],
        q: np.ndarray,
        selectable: list[bool | None],
        status: Status,
        bound: float | None,
    ) -> Lottery:
        """Clean the distribution, re-check its support, compute the probabilities."""
        columns = columns[: len(q)]  # selections added after the last master solve weigh 0
        weights = np.where(q > 1e-12, q, 0.0)
        total = float(weights.sum())
        if total <= 0:
            return self.result(Status.ERROR, message=_("the lottery has no support (numerical)"))
        weights = weights / total
        entries = [(float(weights[c]), columns[c]) for c in range(len(columns)) if weights[c] > 0]
        return self.package(entries, selectable, status, bound, ranks=None)

    def recheck(self, selections: Sequence[np.ndarray]) -> str | None:
        """Re-check selections (profile counts) against every constraint in plain Python
        (:func:`~selectie.formulation.recheck.recheck_selections`); None if all pass, else what
        failed.
        """
        return recheck_selections(self.compiled, self.prof, selections)

    def package(
        self,
        entries: list[tuple[float, np.ndarray]],
        selectable: list[bool | None],
        status: Status,
        bound: float | None,
        ranks: list[int] | None,
    ) -> Lottery:
        prof = self.prof
        compiled = self.compiled
        failure = self.recheck([counts for _, counts in entries])
        if failure is not None:
            return self.result(
                Status.ERROR,
                message=_(
                    "a selection of the lottery fails the re-check ({failure}); it is not shown"
                ).format(failure=failure),
            )
        # canonical order: by rank (uniform_best), else by probability (largest first), then
        # by the counts
        order = sorted(
            range(len(entries)),
            key=lambda e: (
                ranks[e] if ranks is not None else 0,
                -entries[e][0],
                tuple(-int(x) for x in entries[e][1]),
            ),
        )
        expected = np.zeros(prof.count)
        support = []
        for e in order:
            prob, counts = entries[e]
            expected += prob * counts
            take = tuple(
                Take(int(p), int(counts[p]), int(prof.sizes[p]))
                for p in range(prof.count)
                if counts[p] > 0
            )
            support.append(
                SupportEntry(
                    probability=prob,
                    take=take,
                    weight=max(1, round(prob * _WEIGHT_UNIT)),
                    rank=None if ranks is None else ranks[e],
                )
            )
        profiles = []
        pool = compiled.pool
        attrs = compiled.key_attributes
        for p, members in enumerate(prof.members):
            prob = min(1.0, max(0.0, float(expected[p] / prof.sizes[p])))
            profiles.append(
                Profile(
                    index=p,
                    positions=tuple(members),
                    ids=tuple(pool.ids[i] for i in members),
                    label=_profile_label(pool, attrs, members),
                    probability=prob,
                    selectable=selectable[p],
                )
            )
        return self.result(
            status,
            profiles=tuple(profiles),
            support=tuple(support),
            bound=bound,
            columns=len(entries),
        )
