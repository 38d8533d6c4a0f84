"""The pool: the validated cases, their values, and what is asked of them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._safe import neutralise_cell
from ..codebook import Codebook, closest, load_codebook, normalize
from ..errors import UnknownIdError

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

    from ..models import Project

from .ids import _id_key
from .validate import Cell, PoolParts, _build, _cell_to_text


@dataclass(frozen=True, eq=False)
class Pool:
    """A validated pool: case ids, display names, attribute values and extra columns.

    ``values[attribute][i]`` is the frozenset of codes case ``i`` holds, or None when the
    value is unknown (an unknown value counts for nothing). Single-valued attributes hold at
    most one code. Cases keep the order of the file.

    >>> from selectie import load_pool
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

        >>> from selectie import load_pool
        >>> load_pool().position(" r02 ")
        1
        """
        try:
            return self._index[_id_key(case_id)]
        except KeyError:
            raise UnknownIdError(self.unknown_id_message(case_id)) from None

    def contains(self, case_id: str) -> bool:
        """True if the pool has a case with this id (ignoring case and spacing).

        >>> from selectie import load_pool
        >>> pool = load_pool()
        >>> pool.contains("r01"), pool.contains("X99")
        (True, False)
        """
        return _id_key(case_id) in self._index

    def unknown_id_message(self, case_id: str) -> str:
        """A message for an id that is not in the pool, with the closest id.

        >>> from selectie import load_pool
        >>> load_pool().unknown_id_message("R-01")
        "'R-01' is not an id in the pool; did you mean 'R01'?"
        """
        from ..i18n import _

        msg = _("{id} is not an id in the pool").format(id=repr(case_id))
        guess = closest(case_id, self.ids) if len(self.ids) <= 20000 else None
        if guess:
            msg += _("; did you mean {guess}?").format(guess=repr(guess))
        return msg

    def label(self, i: int) -> str:
        """Display text of case ``i``: ``id (name)`` or just the id.

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
        >>> pool = load_pool()
        >>> pool.holds(0, "theorie", "intelligence"), pool.holds(0, "theorie", "borging")
        (True, False)
        """
        cell = self.values[attribute][i]
        return cell is not None and code in cell

    def unknown_count(self, attribute: str, positions: Iterable[int] | None = None) -> int:
        """How many of the cases (default: all) have an unknown value on ``attribute``.

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
        >>> load_pool().cell_text("theorie", 0)
        'context en gelegenheid|intelligence|uitvoerkracht'
        """
        attr = self.codebook.attribute(attribute)
        return self.codebook.format_cell(attr, self.values[attribute][i])

    def rows(self) -> Iterator[dict[str, str]]:
        """The pool as text rows (column -> cell), as a pool file would hold them.

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
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
        return pd.DataFrame(data, index=pd.Index(list(self.ids), name=cb.id_column), dtype=object)

    def to_csv(self, path: str | Path | None = None, *, delimiter: str = ",") -> str:
        """Write the pool as a CSV file selectie can read back (and return the text).

        >>> from selectie import load_pool
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
            from .._io import write_atomic

            write_atomic(Path(path), text.encode("utf-8"))
        return text

    def items(self) -> list[BaseModel]:
        """The cases as validated pydantic models of :meth:`Codebook.item_model`.

        >>> from selectie import load_pool
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

        >>> from selectie import load_pool
        >>> load_pool().projects()[1].id
        'R02'
        """
        from ..models import projects_from_pool

        return projects_from_pool(self)

    def subset(self, positions: Sequence[int]) -> Pool:
        """A new pool with only the cases at ``positions`` (in that order).

        >>> from selectie import load_pool
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
        return pool_from_parts(_build(header, rows, cb, source or "records", digest=None))

    @classmethod
    def from_dataframe(cls, frame: pd.DataFrame, codebook: Codebook | None = None) -> Pool:
        """Build and validate a pool from a DataFrame (as :meth:`to_dataframe` makes it).

        The id may be the index (named like the codebook's id column) or a column.

        >>> from selectie import load_pool
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


def pool_from_parts(parts: PoolParts) -> Pool:
    """The pool of validated parts."""
    return Pool(
        codebook=parts.codebook,
        ids=parts.ids,
        names=parts.names,
        values=parts.values,
        extra=parts.extra,
        source=parts.source,
        digest=parts.digest,
    )
