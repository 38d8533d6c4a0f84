"""Reading a selection (a list of case ids) from a file, as ``selectie check --ids`` does.

Three forms are read: one id per line (``#`` starts a comment line; a first line equal to the
codebook's id column is a header), a CSV with the codebook's id column, or the JSON output of
``selectie select --format json`` (an object with a ``selected`` list) or a JSON list of ids.

>>> import tempfile, pathlib
>>> from selectie import load_pool
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "chosen.txt")
...     _ = path.write_text("# the report's first two\\nR01\\nR02\\n", encoding="utf-8")
...     read_selection(path, load_pool())
['R01', 'R02']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ._read import TextMessages, read_text
from .errors import InputError

if TYPE_CHECKING:
    from .pool import Pool

__all__ = ["read_selection"]


#: The largest selection file read (a million ids of 16 characters fit in it many times).
MAX_SELECTION_BYTES = 16_000_000


_MESSAGES = TextMessages(
    too_large="selection file {file} is {size} MB; a selection file is at most {limit} MB "
    "(one id per line, or selectie's JSON/CSV)",
    too_large_hint="Give the file of a selection: its case ids, one per line.",
    binary="selection file {file} holds NUL bytes: it is a binary file, not text",
    binary_hint="Give a text file with one id per line, or selectie's JSON or CSV output.",
    not_utf8="selection file {file} is not UTF-8 text",
    not_utf8_hint="Save it as UTF-8 text with one id per line.",
)


def read_selection(path: str | Path, pool: Pool) -> list[str]:
    """The case ids in ``path``, in file order (not checked against the pool: an unknown id is
    the audit's to report, with the closest known one).

    Raises :class:`~selectie.errors.InputError` for a file that is missing, unreadable, not
    UTF-8, not valid JSON, or a CSV without the id column.
    """
    path, text = read_text(
        path, "selection", InputError, max_bytes=MAX_SELECTION_BYTES, messages=_MESSAGES
    )
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return _from_json(path, text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    id_col = pool.codebook.id_column
    # A CSV in any dialect selectie writes (comma, or excel-nl's semicolon) or a spreadsheet
    # exports (tab): the delimiter is the one whose header holds the id column.
    delimiter = next(
        (d for d in (",", ";", "\t") if lines and d in lines[0] and id_col in _header(lines[0], d)),
        "," if lines and "," in lines[0] else None,
    )
    if delimiter is not None:
        rows = list(csv.reader(lines, delimiter=delimiter))
        header = [h.strip() for h in rows[0]]
        if id_col not in header:
            raise InputError(
                f"selection file {str(path)!r}: the CSV has no {id_col!r} column "
                f"(columns: {', '.join(header)})",
                hint="Give a CSV with the id column, or one id per line.",
            )
        k = header.index(id_col)
        return [r[k].strip() for r in rows[1:] if len(r) > k and r[k].strip()]
    if lines and lines[0] == id_col:
        lines = lines[1:]
    return lines


def _header(line: str, delimiter: str) -> list[str]:
    return [h.strip() for h in next(csv.reader([line], delimiter=delimiter))]


def _from_json(path: Path, text: str) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"selection file {str(path)!r} is not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})"
        ) from None
    selected = data.get("selected") if isinstance(data, dict) else data
    if not isinstance(selected, list) or not all(isinstance(x, str) for x in selected):
        raise InputError(
            f"selection file {str(path)!r}: expected a JSON list of ids or an object with "
            "a 'selected' list (the output of `selectie select --format json`)"
        )
    return list(selected)
