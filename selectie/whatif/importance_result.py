"""The result of :func:`selectie.whatif.importance`, its rendering, and the reasons it gives."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..constraints import CompiledScenario, Kind, ObjectiveValue
from ..i18n import N_, _, ngettext, number
from ..pool import Pool
from ..result import Selection
from ..scenario import Scenario
from ..solve.backend import Status, limit_advice
from ..solve.default import DEFAULT
from .program import Program
from .text import objective_text, part_name, status_text


class Unsettled(StrEnum):
    """What a time limit left unproven about a case (:func:`importance`'s ``time_limit``)."""

    #: An unselected case not seen in a valid selection: possible or impossible.
    POSSIBLE = "possible"
    #: A case of the best selection with no valid selection without it found yet.
    IRREPLACEABLE = "irreplaceable"
    #: A replaceable case of the best selection whose replacement cost is not proven.
    COST = "cost"


#: The verdict of a case a time limit left unsettled, by what it left open.
_UNSETTLED_VERDICTS = {
    Unsettled.POSSIBLE: N_("not settled within the time limit: possible or impossible"),
    Unsettled.IRREPLACEABLE: N_(
        "not settled within the time limit: irreplaceable, or replaceable at some cost"
    ),
    Unsettled.COST: N_("replaceable; its cost was not proven within the time limit"),
}


def limit_message(
    time_limit: float | None, solver: str, unsettled: int | None, best: Selection | None = None
) -> str:
    """What a time limit left of an importance question: ``unsettled`` cases not settled,
    or (None) no case weighed, as the best selection was not proven first; then what it left
    of the ``best`` selection's own solve (its tie-break), if anything.

    >>> limit_message(2.0, "highs", 3).split(";")[0]
    'the time limit (2 s) was reached before 3 cases were settled'
    """
    seconds = f"{time_limit or 0.0:g}"  # as the lexicographic loop writes it
    if unsettled is None:
        text = _(
            "the time limit ({seconds} s) was reached before the best selection was proven, "
            "so no case was weighed"
        ).format(seconds=seconds)
    else:
        text = ngettext(
            "the time limit ({seconds} s) was reached before {n} case was settled",
            "the time limit ({seconds} s) was reached before {n} cases were settled",
            unsettled,
        ).format(seconds=seconds, n=unsettled)
    if best is not None and best.message:  # the limit had come before its ties were broken
        return f"{text}; {best.message}"
    return f"{text}; {limit_advice(solver)}"


@dataclass(frozen=True)
class CaseImportance:
    """How much one case matters to a scenario.

    ``irreplaceable``: every valid selection holds it. ``impossible``: no valid selection
    does. ``loss`` (for the cases of the best selection that are not irreplaceable): how much
    worse each objective stage gets when the case is kept out (0 when another selection is as
    good); ``replaced_by`` are the cases the best selection without it takes in.
    ``unsettled`` (None when all is proven) says what a time limit left open about the case;
    its flags and loss then claim only what was proven (a cost not proven is None, never a
    value).

    >>> c = CaseImportance("R05", "", selected=True, loss={"total": 2.0}, replaced_by=("S01",))
    >>> c.costly, c.indispensable, c.verdict()
    (True, True, 'replaceable at a cost: total worse by 2')
    >>> free = CaseImportance("R06", "", selected=True, loss={"total": 0.0})
    >>> free.costly, free.indispensable, free.verdict(), free.to_dict()["verdict"]
    (False, False, 'replaceable at no cost', 'replaceable at no cost')
    """

    id: str
    label: str
    selected: bool
    irreplaceable: bool = False
    impossible: bool = False
    loss: dict[str, float] | None = None
    replaced_by: tuple[str, ...] = ()
    reason: str = ""
    unsettled: Unsettled | None = None

    @property
    def costly(self) -> bool:
        """True if keeping the case out makes the best selection worse."""
        return bool(self.loss) and any(v > 1e-9 for v in (self.loss or {}).values())

    @property
    def indispensable(self) -> bool:
        """Irreplaceable, or the best selection gets worse without it."""
        return self.irreplaceable or self.costly

    def verdict(self) -> str:
        """In words: irreplaceable, impossible, replaceable (at a cost, or not), or possible;
        or what a time limit left unsettled.

        >>> CaseImportance("R01", "", selected=True, unsettled=Unsettled.COST).verdict()
        'replaceable; its cost was not proven within the time limit'
        """
        if self.unsettled is not None:
            return _(_UNSETTLED_VERDICTS[self.unsettled])
        if self.irreplaceable:
            return _("irreplaceable")
        if self.impossible:
            return _("impossible")
        if self.costly:
            lost = ", ".join(
                _("{stage} worse by {v}").format(stage=part_name(k), v=number(v, None))
                for k, v in (self.loss or {}).items()
                if v
            )
            return _("replaceable at a cost: {loss}").format(loss=lost)
        if self.selected:
            return _("replaceable at no cost")
        return _("possible")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the case's findings, with its verdict."""
        return {
            "id": self.id,
            "selected": self.selected,
            "verdict": self.verdict(),
            "irreplaceable": self.irreplaceable,
            "impossible": self.impossible,
            "loss": self.loss,
            "replaced_by": list(self.replaced_by),
            "reason": self.reason,
            "unsettled": None if self.unsettled is None else self.unsettled.value,
        }


@dataclass(frozen=True, eq=False)
class Importance:
    """The result of :func:`importance`: one :class:`CaseImportance` per case, pool order.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, importance
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> imp = importance(pool, s)
    >>> [(c.id, c.verdict()) for c in imp.cases]
    [('a', 'replaceable at no cost'), ('b', 'possible'), ('c', 'irreplaceable')]
    >>> [c.id for c in imp.irreplaceable], imp.impossible, [c.id for c in imp.indispensable]
    (['c'], (), ['c'])
    >>> imp.case("a").replaced_by
    ('b',)
    >>> [r["verdict"] for r in imp.to_records()] == [c.verdict() for c in imp.cases]
    True
    >>> imp.to_dict()["irreplaceable"]
    ['c']
    """

    pool: Pool
    scenario: Scenario
    status: Status
    cases: tuple[CaseImportance, ...] = ()
    best: tuple[str, ...] = ()
    objective: ObjectiveValue | None = None
    message: str = ""
    reasons: tuple[str, ...] = ()
    solver: str = DEFAULT
    solver_calls: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def irreplaceable(self) -> tuple[CaseImportance, ...]:
        """The cases every valid selection holds."""
        return tuple(c for c in self.cases if c.irreplaceable)

    @property
    def impossible(self) -> tuple[CaseImportance, ...]:
        """The cases no valid selection holds."""
        return tuple(c for c in self.cases if c.impossible)

    @property
    def indispensable(self) -> tuple[CaseImportance, ...]:
        """Irreplaceable cases, and those without which the best selection gets worse."""
        return tuple(c for c in self.cases if c.indispensable)

    @property
    def unsettled(self) -> tuple[CaseImportance, ...]:
        """The cases a time limit left unsettled (empty without one)."""
        return tuple(c for c in self.cases if c.unsettled is not None)

    def case(self, case_id: str) -> CaseImportance:
        """The entry of one case (by id)."""
        pos = self.pool.position(case_id)
        return self.cases[pos]

    def __str__(self) -> str:
        if not self.cases:
            lines = [status_text(self.status.value, self.message)]
            return "\n".join(lines + [f"  - {r}" for r in self.reasons])
        objective = objective_text(self.objective)
        lines = [
            (
                _("best selection ({objective}): {cases}").format(
                    objective=objective, cases=" ".join(self.best)
                )
                if objective
                else _("best selection: {cases}").format(cases=" ".join(self.best))
            ),
            _("irreplaceable (in every valid selection): {n}").format(n=len(self.irreplaceable)),
        ]
        lines += [f"  {c.label}: {c.reason}" for c in self.irreplaceable]
        costly = [c for c in self.cases if c.costly]
        lines.append(_("replaceable only at a cost to the objective: {n}").format(n=len(costly)))
        for c in costly:
            lines.append(f"  {c.label}: {c.verdict()}; {c.reason}")
        free = [c for c in self.cases if c.selected and not c.indispensable and c.loss is not None]
        lines.append(_("replaceable at no cost: {n}").format(n=len(free)))
        for c in free:
            lines.append(f"  {c.label}: {c.reason}")
        lines.append(_("impossible (in no valid selection): {n}").format(n=len(self.impossible)))
        lines += [f"  {c.label}: {c.reason}" for c in self.impossible]
        if self.unsettled:
            lines.append(_("not settled within the time limit: {n}").format(n=len(self.unsettled)))
            lines += [f"  {c.label}: {c.verdict()}" for c in self.unsettled]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.label)}</td><td>{html.escape(c.verdict())}</td>"
            f"<td>{html.escape(c.reason)}</td></tr>"
            for c in self.cases
            if c.selected or c.impossible or c.irreplaceable
        )
        th = "".join(f"<th>{html.escape(_(h))}</th>" for h in _HTML_HEADERS)
        return (
            f"<p><b>{html.escape(str(self).splitlines()[0])}</b></p><table><thead><tr>{th}"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per case: id, name, verdict, flags, loss per objective stage, reason."""
        if not self.cases:  # no feasible selection: nothing was judged case by case
            return []
        stages = sorted({k for c in self.cases for k in (c.loss or {})})
        rows = []
        for c, name in zip(self.cases, self.pool.names, strict=True):
            row: dict[str, Any] = {
                "id": c.id,
                "name": name or "",
                "selected": c.selected,
                "verdict": c.verdict(),
                "irreplaceable": c.irreplaceable,
                "impossible": c.impossible,
            }
            for k in stages:
                row[f"loss_{k}"] = "" if c.loss is None else c.loss.get(k, 0.0)
            row["replaced_by"] = " ".join(c.replaced_by)
            row["reason"] = c.reason
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "best": list(self.best),
            "objective": self.objective.to_dict() if self.objective else None,
            "irreplaceable": [c.id for c in self.irreplaceable],
            "indispensable": [c.id for c in self.indispensable],
            "impossible": [c.id for c in self.impossible],
            "unsettled": [c.id for c in self.unsettled],
            "cases": [c.to_dict() for c in self.cases],
            "solver": {"name": self.solver, "calls": self.solver_calls},
        }


#: Column headers of the notebook table of :class:`Importance`.
_HTML_HEADERS = (N_("case"), N_("verdict"), N_("reason"))


def _bridge_words(compiled: CompiledScenario, origin: str) -> str:
    """What a bridge of a bridges entry (``bridges[k]``) is, in words."""
    br = compiled.scenario.bridges[int(origin.partition("[")[2].rstrip("]"))]
    return _("an unselected case with the same {via} and another {across}").format(
        via=br.via, across=br.across
    )


def case_reason(
    compiled: CompiledScenario,
    prog: Program,  # noqa: ARG001 - the signature the importance questions share
    i: int,
    entry: CaseImportance,
    first: tuple[int, ...],
    losses: dict[int, tuple[dict[str, float], tuple[int, ...]]],
) -> str:
    """Why a case matters, when a single constraint or objective value shows it."""
    excluded = set(compiled.exclude)
    if entry.irreplaceable:
        for c in compiled.constraints:
            if c.kind is Kind.INCLUDE and c.members == (i,):
                return _("included by the scenario")
        for c in compiled.constraints:
            if c.kind in (Kind.QUOTA, Kind.COVERAGE, Kind.COMBINATION) and i in c.members and c.lo:
                avail = [j for j in c.members if j not in excluded]
                if c.lo >= len(avail):
                    if len(avail) == 1:
                        return _("the only case with {name} ({required} required)").format(
                            name=c.name, required=c.required
                        )
                    return _("one of only {n} cases with {name} ({required} required)").format(
                        n=len(avail), name=c.name, required=c.required
                    )
        return _("no valid selection leaves it out (no single constraint forces it)")
    if entry.impossible:
        for c in compiled.constraints:
            if c.kind is Kind.EXCLUDE and c.members == (i,):
                return _("excluded by the scenario")
            if c.kind is Kind.BRIDGES and c.case == i and (c.lo or 0) > len(c.members):
                n = len(c.members)
                return ngettext(
                    "needs at least {n} bridge ({what}) but has {has}",
                    "needs at least {n} bridges ({what}) but has {has}",
                    c.lo or 0,
                ).format(n=c.lo, what=_bridge_words(compiled, c.origin), has=n or _("none"))
            if c.kind not in (Kind.BRIDGES, Kind.SIZE) and c.hi == 0 and i in c.members:
                return _("{name}: at most 0 allowed").format(name=c.name)
        return _("no valid selection holds it (no single constraint rules it out)")
    if entry.selected and entry.loss is not None:
        rb = ", ".join(entry.replaced_by) or _("no case")
        if not entry.costly:
            return _("as good without it: {cases} in its place").format(cases=rb)
        # The objective's values that a best selection without it serves worse.
        _loss, without = losses[i]
        after_set = set(without)
        own: list[str] = []
        other: list[str] = []
        for cell in compiled.objective.cells:
            before = len(set(first).intersection(cell.members))
            after = len(after_set.intersection(cell.members))
            if cell.target is not None:
                worse = abs(after - cell.target) > abs(before - cell.target)
                what = _("{label} {after} instead of {before} (target {target})").format(
                    label=cell.label, after=after, before=before, target=cell.target
                )
            else:
                worse = after < before
                what = _("{label} held {after} instead of {before} times").format(
                    label=cell.label, after=after, before=before
                )
            if worse:
                what += _("; the pool has {n}").format(n=cell.available)
                (own if i in cell.members else other).append(what)
        changed = len(set(first) - after_set)
        swap = ngettext(
            "a best selection without it replaces {n} case",
            "a best selection without it replaces {n} cases",
            changed,
        ).format(n=changed)
        if own:
            return _("without it: {changes} ({swap})").format(changes="; ".join(own[:3]), swap=swap)
        if other:
            return _("{swap}, which moves {changes}").format(
                swap=swap, changes="; ".join(other[:3])
            )
        return _("the objective gets worse without it ({swap})").format(swap=swap)
    return ""
