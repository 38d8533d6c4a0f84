"""Fair lotteries over valid selections: maximin, leximin and uniform over the k best.

Choosing one "best" set invites the question "why these and not others?". A lottery over all
valid selections answers it: every selection that satisfies the scenario may be drawn, and the
chance of each case is as equal as the constraints allow (Flanigan, Gölz, Gupta, Hennig &
Procaccia, "Fair algorithms for selecting citizens' assemblies", Nature 596, 2021).

:func:`lottery` computes a probability distribution over valid selections:

- ``maximin``: the smallest selection probability of any case that can be selected at all is
  as large as possible;
- ``leximin``: maximin, then the second smallest as large as possible, and so on;
- ``uniform_best``: the ``k`` best distinct selections by the scenario's objective, each with
  probability ``1/k`` (for researchers who want randomness among equally good sets).

Maximin and leximin ignore the scenario's objective: every selection that satisfies the
constraints is equally acceptable, and only fairness between cases counts.

**Profiles.** Cases that lie in exactly the same constraints (the same values on every attribute
the scenario constrains, the same household when households are limited, not named by
include/exclude/bridges) are interchangeable: swapping two of them turns a valid selection into
a valid selection. The lottery is therefore computed over *profiles*: a selection is a vector
``n_p`` (how many cases of profile ``p``), and every case of profile ``p`` has probability
``E[n_p] / |p|``. The maximin and leximin probability vectors are unique and symmetric under
these swaps, so nothing is lost, and the problem shrinks from people to profiles (the
published ``example_large_200`` instance has 2000 people but 3 profiles).

**Column generation.** The master problem is a linear program over the selections found so far
(solved with HiGHS, which gives its dual values); the pricing problem, "which valid selection
has the largest dual weight", is the selection integer program over profiles with objective
weights ``y_p / |p|``, solved with HiGHS or CBC (``solver``). The loop stops when no valid
selection improves the bound by more than ``1e-9``. Leximin repeats this: it fixes the cases
whose dual weight proves them stuck at the current minimum (a case is fixed only when the dual
bound shows it cannot rise more than ``1e-6`` above that level), then raises the minimum of the
others, until every case is fixed.

**Support and draw.** A selection in the support says how many cases to take from each
profile; the cases within a profile are then drawn uniformly at random, so every member of a
profile has the same probability. :meth:`Lottery.draw` performs the whole draw from a seed with
SHA-256, reproducibly and checkably by hand (see :data:`DRAW_PROCEDURE`).

Every selection in the support is re-checked against every constraint in plain Python before
the lottery is returned; a selection that fails makes the status ERROR.

>>> from selectie import Pool, Quota, Scenario
>>> from selectie.codebook import codebook_from_dict
>>> cb = codebook_from_dict({"codebook": {"name": "demo"},
...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
>>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f" if i < 2 else "m"} for i in range(6)], cb)
>>> lot = fair_lottery(pool, Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)]))
>>> lot.status.value, round(lot.min_probability, 6)
('optimal', 0.25)
>>> {i: round(p, 3) for i, p in lot.probabilities.items()}
{'p0': 0.5, 'p1': 0.5, 'p2': 0.25, 'p3': 0.25, 'p4': 0.25, 'p5': 0.25}
>>> draw = lot.draw(2024)
>>> len(draw.ids), draw.audit.ok
(2, True)
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .constraints import CompiledScenario, compile_scenario
from .errors import InputError, SolverError
from .pool import Pool
from .result import Audit, Selection, SolverInfo, Status
from .scenario import Scenario
from .solve.milp import Milp, Terms

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DRAW_PROCEDURE",
    "LOTTERY_FORMATS",
    "Draw",
    "Lottery",
    "LotteryInfo",
    "LotteryMethod",
    "Profile",
    "SupportEntry",
    "Take",
    "fair_lottery",
    "lottery_document",
    "render_lottery",
]

#: Column generation stops when no valid selection improves the bound by more than this.
TOLERANCE = 1e-9
#: Leximin fixes a case only when it provably cannot rise more than this above its level.
ACCURACY = 1e-6
#: The smallest gap taken as proven (solver tolerances make smaller gaps meaningless).
_GAP_FLOOR = 1e-10
#: Fixed levels are lowered by this much, so rounding in the LP never makes a round infeasible.
_SLACK = 1e-9
#: How many extra selections the heuristic may add per solve of the master program.
_EXTRA_COLUMNS = 10
#: Probabilities in the support listing (and the draw) are integers in units of 1e-12.
_WEIGHT_UNIT = 10**12

DRAW_PROCEDURE = """\
How a lottery draw is made (selectie draw procedure 1):
1. Write the lottery's listing (Lottery.listing()): the profiles with their case ids and the
   support in canonical order, each selection with its probability as an integer weight in
   units of 1e-12.
2. Compute D = SHA-256("selectie-draw-1\\nseed <seed>\\n" + listing), as bytes.
3. The j-th random number is R(j) = SHA-256(D + j as 8 bytes, big-endian), read as a
   256-bit unsigned integer (j = 0, 1, 2, ...).
4. With W the sum of the weights, r = R(0) mod W; take the first selection of the listing
   whose running total of weights exceeds r.
5. For each profile in listing order from which that selection takes c of m cases (0 < c < m),
   list its cases in pool order; c times, remove and keep the case at index R(j) mod (number
   left), with j counting on from 1.
6. The drawn cases are those kept, with every case of profiles taken whole.
"""


class LotteryMethod(StrEnum):
    """How the lottery distributes probability over valid selections.

    >>> LotteryMethod(" Maximin ".strip().lower()) is LotteryMethod.MAXIMIN
    True
    >>> [m.value for m in LotteryMethod]
    ['maximin', 'leximin', 'uniform_best']
    """

    #: Maximise the smallest selection probability of any case that can be selected.
    MAXIMIN = "maximin"
    #: Maximin, then the second smallest, and so on (the fairest distribution).
    LEXIMIN = "leximin"
    #: The k best distinct selections by the scenario's objective, each with probability 1/k.
    UNIFORM_BEST = "uniform_best"


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """Interchangeable cases: they lie in exactly the same constraints.

    ``probability`` is the selection probability of each member; ``selectable`` is False when
    no valid selection contains any member, None when the time limit stopped that check.

    >>> p = Profile(0, (0, 1), ("p0", "p1"), "sex=f [p0, p1]", probability=0.5, selectable=True)
    >>> p.size
    2
    """

    index: int
    positions: tuple[int, ...]
    ids: tuple[str, ...]
    label: str
    probability: float
    selectable: bool | None

    @property
    def size(self) -> int:
        """The number of cases in the profile.

        >>> Profile(1, (2, 3, 4), ("a", "b", "c"), "sex=m", 0.0, selectable=False).size
        3
        """
        return len(self.positions)


@dataclass(frozen=True)
class Take:
    """Part of a selection: ``count`` of the ``of`` cases of profile ``profile``.

    >>> t = Take(profile=1, count=1, of=4)  # one of the four cases of profile 1, by lot
    >>> t.count < t.of
    True
    """

    profile: int
    count: int
    of: int


@dataclass(frozen=True)
class SupportEntry:
    """One valid selection of the lottery, by profile, with its probability.

    A profile taken partly (``count < of``) has its cases drawn uniformly at random; an entry
    whose profiles are all taken whole is one concrete selection (``is_concrete``).
    ``rank`` is the place by objective for ``uniform_best`` (1 = best), else None.

    >>> e = SupportEntry(0.5, (Take(0, 1, 2), Take(1, 3, 3)), weight=1)
    >>> e.is_concrete, e.counts
    (False, {0: 1, 1: 3})
    """

    probability: float
    take: tuple[Take, ...]
    weight: int
    rank: int | None = None

    @property
    def is_concrete(self) -> bool:
        """True if the entry names its cases exactly (every profile taken whole).

        >>> SupportEntry(1.0, (Take(0, 2, 2),), weight=1).is_concrete
        True
        """
        return all(t.count == t.of for t in self.take)

    @property
    def counts(self) -> dict[int, int]:
        """Profile index -> how many of its cases the selection takes.

        >>> SupportEntry(1.0, (Take(0, 1, 2), Take(3, 0, 5)), weight=1).counts
        {0: 1, 3: 0}
        """
        return {t.profile: t.count for t in self.take}


@dataclass(frozen=True)
class LotteryInfo:
    """How the lottery was computed: solver, time, and the column generation's work.

    ``rounds`` counts the leximin rounds (1 for maximin); ``pricing_calls`` the integer
    programs and LP relaxations solved; ``master_calls`` the master LP solves; ``columns`` the
    selections in the support; ``levels`` the minimum reached in each round. ``accuracy`` is
    what was proven: for maximin, how far the minimum could at most still rise; for leximin,
    how far any case fixed at a level could at most rise above it (None when the time limit
    stopped the proof, or for ``uniform_best``).

    >>> info = LotteryInfo("highs", seconds=0.1234567, time_limit=None, seed=1, profiles=2)
    >>> d = info.to_dict()
    >>> d["seconds"], d["rounds"], d["levels"], d["accuracy"]
    (0.123457, 0, [], None)
    """

    solver: str
    seconds: float
    time_limit: float | None
    seed: int
    profiles: int
    rounds: int = 0
    pricing_calls: int = 0
    master_calls: int = 0
    columns: int = 0
    levels: tuple[float, ...] = ()
    accuracy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the run's figures (seconds rounded to 6 decimals)."""
        return {
            "solver": self.solver,
            "seconds": round(self.seconds, 6),
            "time_limit": self.time_limit,
            "seed": self.seed,
            "profiles": self.profiles,
            "rounds": self.rounds,
            "pricing_calls": self.pricing_calls,
            "master_calls": self.master_calls,
            "columns": self.columns,
            "levels": list(self.levels),
            "accuracy": self.accuracy,
        }


@dataclass(frozen=True, eq=False)
class Lottery:
    """A probability distribution over valid selections, with each case's probability.

    ``support`` lists the selections (by profile) with their probabilities; ``profiles`` the
    groups of interchangeable cases. ``status`` is OPTIMAL when the distribution is proven
    fair (to :data:`ACCURACY`) or, for ``uniform_best``, the k best were proven; FEASIBLE when
    the time limit stopped the proof (the distribution is still over valid selections);
    INFEASIBLE when no selection satisfies the scenario; NO_SOLUTION when the time limit came
    before any selection was found; ERROR when a selection failed the re-check.
    ``bound`` is a proven upper bound on the minimum probability (maximin and leximin).

    Two women (``p0``, ``p1``) and four men; a panel of two takes one of each, so the
    fairest lottery gives each woman 1/2 and each man 1/4:

    >>> from selectie import Pool, Quota, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    >>> one_each = Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)])
    >>> lot = fair_lottery(pool, one_each)
    >>> lot.ok, lot.size, lot.min_probability, lot.never_selected
    (True, 2, 0.25, ())
    >>> [(p.ids, p.probability) for p in lot.profiles]
    [(('p0', 'p1'), 0.5), (('p2', 'p3', 'p4', 'p5'), 0.25)]
    >>> sum(lot.probabilities.values())  # the probabilities add up to the size
    2.0
    >>> lot.to_dataframe()["probability"].tolist()
    [0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    >>> lot.listing().splitlines()[-1]  # one selection: 1 of profile 0 and 1 of profile 1
    'selection 0 weight 1000000000000 take 0:1 1:1'
    >>> lot.draw(7).ids == lot.draw(7).ids
    True
    >>> lot.to_dict()["min_probability"], lot.to_text(timings=False).splitlines()[0]
    (0.25, 'leximin lottery over valid selections of 2 from 6 cases: status optimal')
    """

    method: LotteryMethod
    status: Status
    pool: Pool
    scenario: Scenario
    profiles: tuple[Profile, ...] = ()
    support: tuple[SupportEntry, ...] = ()
    message: str = ""
    reasons: tuple[str, ...] = ()
    bound: float | None = None
    info: LotteryInfo | None = None
    compiled: CompiledScenario | None = field(default=None, repr=False)

    # -- what a user reads -------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        """True if the lottery has a verified support."""
        return self.status.has_selection and bool(self.support)

    @property
    def probabilities(self) -> dict[str, float]:
        """Case id -> selection probability, in pool order (they add up to the size)."""
        probs = [0.0] * len(self.pool)
        for prof in self.profiles:
            for i in prof.positions:
                probs[i] = prof.probability
        return dict(zip(self.pool.ids, probs, strict=True))

    @property
    def never_selected(self) -> tuple[str, ...]:
        """The cases that no valid selection contains, in pool order."""
        out = sorted(i for p in self.profiles if p.selectable is False for i in p.positions)
        return tuple(self.pool.ids[i] for i in out)

    @property
    def min_probability(self) -> float | None:
        """The smallest probability of any case that can be selected (None without support)."""
        probs = [p.probability for p in self.profiles if p.selectable]
        return min(probs) if probs and self.support else None

    @property
    def size(self) -> int:
        """The number of cases in every selection."""
        return self.scenario.size

    def to_dataframe(self) -> pd.DataFrame:
        """One row per case: id, name, profile, probability, selectable."""
        import pandas as pd

        profile_of = [0] * len(self.pool)
        for prof in self.profiles:
            for i in prof.positions:
                profile_of[i] = prof.index
        probs = self.probabilities
        return pd.DataFrame(
            {
                "id": list(self.pool.ids),
                "name": list(self.pool.names),
                "profile": profile_of,
                "probability": [probs[i] for i in self.pool.ids],
                "selectable": [self.profiles[p].selectable for p in profile_of]
                if self.profiles
                else [None] * len(self.pool),
            }
        )

    # -- the draw ----------------------------------------------------------------------------

    def listing(self) -> str:
        """The canonical text the draw is computed from: profiles, then the support.

        Anyone holding this text and the seed can redo the draw (:data:`DRAW_PROCEDURE`).
        """
        lines = [
            "selectie lottery listing 1",
            f"method {self.method.value}",
            f"size {self.scenario.size}",
            f"cases {len(self.pool)}",
        ]
        for prof in self.profiles:
            lines.append(f"profile {prof.index} {json.dumps(list(prof.ids), ensure_ascii=False)}")
        for k, entry in enumerate(self.support):
            parts = " ".join(f"{t.profile}:{t.count}" for t in entry.take)
            lines.append(f"selection {k} weight {entry.weight} take {parts}")
        return "\n".join(lines) + "\n"

    def draw(self, seed: int | str) -> Draw:
        """Draw one selection with a seeded, auditable procedure (:data:`DRAW_PROCEDURE`).

        The same lottery and seed always give the same selection; the selection is re-checked
        against every constraint (``Draw.audit``).
        """
        if not self.ok:
            raise InputError(
                f"this lottery has no support to draw from (status {self.status.value})",
                hint=self.message or None,
            )
        from .engine import audit

        seed_text = str(seed).strip()
        if not seed_text or "\n" in seed_text:
            raise InputError(f"the seed must be a non-empty single line of text (got {seed!r})")
        listing = self.listing()
        digest = hashlib.sha256(
            f"selectie-draw-1\nseed {seed_text}\n".encode() + listing.encode()
        ).digest()

        def number(j: int) -> int:
            return int.from_bytes(hashlib.sha256(digest + j.to_bytes(8, "big")).digest(), "big")

        total = sum(e.weight for e in self.support)
        r = number(0) % total
        running, chosen = 0, len(self.support) - 1
        for k, entry in enumerate(self.support):
            running += entry.weight
            if r < running:
                chosen = k
                break
        entry = self.support[chosen]
        picked: list[int] = []
        j = 1
        for t in entry.take:
            members = list(self.profiles[t.profile].positions)
            if t.count >= len(members):
                picked.extend(members)
                continue
            for _ in range(t.count):
                picked.append(members.pop(number(j) % len(members)))
                j += 1
        positions = tuple(sorted(picked))
        result = audit(self.pool, self.scenario, [self.pool.ids[i] for i in positions])
        return Draw(
            lottery=self,
            seed=seed_text,
            digest=digest.hex(),
            entry=chosen,
            positions=positions,
            audit=result,
        )

    # -- output ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: status, probabilities, never-selected cases, profiles,
        support, solver."""
        return {
            "method": self.method.value,
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "size": self.scenario.size,
            "cases": len(self.pool),
            "min_probability": self.min_probability,
            "bound": self.bound,
            "probabilities": self.probabilities,
            "never_selected": list(self.never_selected),
            "profiles": [
                {
                    "index": p.index,
                    "ids": list(p.ids),
                    "label": p.label,
                    "probability": p.probability,
                    "selectable": p.selectable,
                }
                for p in self.profiles
            ],
            "support": [
                {
                    "probability": e.probability,
                    "weight": e.weight,
                    "rank": e.rank,
                    "take": [{"profile": t.profile, "count": t.count, "of": t.of} for t in e.take],
                }
                for e in self.support
            ],
            "solver": self.info.to_dict() if self.info else None,
        }

    def _summary(self) -> list[str]:
        n = len(self.pool)
        lines = [
            f"{self.method.value} lottery over valid selections of {self.scenario.size} from "
            f"{n} cases: status {self.status.value}"
        ]
        if self.message:
            lines.append(self.message)
        lines += [f"  - {r}" for r in self.reasons]
        if not self.ok:
            return lines
        never = self.never_selected
        low = self.min_probability
        lines.append(
            f"minimum selection probability: {_pct(low)} "
            f"({n - len(never)} cases can be selected, {len(never)} never)"
        )
        if self.bound is not None and low is not None and self.bound - low > ACCURACY:
            lines.append(f"proven upper bound on the minimum: {_pct(self.bound)}")
        lines.append(
            f"{len(self.profiles)} profiles of interchangeable cases; "
            f"support: {len(self.support)} selections"
        )
        return lines

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, timings: bool = True) -> str:
        """The summary, the profiles (lowest probability first) and the solver's work; with
        ``timings=False`` the run time is left out, so the same input gives the same text."""
        lines = self._summary()
        if self.ok:
            lines.append("profiles (probability of each case, number of cases, values):")
            order = sorted(self.profiles, key=lambda p: (p.probability, p.index))
            for p in order[:30]:
                lines.append(f"  {_pct(p.probability):>9}  {p.size:>5}  {p.label}")
            if len(order) > 30:
                lines.append(f"  ... and {len(order) - 30} more profiles")
            if self.info is not None:
                proven = (
                    f", proven to within {self.info.accuracy:.0e}"
                    if self.info.accuracy is not None
                    else ""
                )
                took = f"{self.info.seconds:.2f} s, " if timings else ""
                lines.append(
                    f"solver: {self.info.solver}, {took}"
                    f"{self.info.rounds} round(s), {self.info.pricing_calls} pricing calls"
                    f"{proven}"
                )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "<br>".join(html.escape(x) for x in self._summary())
        if not self.ok:
            return f"<p>{head}</p>"
        rows = "".join(
            f"<tr><td>{html.escape(_pct(p.probability))}</td><td>{p.size}</td>"
            f"<td>{html.escape(p.label)}</td></tr>"
            for p in sorted(self.profiles, key=lambda p: (p.probability, p.index))[:50]
        )
        return (
            f"<p>{head}</p><table><thead><tr><th>probability</th><th>cases</th>"
            f"<th>profile</th></tr></thead><tbody>{rows}</tbody></table>"
        )


@dataclass(frozen=True, eq=False)
class Draw:
    """One selection drawn from a lottery, with everything needed to check it.

    ``digest`` is the SHA-256 of the seed and the lottery's listing; ``entry`` the index of
    the drawn selection in ``lottery.support``; ``audit`` every constraint checked on the
    drawn cases.

    Two women (``p0``, ``p1``) and four men; a panel of two takes one of each, so the
    fairest lottery gives each woman 1/2 and each man 1/4:

    >>> from selectie import Pool, Quota, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    >>> one_each = Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)])
    >>> draw = fair_lottery(pool, one_each).draw("panel 2026")
    >>> draw.ok, len(draw.ids), len(draw.digest)  # SHA-256 in hex
    (True, 2, 64)
    >>> [sorted(draw.pool.values["sex"][i]) for i in draw.positions]  # one of each
    [['f'], ['m']]
    >>> draw.names, draw.scenario.size, draw.as_selection().status.value
    ((None, None), 2, 'feasible')
    >>> draw.tables()["sex"]["selected"].tolist()  # f, m, total
    [1, 1, 2]
    >>> draw.to_dict()["selected"] == list(draw.ids)
    True
    """

    lottery: Lottery = field(repr=False)
    seed: str
    digest: str
    entry: int
    positions: tuple[int, ...]
    audit: Audit

    @property
    def pool(self) -> Pool:
        """The pool the lottery was drawn from."""
        return self.lottery.pool

    @property
    def scenario(self) -> Scenario:
        """The scenario every selection of the lottery satisfies."""
        return self.lottery.scenario

    @property
    def ids(self) -> tuple[str, ...]:
        """The drawn case ids, in pool order."""
        return tuple(self.pool.ids[i] for i in self.positions)

    @property
    def names(self) -> tuple[str | None, ...]:
        """The drawn cases' names (None where the pool has none), in pool order."""
        return tuple(self.pool.names[i] for i in self.positions)

    @property
    def ok(self) -> bool:
        """True if the drawn selection satisfies every constraint."""
        return self.audit.ok

    def as_selection(self) -> Selection:
        """The draw as a :class:`~selectie.result.Selection` (status FEASIBLE: valid, and
        chosen by lot rather than by objective)."""
        info = self.lottery.info
        solver = (
            SolverInfo(
                name=info.solver,
                version="",
                seconds=info.seconds,
                time_limit=info.time_limit,
                seed=info.seed,
            )
            if info
            else None
        )
        return Selection(
            Status.FEASIBLE if self.ok else Status.ERROR,
            self.pool,
            self.scenario,
            self.positions if self.ok else (),
            self.audit,
            solver,
            f"drawn from the {self.lottery.method.value} lottery with seed {self.seed!r} "
            f"(digest {self.digest[:16]}...)",
            self.lottery.compiled,
        )

    def tables(self, reference: Any = None, *, attributes: Sequence[str] | None = None) -> Any:
        """The distribution tables of the drawn selection (see :func:`selectie.tables`)."""
        from .report import tables

        return tables(self.pool, self.positions, reference=reference, attributes=attributes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record of the draw: seed, digest, entry, ids, constraint checks."""
        return {
            "seed": self.seed,
            "digest": self.digest,
            "entry": self.entry,
            "procedure": DRAW_PROCEDURE,
            "selected": list(self.ids),
            "ok": self.ok,
            "constraints": self.audit.to_records(),
        }

    def __str__(self) -> str:
        lines = [
            f"drawn with seed {self.seed!r} from the {self.lottery.method.value} lottery "
            f"(selection {self.entry} of {len(self.lottery.support)}; "
            f"digest {self.digest})",
            f"{len(self.positions)} cases:",
        ]
        lines += [f"  {self.pool.label(i)}" for i in self.positions]
        lines.append(str(self.audit))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(self.pool.label(i))}</li>" for i in self.positions)
        return (
            f"<p><b>drawn with seed {html.escape(self.seed)!s}</b> "
            f"(digest {html.escape(self.digest[:16])}...)</p><ol>{items}</ol>"
            + self.audit._repr_html_()
        )


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.4f}%"


# --------------------------------------------------------------------------------------------
# Documents: what the command line prints and writes
# --------------------------------------------------------------------------------------------

#: The output formats of :func:`render_lottery`.
LOTTERY_FORMATS: tuple[str, ...] = ("table", "markdown", "csv", "json", "xlsx")


def lottery_document(
    lottery: Lottery,
    *,
    draw: Draw | None = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
) -> dict[str, Any]:
    """The lottery (and a draw from it) as JSON-ready data; the run time is left out unless
    ``timings`` is true, so the same input gives the same document.

    >>> from selectie import Pool, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"]}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f"} for i in range(4)], cb)
    >>> lot = fair_lottery(pool, Scenario(size=1))
    >>> doc = lottery_document(lot, draw=lot.draw(1))
    >>> doc["status"], doc["probabilities"]["p0"], len(doc["draw"]["selected"])
    ('optimal', 0.25, 1)
    >>> "seconds" in doc["solver"]
    False
    """
    data = lottery.to_dict()
    if not timings and data.get("solver"):
        data["solver"] = {k: v for k, v in data["solver"].items() if k != "seconds"}
    data["draw"] = draw.to_dict() if draw is not None else None
    if manifest is not None:
        data["manifest"] = dict(manifest)
    return data


def render_lottery(
    lottery: Lottery,
    fmt: str = "table",
    *,
    draw: Draw | None = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
) -> bytes:
    """The lottery in one of :data:`LOTTERY_FORMATS`:

    - ``table``: plain text (summary, profiles, and the draw if given);
    - ``markdown``: the same as Markdown tables;
    - ``csv``: one row per case: id, name, profile, probability, selectable, drawn;
    - ``json``: :func:`lottery_document`;
    - ``xlsx``: sheets ``probabilities`` (the CSV rows) and ``support``.

    Bytes are deterministic: the run time is shown only with ``timings``.

    >>> from selectie import Pool, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"]}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f"} for i in range(4)], cb)
    >>> lot = fair_lottery(pool, Scenario(size=1))
    >>> print(render_lottery(lot, "csv").decode().splitlines()[:2])
    ['id,name,profile,probability,selectable,drawn', 'p0,,0,0.250000000000,True,']
    """
    from .errors import InputError as _InputError

    if fmt not in LOTTERY_FORMATS:
        raise _InputError(
            f"output format {fmt!r} is not available for a lottery",
            hint=f"Choose one of: {', '.join(LOTTERY_FORMATS)}.",
        )
    if fmt == "json":
        doc = lottery_document(lottery, draw=draw, manifest=manifest, timings=timings)
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "table":
        text = lottery.to_text(timings=timings)
        if draw is not None:
            text += "\n\n" + str(draw)
        return (text + "\n").encode()
    if fmt == "markdown":
        return _lottery_markdown(lottery, draw, timings).encode()
    if not lottery.ok:
        raise _InputError(
            f"there is no lottery to write as {fmt} ({lottery.status.value})",
            hint="Use --format table or json to see why.",
        )
    rows = _case_rows(lottery, draw)
    if fmt == "csv":
        import csv
        import io

        from ._io import safe_cell

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["id", "name", "profile", "probability", "selectable", "drawn"])
        writer.writerows([safe_cell(c) for c in row] for row in rows)
        return buf.getvalue().encode()
    import pandas as pd

    from .export import _xlsx

    frames = {
        "probabilities": pd.DataFrame(
            rows, columns=["id", "name", "profile", "probability", "selectable", "drawn"]
        ),
        "support": pd.DataFrame(
            [
                [k, f"{e.probability:.12f}", e.weight, e.rank, _take_text(e)]
                for k, e in enumerate(lottery.support)
            ],
            columns=["selection", "probability", "weight", "rank", "take (profile:count)"],
        ),
    }
    return _xlsx(frames, None)


def _case_rows(lottery: Lottery, draw: Draw | None) -> list[list[str]]:
    drawn = set(draw.positions) if draw is not None else set()
    profile_of = {i: p for p in lottery.profiles for i in p.positions}
    rows = []
    for i, case_id in enumerate(lottery.pool.ids):
        prof = profile_of[i]
        rows.append(
            [
                case_id,
                lottery.pool.names[i] or "",
                str(prof.index),
                f"{prof.probability:.12f}",
                str(prof.selectable),
                ("yes" if i in drawn else "no") if draw is not None else "",
            ]
        )
    return rows


def _take_text(entry: SupportEntry) -> str:
    return " ".join(f"{t.profile}:{t.count}" for t in entry.take)


def _lottery_markdown(lottery: Lottery, draw: Draw | None, timings: bool) -> str:
    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"# {cell(lottery._summary()[0])}", ""]
    lines += [f"- {cell(x)}" for x in lottery._summary()[1:]]
    if lottery.ok:
        lines += ["", "## Profiles", "", "| probability | cases | profile |", "|---|---|---|"]
        for p in sorted(lottery.profiles, key=lambda p: (p.probability, p.index)):
            lines.append(f"| {_pct(p.probability)} | {p.size} | {cell(p.label)} |")
        lines += [
            "",
            "## Support",
            "",
            "| selection | probability | take (profile:count) |",
            "|---|---|---|",
        ]
        for k, e in enumerate(lottery.support):
            lines.append(f"| {k} | {_pct(e.probability)} | {_take_text(e)} |")
        if lottery.info is not None:
            last = lottery.to_text(timings=timings).splitlines()[-1]
            lines += ["", cell(last)]
    if draw is not None:
        lines += [
            "",
            "## Draw",
            "",
            f"Seed {cell(repr(draw.seed))}, selection {draw.entry} of the support, "
            f"digest `{draw.digest}`.",
            "",
        ]
        lines += [f"1. {cell(draw.pool.label(i))}" for i in draw.positions]
        lines += ["", "All constraints satisfied." if draw.ok else "A constraint is missed!"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------------------------


def fair_lottery(
    pool: Pool,
    scenario: Scenario,
    *,
    method: LotteryMethod | str = LotteryMethod.LEXIMIN,
    k: int | None = None,
    solver: str = "highs",
    seed: int = 1,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Lottery:
    """A fair lottery over the selections that satisfy every constraint of ``scenario``.

    ``method`` is ``"leximin"`` (default), ``"maximin"`` or ``"uniform_best"`` (the ``k``
    best distinct selections by the scenario's objective, each with probability ``1/k``; two
    selections are distinct when they take different numbers of cases from some profile).
    Maximin and leximin ignore the objective. ``solver`` (``"highs"`` or ``"cbc"``) solves
    the selection integer programs; the master linear program is always solved with HiGHS.
    ``time_limit`` (seconds) bounds the whole run: when it is reached, the lottery found so far
    is returned with status FEASIBLE. ``progress`` is called with one line of text per step.

    Infeasible scenarios give status INFEASIBLE with the reasons quick checks find; bad names
    in the scenario raise :class:`~selectie.errors.ScenarioError`.

    Two women (``p0``, ``p1``) and four men; a panel of two takes one of each, so the
    fairest lottery gives each woman 1/2 and each man 1/4:

    >>> from selectie import Pool, Quota, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    >>> one_each = Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)])
    >>> {i: round(p, 6) for i, p in fair_lottery(pool, one_each).probabilities.items()}
    {'p0': 0.5, 'p1': 0.5, 'p2': 0.25, 'p3': 0.25, 'p4': 0.25, 'p5': 0.25}
    >>> too_many = Scenario(size=2, quotas=[Quota(attribute="sex", values=["f"], min=3)])
    >>> fair_lottery(pool, too_many).status.value
    'infeasible'
    """
    try:
        how = LotteryMethod(str(method).strip().lower())
    except ValueError:
        raise InputError(
            f"unknown lottery method {method!r}; choose one of: "
            + ", ".join(m.value for m in LotteryMethod)
        ) from None
    if how == LotteryMethod.UNIFORM_BEST:
        if k is None or isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InputError(f"method 'uniform_best' needs k, a whole number >= 1 (got {k!r})")
    elif k is not None:
        raise InputError(f"k is only used by method 'uniform_best', not {how.value!r}")
    if time_limit is not None and not (time_limit > 0):
        raise InputError(f"time_limit must be a positive number of seconds (got {time_limit!r})")
    from .solve.backend import get_backend

    backend = get_backend(solver)
    compiled = compile_scenario(pool, scenario)
    run = _Run(
        compiled=compiled,
        method=how,
        solver=backend.name,
        seed=seed,
        clock=_Clock(time.perf_counter(), time_limit),
        progress=progress,
    )
    return run.execute(k)


# --------------------------------------------------------------------------------------------
# Profiles and the selection program over profiles
# --------------------------------------------------------------------------------------------


class _Profiles:
    """Cases grouped by the set of constraints (and objective cells) they lie in."""

    def __init__(self, compiled: CompiledScenario, *, objective: bool):
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
            raise AssertionError("a constraint splits a profile; the profile key is incomplete")
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


# --------------------------------------------------------------------------------------------
# Solvers: the pricing program (HiGHS in memory, or CBC) and the master LP (HiGHS)
# --------------------------------------------------------------------------------------------


@dataclass
class _Clock:
    start: float
    limit: float | None

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def remaining(self) -> float | None:
        return None if self.limit is None else self.limit - self.elapsed()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0


@dataclass(frozen=True)
class _Solved:
    status: Status
    values: list[float] | None


class _Pricer:
    """Solves one integer program again and again with changing objectives and bounds."""

    def __init__(
        self, milp: Milp, solver: str, seed: int, clock: _Clock, *, relax_first: bool = False
    ):
        from .solve.highs import to_highs

        self.milp = milp
        self.solver = solver
        self.seed = seed
        self.clock = clock
        self.calls = 0
        self.relaxed_calls = 0
        self.ub = list(milp.ub)
        self.last_bound = -math.inf  # the solver's bound on the last objective (maximising)
        self.h: Any = None
        self.lp: Any = None
        if solver == "highs":
            h = to_highs(milp)
            h.setOptionValue("threads", 1)
            h.setOptionValue("presolve", "off")
            h.setOptionValue("random_seed", int(seed) % 2147483647)
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("mip_abs_gap", 1e-12)
            h.setOptionValue("mip_feasibility_tolerance", 1e-9)
            # these programs are small and solved at the root; the primal heuristics cost more
            # time than they save here (measured in benchmarks/sortition_bench.py)
            for heuristic in ("feasibility_jump", "root_reduced_cost", "zi_round", "shifting"):
                h.setOptionValue(f"mip_heuristic_run_{heuristic}", False)
            self.h = h
        if relax_first:
            relaxed = milp.extended()
            relaxed.integer = [False] * relaxed.num_vars
            lp = to_highs(relaxed)
            lp.setOptionValue("threads", 1)
            lp.setOptionValue("presolve", "off")
            lp.setOptionValue("simplex_strategy", 4)  # primal: the basis stays feasible
            lp.setOptionValue("primal_feasibility_tolerance", 1e-10)
            lp.setOptionValue("dual_feasibility_tolerance", 1e-10)
            self.lp = lp

    def set_ub(self, j: int, ub: float) -> None:
        self.ub[j] = ub
        if self.h is not None:
            self.h.changeColBounds(j, self.milp.lb[j], ub)

    def relaxed(self, cost: Mapping[int, float]) -> tuple[float, list[float] | None]:
        """Maximise over the LP relaxation: (bound, the solution if it is integral)."""
        import highspy

        lp = self.lp
        n = self.milp.num_vars
        c = np.zeros(n)
        for j, v in cost.items():
            c[j] = v
        lp.changeColsCost(n, np.arange(n, dtype=np.int32), c)
        lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        lp.run()
        self.relaxed_calls += 1
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return math.inf, None
        x = np.asarray(lp.getSolution().col_value, dtype=float)
        bound = float(lp.getInfo().objective_function_value)
        ints = np.asarray(self.milp.integer, dtype=bool)
        if np.all(np.abs(x[ints] - np.round(x[ints])) <= 1e-9):
            return bound, [float(v) for v in np.round(x)]
        return bound, None

    def solve(self, cost: Mapping[int, float], sense: Literal["min", "max"]) -> _Solved:
        self.calls += 1
        left = self.clock.remaining()
        if left is not None and left <= 0:
            return _Solved(Status.NO_SOLUTION, None)
        if self.h is None:
            return self._solve_cbc(cost, sense, left)
        import highspy

        h = self.h
        n = self.milp.num_vars
        c = np.zeros(n)
        for j, v in cost.items():
            c[j] = v
        h.changeColsCost(n, np.arange(n, dtype=np.int32), c)
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
        )
        h.setOptionValue("time_limit", float("inf") if left is None else max(0.01, left))
        if h.run() == highspy.HighsStatus.kError:
            raise SolverError("HiGHS failed to solve a selection program (status kError)")
        ms = h.getModelStatus()
        m = highspy.HighsModelStatus
        has = h.getInfo().primal_solution_status == 2
        if ms == m.kOptimal:
            status = Status.OPTIMAL
        elif ms in (m.kInfeasible, m.kUnboundedOrInfeasible):
            return _Solved(Status.INFEASIBLE, None)
        elif ms in (m.kTimeLimit, m.kIterationLimit, m.kInterrupt, m.kSolutionLimit):
            status = Status.FEASIBLE if has else Status.NO_SOLUTION
        else:
            raise SolverError(
                f"HiGHS ended a selection program with status {h.modelStatusToString(ms)!r}"
            )
        if not has:
            return _Solved(status, None)
        info = h.getInfo()
        self.last_bound = max(
            float(info.objective_function_value), float(getattr(info, "mip_dual_bound", -math.inf))
        )
        return _Solved(status, [float(v) for v in h.getSolution().col_value])

    def _solve_cbc(
        self, cost: Mapping[int, float], sense: Literal["min", "max"], left: float | None
    ) -> _Solved:
        from .solve.backend import get_backend

        m = self.milp.extended()
        m.ub = list(self.ub)
        m = m.with_objective(list(cost.items()), sense)
        raw = get_backend("cbc").solve(m, time_limit=left, seed=self.seed, verbose=False)
        if raw.status == Status.ERROR:
            raise SolverError(raw.message or "CBC failed to solve a selection program")
        if raw.objective is not None:
            # CBC proves optimality to its integrality tolerance; allow for it
            self.last_bound = raw.objective + 1e-9 * max(1.0, abs(raw.objective))
        return _Solved(raw.status, raw.values)


class _Master:
    """The restricted master LP over the selections found so far (HiGHS, with duals).

    max t  s.t.  sum_c q_c n_pc/|p| - t >= 0   (unfixed profiles p)
                 sum_c q_c n_pc/|p|     >= v_p (fixed profiles, at their level v_p)
                 sum_c q_c = 1,  q >= 0,  0 <= t <= 1
    """

    def __init__(self, rows: list[int], sizes: np.ndarray):
        import highspy

        from .solve.highs import new_highs

        self.inf = highspy.kHighsInf
        self.rows = rows  # row r concerns profile rows[r]
        self.row_of = {p: r for r, p in enumerate(rows)}
        self.sizes = sizes
        h = new_highs()
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)  # primal: new columns keep the basis feasible
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        h.addVar(0.0, 1.0)  # t
        h.changeColCost(0, 1.0)
        nr = len(rows)
        for _ in range(nr):
            h.addRow(0.0, self.inf, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([], dtype=float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.columns: list[np.ndarray] = []
        self.keys: set[bytes] = set()
        self.fixed: dict[int, float] = {}  # row -> level
        self.calls = 0

    def add(self, counts: np.ndarray) -> bool:
        """Add a selection (profile counts) as a column; False if it is already there."""
        key = counts.tobytes()
        if key in self.keys:
            return False
        self.keys.add(key)
        self.columns.append(counts)
        idx = [r for r, p in enumerate(self.rows) if counts[p] > 0]
        val = [float(counts[self.rows[r]]) / float(self.sizes[self.rows[r]]) for r in idx]
        idx.append(len(self.rows))
        val.append(1.0)
        self.h.addCol(
            0.0, 0.0, self.inf, len(idx), np.array(idx, dtype=np.int32), np.array(val, dtype=float)
        )
        return True

    def fix(self, row: int, level: float) -> None:
        """Hold the profile of ``row`` at ``level`` or more, outside the minimum."""
        self.fixed[row] = level
        self.h.changeCoeff(row, 0, 0.0)
        self.h.changeRowBounds(row, level, self.inf)

    def relax(self, amount: float) -> None:
        """Lower every fixed level a little (after numerical trouble)."""
        for row, level in list(self.fixed.items()):
            self.fixed[row] = max(0.0, level - amount)
            self.h.changeRowBounds(row, self.fixed[row], self.inf)

    def solve(self) -> tuple[bool, float, np.ndarray, float, np.ndarray]:
        """(optimal?, t, y >= 0 per row, mu, q per column)."""
        import highspy

        self.calls += 1
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False, 0.0, np.zeros(0), 0.0, np.zeros(0)
        sol = self.h.getSolution()
        col = np.asarray(sol.col_value, dtype=float)
        dual = np.asarray(sol.row_dual, dtype=float)
        nr = len(self.rows)
        y = np.maximum(0.0, -dual[:nr])
        return True, float(col[0]), y, float(dual[nr]), col[1:]


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class _Run:
    compiled: CompiledScenario
    method: LotteryMethod
    solver: str
    seed: int
    clock: _Clock
    progress: Callable[[str], None] | None

    def __post_init__(self) -> None:
        self.rounds = 0
        self.pricing_calls = 0
        self.master_calls = 0
        self.levels: list[float] = []
        self.message = ""
        self.accuracy: float | None = 0.0  # None: not proven (time limit)
        self._prof: _Profiles | None = None

    @property
    def prof(self) -> _Profiles:
        assert self._prof is not None
        return self._prof

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    # -- shared steps --------------------------------------------------------------------------

    def execute(self, k: int | None) -> Lottery:
        prof = _Profiles(self.compiled, objective=self.method == LotteryMethod.UNIFORM_BEST)
        self._prof = prof
        milp = _selection_milp(self.compiled, prof)
        self.milp = milp
        self.say(f"{len(self.compiled.pool)} cases in {prof.count} profiles")
        cover = self.cover(milp)
        if isinstance(cover, Lottery):
            return cover
        columns, selectable = cover
        if self.method == LotteryMethod.UNIFORM_BEST:
            assert k is not None
            return self.uniform_best(k, selectable)
        return self.fair(columns, selectable)

    def result(self, status: Status, **kw: Any) -> Lottery:
        info = LotteryInfo(
            solver=self.solver,
            seconds=self.clock.elapsed(),
            time_limit=self.clock.limit,
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
        from .diagnose import quick_checks

        return self.result(
            Status.INFEASIBLE,
            message="no selection satisfies every constraint",
            reasons=tuple(quick_checks(self.compiled)),
        )

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
            solved = pricer.solve({z[p]: 1.0 for p in open_}, "max")
            self.pricing_calls += 1
            if solved.status == Status.INFEASIBLE:
                return self.infeasible()
            if solved.values is None:
                if not columns:
                    return self.result(
                        Status.NO_SOLUTION,
                        message="the time limit was reached before any valid selection was found",
                    )
                break
            counts = np.array([round(v) for v in solved.values[:P]], dtype=np.int64)
            if not _satisfies(milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=f"the solver ({self.solver}) returned a selection that breaks a "
                    "constraint after rounding; it is not used",
                )
            new = [p for p in open_ if counts[p] > 0]
            if new:
                columns.append(counts)
                for p in new:
                    selectable[p] = True
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
            self.message = (
                f"the time limit was reached before it was known whether {cases} case(s) can be "
                "selected; they are left out of the lottery (probability 0)"
            )
        self.say(
            f"{sum(1 for s in selectable if s)} profiles can be selected, "
            f"{sum(1 for s in selectable if s is False)} never ({len(columns)} selections)"
        )
        return columns, selectable

    # -- maximin and leximin ---------------------------------------------------------------------

    def fair(self, columns: list[np.ndarray], selectable: list[bool | None]) -> Lottery:
        prof = self.prof
        rows = [p for p in range(prof.count) if selectable[p]]
        master = _Master(rows, prof.sizes)
        for c in columns:
            master.add(c)
        pricer = _Pricer(self.milp, self.solver, self.seed, self.clock, relax_first=True)
        unfixed = set(range(len(rows)))
        status = Status.OPTIMAL if not self.message else Status.FEASIBLE
        bound: float | None = None
        q = np.zeros(0)
        while True:
            self.rounds += 1
            out = self.generate(master, pricer, rows)
            if out is None:
                return self.result(
                    Status.ERROR,
                    message="the master linear program could not be solved (numerical trouble)",
                )
            t, y, gap, q, proven = out
            if self.rounds == 1:
                bound = t + gap
            self.levels.append(t)
            if not proven:
                self.accuracy = None
                status = Status.FEASIBLE
                self.message = (
                    self.message + "; " if self.message else ""
                ) + "the time limit was reached before the distribution was proven fair"
                break
            if self.method == LotteryMethod.MAXIMIN:
                self.accuracy = gap
                break
            share = float(sum(y[r] for r in unfixed))
            ys = {r: float(y[r]) / share if share > 0 else 0.0 for r in unfixed}
            top = max(ys.values())
            # a profile with weight y_r cannot rise more than gap / y_r above t (see generate)
            threshold = max(gap, _GAP_FLOOR) / ACCURACY
            fix = [r for r, v in ys.items() if v >= threshold]
            if not fix:
                fix = [r for r, v in ys.items() if v >= top / 2]
            if top > 0 and self.accuracy is not None:
                worst = max(gap, _GAP_FLOOR) / min(ys[r] for r in fix)
                self.accuracy = max(self.accuracy, worst)
            for r in sorted(fix):
                master.fix(r, max(0.0, t - _SLACK))
                unfixed.discard(r)
            self.say(
                f"round {self.rounds}: minimum {_pct(t)} fixed for {len(fix)} profile(s), "
                f"{len(unfixed)} left"
            )
            if not unfixed:
                break
        if self.accuracy is not None and self.accuracy > ACCURACY:
            self.message = (self.message + "; " if self.message else "") + (
                f"the solver's tolerances allowed a proof to within {self.accuracy:.1e} only "
                f"(the aim is {ACCURACY:.0e})"
            )
        self.pricing_calls += pricer.calls + pricer.relaxed_calls
        self.master_calls = master.calls
        return self.finish(master.columns, q, selectable, status, bound)

    def generate(
        self, master: _Master, pricer: _Pricer, rows: list[int]
    ) -> tuple[float, np.ndarray, float, np.ndarray, bool] | None:
        """Column generation for one round: (t, y, gap, q, proven optimal).

        ``t`` is the minimum reached by the distribution ``q``; the dual weights ``y`` (one per
        row) prove that no distribution does better than ``t + gap``: for any weights, the
        largest weighted selection bounds the minimum (a Lagrangian bound), and the best such
        bound seen in the round is kept.
        """
        retries = 0
        unfixed = np.array([r not in master.fixed for r in range(len(rows))])
        # the probabilities of the selectable cases add up to the size, and fixed profiles
        # keep at least their level: the unfixed cases cannot all get more than their average
        sizes = self.prof.sizes[rows].astype(float)
        fixed_mass = sum(level * sizes[r] for r, level in master.fixed.items())
        free = float(sizes[unfixed].sum())
        average = (self.compiled.scenario.size - fixed_mass) / free if free else math.inf
        best = min(1.0, average)
        # the weights that prove it: |p| for every profile (each case weighs 1)
        best_y: np.ndarray | None = sizes.copy() if average <= 1.0 else None

        def lagrangian(yv: np.ndarray, value: float) -> float:
            # (max_c sum_r yv_r a_rc - sum_fixed yv_r v_r) / sum_unfixed yv_r bounds the minimum
            levels = np.array([master.fixed.get(r, 0.0) for r in range(len(rows))])
            share = float(yv[unfixed].sum())
            return (value - float(yv @ levels)) / share if share > 0 else math.inf

        while True:
            ok, t, y, mu, q = master.solve()
            if not ok:
                if retries >= 3 or not master.fixed:
                    return None
                master.relax(1e-7)
                retries += 1
                continue
            if best_y is None:
                best_y = y.copy()
            if best - t <= TOLERANCE:
                return t, best_y, max(0.0, best - t), q, True

            def bound_of(value: float, y: np.ndarray = y) -> float:
                return lagrangian(y, value)

            priced = self.price(pricer, rows, y, bound_of, t)
            if priced is None:  # the time limit
                return t, best_y, math.inf, q, False
            counts, upper_value = priced
            bound = lagrangian(y, upper_value)
            if bound < best:
                best, best_y = bound, y.copy()
            gap = max(0.0, best - t)
            if gap <= TOLERANCE or counts is None:
                return t, best_y, gap, q, True
            reduced = self.value_of(rows, y, counts) - mu
            if reduced <= TOLERANCE or not master.add(counts):
                # no selection improves on these duals: the bound is as good as it gets
                return t, best_y, gap, q, True
            self.more_columns(master, pricer, rows, y, mu, counts, reduced + mu)
            if self.clock.expired():
                return t, best_y, gap, q, False

    def value_of(self, rows: list[int], yv: np.ndarray, counts: np.ndarray) -> float:
        """sum_r yv_r * counts_p / |p| over the master's rows."""
        sizes = self.prof.sizes
        return float(sum(yv[r] * counts[p] / sizes[p] for r, p in enumerate(rows) if counts[p]))

    def price(
        self,
        pricer: _Pricer,
        rows: list[int],
        yv: np.ndarray,
        bound_of: Callable[[float], float],
        t: float,
    ) -> tuple[np.ndarray | None, float] | None:
        """The selection with the largest dual weight: (its counts or None, an upper bound on
        the largest weight). None when the time limit was reached."""
        prof = self.prof
        w = np.zeros(prof.count)
        for r, p in enumerate(rows):
            w[p] = yv[r] / prof.sizes[p]
        scale = float(w.max())
        if scale <= 0:
            return None if self.clock.expired() else (np.zeros(prof.count, dtype=np.int64), 0.0)
        cost = {p: float(w[p] / scale) for p in rows if w[p] > 0}
        if pricer.lp is not None:
            lp_bound, integral = pricer.relaxed(cost)
            if integral is not None:
                counts = np.array(integral[: prof.count], dtype=np.int64)
                if _satisfies(self.milp, counts.tolist()):
                    return counts, max(lp_bound * scale, self.value_of(rows, yv, counts))
            elif bound_of(lp_bound * scale) - t <= TOLERANCE:
                return None, lp_bound * scale  # the relaxation already closes the gap
        solved = pricer.solve(cost, "max")
        if solved.values is None or solved.status != Status.OPTIMAL:
            return None
        counts = np.array([round(v) for v in solved.values[: prof.count]], dtype=np.int64)
        if not _satisfies(self.milp, counts.tolist()):
            raise SolverError(
                f"the solver ({self.solver}) returned a selection that breaks a constraint "
                "after rounding"
            )
        value = self.value_of(rows, yv, counts)
        return counts, max(value, pricer.last_bound * scale)

    def more_columns(
        self,
        master: _Master,
        pricer: _Pricer,
        rows: list[int],
        y: np.ndarray,
        upper: float,
        counts: np.ndarray,
        value: float,
    ) -> None:
        """Find more selections without solving the master again (a heuristic).

        The dual weights of the cases in the selection just found are scaled down until that
        selection no longer violates them; a selection that violates the scaled weights is
        added too. Only integral solutions of the LP relaxation are used, so this is cheap; it
        changes how fast the loop converges, never its result.
        """
        sizes = self.prof.sizes.astype(float)
        weights = {r: float(y[r]) for r in range(len(rows)) if y[r] > 0}
        for _ in range(_EXTRA_COLUMNS):
            factor = upper / value
            for r in list(weights):
                if counts[rows[r]] > 0:
                    weights[r] *= factor
            cost = {rows[r]: w / sizes[rows[r]] for r, w in weights.items() if w > 0}
            if not cost:
                return
            top = max(cost.values())
            _, integral = pricer.relaxed({p: c / top for p, c in cost.items()})
            if integral is None:
                return
            counts = np.array(integral[: self.prof.count], dtype=np.int64)
            value = sum(w * counts[rows[r]] / sizes[rows[r]] for r, w in weights.items())
            if value <= upper + TOLERANCE or not _satisfies(self.milp, counts.tolist()):
                return
            if not master.add(counts):
                return

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
            return self.result(Status.ERROR, message="the lottery has no support (numerical)")
        weights = weights / total
        entries = [(float(weights[c]), columns[c]) for c in range(len(columns)) if weights[c] > 0]
        return self.package(entries, selectable, status, bound, ranks=None)

    def recheck(self, selections: Sequence[np.ndarray]) -> str | None:
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
        prof = self.prof
        compiled = self.compiled
        size = compiled.scenario.size
        n = len(compiled.pool)
        cons = compiled.constraints
        if any(c.kind == "bridges" for c in cons) or len(selections) * size <= n:
            for counts in selections:
                chosen = prof.representative(counts.tolist())
                bad = [c for c in compiled.check(chosen) if not c.satisfied]
                if len(chosen) != size or bad:
                    return "; ".join(c.sentence() for c in bad[:5]) or (
                        f"{len(chosen)} cases instead of {size}"
                    )
            return None
        matrix = np.array(selections, dtype=np.int64)
        totals = matrix.sum(axis=1)
        if np.any(totals != size):
            return f"{int(totals[totals != size][0])} cases instead of {size}"
        for c in cons:
            hit = np.fromiter((bool(c.predicate(i)) for i in range(n)), dtype=bool, count=n)
            inside = np.bincount(prof.of[hit], minlength=prof.count)
            if np.any((inside != 0) & (inside != prof.sizes)):
                return f"{c.name}: the constraint splits a profile of interchangeable cases"
            achieved = matrix @ (inside > 0).astype(np.int64)
            low = c.lo is not None and bool(np.any(achieved < c.lo))
            high = c.hi is not None and bool(np.any(achieved > c.hi))
            if low or high:
                worst = int(achieved.min() if low else achieved.max())
                return f"{c.name}: {worst} selected, {c.required} required"
        return None

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
                message=f"a selection of the lottery fails the re-check ({failure}); "
                "it is not shown",
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

    # -- uniform over the k best -----------------------------------------------------------------

    def uniform_best(self, k: int, selectable: list[bool | None]) -> Lottery:
        """The k best distinct selections by the objective, by repeated solving with cuts."""
        from .solve.backend import get_backend

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
                    self.message = (
                        f"only {n} distinct valid selection{'s exist' if n != 1 else ' exists'} "
                        f"(k = {k}; selections that differ only by interchangeable cases count "
                        "as one)"
                    )
                elif status == Status.NO_SOLUTION:
                    return self.result(
                        Status.NO_SOLUTION,
                        message="the time limit was reached before any selection was found",
                    )
                else:
                    self.message = (
                        f"the time limit was reached after {len(found)} of the {k} best selections"
                    )
                break
            counts = np.array([round(v) for v in best[: prof.count]], dtype=np.int64)
            if not _satisfies(self.milp, counts.tolist()):
                return self.result(
                    Status.ERROR,
                    message=f"the solver ({self.solver}) returned a selection that breaks a "
                    "constraint after rounding",
                )
            found.append(counts)
            self.say(f"selection {n + 1} of {k} found")
            if status != Status.OPTIMAL:
                self.message = (
                    f"the time limit was reached after {len(found)} of the {k} best selections; "
                    "the last is valid but not proven the next best"
                )
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
