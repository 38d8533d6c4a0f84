"""Why not, what else, what if: `explain`, `alternatives`, `importance`, `replace`.

Each command takes the same inputs and scenario flags as `selectie select`, calls one public
function (:func:`selectie.explain`, :func:`selectie.alternatives`, :func:`selectie.importance`,
:func:`selectie.replace`) and writes its result in the chosen format. Long runs show a
progress bar on standard error when it is a terminal, and nothing when it is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from ..errors import InputError
from ..i18n import N_, _
from ..progress import ProgressFn, progress_bar
from ._app import app
from ._common import (
    EXIT_NO_SELECTION,
    EXIT_OK,
    Inputs,
    command,
    emit,
    failure_exit,
    inputs_from,
    read_ids,
    selection_exit,
    split_ids,
)
from ._options import (
    CodebookOpt,
    CoverOpt,
    ExcludeOpt,
    Fmt,
    FormatOpt,
    IdsArg,
    IdsFileOpt,
    IncludeOpt,
    MaxOpt,
    MinOpt,
    ObjectiveOpt,
    OutputOpt,
    OverlapOpt,
    PoolOpt,
    ScenarioOpt,
    SeedOpt,
    SheetOpt,
    SizeOpt,
    Solver,
    SolverOpt,
    TimeLimitOpt,
)

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


#: The steps the what-if functions report to a progress bar (shown in the language in use).
STEPS = (
    N_("listing alternative selections"),
    N_("finding impossible cases"),
    N_("finding irreplaceable cases"),
    N_("replacement costs"),
)


def _in_language(progress: ProgressFn | None) -> ProgressFn | None:
    """``progress`` with each step's words in the language in use."""
    if progress is None:
        return None
    bar = progress

    def update(done: int, total: int | None, what: str) -> None:
        bar(done, total, _(what))

    return update


def _header(column: str) -> str:
    from ..whatif.text import part_name

    if column.startswith("loss_") and column not in HEADERS:
        return _("loss ({stage})").format(stage=part_name(column.removeprefix("loss_")))
    return _(HEADERS[column]) if column in HEADERS else part_name(column)


def _render(
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
        frame = frame.rename(columns=_header)
    if fmt == "markdown":
        head = f"**{text.splitlines()[0]}**\n\n"
        return head.encode() + (render_frame(frame, fmt) if records else b"")
    return render_frame(frame, fmt, sheet=_(SHEETS[sheet]) if sheet in SHEETS else sheet)


def _manifest(inputs: Inputs, solver: str, seed: int) -> dict[str, Any]:
    from ..solve.backend import get_backend

    return inputs.manifest(solver=solver, version=get_backend(solver).version(), seed=seed)


@app.command("explain")
@command
def explain_cmd(
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    time_limit: TimeLimitOpt = None,
    seed: SeedOpt = 1,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """Explain why a scenario is infeasible: quick checks, a minimal set of conflicting
    constraints (drop any one and the rest can be met), and the smallest relaxation.

    Exit code 1 when the scenario is infeasible (the explanation is printed), 0 when it is
    feasible (nothing to explain). --time-limit applies to each solver call.

    Examples:

      selectie explain --overlap 2 --cover all

      selectie explain --size 8 --format json -o why.json
    """
    from ..diagnose import explain

    inputs = inputs_from(locals())
    with progress_bar(_("explaining")) as progress:
        ex = explain(
            inputs.pool,
            inputs.scenario,
            solver=solver.value,
            time_limit=time_limit,
            seed=seed,
            progress=progress,
        )
    doc = ex.to_dict() | {"manifest": _manifest(inputs, solver.value, seed)}
    emit(
        _render(fmt.value, str(ex), doc, ex.to_records(), "explanation"),
        output,
        inputs.protect,
        fmt.value,
    )
    raise typer.Exit(EXIT_OK if ex.feasible else EXIT_NO_SELECTION)


CountOpt = Annotated[
    int | None,
    typer.Option(
        "--count",
        "-n",
        metavar="N",
        help="List at most N selections. [default: 10, or 1000 with --within]",
        show_default=False,
        min=1,
    ),
]
WithinOpt = Annotated[
    float | None,
    typer.Option(
        "--within",
        metavar="D",
        help="Only selections at most D from the best on the objective's last stage "
        "(total for max_overlap, deviation, weight).",
        show_default=False,
        min=0,
    ),
]


@app.command("alternatives")
@command
def alternatives_cmd(
    count: CountOpt = None,
    within: WithinOpt = None,
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    seed: SeedOpt = 1,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """List the best distinct selections, best first, with how each differs from the best
    and how often each case appears.

    Examples:

      selectie alternatives --count 20

      selectie alternatives --within 2 --format csv -o alternatives.csv
    """
    from ..whatif import alternatives

    inputs = inputs_from(locals())
    with progress_bar(_("listing alternative selections")) as progress:
        alts = alternatives(
            inputs.pool,
            inputs.scenario,
            count=count,
            within=within,
            solver=solver.value,
            seed=seed,
            progress=_in_language(progress),
        )
    _finish(alts, alts.ok, "alternatives", inputs, solver.value, seed, fmt.value, output)


@app.command("importance")
@command
def importance_cmd(
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    seed: SeedOpt = 1,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """For each case: is it in every valid selection (irreplaceable), in none (impossible),
    and how much worse the best selection gets without it; with the reason when evident.

    Examples:

      selectie importance

      selectie importance --scenario bijlage4-exact --format csv -o importance.csv
    """
    from ..whatif import importance

    inputs = inputs_from(locals())
    with progress_bar(_("weighing cases")) as progress:
        imp = importance(
            inputs.pool,
            inputs.scenario,
            solver=solver.value,
            seed=seed,
            progress=_in_language(progress),
        )
    _finish(imp, bool(imp.cases), "importance", inputs, solver.value, seed, fmt.value, output)


DropOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--drop",
        "-d",
        metavar="ID",
        help="A selected case that dropped out (repeat, or separate ids by commas).",
        show_default=False,
    ),
]


@app.command("replace")
@command
def replace_cmd(
    ids: IdsArg = None,
    drop: DropOpt = None,
    ids_file: IdsFileOpt = None,
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    seed: SeedOpt = 1,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """Repair a selection after cases drop out: the best selection that keeps as many of
    the remaining cases as possible, then is best for the objective.

    The selection is given as ids or --ids FILE (e.g. the JSON output of `selectie select`).

    Examples:

      selectie replace --ids run.json --drop R05

      selectie replace R01 R02 R03 R04 R05 R06 R07 R08 R09 R10 R11 R12 R13 --drop R09
      --scenario bijlage4-exact
    """
    from ..export import render_selection, selection_document
    from ..whatif import replace

    inputs = inputs_from(locals())
    chosen = read_ids(inputs.pool, ids, ids_file)
    dropped = split_ids(drop)
    if not dropped:
        raise InputError(
            "no case to drop was given", hint="Name the cases that dropped out: --drop R05"
        )
    with progress_bar(_("repairing the selection")) as progress:
        rep = replace(
            inputs.pool,
            inputs.scenario,
            chosen,
            dropped,
            solver=solver.value,
            seed=seed,
            progress=progress,
        )
    manifest = _manifest(inputs, solver.value, seed)
    protect = [*inputs.protect, *([ids_file] if ids_file else [])]
    code = selection_exit(rep.selection)
    if fmt.value == "json":
        doc = selection_document(rep.selection, manifest=manifest)
        change = {k: v for k, v in rep.to_dict().items() if k in _CHANGE_KEYS}
        data = _render("json", "", change | doc, [], "")
    elif rep.ok or fmt.value in ("table", "markdown"):
        data = render_selection(rep.selection, fmt.value, manifest=manifest)
        if fmt.value in ("table", "markdown"):
            head = rep.summary() if fmt.value == "table" else f"**{rep.summary()}**"
            data = (head + "\n\n").encode() + data
        else:
            typer.echo(rep.summary(), err=True)
    else:
        data = b""
    if data:
        emit(data, output, protect, fmt.value)
    raise typer.Exit(code)


_CHANGE_KEYS = ("summary", "dropped", "kept", "lost", "added")


def _finish(
    result: Any,
    ok: bool,
    sheet: str,
    inputs: Inputs,
    solver: str,
    seed: int,
    fmt: str,
    output: Path | None,
) -> NoReturn:
    """Write a what-if result (when :func:`_writable`) with its manifest, then exit with
    :func:`_status_exit`. ``result`` has ``to_dict``, ``to_records``, ``status``,
    ``message`` and ``reasons`` (Alternatives, Importance).
    """
    doc = result.to_dict() | {"manifest": _manifest(inputs, solver, seed)}
    if _writable(fmt, ok):
        emit(
            _render(fmt, str(result), doc, result.to_records(), sheet),
            output,
            inputs.protect,
            fmt,
        )
    raise typer.Exit(_status_exit(ok, result.status.value, result.message, result.reasons))


def _writable(fmt: str, ok: bool) -> bool:
    """Whether to write the output: CSV, XLSX and LaTeX hold result rows, so without a
    result nothing is written (as for `selectie select`); the exit code says why.
    """
    return ok or fmt in ("table", "markdown", "json")


def _status_exit(ok: bool, status: str, message: str, reasons: Sequence[str]) -> int:
    return EXIT_OK if ok else failure_exit(status, message, reasons)
