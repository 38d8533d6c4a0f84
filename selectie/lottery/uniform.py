"""Transparent lotteries: an optimal distribution rounded to a uniform lottery over m panels.

Flanigan, Kehne and Procaccia ("Fair sortition made transparent", NeurIPS 2021) propose to
select the panel by a *uniform* lottery: a published list of m panels, numbered 1 to m, one of
which is drawn in public (numbered balls). They round the optimal distribution to such a list
with discrepancy methods (Beck–Fiala among them) and bound how far each person's selection
probability moves. selectie implements a rounding of that kind and proves its own bound on
every lottery it rounds (the constants below are selectie's derivation, not quoted from the
paper):

1. **Panel counts.** With ``p_c`` the probability of support entry ``c`` (a selection by
   profile counts), ``x_c = m p_c`` is rounded to whole numbers that add up to m. Write
   ``x_c = floor + f_c``. Iterative rounding (the Beck–Fiala argument): a profile row ``r``
   is *active* while its fractional mass ``sum_c a_rc`` over the entries ``c`` still
   fractional exceeds ``k + 1``, where ``a_rc = n_rc / |r|`` (the chance that a case of
   profile r is in entry c; every entry has ``sum_r a_rc <= k``). Each step moves the
   fractional ``f`` along a direction that keeps the total and every active row's sum fixed
   until one more ``f_c`` reaches 0 or 1. Such a direction exists: the active rows number
   fewer than ``k F / (k + 1)`` for F fractional entries, so with the total they are fewer
   than F once ``F >= k + 1``; below that no row can be active. A row stops being active with
   at most ``k + 1`` of fractional mass, and each of those ``f_c`` then moves by less than 1,
   so the row's sum, m times the profile's probability, moves by less than ``k + 1``.
2. **Concrete panels.** An entry taking ``n`` of the ``|r|`` cases of a profile stands for
   every way to choose them; the m panels must name people. The cases of each profile are
   dealt round-robin over all the panels that take from it, so every member of a profile is
   in either the floor or the ceiling of the profile's average number of panels: a further
   change of less than ``1 / m``.

So every person's probability in the uniform lottery differs from the optimal one by less
than ``(k + 2) / m`` (:attr:`UniformLottery.bound`); :attr:`UniformLottery.changes` gives
each person's actual change. Every one of the m panels is re-checked against every
constraint.

**The paper's bound, beside selectie's.** Flanigan, Kehne and Procaccia bound the change of
each person's probability for *their* roundings. Their public replication code (GPL, read
only: ``paper_data_visualization.py``, ``compute_theoretical_bounds_indloss``, which draws the
"Theoretical Bound" of their figures) computes it as the smaller of two bounds: ``k / m``
(their Beck–Fiala rounding) and ``sqrt((1 + ln 2 / ln n) / 2) * sqrt(C ln C) / m + 1 / m``
(their rounding of the "panel LP"), with n the pool size and C the number of distinct
feature vectors in the pool. :attr:`UniformLottery.paper_bound` computes that expression
(C: the lottery's profiles, which are the distinct feature vectors when the quotas are the
only constraints). selectie could not read the theorem's own wording (only that code), and
the paper's bound is proved for the paper's roundings, not for this one: it is reported for
comparison, and only ``(k + 2) / m`` is claimed (and tested) for selectie's rounding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..i18n import _, number

if TYPE_CHECKING:
    from ..result import Audit
    from .result import Lottery

__all__ = ["MAX_PANELS", "UniformLottery", "check_panel_count", "paper_bound", "round_to_uniform"]

#: A fractional part this close to 0 or 1 counts as whole.
_EPS = 1e-9

#: The most panels a uniform lottery may have. The rounding itself grows little with m (its
#: work is over the support), but the m concrete panels, the seeded draw (SHA-256 over the
#: listing of all m panels), the draw sheet and the JSON record (which lists every panel)
#: grow linearly. Measured by ``benchmarks/uniform_cap.py`` on the hard 300/45 pool
#: (benchmarks/README.md, "How large a uniform lottery"): at m = 10^5 the rounding takes
#: 4.4 s CPU, the draw 1.2 s, the sheet 3.4 s with a peak of 0.5 GiB and 99 MB of text, the
#: JSON 3.1 s and 45 MB (about 12 s CPU in all); at 10^4 each is under 1 s and 10 MB.
#: Beyond 10^5 a run would take minutes and gigabytes, for a change in probability that is
#: below (k + 2) / 10^5 already.
MAX_PANELS = 100_000


@dataclass(frozen=True, eq=False)
class UniformLottery:
    """m panels, each drawn with probability 1/m, rounded from ``lottery``.

    ``panels[j]`` lists the pool positions of panel number ``j + 1``; a panel may appear
    under several numbers. ``probabilities`` are each person's share of the m panels,
    ``changes`` their difference from the optimal lottery's probabilities.
    """

    lottery: Lottery = field(repr=False)
    m: int
    panels: tuple[tuple[int, ...], ...]
    audits: tuple[Audit, ...] = field(repr=False)

    @property
    def k(self) -> int:
        """The panel size."""
        return self.lottery.scenario.size

    @property
    def bound(self) -> float:
        """The proven bound on every person's change: ``(k + 2) / m`` (see the module)."""
        return (self.k + 2) / self.m

    @property
    def paper_bound(self) -> float:
        """The paper's bound for its own roundings, as its authors' replication code computes
        it: ``min(k / m, sqrt((1 + ln 2 / ln n) / 2) * sqrt(C ln C) / m + 1 / m)`` (see the
        module; not a guarantee for selectie's rounding, whose bound is :attr:`bound`).

        >>> from math import isclose, log, sqrt
        >>> isclose(paper_bound(k=20, m=1000, n=200, c=30),
        ...         min(20 / 1000, sqrt((1 + log(2) / log(200)) / 2) * sqrt(30 * log(30)) / 1000
        ...             + 1 / 1000))
        True
        """
        return paper_bound(
            k=self.k, m=self.m, n=len(self.lottery.pool), c=len(self.lottery.profiles)
        )

    @property
    def ok(self) -> bool:
        """True if every panel satisfies every constraint."""
        return all(a.ok for a in self.audits)

    @property
    def probabilities(self) -> dict[str, float]:
        """Case id -> the share of the m panels it is in, in pool order."""
        counts = np.zeros(len(self.lottery.pool), dtype=np.int64)
        for panel in self.panels:
            counts[list(panel)] += 1
        return {i: int(c) / self.m for i, c in zip(self.lottery.pool.ids, counts, strict=True)}

    @property
    def changes(self) -> dict[str, float]:
        """Case id -> uniform probability minus optimal probability."""
        optimal = self.lottery.probabilities
        return {i: p - optimal[i] for i, p in self.probabilities.items()}

    @property
    def max_change(self) -> float:
        """The largest change of any person's probability (absolute)."""
        return max((abs(v) for v in self.changes.values()), default=0.0)

    def listing(self) -> str:
        """The canonical text of the m panels: ``panel j: id id ...`` (ids in pool order)."""
        ids = self.lottery.pool.ids
        lines = [f"selectie uniform lottery 1\npanels {self.m}\nsize {self.k}"]
        for j, panel in enumerate(self.panels, start=1):
            lines.append(f"panel {j}: {json.dumps([ids[i] for i in panel], ensure_ascii=False)}")
        return "\n".join(lines) + "\n"

    def draw_number(self, seed: str, *, accept_unproven: bool = False) -> int:
        """The panel number (1..m) a seed draws: SHA-256 of the seed and the listing,
        as an unsigned integer, modulo m, plus 1 (a public draw uses numbered balls instead).
        The rounding of a lottery that is not proven is drawn from only with
        ``accept_unproven=True``, as :meth:`Lottery.draw <selectie.lottery.Lottery.draw>`.
        """
        self.lottery.check_drawable(accept_unproven=accept_unproven, call="draw_number")
        text = str(seed).strip()
        if not text or "\n" in text:
            raise InputError(
                _("the seed must be a non-empty single line of text (got {seed!r})").format(
                    seed=seed
                )
            )
        digest = hashlib.sha256(
            f"selectie-uniform-1\nseed {text}\n".encode() + self.listing().encode()
        ).digest()
        return int.from_bytes(digest, "big") % self.m + 1

    def sheet(self, *, markdown: bool = False) -> str:
        """The printable draw sheet: every panel by number, its members by id and name."""
        pool = self.lottery.pool
        head = _(
            "Draw sheet: {m} panels of {k}, each drawn with probability 1/{m}. Draw one "
            "number from 1 to {m}; the panel under that number is selected."
        ).format(m=self.m, k=self.k)
        lines = [f"# {head}" if markdown else head, ""]
        for j, panel in enumerate(self.panels, start=1):
            names = [pool.label(i) for i in panel]
            if markdown:
                lines.append("## " + _("Panel {j}").format(j=j) + "\n")
                lines += [f"{n + 1}. {x}" for n, x in enumerate(names)]
                lines.append("")
            else:
                lines.append(_("Panel {j}").format(j=j) + ":")
                lines += [f"  {x}" for x in names]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """Two lines: the rounding and how far probabilities moved, against the bound; and a
        third when a bound is 1 or more, which bounds nothing (a probability moves by at most
        1 anyway), saying from which M selectie's bound is below 1.
        """
        text = _(
            "uniform lottery over {m} panels rounded from the {method} lottery; every panel "
            "re-checked: {ok}\nlargest change of a person's probability: {change} (selectie's "
            "proven bound (k + 2) / m = {bound}; the paper's bound for its own roundings, "
            "min(k / m, ...), = {paper})"
        ).format(
            m=self.m,
            method=self.lottery.method.value,
            ok=_("yes") if self.ok else _("NO"),
            change=number(self.max_change, 6),
            bound=number(self.bound, 6),
            paper=number(self.paper_bound, 6),
        )
        # The paper's bound is at most k / m, below selectie's: it is vacuous only if both are.
        if self.paper_bound >= 1:
            vacuous = _(
                "both bounds are 1 or more, so they bound nothing (no probability can move by "
                "more than 1); selectie's bound (k + 2) / m is below 1 from m = k + 3 = {m} "
                "panels on"
            )
        elif self.bound >= 1:
            vacuous = _(
                "selectie's bound is 1 or more, so it bounds nothing (no probability can move "
                "by more than 1); (k + 2) / m is below 1 from m = k + 3 = {m} panels on"
            )
        else:
            return text
        return text + "\n" + vacuous.format(m=self.k + 3)

    def to_dict(self, number: int | None = None) -> dict[str, Any]:
        """A JSON-ready record: m, the bound selectie proves and the largest change, each
        person's optimal and uniform probability and change, the m panels (case ids), and
        the drawn panel's ``number`` if given.
        """
        ids = self.lottery.pool.ids
        return {
            "panels_count": self.m,
            "size": self.k,
            "method": self.lottery.method.value,
            "every_panel_checked_ok": self.ok,
            "max_change": self.max_change,
            "bound": self.bound,
            "bound_formula": "(k + 2) / m",
            "bound_vacuous": self.bound >= 1,
            "bound_source": "selectie's own derivation (selectie.lottery.uniform), "
            "not a theorem quoted from Flanigan, Kehne and Procaccia (2021)",
            "paper_bound": self.paper_bound,
            "paper_bound_formula": "min(k / m, sqrt((1 + ln 2 / ln n) / 2) * sqrt(C ln C) / m "
            "+ 1 / m), C = distinct feature vectors (profiles)",
            "paper_bound_source": "Flanigan, Kehne and Procaccia (NeurIPS 2021), for the "
            "paper's own roundings, as computed in their replication code "
            "(compute_theoretical_bounds_indloss); not claimed for selectie's rounding",
            "optimal_probabilities": dict(self.lottery.probabilities),
            "uniform_probabilities": self.probabilities,
            "changes": self.changes,
            "panels": [[ids[i] for i in panel] for panel in self.panels],
            "drawn_number": number,
            "drawn_panel": [ids[i] for i in self.panels[number - 1]]
            if number is not None
            else None,
        }

    def change_rows(self) -> list[list[Any]]:
        """One row per case: id, optimal probability, uniform probability, change."""
        optimal = self.lottery.probabilities
        uniform = self.probabilities
        return [[i, optimal[i], uniform[i], uniform[i] - optimal[i]] for i in optimal]


def paper_bound(*, k: int, m: int, n: int, c: int) -> float:
    """``min(k / m, sqrt((1 + ln 2 / ln n) / 2) * sqrt(c ln c) / m + 1 / m)``: the bound on a
    person's change that Flanigan, Kehne and Procaccia's replication code gives for panel
    size k, m panels, n people and c distinct feature vectors (the second term only for
    n >= 2 and c >= 2, where it is defined and not vacuous).

    >>> paper_bound(k=3, m=10, n=1, c=1)
    0.3
    """
    import math

    beck_fiala = k / m
    if n < 2 or c < 2:
        return beck_fiala
    panel_lp = math.sqrt((1 + math.log(2) / math.log(n)) / 2) * math.sqrt(c * math.log(c)) / m
    return min(beck_fiala, panel_lp + 1 / m)


def round_to_uniform(lottery: Lottery, m: int) -> UniformLottery:
    """Round ``lottery`` to a uniform lottery over ``m`` concrete panels (see the module).

    Two women and four men, one of each on a panel of two: the optimal lottery gives the
    women 1/2 and the men 1/4; over 4 panels every person keeps their probability.

    >>> from selectie import Pool, Quota, Scenario, fair_lottery
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    >>> lot = fair_lottery(pool, Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)]))
    >>> u = round_to_uniform(lot, 4)
    >>> len(u.panels), u.ok, u.max_change
    (4, True, 0.0)
    """
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise InputError(
            _("the number of panels must be a whole number >= 1 (got {m!r})").format(m=m)
        )
    check_panel_count(m)
    if not lottery.ok:
        raise InputError(
            _("this lottery has no support to round (status {status})").format(
                status=lottery.status.value
            ),
            hint=lottery.message or None,
        )
    from ..engine import audit

    k = lottery.scenario.size
    support = lottery.support
    profiles = lottery.profiles
    P = len(profiles)
    A = np.zeros((P, len(support)))
    for c, entry in enumerate(support):
        for t in entry.take:
            A[t.profile, c] = t.count / t.of
    counts = _round_counts(np.array([e.probability for e in support]) * m, A, k, m)
    panels = _deal(lottery, counts.tolist())
    pool = lottery.pool
    checked: dict[tuple[int, ...], Audit] = {}
    for panel in panels:
        if panel not in checked:
            checked[panel] = audit(pool, lottery.scenario, [pool.ids[i] for i in panel])
    return UniformLottery(lottery, m, tuple(panels), tuple(checked[p] for p in panels))


def check_panel_count(m: int, flag: str = "m") -> None:
    """Raise :class:`InputError` if ``m`` exceeds :data:`MAX_PANELS` (``flag``: how the
    caller names it, such as ``--uniform``).

    >>> check_panel_count(1000)
    >>> try:
    ...     check_panel_count(10**9, "--uniform")
    ... except InputError as exc:
    ...     print(exc.summary)
    --uniform 1000000000: at most 100000 panels are supported, found 1000000000
    """
    if m <= MAX_PANELS:
        return
    raise InputError(
        _("{flag} {m}: at most {max} panels are supported, found {m}").format(
            flag=flag, m=m, max=MAX_PANELS
        ),
        hint=_(
            "The panels, the draw and the draw sheet grow with the number of panels (at {max}: "
            "about 12 s CPU, 0.5 GiB of memory and a 100 MB draw sheet for a panel of 45). "
            "Give {flag} {max} or fewer; 1000 is usual for a public draw, and the change of a "
            "probability stays below (k + 2) / M."
        ).format(flag=flag, max=MAX_PANELS),
    )


def _round_counts(x: np.ndarray, A: np.ndarray, k: int, m: int) -> np.ndarray:
    """Whole numbers adding up to m, each profile row moving by less than k + 1."""
    x = x * (m / x.sum())
    base = np.floor(x + _EPS)
    f = np.clip(x - base, 0.0, 1.0)
    f[f < _EPS] = 0.0
    threshold = k + 1
    while True:
        frac = np.nonzero((f > _EPS) & (f < 1 - _EPS))[0]
        if frac.size == 0:
            break
        if frac.size == 1:  # the total is whole, so this cannot really be fractional
            f[frac[0]] = round(f[frac[0]])
            break
        mass = A[:, frac].sum(axis=1)
        active = np.nonzero(mass > threshold)[0]
        M = np.vstack([A[np.ix_(active, frac)], np.ones((1, frac.size))])
        d = _null_vector(M)
        # step until one more entry reaches 0 or 1 (the first to do so, going forward)
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(d > 1e-15, (1 - f[frac]) / d, np.inf)
            down = np.where(d < -1e-15, -f[frac] / d, np.inf)
        step = float(min(up.min(), down.min()))
        f[frac] = f[frac] + step * d
        f[np.abs(f) < _EPS] = 0.0
        f[np.abs(f - 1) < _EPS] = 1.0
    out: np.ndarray = (base + np.round(f)).astype(np.int64)
    if int(out.sum()) != m:  # only rounding noise can do this; repair on the largest entry
        out[int(np.argmax(out))] += m - int(out.sum())
    return np.asarray(out)


def _null_vector(M: np.ndarray) -> np.ndarray:
    """A unit vector d with M d = 0 (M has fewer rows than columns)."""
    rows, cols = M.shape
    use = min(cols, rows + 1)
    sub = M[:, :use]
    _u, _s, vt = np.linalg.svd(sub)
    d = np.zeros(cols)
    d[:use] = vt[-1]
    # a deterministic sign: the first non-zero entry positive
    nz = np.nonzero(np.abs(d) > 1e-12)[0]
    if nz.size and d[nz[0]] < 0:
        d = -d
    return d


def _deal(lottery: Lottery, counts: Sequence[int]) -> list[tuple[int, ...]]:
    """The m concrete panels: each entry repeated by its count, the cases of every profile
    dealt round-robin (in pool order) over the panels that take from it.
    """
    next_of = [0] * len(lottery.profiles)
    panels = []
    for entry, times in zip(lottery.support, counts, strict=True):
        for _copy in range(int(times)):
            chosen: list[int] = []
            for t in entry.take:
                members = lottery.profiles[t.profile].positions
                start = next_of[t.profile]
                chosen.extend(members[(start + j) % len(members)] for j in range(t.count))
                next_of[t.profile] = (start + t.count) % len(members)
            panels.append(tuple(sorted(chosen)))
    return panels
