"""How much freedom a scenario leaves: was a given selection forced, or one of many?

:func:`freedom` answers the question a reader of the WODC report asks about its 13 projects
(or about any selection ``ids``), under a scenario (by default the report's stated criteria):

- per selected case: can it be replaced one for one, keeping the other cases, with every
  constraint still met (each swap checked in plain Python, as :func:`selectie.audit` checks
  a selection)? By which cases, and how many of them are documented rather than synthetic?
  A case without such a swap is asked of :func:`selectie.importance` (a solver): is it in
  every valid selection (forced)?
- across all valid selections: how many are there, and how often is each case in them.
  Counts come from :func:`selectie.counting.count_selections`, exact dynamic programming
  over the constraints. Among the documented cases (synthetic rows left out) the count and
  the frequencies are exact. Over the whole pool the count is exact when no selected case can
  lose all its bridges; otherwise it is given as a proven range: at least the exact number of
  valid selections that avoid such cases, at most the number with bridges not counted.

>>> from selectie import load_pool, load_scenario
>>> f = freedom(load_pool(), load_scenario())
>>> f.base_valid, len(f.cases), len(f.forced)
(True, 13, 0)
>>> f.documented.exact, f.documented.count > 1000
(True, True)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .constraints import CompiledScenario, Kind, compile_scenario
from .counting import SelectionCount, count_selections, fragile_bridges
from .errors import ScenarioError
from .i18n import N_, _, ngettext, number
from .pool import Pool
from .scenario import Scenario
from .solve.default import DEFAULT

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CaseFreedom",
    "Count",
    "Freedom",
    "Relation",
    "documented",
    "freedom",
    "relation_to_report",
    "report_ids",
]

#: Values of ``source`` that mark a documented (not synthetic) row of the bundled pool.
DOCUMENTED = ("rapport", "openbaar", "rapport-afgeleid")


def documented(pool: Pool, i: int) -> bool:
    """True if case ``i`` is documented: its ``source`` is rapport, openbaar or
    rapport-afgeleid. Pools without a ``source`` attribute count every case as documented.

    >>> from selectie import load_pool
    >>> pool = load_pool()
    >>> documented(pool, pool.position("R01")), documented(pool, pool.position("S001"))
    (True, False)
    """
    if "source" not in pool.values:
        return True
    return bool((pool.values["source"][i] or frozenset()) & set(DOCUMENTED))


def report_ids(pool: Pool) -> tuple[str, ...]:
    """The cases the pool marks ``selected_in_report = ja`` (the report's 13), pool order.

    >>> from selectie import load_pool
    >>> len(report_ids(load_pool()))
    13
    """
    if "selected_in_report" not in pool.values:
        return ()
    marks = pool.values["selected_in_report"]
    return tuple(pool.ids[i] for i, v in enumerate(marks) if v is not None and "ja" in v)


@dataclass(frozen=True)
class Count:
    """A number of valid selections: exact, or a proven range ``low``..``high``.

    >>> Count(low=5, high=5, method="m").text()
    'exactly 5'
    >>> Count(low=5, high=9, method="m").text()
    'at least 5 (at most 9)'
    """

    low: int
    high: int | None
    #: How the number was found: an English message id (``{n}``: :attr:`fragile`).
    method: str
    #: The number of cases left out of a lower bound (see :func:`_whole`).
    fragile: int = 0

    @property
    def exact(self) -> bool:
        """True if the number is known exactly."""
        return self.high == self.low

    @property
    def count(self) -> int:
        """The exact number, or the proven lower bound."""
        return self.low

    def text(self) -> str:
        """``exactly N`` or ``at least N (at most M)``, with thousands separators (in the
        language in use).
        """
        if self.exact:
            return _("exactly {n}").format(n=number(self.low))
        low = _("at least {n}").format(n=number(self.low))
        if self.high is None:
            return low
        return "{low} ({high})".format(low=low, high=_("at most {n}").format(n=number(self.high)))

    def method_text(self) -> str:
        """How the number was found, in the language in use."""
        return _(self.method).format(n=self.fragile)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (numbers as integers)."""
        return {
            "exact": self.exact,
            "low": self.low,
            "high": self.high,
            "method": self.method_text(),
        }


@dataclass(frozen=True)
class CaseFreedom:
    """One case of the selection: its one-for-one replacements, and whether it is forced.

    ``forced`` is True when every valid selection holds the case, False when a valid selection
    without it is known (a swap, or the solver's answer); ``documented_share`` is the share of
    the valid selections of documented cases that hold it (None if not computed).
    """

    id: str
    label: str
    replacements: tuple[str, ...]
    documented_replacements: tuple[str, ...]
    forced: bool
    documented_forced: bool
    documented_share: float | None = None
    reason: str = ""

    def verdict(self) -> str:
        """In words: forced, or how many one-for-one replacements there are."""
        if self.forced:
            return _("forced (in every valid selection)")
        n, d = len(self.replacements), len(self.documented_replacements)
        if n == 0:
            return _("not forced, but no one-for-one replacement")
        return ngettext(
            "replaceable one for one by {n} case ({d} documented)",
            "replaceable one for one by {n} cases ({d} documented)",
            n,
        ).format(n=n, d=d)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "forced": self.forced,
            "forced_among_documented": self.documented_forced,
            "replacements": list(self.replacements),
            "documented_replacements": list(self.documented_replacements),
            "share_of_documented_selections": self.documented_share,
            "verdict": self.verdict(),
            "reason": self.reason,
        }


@dataclass(frozen=True, eq=False)
class Freedom:
    """The result of :func:`freedom`."""

    pool: Pool
    scenario: Scenario
    ids: tuple[str, ...]
    base_valid: bool
    failures: tuple[str, ...]
    cases: tuple[CaseFreedom, ...]
    whole: Count
    documented: Count
    #: Per documented case, in how many valid selections of documented cases it is.
    documented_frequency: dict[str, int] = field(default_factory=dict)
    solver_calls: int = 0

    @property
    def forced(self) -> tuple[CaseFreedom, ...]:
        """The cases every valid selection holds."""
        return tuple(c for c in self.cases if c.forced)

    def case(self, case_id: str) -> CaseFreedom:
        """The entry of one selected case (by id)."""
        for c in self.cases:
            if c.id == case_id:
                return c
        raise KeyError(case_id)

    def summary(self) -> str:
        """Two sentences: how many of the selection are forced, and how many valid
        selections there are.
        """
        name = self.scenario.name or _("the scenario")
        if not self.base_valid:
            return _("The selection ({n} cases) does not meet {name}: {failures}").format(
                n=len(self.ids), name=name, failures="; ".join(self.failures[:3])
            )
        k = len(self.forced)
        kd = sum(1 for c in self.cases if c.documented_forced)
        swap = sum(1 for c in self.cases if c.replacements)
        return ngettext(
            "{k} of the {n} cases is forced by {name} ({kd} if only documented cases may be "
            "chosen); {swap} can be replaced one for one. Valid selections: {documented} from "
            "documented cases alone, {whole} from the whole pool.",
            "{k} of the {n} cases are forced by {name} ({kd} if only documented cases may be "
            "chosen); {swap} can be replaced one for one. Valid selections: {documented} from "
            "documented cases alone, {whole} from the whole pool.",
            k,
        ).format(
            k=k,
            n=len(self.ids),
            name=name,
            kd=kd,
            swap=swap,
            documented=self.documented.text(),
            whole=self.whole.text(),
        )

    def _share(self, c: CaseFreedom) -> str:
        return "" if c.documented_share is None else number(100 * c.documented_share, 1) + "%"

    def __str__(self) -> str:
        from .export import _text_table

        lines = [self.summary(), ""]
        if self.base_valid:
            yes, no = _("yes"), _("no")
            rows = [
                [
                    c.label,
                    yes if c.forced else no,
                    yes if c.documented_forced else no,
                    len(c.replacements),
                    len(c.documented_replacements),
                    self._share(c),
                ]
                for c in self.cases
            ]
            headers = [_(h) for h in _HEADERS]
            lines += _text_table(rows, headers).splitlines()
            lines.append("")
            for c in self.cases:
                docs = ", ".join(c.documented_replacements[:8])
                more = len(c.documented_replacements) - 8
                docs += _(" and {n} more").format(n=more) if more > 0 else ""
                tail = _("; documented: {cases}").format(cases=docs) if docs else ""
                lines.append(f"- {c.id}: {c.verdict()}{tail}")
        lines += ["", _("How the numbers were found:")]
        lines.append(
            _("- documented cases only: {method}").format(method=self.documented.method_text())
        )
        lines.append(_("- whole pool: {method}").format(method=self.whole.method_text()))
        lines.append(
            _(
                "- one-for-one swaps: each of the selection's cases exchanged for each other "
                "case, every constraint re-checked in plain Python"
            )
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        yes, no = e(_("yes")), e(_("no"))
        rows = "".join(
            f"<tr><td>{e(c.label)}</td><td>{yes if c.forced else no}</td>"
            f"<td>{yes if c.documented_forced else no}</td><td>{len(c.replacements)}</td>"
            f"<td>{len(c.documented_replacements)}</td><td>{e(self._share(c))}</td>"
            f"<td>{e(', '.join(c.documented_replacements[:6]))}</td></tr>"
            for c in self.cases
        )
        head = "".join(f"<th>{e(_(h))}</th>" for h in _HTML_HEADERS)
        foot = _("documented: {documented}; whole pool: {whole}").format(
            documented=self.documented.method_text(), whole=self.whole.method_text()
        )
        return (
            f"<p><b>{e(self.summary())}</b></p><table><thead><tr>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table><p><small>{e(foot)}</small></p>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per selected case."""
        return [
            {
                "id": c.id,
                "label": c.label,
                "forced": c.forced,
                "forced_among_documented": c.documented_forced,
                "swaps": len(c.replacements),
                "documented_swaps": len(c.documented_replacements),
                "share_of_documented_selections": c.documented_share,
                "documented_replacements": " ".join(c.documented_replacements),
            }
            for c in self.cases
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "scenario": self.scenario.name,
            "selection": list(self.ids),
            "valid": self.base_valid,
            "failures": list(self.failures),
            "summary": self.summary(),
            "forced": [c.id for c in self.forced],
            "cases": [c.to_dict() for c in self.cases],
            "valid_selections": {
                "documented_only": self.documented.to_dict(),
                "whole_pool": self.whole.to_dict(),
            },
            "documented_frequency": self.documented_frequency,
            "solver_calls": self.solver_calls,
        }

    def plot(self, path: str | None = None) -> Figure:
        """A bar chart: per documented case, the share of valid selections of documented
        cases that hold it; the selection's cases dark, others light. Needs matplotlib.
        """
        from .plot import save_figure

        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError:  # pragma: no cover - matplotlib is installed for the tests
            from .errors import SelectieError

            raise SelectieError(
                "plotting needs matplotlib; install it with pip install 'selectie[plot]'"
            ) from None
        total = self.documented.count
        items = sorted(
            self.documented_frequency.items(),
            key=lambda kv: (-kv[1], self.pool.position(kv[0])),
        )
        chosen = set(self.ids)
        fig = Figure(figsize=(9.0, 0.26 * max(len(items), 4) + 1.6))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        labels = [_short(self.pool.label(self.pool.position(k)), 55) for k, _ in items]
        shares = [100.0 * v / total if total else 0.0 for _, v in items]
        colours = ["#1f4e79" if k in chosen else "#9ecae1" for k, _ in items]
        ax.barh(range(len(items)), shares, color=colours)
        ax.set_yticks(range(len(items)), labels=labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(_("share of the valid selections of documented cases that hold the case (%)"))
        for y, s in enumerate(shares):
            inside = s > 88
            ax.text(
                s - 1 if inside else s + 1,
                y,
                number(s) + "%",
                va="center",
                ha="right" if inside else "left",
                color="white" if inside else "black",
                fontsize=7,
            )
        ax.set_title(
            _(
                "{scenario}: {count} valid selections of documented cases\n(dark: the "
                "selection examined; light: other documented cases)"
            ).format(scenario=self.scenario.name or _("scenario"), count=self.documented.text()),
            fontsize=9,
        )
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
        return fig


#: Column headers of the text table of :class:`Freedom`.
_HEADERS = (
    N_("case"),
    N_("forced"),
    N_("forced among documented"),
    N_("swaps"),
    N_("documented swaps"),
    N_("share of documented selections"),
)
#: Column headers of its notebook table.
_HTML_HEADERS = (
    N_("case"),
    N_("forced"),
    N_("forced among documented"),
    N_("one-for-one swaps"),
    N_("of them documented"),
    N_("share of documented selections"),
    N_("documented replacements"),
)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _swaps(compiled: CompiledScenario, base: Sequence[int]) -> dict[int, list[int]]:
    """Per case of ``base``, the cases that replace it one for one with every constraint met.

    Candidates are screened by counting members, then every swap found is confirmed with
    :meth:`~selectie.constraints.CompiledScenario.check` (the plain-Python re-check).
    """
    n = len(compiled.pool)
    chosen = set(base)
    plain = [
        (frozenset(c.members), c.lo, c.hi)
        for c in compiled.constraints
        if c.kind is not Kind.BRIDGES
    ]
    bridges = [
        (c.case, frozenset(c.members), c.lo or 0)
        for c in compiled.constraints
        if c.kind is Kind.BRIDGES
    ]

    def fine(sel: set[int]) -> bool:
        for members, lo, hi in plain:
            k = len(members.intersection(sel))
            if (lo is not None and k < lo) or (hi is not None and k > hi):
                return False
        return all(case not in sel or len(members - sel) >= lo for case, members, lo in bridges)

    out: dict[int, list[int]] = {}
    for i in base:
        rest = chosen - {i}
        ok = []
        for j in range(n):
            if j in chosen or not fine(rest | {j}):
                continue
            if all(c.satisfied for c in compiled.check(rest | {j})):
                ok.append(j)
        out[i] = ok
    return out


def freedom(
    pool: Pool,
    scenario: Scenario,
    ids: Iterable[str] | None = None,
    *,
    solver: str = DEFAULT,
    max_states: int = 400_000,
) -> Freedom:
    """How much freedom ``scenario`` leaves around the selection ``ids`` (default: the
    pool's ``selected_in_report = ja`` cases, the report's 13).

    Raises :class:`~selectie.errors.ScenarioError` for unknown ids or a scenario that does
    not fit the pool.
    """
    from .engine import audit

    chosen = tuple(ids) if ids is not None else report_ids(pool)
    if not chosen:
        raise ScenarioError(
            _("no selection to examine: give ids, or use a pool with selected_in_report = ja")
        )
    result = audit(pool, scenario, chosen)
    compiled = compile_scenario(pool, scenario)
    base = sorted(pool.position(i) for i in chosen)
    synthetic = [i for i in range(len(pool)) if not documented(pool, i)]
    doc_count, doc_freq = _documented(compiled, synthetic, max_states)
    whole = _whole(compiled, max_states)
    if not result.ok:
        return Freedom(
            pool,
            scenario,
            tuple(pool.ids[i] for i in base),
            False,
            tuple(c.sentence() for c in result.failures),
            (),
            whole,
            doc_count,
            doc_freq,
        )
    swaps = _swaps(compiled, base)
    calls = 0
    no_swap = [i for i in base if not swaps[i]]
    forced_ids: set[str] = set()
    reasons: dict[str, str] = {}
    if no_swap:
        from .whatif import importance

        imp = importance(pool, scenario.with_objective("feasibility"), solver=solver)
        calls = imp.solver_calls
        for i in no_swap:
            entry = imp.case(pool.ids[i])
            if entry.irreplaceable:
                forced_ids.add(pool.ids[i])
                reasons[pool.ids[i]] = entry.reason
    cases = []
    total = doc_count.count
    synth = set(synthetic)
    for i in base:
        case_id = pool.ids[i]
        reps = swaps[i]
        share = None
        if doc_count.exact and i not in synth and total:
            share = doc_freq.get(case_id, 0) / total
        cases.append(
            CaseFreedom(
                case_id,
                pool.label(i),
                tuple(pool.ids[j] for j in reps),
                tuple(pool.ids[j] for j in reps if j not in synth),
                case_id in forced_ids,
                bool(doc_count.exact and total and doc_freq.get(case_id, 0) == total),
                share,
                reasons.get(case_id, ""),
            )
        )
    return Freedom(
        pool,
        scenario,
        tuple(pool.ids[i] for i in base),
        True,
        (),
        tuple(cases),
        whole,
        doc_count,
        doc_freq,
        calls,
    )


def _documented(
    compiled: CompiledScenario, synthetic: Sequence[int], max_states: int
) -> tuple[Count, dict[str, int]]:
    """The exact count of valid selections of documented cases, and each case's frequency."""
    pool = compiled.pool
    method = N_(
        "dynamic programming over the constraints, synthetic rows never selected "
        "(they still count as bridges); exact"
    )
    res = count_selections(compiled, forbidden=synthetic, max_states=max_states)
    if not res.exact:
        return Count(0, None, _UNKNOWN), {}
    freq: dict[str, int] = {}
    if res.count:
        synth = set(synthetic)
        for i in range(len(pool)):
            if i in synth:
                continue
            k = count_selections(compiled, forbidden=synthetic, forced=[i], max_states=max_states)
            freq[pool.ids[i]] = k.count
    return Count(res.count, res.count, method), freq


def _whole(compiled: CompiledScenario, max_states: int) -> Count:
    """The count over the whole pool: exact, or a proven lower bound."""
    fragile = fragile_bridges(compiled)
    if not fragile:
        exact = count_selections(compiled, max_states=4 * max_states)
        if exact.exact:
            return Count(
                exact.count, exact.count, N_("dynamic programming over the constraints; exact")
            )
        return Count(0, None, _UNKNOWN)
    low: SelectionCount = count_selections(
        compiled, forbidden=fragile, bridges=False, max_states=4 * max_states
    )
    if not low.exact:
        return Count(0, None, _UNKNOWN)
    return Count(
        low.count,
        None,
        N_(
            "a proven lower bound by dynamic programming: the exact number of valid "
            "selections that leave out the {n} cases whose bridges could all be taken by the "
            "rest of a selection (every such selection meets every constraint)"
        ),
        fragile=len(fragile),
    )


_UNKNOWN = N_("the count grew beyond its state limit; unknown")


@dataclass(frozen=True)
class Relation:
    """How a selection relates to the report's own (the pool's ``selected_in_report = ja``).

    ``same`` when both hold the same cases; otherwise ``missing`` (the report's cases not
    selected), ``added`` (selected cases the report did not choose) and ``why``.
    """

    report: tuple[str, ...]
    same: bool
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    why: str = ""

    def text(self) -> str:
        """A short paragraph for the terminal."""
        n = len(self.report)
        hint = _(
            "Whether the criteria force them (which projects are forced, which could be "
            "swapped, how many valid selections exist): selectie freedom"
        )
        if self.same:
            head = _(
                "Relation to the report's {n}: the same {n} projects. They meet every "
                "constraint, and among equally good selections the tie-break takes them first "
                "(preferred cases, then pool order, where the report's rows come first)."
            ).format(n=n)
        else:
            head = _(
                "Relation to the report's {n}: {k} of the report's {n} selected; not selected: "
                "{missing}; instead: {added}."
            ).format(
                n=n,
                k=n - len(self.missing),
                missing=", ".join(self.missing),
                added=", ".join(self.added),
            )
            head += f" {self.why}"
        return f"{head}\n{hint}\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "report_selection": list(self.report),
            "same": self.same,
            "not_selected": list(self.missing),
            "selected_instead": list(self.added),
            "why": self.why,
            "freedom_command": "selectie freedom",
        }


def relation_to_report(selection: Any) -> Relation | None:
    """How ``selection`` (a :class:`~selectie.result.Selection`) relates to the report's
    selection in its pool; None when the pool marks none or there is no selection.

    >>> from selectie import load_pool, load_scenario, select
    >>> rel = relation_to_report(select(load_pool(), load_scenario()))
    >>> rel.same, rel.text().splitlines()[0][:48]
    (True, "Relation to the report's 13: the same 13 project")
    """
    from .engine import audit

    pool = selection.pool
    report = report_ids(pool)
    if not report or not selection.ok:
        return None
    chosen = set(selection.ids)
    missing = tuple(i for i in report if i not in chosen)
    added = tuple(i for i in selection.ids if i not in set(report))
    if not missing and not added:
        return Relation(report, True)
    checked = audit(pool, selection.scenario, report)
    if not checked.ok:
        failed = [c.sentence() for c in checked.failures]
        why = ngettext(
            "The report's {n} miss {k} constraint of this scenario: {failed}.",
            "The report's {n} miss {k} constraints of this scenario: {failed}.",
            len(failed),
        ).format(
            n=len(report),
            k=len(failed),
            failed="; ".join(failed[:3]) + ("; ..." if len(failed) > 3 else ""),
        )
    else:
        ours, theirs = selection.objective, checked.objective
        if ours is not None and theirs is not None and ours.parts != theirs.parts:
            a = ", ".join(f"{k} {v:g}" for k, v in ours.parts.items())
            b = ", ".join(f"{k} {v:g}" for k, v in theirs.parts.items())
            why = _(
                "The report's {n} meet every constraint, but this scenario's objective "
                "({kind}) rates them lower: {theirs}, against {ours} for this selection."
            ).format(n=len(report), kind=ours.kind, theirs=b, ours=a)
        else:
            why = _(
                "The report's {n} meet every constraint and are as good on the objective; the "
                "tie-break (prefer, then pool order) chose this selection."
            ).format(n=len(report))
    return Relation(report, False, missing, added, why)
