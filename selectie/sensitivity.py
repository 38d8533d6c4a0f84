"""Coding doubt as data: does a conclusion hold under every admissible coding?

A pool codes each cell one way (the *primary* coding). Where the text leans another way, or
the published totals do not pin a cell down, ``data/alternative_codings.csv`` lists each
admissible alternative value of a cell with the sentence it rests on (columns ``id``,
``attribute``, ``value``, ``quote``, ``location``, ``argument``). :func:`sensitivity` asks,
under every admissible coding:

- does the audit of a given selection (by default the report's 13) still pass?
- does the scenario's own selection (what :func:`selectie.select` returns under the primary
  coding) stay valid?
- which constraints flip?
- do the selection's counts still equal the published tables (a reference)?

One row per alternative cell value (the others primary), and a joint count over every
combination of the alternatives of the cells the scenario uses (cells of other attributes
cannot change whether a constraint holds). Everything is checked in plain Python
(:meth:`~selectie.constraints.CompiledScenario.check`); no solver is needed beyond the one
call that finds the scenario's selection.

>>> from selectie import load_pool, load_scenario
>>> s = sensitivity(load_pool(), load_scenario())
>>> s.joint.combinations > 1, s.joint.report_ok <= s.joint.combinations
(True, True)
"""

from __future__ import annotations

import csv
import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .constraints import compile_scenario
from .errors import InputError, Problem
from .i18n import N_, _
from .pool import Pool
from .scenario import Scenario
from .solve.default import DEFAULT

__all__ = [
    "AlternativeCoding",
    "CodingRow",
    "JointResult",
    "Sensitivity",
    "load_alternative_codings",
    "sensitivity",
]

COLUMNS = ("id", "attribute", "value", "quote", "location", "argument")


@dataclass(frozen=True)
class AlternativeCoding:
    """One admissible alternative value of one cell, with its evidence."""

    id: str
    attribute: str
    value: str
    quote: str
    location: str
    argument: str

    @property
    def cell(self) -> tuple[str, str]:
        """``(id, attribute)``."""
        return (self.id, self.attribute)

    def label(self) -> str:
        """``R03 geografisch_niveau=regio``."""
        return f"{self.id} {self.attribute}={self.value}"


def load_alternative_codings(
    path: str | Path | None = None, pool: Pool | None = None
) -> tuple[AlternativeCoding, ...]:
    """Read an alternative-codings CSV (default: the bundled ``alternative_codings.csv``).

    With ``pool``, every id, attribute and value is checked against it and its codebook, and
    a value equal to the primary coding is refused. Every row needs a quote and a location.
    All problems are reported at once (:class:`~selectie.errors.InputError`).

    >>> from selectie import load_pool
    >>> codings = load_alternative_codings(pool=load_pool())
    >>> codings[0].label()
    'R03 geografisch_niveau=regio'
    """
    from ._resources import data_file

    p = Path(path) if path is not None else data_file("alternative_codings.csv")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            _("cannot read alternative codings {file!r}: {error}").format(file=str(p), error=exc)
        ) from None
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise InputError(
            _("alternative codings {file!r}: expected columns {columns}").format(
                file=str(p), columns=", ".join(COLUMNS)
            ),
            hint=_("found {columns}").format(
                columns=", ".join(reader.fieldnames or ()) or _("no header")
            ),
        )
    out: list[AlternativeCoding] = []
    problems: list[Problem] = []
    for n, row in enumerate(reader, start=2):
        alt = AlternativeCoding(*(str(row.get(c) or "").strip() for c in COLUMNS))
        for c in ("id", "attribute", "value", "quote", "location"):
            if not getattr(alt, c):
                problems.append(Problem(file=str(p), row=n, column=c, message=_("is empty")))
        if pool is not None and alt.id and alt.attribute:
            problems += _check_against_pool(pool, alt, str(p), n)
        out.append(alt)
    if problems:
        raise InputError(
            _("alternative codings {file!r} are not valid").format(file=str(p)), problems
        )
    return tuple(out)


def _check_against_pool(pool: Pool, alt: AlternativeCoding, file: str, row: int) -> list[Problem]:
    cb = pool.codebook
    if not pool.contains(alt.id):
        return [Problem(file=file, row=row, column="id", message=pool.unknown_id_message(alt.id))]
    if alt.attribute not in cb.attribute_names:
        return [
            Problem(
                file=file,
                row=row,
                column="attribute",
                message=_("{name!r} is not an attribute of the codebook").format(
                    name=alt.attribute
                ),
            )
        ]
    attr = cb.attribute(alt.attribute)
    tokens = alt.value.split(cb.separator) if attr.multi else [alt.value]
    bad = [t for t in tokens if t and t not in attr.codes]
    if bad:
        return [
            Problem(
                file=file,
                row=row,
                column="value",
                message=_("{values} is not a code of {attribute}").format(
                    values=", ".join(repr(b) for b in bad), attribute=alt.attribute
                ),
                expected=", ".join(attr.codes),
            )
        ]
    i = pool.position(alt.id)
    if set(tokens) == set(pool.values[alt.attribute][i] or ()):
        return [
            Problem(
                file=file,
                row=row,
                column="value",
                message=_("{coding} is the primary coding, not an alternative").format(
                    coding=alt.label()
                ),
            )
        ]
    return []


@dataclass(frozen=True)
class CodingRow:
    """The effect of one coding (one or more cells changed) on the checks."""

    changes: tuple[AlternativeCoding, ...]
    relevant: bool
    report_ok: bool
    report_flips: tuple[str, ...]
    selection_ok: bool
    selection_flips: tuple[str, ...]
    tables_changed: tuple[str, ...]

    def label(self) -> str:
        """The changed cells, e.g. ``R03 geografisch_niveau=regio``."""
        return "; ".join(c.label() for c in self.changes) or _("primary coding")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "coding": self.label(),
            "changes": [
                {"id": c.id, "attribute": c.attribute, "value": c.value, "location": c.location}
                for c in self.changes
            ],
            "scenario_uses_attribute": self.relevant,
            "report_selection_passes": self.report_ok,
            "report_selection_flips": list(self.report_flips),
            "selection_passes": self.selection_ok,
            "selection_flips": list(self.selection_flips),
            "published_tables_no_longer_matched": list(self.tables_changed),
        }


@dataclass(frozen=True)
class JointResult:
    """Every combination of the alternatives of the cells the scenario uses."""

    cells: tuple[tuple[str, str], ...]
    combinations: int
    report_ok: int
    selection_ok: int
    #: Combinations that keep the selection's counts equal to the published tables.
    keeping_tables: int
    report_ok_keeping_tables: int
    failing: tuple[CodingRow, ...] = ()
    #: Per cell, how many alternatives it has.
    options: dict[tuple[str, str], int] = field(default_factory=dict)

    def fails_exactly_when(self) -> tuple[AlternativeCoding, ...]:
        """The changes every failing combination shares, if the report's selection fails
        in exactly the combinations holding them (else empty).

        >>> JointResult((), 1, 1, 1, 1, 1).fails_exactly_when()
        ()
        """
        if not self.failing:
            return ()
        common = set(self.failing[0].changes)
        for r in self.failing[1:]:
            common &= set(r.changes)
        if not common:
            return ()
        holding = self.combinations
        for cell in {c.cell for c in common}:
            holding //= self.options.get(cell, 1) + 1
        if holding != len(self.failing):
            return ()
        return tuple(sorted(common, key=lambda c: (c.id, c.attribute, c.value)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        exactly = self.fails_exactly_when()
        return {
            "cells": [f"{i} {a}" for i, a in self.cells],
            "report_selection_fails_exactly_when": [c.label() for c in exactly],
            "combinations": self.combinations,
            "report_selection_passes": self.report_ok,
            "selection_passes": self.selection_ok,
            "keeping_published_tables": self.keeping_tables,
            "report_selection_passes_keeping_tables": self.report_ok_keeping_tables,
            "failing": [r.to_dict() for r in self.failing],
        }


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """The result of :func:`sensitivity`."""

    scenario: Scenario
    report_ids: tuple[str, ...]
    selection_ids: tuple[str, ...]
    primary_report_ok: bool
    primary_selection_ok: bool
    rows: tuple[CodingRow, ...]
    joint: JointResult
    reference: str | None = None
    codings: tuple[AlternativeCoding, ...] = field(default=(), repr=False)

    def holds(self) -> bool:
        """True if the report's selection passes under every combination examined."""
        return self.primary_report_ok and self.joint.report_ok == self.joint.combinations

    def summary(self) -> str:
        """One paragraph: under how many codings the two selections pass."""
        j = self.joint
        name = self.scenario.name or _("the scenario")
        same = self.selection_ids == self.report_ids
        sel = (
            _("The scenario's selection is the report's selection.")
            if same
            else _("The scenario's selection passes under {n} of them.").format(n=j.selection_ok)
        )
        return _(
            "{codings} admissible alternative codings of {cells} cells. {name} uses {used} of "
            "those cells; over all {combinations} combinations of their codings, the report's "
            "selection meets every constraint in {ok} ({kept_ok} of the {kept} that keep the "
            "published tables). {selection}"
        ).format(
            codings=len(self.rows),
            cells=len({c.cell for c in self.codings}),
            name=name,
            used=len(j.cells),
            combinations=j.combinations,
            ok=j.report_ok,
            kept_ok=j.report_ok_keeping_tables,
            kept=j.keeping_tables,
            selection=sel,
        )

    def __str__(self) -> str:
        from .export import _text_table

        lines = [self.summary(), ""]
        yes, no, passes, fails = _("yes"), _("no"), _("passes"), _("FAILS")
        rows = [
            [
                r.label(),
                yes if r.relevant else no,
                passes if r.report_ok else fails,
                passes if r.selection_ok else fails,
                ", ".join(sorted(set(r.report_flips) | set(r.selection_flips))) or "-",
                ", ".join(r.tables_changed) or "-",
            ]
            for r in self.rows
        ]
        headers = [_(h) for h in _HEADERS]
        lines += _text_table(rows, headers).splitlines()
        if self.joint.failing:
            lines.append("")
            exactly = self.joint.fails_exactly_when()
            if exactly:
                failed = sorted({f for r in self.joint.failing for f in r.report_flips})
                lines.append(
                    _(
                        "The report's selection fails in exactly the {n} combinations with "
                        "{changes} ({failed})."
                    ).format(
                        n=len(self.joint.failing),
                        changes="; ".join(c.label() for c in exactly),
                        failed=", ".join(failed),
                    )
                )
            else:
                lines.append(_("Combinations under which the report's selection fails:"))
                for r in self.joint.failing[:10]:
                    lines.append(f"- {r.label()}: {', '.join(r.report_flips)}")
                more = len(self.joint.failing) - 10
                if more > 0:
                    lines.append(_("- and {n} more").format(n=more))
        lines += [
            "",
            _(
                "Each coding is the primary coding with the listed cells changed; every "
                "constraint is re-checked in plain Python. Evidence for each alternative: "
                "data/alternative_codings.csv."
            ),
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        yes, no = e(_("yes")), e(_("no"))
        passes, fails = e(_("passes")), "<b>" + e(_("fails")) + "</b>"
        rows = "".join(
            f"<tr><td>{e(r.label())}</td><td>{yes if r.relevant else no}</td>"
            f"<td>{passes if r.report_ok else fails}</td>"
            f"<td>{passes if r.selection_ok else fails}</td>"
            f"<td>{e(', '.join(sorted(set(r.report_flips) | set(r.selection_flips))))}"
            f"</td><td>{e(', '.join(r.tables_changed))}</td></tr>"
            for r in self.rows
        )
        head = "".join(f"<th>{e(_(h))}</th>" for h in _HEADERS)
        return (
            f"<p><b>{e(self.summary())}</b></p><table><thead><tr>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row per alternative coding (flat, for CSV and spreadsheets)."""
        return [
            {
                "coding": r.label(),
                "scenario_uses_attribute": r.relevant,
                "report_selection_passes": r.report_ok,
                "selection_passes": r.selection_ok,
                "flips": "; ".join(sorted(set(r.report_flips) | set(r.selection_flips))),
                "tables_no_longer_matched": "; ".join(r.tables_changed),
                "evidence": " | ".join(f"{c.location}: {c.quote}" for c in r.changes),
            }
            for r in self.rows
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "scenario": self.scenario.name,
            "summary": self.summary(),
            "holds_under_every_coding": self.holds(),
            "report_selection": list(self.report_ids),
            "selection": list(self.selection_ids),
            "primary": {
                "report_selection_passes": self.primary_report_ok,
                "selection_passes": self.primary_selection_ok,
            },
            "reference": self.reference,
            "codings": [r.to_dict() for r in self.rows],
            "joint": self.joint.to_dict(),
        }


#: Column headers of the text and notebook tables of :class:`Sensitivity`.
_HEADERS = (
    N_("coding"),
    N_("scenario uses it"),
    N_("report's selection"),
    N_("selection"),
    N_("constraints that flip"),
    N_("published tables no longer matched"),
)


def _recoded(pool: Pool, changes: Sequence[AlternativeCoding]) -> Pool:
    """A copy of ``pool`` with the changed cells (validated like any pool)."""
    if not changes:
        return pool
    records = [dict(r) for r in pool.rows()]
    for c in changes:
        records[pool.position(c.id)][c.attribute] = c.value
    return Pool.from_records(records, pool.codebook, source=pool.source)


def _failing(pool: Pool, scenario: Scenario, ids: Sequence[str]) -> set[str]:
    compiled = compile_scenario(pool, scenario)
    chosen = [pool.position(i) for i in ids]
    return {c.name for c in compiled.check(chosen) if not c.satisfied}


def _tables_changed(
    pool: Pool, ids: Sequence[str], reference: Mapping[str, Mapping[str, int]]
) -> list[str]:
    chosen = [pool.position(i) for i in ids]
    out = []
    for attr, counts in reference.items():
        if attr not in pool.values:
            continue
        got = pool.value_counts(attr, chosen)
        if any(got.get(v, 0) != n for v, n in counts.items()):
            out.append(attr)
    return out


def sensitivity(
    pool: Pool,
    scenario: Scenario,
    *,
    codings: Iterable[AlternativeCoding] | None = None,
    ids: Iterable[str] | None = None,
    selection: Iterable[str] | None = None,
    reference: str | None = "bijlage4",
    max_combinations: int = 4096,
    solver: str = DEFAULT,
) -> Sensitivity:
    """Re-check a selection under every admissible alternative coding.

    ``codings`` default to the bundled ``alternative_codings.csv`` (checked against
    ``pool``); ``ids`` to the report's 13 (``selected_in_report = ja``); ``selection`` to what
    :func:`selectie.select` returns for ``scenario`` under the primary coding; ``reference``
    (a name or file for :func:`selectie.load_reference`, or None) gives the published tables
    whose match is reported. The joint count covers every combination of the alternatives of
    the cells whose attribute the scenario uses, up to ``max_combinations`` (an
    :class:`~selectie.errors.InputError` beyond).
    """
    from .engine import select
    from .freedom import report_ids
    from .published import load_reference

    alts = tuple(codings) if codings is not None else load_alternative_codings(pool=pool)
    report = tuple(ids) if ids is not None else report_ids(pool)
    if selection is None:
        sel = select(pool, scenario, solver=solver)
        chosen = sel.ids if sel.ok else ()
    else:
        chosen = tuple(selection)
    ref = load_reference(reference) if reference is not None else {}
    compiled = compile_scenario(pool, scenario)
    used = set(compiled.key_attributes)
    base_report = _failing(pool, scenario, report) if report else set()
    base_sel = _failing(pool, scenario, chosen) if chosen else set()

    def row(changes: Sequence[AlternativeCoding]) -> CodingRow:
        p = _recoded(pool, changes)
        rel = any(c.attribute in used for c in changes)
        rf = (_failing(p, scenario, report) if report else set()) if rel else base_report
        sf = (_failing(p, scenario, chosen) if chosen else set()) if rel else base_sel
        return CodingRow(
            tuple(changes),
            rel,
            not rf,
            tuple(sorted(rf ^ base_report)),
            bool(chosen) and not sf,
            tuple(sorted(sf ^ base_sel)),
            tuple(_tables_changed(p, report, ref)) if report else (),
        )

    rows = tuple(row([a]) for a in alts)
    # joint: every combination over the cells the scenario uses
    cells: dict[tuple[str, str], list[AlternativeCoding]] = {}
    for a in alts:
        if a.attribute in used:
            cells.setdefault(a.cell, []).append(a)
    total = 1
    for options in cells.values():
        total *= len(options) + 1
    if total > max_combinations:
        raise InputError(
            _("{n} combinations of alternative codings exceed max_combinations ({limit})").format(
                n=total, limit=max_combinations
            ),
            hint=_("Raise max_combinations, or list fewer alternative codings."),
        )
    report_ok = selection_ok = keeping = report_keeping = 0
    failing: list[CodingRow] = []
    choices: list[list[AlternativeCoding | None]] = [[None, *opts] for opts in cells.values()]
    for combo in itertools.product(*choices):
        changes = [c for c in combo if c is not None]
        r = row(changes)
        if not changes:
            r = CodingRow(
                (),
                False,
                not base_report,
                (),
                bool(chosen) and not base_sel,
                (),
                tuple(_tables_changed(pool, report, ref)) if report else (),
            )
        report_ok += r.report_ok
        selection_ok += r.selection_ok
        keeps = not r.tables_changed
        keeping += keeps
        report_keeping += keeps and r.report_ok
        if not r.report_ok:
            failing.append(r)
    joint = JointResult(
        tuple(cells),
        total,
        report_ok,
        selection_ok,
        keeping,
        report_keeping,
        tuple(failing),
        {cell: len(opts) for cell, opts in cells.items()},
    )
    return Sensitivity(
        scenario,
        report,
        tuple(chosen),
        not base_report,
        bool(chosen) and not base_sel,
        rows,
        joint,
        reference,
        alts,
    )
