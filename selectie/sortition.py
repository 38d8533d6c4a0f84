"""Reading sortition instances as they are published: quotas and people CSV files.

Two formats are read, as their authors write them:

- **Sortition Foundation** (the ``sortition-algorithms`` package and its selection app): a
  quotas file with columns ``feature,value,min,max`` (older files: ``category,name,min,max``;
  optionally ``min_flex,max_flex``) and a people file with one row per person, an id column
  (by default ``nationbuilder_id`` or ``id``), one column per feature and any other columns
  (names, addresses...);
- **replication material** of Flanigan et al. (Nature 2021): ``categories.csv`` with columns
  ``category,feature,min,max`` (category = the feature, feature = its value) and
  ``respondents.csv`` with one column per category and no ids: people are numbered ``1`` to
  ``n`` in file order.

:func:`read_sortition` turns them into a selectie :class:`~selectie.pool.Pool` and
:class:`~selectie.scenario.Scenario`: a codebook with one required attribute per feature (its
values are those the quotas file lists), one :class:`~selectie.scenario.Quota` per quota row,
and, given address columns, "at most one per household" as a
:class:`~selectie.scenario.GroupLimit`. Values are matched ignoring case and spacing, as the
Sortition Foundation's tool does.

``min_flex``/``max_flex`` are the bounds within which the Sortition Foundation's tool may
relax a quota when the quotas cannot all be met. selectie checks them (whole numbers,
``min_flex <= min`` and ``max_flex >= max``) and records them in each quota's note; it never
relaxes a quota by itself.

>>> from pathlib import Path
>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "q.csv").write_text("feature,value,min,max\\nsex,f,1,1\\nsex,m,1,1\\n")
>>> _ = (d / "p.csv").write_text("id,sex\\na,f\\nb,m\\nc,M\\n")
>>> pool, scenario = read_sortition(d / "p.csv", d / "q.csv", size=2)
>>> len(pool), scenario.size, [(q.attribute, q.values, q.min, q.max) for q in scenario.quotas]
(3, 2, [('sex', ('f',), 1, 1), ('sex', ('m',), 1, 1)])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .codebook import Codebook, codebook_from_dict, normalize
from .errors import CodebookError, PoolError, Problem, ScenarioError
from .pool import Pool, read_table
from .scenario import GroupLimit, Quota, Scenario

__all__ = ["SortitionQuota", "read_quotas", "read_sortition"]

#: Id columns looked for when none is given (the Sortition Foundation's default first).
DEFAULT_ID_COLUMNS = ("nationbuilder_id", "id")
#: The people file's name column when none is named: the first of these headers it has
#: (compared without regard to case or spacing). Its values are the people's display names
#: (``Pool.names``), shown beside the ids in a lottery's probabilities.
DEFAULT_NAME_COLUMNS = ("name", "full name", "full_name", "fullname", "naam", "display name")
#: The name of the column holding the household key when address columns are given.
HOUSEHOLD_COLUMN = "household"
#: How an unknown value would be spelt (never a valid value in a sortition file).
_UNKNOWN = "<unknown>"


@dataclasses.dataclass(frozen=True)
class SortitionQuota:
    """One row of a quotas file: bounds on the number selected with ``feature = value``.

    >>> q = SortitionQuota("sex", "f", 1, 2, row=2)
    >>> (q.feature, q.value, q.min, q.max, q.min_flex)
    ('sex', 'f', 1, 2, None)
    """

    feature: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None
    row: int = 0


def read_quotas(path: str | Path) -> tuple[list[SortitionQuota], str]:
    """Read a quotas file in any of the supported formats; returns the rows and the format.

    The format is ``"sortition-foundation"`` (``feature,value`` or ``category,name``) or
    ``"replication"`` (``category,feature``). Every problem is reported at once, with its row.

    >>> from pathlib import Path
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "categories.csv").write_text("category,feature,min,max\\nage,young,1,2\\n")
    >>> rows, fmt = read_quotas(d / "categories.csv")
    >>> fmt, [(q.feature, q.value, q.min, q.max) for q in rows]
    ('replication', [('age', 'young', 1, 2)])
    """
    p = Path(path)
    header, rows, _ = _read(p, "quotas file", ScenarioError)
    cols = {normalize(h): k for k, h in enumerate(header)}
    value_names = ("value", "name", "category value", "category_value", "category-value")
    if "feature" in cols and any(v in cols for v in value_names):
        fmt = "sortition-foundation"
        f_col = cols["feature"]
        v_col = next(cols[v] for v in value_names if v in cols)
    elif "category" in cols and any(v in cols for v in value_names[1:]):
        fmt = "sortition-foundation"
        f_col = cols["category"]
        v_col = next(cols[v] for v in value_names[1:] if v in cols)
    elif "category" in cols and "feature" in cols:
        fmt = "replication"
        f_col, v_col = cols["category"], cols["feature"]
    else:
        raise ScenarioError(
            f"quotas file {str(p)!r} has none of the known headers",
            [
                Problem(
                    file=str(p),
                    row=1,
                    found=",".join(header)[:200],
                    expected="feature,value,min,max (Sortition Foundation; optionally "
                    "min_flex,max_flex), category,name,min,max, or category,feature,min,max "
                    "(replication material)",
                )
            ],
        )
    problems: list[Problem] = []
    for need in ("min", "max"):
        if need not in cols:
            problems.append(
                Problem(file=str(p), row=1, column=need, message="required column is missing")
            )
    if problems:
        raise ScenarioError(f"quotas file {str(p)!r} cannot be read", problems)
    flex = "min_flex" in cols and "max_flex" in cols
    out: list[SortitionQuota] = []
    seen: dict[tuple[str, str], int] = {}
    for rownum, record in rows:
        cells = record + [""] * (len(header) - len(record))

        def number(name: str, cells: list[str] = cells, rownum: int = rownum) -> int | None:
            text = cells[cols[name]].strip()
            try:
                v: int | None = int(text)
            except ValueError:
                v = None
            if v is None or v < 0:
                problems.append(
                    Problem(
                        file=str(p),
                        row=rownum,
                        column=name,
                        expected="a whole number >= 0",
                        found=text,
                    )
                )
                return None
            return v

        feature = " ".join(cells[f_col].split())
        value = " ".join(cells[v_col].split())
        if not feature or not value:
            problems.append(
                Problem(
                    file=str(p), row=rownum, message="the feature and the value may not be empty"
                )
            )
            continue
        lo, hi = number("min"), number("max")
        lo_flex = number("min_flex") if flex else None
        hi_flex = number("max_flex") if flex else None
        key = (normalize(feature), normalize(value))
        if key in seen:
            problems.append(
                Problem(
                    file=str(p),
                    row=rownum,
                    message=f"{feature}={value} is listed twice (also at row {seen[key]})",
                )
            )
            continue
        seen[key] = rownum
        if lo is None or hi is None:
            continue
        if lo > hi:
            problems.append(
                Problem(
                    file=str(p),
                    row=rownum,
                    column="min",
                    message=f"min ({lo}) is larger than max ({hi})",
                )
            )
            continue
        if lo_flex is not None and lo_flex > lo:
            problems.append(
                Problem(
                    file=str(p),
                    row=rownum,
                    column="min_flex",
                    message=f"min_flex ({lo_flex}) is larger than min ({lo})",
                )
            )
        if hi_flex is not None and hi_flex < hi:
            problems.append(
                Problem(
                    file=str(p),
                    row=rownum,
                    column="max_flex",
                    message=f"max_flex ({hi_flex}) is smaller than max ({hi})",
                )
            )
        out.append(SortitionQuota(feature, value, lo, hi, lo_flex, hi_flex, rownum))
    if not out and not problems:
        problems.append(Problem(file=str(p), message="the file has a header but no quotas"))
    if problems:
        n = len(problems)
        raise ScenarioError(f"quotas file {str(p)!r}: {n} problem{'s' if n != 1 else ''}", problems)
    return out, fmt


def read_sortition(
    people: str | Path,
    quotas: str | Path,
    *,
    size: int,
    id_column: str | None = None,
    households: Sequence[str] | None = None,
    name_column: str | None = None,
) -> tuple[Pool, Scenario]:
    """Read a sortition instance: a people file and a quotas file, for a panel of ``size``.

    ``id_column`` names the people file's id column; without it, ``nationbuilder_id`` or
    ``id`` is used when present, and otherwise people are numbered ``1`` to ``n`` in file
    order (the replication format has no ids). ``name_column`` names the column of the
    people's display names (``pool.names``); without it, the first of
    :data:`DEFAULT_NAME_COLUMNS` the file has, else the pool has no names
    (``pool.codebook.label_column`` is None). ``households`` lists address columns: people
    whose addresses agree on all of them (ignoring case and spacing) form a household, and at
    most one per household is selected; an address left empty in every column forms no
    household. Raises :class:`~selectie.errors.ScenarioError` for a bad quotas file and
    :class:`~selectie.errors.PoolError` for a bad people file, listing every problem.

    Two people at the same address form a household, of which at most one is selected:

    >>> from pathlib import Path
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "q.csv").write_text("feature,value,min,max\\nsex,f,0,2\\nsex,m,0,2\\n")
    >>> _ = (d / "p.csv").write_text(
    ...     "id,sex,street\\na,f,Dorpsstraat 1\\nb,m,dorpsstraat 1\\nc,m,Kerkweg 2\\n")
    >>> pool, scenario = read_sortition(d / "p.csv", d / "q.csv", size=2, households=["street"])
    >>> len(pool), len(scenario.quotas), len(scenario.group_limits)
    (3, 2, 1)
    >>> read_sortition(d / "p.csv", d / "q.csv", size=0)
    Traceback (most recent call last):
    selectie.errors.ScenarioError: the panel size must be a whole number >= 1 (got 0)
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ScenarioError(f"the panel size must be a whole number >= 1 (got {size!r})")
    qpath, ppath = Path(quotas), Path(people)
    rows, fmt = read_quotas(qpath)
    header, records, digest = _read(ppath, "people file", PoolError)
    file = str(ppath)
    norm_header = [normalize(h) for h in header]
    _check_unique_header(header, file)

    # features: in quotas-file order, each with its values in order
    features: dict[str, list[SortitionQuota]] = {}
    names: dict[str, str] = {}
    for q in rows:
        key = normalize(q.feature)
        names.setdefault(key, q.feature)
        features.setdefault(key, []).append(q)

    problems: list[Problem] = []
    col_of: dict[str, int] = {}
    for key, fname in names.items():
        if key not in norm_header:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=fname,
                    message=f"the quotas file {str(qpath)!r} has feature "
                    f"{fname!r}, but the people file has no such column",
                    hint=f"the header has: {', '.join(header)[:300]}",
                )
            )
        else:
            col_of[key] = norm_header.index(key)

    # ids
    id_pos: int | None = None
    if id_column is not None:
        if normalize(id_column) not in norm_header:
            problems.append(_missing_column(file, header, id_column, "the id column is missing"))
        else:
            id_pos = norm_header.index(normalize(id_column))
    else:
        for cand in DEFAULT_ID_COLUMNS:
            if cand in norm_header:
                id_pos = norm_header.index(cand)
                break
    if id_pos is not None and id_pos in col_of.values():
        problems.append(
            Problem(
                file=file,
                row=1,
                column=header[id_pos],
                message="the id column is also a feature of the quotas file",
            )
        )

    # households
    address: list[int] = []
    for col in households or ():
        if normalize(col) not in norm_header:
            problems.append(_missing_column(file, header, col, "the address column is missing"))
        else:
            address.append(norm_header.index(normalize(col)))
    name_pos = _name_position(header, name_column, {*col_of.values(), id_pos}, file, problems)
    if households is not None and not households:
        problems.append(Problem(message="households needs at least one address column"))
    if problems:
        raise PoolError(f"{file}: the people file does not fit the quotas", problems)

    used = set(col_of.values()) | {k for k in (id_pos, name_pos) if k is not None}
    extra_idx = [k for k, h in enumerate(header) if k not in used and h.strip()]
    household_col = None
    if address:
        taken = {normalize(header[k]) for k in range(len(header))}
        household_col = HOUSEHOLD_COLUMN
        while normalize(household_col) in taken or normalize(household_col) in names:
            household_col = "_" + household_col
    # without an id column (the replication format) people are numbered; no column is
    # called "id" then, or it would have been taken as the id column
    id_name = header[id_pos] if id_pos is not None else "id"

    name_name = header[name_pos] if name_pos is not None else None
    codebook = _codebook(
        features, names, id_name, [header[k] for k in extra_idx], household_col, file, name_name
    )
    attrs = {key: codebook.attributes[n] for n, key in enumerate(features)}

    # validate cells with the file's own row numbers, then build the pool
    out_records: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    for n, (rownum, record) in enumerate(records, start=1):
        if len(record) != len(header):
            problems.append(
                Problem(
                    file=file,
                    row=rownum,
                    message=f"the row has {len(record)} cells but the header has {len(header)}",
                )
            )
            continue
        if id_pos is not None:
            case_id = " ".join(record[id_pos].split())
            if not case_id:
                problems.append(
                    Problem(file=file, row=rownum, column=header[id_pos], message="the id is empty")
                )
                continue
            if normalize(case_id) in seen_ids:
                problems.append(
                    Problem(
                        file=file,
                        row=rownum,
                        column=header[id_pos],
                        message=f"duplicate id {case_id!r} (also at row "
                        f"{seen_ids[normalize(case_id)]})",
                    )
                )
                continue
            seen_ids[normalize(case_id)] = rownum
        else:
            case_id = str(n)
        rec: dict[str, Any] = {id_name: case_id}
        for key, k in col_of.items():
            attr = attrs[key]
            text = record[k]
            code = attr.parse_token(text)
            if code is None:
                problems.append(
                    Problem(
                        file=file,
                        row=rownum,
                        column=header[k],
                        found=text.strip(),
                        expected=f"one of the values the quotas file lists for "
                        f"{attr.name!r}: {', '.join(attr.codes)}",
                        hint=_guess(attr.closest(text)),
                    )
                )
                continue
            rec[attr.name] = code
        for k in extra_idx:
            rec[header[k]] = record[k]
        if name_pos is not None:
            rec[header[name_pos]] = record[name_pos]
        if household_col is not None:
            parts = [normalize(record[k]) for k in address]
            rec[household_col] = " | ".join(parts) if any(parts) else ""
        out_records.append(rec)
    if problems:
        n = len(problems)
        hints = []
        if any((p.message or "").startswith("duplicate id") for p in problems):
            hints.append(
                "Give every person an id of their own (ids are compared ignoring case and "
                "spacing), or name another id column with --id-column."
            )
        if any(not (p.message or "").startswith("duplicate id") for p in problems):
            hints.append(
                "Values are matched ignoring case and spacing; every person needs "
                "a value listed in the quotas file for every feature."
            )
        raise PoolError(
            f"{file}: {n} problem{'s' if n != 1 else ''} in the people file",
            problems,
            hint=" ".join(hints),
        )
    if not out_records:
        raise PoolError(f"{file}: the people file has a header but no people")
    pool = Pool.from_records(out_records, codebook, source=file)
    pool = dataclasses.replace(pool, digest=digest)

    quotas_out = []
    for key, qs in features.items():
        attr = attrs[key]
        for q in qs:
            code = attr.parse_token(q.value)
            note = f"{qpath.name} row {q.row}"
            if q.min_flex is not None:
                note += f"; flex {q.min_flex} to {q.max_flex}"
            quotas_out.append(
                Quota(attribute=attr.name, values=(str(code),), min=q.min, max=q.max, note=note)
            )
    limits: tuple[GroupLimit, ...] = ()
    if household_col is not None:
        limits = (
            GroupLimit(
                by=(household_col,),
                max=1,
                note="at most one per household (address columns: "
                + ", ".join(households or ())
                + ")",
            ),
        )
    scenario = Scenario(
        name=f"sortition: {ppath.name} with {qpath.name}",
        description=f"panel of {size} from {ppath.name} under the quotas of {qpath.name} "
        f"({fmt} format)",
        size=size,
        quotas=tuple(quotas_out),
        group_limits=limits,
    )
    return pool, scenario


def _missing_column(file: str, header: Sequence[str], column: str, message: str) -> Problem:
    """The problem of a column the people file's header lacks, with the header it has."""
    return Problem(
        file=file,
        row=1,
        column=column,
        message=message,
        hint=f"the header has: {', '.join(header)[:300]}",
    )


def _check_unique_header(header: Sequence[str], file: str) -> None:
    """Raise :class:`PoolError` naming every column heading the people file has twice
    (compared ignoring case and spacing): which of the two a quota, the id or a name would
    read is not clear.
    """
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for k, h in enumerate(header, start=1):
        key = normalize(h)
        if not key:
            continue
        if key in first:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=h,
                    message=f"the header has the column {h!r} twice (columns {first[key]} and {k})",
                )
            )
        else:
            first[key] = k
    if problems:
        raise PoolError(
            f"{file}: the people file's header names a column twice",
            problems,
            hint="Rename or remove one of each pair (headings are compared ignoring case "
            "and spacing).",
        )


def _name_position(
    header: list[str],
    name_column: str | None,
    taken: set[int | None],
    file: str,
    problems: list[Problem],
) -> int | None:
    """The position of the people file's name column (``name_column``, else the first of
    :data:`DEFAULT_NAME_COLUMNS` that is not a feature or the id), or None; a named column
    that is missing, or is a feature or the id, is a problem.
    """
    norm_header = [normalize(h) for h in header]
    if name_column is None:
        for cand in DEFAULT_NAME_COLUMNS:
            if cand in norm_header and norm_header.index(cand) not in taken:
                return norm_header.index(cand)
        return None
    if normalize(name_column) not in norm_header:
        problems.append(_missing_column(file, header, name_column, "the name column is missing"))
        return None
    pos = norm_header.index(normalize(name_column))
    if pos in taken:
        problems.append(
            Problem(
                file=file,
                row=1,
                column=name_column,
                message="the name column is also the id column or a feature of the quotas file",
                hint="Name a column that holds the people's names.",
            )
        )
        return None
    return pos


def _guess(code: str | None) -> str | None:
    return f"did you mean {code!r}?" if code else None


def _read(
    p: Path, what: str, error: type[PoolError | ScenarioError]
) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    try:
        return read_table(p)
    except PoolError as exc:
        raise error(exc.summary.replace("pool file", what), exc.problems, hint=exc.hint) from None


def _codebook(
    features: dict[str, list[SortitionQuota]],
    names: dict[str, str],
    id_name: str,
    extra: list[str],
    household: str | None,
    file: str,
    label: str | None = None,
) -> Codebook:
    attributes = []
    for key, qs in features.items():
        values: list[str] = []
        for q in qs:
            if normalize(q.value) not in {normalize(v) for v in values}:
                values.append(q.value)
        attributes.append({"name": names[key], "required": True, "values": values})
    extra_columns = list(extra) + ([household] if household else [])
    try:
        return codebook_from_dict(
            {
                "codebook": {
                    "name": "sortition",
                    "title": "features of a sortition quotas file",
                    "id_column": id_name,
                    "label_column": label,
                    "unknown": _UNKNOWN,
                    "extra_columns": extra_columns,
                },
                "attributes": attributes,
            }
        )
    except CodebookError as exc:
        raise PoolError(
            f"{file}: the features and columns cannot be combined", exc.problems, hint=exc.hint
        ) from None
