"""Reference distributions to compare a selection with, such as the published Bijlage 4 tables.

>>> ref = load_reference("bijlage4")
>>> ref["regio"]["Limburg"], ref["theorie"]["borging"]
(1, 7)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._resources import data_file
from ._toml import read_toml
from .errors import InputError, Problem

__all__ = ["Reference", "load_reference", "reference_notes", "target_notes"]

Reference = dict[str, dict[str, int]]

#: Named references bundled with selectie: the tables of Bijlage 4, and the counts of §2.4
#: (which differ from Bijlage 4 on partners).
NAMED = {"bijlage4": "bijlage4_published.toml", "section2.4": "section24_published.toml"}


def _path(source: str | Path) -> Path:
    key = str(source).strip().lower()
    return data_file(NAMED[key]) if key in NAMED else Path(source)


def _bundled_note_texts() -> tuple[str, ...]:
    """The notes of the bundled references, marked for the message catalogue (the TOML files
    hold the same English text, which is the message id).
    """
    from .i18n import N_

    return (
        N_(
            "Bijlage 4 and §2.4 disagree on partners: Bijlage 4 gives 3 publiek / 10 "
            "publiek-privaat ('in drie projecten enkel met publieke partners ... in tien projecten "
            "een publiek-private samenwerking'), §2.4 gives 2 / 11 ('in twee projecten enkel met "
            "publieke partners ... in elf projecten een vorm van publiek-private samenwerking'). "
            "The bundled data follow Bijlage 4; compare with --reference section2.4."
        ),
        N_(
            "§2.4 and Bijlage 4 disagree on partners: §2.4 gives 2 publiek / 11 publiek-privaat "
            "('in twee projecten enkel met publieke partners ... in elf projecten een vorm van "
            "publiek-private samenwerking'), Bijlage 4 gives 3 / 10 ('in drie projecten enkel "
            "met publieke partners ... in tien projecten een publiek-private samenwerking'). The "
            "bundled data follow Bijlage 4; compare with --reference bijlage4."
        ),
    )


def reference_notes(source: str | Path) -> dict[str, str]:
    """Per attribute, the reference's note (``[meta.notes]``), e.g. where two published
    passages disagree.

    >>> notes = reference_notes("bijlage4")
    >>> list(notes), "§2.4 gives 2 / 11" in notes["partners"]
    (['partners'], True)
    >>> load_reference("bijlage4")["partners"] != load_reference("section2.4")["partners"]
    True
    """
    data = read_toml(_path(source), "reference", InputError)
    meta = data.get("meta")
    notes = meta.get("notes") if isinstance(meta, dict) else None
    if not isinstance(notes, dict):
        return {}
    from .i18n import _

    known = set(_bundled_note_texts())
    return {str(k): _(str(v)) if str(v) in known else str(v) for k, v in notes.items()}


def target_notes(scenario: Any) -> list[str]:
    """Notes of the bundled references whose counts a ``match_target`` scenario targets:
    for each attribute whose target equals a bundled reference's counts and that reference
    has a note for it (the partners of Bijlage 4 and §2.4).

    >>> from selectie import load_scenario
    >>> from selectie._resources import example_file
    >>> notes = target_notes(load_scenario(example_file("bijlage4-exact.toml")))
    >>> len(notes), notes[0].startswith("partners: Bijlage 4 and §2.4 disagree")
    (1, True)
    """
    objective = getattr(scenario, "objective", None)
    if objective is None or objective.kind != "match_target":
        return []
    out = []
    for name in NAMED:
        ref = load_reference(name)
        for attr, note in reference_notes(name).items():
            target = objective.target.get(attr)
            if target is None or attr not in ref:
                continue
            counts = {k: v for k, v in ref[attr].items() if v}
            if {k: v for k, v in target.items() if v} == counts:
                out.append(f"{attr}: {note}")
    return out


def load_reference(source: str | Path) -> Reference:
    """Counts per attribute and value from a TOML file with a ``[counts.<attribute>]`` table
    per attribute, or a bundled name (``"bijlage4"``: the published tables of Bijlage 4;
    ``"section2.4"``: the counts §2.4 gives, which differ on partners).

    >>> ref = load_reference("bijlage4")
    >>> sum(ref["regio"].values())  # the 13 projects of Tabel 1
    13
    """
    path = _path(source)
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
