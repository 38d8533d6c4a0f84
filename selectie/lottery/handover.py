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
- the **reserve list** (:func:`reserve_list`): for each panel member, in panel order, up to
  :data:`RESERVES_PER_MEMBER` people to call, in that order, if the member drops out, each
  row with every column of the people file for the person to call (:func:`reserve_rows`). Each is
  what :func:`selectie.replace` gives (the fewest other changes, then the scenario's
  objective, then a tie-break order) with the people listed before excluded: the member's
  own earlier reserves always, and the first reserves of earlier members wherever another
  valid replacement exists, so that two drop-outs do not send for the same person.

**Ties.** Many people are often equally good reserves (the same quota values). ``replace``
breaks such ties by pool order, which would call people early in the people file first, for
no reason a person could be given. With the draw's seed (the command line always has one:
given, or made and recorded) the tie-break order is the people ranked by SHA-256 of
``selectie-reserve-1``, the seed and their id (:func:`tie_break_order`): deterministic, so the
same seed gives the same list, byte for byte, and anyone can recompute it, but not favouring
any place in the file. Without a seed (``seed=None``, a notebook call) pool order is kept.

What the reserve list guarantees (and what it does not):

1. **One drop-out.** Every row on its own keeps every quota: the panel without the member,
   with the row's ``replace by`` people in (and its ``also replace`` people out, when no one
   person can replace the member), satisfies every constraint, re-checked by ``replace``.
2. **Order.** A member's rows are ranked: row 1 is the best replacement, row 2 the best one
   not in row 1, and so on; the list holds every valid one-for-one replacement up to
   :data:`RESERVES_PER_MEMBER`.
3. **Several drop-outs.** Go down each member's rows in order and skip anyone already
   called in. Rows marked ``same quota values: yes`` replace the member by someone with the
   same value in every feature of the quotas file; each leaves every quota count as it was,
   so any number of them hold together (with ``--household``, unless two of them share an
   address). Any other combination of rows is not guaranteed: check the new panel with
   ``selectie check`` (or run the lottery again).

Files are CSV (in the command line's ``--csv-dialect``: ``standard`` comma-separated;
``excel-nl`` semicolon-separated with a decimal comma, as a Dutch Excel reads them) or XLSX
(numbers as numeric cells), by the file's suffix; :func:`write_table` is the one function
that writes them. An XLSX file has selectie's headers, sheet names and yes/no in the language
in use (``localized=True`` of the row functions); a CSV file keeps the English column ids and
words, which scripts read; the people file's own columns are copied as they are.
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
from ..i18n import N_, _

if TYPE_CHECKING:
    from ..pool import Pool
    from ..scenario import Scenario
    from ..sortition import SortitionQuota
    from .result import Draw

__all__ = [
    "CSV_DIALECTS",
    "RESERVES_PER_MEMBER",
    "RESERVE_HEADER",
    "PeopleFile",
    "QuotaCount",
    "ReserveEntry",
    "quota_table",
    "read_people_file",
    "reserve_list",
    "reserve_notes",
    "reserve_rows",
    "same_quota_values",
    "tie_break_order",
    "write_table",
]

#: The CSV dialects :func:`write_table` writes (:mod:`selectie.csvdialect`'s, whose alias
#: ``excel`` for ``standard`` is accepted too).
CSV_DIALECTS = ("standard", "excel-nl")

#: How many reserves the reserve list names per panel member (at most).
RESERVES_PER_MEMBER = 3


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


#: The quota table's columns: the CSV file's column ids; translated in XLSX and in the text.
QUOTA_HEADER = (
    N_("feature"),
    N_("value"),
    N_("min"),
    N_("max"),
    N_("selected"),
    N_("in pool"),
    N_("met"),
)


def _word(text: str, localized: bool) -> str:
    """``text`` in the language in use when ``localized`` (XLSX, text), else as it is (a CSV
    file's column id or cell word, which scripts read).
    """
    return _(text) if localized else text


def quota_rows(
    table: Sequence[QuotaCount], *, localized: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """The quota table as a header and rows (numbers as numbers); with ``localized`` the
    header and the yes/NO cells are in the language in use (XLSX), else English (CSV).
    """
    header = [_word(h, localized) for h in QUOTA_HEADER]
    yes, no = _word("yes", localized), _word("NO", localized)
    rows: list[list[Any]] = [
        [q.feature, q.value, q.min, q.max, q.selected, q.pool, yes if q.ok else no] for q in table
    ]
    return header, rows


def quota_text(table: Sequence[QuotaCount]) -> str:
    """The quota table as plain text, one line per quota, in the language in use (a CSV
    file of :func:`quota_rows` keeps the English column ids).
    """
    from tabulate import tabulate

    header, rows = quota_rows(table, localized=True)
    return str(tabulate(rows, headers=header, tablefmt="simple", disable_numparse=True))


@dataclass(frozen=True)
class ReserveEntry:
    """Reserve number ``rank`` for ``drop``: if ``drop`` leaves the panel, ``added`` take
    their place (``lost`` must go as well) and every constraint holds (``ok``).
    """

    drop: str
    rank: int
    added: tuple[str, ...]
    lost: tuple[str, ...]
    ok: bool


def reserve_list(
    pool: Pool,
    scenario: Scenario,
    selected: Sequence[str],
    *,
    per_member: int = RESERVES_PER_MEMBER,
    solver: str = "highs",
    seed: str | None = None,
) -> list[ReserveEntry]:
    """For each selected person, in panel order, up to ``per_member`` ranked replacements
    that keep every constraint (:func:`selectie.replace`, with the reserves listed before
    excluded; see the module for what the list guarantees). Ties between equally good
    reserves are broken by :func:`tie_break_order` of ``seed`` (the draw's seed), or by
    pool order when ``seed`` is None.

    A member with no valid replacement at all gets one row with ``ok`` False.
    """
    from ..whatif import replace

    if seed is not None:  # replace breaks ties by pool order: give it the seeded order
        pool = pool.subset(tie_break_order(pool.ids, seed))
    panel = list(selected)
    out: list[ReserveEntry] = []
    firsts: list[str] = []  # the first reserves of earlier members
    for person in panel:
        own: list[str] = []
        rows: list[ReserveEntry] = []
        for rank in range(1, per_member + 1):
            avoid = [*own, *(f for f in firsts if f not in own)]
            r = replace(pool, scenario.with_exclude(*avoid), panel, drop=[person], solver=solver)
            if (not r.ok or r.lost) and len(avoid) > len(own):
                # Avoiding the earlier members' reserves costs a valid or a one-for-one
                # replacement: share an earlier reserve instead, if that does better.
                shared = replace(
                    pool, scenario.with_exclude(*own), panel, drop=[person], solver=solver
                )
                if shared.ok and (not r.ok or len(shared.lost) < len(r.lost)):
                    r = shared
            if not r.ok or not r.added:
                if not rows:
                    rows.append(ReserveEntry(person, rank, (), (), ok=False))
                break
            rows.append(ReserveEntry(person, rank, r.added, r.lost, r.ok))
            own += r.added
            if r.lost:  # a row that changes other members too ends the member's list
                break
        if rows and rows[0].ok:
            firsts += [a for a in rows[0].added if a not in firsts]
        out += rows
    return out


def tie_break_order(ids: Sequence[str], seed: str) -> list[int]:
    """The positions of ``ids`` ranked by SHA-256 of ``selectie-reserve-1``, ``seed`` and the
    id: the reserve list's tie-break order for a draw with ``seed``. The same seed gives the
    same order; it does not follow the order of the file.

    >>> ids = [f"p{i}" for i in range(8)]
    >>> tie_break_order(ids, "2026") == tie_break_order(list(ids), "2026")
    True
    >>> sorted(tie_break_order(ids, "2026")) == list(range(8))
    True
    """
    import hashlib

    def key(i: int) -> bytes:
        text = f"selectie-reserve-1\nseed {seed}\nid {ids[i]}\n"
        return hashlib.sha256(text.encode()).digest()

    return sorted(range(len(ids)), key=key)


def same_quota_values(people: PeopleFile, quotas: Sequence[SortitionQuota], a: int, b: int) -> bool:
    """True if the people at positions ``a`` and ``b`` have the same value (ignoring case
    and spacing) in every feature of the quotas file, so swapping one for the other leaves
    every quota count as it was.
    """
    for feature in dict.fromkeys(q.feature for q in quotas):
        col = people.column(feature)
        if normalize(people.rows[a][col]) != normalize(people.rows[b][col]):
            return False
    return True


def reserve_notes() -> list[str]:
    """What the reserve list guarantees, in the language in use (the XLSX file's second
    sheet; the module docstring says the same).
    """
    return [
        _(
            "Each row on its own keeps every quota: the panel without the person who drops out, "
            "with 'replace by' in and 'also replace' out, was re-checked against every "
            "constraint."
        ),
        _(
            "A member's rows are ranked: call reserve number 1 first, then 2, then 3. They hold "
            "every valid one-for-one replacement, up to {n}."
        ).format(n=RESERVES_PER_MEMBER),
        _(
            "First reserves differ between members wherever another valid replacement exists; "
            "after several drop-outs, skip anyone already called in."
        ),
        _(
            "Among equally good reserves the order is drawn from the draw's seed (SHA-256 of "
            "the seed and each id), not taken from the order of the people file: the same "
            "seed gives the same list."
        ),
        _(
            "Rows with 'same quota values' yes swap in someone with the same value in every "
            "quota feature: any number of them hold together (with households, unless two share "
            "an address). Any other combination of rows: check the new panel with selectie "
            "check."
        ),
        _(
            "The columns after 'same quota values' are the people file's, for the person to "
            "call ('replace by'); where several people replace a member together, their cells "
            "are joined by ' | '."
        ),
    ]


#: The reserve file's columns: the CSV file's column ids (the Sortition Foundation's files
#: are in English too); an XLSX file has them in the language in use.
RESERVE_HEADER = (
    N_("if this person drops out"),
    N_("reserve number"),
    N_("replace by"),
    N_("also replace"),
    N_("quotas hold"),
    N_("same quota values"),
)
#: The column after "if this person drops out" when the people file has a name column.
DROPS_OUT_NAME = N_("name of who drops out")
#: Between the cells of several people in one people-file column of the reserve list.
JOINER = " | "


def reserve_rows(
    pool: Pool,
    scenario: Scenario,
    panel: Sequence[int],
    quotas: Sequence[SortitionQuota],
    people: PeopleFile,
    *,
    solver: str = "highs",
    seed: str | None = None,
    localized: bool = False,
) -> tuple[list[str], list[list[Any]]]:
    """The reserve list of the panel at ``panel`` (pool positions) as a header and rows;
    ties broken by the draw's ``seed`` (:func:`reserve_list`). With ``localized`` the header
    and the yes/no cells are in the language in use (XLSX), else English (CSV).

    After selectie's columns (:data:`RESERVE_HEADER`, with the name of who drops out second
    when the pool has a name column) come every column of the people file, as it was
    written, for the person to call (``replace by``), like the selected and remaining files;
    when several people replace the member together, their cells are joined by
    :data:`JOINER`. A people-file column named like one of selectie's gets a leading ``_``.
    """
    yes, no = _word("yes", localized), _word("no", localized)
    ids = [pool.ids[i] for i in panel]
    named = any(pool.names)
    own = [_word(h, localized) for h in RESERVE_HEADER]
    if named:
        own.insert(1, _word(DROPS_OUT_NAME, localized))
    taken = {normalize(h) for h in own}
    theirs = []
    for h in people.header:
        while normalize(h) in taken:
            h = "_" + h
        taken.add(normalize(h))
        theirs.append(h)
    rows: list[list[Any]] = []
    for e in reserve_list(pool, scenario, ids, solver=solver, seed=seed):
        same = (
            e.ok
            and len(e.added) == 1
            and not e.lost
            and same_quota_values(people, quotas, pool.position(e.drop), pool.position(e.added[0]))
        )
        row: list[Any] = [
            e.drop,
            e.rank,
            " ".join(e.added),
            " ".join(e.lost),
            yes if e.ok else no,
            yes if same else no,
        ]
        if named:
            row.insert(1, pool.names[pool.position(e.drop)] or "")
        called = [people.rows[pool.position(a)] for a in e.added]
        row += [JOINER.join(cells) for cells in zip(*called, strict=True)] or [""] * len(theirs)
        rows.append(row)
    return [*own, *theirs], rows


def handover_rows(
    people: PeopleFile,
    positions: Sequence[int],
    probabilities: Sequence[float],
    *,
    localized: bool = False,
) -> tuple[list[str], list[list[Any]]]:
    """Every column of the people file for the people at ``positions`` (file order), with
    their selection probability as a number; the people file's own column names as they are,
    the added column's in the language in use with ``localized`` (XLSX), else English (CSV).
    """
    name = _word("selection probability", localized)
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
    dialect: str = "standard",
    sheet: str = "people",
    text_columns: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> bytes:
    """The bytes of a table file for ``path``: XLSX for ``.xlsx`` (numbers numeric, the
    ``text_columns`` kept as text; ``notes``, lines saying what the table means, on a second
    sheet), else CSV in ``dialect`` (``standard`` or ``excel-nl``).
    Text cells a spreadsheet would run as a formula are neutralised in both.

    >>> write_table("x.csv", ["id", "p"], [["a", 0.25]], dialect="excel-nl").decode()
    '\\ufeffid;p\\r\\na;0,25\\r\\n'
    >>> write_table("x.csv", ["id", "p"], [["=1+1", 0.5]]).decode().splitlines()[1]
    "'=1+1,0.5"
    """
    from ..csvdialect import check_dialect

    try:
        dialect = check_dialect(dialect)
    except ValueError:
        raise InputError(
            _("unknown CSV dialect {dialect}").format(dialect=repr(dialect)),
            hint=_("Choose one of: {dialects}.").format(dialects=", ".join(CSV_DIALECTS)),
        ) from None
    if Path(path).suffix.lower() == ".xlsx":
        from ..xlsx import Sheet, sheet_name, workbook

        kept = frozenset(text_columns)
        sheets = [Sheet(sheet_name(sheet), list(header), rows, text_columns=kept)]
        if notes:  # what the table means, on a sheet of its own
            about = sheet_name(_("about"))
            sheets.append(Sheet(about, [_("about")], [[n] for n in notes], wrap=True))
        return workbook(sheets)
    from .._io import safe_cell

    # Cells are written from the values, not converted afterwards: a text cell of the
    # people file that looks like a decimal ("12.5") stays exactly as it was.
    nl = dialect == "excel-nl"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if nl else ",", lineterminator="\r\n" if nl else "\n")
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
