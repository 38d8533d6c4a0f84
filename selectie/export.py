"""A selection, an audit or a table set as a document: text, Markdown, CSV, JSON, XLSX, LaTeX.

This is what the command line prints and writes; notebooks can use it too. Every renderer
returns bytes and is deterministic: the same selection gives the same bytes, run after run
(solver timings are left out unless asked for, and XLSX files carry fixed timestamps).

>>> from selectie import load_pool, load_scenario, select
>>> sel = select(load_pool(), load_scenario())
>>> doc = selection_document(sel)
>>> doc["status"], len(doc["selected"]), all(c["satisfied"] for c in doc["constraints"])
('optimal', 13, True)
>>> render_selection(sel, "csv").decode().splitlines()[0][:22]
'id,name,regio,cluster,'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._safe import markdown_cell, neutralise_cell
from .errors import InputError
from .i18n import N_, _, ngettext

if TYPE_CHECKING:
    import pandas as pd

    from .pool import Pool
    from .report import TableSet
    from .result import Audit, Selection
    from .scenario import Scenario
    from .xlsx import Sheet

__all__ = [
    "FORMATS",
    "Format",
    "audit_document",
    "file_digest",
    "render_audit",
    "render_frame",
    "render_selection",
    "render_tables",
    "selection_document",
]

Format = Literal["table", "markdown", "csv", "json", "xlsx", "latex"]
#: The output formats, in the order the command line lists them.
FORMATS: tuple[str, ...] = ("table", "markdown", "csv", "json", "xlsx", "latex")

Reference = Mapping[str, Mapping[str, int]] | str | None


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"abc")
    >>> file_digest(fh.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(fh.name)
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- documents (plain data) ----------------------------------------------------------------


def _strip_timings(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_timings(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_strip_timings(v) for v in data]
    return data


def selection_document(
    selection: Selection,
    *,
    reference: Reference = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
) -> dict[str, Any]:
    """The selection as JSON-ready data: ``status``, ``message``, ``reasons``, ``selected``
    (ids in pool order), ``names``, ``constraints`` (name, required, achieved, satisfied),
    ``objective``, ``solver``, ``tables`` (beside ``reference`` if given), ``bridges`` and
    ``manifest``. Solver timings are left out unless ``timings`` is true, so that the same
    run gives the same document.

    >>> from selectie import load_pool, load_scenario, select
    >>> doc = selection_document(select(load_pool(), load_scenario().with_size(2)))
    >>> doc["status"], doc["selected"]
    ('infeasible', [])
    >>> doc["reasons"][0]
    'regio has 10 values; with at least 1 each that needs 10 cases but size is 2'
    """
    data = selection.to_dict(reference=reference)
    if not timings:
        data = _strip_timings(data)
    if manifest is not None:
        data["manifest"] = dict(manifest)
    return data


def audit_document(
    audit: Audit,
    pool: Pool,
    positions: Sequence[int],
    *,
    manifest: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit of a given selection as JSON-ready data: ``satisfied`` (every constraint
    met), ``selected``, ``constraints`` and ``objective``.

    >>> from selectie import audit, load_pool, load_scenario
    >>> pool = load_pool()
    >>> ids = [i for i in pool.ids if i.startswith("R")]
    >>> doc = audit_document(audit(pool, load_scenario(), ids), pool, range(13))
    >>> doc["satisfied"], len(doc["selected"])
    (True, 13)
    """
    data: dict[str, Any] = {
        "satisfied": audit.ok,
        "selected": [pool.ids[i] for i in positions],
        "constraints": audit.to_records(),
        "objective": audit.objective.to_dict() if audit.objective else None,
    }
    if manifest is not None:
        data["manifest"] = dict(manifest)
    return data


# -- renderers -------------------------------------------------------------------------------


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def _text_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    from tabulate import tabulate

    return str(tabulate(rows, headers=list(headers), tablefmt="simple", disable_numparse=True))


def _listing_columns(pool: Pool, scenario: Scenario | None = None) -> list[str]:
    """The attributes shown beside each selected case: up to three single-valued ones, then
    the multi-valued ones the scenario covers (in a coverage, a quota or the objective).
    """
    cb = pool.codebook
    single = [a for a in cb.table_attributes if not cb.attribute(a).multi]
    cols = single[:3]
    if scenario is not None:
        named: list[str] = []
        for cov in scenario.coverage:
            named += cov.attributes
        named += [q.attribute for q in scenario.quotas]
        if scenario.objective.kind == "max_overlap":
            named += list(scenario.objective.attributes or ())
        for name in dict.fromkeys(named):
            if cb.has(name):
                attr = cb.attribute(name)
                if attr.multi and attr.name not in cols:
                    cols.append(attr.name)
    return cols


def _listing(
    pool: Pool, positions: Sequence[int], scenario: Scenario | None = None
) -> tuple[list[list[str]], list[str]]:
    from .provenance import synthetic_positions

    cols = _listing_columns(pool, scenario)
    headers = [_("id"), _("name"), *(_label(pool, c) for c in cols)]
    synthetic = set(synthetic_positions(pool, positions))
    rows = [
        [
            pool.ids[i],
            " ".join(filter(None, (pool.names[i], _("(synthetic)") if i in synthetic else ""))),
            *(pool.cell_text(c, i) for c in cols),
        ]
        for i in positions
    ]
    return rows, headers


def _constraint_rows(audit: Audit, *, only_failures: bool = False) -> list[list[str]]:
    checks = audit.failures if only_failures else audit.checks
    return [
        [
            c.name,
            c.required,
            str(c.achieved),
            _("yes") if c.satisfied else _("no (short {n})").format(n=c.shortfall),
        ]
        for c in checks
    ]


def _label(pool: Pool, attribute: str) -> str:
    """A listing's column header for an attribute: its short name, or the codebook's
    ``labels`` entry for the language in use (the longer ``label`` goes in the tables).
    """
    from .i18n import get_language

    attr = pool.codebook.attribute(attribute)
    return attr.labels.get(get_language(), attr.name)


#: Status words, translated where they are shown.
STATUS_WORDS = {
    "optimal": N_("optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "no_solution": N_("no solution"),
    "time_limit": N_("time limit"),
    "error": N_("error"),
}


def status_word(status: str) -> str:
    """A status value (``optimal``, ``infeasible``, ...) in the language in use."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def constraint_headers() -> list[str]:
    """The column headers of a constraint table, in the language in use."""
    return [_("constraint"), _("required"), _("achieved"), _("satisfied")]


def _selection_text(selection: Selection, reference: Reference, markdown: bool) -> str:
    h = "## " if markdown else ""
    out: list[str] = []
    title = selection.scenario.name or _("scenario")
    out.append(f"{h}{title}: {status_word(selection.status.value)}")
    if selection.message:
        out.append(selection.message)
    out += [f"  - {r}" for r in selection.reasons]
    if selection.solver is not None:
        out.append(
            _("solver: {name} {version}").format(
                name=selection.solver.name, version=selection.solver.version
            )
        )
    if not selection.ok:
        return "\n".join(out) + "\n"
    pool = selection.pool
    rows, headers = _listing(pool, selection.positions, selection.scenario)
    out.append("")
    out.append(h + _("Selected {n} of {total} cases").format(n=len(rows), total=len(pool)))
    out.append("")
    out.append(_md_table(rows, headers) if markdown else _text_table(rows, headers))
    from .provenance import sources_line

    provenance = sources_line(pool, selection.positions)
    if provenance is not None:
        out += ["", provenance]
    audit = selection.audit
    if audit is not None:
        out.append("")
        out.append(h + _("Constraints"))
        out.append("")
        out.append(audit_summary(audit))
        failed = _constraint_rows(audit, only_failures=True)
        if failed:
            out.append(_md_table(failed, constraint_headers()))
        if audit.objective is not None:
            out.append(objective_line(audit))
    bridges = selection.bridges()
    if bridges:
        out.append("")
        out.append(h + _("Bridges"))
        out.append("")
        for case, links in bridges.items():
            ids = [link.split(" (", 1)[0] for link in links]
            more = _(" and {n} more").format(n=len(ids) - 5) if len(ids) > 5 else ""
            count = ngettext("{n} bridge", "{n} bridges", len(ids)).format(n=len(ids))
            out.append(f"- {case}: {count}: {', '.join(ids[:5])}{more}")
    ts = selection.tables(reference)
    out.append("")
    out.append(h + _("Tables"))
    out.append("")
    out.append(ts.to_markdown() if markdown else str(ts))
    return "\n".join(out).rstrip("\n") + "\n"


def audit_summary(audit: Audit) -> str:
    """``all 114 constraints satisfied`` or ``2 of 114 constraints not satisfied``, in the
    language in use.
    """
    n, bad = len(audit.checks), len(audit.failures)
    if not bad:
        return ngettext("{n} constraint satisfied", "all {n} constraints satisfied", n).format(n=n)
    return ngettext(
        "{bad} of {n} constraint not satisfied", "{bad} of {n} constraints not satisfied", n
    ).format(bad=bad, n=n)


def objective_line(audit: Audit) -> str:
    """The objective's line under the constraints."""
    assert audit.objective is not None
    return _("objective ({kind}): {text}").format(
        kind=audit.objective.kind, text=audit.objective.text
    )


def _md_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    from tabulate import tabulate

    cells = [[markdown_cell(c) for c in row] for row in rows]
    head = [markdown_cell(h) for h in headers]
    return str(tabulate(cells, headers=head, tablefmt="github", disable_numparse=True))


def render_selection(
    selection: Selection,
    fmt: Format | str = "table",
    *,
    reference: Reference = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
) -> bytes:
    """The selection in one of :data:`FORMATS`:

    - ``table``: plain text for a terminal (status, the cases, constraints, objective, tables);
    - ``markdown``: the same as Markdown;
    - ``csv``: the selected cases' rows of the pool (spreadsheet-safe cells);
    - ``json``: :func:`selection_document`;
    - ``xlsx``: a workbook with sheets ``selection``, ``constraints`` and one per table;
    - ``latex``: the tables as LaTeX tabulars.

    >>> from selectie import load_pool, load_scenario, select
    >>> sel = select(load_pool(), load_scenario())
    >>> text = render_selection(sel, "table").decode()
    >>> text.splitlines()[0], "all 107 constraints satisfied" in text
    ('Bijlage 4: optimal', True)
    """
    fmt = _check_format(fmt)
    if fmt == "json":
        return _json_bytes(
            selection_document(selection, reference=reference, manifest=manifest, timings=timings)
        )
    if fmt in ("table", "markdown"):
        return _selection_text(selection, reference, fmt == "markdown").encode()
    if not selection.ok:
        # CSV, XLSX and LaTeX hold a selection; without one there is nothing to write.
        raise InputError(
            f"there is no selection to write as {fmt} ({selection.status.value})",
            hint="Use --format table or json to see why.",
        )
    if fmt == "csv":
        return selection.pool.subset(selection.positions).to_csv().encode()
    ts = selection.tables(reference)
    if fmt == "latex":
        return ts.to_latex().encode()
    return selection_workbook(selection, reference=reference, manifest=manifest, tables=ts)


def render_audit(
    audit: Audit,
    pool: Pool,
    positions: Sequence[int],
    fmt: Format | str = "table",
    *,
    manifest: Mapping[str, Any] | None = None,
    failures_only: bool = False,
) -> bytes:
    """An audit (constraint by constraint) in one of :data:`FORMATS`; ``failures_only``
    keeps only the missed constraints in the table and CSV.

    >>> from selectie import audit, load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> a = audit(pool, load_scenario(), report13)
    >>> print(render_audit(a, pool, range(13)).decode().splitlines()[0])
    13 cases; all 107 constraints satisfied
    """
    fmt = _check_format(fmt)
    if fmt == "json":
        doc = audit_document(audit, pool, positions, manifest=manifest)
        if failures_only:
            doc["constraints"] = [c for c in doc["constraints"] if not c["satisfied"]]
        return _json_bytes(doc)
    frame = audit.to_dataframe()
    if failures_only and len(frame):
        frame = frame[~frame["satisfied"].astype(bool)].reset_index(drop=True)
    if fmt == "csv":
        return str(frame.map(neutralise_cell).to_csv(index=False, lineterminator="\n")).encode()
    if fmt == "latex":
        return str(frame.map(neutralise_cell).to_latex(index=False, escape=True)).encode()
    if fmt == "xlsx":
        from .xlsx import workbook

        sheets = [_constraints_sheet(audit, failures_only=failures_only)]
        if manifest is not None:
            sheets.append(manifest_sheet(manifest))
        return workbook(sheets)
    head = ngettext("{n} case", "{n} cases", len(positions)).format(n=len(positions))
    head += "; " + audit_summary(audit)
    headers = constraint_headers()
    rows = _constraint_rows(audit, only_failures=failures_only)
    table = _md_table(rows, headers) if fmt == "markdown" else _text_table(rows, headers)
    lines = [head, "", table] if rows else [head]
    if audit.objective is not None:
        lines += ["", objective_line(audit)]
    return ("\n".join(lines) + "\n").encode()


def render_tables(tables: TableSet, fmt: Format | str = "table") -> bytes:
    """A table set in one of :data:`FORMATS` (``csv`` and ``json`` in long format).

    >>> from selectie import load_pool, tables
    >>> pool = load_pool()
    >>> ts = tables(pool, [i for i in pool.ids if i.startswith("R")], reference="bijlage4")
    >>> print(render_tables(ts, "csv").decode().splitlines()[1])
    regio,Amsterdam-Amstelland,1,10,1,0
    """
    fmt = _check_format(fmt)
    if fmt == "json":
        return tables.to_json().encode()
    if fmt == "csv":
        return tables.to_csv().encode()
    if fmt == "markdown":
        return tables.to_markdown().encode()
    if fmt == "latex":
        return tables.to_latex().encode()
    if fmt == "xlsx":
        return tables.to_xlsx()
    return (str(tables) + "\n").encode()


def render_frame(frame: pd.DataFrame, fmt: Format | str = "table", *, sheet: str = "data") -> bytes:
    """A DataFrame (e.g. a :func:`selectie.sweep.sweep` result) in one of :data:`FORMATS`;
    list cells are joined with spaces.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"size": [9, 13], "status": ["infeasible", "optimal"]})
    >>> print(render_frame(frame, "csv").decode(), end="")
    size,status
    9,infeasible
    13,optimal
    """
    fmt = _check_format(fmt)
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = [
            " ".join(map(str, v)) if isinstance(v, list | tuple) else v for v in shown[col]
        ]
    if fmt == "json":
        return (str(shown.to_json(orient="records", force_ascii=False, indent=2)) + "\n").encode()
    if fmt == "csv":
        return str(shown.map(neutralise_cell).to_csv(index=False, lineterminator="\n")).encode()
    if fmt == "markdown":
        return (str(shown.map(markdown_cell).to_markdown(index=False)) + "\n").encode()
    if fmt == "latex":
        return str(shown.map(neutralise_cell).to_latex(index=False, escape=True)).encode()
    if fmt == "xlsx":
        from .xlsx import frame_sheet, workbook

        return workbook([frame_sheet(sheet, frame)])
    import pandas as pd

    rows = [["" if pd.isna(v) else str(v) for v in row] for row in shown.astype(object).values]
    return (_text_table(rows, [str(c) for c in shown.columns]) + "\n").encode()


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(
            f"unknown output format {fmt!r}", hint=f"Choose one of: {', '.join(FORMATS)}."
        )
    return fmt


# -- XLSX ------------------------------------------------------------------------------------

#: Sheet names of a selection workbook, translated where they are written.
SHEETS = {
    "selection": N_("selection"),
    "tables": N_("tables"),
    "constraints": N_("constraints"),
    "scenario": N_("scenario"),
    "manifest": N_("manifest"),
}


def selection_sheet(pool: Pool, positions: Sequence[int]) -> Sheet:
    """The selected cases as a pool sheet: the pool's own header (id column first), so the
    loader reads the sheet back as a pool; multi-valued cells joined with the codebook's
    separator; numbers in extra columns as numeric cells.
    """
    from .xlsx import Sheet, number_or_text

    cb = pool.codebook
    rows_all = list(pool.subset(positions).rows())
    header = list(rows_all[0]) if rows_all else list(cb.columns)
    extras = set(cb.extra_columns)
    rows = [
        [number_or_text(v) if col in extras else v for col, v in row.items()] for row in rows_all
    ]
    return Sheet(_(SHEETS["selection"]), header, rows)


def tables_sheet(tables: TableSet, pool: Pool | None = None) -> Sheet:  # noqa: ARG001 - kept for callers
    """Every table in one long sheet: attribute, value, its label, and the counts (beside
    the reference, when there is one), as numbers.
    """
    from .report import TOTAL
    from .xlsx import Sheet

    frame = tables.to_frame()
    counts = [c for c in frame.columns if c not in ("attribute", "value")]
    from .report import COLUMNS

    header = [_("attribute"), _("value"), _("label"), *(_(COLUMNS.get(c, c)) for c in counts)]
    rows = []
    for rec in frame.astype(object).itertuples(index=False):
        d = dict(zip(frame.columns, rec, strict=True))
        attr, value = str(d["attribute"]), str(d["value"])
        label = (
            _(COLUMNS[TOTAL]) if value == TOTAL else tables.labels.get(attr, {}).get(value, value)
        )
        nums = [None if _isna(d[c]) else int(d[c]) for c in counts]
        rows.append([attr, value, label, *nums])
    return Sheet(_(SHEETS["tables"]), header, rows)


def _isna(v: Any) -> bool:
    import pandas as pd

    return v is None or bool(pd.isna(v))


def _constraints_sheet(audit: Audit, *, failures_only: bool = False) -> Sheet:
    from .xlsx import Sheet

    checks = audit.failures if failures_only else audit.checks
    header = [
        _("constraint"),
        _("kind"),
        _("origin"),
        _("required"),
        _("achieved"),
        _("satisfied"),
        _("shortfall"),
    ]
    rows = [
        [c.name, c.kind, c.origin, c.required, c.achieved, bool(c.satisfied), c.shortfall]
        for c in checks
    ]
    return Sheet(_(SHEETS["constraints"]), header, rows)


def scenario_sheet(scenario: Scenario) -> Sheet:
    """The effective scenario as its TOML file, one line per row (copy the column into a
    file and `selectie select --scenario` reads it).
    """
    from .xlsx import Sheet

    lines = scenario.to_toml().splitlines()
    return Sheet(_(SHEETS["scenario"]), ["scenario.toml"], [[line] for line in lines])


def manifest_sheet(manifest: Mapping[str, Any]) -> Sheet:
    """The manifest (versions, SHA-256 of every input, seed, changes) as key and value rows;
    nested keys are joined with dots.
    """
    from .xlsx import Sheet

    rows: list[list[Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list | tuple):
            if prefix == "changes" or all(not isinstance(v, Mapping | list) for v in value):
                rows.append([prefix, " ".join(map(str, value))])
            else:
                for n, v in enumerate(value):
                    walk(f"{prefix}.{n}", v)
        else:
            rows.append([prefix, value])

    walk("", {k: v for k, v in manifest.items() if k != "scenario"})
    return Sheet(_(SHEETS["manifest"]), [_("key"), _("value")], rows)


def default_manifest(selection: Selection) -> dict[str, Any]:
    """What a notebook knows of a run: selectie's version, the solver, and the pool file's
    SHA-256 (the command line adds the codebook and scenario files).
    """
    from . import __version__

    data: dict[str, Any] = {"selectie": __version__}
    if selection.solver is not None:
        data["solver"] = {"name": selection.solver.name, "version": selection.solver.version}
        data["seed"] = selection.solver.seed
    pool = selection.pool
    if pool.source is not None:
        data["files"] = {"pool": {"path": pool.source, "sha256": pool.digest}}
    return data


def frames_workbook(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """DataFrames as the sheets of one workbook, in order (typed cells, bold frozen header,
    filters, fitted columns; the same bytes for the same frames).

    >>> import pandas as pd
    >>> frames_workbook({"p": pd.DataFrame({"id": ["a"], "probability": [0.5]})})[:2]
    b'PK'
    """
    from .xlsx import frame_sheet, workbook

    return workbook([frame_sheet(name, frame) for name, frame in frames.items()])


def _xlsx(frames: Mapping[str, pd.DataFrame], tables: TableSet | None) -> bytes:
    """Kept for callers written before :func:`frames_workbook` (the lottery's rendering)."""
    from .xlsx import frame_sheet, workbook

    sheets = [frame_sheet(name, frame) for name, frame in frames.items()]
    if tables is not None:
        sheets.append(tables_sheet(tables))
    return workbook(sheets)


def selection_workbook(
    selection: Selection,
    *,
    reference: Reference = None,
    manifest: Mapping[str, Any] | None = None,
    tables: TableSet | None = None,
) -> bytes:
    """The XLSX a researcher hands on: sheets selection, tables (beside the reference),
    constraints, scenario and manifest.

    >>> import io
    >>> from openpyxl import load_workbook
    >>> from selectie import load_pool, load_scenario, select
    >>> sel = select(load_pool(), load_scenario())
    >>> wb = load_workbook(io.BytesIO(selection_workbook(sel, reference="bijlage4")))
    >>> wb.sheetnames
    ['selection', 'tables', 'constraints', 'scenario', 'manifest']
    >>> [c.value for c in wb["selection"][1][:3]], wb["selection"]["A2"].value
    (['id', 'name', 'regio'], 'R01')
    """
    from .xlsx import workbook

    ts = tables if tables is not None else selection.tables(reference)
    sheets = [selection_sheet(selection.pool, selection.positions), tables_sheet(ts)]
    if selection.audit is not None:
        sheets.append(_constraints_sheet(selection.audit))
    sheets.append(scenario_sheet(selection.scenario))
    sheets.append(manifest_sheet(manifest if manifest is not None else default_manifest(selection)))
    return workbook(sheets)
