"""CSV dialects: the standard one, and the one a double-click opens in a Dutch Excel.

selectie writes standard CSV (comma, UTF-8 without BOM, decimal point, LF line ends), which
every program reads. A Dutch Excel (list separator ``;``, decimal separator ``,``) opens such
a file as one column, and without a byte-order mark it reads UTF-8 as Windows-1252
(``Fryslân`` becomes ``FryslÃ¢n``). The ``excel-nl`` dialect is what a double-click needs:

- ``;`` between cells,
- UTF-8 with a byte-order mark,
- a decimal comma in numbers (``950,5``),
- CRLF line ends.

Any standard CSV that selectie renders can be turned into it with :func:`to_dialect`, so every
command (and the lottery's files) writes both through one function.

>>> data = to_dialect("id,name,budget\\nG01,Fryslân,950.5\\n", "excel-nl")
>>> data[:3] == "\\ufeff".encode()
True
>>> data.decode("utf-8-sig")
'id;name;budget\\r\\nG01;Fryslân;950,5\\r\\n'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

__all__ = ["CSV_DIALECTS", "CsvDialect", "to_dialect", "write_csv"]

CsvDialect = Literal["standard", "excel-nl"]
#: The dialects, the default first.
CSV_DIALECTS: tuple[str, ...] = ("standard", "excel-nl")

_DECIMAL = re.compile(r"^-?\d+\.\d+$")


#: Other names accepted for a dialect (``excel``: the comma dialect, as the lottery's
#: hand-over files call it).
ALIASES = {"excel": "standard"}


def check_dialect(dialect: str) -> CsvDialect:
    """``dialect`` if it is one of :data:`CSV_DIALECTS` (or an alias), else ``ValueError``.

    >>> check_dialect("excel-nl"), check_dialect("excel")
    ('excel-nl', 'standard')
    """
    dialect = ALIASES.get(dialect, dialect)
    if dialect not in CSV_DIALECTS:
        raise ValueError(
            f"unknown CSV dialect {dialect!r}: choose one of {', '.join(CSV_DIALECTS)}"
        )
    return dialect  # type: ignore[return-value]


def _nl_cell(cell: str) -> str:
    return cell.replace(".", ",") if _DECIMAL.match(cell) else cell


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: str = "standard"
) -> bytes:
    """A header and rows as CSV bytes in ``dialect`` (cells are written as ``str``; None is
    empty).

    >>> write_csv(["a", "b"], [[1, 2.5]], "excel-nl")
    b'\\xef\\xbb\\xbfa;b\\r\\n1;2,5\\r\\n'
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return to_dialect(buf.getvalue(), dialect)


def to_dialect(text: str, dialect: str = "standard") -> bytes:
    """Standard CSV text (comma, decimal point) as bytes in ``dialect``. The standard dialect
    is the text as UTF-8; ``excel-nl`` re-writes every record (quoting is kept right: a cell
    holding ``;`` is quoted), turns plain decimals into decimal commas, and adds the BOM and
    CRLF line ends.
    """
    dialect = check_dialect(dialect)
    if dialect == "standard":
        return text.encode("utf-8")
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for record in csv.reader(io.StringIO(text)):
        w.writerow([_nl_cell(c) for c in record])
    return out.getvalue().encode("utf-8-sig")
