"""Where each case of a pool comes from: its ``source`` column, and which rows are synthetic.

The bundled WODC pool records each row's provenance in the column ``source`` (``rapport``,
``openbaar``, ``rapport-afgeleid`` or ``synthetisch``; see data/README.md). A selection shows
how many of its cases come from each source and which of them are synthetic rows, so nothing
synthetic passes as a real case. A pool without a ``source`` column has no provenance to show.

>>> from selectie import load_pool
>>> pool = load_pool()
>>> source_counts(pool, [0, 1, 125])
{'rapport': 2, 'synthetisch': 1}
>>> synthetic_positions(pool, [0, 1, 125]) == [125]
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .codebook import normalize
from .i18n import _, ngettext

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .pool import Pool

__all__ = [
    "SOURCE_COLUMN",
    "SYNTHETIC_SOURCES",
    "case_source",
    "source_counts",
    "sources_line",
    "synthetic_positions",
]

#: The column that records where a row comes from (data/README.md, "Columns").
SOURCE_COLUMN = "source"
#: ``source`` values that mark a synthetic row: the WODC pool's ``synthetisch`` (as the data
#: writes it) and its English form.
SYNTHETIC_SOURCES = frozenset({"synthetisch", "synthetic"})


def _column(pool: Pool) -> tuple[str, bool] | None:
    """The pool's source column and whether it is an attribute (else an extra column)."""
    cb = pool.codebook
    for attr in cb.attributes:
        if normalize(attr.name) == SOURCE_COLUMN and not attr.multi:
            return attr.name, True
    for col in pool.extra:
        if normalize(col) == SOURCE_COLUMN:
            return col, False
    return None


def case_source(pool: Pool, i: int) -> str | None:
    """The source of case ``i`` as the pool writes it; None without a source column (or for
    an unknown source).

    >>> from selectie import load_pool
    >>> case_source(load_pool(), 0)
    'rapport'
    """
    found = _column(pool)
    if found is None:
        return None
    name, is_attribute = found
    if is_attribute:
        cell = pool.values[name][i]
        return next(iter(cell)) if cell else None
    return pool.extra[name][i] or None


def source_counts(pool: Pool, positions: Sequence[int]) -> dict[str, int] | None:
    """How many of the cases at ``positions`` come from each source, in the codebook's order
    of the values (for an extra column: in order of appearance); None without a source column.
    """
    found = _column(pool)
    if found is None:
        return None
    counts: dict[str, int] = {}
    name, is_attribute = found
    if is_attribute:
        counts = dict.fromkeys(pool.codebook.attribute(name).codes, 0)
    for i in positions:
        source = case_source(pool, i)
        key = source if source is not None else pool.codebook.unknown
        counts[key] = counts.get(key, 0) + 1
    return {k: n for k, n in counts.items() if n}


def synthetic_positions(pool: Pool, positions: Sequence[int]) -> list[int]:
    """The positions among ``positions`` whose source marks a synthetic row."""
    return [i for i in positions if normalize(case_source(pool, i) or "") in SYNTHETIC_SOURCES]


def sources_line(pool: Pool, positions: Sequence[int]) -> str | None:
    """One line for a selection's summary: its cases counted by source and, when any is
    synthetic, how many and which; None when the pool has no source column.

    >>> from selectie import load_pool
    >>> print(sources_line(load_pool(), [0, 1, 125]))  # doctest: +NORMALIZE_WHITESPACE
    by source: rapport 2, synthetisch 1; 1 of 3 selected cases is a synthetic row,
    not a real case: S093
    """
    counts = source_counts(pool, positions)
    if counts is None:
        return None
    line = _("by source: {counts}").format(
        counts=", ".join(f"{source} {n}" for source, n in counts.items())
    )
    synthetic = synthetic_positions(pool, positions)
    if synthetic:
        line += "; " + ngettext(
            "{n} of {total} selected cases is a synthetic row, not a real case: {ids}",
            "{n} of {total} selected cases are synthetic rows, not real cases: {ids}",
            len(synthetic),
        ).format(
            n=len(synthetic),
            total=len(positions),
            ids=", ".join(pool.ids[i] for i in synthetic),
        )
    return line
