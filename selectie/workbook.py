"""A workbook that carries its own codebook and scenario, as sheets an Excel user can edit.

The pool is the first sheet (or the one named with ``sheet``). Three more sheets, all
optional, make ``selectie select --pool werkmap.xlsx`` need nothing else:

``codebook``
    One row per column of the pool, and per value of an attribute::

        column      | role      | value   | label | aliases | separator
        Nr          | id        |         |       |         |
        Gemeente    | label     |         |       |         |
        Budget (€)  | extra     |         |       |         |
        Provincie   | attribute | Fryslân |       |         |
        Provincie   | attribute | Utrecht |       |         |
        Thema's     | multi     | jeugd   |       |         | ;

    ``role`` is ``id``, ``label``, ``extra``, ``attribute`` (one value per case) or ``multi``
    (several values per case, separated by ``|`` or by the row's ``separator``). ``aliases``
    are other spellings, separated by ``|``.

``quotas``
    The Sortition Foundation's table, as Excel users of sortition know it::

        feature   | value   | min | max
        Provincie | Fryslân | 1   |
        Thema's   |         | 1   |

    An empty ``value`` means every value of the feature; an empty ``min`` or ``max`` means
    no bound.

``scenario``
    ``key`` and ``value`` rows: ``size`` (required), ``name``, ``description``, ``include``
    and ``exclude`` (ids separated by commas), ``cover`` (attributes separated by commas, each
    value held by at least ``overlap`` selected cases, default 1), ``objective`` (a kind:
    ``feasibility``, ``max_overlap``, ``max_weight``), ``objective_attributes`` (for
    ``max_overlap``), ``weight_column`` (for ``max_weight``).

:func:`add_sheets` writes these sheets, drafted by :mod:`selectie.draft`, into a new copy of a
workbook (``selectie init werkmap.xlsx --sheets``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CodebookError, ScenarioError

if TYPE_CHECKING:
    from .codebook import Codebook
    from .draft import Draft
    from .scenario import Scenario

__all__ = [
    "CODEBOOK_SHEET",
    "QUOTAS_SHEET",
    "SCENARIO_SHEET",
    "add_sheets",
    "codebook_from_workbook",
    "scenario_from_workbook",
    "workbook_sheets",
]

CODEBOOK_SHEET = "codebook"
QUOTAS_SHEET = "quotas"
SCENARIO_SHEET = "scenario"
CODEBOOK_HEADER = ("column", "role", "value", "label", "aliases", "separator")
QUOTAS_HEADER = ("feature", "value", "min", "max")
SCENARIO_HEADER = ("key", "value")


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return " ".join(str(v).split())


def workbook_sheets(path: str | Path) -> dict[str, list[dict[str, str]]]:
    """The ``codebook``, ``quotas`` and ``scenario`` sheets of a workbook, as rows (header ->
    cell text); sheets it lacks are left out, and a file that is no workbook gives ``{}``.
    """
    p = Path(path)
    if not p.is_file() or not _is_xlsx(p):
        return {}
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(p.read_bytes()), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (an unreadable workbook has no sheets here; the pool loader reports why)
        return {}
    out: dict[str, list[dict[str, str]]] = {}
    try:
        names = {n.casefold(): n for n in wb.sheetnames}
        for want in (CODEBOOK_SHEET, QUOTAS_SHEET, SCENARIO_SHEET):
            if want not in names:
                continue
            rows = [[_text(v) for v in r] for r in wb[names[want]].iter_rows(values_only=True)]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            header = [h.casefold() for h in rows[0]]
            out[want] = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    finally:
        wb.close()
    return out


def codebook_from_workbook(path: str | Path) -> Codebook | None:
    """The codebook the workbook's ``codebook`` sheet describes, or None without one."""
    rows = workbook_sheets(path).get(CODEBOOK_SHEET)
    if rows is None:
        return None
    from .codebook import codebook_from_dict

    where = f"{path}, sheet {CODEBOOK_SHEET!r}"
    head: dict[str, Any] = {"name": Path(path).stem, "extra_columns": []}
    attrs: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows, start=2):
        col, role = row.get("column", ""), row.get("role", "").casefold()
        if not col:
            continue
        if role == "id":
            head["id_column"] = col
        elif role == "label":
            head["label_column"] = col
        elif role == "extra":
            head["extra_columns"].append(col)
        elif role in ("attribute", "multi"):
            attr = attrs.setdefault(col, {"name": col, "values": []})
            if role == "multi":
                attr["multi"] = True
            if row.get("separator"):
                attr["separator"] = row["separator"]
            if row.get("value"):
                value: dict[str, Any] = {"code": row["value"]}
                if row.get("label"):
                    value["label"] = row["label"]
                if row.get("aliases"):
                    value["aliases"] = [a.strip() for a in row["aliases"].split("|") if a.strip()]
                attr["values"].append(value)
        else:
            raise CodebookError(
                f"{where}, row {n}: role {row.get('role', '')!r} of column {col!r} is not one "
                "of id, label, extra, attribute, multi"
            )
    if "id_column" not in head:
        raise CodebookError(f"{where}: no row has role 'id'", hint="Mark the id column.")
    head["tables"] = list(attrs)
    return codebook_from_dict({"codebook": head, "attributes": list(attrs.values())}, file=where)


def scenario_from_workbook(path: str | Path) -> Scenario | None:
    """The scenario the workbook's ``scenario`` and ``quotas`` sheets describe, or None when
    it has neither.
    """
    sheets = workbook_sheets(path)
    if SCENARIO_SHEET not in sheets and QUOTAS_SHEET not in sheets:
        return None
    from .scenario import scenario_from_dict

    keys = {r.get("key", "").casefold(): r.get("value", "") for r in sheets.get(SCENARIO_SHEET, [])}
    where = f"{path}, sheet {SCENARIO_SHEET!r}"
    data: dict[str, Any] = {}
    if not keys.get("size"):
        raise ScenarioError(f"{where}: no 'size' row", hint="Add a row: size | 6")
    try:
        data["size"] = int(keys["size"])
    except ValueError:
        raise ScenarioError(f"{where}: size {keys['size']!r} is not a whole number") from None
    for key in ("name", "description"):
        if keys.get(key):
            data[key] = keys[key]
    for key in ("include", "exclude"):
        if keys.get(key):
            data[key] = [x.strip() for x in keys[key].split(",") if x.strip()]
    if keys.get("cover"):
        overlap = int(keys.get("overlap") or 1)
        attrs = [a.strip() for a in keys["cover"].split(",") if a.strip()]
        data["coverage"] = [{"attributes": attrs, "overlap": overlap}]
    if keys.get("objective"):
        obj: dict[str, Any] = {"kind": keys["objective"]}
        if keys.get("objective_attributes"):
            obj["attributes"] = [
                a.strip() for a in keys["objective_attributes"].split(",") if a.strip()
            ]
        if keys.get("weight_column"):
            obj["weight_column"] = keys["weight_column"]
        data["objective"] = obj
    quotas = []
    for n, row in enumerate(sheets.get(QUOTAS_SHEET, []), start=2):
        feature = row.get("feature", "")
        if not feature:
            continue
        q: dict[str, Any] = {"attribute": feature}
        if row.get("value"):
            q["values"] = [row["value"]]
        for bound in ("min", "max"):
            if row.get(bound):
                try:
                    q[bound] = int(row[bound])
                except ValueError:
                    raise ScenarioError(
                        f"{path}, sheet {QUOTAS_SHEET!r}, row {n}: {bound} {row[bound]!r} is "
                        "not a whole number"
                    ) from None
        quotas.append(q)
    if quotas:
        data["quotas"] = quotas
    return scenario_from_dict(data, file=where)


def _codebook_rows(d: Draft) -> list[list[Any]]:
    rows: list[list[Any]] = [[d.id_column, "id", None, None, None, None]]
    if d.label_column:
        rows.append([d.label_column, "label", None, None, None, None])
    for c in d.extra_columns:
        rows.append([c.header, "extra", None, None, None, None])
    for c in d.attributes:
        role = "multi" if c.kind == "multi" else "attribute"
        sep = c.separator if c.separator and c.separator != "|" else None
        for code in c.counts:
            aliases = "|".join(c.aliases.get(code, ())) or None
            rows.append([c.header, role, code, None, aliases, sep])
    return rows


def _scenario_rows(d: Draft) -> list[list[Any]]:
    rows: list[list[Any]] = [["size", d.size], ["name", "Selection from " + d.source.stem]]
    if d.objective_attributes:
        rows += [
            ["objective", "max_overlap"],
            ["objective_attributes", ", ".join(d.objective_attributes)],
        ]
    else:
        rows.append(["objective", "feasibility"])
    return rows


def add_sheets(d: Draft, target: str | Path, *, protect: Sequence[Path] = ()) -> Path:
    """A copy of the draft's workbook with ``codebook``, ``quotas`` (header only) and
    ``scenario`` sheets added, written to ``target`` (never over a file that exists).
    """
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from ._io import write_atomic
    from .errors import InputError

    out = Path(target)
    if out.exists():
        raise InputError(
            f"refusing to overwrite {str(out)!r}",
            hint="selectie init never overwrites; give another folder with -o, or move it.",
        )
    if not _is_xlsx(d.source):
        raise InputError(
            f"--sheets needs an XLSX workbook; {str(d.source)!r} is not one",
            hint="Save the pool as .xlsx, or leave out --sheets to write TOML files.",
        )
    wb = load_workbook(d.source)
    taken = [
        n for n in wb.sheetnames if n.casefold() in (CODEBOOK_SHEET, QUOTAS_SHEET, SCENARIO_SHEET)
    ]
    if taken:
        raise InputError(
            f"{str(d.source)!r} already has sheet(s) {', '.join(taken)}",
            hint="Edit them in the workbook, or remove them to draft new ones.",
        )
    for name, header, rows in (
        (CODEBOOK_SHEET, CODEBOOK_HEADER, _codebook_rows(d)),
        (QUOTAS_SHEET, QUOTAS_HEADER, []),
        (SCENARIO_SHEET, SCENARIO_HEADER, _scenario_rows(d)),
    ):
        ws = wb.create_sheet(name)
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        for col in ws.columns:
            width = max((len(str(c.value)) for c in col if c.value is not None), default=6)
            ws.column_dimensions[col[0].column_letter].width = min(50, width + 2)
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(out, buf.getvalue(), protect=[d.source, *protect])
    return out
