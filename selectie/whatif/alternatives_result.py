"""The result of :func:`selectie.whatif.alternatives` and its rendering."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ..constraints import ObjectiveValue
from ..i18n import N_, _, ngettext, number
from ..pool import Pool
from ..scenario import Scenario
from ..solve.backend import Status
from ..solve.default import DEFAULT
from .text import objective_text, status_text


@dataclass(frozen=True)
class Alternative:
    """One listed selection: its cases, objective, and how it differs from the best one.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, alternatives
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> second = alternatives(pool, s).selections[1]
    >>> second.rank, second.ids, second.difference()
    (2, ('b', 'c'), '+b -a')
    >>> d = second.to_dict()
    >>> d["selected"], d["added"], d["removed"]
    (['b', 'c'], ['b'], ['a'])
    """

    rank: int
    positions: tuple[int, ...]
    ids: tuple[str, ...]
    objective: ObjectiveValue
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: The values the scenario counts whose count differs from the best selection's, as
    #: ``attribute=value before->after``.
    changes: tuple[str, ...] = ()

    def difference(self) -> str:
        """``+S012 -R05`` against the best selection (empty for the best one)."""
        return " ".join([*(f"+{i}" for i in self.added), *(f"-{i}" for i in self.removed)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: rank, selected ids, objective, added, removed, changes."""
        return {
            "rank": self.rank,
            "selected": list(self.ids),
            "objective": self.objective.to_dict(),
            "added": list(self.added),
            "removed": list(self.removed),
            "changes": list(self.changes),
        }


@dataclass(frozen=True, eq=False)
class Alternatives:
    """The result of :func:`alternatives`: selections best first, all distinct.

    ``exhausted`` is True when no further selection exists (within ``within`` of the best, if
    given); otherwise the list stopped at ``count``.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, alternatives
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> alts = alternatives(pool, s)
    >>> alts.ok, alts.exhausted, [a.ids for a in alts.selections]
    (True, True, [('a', 'c'), ('b', 'c')])
    >>> alts.frequency(), alts.in_all()
    ({'a': 1, 'b': 1, 'c': 2}, ('c',))
    >>> alts.summary()
    '2 distinct selections (no other selection exists); 2 as good as the best'
    >>> [(r["rank"], r["selected"], r["added"]) for r in alts.to_records()]
    [(1, 'a c', ''), (2, 'b c', 'b')]
    >>> alts.to_dict()["in_all"]
    ['c']
    """

    pool: Pool
    scenario: Scenario
    status: Status
    selections: tuple[Alternative, ...] = ()
    exhausted: bool = False
    count: int = 0
    within: float | None = None
    message: str = ""
    reasons: tuple[str, ...] = ()
    solver: str = DEFAULT
    solver_calls: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> bool:
        """True if at least one verified selection was found."""
        return bool(self.selections)

    def frequency(self) -> dict[str, int]:
        """Per case that appears at all, in how many listed selections (pool order)."""
        counts = [0] * len(self.pool)
        for alt in self.selections:
            for i in alt.positions:
                counts[i] += 1
        return {self.pool.ids[i]: c for i, c in enumerate(counts) if c}

    def in_all(self) -> tuple[str, ...]:
        """The cases every listed selection holds."""
        n = len(self.selections)
        return tuple(i for i, c in self.frequency().items() if n and c == n)

    def summary(self) -> str:
        """One sentence: how many selections, why the list ended, how many tie with the best."""
        if not self.selections:
            return status_text(self.status.value, self.message)
        n = len(self.selections)
        best = self.selections[0].objective
        same = sum(1 for a in self.selections if a.objective.parts == best.parts)
        if not self.exhausted:
            end = _("stopped at {n}").format(n=self.count)
        elif self.within is None:
            end = _("no other selection exists")
        else:
            end = _("no other selection exists within {d} of the best").format(
                d=number(self.within, None)
            )
        text = ngettext(
            "{n} distinct selection ({end}); {same} as good as the best",
            "{n} distinct selections ({end}); {same} as good as the best",
            n,
        ).format(n=n, end=end, same=same)
        return text + (f" ({objective_text(best)})" if best.parts else "")

    def __str__(self) -> str:
        lines = [self.summary()]
        lines += [f"  - {r}" for r in self.reasons]
        if not self.selections:
            return "\n".join(lines)
        for alt in self.selections:
            head = f"#{alt.rank}"
            obj = objective_text(alt.objective)
            if alt.rank == 1:
                lines.append(f"{head} {obj}: {' '.join(alt.ids)}".replace(" :", ":"))
            else:
                shown = alt.changes[:4] + (("...",) if len(alt.changes) > 4 else ())
                why = f" ({', '.join(shown)})" if shown else ""
                lines.append(f"{head} {obj}: {alt.difference()}{why}".replace(" :", ":"))
        n = len(self.selections)
        lines.append(
            ngettext(
                "cases in the {n} selection (how many hold each):",
                "cases in the {n} selections (how many hold each):",
                n,
            ).format(n=n)
        )
        for case_id, c in self.frequency().items():
            label = self.pool.label(self.pool.position(case_id))
            lines.append(f"  {c:>{len(str(n))}}/{n} {label}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{a.rank}</td><td>{html.escape(objective_text(a.objective))}</td>"
            f"<td>{html.escape(' '.join(a.ids) if a.rank == 1 else a.difference())}</td></tr>"
            for a in self.selections
        )
        th = "".join(f"<th>{html.escape(_(h))}</th>" for h in _HTML_HEADERS)
        return (
            f"<p><b>{html.escape(self.summary())}</b></p><table><thead><tr>{th}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per selection: rank, the objective's parts, the difference, the cases."""
        return [
            {
                "rank": a.rank,
                **a.objective.parts,
                "added": " ".join(a.added),
                "removed": " ".join(a.removed),
                "changes": "; ".join(a.changes),
                "selected": " ".join(a.ids),
            }
            for a in self.selections
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "summary": self.summary(),
            "exhausted": self.exhausted,
            "count": self.count,
            "within": self.within,
            "selections": [a.to_dict() for a in self.selections],
            "frequency": self.frequency(),
            "in_all": list(self.in_all()),
            "solver": {"name": self.solver, "calls": self.solver_calls},
        }


#: Column headers of the notebook table of :class:`Alternatives`.
_HTML_HEADERS = ("#", N_("objective"), N_("cases (after #1: difference)"))
