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
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._resources import data_file
from ._safe import neutralise_cell, restore_cell
from ._toml import check_readable
from .codebook import Attribute, Codebook, closest, load_codebook, normalize
from .errors import PoolError, Problem, UnknownIdError

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

    >>> pool = load_pool()  # the bundled 126 WODC projects
    >>> len(pool), pool.ids[0], pool.names[0]
    (126, 'R01', 'Vastgoed in Beeld Maastricht')
    >>> pool.values["regio"][0]
    frozenset({'Limburg'})
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
        """The row position (0-based) of a case id; ids match ignoring case and spacing.

        >>> load_pool().position(" r02 ")
        1
        """
        try:
            return self._index[_id_key(case_id)]
        except KeyError:
            raise UnknownIdError(self.unknown_id_message(case_id)) from None

    def contains(self, case_id: str) -> bool:
        """True if the pool has a case with this id (ignoring case and spacing).

        >>> pool = load_pool()
        >>> pool.contains("r01"), pool.contains("X99")
        (True, False)
        """
        return _id_key(case_id) in self._index

    def unknown_id_message(self, case_id: str) -> str:
        """A message for an id that is not in the pool, with the closest id.

        >>> load_pool().unknown_id_message("R-01")
        "'R-01' is not an id in the pool; did you mean 'R01'?"
        """
        msg = f"{case_id!r} is not an id in the pool"
        guess = closest(case_id, self.ids) if len(self.ids) <= 20000 else None
        if guess:
            msg += f"; did you mean {guess!r}?"
        return msg

    def label(self, i: int) -> str:
        """Display text of case ``i``: ``id (name)`` or just the id.

        >>> load_pool().label(0)
        'R01 (Vastgoed in Beeld Maastricht)'
        """
        name = self.names[i]
        return f"{self.ids[i]} ({name})" if name else self.ids[i]

    @cached_property
    def _positions(self) -> list[int]:
        # One int object per position, shared by every holders() tuple (saves memory).
        return list(range(len(self.ids)))

    @cached_property
    def _holders(self) -> dict[str, dict[str, tuple[int, ...]]]:
        # Filled one attribute at a time, on first use (see holders()).
        return {}

    def holders(self, attribute: str, code: str) -> tuple[int, ...]:
        """Positions of the cases that hold ``code`` on ``attribute``, in pool order.

        >>> pool = load_pool()
        >>> [pool.ids[i] for i in pool.holders("thema", "vastgoed")][:1]
        ['R01']
        """
        per_value = self._holders.get(attribute)
        if per_value is None:
            per_value = self._holders[attribute] = self._holders_of(attribute)
        return per_value[code]

    def _holders_of(self, attribute: str) -> dict[str, tuple[int, ...]]:
        import numpy as np

        cells = self.values[attribute]
        codes = self.codebook.attribute(attribute).codes
        # Cells repeat (a few dozen distinct ones): number them, sort the positions by that
        # number (pool order within each), and merge the groups of the cells holding a code.
        distinct = {cell: k for k, cell in enumerate(dict.fromkeys(cells))}
        number = np.fromiter(map(distinct.__getitem__, cells), dtype=np.int64, count=len(cells))
        order = np.argsort(number, kind="stable")
        bounds = np.searchsorted(number[order], np.arange(len(distinct) + 1)).tolist()
        parts: dict[str, list[np.ndarray]] = {c: [] for c in codes}
        for cell, k in distinct.items():
            if cell:
                for code in cell:
                    parts[code].append(order[bounds[k] : bounds[k + 1]])
        shared = self._positions.__getitem__  # one int object per position
        out: dict[str, tuple[int, ...]] = {}
        for code, arrays in parts.items():
            if not arrays:
                out[code] = ()
                continue
            merged = arrays[0] if len(arrays) == 1 else np.sort(np.concatenate(arrays))
            out[code] = tuple(map(shared, merged.tolist()))
        return out

    def holds(self, i: int, attribute: str, code: str) -> bool:
        """True if case ``i`` holds value ``code`` on ``attribute``.

        >>> pool = load_pool()
        >>> pool.holds(0, "theorie", "intelligence"), pool.holds(0, "theorie", "borging")
        (True, False)
        """
        cell = self.values[attribute][i]
        return cell is not None and code in cell

    def unknown_count(self, attribute: str, positions: Iterable[int] | None = None) -> int:
        """How many of the cases (default: all) have an unknown value on ``attribute``.

        >>> pool = load_pool()
        >>> pool.unknown_count("crime_script", [0, 1, 2])  # R02 and R03 name no phase
        2
        """
        cells = self.values[attribute]
        rng = range(len(self)) if positions is None else positions
        return sum(1 for i in rng if cells[i] is None)

    def value_counts(
        self, attribute: str, positions: Iterable[int] | None = None
    ) -> dict[str, int]:
        """Counts per value code (codebook order) among the cases; a case counts once per value.

        >>> pool = load_pool()
        >>> pool.value_counts("innovatie", [0, 1, 2])  # R01 innovatief, R02 and R03 voortbouwend
        {'innovatief': 1, 'voortbouwend': 2}
        """
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
        """The cell of case ``i`` as it would be written in a pool file.

        >>> load_pool().cell_text("theorie", 0)
        'context en gelegenheid|intelligence|uitvoerkracht'
        """
        attr = self.codebook.attribute(attribute)
        return self.codebook.format_cell(attr, self.values[attribute][i])

    def rows(self) -> Iterator[dict[str, str]]:
        """The pool as text rows (column -> cell), as a pool file would hold them.

        >>> row = next(load_pool().rows())
        >>> row["id"], row["regio"], row["thema"]
        ('R01', 'Limburg', 'vastgoed')
        """
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

        >>> frame = load_pool().to_dataframe()
        >>> frame.loc["R01", "regio"], frame.loc["R01", "theorie"]
        ('Limburg', ['context en gelegenheid', 'intelligence', 'uitvoerkracht'])
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
        """Write the pool as a CSV file selectie can read back (and return the text).

        >>> text = load_pool().subset([0]).to_csv()
        >>> text.splitlines()[1].split(",")[:4]
        ['R01', 'Vastgoed in Beeld Maastricht', 'Limburg', 'geldstromen']
        """
        buf = io.StringIO()
        cb = self.codebook
        header = [cb.id_column]
        if cb.label_column:
            header.append(cb.label_column)
        header += list(cb.attribute_names) + [c for c in cb.extra_columns if c in self.extra]
        writer = csv.DictWriter(buf, fieldnames=header, delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        for row in self.rows():  # spreadsheet-safe cells; the reader restores them
            writer.writerow({k: neutralise_cell(v) for k, v in row.items()})
        text = buf.getvalue()
        if path is not None:
            from ._io import write_atomic

            write_atomic(Path(path), text.encode("utf-8"))
        return text

    def items(self) -> list[BaseModel]:
        """The cases as validated pydantic models of :meth:`Codebook.item_model`.

        >>> load_pool().items()[0].regio
        'Limburg'
        """
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
        """The cases as typed WODC :class:`~selectie.models.Project` models.

        >>> load_pool().projects()[1].id
        'R02'
        """
        from .models import projects_from_pool

        return projects_from_pool(self)

    def subset(self, positions: Sequence[int]) -> Pool:
        """A new pool with only the cases at ``positions`` (in that order).

        >>> load_pool().subset([2, 0]).ids
        ('R03', 'R01')
        """
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
        None for unknown. An optional attribute no record has a key for is unknown for every
        case (a pool *file* without that column is an error instead: see
        docs/reference.md#pool-file).

        >>> from selectie import Attribute, Codebook
        >>> region = Attribute(name="region", values=["North", "South"])
        >>> cb = Codebook(name="demo", attributes=[region])
        >>> records = [{"id": "a", "region": "north"}, {"id": "b", "region": None}]
        >>> pool = Pool.from_records(records, cb)
        >>> pool.values["region"]
        (frozenset({'North'}), None)
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

        >>> pool = load_pool()
        >>> Pool.from_dataframe(pool.to_dataframe()) == pool
        True
        """
        cb = codebook if codebook is not None else load_codebook()
        df = frame
        if cb.id_column not in df.columns:
            df = df.reset_index()
            if cb.id_column not in df.columns:
                df = df.rename(columns={df.columns[0]: cb.id_column})
        return cls.from_records(df.to_dict(orient="records"), cb, source="DataFrame")


def _id_key(case_id: str) -> str:
    """The key under which ids are compared: ids with the same key are the same id.

    Unicode NFKC, format characters (zero-width space, right-to-left mark, ...) removed,
    spacing collapsed, case folded, and the Cyrillic and Greek letters that look like Latin
    ones read as those: ``Р01`` with a Cyrillic Р is ``P01``.

    >>> _id_key(" R01 "), _id_key("R\u200b01"), _id_key("\u0420" "01")
    ('r01', 'r01', 'p01')
    """
    text = str(case_id)
    if text.isascii():
        return " ".join(text.split()).casefold()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split()).casefold().translate(_LOOK_ALIKE)


#: Cyrillic and Greek letters (case folded) that look like a Latin letter, read as that letter
#: when ids are compared (a few of Unicode's confusables, TR39; selectie's own short list).
_LOOK_ALIKE = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k",
        "м": "m", "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
    }
)  # fmt: skip


def id_problem(case_id: str) -> str | None:
    """Why ``case_id`` cannot be an id, or None: ids may not hold invisible or control
    characters, nor mix letters of the Latin, Cyrillic and Greek scripts (the ways two ids
    look the same but are not).

    >>> id_problem("R01") is None, id_problem("Ρ-01") is None  # a Greek id is an id
    (True, True)
    >>> print(id_problem("R\u200b01"))
    the id 'R\\u200b01' holds an invisible character (U+200B ZERO WIDTH SPACE); retype it
    >>> id_problem("\u0420" "R01")  # doctest: +ELLIPSIS
    "the id 'РR01' mixes Cyrillic and Latin letters (...); write it in one script"
    """
    if case_id.isascii():
        return None if case_id.isprintable() else _invisible(case_id)
    for ch in case_id:
        if unicodedata.category(ch) in _INVISIBLE:
            return _invisible(case_id)
    scripts: dict[str, str] = {}
    for ch in case_id:
        if ch.isalpha():
            script = unicodedata.name(ch, "").split(" ")[0]
            if script in ("LATIN", "CYRILLIC", "GREEK"):
                scripts.setdefault(script.capitalize(), ch)
    if len(scripts) > 1:
        which = " and ".join(scripts)
        shown = ", ".join(f"{ch!r} is {unicodedata.name(ch)}" for ch in scripts.values())
        return f"the id {case_id!r} mixes {which} letters ({shown}); write it in one script"
    return None


#: Unicode categories of characters an id may not hold: format (zero-width space, direction
#: marks), control, private use, unassigned, surrogates, line and paragraph separators.
_INVISIBLE = frozenset(("Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"))


def _invisible(case_id: str) -> str:
    ch = next(c for c in case_id if unicodedata.category(c) in _INVISIBLE or not c.isprintable())
    name = unicodedata.name(ch, "a control character")
    return f"the id {case_id!r} holds an invisible character (U+{ord(ch):04X} {name}); retype it"


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

    >>> pool = load_pool()  # data/projects_126.csv with data/wodc_codebook.toml
    >>> len(pool), pool.codebook.name
    (126, 'wodc-ondermijning-2019')
    """
    if codebook is None or isinstance(codebook, str | Path):
        cb = load_codebook(codebook)
    else:
        cb = codebook
    p = Path(path) if path is not None else data_file("projects_126.csv")
    # The rows are streamed into the validator, never all held as text at once.
    header, rows, digest = _open_table(p, sheet=sheet)
    return _build(header, rows, cb, str(p), digest=digest, every_column=True)


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
            f"pool file {str(p)!r} is {size / 1e6:.0f} MB; selectie reads at most "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB",
            hint="Split the file, or remove columns it does not need.",
        )
    scan = _scan(p)
    if scan.blank:
        raise PoolError(
            f"pool file {str(p)!r} is empty",
            hint="A pool file needs a header row with the codebook's columns and one row per case.",
        )
    rows: Rows
    if scan.start[:4] == b"PK\x03\x04" or p.suffix.lower() in (".xlsx", ".xlsm"):
        header, row_list = _read_xlsx(p, p.read_bytes(), sheet)
        rows = iter(row_list)
    elif scan.start[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or p.suffix.lower() == ".xls":
        raise PoolError(
            f"pool file {str(p)!r} is an old Excel (.xls) workbook, which selectie does not read",
            hint="Open it in Excel or LibreOffice and save it as .xlsx or .csv.",
        )
    elif scan.utf8:
        # The common case, read as a stream: the file is never held whole in memory.
        head = scan.head.decode("utf-8-sig")
        header, rows = _read_csv_lines(
            p, _stream_lines(p, scan), head[1:] if head.startswith("\ufeff") else head
        )
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
    decoded text, read as a stream; an error if the file changed since it was scanned."""
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
            f"pool file {str(p)!r} changed while selectie was reading it",
            hint="Read it again once no program is writing to it.",
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
    # Only the first lines matter: cut the text after the 21st newline (every newline ends a
    # line for splitlines(), so the first 20 lines of the cut are those of the whole text).
    end = -1
    for _ in range(21):
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
    them, without the copy StringIO makes (four bytes a character)."""
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
    where = f"line {line}"
    if "field larger than field limit" in str(exc):
        # Name the line where the row began: an unclosed quote there swallows the lines after.
        where = f"the row starting at line {start}" if start is not None else where
        return PoolError(
            f"pool file {str(p)!r}: a cell in {where} is longer than {MAX_CELL_CHARS} characters",
            hint='Check for an unclosed quote (") or a pasted document in a cell.',
        )
    return PoolError(
        f"pool file {str(p)!r} is not valid CSV near {where}: {exc}",
        hint="Check quotes in that line; export the file again from your spreadsheet.",
    )


def _read_csv(p: Path, raw: bytes) -> tuple[list[str], Rows]:
    text = _decode(p, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():
        raise PoolError(f"pool file {str(p)!r} is empty")
    return _read_csv_lines(p, _lines(text), text, fast="\x00" not in text)


def _read_csv_lines(
    p: Path, lines: Iterator[str], head: str, *, fast: bool = True
) -> tuple[list[str], Rows]:
    """The header and the rows of a CSV file's lines; ``head`` starts the text."""
    rows = _csv_rows(p, lines, _sniff_delimiter(head), fast=fast)
    first = next(rows, None)
    if first is None:
        raise PoolError(f"pool file {str(p)!r} is empty")
    header = [h.strip() for h in first[1]]
    if len(header) == 1:
        rest = list(rows)  # a one-column file is rare and small: read it whole
        if rest and all(len(r) == 1 for _, r in rest[:20]):
            raise PoolError(
                f"pool file {str(p)!r} has a single column {header[0][:60]!r}",
                hint="selectie reads cells separated by comma, semicolon or tab; save the file "
                "with one of those delimiters.",
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
        name = ws.title
    finally:
        wb.close()
    if header is None:
        raise PoolError(f"pool file {str(p)!r} is empty (its first sheet has no cells)")
    problems = _xlsx_lost_cells(p, raw, name, header, {n for n, _ in rows} | {1})
    if problems:
        n = len(problems)
        raise PoolError(
            f"{p}: {n} cell{'s' if n != 1 else ''} of sheet {name!r} cannot be read",
            problems,
        )
    return header, rows


def _xlsx_lost_cells(
    p: Path, raw: bytes, sheet: str, header: list[str], read_rows: set[int]
) -> list[Problem]:
    """Cells whose value a plain reading of the workbook would silently lose: formulas
    without a saved value (a file written by a script and never opened in Excel), and merged
    cells (only the first cell of a merged range holds the value). Both are looked for only
    when the sheets' XML has any (cheap), so a workbook without them is read once."""
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
                        message=f"sheet {sheet!r}, cells {r.coord} are merged, so all but the "
                        "first would read as empty",
                        hint="unmerge the cells and fill in each one, then save the file again",
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
                                message=f"sheet {sheet!r}, cell {_cell_name(n, k)} holds the "
                                f"formula {text[:60]!r} without a saved value",
                                hint="open the file in Excel or LibreOffice and save it, so "
                                "the formula's value is stored, or type the value in the cell",
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


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


#: Rows are validated in chunks of this many, column by column.
_CHUNK = 4096


class _CellParser(dict[str, Cell]):
    """Raw cell text -> parsed cell for one attribute, parsing each distinct text once.

    Used as ``map(parser.__getitem__, column)``: known texts are looked up at C speed, new ones
    go through ``__missing__``. Texts that do not parse are remembered with their reason.
    """

    def __init__(self, codebook: Codebook, attribute: Attribute):
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


def _build(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    cb: Codebook,
    file: str,
    digest: str | None,
    *,
    every_column: bool = False,
) -> Pool:
    problems: list[Problem] = []
    known = {normalize(c): c for c in cb.columns}
    col_of: dict[str, int] = {}
    if any(not name for name in header):
        rows = list(rows)  # a column without a name: look at its cells first (rare)
    for pos, name in enumerate(header):
        if not name:
            assert isinstance(rows, list)
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
    has = f"the header has: {', '.join(h for h in header if h)[:300]}"
    for m in missing:
        problems.append(
            Problem(file=file, row=1, column=m, message="required column is missing", hint=has)
        )
    # An optional attribute's column missing from a file: every case would silently count as
    # unknown in it (and a quota on it be infeasible "because the pool has 0"), so it is an
    # error. Records built in code may leave out a key: that is None, unknown (documented in
    # Pool.from_records and docs/reference.md).
    for a in cb.attributes if every_column else ():
        if not a.required and a.name not in col_of:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    column=a.name,
                    message="the codebook declares this attribute but the pool has no column "
                    "for it",
                    hint=f"{has}. Add the column (a cell may say {cb.unknown!r}), or remove "
                    "the attribute from the codebook",
                )
            )
    if cb.id_column not in col_of:
        for _ in rows:  # a CSV syntax error further down is reported first, as it always was
            pass
        raise PoolError(f"{file}: the pool cannot be read", problems)

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
                                message=f"the row has {len(record)} cells but the header has "
                                f"{width}",
                                hint="check for a stray delimiter or an unclosed quote in this row",
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
                            message="the id is empty",
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
                    msg = f"duplicate id {case_id!r} (also at row {first_row})"
                elif normalize(first_id) == normalize(case_id):
                    msg = (
                        f"id {case_id!r} differs from id {first_id!r} at row {first_row} only "
                        "by case or spacing; ids must be unique ignoring case and spacing"
                    )
                else:
                    msg = (
                        f"id {case_id!r} looks the same as id {first_id!r} at row {first_row} "
                        "(letters of another script, or a compatibility form, in place of the "
                        "same-looking letters); ids must be unique however they are written"
                    )
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
            Problem(file=file, message="the file has a header row but no cases (no data rows)")
        )
        raise PoolError(f"{file}: the pool has no cases", problems)
    row_problems.sort(key=lambda t: (t[0], t[1]))
    problems += [p for _, _, p in row_problems]
    if problems:
        n = len(problems)
        raise PoolError(
            f"{file}: {n} problem{'s' if n != 1 else ''} in the pool",
            problems,
            hint="Fix these cells (values are matched ignoring case and spacing), then run "
            "`selectie validate` again.",
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
    return Pool(
        codebook=cb,
        ids=id_tuple,
        names=name_tuple,
        values=values,
        extra=extra_values,
        source=file,
        digest=digest,
    )
