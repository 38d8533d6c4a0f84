"""The core commands: select, check, tables, validate."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _
from ..progress import spinner
from ._app import app
from ._common import (
    EXIT_NO_SELECTION,
    EXIT_OK,
    Inputs,
    command,
    emit,
    inputs_from,
    read_ids,
    selection_exit,
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
    PlotOpt,
    PoolOpt,
    ReferenceOpt,
    ScenarioOpt,
    SeedOpt,
    SheetOpt,
    SizeOpt,
    Solver,
    SolverOpt,
    TimeLimitOpt,
    TimingsOpt,
)

if TYPE_CHECKING:
    from ..result import Selection


@app.command("select")
@command
def select_cmd(
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
    reference: ReferenceOpt = None,
    plot: PlotOpt = None,
    timings: TimingsOpt = False,
) -> None:
    """Choose the best selection for a scenario, re-check it, and print it with its tables.

    Without options: the Bijlage 4 scenario on the bundled 126 projects. Flags change the
    scenario for this run only; `selectie scenario show` with the same flags prints the result.

    Examples:

      selectie select

      selectie select --size 15 --overlap 2 --include R07 --format json -o run.json

      selectie select --min "geografisch_niveau=landelijk:2" --exclude S010,S038
    """
    from ..engine import select
    from ..export import render_selection

    inputs = inputs_from(locals())
    ref = _reference(reference)
    with spinner(_("solving")) if plot is not None else contextlib.nullcontext():
        result = select(
            inputs.pool, inputs.scenario, solver=solver.value, time_limit=time_limit, seed=seed
        )
    manifest = inputs.manifest(
        solver=result.solver.name if result.solver else solver.value,
        version=result.solver.version if result.solver else None,
        seed=seed,
        time_limit=time_limit,
    )
    code = selection_exit(result)
    if result.ok or fmt.value in ("table", "markdown", "json"):
        data = render_selection(
            result, fmt.value, reference=ref, manifest=manifest, timings=timings
        )
        data = _with_notes(
            _with_relation(data, result, fmt.value), _notes(ref, inputs.scenario), fmt.value
        )
        if wants_explanation(result.status.value, fmt.value):
            why = explain_infeasible(
                inputs.pool, inputs.scenario, solver=solver.value, time_limit=time_limit, seed=seed
            )
            data = with_explanation(data, fmt.value, why)
        emit(data, output, inputs.protect, fmt.value)
    if plot is not None and result.ok:
        from ..plot import plot_coverage, save_figure

        with spinner(_("drawing {file}").format(file=plot)):
            save_figure(plot_coverage(result), plot, protect=[*inputs.protect, output])
    if result.status.value == "infeasible":
        typer.echo(_("to see why, and the smallest change that helps, run:"), err=True)
        typer.echo("  " + explain_command(inputs, sheet), err=True)
    raise typer.Exit(code)


def _with_relation(data: bytes, result: Selection, fmt: str) -> bytes:
    """``data`` with the selection's relation to the report's 13 (issue 13): after the text
    for table and Markdown, as ``relation_to_report`` in JSON; other formats unchanged.
    """
    from ..freedom import relation_to_report

    rel = relation_to_report(result)
    if rel is None or fmt not in ("table", "markdown", "json"):
        return data
    if fmt == "json":
        import json

        doc = json.loads(data)
        doc["relation_to_report"] = rel.to_dict()
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    return data.rstrip(b"\n") + b"\n\n" + rel.text().encode()


def _notes(reference: str | None, scenario: object) -> list[str]:
    """Notes on the published counts used: of the reference (``--reference``/``--published``)
    and of the bundled references a match_target scenario targets (e.g. §2.4 vs Bijlage 4
    on partners).
    """
    from ..published import reference_notes, target_notes

    notes = [f"{a}: {n}" for a, n in reference_notes(reference).items()] if reference else []
    return list(dict.fromkeys([*notes, *(target_notes(scenario) if scenario else [])]))


def _with_notes(data: bytes, notes: list[str], fmt: str) -> bytes:
    """``data`` with the notes after the text (table, Markdown); other formats unchanged,
    the notes then go to standard error.
    """
    if not notes:
        return data
    if fmt in ("table", "markdown"):
        text = "\n".join(_("Note on {note}").format(note=n) for n in notes)
        return data.rstrip(b"\n") + b"\n\n" + text.encode() + b"\n"
    for n in notes:
        typer.echo(_("Note on {note}").format(note=n), err=True)
    return data


def explain_command(inputs: Inputs, sheet: str | None = None) -> str:
    """The `selectie explain ...` line for the same pool, codebook, scenario and changes.

    >>> from selectie.cli._common import inputs_from
    >>> explain_command(inputs_from({"pool": None, "codebook": None, "scenario": None, "size": 5}))
    'selectie explain --size 5'
    """
    import shlex

    parts = ["selectie", "explain"]
    for role in ("pool", "codebook", "scenario"):
        path = inputs.files.get(role)
        if path is not None:
            name = inputs.bundled.get(role, str(path))
            parts += [f"--{role}", shlex.quote(name)]
    if sheet is not None:
        parts += ["--sheet", shlex.quote(sheet)]
    for change in inputs.changes:
        flag, _sep, value = change.partition(" ")
        parts += [flag, shlex.quote(value)] if value else [flag]
    return " ".join(parts)


def _reference(reference: str | None) -> str | None:
    """The reference to compare tables with, checked early so a bad one fails before a solve."""
    if reference is None:
        return None
    from ..published import load_reference

    load_reference(reference)
    return reference


@app.command("check")
@command
def check_cmd(
    ids: IdsArg = None,
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
    failures_only: Annotated[
        bool,
        typer.Option(
            "--failures-only",
            help=N_("List only the constraints the selection misses (the summary stays)."),
        ),
    ] = False,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """Audit a given selection against a scenario, constraint by constraint.

    Exit code 0 if every constraint is satisfied, 1 if some are missed (they are listed).

    Examples:

      selectie check R01 R02 R03 R04 R05 R06 R07 R08 R09 R10 R11 R12 R13

      selectie check --ids run.json --overlap 2 --failures-only
    """
    from ..engine import audit
    from ..export import render_audit

    inputs = inputs_from(locals())
    chosen = read_ids(inputs.pool, ids, ids_file)
    result = audit(inputs.pool, inputs.scenario, chosen)
    positions = sorted(inputs.pool.position(i) for i in chosen)
    protect = [*inputs.protect, *([ids_file] if ids_file else [])]
    emit(
        render_audit(
            result,
            inputs.pool,
            positions,
            fmt.value,
            manifest=inputs.manifest(),
            failures_only=failures_only,
        ),
        output,
        protect,
        fmt.value,
    )
    if not result.ok:
        typer.echo(
            _("the selection misses {bad} of {n} constraints").format(
                bad=len(result.failures), n=len(result.checks)
            ),
            err=True,
        )
    raise typer.Exit(EXIT_OK if result.ok else EXIT_NO_SELECTION)


@app.command("tables")
@command
def tables_cmd(
    ids: IdsArg = None,
    ids_file: IdsFileOpt = None,
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    sheet: SheetOpt = None,
    reference: ReferenceOpt = None,
    published: Annotated[
        bool,
        typer.Option("--published", help="Show the published Bijlage 4 counts beside the tables."),
    ] = False,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """The distribution tables (Bijlage 4) of a selection, beside the pool's counts and,
    optionally, the published ones.

    Examples:

      selectie tables R01 R02 R03 R04 R05 R06 R07 R08 R09 R10 R11 R12 R13 --published

      selectie tables --ids run.json --format latex -o tables.tex
    """
    from ..export import render_tables
    from ..pool import load_pool
    from ..report import tables

    if published and reference is not None:
        raise _usage("give --published or --reference, not both")
    the_pool = load_pool(pool, codebook, sheet=sheet)
    chosen = read_ids(the_pool, ids, ids_file)
    ref = _reference("bijlage4" if published else reference)
    ts = tables(the_pool, chosen, reference=ref)
    protect = [p for p in (pool, codebook, ids_file) if p is not None]
    data = _with_notes(render_tables(ts, fmt.value), _notes(ref, None), fmt.value)
    emit(data, output, protect, fmt.value)
    if plot is not None:
        from ..plot import plot_distribution, save_figure

        with spinner(_("drawing {file}").format(file=plot)):
            save_figure(plot_distribution(ts), plot, protect=[*protect, output])
    raise typer.Exit(EXIT_OK)


def _usage(message: str) -> Exception:
    from ..errors import InputError

    return InputError(message)


@app.command("validate")
@command
def validate_cmd(
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Validate a pool against its codebook (and a scenario against both) and report every
    problem: file, row, column, what was expected and what was found.

    Exit code 0 if everything is valid, 2 otherwise.

    Examples:

      selectie validate --pool my_pool.csv --codebook my_codebook.toml
    """
    from ..constraints import compile_scenario
    from ..pool import load_pool
    from ..scenario import load_scenario

    the_pool = load_pool(pool, codebook, sheet=sheet)
    cb = the_pool.codebook
    where = str(pool) if pool is not None else "the bundled pool"
    typer.echo(
        f"{where}: {len(the_pool)} cases, {len(cb.attributes)} attributes "
        f"(codebook {cb.name!r}): valid"
    )
    for attr in cb.attributes:
        unknown = the_pool.unknown_count(attr.name)
        if unknown:
            typer.echo(f"  note: {attr.name}: {unknown} cases with an unknown value")
    if scenario is not None or pool is None:
        sc = load_scenario(scenario)
        compiled = compile_scenario(the_pool, sc)
        label = str(scenario) if scenario is not None else "the bundled scenario"
        typer.echo(f"{label}: {len(compiled.constraints)} constraints on this pool: valid")
    raise typer.Exit(EXIT_OK)
