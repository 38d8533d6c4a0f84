"""What a selection run returns: the selection, its status, its audit and its tables."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .constraints import Check, CompiledScenario, Kind, ObjectiveValue
from .pool import Pool
from .scenario import Scenario
from .solve.backend import Status

if TYPE_CHECKING:
    import pandas as pd

    from .report import TableSet

__all__ = ["Audit", "Selection", "SolverInfo", "Stage", "Status"]


@dataclass(frozen=True)
class Audit:
    """Every constraint of a scenario checked on one selection, and the objective's value.

    ``str(audit)`` is a summary for a terminal, ``audit.to_dataframe()`` a table with one row
    per constraint; in Jupyter an audit displays as HTML.

    >>> from selectie import audit, load_pool, load_scenario
    >>> pool = load_pool()
    >>> result = audit(pool, load_scenario(), ["R01", "R02", "R03"])
    >>> result.ok  # three cases cannot make a selection of 13
    False
    >>> print(str(result).splitlines()[1])
      MISSED size: 3 selected, exactly 13 required (short by 10)
    >>> int(result.to_dataframe().set_index("name").loc["size", "achieved"])
    3
    """

    checks: tuple[Check, ...]
    objective: ObjectiveValue | None = None

    @property
    def ok(self) -> bool:
        """True if every constraint is satisfied."""
        return all(c.satisfied for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        """The constraints the selection misses."""
        return [c for c in self.checks if not c.satisfied]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per constraint: name, kind, origin, required, achieved, satisfied, shortfall.

        >>> from selectie import audit, load_pool, Scenario
        >>> audit(load_pool(), Scenario(size=2), ["R01", "R02"]).to_dataframe()["name"].tolist()
        ['size']
        """
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "origin": c.origin,
                    "required": c.required,
                    "achieved": c.achieved,
                    "satisfied": c.satisfied,
                    "shortfall": c.shortfall,
                }
                for c in self.checks
            ]
        )

    def to_records(self) -> list[dict[str, Any]]:
        """The checks as JSON-ready dicts.

        >>> from selectie import audit, load_pool, Scenario
        >>> audit(load_pool(), Scenario(size=2), ["R01"]).to_records()[0]["shortfall"]
        1
        """
        return [
            {
                "name": c.name,
                "kind": c.kind,
                "origin": c.origin,
                "required": c.required,
                "achieved": c.achieved,
                "satisfied": c.satisfied,
                "shortfall": c.shortfall,
            }
            for c in self.checks
        ]

    def __str__(self) -> str:
        from .export import audit_summary, objective_line
        from .i18n import _

        lines = [audit_summary(self)]
        lines += [
            "  " + _("MISSED {sentence}").format(sentence=c.sentence()) for c in self.failures
        ]
        if self.objective is not None:
            lines.append(objective_line(self))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Audit: {str(self).splitlines()[0]}>"

    def _repr_html_(self) -> str:
        """A summary line, the missed constraints, and every check in a collapsible table."""
        return _audit_html(self)


@dataclass(frozen=True)
class Stage:
    """One solver call of a run (runs with an objective take several).

    >>> Stage("maximise weight", Status.OPTIMAL, 3.0, 0.01).status.value
    'optimal'
    """

    name: str
    status: Status
    value: float | None
    seconds: float


@dataclass(frozen=True)
class SolverInfo:
    """Which solver ran, how long, with which settings.

    >>> info = SolverInfo(name="cbc", version="2.10", seconds=0.5, time_limit=None, seed=1)
    >>> info.to_dict()["name"], info.to_dict()["stages"]
    ('cbc', [])
    """

    name: str
    version: str
    seconds: float
    time_limit: float | None
    seed: int
    stages: tuple[Stage, ...] = ()
    variables: int = 0
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The solver facts as JSON-ready data (seconds rounded to microseconds).

        >>> SolverInfo("highs", "1.7", 0.1234567, None, 1).to_dict()["seconds"]
        0.123457
        """
        return {
            "name": self.name,
            "version": self.version,
            "seconds": round(self.seconds, 6),
            "time_limit": self.time_limit,
            "seed": self.seed,
            "variables": self.variables,
            "rows": self.rows,
            "stages": [
                {
                    "name": s.name,
                    "status": s.status.value,
                    "value": s.value,
                    "seconds": round(s.seconds, 6),
                }
                for s in self.stages
            ],
        }


@dataclass(frozen=True, eq=False)
class Selection:
    """The result of :func:`selectie.select`.

    ``ids`` are the selected cases in pool order; they are present only when ``status`` is
    OPTIMAL or FEASIBLE, and then every constraint has been re-checked in plain Python
    (``audit``). ``message`` says why there is no selection otherwise.

    ``print(selection)`` gives a text summary; in Jupyter a selection displays as HTML (the
    cases with their values, then the audit). DataFrames are one call away:
    ``selection.to_dataframe()`` (the selected cases), ``selection.audit.to_dataframe()`` (the
    constraints) and ``selection.tables().to_dataframe()`` (the distribution tables).

    >>> from selectie import load_pool, load_scenario, select
    >>> sel = select(load_pool(), load_scenario().with_size(12))
    >>> print(str(sel).splitlines()[0])
    status: optimal
    >>> sel.to_dataframe().loc[["R01"], ["regio", "cluster"]].values.tolist()
    [['Limburg', 'geldstromen']]
    >>> "<table" in sel._repr_html_()
    True
    """

    status: Status
    pool: Pool
    scenario: Scenario
    positions: tuple[int, ...] = ()
    audit: Audit | None = None
    solver: SolverInfo | None = None
    message: str = ""
    compiled: CompiledScenario | None = field(default=None, repr=False)
    reasons: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """The selected case ids, in pool order."""
        return tuple(self.pool.ids[i] for i in self.positions)

    @property
    def names(self) -> tuple[str | None, ...]:
        """The selected cases' display names, in pool order."""
        return tuple(self.pool.names[i] for i in self.positions)

    @property
    def ok(self) -> bool:
        """True if a verified selection was found."""
        return self.status.has_selection

    @property
    def objective(self) -> ObjectiveValue | None:
        """The objective's value for the selection (computed in plain Python)."""
        return self.audit.objective if self.audit is not None else None

    def tables(
        self,
        reference: Mapping[str, Mapping[str, int]] | str | None = None,
        *,
        attributes: Sequence[str] | None = None,
    ) -> TableSet:
        """The distribution tables of the selection beside the pool's (see :func:`tables`).

        >>> from selectie import load_pool, load_scenario, select
        >>> sel = select(load_pool(), load_scenario())
        >>> int(sel.tables()["regio"].loc["total", "selected"])
        13
        """
        from .report import tables

        return tables(self.pool, self.positions, reference=reference, attributes=attributes)

    def bridges(self) -> dict[str, list[str]]:
        """Each selected case that a bridges constraint applies to, with its bridges: the
        unselected cases it shares a theme with across regions, as ``id (name)`` labels.

        >>> from selectie import load_pool, load_scenario, select
        >>> sel = select(load_pool(), load_scenario())
        >>> all(len(links) >= 1 for links in sel.bridges().values())  # bridges min = 1
        True
        """
        if self.compiled is None:
            return {}
        chosen = set(self.positions)
        out: dict[str, list[str]] = {}
        for c in self.compiled.constraints:
            if c.kind is not Kind.BRIDGES or c.case not in chosen:
                continue
            links = out.setdefault(self.pool.ids[c.case], [])
            for j in c.members:
                label = self.pool.label(j)
                if j not in chosen and label not in links:
                    links.append(label)
        return out

    def to_dict(
        self, *, reference: Mapping[str, Mapping[str, int]] | str | None = None
    ) -> dict[str, Any]:
        """A JSON-ready summary: status, selected ids and names, constraints, objective,
        solver, tables.

        >>> from selectie import load_pool, load_scenario, select
        >>> data = select(load_pool(), load_scenario()).to_dict()
        >>> data["status"], data["size"], len(data["selected"])
        ('optimal', 13, 13)
        """
        data: dict[str, Any] = {
            "status": self.status.value,
            "message": self.message,
            "reasons": list(self.reasons),
            "size": self.scenario.size,
            "selected": list(self.ids),
            "names": dict(zip(self.ids, self.names, strict=True)),
            "constraints": self.audit.to_records() if self.audit else [],
            "objective": self.objective.to_dict() if self.objective else None,
            "solver": self.solver.to_dict() if self.solver else None,
        }
        data |= self._provenance()
        if self.ok:
            data["tables"] = self.tables(reference).to_records()
            if self.scenario.bridges:
                data["bridges"] = self.bridges()
        else:
            data["tables"] = []
        return data

    def _provenance(self) -> dict[str, Any]:
        """Where the selected cases come from, when the pool has a ``source`` column: each
        case's source, the counts by source and the synthetic cases (:mod:`selectie.provenance`).
        """
        from .provenance import case_source, source_counts, synthetic_positions

        counts = source_counts(self.pool, self.positions)
        if counts is None:
            return {}
        return {
            "sources": {self.pool.ids[i]: case_source(self.pool, i) for i in self.positions},
            "by_source": counts,
            "synthetic": [self.pool.ids[i] for i in synthetic_positions(self.pool, self.positions)],
        }

    def __str__(self) -> str:
        from .export import status_word
        from .i18n import _
        from .provenance import sources_line

        lines = [_("status: {status}").format(status=status_word(self.status.value))]
        if self.message:
            lines.append(self.message)
        lines += [f"  - {r}" for r in self.reasons]
        if self.ok:
            lines.append(
                _("selected {n} of {total} cases:").format(
                    n=len(self.positions), total=len(self.pool)
                )
            )
            lines += [f"  {self.pool.label(i)}" for i in self.positions]
            provenance = sources_line(self.pool, self.positions)
            if provenance is not None:
                lines.append(provenance)
            if self.audit is not None:
                lines.append(str(self.audit))
        return "\n".join(lines)

    def to_excel(
        self,
        path: str | Path | None = None,
        *,
        reference: Mapping[str, Mapping[str, int]] | str | None = None,
        manifest: Mapping[str, Any] | None = None,
    ) -> bytes:
        """The selection as an XLSX workbook (what ``selectie select -f xlsx`` writes):
        sheets selection (the cases with the pool's own columns, readable back as a pool),
        tables (beside ``reference``), constraints, scenario and manifest. Returns the bytes;
        writes them to ``path`` (atomically) if given.

        >>> from selectie import load_pool, load_scenario, select
        >>> select(load_pool(), load_scenario()).to_excel()[:2]
        b'PK'
        """
        from .export import selection_workbook

        if not self.ok:
            from .errors import InputError
            from .export import status_word
            from .i18n import _

            raise InputError(
                _("there is no selection to write ({status})").format(
                    status=status_word(self.status.value)
                )
            )
        data = selection_workbook(self, reference=reference, manifest=manifest)
        if path is not None:
            from ._io import write_atomic

            write_atomic(Path(path), data)
        return data

    def to_dataframe(self) -> pd.DataFrame:
        """The selected cases as a DataFrame, one row per case, indexed by id, with every
        column of :meth:`selectie.Pool.to_dataframe` (empty when there is no selection).

        >>> from selectie import load_pool, Scenario, Quota, select
        >>> s = Scenario(size=1, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
        >>> select(load_pool(), s).to_dataframe()["regio"].tolist()
        ['Limburg']
        """
        return self.pool.to_dataframe().iloc[list(self.positions)]

    def __repr__(self) -> str:
        if not self.ok:
            return f"<Selection {self.status.value}: no selection>"
        shown = ", ".join(self.ids[:5]) + (", ..." if len(self.ids) > 5 else "")
        return (
            f"<Selection {self.status.value}: {len(self.ids)} of {len(self.pool)} cases ({shown})>"
        )

    def _repr_html_(self) -> str:
        """Status, the selected cases with their table attributes, and the audit."""
        from .export import status_word
        from .i18n import _

        e = html.escape
        head = _("status: {status}").format(status=status_word(self.status.value))
        if self.ok:
            head += " · " + _("{n} of {total} cases selected").format(
                n=len(self.positions), total=len(self.pool)
            )
        parts = [_STYLE, f"<p><b>{e(head)}</b>"]
        if self.message:
            parts.append(f"<br>{e(self.message)}")
        if self.solver is not None:
            parts.append(
                "<br><small>"
                + e(
                    _("solver {name}, {seconds:.2f} s, {n} call(s)").format(
                        name=self.solver.name,
                        seconds=self.solver.seconds,
                        n=len(self.solver.stages),
                    )
                )
                + "</small>"
            )
        parts.append("</p>")
        if self.reasons:
            parts.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in self.reasons) + "</ul>")
        if self.ok:
            parts.append(_cases_html(self.pool, self.positions))
        if self.objective is not None:
            text = _("objective ({kind}): {text}").format(
                kind=self.objective.kind, text=self.objective.text
            )
            parts.append(f"<p>{e(text)}</p>")
        if self.audit is not None:
            parts.append(_audit_html(self.audit, objective=False))
        return "".join(parts)


_STYLE = (
    "<style>table.selectie th, table.selectie td "
    "{text-align: left; padding: 1px 8px; vertical-align: top}</style>"
)
_TABLE = '<table class="selectie">'


def _cases_html(pool: Pool, positions: Sequence[int]) -> str:
    """The selected cases: id, name and the value of every table attribute."""
    e = html.escape
    cb = pool.codebook
    attrs = list(cb.table_attributes)
    from .i18n import _

    head = "".join(f"<th>{e(a)}</th>" for a in [_("id"), _("name"), *attrs])
    rows = []
    for i in positions:
        values = (pool.cell_text(a, i).replace(cb.separator, ", ") for a in attrs)
        cells = [pool.ids[i], pool.names[i] or "", *values]
        rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    return f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _audit_html(audit: Audit, *, objective: bool = True) -> str:
    from .export import constraint_headers
    from .i18n import _

    e = html.escape
    n, bad = len(audit.checks), audit.failures
    colour = "#1a7a3e" if not bad else "#c0392b"
    parts = [_STYLE, f'<p><b style="color:{colour}">{e(str(audit).splitlines()[0])}</b></p>']

    def table(checks: Sequence[Check]) -> str:
        head = "".join(f"<th>{e(h)}</th>" for h in constraint_headers())
        body = "".join(
            f"<tr><td>{e(c.name)}</td><td>{e(c.required)}</td>"
            f"<td>{c.achieved}</td><td>"
            f"{'✓' if c.satisfied else '✗ ' + e(_('short by {n}').format(n=c.shortfall))}"
            "</td></tr>"
            for c in checks
        )
        return f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    if bad:
        parts.append(table(bad))
    summary = e(_("all {n} constraints").format(n=n))
    parts.append(f"<details><summary>{summary}</summary>{table(audit.checks)}</details>")
    if objective and audit.objective is not None:
        text = _("objective ({kind}): {text}").format(
            kind=audit.objective.kind, text=audit.objective.text
        )
        parts.append(f"<p>{e(text)}</p>")
    return "".join(parts)
