"""How the what-if commands write their result rows: the column headers and values a person
reads (Markdown, XLSX, LaTeX; CSV and JSON keep the ids) and the one renderer, shared by
`explain`, `alternatives`, `importance`, `replace`, `fidelity` and the explanation that an
infeasible result carries (:mod:`selectie.cli._explained`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _

if TYPE_CHECKING:
    from ..diagnose import Explanation

#: Column headers of the result rows as a person reads them (Markdown, XLSX, LaTeX), by
#: column id; CSV and JSON keep the ids, which readers and scripts depend on.
HEADERS = {
    "part": N_("part"),
    "name": N_("name"),
    "origin": N_("origin"),
    "text": N_("text"),
    "new": N_("new"),
    "cost": N_("cost"),
    "rank": N_("rank"),
    "added": N_("added"),
    "removed": N_("removed"),
    "changes": N_("changes"),
    "selected": N_("selected"),
    "verdict": N_("verdict"),
    "irreplaceable": N_("irreplaceable"),
    "impossible": N_("impossible"),
    "replaced_by": N_("replaced by"),
    "reason": N_("reason"),
    "label": N_("label"),
    "forced": N_("forced"),
    "forced_among_documented": N_("forced among documented"),
    "swaps": N_("swaps"),
    "documented_swaps": N_("documented swaps"),
    "share_of_documented_selections": N_("share of documented selections"),
    "documented_replacements": N_("documented replacements"),
    "coding": N_("coding"),
    "scenario_uses_attribute": N_("scenario uses it"),
    "report_selection_passes": N_("report's selection passes"),
    "selection_passes": N_("selection passes"),
    "flips": N_("constraints that flip"),
    "tables_no_longer_matched": N_("published tables no longer matched"),
    "evidence": N_("evidence"),
}
#: Values of identifier columns translated in the formats a person reads.
VALUES = {
    "part": {
        "quick check": N_("quick check"),
        "conflict": N_("conflict"),
        "relaxation": N_("relaxation"),
    }
}
#: Sheet names of the XLSX output, by command.
SHEETS = {
    "explanation": N_("explanation"),
    "alternatives": N_("alternatives"),
    "importance": N_("importance"),
    "freedom": N_("freedom"),
    "sensitivity": N_("sensitivity"),
}


def header(column: str) -> str:
    from ..whatif.text import part_name

    if column.startswith("loss_") and column not in HEADERS:
        return _("loss ({stage})").format(stage=part_name(column.removeprefix("loss_")))
    return _(HEADERS[column]) if column in HEADERS else part_name(column)


def render(
    fmt: str,
    text: str,
    document: Mapping[str, Any],
    records: list[dict[str, Any]],
    sheet: str,
) -> bytes:
    """``table``: the text; ``markdown``: its first line in bold, then the rows as a table;
    ``json``: the document; ``csv``, ``xlsx``, ``latex``: the rows. Markdown, XLSX and LaTeX
    show the column headers (and the ``part`` values) in the language in use; CSV keeps the
    column ids.
    """
    if fmt == "table":
        return (text.rstrip("\n") + "\n").encode()
    if fmt == "json":
        import json

        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    import pandas as pd

    from ..export import render_frame

    frame = pd.DataFrame(records)
    if fmt != "csv":
        for col, words in VALUES.items():
            if col in frame.columns:
                frame[col] = [_(words[v]) if v in words else v for v in frame[col]]
        frame = frame.rename(columns=header)
    if fmt == "markdown":
        head = f"**{text.splitlines()[0]}**\n\n"
        return head.encode() + (render_frame(frame, fmt) if records else b"")
    return render_frame(frame, fmt, sheet=_(SHEETS[sheet]) if sheet in SHEETS else sheet)


def render_explanation(explanation: Explanation, fmt: str) -> bytes:
    """An explanation in ``fmt``, as `selectie explain` writes it (without its manifest)."""
    return render(
        fmt, str(explanation), explanation.to_dict(), explanation.to_records(), "explanation"
    )
