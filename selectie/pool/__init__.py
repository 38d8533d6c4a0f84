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

from .files import MAX_CELL_CHARS, MAX_FILE_BYTES, load_pool, read_table
from .ids import id_problem
from .model import Pool
from .validate import Cell

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "Cell",
    "Pool",
    "id_problem",
    "load_pool",
    "read_table",
]
