"""What a selection run returns: the selection, its status, its audit and its tables."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .constraints import Check, CompiledScenario, ObjectiveValue
from .pool import Pool
from .scenario import Scenario
from .solve.backend import Status

if TYPE_CHECKING:
    import pandas as pd

    from .report import TableSet

__all__ = ["Audit", "Selection", "SolverInfo", "Stage", "Status"]


@dataclass(frozen=True)
class Audit:
    """Every constraint of a scenario checked on one selection, and the objective's value."""

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
        """One row per constraint: name, kind, origin, required, achieved, satisfied, shortfall."""
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
        """The checks as JSON-ready dicts."""
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
        n, bad = len(self.checks), self.failures
        head = (
            f"all {n} constraints satisfied"
            if not bad
            else f"{len(bad)} of {n} constraints not satisfied"
        )
        lines = [head]
        lines += [f"  MISSED {c.sentence()}" for c in bad]
        if self.objective is not None:
            lines.append(f"objective ({self.objective.kind}): {self.objective.text}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.name)}</td><td>{html.escape(c.required)}</td>"
            f"<td>{c.achieved}</td><td>{'✓' if c.satisfied else '✗ short by ' + str(c.shortfall)}"
            "</td></tr>"
            for c in self.checks
        )
        return (
            f"<p><b>{html.escape(str(self).splitlines()[0])}</b></p>"
            "<table><thead><tr><th>constraint</th><th>required</th><th>achieved</th>"
            f"<th>satisfied</th></tr></thead><tbody>{rows}</tbody></table>"
        )


@dataclass(frozen=True)
class Stage:
    """One solver call of a run (runs with an objective take several)."""

    name: str
    status: Status
    value: float | None
    seconds: float


@dataclass(frozen=True)
class SolverInfo:
    """Which solver ran, how long, with which settings."""

    name: str
    version: str
    seconds: float
    time_limit: float | None
    seed: int
    stages: tuple[Stage, ...] = ()
    variables: int = 0
    rows: int = 0

    def to_dict(self) -> dict[str, Any]:
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
        """The distribution tables of the selection beside the pool's (see :func:`tables`)."""
        from .report import tables

        return tables(self.pool, self.positions, reference=reference, attributes=attributes)

    def bridges(self) -> dict[str, list[str]]:
        """Each selected case that a bridges constraint applies to, with its bridges: the
        unselected cases it shares a theme with across regions, as ``id (name)`` labels."""
        if self.compiled is None:
            return {}
        chosen = set(self.positions)
        out: dict[str, list[str]] = {}
        for c in self.compiled.constraints:
            if c.kind != "bridges" or c.case not in chosen:
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
        solver, tables."""
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
        if self.ok:
            data["tables"] = self.tables(reference).to_records()
            if self.scenario.bridges:
                data["bridges"] = self.bridges()
        else:
            data["tables"] = []
        return data

    def __str__(self) -> str:
        lines = [f"status: {self.status.value}"]
        if self.message:
            lines.append(self.message)
        lines += [f"  - {r}" for r in self.reasons]
        if self.ok:
            lines.append(f"selected {len(self.positions)} of {len(self.pool)} cases:")
            lines += [f"  {self.pool.label(i)}" for i in self.positions]
            if self.audit is not None:
                lines.append(str(self.audit))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>status: {html.escape(self.status.value)}</b>"]
        if self.message:
            parts.append(f"<br>{html.escape(self.message)}")
        parts.append("</p>")
        if self.reasons:
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons) + "</ul>"
            )
        if self.ok:
            parts.append(
                "<ol>"
                + "".join(f"<li>{html.escape(self.pool.label(i))}</li>" for i in self.positions)
                + "</ol>"
            )
            if self.audit is not None:
                parts.append(self.audit._repr_html_())
        return "".join(parts)
