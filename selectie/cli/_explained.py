"""An infeasible result carries its explanation into the output a script reads.

``select``, ``alternatives``, ``importance``, ``replace`` and ``lottery`` report a proved
infeasibility in their exit code (1) and on standard error. A user who pipes ``--format
json`` reads neither, so the JSON document gets an ``explanation`` key holding
:meth:`selectie.diagnose.Explanation.to_dict` (the quick checks, a minimal conflict and the
smallest relaxation), and Markdown the explanation after the result. CSV, XLSX and LaTeX
hold result rows: with no result nothing is written (as before) and the exit code says why;
``selectie explain --format csv`` gives the explanation's rows.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from ..i18n import _

if TYPE_CHECKING:
    from ..diagnose import Explanation
    from ..pool import Pool
    from ..scenario import Scenario

#: The formats whose output carries the explanation of an infeasible result.
EXPLAINED_FORMATS = ("json", "markdown")


def explain_infeasible(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str,
    time_limit: float | None = None,
    seed: int = 1,
) -> Explanation | None:
    """:func:`selectie.diagnose.explain` for a scenario already proved infeasible; None,
    with a note on standard error, when the explanation itself cannot be had (a solver
    fault or a time limit): the result's own status and exit code stand either way.
    """
    from ..diagnose import explain
    from ..errors import SelectieError

    try:
        return explain(pool, scenario, solver=solver, time_limit=time_limit, seed=seed)
    except SelectieError as exc:
        typer.echo(
            _("note: the infeasibility could not be explained ({error})").format(error=exc),
            err=True,
        )
        return None


def wants_explanation(status: str, fmt: str) -> bool:
    """Whether an output in ``fmt`` of a result with ``status`` should carry an explanation.

    >>> wants_explanation("infeasible", "json"), wants_explanation("no_solution", "json")
    (True, False)
    >>> wants_explanation("infeasible", "csv")
    False
    """
    return status == "infeasible" and fmt in EXPLAINED_FORMATS


def with_explanation(data: bytes, fmt: str, explanation: Explanation | None) -> bytes:
    """``data`` (a command's output in ``fmt``) with ``explanation`` added: JSON under the
    key ``explanation`` (null when it could not be had), Markdown as a section after the
    result; other formats unchanged.
    """
    if fmt == "json":
        doc = json.loads(data)
        doc["explanation"] = explanation.to_dict() if explanation is not None else None
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "markdown" and explanation is not None:
        from ._whatif_render import render_explanation

        section = render_explanation(explanation, "markdown")
        return data.rstrip(b"\n") + b"\n\n" + section
    return data
