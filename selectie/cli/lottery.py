"""`selectie lottery`: a fair lottery over the valid selections, and a seeded draw from it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._app import app
from ._common import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_OK,
    CodebookOpt,
    CoverOpt,
    ExcludeOpt,
    IncludeOpt,
    Inputs,
    MaxOpt,
    MinOpt,
    ObjectiveOpt,
    OutputOpt,
    OverlapOpt,
    PoolOpt,
    ScenarioOpt,
    SheetOpt,
    SizeOpt,
    Solver,
    SolverOpt,
    TimeLimitOpt,
    TimingsOpt,
    command,
    emit,
    fail,
    failure_exit,
    inputs_from,
    split_ids,
)

if TYPE_CHECKING:
    from ..lottery import Lottery

SORTITION = "Sortition files (instead of --pool/--codebook/--scenario)"
LOTTERY = "Lottery"


class Method(StrEnum):
    maximin = "maximin"
    leximin = "leximin"
    uniform_best = "uniform-best"


class LotteryFmt(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@app.command("lottery")
@command
def lottery_cmd(
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    people: Annotated[
        Path | None,
        typer.Option(
            "--people",
            metavar="FILE",
            help="People CSV of a sortition instance (one column per feature; an id column "
            "nationbuilder_id or id, else people are numbered 1..n). Needs --quotas and --size.",
            show_default=False,
            rich_help_panel=SORTITION,
        ),
    ] = None,
    quotas: Annotated[
        Path | None,
        typer.Option(
            "--quotas",
            metavar="FILE",
            help="Quotas CSV: feature,value,min,max[,min_flex,max_flex] (Sortition Foundation) "
            "or category,feature,min,max (replication material).",
            show_default=False,
            rich_help_panel=SORTITION,
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            metavar="NAME",
            help="The people file's id column. [default: nationbuilder_id or id]",
            show_default=False,
            rich_help_panel=SORTITION,
        ),
    ] = None,
    household: Annotated[
        list[str] | None,
        typer.Option(
            "--household",
            metavar="COLUMN",
            help="Address column (repeat, or separate by commas): at most one person per "
            "address is selected.",
            show_default=False,
            rich_help_panel=SORTITION,
        ),
    ] = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    method: Annotated[
        Method,
        typer.Option(
            "--method",
            help="maximin: the smallest probability as large as possible; leximin: then the "
            "next smallest, and so on; uniform-best: the --count best selections by the "
            "objective, each equally likely.",
            case_sensitive=False,
            rich_help_panel=LOTTERY,
        ),
    ] = Method.leximin,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            "-n",
            metavar="N",
            help="How many best selections for --method uniform-best.",
            show_default=False,
            rich_help_panel=LOTTERY,
        ),
    ] = None,
    seed: Annotated[
        str | None,
        typer.Option(
            "--seed",
            metavar="TEXT",
            help="Draw one selection with this seed (SHA-256 of the seed and the lottery's "
            "listing; anyone can redo it). [default: no draw]",
            show_default=False,
            rich_help_panel=LOTTERY,
        ),
    ] = None,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    fmt: Annotated[
        LotteryFmt,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = LotteryFmt.table,
    output: OutputOpt = None,
    timings: TimingsOpt = False,
) -> None:
    """A fair lottery over every selection that satisfies the scenario: each case's selection
    probability (and which cases can never be selected), the selections with their
    probabilities, and optionally one selection drawn with a seed.

    Input is a pool and a scenario, as for `select`, or a sortition instance (--people,
    --quotas, --size). Exit code 0: the lottery was computed and every selection in it
    re-checked (a drawn selection too); 1: no valid selection exists or the time limit came
    first; 2: bad input.

    Examples:

      selectie lottery --method maximin

      selectie lottery --people respondents.csv --quotas categories.csv --size 20 --seed 2024

      selectie lottery --method uniform-best --count 5 --objective max_overlap --format json
    """
    from ..lottery import fair_lottery, render_lottery

    if method == Method.uniform_best and count is None:
        fail("error: --method uniform-best needs --count N (how many best selections)")
    if method != Method.uniform_best and count is not None:
        fail(f"error: --count is only used with --method uniform-best, not {method.value}")
    if count is not None and count < 1:
        fail(f"error: --count {count}: give a whole number of 1 or more")
    if people is not None or quotas is not None:
        inputs = _sortition_inputs(
            people,
            quotas,
            pool=pool,
            codebook=codebook,
            scenario=scenario,
            sheet=sheet,
            id_column=id_column,
            household=household,
            size=size,
            include=include,
            exclude=exclude,
            changes={
                "--min": min_,
                "--max": max_,
                "--overlap": overlap,
                "--cover": cover,
                "--objective": objective,
            },
        )
    else:
        for flag, given in (("--id-column", id_column), ("--household", household)):
            if given:
                fail(f"error: {flag} is for sortition files; give --people and --quotas too")
        inputs = inputs_from(locals())
    if seed is not None and (not seed.strip() or "\n" in seed):
        fail(f"error: --seed {seed!r}: give a non-empty single line of text")
    if fmt == LotteryFmt.xlsx and output is None:
        fail("error: XLSX output is binary and cannot be printed; give --output FILE")
    lot = fair_lottery(
        inputs.pool,
        inputs.scenario,
        method=method.value.replace("-", "_"),
        k=count,
        solver=solver.value,
        time_limit=time_limit,
    )
    draw = lot.draw(seed) if seed is not None and lot.ok else None
    manifest = inputs.manifest(solver=solver.value, time_limit=time_limit)
    manifest["lottery"] = {"method": method.value, "count": count, "draw_seed": seed}
    code = _exit_code(lot, draw_ok=draw.ok if draw is not None else True)
    if lot.ok or fmt.value in ("table", "markdown", "json"):
        data = render_lottery(lot, fmt.value, draw=draw, manifest=manifest, timings=timings)
        emit(data, output, inputs.protect, fmt.value)
    raise typer.Exit(code)


def _sortition_inputs(
    people: Path | None,
    quotas: Path | None,
    *,
    pool: Path | None,
    codebook: Path | None,
    scenario: Path | None,
    sheet: str | None,
    id_column: str | None,
    household: list[str] | None,
    size: int | None,
    include: list[str] | None,
    exclude: list[str] | None,
    changes: dict[str, object],
) -> Inputs:
    """The pool and scenario of a sortition instance, with --include/--exclude applied."""
    from ..constraints import compile_scenario
    from ..errors import InputError, Problem
    from ..sortition import read_sortition

    if people is None or quotas is None:
        missing = "--people" if people is None else "--quotas"
        fail(f"error: a sortition instance needs both --people and --quotas ({missing} is missing)")
    given = [
        flag
        for flag, value in (
            ("--pool", pool),
            ("--codebook", codebook),
            ("--scenario", scenario),
            ("--sheet", sheet),
        )
        if value is not None
    ]
    given += [flag for flag, value in changes.items() if value]
    if given:
        fail(
            f"error: {', '.join(given)} cannot be combined with --people/--quotas; the quotas "
            "file is the scenario (edit it, or use --include/--exclude)",
            EXIT_BAD_INPUT,
        )
    if size is None:
        fail("error: a sortition instance needs --size (the panel size)")
    the_pool, sc = read_sortition(
        people,
        quotas,
        size=size,
        id_column=id_column,
        households=split_ids(household) if household else None,
    )
    inputs = Inputs(the_pool, sc, {"people": people, "quotas": quotas})
    inputs.changes.append(f"--size {size}")
    if household:
        inputs.changes.append(f"--household {','.join(split_ids(household))}")
    problems: list[Problem] = []
    for flag, values in (("--include", include), ("--exclude", exclude)):
        ids = split_ids(values)
        for case_id in ids:
            if not the_pool.contains(case_id):
                problems.append(Problem(message=f"{flag} {the_pool.unknown_id_message(case_id)}"))
        known = [the_pool.ids[the_pool.position(i)] for i in ids if the_pool.contains(i)]
        if known:
            sc = sc.with_include(*known) if flag == "--include" else sc.with_exclude(*known)
            inputs.changes.append(f"{flag} {','.join(known)}")
    if problems:
        raise InputError("the command-line changes to the scenario are not valid", problems)
    if sc.size > len(the_pool):
        raise InputError(
            f"size {sc.size} is larger than the pool ({len(the_pool)} people)",
            hint="Give a smaller --size, or a larger people file.",
        )
    compile_scenario(the_pool, sc)
    inputs.scenario = sc
    return inputs


def _exit_code(lot: Lottery, *, draw_ok: bool) -> int:
    """The exit code for a lottery's status, after saying why on standard error."""
    from ..solve.backend import Status

    if lot.ok:
        if not draw_ok:
            typer.echo("error: the drawn selection failed the re-check; it is not valid", err=True)
            return EXIT_ERROR
        if lot.status == Status.FEASIBLE:
            typer.echo(
                f"note: {lot.message or 'the time limit stopped the proof'}; every selection "
                "of the lottery is valid, but the distribution may not be the fairest",
                err=True,
            )
        return EXIT_OK
    return failure_exit(lot.status.value, lot.message, lot.reasons, "lottery")
