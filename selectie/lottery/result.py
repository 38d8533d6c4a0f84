"""The lottery's result types: profiles, the support, the lottery and a draw from it."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..constraints import CompiledScenario
from ..errors import InputError, UnprovenLotteryError
from ..i18n import N_, _, ngettext, number
from ..pool import Pool
from ..result import Audit, Selection, SolverInfo, Status
from ..scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

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
   units of 1e-12. The selections are numbered from 0 ("selection 0", "selection 1", ...);
   the draw names the one it takes by that number.
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
    ['maximin', 'leximin', 'uniform_best', 'nash']
    """

    #: Maximise the smallest selection probability of any case that can be selected.
    MAXIMIN = "maximin"
    #: Maximin, then the second smallest, and so on (the fairest distribution).
    LEXIMIN = "leximin"
    #: The k best distinct selections by the scenario's objective, each with probability 1/k.
    UNIFORM_BEST = "uniform_best"
    #: Nash welfare: the product of the selection probabilities as large as possible.
    NASH = "nash"


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
    #: what the decomposition of the fractional leximin did (:mod:`.peel`: steps, panels,
    #: how each was found, complete or where it failed), when it ran; it proves nothing
    #: itself (the rounds prove the levels)
    peel: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the run's figures (seconds rounded to 6 decimals)."""
        out = {
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
        if self.peel is not None:
            out["peel"] = self.peel
        return out


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

    >>> from selectie import Pool, Quota, Scenario, fair_lottery
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
    def undecided(self) -> tuple[str, ...]:
        """The cases whose selectability the time limit left unknown, in pool order: they
        are left out of the lottery (probability 0) although a valid selection may hold them.
        """
        out = sorted(i for p in self.profiles if p.selectable is None for i in p.positions)
        return tuple(self.pool.ids[i] for i in out)

    @property
    def proven(self) -> bool:
        """True if the lottery is proven: status OPTIMAL and no case left out as undecided.

        A lottery that is not proven is still over valid selections, but it may leave out
        people who can be selected, or be less fair than the fairest.
        """
        return self.ok and self.status == Status.OPTIMAL and not self.undecided

    @property
    def min_probability(self) -> float | None:
        """The smallest probability of any case not proven never-selectable (None without
        support): the undecided cases count, so it is 0 when any are left out.
        """
        probs = [p.probability for p in self.profiles if p.selectable is not False]
        return min(probs) if probs and self.support else None

    @property
    def upper_bound(self) -> float | None:
        """A proven upper bound on the minimum any lottery can give the cases not proven
        never-selectable: :attr:`bound`, clamped to ``k / (n - never)`` (those cases'
        probabilities add up to ``k``, so their mean is that). None without a bound.
        """
        if self.bound is None:
            return None
        rest = len(self.pool) - len(self.never_selected)
        return min(self.bound, self.scenario.size / rest) if rest > 0 else self.bound

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

    def unproven_reason(self) -> str:
        """Why the lottery is not :attr:`proven`: its status and how many cases it left out
        (empty when it is proven).
        """
        from ..export import status_word

        if self.proven:
            return ""
        left = len(self.undecided)
        if not left:
            return _("status {status}: not proven to be the fairest").format(
                status=status_word(self.status.value)
            )
        return ngettext(
            "status {status}; {n} case left out at probability 0, not known to be selectable",
            "status {status}; {n} cases left out at probability 0, not known to be selectable",
            left,
        ).format(status=status_word(self.status.value), n=left)

    def check_drawable(self, *, accept_unproven: bool = False, call: str = "draw") -> None:
        """Raise :class:`~selectie.errors.UnprovenLotteryError` if the lottery is not
        :attr:`proven` and ``accept_unproven`` is not given: the check of :meth:`draw`, and of
        a uniform lottery's :meth:`~selectie.lottery.uniform.UniformLottery.draw_number`
        (``call``, named in the error's hint).
        """
        if self.proven or accept_unproven:
            return
        raise UnprovenLotteryError(
            _(
                "this lottery is not proven ({why}), so a draw from it may leave out "
                "people who can be selected, or be less fair than the fairest lottery; "
                "nothing was drawn"
            ).format(why=self.unproven_reason()),
            hint=_(
                "Compute the lottery again with a longer time limit, or draw from it as "
                "it is with {call}(seed, accept_unproven=True)."
            ).format(call=call),
        )

    def draw(self, seed: int | str, *, accept_unproven: bool = False) -> Draw:
        """Draw one selection with a seeded, auditable procedure (:data:`DRAW_PROCEDURE`).

        The same lottery and seed always give the same selection; the selection is re-checked
        against every constraint (``Draw.audit``). A lottery that is not :attr:`proven` (a
        time limit stopped its proof) may leave out people who can be selected, or be less
        fair than the fairest: it is drawn from only with ``accept_unproven=True`` (the
        command line's ``--accept-unproven``), and refused otherwise with
        :class:`~selectie.errors.UnprovenLotteryError`.
        """
        if not self.ok:
            raise InputError(
                _("this lottery has no support to draw from (status {status})").format(
                    status=self.status.value
                ),
                hint=self.message or None,
            )
        self.check_drawable(accept_unproven=accept_unproven)
        from ..engine import audit

        seed_text = str(seed).strip()
        if not seed_text or "\n" in seed_text:
            raise InputError(
                _("the seed must be a non-empty single line of text (got {seed!r})").format(
                    seed=seed
                )
            )
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
            for _step in range(t.count):
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
        support, solver.
        """
        return {
            "method": self.method.value,
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "size": self.scenario.size,
            "cases": len(self.pool),
            "min_probability": self.min_probability,
            "bound": self.upper_bound,
            "probabilities": self.probabilities,
            "never_selected": list(self.never_selected),
            "undecided": list(self.undecided),
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
        from ..export import status_word

        n = len(self.pool)
        lines = [
            _(
                "{method} lottery over valid selections of {size} from {n} cases: status {status}"
            ).format(
                method=self.method.value,
                size=self.scenario.size,
                n=n,
                status=status_word(self.status.value),
            )
        ]
        if self.message:
            lines.append(self.message)
        lines += [f"  - {r}" for r in self.reasons]
        if not self.ok:
            return lines
        never, unknown = len(self.never_selected), len(self.undecided)
        low = self.min_probability
        if unknown:
            counts = _(
                "minimum selection probability: {p} ({k} cases can be selected, {never} never, "
                "{unknown} not known: left out at probability 0)"
            )
        else:
            counts = _(
                "minimum selection probability: {p} ({k} cases can be selected, {never} never)"
            )
        k = n - never - unknown
        lines.append(counts.format(p=_pct(low), k=k, never=never, unknown=unknown))
        bound = self.upper_bound
        if bound is not None and low is not None and bound - low > ACCURACY:
            lines.append(_("proven upper bound on the minimum: {p}").format(p=_pct(bound)))
        lines.append(
            _("{profiles} profiles of interchangeable cases; support: {support} selections").format(
                profiles=len(self.profiles), support=len(self.support)
            )
        )
        return lines

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, timings: bool = True) -> str:
        """The summary, the profiles (lowest probability first) and the solver's work; with
        ``timings=False`` the run time is left out, so the same input gives the same text.
        """
        lines = self._summary()
        if self.ok:
            lines.append(_("profiles (probability of each case, number of cases, values):"))
            order = sorted(self.profiles, key=lambda p: (p.probability, p.index))
            for p in order[:30]:
                lines.append(f"  {_pct(p.probability):>9}  {p.size:>5}  {p.label}")
            if len(order) > 30:
                lines.append(_("  ... and {n} more profiles").format(n=len(order) - 30))
            if self.info is not None:
                proven = (
                    _(", proven to within {accuracy}").format(accuracy=f"{self.info.accuracy:.0e}")
                    if self.info.accuracy is not None
                    else ""
                )
                took = f"{number(self.info.seconds, 2)} s, " if timings else ""
                lines.append(
                    ngettext(
                        "solver: {solver}, {took}{rounds} round, {calls} pricing calls{proven}",
                        "solver: {solver}, {took}{rounds} rounds, {calls} pricing calls{proven}",
                        self.info.rounds,
                    ).format(
                        solver=self.info.solver,
                        took=took,
                        rounds=self.info.rounds,
                        calls=self.info.pricing_calls,
                        proven=proven,
                    )
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
        th = "".join(f"<th>{html.escape(_(h))}</th>" for h in PROFILE_HEADERS)
        return f"<p>{head}</p><table><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>"


@dataclass(frozen=True, eq=False)
class Draw:
    """One selection drawn from a lottery, with everything needed to check it.

    ``digest`` is the SHA-256 of the seed and the lottery's listing; ``entry`` the index of
    the drawn selection in ``lottery.support``, numbered from 0 as in the listing; ``audit``
    every constraint checked on the drawn cases.

    Two women (``p0``, ``p1``) and four men; a panel of two takes one of each, so the
    fairest lottery gives each woman 1/2 and each man 1/4:

    >>> from selectie import Pool, Quota, Scenario, fair_lottery
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
        chosen by lot rather than by objective).
        """
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
            _("drawn from the {method} lottery with seed {seed!r} (digest {digest}...)").format(
                method=self.lottery.method.value, seed=self.seed, digest=self.digest[:16]
            ),
            self.lottery.compiled,
        )

    def tables(self, reference: Any = None, *, attributes: Sequence[str] | None = None) -> Any:
        """The distribution tables of the drawn selection (see :func:`selectie.tables`)."""
        from ..report import tables

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
            _(
                "drawn with seed {seed!r} from the {method} lottery (selection {entry} of the "
                "support, numbered 0 to {last} as in the listing; digest {digest})"
            ).format(
                seed=self.seed,
                method=self.lottery.method.value,
                entry=self.entry,
                last=len(self.lottery.support) - 1,
                digest=self.digest,
            ),
            ngettext("{n} case:", "{n} cases:", len(self.positions)).format(n=len(self.positions)),
        ]
        lines += [f"  {self.pool.label(i)}" for i in self.positions]
        lines.append(str(self.audit))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(self.pool.label(i))}</li>" for i in self.positions)
        head = _("drawn with seed {seed}").format(seed=self.seed)
        digest = _("(digest {digest}...)").format(digest=self.digest[:16])
        return (
            f"<p><b>{html.escape(head)}</b> {html.escape(digest)}</p><ol>{items}</ol>"
            + self.audit._repr_html_()
        )


def _pct(p: float | None) -> str:
    return "-" if p is None else number(100 * p, 4) + "%"


#: Column headers of the profile tables (notebook, Markdown).
PROFILE_HEADERS = (N_("probability"), N_("cases"), N_("profile"))
