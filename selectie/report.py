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
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import safe_cell
from .pool import Pool

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TOTAL", "TableSet", "tables"]

#: Label of the total row of a single-valued attribute's table.
TOTAL = "total"


@dataclass(frozen=True, eq=False)
class TableSet:
    """One DataFrame per attribute (index: values; columns: selected, pool[, reference,
    difference]), in the codebook's table order."""

    frames: Mapping[str, pd.DataFrame]
    titles: Mapping[str, str]
    multi: Mapping[str, bool]
    size: int
    reference_name: str | None = None

    def __getitem__(self, attribute: str) -> pd.DataFrame:
        return self.frames[attribute]

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def has_reference(self) -> bool:
        return self.reference_name is not None

    def differences(self) -> list[tuple[str, str, int, int]]:
        """(attribute, value, selected, reference) for every value whose counts differ."""
        out = []
        for attr, df in self.frames.items():
            if "reference" not in df.columns:
                continue
            for value, row in df.iterrows():
                if value == TOTAL or row["reference"] is None:
                    continue
                ref = row["reference"]
                if _isna(ref):
                    continue
                if int(row["selected"]) != int(ref):
                    out.append((attr, str(value), int(row["selected"]), int(ref)))
        return out

    def matches_reference(self) -> bool:
        """True if a reference was given and every counted value equals it."""
        return self.has_reference and not self.differences()

    # -- exports -----------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """All tables in one long DataFrame: attribute, value, selected, pool, ..."""
        import pandas as pd

        parts = []
        for attr, df in self.frames.items():
            d = df.reset_index().rename(columns={df.index.name or "index": "value"})
            d.insert(0, "attribute", attr)
            parts.append(d)
        return pd.concat(parts, ignore_index=True)

    def to_records(self) -> list[dict[str, Any]]:
        """The tables as JSON-ready rows (the long format of :meth:`to_frame`)."""
        records = []
        for attr, df in self.frames.items():
            for value, row in df.iterrows():
                rec: dict[str, Any] = {"attribute": attr, "value": str(value)}
                for col in df.columns:
                    v = row[col]
                    rec[col] = None if _isna(v) else int(v)
                records.append(rec)
        return records

    def to_json(self) -> str:
        """The tables as JSON: a list of rows (attribute, value, counts)."""
        return json.dumps(self.to_records(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """The tables as one CSV in long format, safe to open in a spreadsheet."""
        frame = self.to_frame().map(safe_cell)
        return str(frame.to_csv(index=False, lineterminator="\n"))

    def to_markdown(self) -> str:
        """One Markdown table per attribute, each under a heading."""
        out = []
        for attr, df in self.frames.items():
            out.append(f"### {self.titles[attr]} (`{attr}`)\n")
            shown = df.astype(object).where(~df.isna(), "")
            out.append(shown.to_markdown() + "\n")
            if self.multi[attr]:
                out.append("_A case can hold several values; counts do not add up to the size._\n")
        return "\n".join(out)

    def to_latex(self) -> str:
        """One LaTeX tabular per attribute (needs jinja2, a pandas extra)."""
        out = []
        for attr, df in self.frames.items():
            shown = df.astype(object).where(~df.isna(), "")
            out.append(
                shown.to_latex(caption=f"{self.titles[attr]}", label=f"tab:{attr}", escape=True)
            )
        return "\n".join(out)

    def to_xlsx(self, path: str | Path | None = None) -> bytes:
        """An XLSX workbook with one sheet per attribute (returned as bytes; written to
        ``path`` if given)."""
        import pandas as pd

        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            for attr, df in self.frames.items():
                safe = df.reset_index().map(safe_cell)
                safe.to_excel(writer, sheet_name=_sheet_name(attr), index=False)
        data = buf.getvalue()
        if path is not None:
            from ._io import write_atomic

            write_atomic(Path(path), data)
        return data

    def __str__(self) -> str:
        from tabulate import tabulate

        blocks = []
        for attr, df in self.frames.items():
            shown = df.astype(object).where(~df.isna(), "")
            blocks.append(
                f"{self.titles[attr]} ({attr})\n"
                + tabulate(shown, headers="keys", tablefmt="simple", disable_numparse=True)
            )
        return "\n\n".join(blocks)

    def _repr_html_(self) -> str:
        parts = []
        for attr, df in self.frames.items():
            shown = df.astype(object).where(~df.isna(), "")
            parts.append(
                f"<h4>{html.escape(self.titles[attr])} <code>{html.escape(attr)}</code></h4>"
            )
            parts.append(shown.to_html())
        return "".join(parts)


def _isna(v: Any) -> bool:
    import pandas as pd

    return v is None or bool(pd.isna(v))


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
    """
    import pandas as pd

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
    frames: dict[str, pd.DataFrame] = {}
    titles: dict[str, str] = {}
    multi: dict[str, bool] = {}
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
        df = pd.DataFrame(
            {"selected": selected, "pool": whole},
            index=pd.Index(index, name=name),
        ).astype("Int64")
        if ref is not None:
            attr_ref = {}
            for token, n in (ref.get(name) or {}).items():
                code = attr.parse_token(token) or token
                attr_ref[code] = n
            col = [attr_ref.get(v) for v in index]
            if not attr.multi and attr_ref:
                col[-1] = sum(attr_ref.values())
            df["reference"] = pd.array(col, dtype="Int64")
            df["difference"] = df["selected"] - df["reference"]
        frames[name] = df
        titles[name] = attr.title
        multi[name] = attr.multi
    return TableSet(frames, titles, multi, len(positions), ref_name)


def _positions(pool: Pool, selection: Iterable[int] | Iterable[str]) -> list[int]:
    out = []
    for x in selection:
        out.append(pool.position(x) if isinstance(x, str) else int(x))
    return sorted(set(out))
