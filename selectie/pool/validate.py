"""Validating rows of text against a codebook, column by column, collecting every problem."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from ..codebook import Attribute, Codebook, closest, normalize
from ..errors import PoolError, Problem
from ..i18n import _, ngettext
from .ids import _id_key, id_problem

#: A parsed cell: the codes a case holds, or None when its value is unknown.
Cell = frozenset[str] | None


@dataclass(frozen=True)
class PoolParts:
    """What validation makes of a table: the fields of a :class:`~selectie.pool.Pool`."""

    codebook: Codebook
    ids: tuple[str, ...]
    names: tuple[str | None, ...]
    values: dict[str, tuple[Cell, ...]]
    extra: dict[str, tuple[str, ...]]
    source: str | None
    digest: str | None


def _cell_to_text(value: Any, separator: str, missing: str) -> str:
    if value is None:
        return missing
    if isinstance(value, float) and value != value:  # noqa: PLR0124 - NaN
        return missing
    if isinstance(value, list | tuple | set | frozenset):
        return separator.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Rows are validated in chunks of this many, column by column.
_CHUNK = 4096


class _CellParser(dict[str, Cell]):
    """Raw cell text -> parsed cell for one attribute, parsing each distinct text once.

    Used as ``map(parser.__getitem__, column)``: known texts are looked up at C speed, new ones
    go through ``__missing__``. Texts that do not parse are remembered with their reason.
    """

    def __init__(self, codebook: Codebook, attribute: Attribute) -> None:
        super().__init__()
        self.codebook = codebook
        self.attribute = attribute
        self.errors: dict[str, str] = {}

    def __missing__(self, raw: str) -> Cell:
        cell, error = self.codebook.parse_cell(self.attribute, raw)
        if error is not None:
            self.errors[raw] = error
        self[raw] = cell
        return cell


def header_hint() -> str:
    """The hint for problems in a header row."""
    return _(
        "Fix the header row (every column with cells needs a name of its own), then run the "
        "command again."
    )


def _pool_hint(header: bool, cells: bool) -> str:
    """The closing hint of a pool error: for the header, the cells, or both."""
    if header and cells:
        return _(
            "Fix the header row (every column with cells needs a name of its own) and these "
            "cells (values are matched ignoring case and spacing), then run `selectie validate` "
            "again."
        )
    if header:
        return header_hint()
    return _(
        "Fix these cells (values are matched ignoring case and spacing), then run "
        "`selectie validate` again."
    )


def column_letter(pos: int) -> str:
    """The spreadsheet letter of the column at 0-based ``pos``: 0 is A, 26 is AA.

    >>> column_letter(0), column_letter(3), column_letter(26), column_letter(701)
    ('A', 'D', 'AA', 'ZZ')
    """
    letters = ""
    n = pos + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _repeated_names(header: Sequence[str]) -> set[str]:
    """Header names that occur more than once (normalized: ignoring case and spacing)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for name in header:
        if name:
            key = normalize(name)
            (repeated if key in seen else seen).add(key)
    return repeated


def header_problems(
    header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]], file: str
) -> list[Problem]:
    """What is wrong with a table's header row: a column with cells but no name, and a name
    given to two columns (ignoring case and spacing). Both ``selectie init`` and the pool
    loader check a header with this, so a file one accepts the other reads.

    Columns are named by their spreadsheet letter. A column with neither a name nor any cell
    in ``rows`` is no problem (spreadsheets often end rows with empty cells).

    >>> for p in header_problems(["id", "", "regio", "Regio"], [(2, ["a", "x", "N", "Z"])], "f"):
    ...     print(p)
    f, row 1: column B has no name in the header; name it or delete the column
    f, row 1, column 'Regio': column D has the same name as column C; rename or delete one of them
    """
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for pos, name in enumerate(header):
        if not name:
            if any(len(r) > pos and r[pos].strip() for _, r in rows):
                problems.append(
                    Problem(
                        file=file,
                        row=1,
                        message=_("column {letter} has no name in the header").format(
                            letter=column_letter(pos)
                        ),
                        hint=_("name it or delete the column"),
                    )
                )
            continue
        key = normalize(name)
        if key in first:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=name,
                    message=_("column {letter} has the same name as column {first}").format(
                        letter=column_letter(pos), first=column_letter(first[key])
                    ),
                    hint=_("rename or delete one of them"),
                )
            )
            continue
        first[key] = pos
    return problems


def check_header(
    header: Sequence[str], rows: Sequence[tuple[int, Sequence[str]]], file: str
) -> None:
    """Raise :class:`~selectie.errors.PoolError` listing the :func:`header_problems` of a
    table, with the header hint; nothing when the header is sound.
    """
    problems = header_problems(header, rows, file)
    if problems:
        n = len(problems)
        raise PoolError(
            ngettext(
                "{file}: {n} problem in the header", "{file}: {n} problems in the header", n
            ).format(file=file, n=n),
            problems,
            hint=header_hint(),
        )


def _build(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    cb: Codebook,
    file: str,
    digest: str | None,
    *,
    every_column: bool = False,
) -> PoolParts:
    """Validate ``rows`` (spreadsheet row number, cell texts) under ``header`` against ``cb``;
    every problem is collected and raised as one :class:`~selectie.errors.PoolError`.
    """
    problems: list[Problem] = []
    known = {normalize(c): c for c in cb.columns}
    col_of: dict[str, int] = {}
    if any(not name for name in header):
        rows = list(rows)  # a column without a name: look at its cells first (rare)
    header_bad = header_problems(header, rows if isinstance(rows, list) else (), file)
    problems += header_bad
    repeated = _repeated_names(header)
    ambiguous: set[str] = set()  # codebook columns named twice: their cells are not read
    named: set[str] = set()
    for name in header:
        if not name:
            continue
        canonical = known.get(normalize(name))
        if normalize(name) in named:
            continue  # a repeated name: reported once, as a repeat
        named.add(normalize(name))
        if canonical is None:
            guess = closest(name, cb.columns)
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=name,
                    message=_("unknown column"),
                    hint=(_("did you mean {guess}? ").format(guess=repr(guess)) if guess else "")
                    + _("Remove the column, or declare it in the codebook's extra_columns"),
                )
            )
            continue
        if normalize(name) in repeated:
            ambiguous.add(canonical)
    for pos, name in enumerate(header):
        canonical = known.get(normalize(name)) if name else None
        if canonical is not None and canonical not in ambiguous:
            col_of[canonical] = pos
    present = col_of.keys() | ambiguous
    missing = [cb.id_column] if cb.id_column not in present else []
    missing += [a.name for a in cb.attributes if a.required and a.name not in present]
    has = _("the header has: {columns}").format(columns=", ".join(h for h in header if h)[:300])
    for m in missing:
        problems.append(
            Problem(file=file, row=1, column=m, message=_("required column is missing"), hint=has)
        )
    # An optional attribute's column missing from a file: every case would silently count as
    # unknown in it (and a quota on it be infeasible "because the pool has 0"), so it is an
    # error. Records built in code may leave out a key: that is None, unknown (documented in
    # Pool.from_records and docs/reference.md).
    for a in cb.attributes if every_column else ():
        if not a.required and a.name not in present:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=a.name,
                    message=_(
                        "the codebook declares this attribute but the pool has no column for it"
                    ),
                    hint=has
                    + ". "
                    + _(
                        "Add the column (a cell may say {unknown}), or remove the attribute "
                        "from the codebook"
                    ).format(unknown=repr(cb.unknown)),
                )
            )
    if cb.id_column not in col_of:
        for _row in rows:  # a CSV syntax error further down is reported first, as it always was
            pass
        raise PoolError(
            _("{file}: the pool cannot be read").format(file=file),
            problems,
            hint=header_hint() if header_bad else None,
        )

    width = len(header)
    id_pos = col_of[cb.id_column]
    label_pos = col_of.get(cb.label_column) if cb.label_column else None
    ids: list[str] = []
    names: list[str | None] = []
    seen_ids: dict[str, int] = {}  # id key -> position of its first case
    rownums = array("l")  # row number of each case (compact: the ints are not kept)
    parsed: dict[str, list[Cell]] = {a.name: [] for a in cb.attributes}
    extra: dict[str, list[str]] = {c: [] for c in cb.extra_columns if c in col_of}
    extra_texts: dict[str, dict[str, str]] = {c: {} for c in extra}
    attr_cols = [
        (order, a, col_of[a.name], _CellParser(cb, a))
        for order, a in enumerate(cb.attributes, start=2)
        if a.name in col_of
    ]
    # Problems in rows, keyed (row, order) so that they come out as a row-by-row reading
    # reports them: the row's length (0), its id (1), then its cells in codebook order (2...).
    row_problems: list[tuple[int, int, Problem]] = []
    seen_rows = 0
    iterator = iter(rows)
    while True:
        chunk = list(islice(iterator, _CHUNK))
        if not chunk:
            break
        seen_rows += len(chunk)
        if set(map(len, (r for _, r in chunk))) != {width}:
            for rownum, record in chunk:
                if len(record) != width:
                    row_problems.append(
                        (
                            rownum,
                            0,
                            Problem(
                                file=file,
                                row=rownum,
                                message=_(
                                    "the row has {n} cells but the header has {width}"
                                ).format(n=len(record), width=width),
                                hint=_(
                                    "check for a stray delimiter or an unclosed quote in this row"
                                ),
                            ),
                        )
                    )
            chunk = [(n, r) for n, r in chunk if len(r) == width]
            if not chunk:
                continue
        numbers, records = zip(*chunk, strict=True)
        nums = list(numbers)
        columns = list(zip(*records, strict=True))
        del chunk, numbers, records
        base = len(ids)
        rownums.extend(nums)
        ids += [" ".join(x.split()) for x in columns[id_pos]]
        new_ids = ids[base:]
        if all(map(str.isascii, new_ids)) and all(map(str.isprintable, new_ids)):
            # The usual case, checked at once: no id is empty or repeats one seen before.
            # (An ASCII id, trimmed and with single spaces, needs only case folding.)
            keys = dict(zip(map(str.casefold, new_ids), range(base, len(ids)), strict=True))
            if len(keys) == len(new_ids) and "" not in keys and seen_ids.keys().isdisjoint(keys):
                seen_ids.update(keys)
                new_ids = []
            del keys
        for j in range(len(ids) - len(new_ids), len(ids)):
            case_id = ids[j]
            if not case_id:
                row_problems.append(
                    (
                        rownums[j],
                        1,
                        Problem(
                            file=file,
                            row=rownums[j],
                            column=cb.id_column,
                            message=_("the id is empty"),
                        ),
                    )
                )
                continue
            bad_id = id_problem(case_id)
            if bad_id is not None:
                row_problems.append(
                    (
                        rownums[j],
                        1,
                        Problem(file=file, row=rownums[j], column=cb.id_column, message=bad_id),
                    )
                )
                continue
            key = _id_key(case_id)
            first = seen_ids.setdefault(key, j)
            if first != j:
                first_id, first_row = ids[first], rownums[first]
                if first_id == case_id:
                    msg = _("duplicate id {id} (also at row {row})")
                elif normalize(first_id) == normalize(case_id):
                    msg = _(
                        "id {id} differs from id {first} at row {row} only by case or spacing; "
                        "ids must be unique ignoring case and spacing"
                    )
                else:
                    msg = _(
                        "id {id} looks the same as id {first} at row {row} (letters of another "
                        "script, or a compatibility form, in place of the same-looking letters); "
                        "ids must be unique however they are written"
                    )
                msg = msg.format(id=repr(case_id), first=repr(first_id), row=first_row)
                row_problems.append(
                    (
                        rownums[j],
                        1,
                        Problem(file=file, row=rownums[j], column=cb.id_column, message=msg),
                    )
                )
        if label_pos is not None:
            names += [" ".join(x.split()) or None for x in columns[label_pos]]
        else:
            names += [None] * len(nums)
        for order, attr, attr_col, parser in attr_cols:
            cells = columns[attr_col]
            parsed[attr.name] += map(parser.__getitem__, cells)
            if parser.errors:
                bad = parser.errors
                for j, raw in enumerate(cells):
                    error = bad.get(raw)
                    if error is not None:
                        row_problems.append(
                            (
                                nums[j],
                                order,
                                Problem(file=file, row=nums[j], column=attr.name, message=error),
                            )
                        )
        for col, texts in extra_texts.items():
            # Repeated texts (a source, an empty note) share one string.
            share = texts.setdefault
            extra[col] += [share(t, t) for t in map(str.strip, columns[col_of[col]])]
        del columns
    del seen_ids, rownums
    if not seen_rows:
        problems.append(
            Problem(file=file, message=_("the file has a header row but no cases (no data rows)"))
        )
        raise PoolError(_("{file}: the pool has no cases").format(file=file), problems)
    row_problems.sort(key=lambda t: (t[0], t[1]))
    problems += [p for _, _, p in row_problems]
    if problems:
        n = len(problems)
        raise PoolError(
            ngettext(
                "{file}: {n} problem in the pool", "{file}: {n} problems in the pool", n
            ).format(file=file, n=n),
            problems,
            hint=_pool_hint(bool(header_bad), bool(row_problems)),
        )
    # Lists become tuples one at a time, each list freed before the next is copied.
    unknown_column = (None,) * len(ids)
    values = {
        a.name: tuple(parsed.pop(a.name)) if a.name in col_of else unknown_column
        for a in cb.attributes
    }
    extra_values = {c: tuple(extra.pop(c)) for c in list(extra)}
    id_tuple = tuple(ids)
    del ids
    name_tuple = tuple(names)
    del names
    return PoolParts(
        codebook=cb,
        ids=id_tuple,
        names=name_tuple,
        values=values,
        extra=extra_values,
        source=file,
        digest=digest,
    )
