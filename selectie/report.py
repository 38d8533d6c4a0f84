"""Distribution tables in the layout of Bijlage 4, comparisons, and exports.

For each attribute, a table of counts per value: the selection beside the pool and, on
request, beside reference counts (e.g. the published tables) with the difference. Exports:
Markdown, CSV, JSON, LaTeX and XLSX; spreadsheet exports neutralise cells a spreadsheet would
run as formulas.

>>> from selectie import load_pool
>>> pool = load_pool()
>>> report13 = [pool.position(i) for i in pool.ids if i.startswith("R")]
>>> t = tables(pool, report13, reference="bijlage4")
>>> int(t["regio"].loc["Limburg", "selected"]), t.matches_reference()
(1, True)
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._safe import markdown_cell, neutralise_cell
from .i18n import N_, _
from .pool import Pool

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TOTAL", "TableSet", "tables"]

#: Label of the total row of a single-valued attribute's table.
TOTAL = "total"
#: Column names of a table, translated where they are shown.
COLUMNS = {
    "selected": N_("selected"),
    "pool": N_("pool"),
    "reference": N_("reference"),
    "difference": N_("difference"),
    TOTAL: N_("total"),
}


@dataclass(frozen=True)
class Counts:
    """One attribute's table in plain Python: the values (rows, in order) and one column of
    counts per heading (``None`` where a reference does not count a value).

    The tables are counted once, here; :attr:`TableSet.frames` makes DataFrames of them only
    when asked, so printing a selection does not import pandas.
    """

    index: tuple[str, ...]
    columns: Mapping[str, tuple[int | None, ...]]

    def rows(self) -> Iterator[tuple[str, dict[str, int | None]]]:
        """(value, {column: count}) per row."""
        for i, value in enumerate(self.index):
            yield value, {c: col[i] for c, col in self.columns.items()}


@dataclass(frozen=True, eq=False)
class TableSet:
    """One DataFrame per attribute (index: values; columns: selected, pool[, reference,
    difference]), in the codebook's table order.

    ``tables["regio"]`` is one attribute's DataFrame, ``tables.to_dataframe()`` all of them
    in one long DataFrame; ``print(tables)`` shows them as text and Jupyter as HTML.

    >>> from selectie import load_pool
    >>> pool = load_pool()
    >>> t = tables(pool, ["R01", "R02"], attributes=["innovatie"])
    >>> print(t)
    Innovation (innovatie)
    innovatie     selected    pool
    ------------  ----------  ------
    innovatief    1           41
    voortbouwend  1           65
    onbekend      0           20
    total         2           126
    >>> t.to_dataframe().columns.tolist()
    ['attribute', 'value', 'selected', 'pool']
    """

    counts: Mapping[str, Counts]
    titles: Mapping[str, str]
    multi: Mapping[str, bool]
    size: int
    reference_name: str | None = None
    #: Readable labels of the values, per attribute (code -> label), in the language in use
    #: when the tables were made; shown instead of codes in text, Markdown, HTML and XLSX.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @cached_property
    def frames(self) -> Mapping[str, pd.DataFrame]:
        """One DataFrame per attribute (nullable integer columns), made on first use."""
        import pandas as pd

        return {
            attr: pd.DataFrame(
                {c: pd.array(list(col), dtype="Int64") for c, col in t.columns.items()},
                index=pd.Index(list(t.index), name=attr),
            )
            for attr, t in self.counts.items()
        }

    def __getitem__(self, attribute: str) -> pd.DataFrame:
        return self.frames[attribute]

    def __iter__(self) -> Iterator[str]:
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def has_reference(self) -> bool:
        return self.reference_name is not None

    def differences(self) -> list[tuple[str, str, int, int]]:
        """(attribute, value, selected, reference) for every value whose counts differ.

        >>> from selectie import load_pool
        >>> t = tables(load_pool(), ["R01"], reference={"regio": {"Limburg": 1, "Rotterdam": 1}},
        ...            attributes=["regio"])
        >>> t.differences()
        [('regio', 'Rotterdam', 0, 1)]
        """
        out = []
        for attr, t in self.counts.items():
            if "reference" not in t.columns:
                continue
            for value, row in t.rows():
                ref, sel = row["reference"], row["selected"]
                if value == TOTAL or ref is None or sel is None:
                    continue
                if sel != ref:
                    out.append((attr, value, sel, ref))
        return out

    def matches_reference(self) -> bool:
        """True if a reference was given and every counted value equals it.

        >>> from selectie import load_pool
        >>> pool = load_pool()
        >>> tables(pool, ["R01"], reference={"regio": {"Limburg": 1}}).matches_reference()
        True
        >>> tables(pool, ["R01"]).matches_reference()  # no reference
        False
        """
        return self.has_reference and not self.differences()

    # -- exports -----------------------------------------------------------------------------

    def shown(self, attribute: str) -> pd.DataFrame:
        """One table as a reader sees it: value labels instead of codes (where the codebook
        has them), translated column names and total row, empty cells for missing counts.

        >>> from selectie import load_pool
        >>> from selectie.i18n import language
        >>> with language("nl"):
        ...     t = tables(load_pool(), ["R01"], attributes=["innovatie"])
        ...     t.shown("innovatie").columns.tolist(), t.shown("innovatie").index[-1]
        (['geselecteerd', 'pool'], 'totaal')
        """
        import pandas as pd

        headers, rows = self._shown_rows(attribute)
        return pd.DataFrame(
            [row[1:] for row in rows],
            index=pd.Index([row[0] for row in rows], name=attribute),
            columns=headers[1:],
            dtype=object,
        )

    def _shown_rows(self, attribute: str) -> tuple[list[str], list[list[Any]]]:
        """:meth:`shown` in plain Python: the headers (the attribute first) and the rows
        (label first; ``""`` for a missing count).
        """
        t = self.counts[attribute]
        labels = self.labels.get(attribute, {})
        headers = [attribute, *(_(COLUMNS[c]) if c in COLUMNS else c for c in t.columns)]
        rows: list[list[Any]] = [
            [
                _(COLUMNS[TOTAL]) if value == TOTAL else labels.get(value, value),
                *("" if n is None else n for n in row.values()),
            ]
            for value, row in t.rows()
        ]
        return headers, rows

    def to_frame(self) -> pd.DataFrame:
        """All tables in one long DataFrame: attribute, value, selected, pool, ...

        >>> from selectie import load_pool
        >>> frame = tables(load_pool(), ["R01"], attributes=["innovatie"]).to_frame()
        >>> frame.loc[0, ["attribute", "value"]].tolist(), int(frame.loc[0, "selected"])
        (['innovatie', 'innovatief'], 1)
        """
        import pandas as pd

        parts = []
        for attr, df in self.frames.items():
            d = df.reset_index().rename(columns={df.index.name or "index": "value"})
            d.insert(0, "attribute", attr)
            parts.append(d)
        return pd.concat(parts, ignore_index=True)

    def to_dataframe(self) -> pd.DataFrame:
        """All tables in one long DataFrame (the same as :meth:`to_frame`).

        >>> from selectie import load_pool
        >>> len(tables(load_pool(), ["R01"], attributes=["innovatie"]).to_dataframe())
        4
        """
        return self.to_frame()

    def to_records(self) -> list[dict[str, Any]]:
        """The tables as JSON-ready rows (the long format of :meth:`to_frame`).

        >>> from selectie import load_pool
        >>> tables(load_pool(), ["R01"], attributes=["innovatie"]).to_records()[0]
        {'attribute': 'innovatie', 'value': 'innovatief', 'selected': 1, 'pool': 41}
        """
        return [
            {"attribute": attr, "value": value, **row}
            for attr, t in self.counts.items()
            for value, row in t.rows()
        ]

    def to_json(self) -> str:
        """The tables as JSON: a list of rows (attribute, value, counts).

        >>> import json
        >>> from selectie import load_pool
        >>> json.loads(tables(load_pool(), ["R01"], attributes=["innovatie"]).to_json())[-1]
        {'attribute': 'innovatie', 'value': 'total', 'selected': 1, 'pool': 126}
        """
        return json.dumps(self.to_records(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """The tables as one CSV in long format, safe to open in a spreadsheet.

        >>> from selectie import load_pool
        >>> print(tables(load_pool(), ["R01"], attributes=["innovatie"]).to_csv())
        attribute,value,selected,pool
        innovatie,innovatief,1,41
        innovatie,voortbouwend,0,65
        innovatie,onbekend,0,20
        innovatie,total,1,126
        <BLANKLINE>
        """
        frame = self.to_frame().map(neutralise_cell)
        return str(frame.to_csv(index=False, lineterminator="\n"))

    def to_markdown(self) -> str:
        """One Markdown table per attribute, each under a heading.

        >>> from selectie import load_pool
        >>> print(tables(load_pool(), ["R01"], attributes=["innovatie"]).to_markdown())
        ### Innovation (`innovatie`)
        <BLANKLINE>
        | innovatie    |   selected |   pool |
        |:-------------|-----------:|-------:|
        | innovatief   |          1 |     41 |
        | voortbouwend |          0 |     65 |
        | onbekend     |          0 |     20 |
        | total        |          1 |    126 |
        <BLANKLINE>
        """
        out = []
        for attr in self.counts:
            out.append(f"### {self._heading(attr, '`')}\n")
            out.append(_cells(self.shown(attr), markdown_cell).to_markdown() + "\n")
            if self.multi[attr]:
                note = _("A case can hold several values; counts do not add up to the size.")
                out.append(f"_{note}_\n")
        return "\n".join(out)

    def to_latex(self) -> str:
        """One LaTeX tabular per attribute (needs jinja2, a pandas extra).

        >>> from selectie import load_pool
        >>> latex = tables(load_pool(), ["R01"], attributes=["innovatie"]).to_latex()
        >>> r"\\begin{tabular}" in latex, r"\\label{tab:innovatie}" in latex
        (True, True)
        """
        out = []
        for attr in self.counts:
            out.append(
                _cells(self.shown(attr), neutralise_cell).to_latex(
                    caption=f"{self.titles[attr]}", label=f"tab:{attr}", escape=True
                )
            )
        return "\n".join(out)

    def to_xlsx(self, path: str | Path | None = None) -> bytes:
        """An XLSX workbook with one sheet per attribute (returned as bytes; written to
        ``path`` if given).

        >>> from selectie import load_pool
        >>> data = tables(load_pool(), ["R01"], attributes=["innovatie"]).to_xlsx()
        >>> data[:2]  # an XLSX file is a zip archive
        b'PK'
        """
        from .xlsx import Sheet, workbook

        sheets = []
        for attr in self.counts:
            shown = self.shown(attr)
            header = [self.titles[attr], *map(str, shown.columns)]
            rows = [
                [str(v), *(None if x == "" else int(x) for x in row)]
                for v, row in zip(shown.index, shown.itertuples(index=False), strict=True)
            ]
            sheets.append(Sheet(_sheet_name(attr), header, rows))
        data = workbook(sheets)
        if path is not None:
            from ._io import write_atomic

            write_atomic(Path(path), data)
        return data

    def _heading(self, attr: str, quote: str = "") -> str:
        title = self.titles[attr]
        return title if title == attr else f"{title} ({quote}{attr}{quote})"

    def __repr__(self) -> str:
        ref = f", reference {self.reference_name!r}" if self.reference_name else ""
        return f"<TableSet of {len(self)} attributes, {self.size} selected{ref}>"

    def __str__(self) -> str:
        from tabulate import tabulate

        blocks = []
        for attr in self.counts:
            headers, rows = self._shown_rows(attr)
            blocks.append(
                self._heading(attr)
                + "\n"
                + tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
            )
        return "\n\n".join(blocks)

    def _repr_html_(self) -> str:
        """One HTML table per attribute, under its title; differences from a reference are
        listed first.
        """
        parts = []
        if self.has_reference:
            diffs = self.differences()
            head = (
                _("every count equals {reference}").format(reference=self.reference_name)
                if not diffs
                else _("{n} count(s) differ from {reference}").format(
                    n=len(diffs), reference=self.reference_name
                )
            )
            parts.append(f"<p><b>{html.escape(head)}</b></p>")
        for attr in self.counts:
            code = "" if self.titles[attr] == attr else f" <code>{html.escape(attr)}</code>"
            parts.append(f"<h4>{html.escape(self.titles[attr])}{code}</h4>")
            parts.append(self.shown(attr).to_html())
        return "".join(parts)


def _sheet_name(attr: str) -> str:
    bad = set("[]:*?/\\")
    return "".join("_" if ch in bad else ch for ch in attr)[:31] or "sheet"


def tables(
    pool: Pool,
    selection: Iterable[int] | Iterable[str],
    *,
    reference: Mapping[str, Mapping[str, int]] | str | Path | None = None,
    attributes: Sequence[str] | None = None,
) -> TableSet:
    """Counts per value of each attribute for a selection (positions or ids), beside the pool.

    With ``reference`` (counts per attribute and value, a TOML file, or ``"bijlage4"`` for the
    published tables) each table also shows the reference counts and the difference
    (selected minus reference). Values a reference does not count show as empty.
    Single-valued attributes get a total row; the codebook's unknown word is a row when some
    case in the pool has an unknown value.

    >>> from selectie import load_pool
    >>> t = tables(load_pool(), ["R01", "R02"], reference="bijlage4", attributes=["regio"])
    >>> t["regio"].loc["Limburg"].tolist()  # selected, pool, reference, difference
    [1, 8, 1, 0]
    """
    from .published import load_reference

    positions = _positions(pool, selection)
    ref_name: str | None = None
    ref: Mapping[str, Mapping[str, int]] | None
    if reference is None:
        ref = None
    elif isinstance(reference, str | Path):
        ref_name = str(reference)
        ref = load_reference(reference)
    else:
        ref_name = "reference"
        ref = reference
    cb = pool.codebook
    names = list(attributes) if attributes is not None else list(cb.table_attributes)
    counts: dict[str, Counts] = {}
    titles: dict[str, str] = {}
    multi: dict[str, bool] = {}
    labels: dict[str, dict[str, str]] = {}
    for name in names:
        attr = cb.attribute(name)
        sel_counts = pool.value_counts(name, positions)
        pool_counts = pool.value_counts(name)
        index = list(attr.codes)
        selected = [sel_counts[c] for c in index]
        whole = [pool_counts[c] for c in index]
        unknown_pool = pool.unknown_count(name)
        if unknown_pool:
            index.append(cb.unknown)
            selected.append(pool.unknown_count(name, positions))
            whole.append(unknown_pool)
        if not attr.multi:
            index.append(TOTAL)
            selected.append(len(positions))
            whole.append(len(pool))
        columns: dict[str, tuple[int | None, ...]] = {
            "selected": tuple(selected),
            "pool": tuple(whole),
        }
        if ref is not None:
            attr_ref = {}
            for token, n in (ref.get(name) or {}).items():
                code = attr.parse_token(token) or token
                attr_ref[code] = n
            col: list[int | None] = [attr_ref.get(v) for v in index]
            if not attr.multi and attr_ref:
                col[-1] = sum(attr_ref.values())
            columns["reference"] = tuple(col)
            columns["difference"] = tuple(
                None if r is None else s - r for s, r in zip(selected, col, strict=True)
            )
        counts[name] = Counts(tuple(index), columns)
        titles[name] = cb.title_of(name)
        multi[name] = attr.multi
        labels[name] = {c: lab for c in attr.codes if (lab := cb.value_label(name, c)) != c}
    return TableSet(counts, titles, multi, len(positions), ref_name, labels)


def _positions(pool: Pool, selection: Iterable[int] | Iterable[str]) -> list[int]:
    out = []
    for x in selection:
        out.append(pool.position(x) if isinstance(x, str) else int(x))
    return sorted(set(out))


def _cells(frame: pd.DataFrame, safe: Callable[[object], object]) -> pd.DataFrame:
    """``frame`` with every cell and index label passed through ``safe`` (a neutraliser of
    :mod:`selectie._safe`).
    """
    out = frame.map(safe)
    out.index = [safe(v) for v in frame.index]
    out.index.name = frame.index.name
    return out
