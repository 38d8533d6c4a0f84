"""Reading pool files: CSV in any encoding and delimiter a spreadsheet writes, and XLSX."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from .._resources import data_file
from .._safe import restore_cell
from .._toml import check_readable
from ..codebook import Codebook, load_codebook, normalize
from ..errors import PoolError, Problem
from ..i18n import _, ngettext
from .model import Pool, pool_from_parts
from .validate import _build

#: Files larger than this are refused rather than read into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: The longest cell the CSV reader accepts.
MAX_CELL_CHARS = 128 * 1024
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def load_pool(
    path: str | Path | None = None,
    codebook: Codebook | str | Path | None = None,
    *,
    sheet: str | None = None,
) -> Pool:
    """Read and validate a pool file (CSV or XLSX).

    Without a path, the bundled WODC pool of 126 projects. Without a codebook, the WODC
    codebook. Raises :class:`~selectie.errors.PoolError` listing every problem found.

    >>> from selectie import load_pool
    >>> pool = load_pool()  # data/projects_126.csv with data/wodc_codebook.toml
    >>> len(pool), pool.codebook.name
    (126, 'wodc-ondermijning-2019')
    """
    foreign_check = False
    if codebook is None and path is not None:
        # A workbook may carry its own codebook sheet (see selectie.workbook).
        from ..workbook import codebook_from_workbook

        own = codebook_from_workbook(path)
        if own is not None:
            codebook = own
        else:
            foreign_check = True
    if codebook is None or isinstance(codebook, str | Path):
        cb = load_codebook(codebook)
    else:
        cb = codebook
    p = Path(path) if path is not None else data_file("projects_126.csv")
    # The rows are streamed into the validator, never all held as text at once.
    header, rows, digest = _open_table(p, sheet=sheet)
    if foreign_check:
        _check_looks_like(header, cb, p)
    return pool_from_parts(_build(header, rows, cb, str(p), digest=digest, every_column=True))


def _check_looks_like(header: Sequence[str], cb: Codebook, p: Path) -> None:
    """A pool read with the bundled WODC codebook must look like the WODC pool: its id column
    and most of its attributes. Otherwise say first what is going on.
    """
    have = {normalize(h) for h in header if h}
    attrs = [a.name for a in cb.attributes]
    found = sum(1 for a in attrs if normalize(a) in have)
    if normalize(cb.id_column) in have and found * 2 >= len(attrs):
        return
    raise PoolError(
        _(
            "this pool does not look like the bundled WODC pool; pass --codebook, or run "
            "selectie init (the WODC codebook expects the columns {expected}, ...; {file} has "
            "{found})"
        ).format(
            expected=", ".join([cb.id_column, *attrs[:4]]),
            file=repr(str(p)),
            found=", ".join(h for h in header if h)[:200],
        ),
        hint=_("selectie init {file} drafts a codebook and a scenario from this file.").format(
            file=repr(str(p))
        ),
    )


def read_table(
    path: str | Path, *, sheet: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Read a CSV or XLSX file into a header, numbered text rows, and the file's SHA-256.

    Rows that are entirely empty are skipped; each kept row carries its spreadsheet number.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "pool.csv"
    ...     _ = path.write_text("id;region\\na;North\\n\\nb;South\\n", encoding="utf-8")
    ...     header, rows, digest = read_table(path)
    >>> header, rows
    (['id', 'region'], [(2, ['a', 'North']), (4, ['b', 'South'])])
    """
    header, rows, digest = _open_table(path, sheet=sheet)
    return header, list(rows), digest


Rows = Iterator[tuple[int, list[str]]]


def _open_table(path: str | Path, *, sheet: str | None = None) -> tuple[list[str], Rows, str]:
    """Like :func:`read_table`, but the rows come as an iterator (read as they are consumed).

    Problems with the file as a whole (size, encoding, header, delimiter) are raised here;
    a CSV syntax error further down is raised while the rows are read.
    """
    p = check_readable(path, "pool file", PoolError)
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PoolError(
            _("pool file {file} is {size} MB; selectie reads at most {limit} MB").format(
                file=repr(str(p)), size=f"{size / 1e6:.0f}", limit=f"{MAX_FILE_BYTES / 1e6:.0f}"
            ),
            hint=_("Split the file, or remove columns it does not need."),
        )
    scan = _scan(p)
    if scan.blank:
        raise PoolError(
            _("pool file {file} is empty").format(file=repr(str(p))),
            hint=_(
                "A pool file needs a header row with the codebook's columns and one row per case."
            ),
        )
    rows: Rows
    if scan.start[:4] == b"PK\x03\x04" or p.suffix.lower() in (".xlsx", ".xlsm"):
        header, row_list = _read_xlsx(p, p.read_bytes(), sheet)
        rows = iter(row_list)
    elif scan.start[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or p.suffix.lower() == ".xls":
        raise PoolError(
            _(
                "pool file {file} is an old Excel (.xls) workbook, which selectie does not read"
            ).format(file=repr(str(p))),
            hint=_("Open it in Excel or LibreOffice and save it as .xlsx or .csv."),
        )
    elif scan.utf8:
        # The common case, read as a stream: the file is never held whole in memory.
        head = scan.head.decode("utf-8-sig")
        header, rows = _read_csv_lines(p, _stream_lines(p, scan), head.removeprefix("\ufeff"))
    else:
        header, rows = _read_csv(p, p.read_bytes())
    return header, rows, scan.digest


@dataclass(frozen=True)
class _Scanned:
    digest: str  # SHA-256 of the file
    blank: bool  # empty, or ASCII white space only
    start: bytes  # the first 8 bytes
    utf8: bool  # UTF-8 text (with or without BOM) without NUL characters
    head: bytes  # up to and including the 21st newline: enough to sniff the delimiter
    stamp: tuple[int, int]  # size and modification time when scanned


def _scan(p: Path) -> _Scanned:
    """One pass over a file in blocks: its digest, and what the readers need to know."""
    import codecs

    stamp = _stamp(p)
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank, utf8 = True, True
    start = b""
    head = bytearray()
    newlines = 0  # in head
    with p.open("rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
            blank = blank and block.isspace()
            start += block[: 8 - len(start)]
            if newlines < 21:
                end = -1
                while newlines < 21:
                    end = block.find(b"\n", end + 1)
                    if end < 0:
                        break
                    newlines += 1
                head += block if newlines < 21 else block[: end + 1]
            if utf8:
                if b"\x00" in block:
                    utf8 = False
                else:
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError:
                        utf8 = False
    if utf8:
        try:
            decoder.decode(b"", True)
        except UnicodeDecodeError:
            utf8 = False
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf8 = False  # UTF-16 (not valid UTF-8 anyway)
    return _Scanned(sha.hexdigest(), blank, start, utf8, bytes(head), stamp)


def _stream_lines(p: Path, scan: _Scanned) -> Iterator[str]:
    """The lines of a UTF-8 CSV file as ``io.StringIO(text, newline="")`` gives those of its
    decoded text, read as a stream; an error if the file changed since it was scanned.
    """
    with p.open("rb") as f:
        text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
        first = True
        for line in text:
            if first:
                first = False
                if line.startswith("\ufeff"):  # a second byte-order mark is dropped too
                    line = line[1:]
                    if not line:
                        continue
            yield line
    if _stamp(p) != scan.stamp:
        raise PoolError(
            _("pool file {file} changed while selectie was reading it").format(file=repr(str(p))),
            hint=_("Read it again once no program is writing to it."),
        )


def _stamp(p: Path) -> tuple[int, int]:
    """A file's size and modification time (nanoseconds)."""
    st = p.stat()
    return st.st_size, st.st_mtime_ns


def _decode(p: Path, raw: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise PoolError(
            _("pool file {file} is not a text CSV file (it contains NUL bytes)").format(
                file=repr(str(p))
            ),
            hint=_("Export the pool from your spreadsheet as CSV (UTF-8) or XLSX."),
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
            _(
                "pool file {file} mixes text encodings: some lines are UTF-8, others are not "
                "(first at line {line})"
            ).format(file=repr(str(p)), line=first_bad),
            hint=_("Open the file in a text editor or spreadsheet and save it again as UTF-8."),
        )
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise PoolError(
            _("pool file {file} is not readable text in any known encoding").format(
                file=repr(str(p))
            ),
            hint=_("Export the pool from your spreadsheet as CSV (UTF-8) or XLSX."),
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
    # Only the first lines matter: cut the text after the 21st newline (every newline ends a
    # line for splitlines(), so the first 20 lines of the cut are those of the whole text).
    end = -1
    for _line in range(21):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    head = text if end < 0 else text[: end + 1]
    lines = head.splitlines()
    sample = "\n".join(lines[:20])
    first = lines[0] if lines else ""
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


def _lines(text: str) -> Iterator[str]:
    """The lines of a text with their line ends, as ``io.StringIO(text, newline="")`` gives
    them, without the copy StringIO makes (four bytes a character).
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        # A bare carriage return ends a line too: leave it to StringIO.
        yield from io.StringIO(text, newline="")
        return
    find = text.find
    start = 0
    end = find("\n")
    while end >= 0:
        yield text[start : end + 1]
        start = end + 1
        end = find("\n", start)
    if start < len(text):
        yield text[start:]


def _csv_rows(p: Path, lines: Iterator[str], delimiter: str, *, fast: bool) -> Rows:
    """The non-empty records of a CSV text with their record numbers, read lazily.

    The records are those ``csv.reader`` gives. A line without a quote character is one
    record whose cells are the line split at the delimiter, which is what ``csv.reader`` makes
    of it, only faster; lines with quotes (which may span lines) go through ``csv.reader``, and
    so does every line unless ``fast`` (csv.reader refuses NUL characters: let it say so).
    """
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    lineno = 0  # physical lines read before the current record
    rownum = 0  # records read (row numbers are record numbers, as a spreadsheet shows them)
    try:
        for line in lines:
            rownum += 1
            if fast and '"' not in line and len(line) <= MAX_CELL_CHARS:
                lineno += 1
                if line[-1:] == "\n":
                    line = line[:-2] if line[-2:] == "\r\n" else line[:-1]
                elif line[-1:] == "\r":  # a bare carriage return ends a line too
                    line = line[:-1]
                record = line.split(delimiter)
                if "'" in line:
                    record = list(map(restore_cell, record))
            else:
                reader = csv.reader(chain((line,), lines), delimiter=delimiter)
                try:
                    record = next(reader)
                except csv.Error as exc:
                    # physical line: quoted cells may span lines
                    raise _csv_error(p, lineno + reader.line_num, exc, start=lineno + 1) from None
                lineno += reader.line_num
                if any("'" in c for c in record):
                    record = list(map(restore_cell, record))
            if record and (record[0].strip() or any(c.strip() for c in record)):
                yield rownum, record
    finally:
        csv.field_size_limit(old_limit)


def _csv_error(p: Path, line: int, exc: csv.Error, *, start: int | None = None) -> PoolError:
    where = _("line {line}").format(line=line)
    if "field larger than field limit" in str(exc):
        # Name the line where the row began: an unclosed quote there swallows the lines after.
        if start is not None:
            where = _("the row starting at line {line}").format(line=start)
        return PoolError(
            _("pool file {file}: a cell in {where} is longer than {limit} characters").format(
                file=repr(str(p)), where=where, limit=MAX_CELL_CHARS
            ),
            hint=_('Check for an unclosed quote (") or a pasted document in a cell.'),
        )
    return PoolError(
        _("pool file {file} is not valid CSV near {where}: {error}").format(
            file=repr(str(p)), where=where, error=exc
        ),
        hint=_("Check quotes in that line; export the file again from your spreadsheet."),
    )


def _read_csv(p: Path, raw: bytes) -> tuple[list[str], Rows]:
    text = _decode(p, raw)
    text = text.removeprefix("\ufeff")
    if not text or text.isspace():
        raise PoolError(_("pool file {file} is empty").format(file=repr(str(p))))
    return _read_csv_lines(p, _lines(text), text, fast="\x00" not in text)


def _read_csv_lines(
    p: Path, lines: Iterator[str], head: str, *, fast: bool = True
) -> tuple[list[str], Rows]:
    """The header and the rows of a CSV file's lines; ``head`` starts the text."""
    rows = _csv_rows(p, lines, _sniff_delimiter(head), fast=fast)
    first = next(rows, None)
    if first is None:
        raise PoolError(_("pool file {file} is empty").format(file=repr(str(p))))
    header = [h.strip() for h in first[1]]
    if len(header) == 1:
        rest = list(rows)  # a one-column file is rare and small: read it whole
        if rest and all(len(r) == 1 for _, r in rest[:20]):
            raise PoolError(
                _("pool file {file} has a single column {column}").format(
                    file=repr(str(p)), column=repr(header[0][:60])
                ),
                hint=_(
                    "selectie reads cells separated by comma, semicolon or tab; save the file "
                    "with one of those delimiters."
                ),
            )
        return header, iter(rest)
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
            _("pool file {file} is not a readable XLSX workbook ({error})").format(
                file=repr(str(p)), error=exc.__class__.__name__
            ),
            hint=_("Open it in Excel or LibreOffice and save it again as .xlsx or .csv."),
        ) from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise PoolError(
                    _("pool file {file} has no sheet {sheet} (sheets: {sheets})").format(
                        file=repr(str(p)), sheet=repr(sheet), sheets=", ".join(wb.sheetnames)
                    )
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
        name = ws.title
    finally:
        wb.close()
    if header is None:
        raise PoolError(
            _("pool file {file} is empty (its first sheet has no cells)").format(file=repr(str(p)))
        )
    problems = _xlsx_lost_cells(p, raw, name, header, {n for n, _ in rows} | {1})
    if problems:
        n = len(problems)
        raise PoolError(
            ngettext(
                "{file}: {n} cell of sheet {sheet} cannot be read",
                "{file}: {n} cells of sheet {sheet} cannot be read",
                n,
            ).format(file=p, n=n, sheet=repr(name)),
            problems,
        )
    return header, rows


def _xlsx_lost_cells(
    p: Path, raw: bytes, sheet: str, header: list[str], read_rows: set[int]
) -> list[Problem]:
    """Cells whose value a plain reading of the workbook would silently lose: formulas
    without a saved value (a file written by a script and never opened in Excel), and merged
    cells (only the first cell of a merged range holds the value). Both are looked for only
    when the sheets' XML has any (cheap), so a workbook without them is read once.
    """
    import re
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    formulas = any(re.search(rb"<f[ >/]", x) for x in sheets)
    merged = any(b"<mergeCell " in x for x in sheets)
    if not formulas and not merged:
        return []
    file = str(p)
    problems: list[Problem] = []

    def column(k: int) -> str | None:
        return header[k] if k < len(header) and header[k] else None

    if merged:
        wb = load_workbook(io.BytesIO(raw), data_only=True)
        try:
            for r in sorted(wb[sheet].merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
                if read_rows.isdisjoint(range(r.min_row, r.max_row + 1)):
                    continue
                problems.append(
                    Problem(
                        file=file,
                        row=r.min_row,
                        column=column(r.min_col - 1),
                        message=_(
                            "sheet {sheet}, cells {cells} are merged, so all but the first would "
                            "read as empty"
                        ).format(sheet=repr(sheet), cells=r.coord),
                        hint=_("unmerge the cells and fill in each one, then save the file again"),
                    )
                )
        finally:
            wb.close()
    if formulas:
        with_values = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        with_formulas = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        try:
            rows = zip(
                with_values[sheet].iter_rows(values_only=True),
                with_formulas[sheet].iter_rows(values_only=True),
                strict=False,
            )
            for n, (values, texts) in enumerate(rows, start=1):
                if n not in read_rows:
                    continue
                for k, text in enumerate(texts):
                    value = values[k] if k < len(values) else None
                    if value is None and isinstance(text, str) and text.startswith("="):
                        problems.append(
                            Problem(
                                file=file,
                                row=n,
                                column=column(k),
                                message=_(
                                    "sheet {sheet}, cell {cell} holds the formula {formula} "
                                    "without a saved value"
                                ).format(
                                    sheet=repr(sheet),
                                    cell=_cell_name(n, k),
                                    formula=repr(text[:60]),
                                ),
                                hint=_(
                                    "open the file in Excel or LibreOffice and save it, so the "
                                    "formula's value is stored, or type the value in the cell"
                                ),
                            )
                        )
        finally:
            with_values.close()
            with_formulas.close()
    return problems


def _cell_name(row: int, k: int) -> str:
    """A spreadsheet cell name: row 2, column index 0 is ``A2``."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(k + 1)}{row}"


def _xlsx_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
