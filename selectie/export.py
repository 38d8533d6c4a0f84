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
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._io import safe_cell
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .pool import Pool
    from .report import TableSet
    from .result import Audit, Selection

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


def _listing_columns(pool: Pool) -> list[str]:
    """Up to three single-valued attributes shown beside each selected case."""
    cb = pool.codebook
    single = [a for a in cb.table_attributes if not cb.attribute(a).multi]
    return single[:3]


def _listing(pool: Pool, positions: Sequence[int]) -> tuple[list[list[str]], list[str]]:
    cols = _listing_columns(pool)
    headers = ["id", "name", *cols]
    rows = [
        [pool.ids[i], pool.names[i] or "", *(pool.cell_text(c, i) for c in cols)] for i in positions
    ]
    return rows, headers


def _constraint_rows(audit: Audit, *, only_failures: bool = False) -> list[list[str]]:
    checks = audit.failures if only_failures else audit.checks
    return [
        [c.name, c.required, str(c.achieved), "yes" if c.satisfied else f"no (short {c.shortfall})"]
        for c in checks
    ]


def _selection_text(selection: Selection, reference: Reference, markdown: bool) -> str:
    h = "## " if markdown else ""
    out: list[str] = []
    title = selection.scenario.name or "scenario"
    out.append(f"{h}{title}: {selection.status.value}")
    if selection.message:
        out.append(selection.message)
    out += [f"  - {r}" for r in selection.reasons]
    if selection.solver is not None:
        out.append(f"solver: {selection.solver.name} {selection.solver.version}")
    if not selection.ok:
        return "\n".join(out) + "\n"
    pool = selection.pool
    rows, headers = _listing(pool, selection.positions)
    out.append("")
    out.append(f"{h}Selected {len(rows)} of {len(pool)} cases")
    out.append("")
    out.append(_md_table(rows, headers) if markdown else _text_table(rows, headers))
    audit = selection.audit
    if audit is not None:
        out.append("")
        out.append(f"{h}Constraints")
        out.append("")
        first = str(audit).splitlines()
        out.append(first[0])
        failed = _constraint_rows(audit, only_failures=True)
        if failed:
            out.append(_md_table(failed, ["constraint", "required", "achieved", "satisfied"]))
        if audit.objective is not None:
            out.append(f"objective ({audit.objective.kind}): {audit.objective.text}")
    bridges = selection.bridges()
    if bridges:
        out.append("")
        out.append(f"{h}Bridges")
        out.append("")
        for case, links in bridges.items():
            ids = [link.split(" (", 1)[0] for link in links]
            more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
            out.append(f"- {case}: {len(ids)} bridge(s): {', '.join(ids[:5])}{more}")
    ts = selection.tables(reference)
    out.append("")
    out.append(f"{h}Tables")
    out.append("")
    out.append(ts.to_markdown() if markdown else str(ts))
    return "\n".join(out).rstrip("\n") + "\n"


def _md_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    from tabulate import tabulate

    return str(tabulate(rows, headers=list(headers), tablefmt="github", disable_numparse=True))


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
    frames: dict[str, pd.DataFrame] = {
        "selection": selection.pool.subset(selection.positions).to_dataframe(),
    }
    if selection.audit is not None:
        frames["constraints"] = selection.audit.to_dataframe()
    return _xlsx(frames, ts)


def render_audit(
    audit: Audit,
    pool: Pool,
    positions: Sequence[int],
    fmt: Format | str = "table",
    *,
    manifest: Mapping[str, Any] | None = None,
) -> bytes:
    """An audit (constraint by constraint) in one of :data:`FORMATS`.

    >>> from selectie import audit, load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> a = audit(pool, load_scenario(), report13)
    >>> print(render_audit(a, pool, range(13)).decode().splitlines()[0])
    13 cases; all 107 constraints satisfied
    """
    fmt = _check_format(fmt)
    if fmt == "json":
        return _json_bytes(audit_document(audit, pool, positions, manifest=manifest))
    frame = audit.to_dataframe()
    if fmt == "csv":
        return str(frame.map(safe_cell).to_csv(index=False, lineterminator="\n")).encode()
    if fmt == "latex":
        return str(frame.to_latex(index=False, escape=True)).encode()
    if fmt == "xlsx":
        return _xlsx({"constraints": frame}, None)
    n, bad = len(audit.checks), len(audit.failures)
    head = f"{len(positions)} cases; " + (
        f"all {n} constraints satisfied" if not bad else f"{bad} of {n} constraints not satisfied"
    )
    headers = ["constraint", "required", "achieved", "satisfied"]
    rows = _constraint_rows(audit)
    table = _md_table(rows, headers) if fmt == "markdown" else _text_table(rows, headers)
    lines = [head, "", table]
    if audit.objective is not None:
        lines += ["", f"objective ({audit.objective.kind}): {audit.objective.text}"]
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
        return _xlsx({}, tables)
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
        return str(shown.map(safe_cell).to_csv(index=False, lineterminator="\n")).encode()
    if fmt == "markdown":
        return (str(shown.to_markdown(index=False)) + "\n").encode()
    if fmt == "latex":
        return str(shown.to_latex(index=False, escape=True)).encode()
    if fmt == "xlsx":
        buf = io.BytesIO()
        shown.map(safe_cell).to_excel(buf, index=False, sheet_name=sheet, engine="openpyxl")
        return _fixed_zip(buf.getvalue())
    import pandas as pd

    rows = [["" if pd.isna(v) else str(v) for v in row] for row in shown.astype(object).values]
    return (_text_table(rows, [str(c) for c in shown.columns]) + "\n").encode()


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(
            f"unknown output format {fmt!r}", hint=f"Choose one of: {', '.join(FORMATS)}."
        )
    return fmt


# -- XLSX with fixed bytes ---------------------------------------------------------------------

_FIXED_TIME = "2000-01-01T00:00:00Z"


def _xlsx(frames: Mapping[str, pd.DataFrame], tables: TableSet | None) -> bytes:
    import pandas as pd

    from .report import _sheet_name

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.map(safe_cell).to_excel(writer, sheet_name=name, index=False)
        if tables is not None:
            for attr, df in tables.frames.items():
                df.reset_index().map(safe_cell).to_excel(
                    writer, sheet_name=_sheet_name(attr), index=False
                )
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same XLSX with fixed file times and document dates, so equal input gives equal
    bytes (openpyxl stamps the time of writing)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<2>",
                    body,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    return out.getvalue()
