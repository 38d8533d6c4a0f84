"""Workbooks a researcher can hand on: typed cells, a bold frozen header, filters, fitted
columns, and the same bytes for the same content (written with XlsxWriter).

Every sheet is a header and rows. Cells keep their type: numbers are numeric cells, booleans
boolean cells, text is always a typed string (never read as a formula, a number or a link);
text that a spreadsheet would take for a formula is marked with Excel's quote prefix, the
invisible form of the leading apostrophe, as the neutralising function decides.

>>> data = workbook([Sheet("data", ["id", "n", "ok"], [["a", 1, True], ["=1+1", 2.5, False]])])
>>> data[:2]
b'PK'
>>> data == workbook([Sheet("data", ["id", "n", "ok"], [["a", 1, True], ["=1+1", 2.5, False]])])
True
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._safe import is_formula_like

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Sheet", "frame_sheet", "number_or_text", "sheet_name", "workbook"]

#: The creation date stamped in every workbook, so the bytes do not depend on the day.
FIXED_DATE = datetime.datetime(2000, 1, 1, 0, 0, 0)  # noqa: DTZ001 - XLSX stores local times
#: Widest column, in characters.
MAX_WIDTH = 60
#: Widest column of a sheet whose text wraps (:attr:`Sheet.wrap`), in characters.
WRAPPED_WIDTH = 72
#: The height of one line of wrapped text, in points (Calibri 11, Excel's default).
LINE_HEIGHT = 15

_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a name (at most 31 characters), a header row and data rows."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    #: Columns (by header) whose numeric-looking text stays text (ids, codes).
    text_columns: frozenset[str] = field(default_factory=frozenset)
    #: Wrap long text within columns up to :data:`WRAPPED_WIDTH` wide (a sheet of sentences).
    wrap: bool = False


def sheet_name(name: str) -> str:
    """A valid worksheet name: no ``[]:*?/\\``, at most 31 characters.

    >>> sheet_name("a/b: c")
    'a_b_ c'
    """
    bad = set("[]:*?/\\")
    return "".join("_" if ch in bad else ch for ch in name)[:31].strip("'") or "sheet"


def number_or_text(text: str) -> int | float | str:
    """Text that is a plain number (``12``, ``-3.5``) as that number; anything else as is.

    >>> number_or_text("1200"), number_or_text("950.5"), number_or_text("007"), number_or_text("€5")
    (1200, 950.5, '007', '€5')
    """
    if not _NUMBER.match(text):
        return text
    return int(text) if "." not in text else float(text)


def neutral_text(text: str) -> tuple[str, bool]:
    """A text cell through the one neutralising function for spreadsheet-unsafe cells:
    the text to write and whether to mark it with the (invisible) quote prefix.

    >>> neutral_text("=SUM(A1)"), neutral_text("Den Haag")
    (('=SUM(A1)', True), ('Den Haag', False))
    """
    # The one home of spreadsheet-unsafe cells (selectie._safe) decides which text a
    # spreadsheet would run; in a workbook the text is kept as typed and the cell gets the
    # quote prefix instead of a visible apostrophe.
    return text, is_formula_like(text)


def frame_sheet(name: str, frame: pd.DataFrame, *, index: bool = False) -> Sheet:
    """A DataFrame as a sheet (list cells joined with ``|``; missing values empty)."""
    shown = frame.reset_index() if index else frame
    header = [str(c) for c in shown.columns]
    rows = [[_plain(v) for v in row] for row in shown.astype(object).itertuples(index=False)]
    return Sheet(name, header, rows)


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, list | tuple | frozenset | set):
        return "|".join(map(str, v))
    if isinstance(v, bool | int | float | str):
        return v
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return str(v)


def workbook(sheets: Iterable[Sheet], *, properties: Mapping[str, str] | None = None) -> bytes:
    """The sheets as an XLSX workbook (bytes), deterministic for the same content."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,  # fixed timestamps inside the zip
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    wb.set_properties({"created": FIXED_DATE, **(properties or {})})
    bold = wb.add_format({"bold": True, "bottom": 1})
    bold_quoted = wb.add_format({"bold": True, "bottom": 1, "quote_prefix": True})
    quoted = wb.add_format({"quote_prefix": True})
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    used: set[str] = set()
    for sheet in sheets:
        name = sheet_name(sheet.name)
        base, n = name, 2
        while name.casefold() in used:
            name = f"{base[:28]}_{n}"
            n += 1
        used.add(name.casefold())
        ws = wb.add_worksheet(name)
        widths = [len(str(h)) for h in sheet.header]
        for c, h in enumerate(sheet.header):
            ws.write_string(0, c, *_text_args(str(h), bold, bold_quoted))
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                shown = _write(ws, r, c, value, quoted)
                if c < len(widths):
                    widths[c] = max(widths[c], shown)
                else:
                    widths.append(shown)
        for c, w in enumerate(widths):
            if sheet.wrap:
                ws.set_column(c, c, min(WRAPPED_WIDTH, w + 2), wrapped)
            else:
                ws.set_column(c, c, min(MAX_WIDTH, w + 2))
        if sheet.wrap:  # spreadsheets do not fit a row to wrapped text: give the height
            for r, row in enumerate(sheet.rows, start=1):
                lines = max(
                    (
                        _wrapped_lines(v, min(WRAPPED_WIDTH, w + 2) - 2)
                        for v, w in zip(row, widths, strict=False)
                    ),
                    default=1,
                )
                if lines > 1:
                    ws.set_row(r, LINE_HEIGHT * lines)
        ws.freeze_panes(1, 0)
        if sheet.header:
            ws.autofilter(0, 0, max(1, len(sheet.rows)), len(sheet.header) - 1)
    wb.close()
    return buf.getvalue()


def _wrapped_lines(value: Any, width: int) -> int:
    """How many lines ``value`` takes wrapped at ``width`` characters (by words).

    >>> _wrapped_lines("one two three", 7), _wrapped_lines("one", 7), _wrapped_lines(3, 7)
    (2, 1, 1)
    """
    import textwrap

    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, len(textwrap.wrap(part, max(1, width)))) for part in value.splitlines())


def _text_args(text: str, plain: Any, quoted: Any) -> tuple[str, Any]:
    value, mark = neutral_text(text)
    return value, (quoted if mark else plain)


def _write(ws: Any, r: int, c: int, value: Any, quoted: Any) -> int:
    """Write one typed cell; return its width in characters."""
    if value is None or (isinstance(value, str) and not value):
        return 0
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
        return 5
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            ws.write_string(r, c, str(value))
        else:
            ws.write_number(r, c, value)
        return len(f"{value:g}") if isinstance(value, float) else len(str(value))
    text = str(value)
    shown, mark = neutral_text(text)
    if mark:
        ws.write_string(r, c, shown, quoted)
    else:
        ws.write_string(r, c, shown)
    return max((len(line) for line in text.splitlines()), default=0)
