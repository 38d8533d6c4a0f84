"""What an assembly organiser hands on after a draw from a sortition instance.

With a people file and a quotas file (:func:`selectie.sortition.read_sortition`), a drawn
panel gives:

- the **selected** and **remaining** files: every column of the people file, exactly as it
  was written (names, contact details, addresses), one row per person, in file order, with
  each person's selection probability added as a number (like the Sortition Foundation's
  selected/remaining files);
- the **quota table**: for every row of the quotas file, how many of the drawn panel have that
  value, against the minimum and maximum wanted, counted from the people file's own cells
  (matched ignoring case and spacing, as the reader does);
- the **reserve list**: for each panel member, who takes their place if they drop out while
  every quota still holds (:func:`selectie.replace`: the fewest other changes, then the
  scenario's objective, then pool order).

Files are CSV (``excel``: comma-separated; ``excel-nl``: semicolon-separated with a decimal
comma, as a Dutch Excel reads them) or XLSX (numbers as numeric cells), by the file's suffix;
:func:`write_table` is the one function that writes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..codebook import normalize
from ..errors import InputError
from ..i18n import _

if TYPE_CHECKING:
    from ..pool import Pool
    from ..scenario import Scenario
    from ..sortition import SortitionQuota
    from .result import Draw

__all__ = [
    "CSV_DIALECTS",
    "PeopleFile",
    "QuotaCount",
    "ReserveEntry",
    "quota_table",
    "read_people_file",
    "reserve_list",
    "write_table",
]

#: The CSV dialects :func:`write_table` writes.
CSV_DIALECTS = ("excel", "excel-nl")


@dataclass(frozen=True)
class PeopleFile:
    """The people file as written: its header and its rows (text cells), in file order."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> int:
        """The index of a column, matched ignoring case and spacing."""
        wanted = normalize(name)
        for k, h in enumerate(self.header):
            if normalize(h) == wanted:
                return k
        raise InputError(_("the people file has no column {name}").format(name=repr(name)))


def read_people_file(path: str | Path) -> PeopleFile:
    """Read the people file again, every column as text (the rows the pool was made from)."""
    from ..pool import read_table

    header, records, _ = read_table(path)
    width = len(header)
    rows = tuple(tuple((r + [""] * width)[:width]) for _, r in records)
    return PeopleFile(tuple(header), rows)


@dataclass(frozen=True)
class QuotaCount:
    """One row of the quota table: wanted ``min``..``max``, drawn ``selected``, of ``pool``."""

    feature: str
    value: str
    min: int
    max: int
    selected: int
    pool: int

    @property
    def ok(self) -> bool:
        """True if the drawn panel meets this quota."""
        return self.min <= self.selected <= self.max


def quota_table(
    quotas: Sequence[SortitionQuota], people: PeopleFile, positions: Sequence[int]
) -> list[QuotaCount]:
    """Achieved against wanted for each quota, counted from the people file's cells.

    >>> from selectie.sortition import SortitionQuota
    >>> people = PeopleFile(("id", "sex"), (("a", "F"), ("b", "m"), ("c", " f ")))
    >>> [(q.value, q.selected, q.pool, q.ok) for q in quota_table(
    ...     [SortitionQuota("sex", "f", 1, 1), SortitionQuota("sex", "m", 1, 1)], people, [0, 2])]
    [('f', 2, 2, False), ('m', 0, 1, False)]
    """
    chosen = set(positions)
    out = []
    for q in quotas:
        col = people.column(q.feature)
        want = normalize(q.value)
        hits = [i for i, row in enumerate(people.rows) if normalize(row[col]) == want]
        out.append(
            QuotaCount(
                q.feature, q.value, q.min, q.max, sum(1 for i in hits if i in chosen), len(hits)
            )
        )
    return out


def quota_rows(table: Sequence[QuotaCount]) -> tuple[list[str], list[list[Any]]]:
    """The quota table as a header and rows (numbers as numbers)."""
    header = ["feature", "value", "min", "max", "selected", "in pool", "met"]
    rows: list[list[Any]] = [
        [q.feature, q.value, q.min, q.max, q.selected, q.pool, "yes" if q.ok else "NO"]
        for q in table
    ]
    return header, rows


def quota_text(table: Sequence[QuotaCount]) -> str:
    """The quota table as plain text, one line per quota, in the language in use (the files
    of :func:`quota_rows` keep the Sortition Foundation's English column names).
    """
    from tabulate import tabulate

    _header, rows = quota_rows(table)
    header = [
        _("feature"),
        _("value"),
        _("min"),
        _("max"),
        _("selected"),
        _("in pool"),
        _("met"),
    ]
    for row in rows:
        row[-1] = _("yes") if row[-1] == "yes" else _("NO")
    return str(tabulate(rows, headers=header, tablefmt="simple", disable_numparse=True))


@dataclass(frozen=True)
class ReserveEntry:
    """If ``drop`` leaves the panel, ``added`` take their place (``lost`` must go as well)."""

    drop: str
    added: tuple[str, ...]
    lost: tuple[str, ...]
    ok: bool


def reserve_list(
    pool: Pool, scenario: Scenario, selected: Sequence[str], *, solver: str = "highs"
) -> list[ReserveEntry]:
    """For each selected person, in panel order, the replacement that keeps every quota and
    changes the panel least (:func:`selectie.replace`).
    """
    from ..whatif import replace

    out = []
    for person in selected:
        r = replace(pool, scenario, list(selected), drop=[person], solver=solver)
        out.append(ReserveEntry(person, r.added, r.lost, r.ok))
    return out


def handover_rows(
    people: PeopleFile, positions: Sequence[int], probabilities: Sequence[float]
) -> tuple[list[str], list[list[Any]]]:
    """Every column of the people file for the people at ``positions`` (file order), with
    their selection probability as a number.
    """
    name = "selection probability"
    while normalize(name) in {normalize(h) for h in people.header}:
        name = "_" + name
    header = [*people.header, name]
    rows: list[list[Any]] = [[*people.rows[i], probabilities[i]] for i in sorted(positions)]
    return header, rows


def write_table(
    path: str | Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    dialect: str = "excel",
    sheet: str = "people",
    text_columns: Sequence[str] = (),
) -> bytes:
    """The bytes of a table file for ``path``: XLSX for ``.xlsx`` (numbers numeric, the
    ``text_columns`` kept as text), else CSV in ``dialect`` (``excel`` or ``excel-nl``).
    Text cells a spreadsheet would run as a formula are neutralised in both.

    >>> write_table("x.csv", ["id", "p"], [["a", 0.25]], dialect="excel-nl").decode()
    '\\ufeffid;p\\r\\na;0,25\\r\\n'
    >>> write_table("x.csv", ["id", "p"], [["=1+1", 0.5]]).decode().splitlines()[1]
    "'=1+1,0.5"
    """
    if dialect not in CSV_DIALECTS:
        raise InputError(
            _("unknown CSV dialect {dialect}").format(dialect=repr(dialect)),
            hint=_("Choose one of: {dialects}.").format(dialects=", ".join(CSV_DIALECTS)),
        )
    if Path(path).suffix.lower() == ".xlsx":
        from ..xlsx import Sheet, sheet_name, workbook

        return workbook(
            [Sheet(sheet_name(sheet), list(header), rows, text_columns=frozenset(text_columns))]
        )
    from .._io import safe_cell

    nl = dialect == "excel-nl"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if nl else ",", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v, nl) for v in row])
    text = buf.getvalue()
    return (("\ufeff" + text) if nl else text).encode("utf-8")


def _cell(value: Any, decimal_comma: bool) -> str:
    from .._io import safe_cell

    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, int):
        return str(value)
    return str(safe_cell(str(value)))


def seed_text() -> str:
    """A new seed for a draw: 12 random decimal digits (from the operating system)."""
    import secrets

    return f"{secrets.randbelow(10**12):012d}"


def draw_files(draw: Draw) -> tuple[list[int], list[int]]:
    """(selected positions, remaining positions), in pool order."""
    chosen = set(draw.positions)
    n = len(draw.pool)
    return sorted(chosen), [i for i in range(n) if i not in chosen]
