"""The one home of spreadsheet-unsafe cells: what a spreadsheet would run, and how selectie's
writers keep it from running.

A spreadsheet that opens a CSV file (or a Markdown or LaTeX table pasted into it) runs a cell
that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``: OWASP's "CSV injection"); a leading tab or carriage return hides such
a start. Every writer passes its text cells through :func:`neutralise_cell`:

- CSV, Markdown and LaTeX: the cell is written with a leading apostrophe, which a spreadsheet
  reads as "this is text" (and shows); selectie's own CSV reader takes it off again, so a file
  selectie wrote reads back as it was (:func:`restore_cell`);
- XLSX: the cell is written as a typed text cell with Excel's invisible quote prefix
  (:func:`is_formula_like` tells the writer which cells need it); no apostrophe is seen;
- JSON keeps every value exactly: it is data for programs, and a spreadsheet that imports
  JSON (Power Query) types its cells rather than evaluating them.

Plain numbers (``-3``, ``+31``, ``-2.5``) and a lone ``-`` or ``+`` are not formulas and are
left alone.
"""

from __future__ import annotations

import re

__all__ = ["is_formula_like", "markdown_cell", "neutralise_cell", "restore_cell"]

#: Characters that make a spreadsheet read a cell as a formula, or hide such a start.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?")


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would run ``text`` (or part of it) as a formula.

    >>> [is_formula_like(t) for t in ("=1+1", "@SUM(A1)", "+cmd", "-2+3", "\\t=x", " =x")]
    [True, True, True, True, True, True]
    >>> [is_formula_like(t) for t in ("Den Haag", "-3", "+31", "-", "1-2", "")]
    [False, False, False, False, False, False]
    """
    stripped = text.lstrip(" ")
    if not stripped.startswith(FORMULA_START):
        return False
    if stripped in ("-", "+"):
        return False
    return not _NUMBER.fullmatch(stripped)


def neutralise_cell(value: object) -> object:
    """``value`` as a cell a spreadsheet will not run: formula-like text gets a leading
    apostrophe; any other value is returned unchanged.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-3), neutralise_cell("-3"), neutralise_cell("Limburg")
    (-3, '-3', 'Limburg')
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given, from what it wrote (the reader's side).

    >>> restore_cell("'=1+1"), restore_cell("'t Hooft"), restore_cell("=1+1")
    ('=1+1', "'t Hooft", '=1+1')
    """
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def markdown_cell(value: object) -> object:
    """A Markdown table cell: neutralised, and with ``|`` escaped so that a cell cannot end
    its column early (which shifts every later cell of the row).

    >>> markdown_cell("a|b"), markdown_cell("=1+1")
    ('a\\\\|b', "'=1+1")
    """
    value = neutralise_cell(value)
    if isinstance(value, str):
        value = value.replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    return value
