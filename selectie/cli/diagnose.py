"""Why not, what else, what if: `explain`, `alternatives`, `importance`, `replace`.

Each command takes the same inputs and scenario flags as `selectie select`, calls one public
function (:func:`selectie.explain`, :func:`selectie.alternatives`, :func:`selectie.importance`,
:func:`selectie.replace`) and writes its result in the chosen format. Long runs show a
progress bar on standard error when it is a terminal, and nothing when it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from ._explained import explain_infeasible, wants_explanation, with_explanation
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
    option,
)
from ._sortition import HouseholdOpt, IdColumnOpt, PeopleOpt, QuotasOpt, inputs_or_sortition
from ._whatif_render import render as _render

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
    option(
        "--count",
        "-n",
        metavar="N",
        help="List at most N selections. [default: 10, or 1000 with --within]",
        min=1,
    ),
]
WithinOpt = Annotated[
    float | None,
    option(
        "--within",
        metavar="D",
        help="Only selections at most D from the best on the objective's last stage "
        "(total for max_overlap, deviation, weight).",
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
    time_limit: TimeLimitOpt = None,
    seed: SeedOpt = 1,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """For each case: is it in every valid selection (irreplaceable), in none (impossible),
    and how much worse the best selection gets without it; with the reason when evident.

    --time-limit is for the whole run. What it leaves unproven is reported as not settled,
    never with a value, and a note on standard error says how many cases (exit code 0);
    when it comes before the best selection is proven, no case is weighed (exit code 1).

    Examples:

      selectie importance

      selectie importance --scenario bijlage4-exact --format csv -o importance.csv

      selectie importance --scenario bijlage4-exact --time-limit 5
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
            time_limit=time_limit,
        )
    if imp.cases and imp.message:  # what a time limit left (the result is written all the same)
        typer.echo(_("note: {why}").format(why=imp.message), err=True)
    _finish(imp, bool(imp.cases), "importance", inputs, solver.value, seed, fmt.value, output)


DropOpt = Annotated[
    list[str] | None,
    option(
        "--drop",
        "-d",
        metavar="ID",
        help="A selected case that dropped out (repeat, or separate ids by commas).",
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
    people: PeopleOpt = None,
    quotas: QuotasOpt = None,
    id_column: IdColumnOpt = None,
    household: HouseholdOpt = None,
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
    the remaining cases as possible, then is best for the objective, then breaks ties by
    pool order (see below).

    Ties: of the repairs equally good on both, the one whose cases have the smallest sum of
    pool positions (the pool's first row counts 1) is shown, so a one-for-one repair takes
    the earliest suitable case in the pool. The rule is deterministic (the same files give
    the same repair) but favours cases early in the pool file. The lottery's --reserve list
    ranks the same equally good replacements by the draw's seed instead (SHA-256 of the seed
    and each id), so that a person's place in the people file does not decide who is called.

    The selection is given as ids or --ids FILE (e.g. the JSON output of `selectie select`).
    A panel drawn by `selectie lottery` is repaired under its people and quotas files
    (--people, --quotas, --size).

    Examples:

      selectie replace --ids run.json --drop R05

      selectie replace R01 R02 R03 R04 R05 R06 R07 R08 R09 R10 R11 R12 R13 --drop R09
      --scenario bijlage4-exact

      selectie replace --people people.csv --quotas quotas.csv --size 20 --ids panel.csv
      --drop p17
    """
    from ..export import render_selection, selection_document
    from ..whatif import replace

    inputs = inputs_or_sortition(locals())
    chosen = read_ids(inputs.pool, ids, ids_file, command="replace")
    dropped = split_ids(drop)
    if not dropped:
        raise InputError(
            _("no case to drop was given"), hint=_("Name the cases that dropped out: --drop R05")
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
    if data and wants_explanation(rep.selection.status.value, fmt.value):
        # The scenario without the dropped cases (rep.selection's) is the one that fails.
        why = explain_infeasible(
            inputs.pool, rep.selection.scenario, solver=solver.value, seed=seed
        )
        data = with_explanation(data, fmt.value, why)
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
        # Without a result there are no rows (and Importance.to_records needs its cases).
        records = result.to_records() if ok and fmt != "json" else []
        data = _render(fmt, str(result), doc, records, sheet)
        if wants_explanation(result.status.value, fmt):
            why = explain_infeasible(inputs.pool, inputs.scenario, solver=solver, seed=seed)
            data = with_explanation(data, fmt, why)
        emit(data, output, inputs.protect, fmt)
    raise typer.Exit(_status_exit(ok, result.status.value, result.message, result.reasons))


def _writable(fmt: str, ok: bool) -> bool:
    """Whether to write the output: CSV, XLSX and LaTeX hold result rows, so without a
    result nothing is written (as for `selectie select`); the exit code says why.
    """
    return ok or fmt in ("table", "markdown", "json")


def _status_exit(ok: bool, status: str, message: str, reasons: Sequence[str]) -> int:
    return EXIT_OK if ok else failure_exit(status, message, reasons)
