"""Reference distributions to compare a selection with, such as the published Bijlage 4 tables.

>>> ref = load_reference("bijlage4")
>>> ref["regio"]["Limburg"], ref["theorie"]["borging"]
(1, 7)
"""

from __future__ import annotations

from pathlib import Path

from ._resources import data_file
from ._toml import read_toml
from .errors import InputError, Problem

__all__ = ["Reference", "load_reference"]

Reference = dict[str, dict[str, int]]

#: Named references bundled with selectie.
NAMED = {"bijlage4": "bijlage4_published.toml"}


def load_reference(source: str | Path) -> Reference:
    """Counts per attribute and value from a TOML file with a ``[counts.<attribute>]`` table
    per attribute, or a bundled name (``"bijlage4"``: the published tables of the report).

    >>> ref = load_reference("bijlage4")
    >>> sum(ref["regio"].values())  # the 13 projects of Tabel 1
    13
    """
    key = str(source).strip().lower()
    path = data_file(NAMED[key]) if key in NAMED else Path(source)
    data = read_toml(path, "reference", InputError)
    counts = data.get("counts")
    if not isinstance(counts, dict) or not counts:
        raise InputError(
            f"reference {str(path)!r} has no [counts.<attribute>] tables",
            hint="Write one table per attribute, e.g. [counts.regio] with value = count lines.",
        )
    problems = []
    out: Reference = {}
    for attr, table in counts.items():
        if not isinstance(table, dict):
            problems.append(Problem(file=str(path), message=f"counts.{attr} must be a table"))
            continue
        out[attr] = {}
        for value, n in table.items():
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                problems.append(
                    Problem(
                        file=str(path),
                        message=f"counts.{attr}.{value!r}",
                        expected="a whole number >= 0",
                        found=repr(n),
                    )
                )
                continue
            out[attr][value] = n
    if problems:
        raise InputError(f"reference {str(path)!r} is not valid", problems)
    return out
