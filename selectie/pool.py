"""Pools: the cases to choose from, read from CSV or XLSX and validated against a codebook.

The loader copes with what spreadsheet users produce: UTF-8 with or without a byte-order mark,
Windows-1252, UTF-16 ("Unicode text"), ``,`` ``;`` or tab as the delimiter, stray spaces and
case differences in values. It reports every problem in one :class:`~selectie.errors.PoolError`
(file, spreadsheet row, column, the bad value, the allowed values and the closest match) and
never modifies the file it reads.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first case row 2.

>>> pool = load_pool()
>>> len(pool)
126
>>> pool.codebook.name
'wodc-ondermijning-2019'
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._resources import data_file
from ._toml import check_readable
from .codebook import Codebook, closest, load_codebook, normalize
from .errors import PoolError, Problem

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

    from .models import Project

__all__ = ["Pool", "load_pool", "read_table"]

#: Files larger than this are refused rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: The longest cell the CSV reader accepts.
MAX_CELL_CHARS = 128 * 1024
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

Cell = frozenset[str] | None


# --------------------------------------------------------------------------------------------
# The pool
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Pool:
    """A validated pool: case ids, display names, attribute values and extra columns.

    ``values[attribute][i]`` is the frozenset of codes case ``i`` holds, or None when the
    value is unknown (an unknown value counts for nothing). Single-valued attributes hold at
    most one code. Cases keep the order of the file.
    """

    codebook: Codebook
    ids: tuple[str, ...]
    names: tuple[str | None, ...]
    values: Mapping[str, tuple[Cell, ...]]
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str | None = None
    digest: str | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        where = f" from {self.source}" if self.source else ""
        return f"<Pool of {len(self)} cases, codebook {self.codebook.name!r}{where}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pool):
            return NotImplemented
        return (
            self.ids == other.ids
            and self.names == other.names
            and dict(self.values) == dict(other.values)
            and dict(self.extra) == dict(other.extra)
            and self.codebook == other.codebook
        )

    __hash__ = None  # type: ignore[assignment]

    # -- lookups -----------------------------------------------------------------------------

    @cached_property
    def _index(self) -> dict[str, int]:
        return {_id_key(i): n for n, i in enumerate(self.ids)}

    def position(self, case_id: str) -> int:
        """The row position (0-based) of a case id; ids match ignoring case and spacing."""
        try:
            return self._index[_id_key(case_id)]
        except KeyError:
            raise KeyError(self.unknown_id_message(case_id)) from None

    def contains(self, case_id: str) -> bool:
        """True if the pool has a case with this id (ignoring case and spacing)."""
        return _id_key(case_id) in self._index

    def unknown_id_message(self, case_id: str) -> str:
        """A message for an id that is not in the pool, with the closest id."""
        msg = f"{case_id!r} is not an id in the pool"
        guess = closest(case_id, self.ids) if len(self.ids) <= 20000 else None
        if guess:
            msg += f"; did you mean {guess!r}?"
        return msg

    def label(self, i: int) -> str:
        """Display text of case ``i``: ``id (name)`` or just the id."""
        name = self.names[i]
        return f"{self.ids[i]} ({name})" if name else self.ids[i]

    @cached_property
    def _holders(self) -> dict[str, dict[str, tuple[int, ...]]]:
        index: dict[str, dict[str, list[int]]] = {}
        for attr in self.codebook.attributes:
            per_value: dict[str, list[int]] = {c: [] for c in attr.codes}
            for i, cell in enumerate(self.values[attr.name]):
                if cell:
                    for code in cell:
                        per_value[code].append(i)
            index[attr.name] = per_value
        return {a: {v: tuple(ix) for v, ix in d.items()} for a, d in index.items()}

    def holders(self, attribute: str, code: str) -> tuple[int, ...]:
        """Positions of the cases that hold ``code`` on ``attribute``, in pool order."""
        return self._holders[attribute][code]

    def holds(self, i: int, attribute: str, code: str) -> bool:
        """True if case ``i`` holds value ``code`` on ``attribute``."""
        cell = self.values[attribute][i]
        return cell is not None and code in cell

    def unknown_count(self, attribute: str, positions: Iterable[int] | None = None) -> int:
        """How many of the cases (default: all) have an unknown value on ``attribute``."""
        cells = self.values[attribute]
        rng = range(len(self)) if positions is None else positions
        return sum(1 for i in rng if cells[i] is None)

    def value_counts(
        self, attribute: str, positions: Iterable[int] | None = None
    ) -> dict[str, int]:
        """Counts per value code (codebook order) among the cases; a case counts once per value."""
        attr = self.codebook.attribute(attribute)
        counts = dict.fromkeys(attr.codes, 0)
        cells = self.values[attribute]
        rng = range(len(self)) if positions is None else positions
        for i in rng:
            cell = cells[i]
            if cell:
                for code in cell:
                    counts[code] += 1
        return counts

    # -- conversions -------------------------------------------------------------------------

    def cell_text(self, attribute: str, i: int) -> str:
        """The cell of case ``i`` as it would be written in a pool file."""
        attr = self.codebook.attribute(attribute)
        return self.codebook.format_cell(attr, self.values[attribute][i])

    def rows(self) -> Iterator[dict[str, str]]:
        """The pool as text rows (column -> cell), as a pool file would hold them."""
        cb = self.codebook
        for i in range(len(self)):
            row = {cb.id_column: self.ids[i]}
            if cb.label_column:
                row[cb.label_column] = self.names[i] or ""
            for attr in cb.attributes:
                row[attr.name] = self.cell_text(attr.name, i)
            for col in cb.extra_columns:
                if col in self.extra:
                    row[col] = self.extra[col][i]
            yield row

    def to_dataframe(self) -> pd.DataFrame:
        """The pool as a DataFrame, one row per case, indexed by id.

        Single-valued attributes are strings (None when unknown); multi-valued attributes are
        lists of codes in codebook order (None when unknown).
        """
        import pandas as pd

        cb = self.codebook
        data: dict[str, list[Any]] = {}
        if cb.label_column:
            data[cb.label_column] = list(self.names)
        for attr in cb.attributes:
            cells = self.values[attr.name]
            if attr.multi:
                data[attr.name] = [
                    None if c is None else [x for x in attr.codes if x in c] for c in cells
                ]
            else:
                data[attr.name] = [None if not c else next(iter(c)) for c in cells]
        for col in cb.extra_columns:
            if col in self.extra:
                data[col] = list(self.extra[col])
        frame = pd.DataFrame(data, index=pd.Index(list(self.ids), name=cb.id_column), dtype=object)
        return frame

    def to_csv(self, path: str | Path | None = None, *, delimiter: str = ",") -> str:
        """Write the pool as a CSV file selectie can read back (and return the text)."""
        buf = io.StringIO()
        cb = self.codebook
        header = [cb.id_column]
        if cb.label_column:
            header.append(cb.label_column)
        header += list(cb.attribute_names) + [c for c in cb.extra_columns if c in self.extra]
        writer = csv.DictWriter(buf, fieldnames=header, delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        for row in self.rows():
            writer.writerow(row)
        text = buf.getvalue()
        if path is not None:
            from ._io import write_atomic

            write_atomic(Path(path), text.encode("utf-8"))
        return text

    def items(self) -> list[BaseModel]:
        """The cases as validated pydantic models of :meth:`Codebook.item_model`."""
        model = self.codebook.item_model()
        frame_rows = []
        for i in range(len(self)):
            record: dict[str, Any] = {"id": self.ids[i], "name": self.names[i]}
            for attr in self.codebook.attributes:
                cell = self.values[attr.name][i]
                if cell is None:
                    record[attr.name] = None
                elif attr.multi:
                    record[attr.name] = [c for c in attr.codes if c in cell]
                else:
                    record[attr.name] = next(iter(cell)) if cell else None
            for col in self.codebook.extra_columns:
                if col in self.extra:
                    record[col] = self.extra[col][i] or None
            frame_rows.append(model(**record))
        return frame_rows

    def projects(self) -> list[Project]:
        """The cases as typed WODC :class:`~selectie.models.Project` models."""
        from .models import projects_from_pool

        return projects_from_pool(self)

    def subset(self, positions: Sequence[int]) -> Pool:
        """A new pool with only the cases at ``positions`` (in that order)."""
        return Pool(
            codebook=self.codebook,
            ids=tuple(self.ids[i] for i in positions),
            names=tuple(self.names[i] for i in positions),
            values={a: tuple(v[i] for i in positions) for a, v in self.values.items()},
            extra={c: tuple(v[i] for i in positions) for c, v in self.extra.items()},
            source=self.source,
        )

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        codebook: Codebook | None = None,
        *,
        source: str | None = None,
    ) -> Pool:
        """Build and validate a pool from dicts (column -> value).

        Values may be strings as in a file, lists of codes for multi-valued attributes, or
        None for unknown.
        """
        cb = codebook if codebook is not None else load_codebook()
        records = list(records)
        header: list[str] = []
        for rec in records:
            for k in rec:
                if k not in header:
                    header.append(str(k))
        attrs = {normalize(a) for a in cb.attribute_names}
        # None (or NaN) in an attribute means unknown; in other columns, an empty cell.
        missing = [cb.unknown if normalize(h) in attrs else "" for h in header]
        rows = []
        pairs = list(zip(header, missing, strict=True))
        for n, rec in enumerate(records, start=2):
            rows.append((n, [_cell_to_text(rec.get(h), cb.separator, m) for h, m in pairs]))
        return _build(header, rows, cb, source or "records", digest=None)

    @classmethod
    def from_dataframe(cls, frame: pd.DataFrame, codebook: Codebook | None = None) -> Pool:
        """Build and validate a pool from a DataFrame (as :meth:`to_dataframe` makes it).

        The id may be the index (named like the codebook's id column) or a column.
        """
        cb = codebook if codebook is not None else load_codebook()
        df = frame
        if cb.id_column not in df.columns:
            df = df.reset_index()
            if cb.id_column not in df.columns:
                df = df.rename(columns={df.columns[0]: cb.id_column})
        return cls.from_records(df.to_dict(orient="records"), cb, source="DataFrame")


def _id_key(case_id: str) -> str:
    return normalize(str(case_id))


def _cell_to_text(value: Any, separator: str, missing: str) -> str:
    if value is None:
        return missing
    if isinstance(value, float) and value != value:  # NaN
        return missing
    if isinstance(value, list | tuple | set | frozenset):
        return separator.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def load_pool(
    path: str | Path | None = None,
    codebook: Codebook | str | Path | None = None,
    *,
    sheet: str | None = None,
) -> Pool:
    """Read and validate a pool file (CSV or XLSX).

    Without a path, the bundled WODC pool of 126 projects. Without a codebook, the WODC
    codebook. Raises :class:`~selectie.errors.PoolError` listing every problem found.
    """
    if codebook is None or isinstance(codebook, str | Path):
        cb = load_codebook(codebook)
    else:
        cb = codebook
    p = Path(path) if path is not None else data_file("projects_126.csv")
    header, rows, digest = read_table(p, sheet=sheet)
    return _build(header, rows, cb, str(p), digest=digest)


def read_table(
    path: str | Path, *, sheet: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Read a CSV or XLSX file into a header, numbered text rows, and the file's SHA-256.

    Rows that are entirely empty are skipped; each kept row carries its spreadsheet number.
    """
    p = check_readable(path, "pool file", PoolError)
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PoolError(
            f"pool file {str(p)!r} is {size / 1e6:.0f} MB; selectie reads at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB",
            hint="Split the file, or remove columns it does not need.",
        )
    raw = p.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise PoolError(
            f"pool file {str(p)!r} is empty",
            hint="A pool file needs a header row with the codebook's columns and one row per case.",
        )
    if raw[:4] == b"PK\x03\x04" or p.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _read_xlsx(p, raw, sheet)
    elif raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or p.suffix.lower() == ".xls":
        raise PoolError(
            f"pool file {str(p)!r} is an old Excel (.xls) workbook, which selectie does not read",
            hint="Open it in Excel or LibreOffice and save it as .xlsx or .csv.",
        )
    else:
        header, rows = _read_csv(p, raw)
    return header, rows, digest


def _decode(p: Path, raw: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise PoolError(
            f"pool file {str(p)!r} is not a text CSV file (it contains NUL bytes)",
            hint="Export the pool from your spreadsheet as CSV (UTF-8) or XLSX.",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    utf8_non_ascii = bad = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            if any(b > 127 for b in line):
                utf8_non_ascii += 1
    if utf8_non_ascii and bad:
        first_bad = next(n for n, line in enumerate(lines, 1) if not _is_utf8(line))
        raise PoolError(
            f"pool file {str(p)!r} mixes text encodings: some lines are UTF-8, others are not "
            f"(first at line {first_bad})",
            hint="Open the file in a text editor or spreadsheet and save it again as UTF-8.",
        )
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise PoolError(
            f"pool file {str(p)!r} is not readable text in any known encoding",
            hint="Export the pool from your spreadsheet as CSV (UTF-8) or XLSX.",
        )
    return str(best)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: csv.Sniffer's answer, checked against the header."""
    sample = "\n".join(text.splitlines()[:20])
    first = text.splitlines()[0] if text else ""
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    # The header decides when the sniffer cannot: the delimiter that splits it into most fields.
    counts = {d: len(next(csv.reader([first], delimiter=d))) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    if sniffed is None or counts[sniffed] < counts[best]:
        return best
    return sniffed


def _read_csv(p: Path, raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(p, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise PoolError(f"pool file {str(p)!r} is empty")
    delimiter = _sniff_delimiter(text)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        # Row numbers are record numbers, as a spreadsheet opening the file shows them.
        for rownum, record in enumerate(reader, start=1):
            if not any(c.strip() for c in record):
                continue
            if header is None:
                header = record
            else:
                rows.append((rownum, record))
    except csv.Error as exc:
        where = f"line {reader.line_num}"  # physical line: quoted cells may span lines
        if "field larger than field limit" in str(exc):
            raise PoolError(
                f"pool file {str(p)!r}: a cell near {where} is longer than {MAX_CELL_CHARS} "
                "characters",
                hint='Check for an unclosed quote (") or a pasted document in a cell.',
            ) from None
        raise PoolError(
            f"pool file {str(p)!r} is not valid CSV near {where}: {exc}",
            hint="Check quotes in that line; export the file again from your spreadsheet.",
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        raise PoolError(f"pool file {str(p)!r} is empty")
    header = [h.strip() for h in header]
    if len(header) == 1 and rows and all(len(r) == 1 for _, r in rows[:20]):
        raise PoolError(
            f"pool file {str(p)!r} has a single column {header[0][:60]!r}",
            hint="selectie reads cells separated by comma, semicolon or tab; save the file "
            "with one of those delimiters.",
        )
    return header, rows


def _read_xlsx(
    p: Path, raw: bytes, sheet: str | None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise PoolError(
            f"pool file {str(p)!r} is not a readable XLSX workbook ({exc.__class__.__name__})",
            hint="Open it in Excel or LibreOffice and save it again as .xlsx or .csv.",
        ) from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise PoolError(
                    f"pool file {str(p)!r} has no sheet {sheet!r} "
                    f"(sheets: {', '.join(wb.sheetnames)})"
                )
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                continue
            rows.append((n, cells[: len(header)] + [""] * (len(header) - len(cells))))
    finally:
        wb.close()
    if header is None:
        raise PoolError(f"pool file {str(p)!r} is empty (its first sheet has no cells)")
    return header, rows


def _xlsx_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _build(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    cb: Codebook,
    file: str,
    digest: str | None,
) -> Pool:
    problems: list[Problem] = []
    known = {normalize(c): c for c in cb.columns}
    col_of: dict[str, int] = {}
    for pos, name in enumerate(header):
        if not name:
            if any(len(r) > pos and r[pos].strip() for _, r in rows):
                problems.append(
                    Problem(file=file, row=1, message=f"column {pos + 1} has no name in the header")
                )
            continue
        canonical = known.get(normalize(name))
        if canonical is None:
            guess = closest(name, cb.columns)
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=name,
                    message="unknown column",
                    hint=(f"did you mean {guess!r}? " if guess else "")
                    + "Remove the column, or declare it in the codebook's extra_columns",
                )
            )
            continue
        if canonical in col_of:
            problems.append(
                Problem(file=file, row=1, column=name, message="column appears twice in the header")
            )
            continue
        col_of[canonical] = pos
    missing = [cb.id_column] if cb.id_column not in col_of else []
    missing += [a.name for a in cb.attributes if a.required and a.name not in col_of]
    for m in missing:
        problems.append(
            Problem(
                file=file,
                row=1,
                column=m,
                message="required column is missing",
                hint=f"the header has: {', '.join(h for h in header if h)[:300]}",
            )
        )
    if cb.id_column not in col_of:
        raise PoolError(f"{file}: the pool cannot be read", problems)
    if not rows:
        problems.append(
            Problem(file=file, message="the file has a header row but no cases (no data rows)")
        )
        raise PoolError(f"{file}: the pool has no cases", problems)

    width = len(header)
    id_pos = col_of[cb.id_column]
    label_pos = col_of.get(cb.label_column) if cb.label_column else None
    ids: list[str] = []
    names: list[str | None] = []
    seen_ids: dict[str, tuple[str, int]] = {}
    parsed: dict[str, list[Cell]] = {a.name: [] for a in cb.attributes}
    extra: dict[str, list[str]] = {c: [] for c in cb.extra_columns if c in col_of}
    caches: dict[str, dict[str, tuple[Cell, str | None]]] = {a.name: {} for a in cb.attributes}
    attr_cols = [(a, col_of.get(a.name)) for a in cb.attributes]

    for rownum, record in rows:
        if len(record) != width:
            problems.append(
                Problem(
                    file=file,
                    row=rownum,
                    message=f"the row has {len(record)} cells but the header has {width}",
                    hint="check for a stray delimiter or an unclosed quote in this row",
                )
            )
            continue
        case_id = " ".join(record[id_pos].split())
        if not case_id:
            problems.append(
                Problem(file=file, row=rownum, column=cb.id_column, message="the id is empty")
            )
        else:
            key = _id_key(case_id)
            if key in seen_ids:
                first_id, first_row = seen_ids[key]
                if first_id == case_id:
                    msg = f"duplicate id {case_id!r} (also at row {first_row})"
                else:
                    msg = (
                        f"id {case_id!r} differs from id {first_id!r} at row {first_row} only "
                        "by case or spacing; ids must be unique ignoring case and spacing"
                    )
                problems.append(Problem(file=file, row=rownum, column=cb.id_column, message=msg))
            else:
                seen_ids[key] = (case_id, rownum)
        ids.append(case_id)
        if label_pos is not None:
            label = " ".join(record[label_pos].split())
            names.append(label or None)
        else:
            names.append(None)
        for attr, attr_col in attr_cols:
            if attr_col is None:
                parsed[attr.name].append(None)
                continue
            raw = record[attr_col]
            cache = caches[attr.name]
            hit = cache.get(raw)
            if hit is None:
                hit = cb.parse_cell(attr, raw)
                cache[raw] = hit
            cell, error = hit
            if error is not None:
                problems.append(Problem(file=file, row=rownum, column=attr.name, message=error))
            parsed[attr.name].append(cell)
        for col in extra:
            extra[col].append(record[col_of[col]].strip())

    if problems:
        n = len(problems)
        raise PoolError(
            f"{file}: {n} problem{'s' if n != 1 else ''} in the pool",
            problems,
            hint="Fix these cells (values are matched ignoring case and spacing), then run "
            "`selectie validate` again.",
        )
    return Pool(
        codebook=cb,
        ids=tuple(ids),
        names=tuple(names),
        values={a: tuple(v) for a, v in parsed.items()},
        extra={c: tuple(v) for c, v in extra.items()},
        source=file,
        digest=digest,
    )
