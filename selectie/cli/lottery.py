"""`selectie lottery`: a fair lottery over the valid selections, and a seeded draw from it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import N_, _, ngettext
from ._app import app
from ._common import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_NO_SELECTION,
    EXIT_OK,
    Inputs,
    check_outputs,
    command,
    emit_all,
    fail,
    failure_exit,
    inputs_from,
    split_ids,
    with_ids,
)
from ._explained import (
    EXPLAINED_FORMATS,
    explain_infeasible,
    wants_explanation,
    with_explanation,
)
from ._options import (
    CodebookOpt,
    CoverOpt,
    ExcludeOpt,
    IncludeOpt,
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
    option,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..lottery import Lottery
    from ..lottery.uniform import UniformLottery

SORTITION = "Sortition files (instead of --pool/--codebook/--scenario)"
LOTTERY = "Lottery"


class Method(StrEnum):
    """The lottery methods --method accepts."""

    maximin = "maximin"
    leximin = "leximin"
    uniform_best = "uniform-best"
    nash = "nash"


HANDOVER = "Files to hand on (sortition files)"


class LotteryFmt(StrEnum):
    """The output formats of the lottery command."""

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
        option(
            "--people",
            metavar="FILE",
            help="People file of a sortition instance, CSV or XLSX (one column per feature; an "
            "id column nationbuilder_id or id, else people are numbered 1..n; a name column, see "
            "--name-column). Needs --quotas and --size.",
            panel=SORTITION,
        ),
    ] = None,
    quotas: Annotated[
        Path | None,
        option(
            "--quotas",
            metavar="FILE",
            help="Quotas file, CSV or XLSX: feature,value,min,max[,min_flex,max_flex] (Sortition "
            "Foundation) or category,feature,min,max (replication material).",
            panel=SORTITION,
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        option(
            "--id-column",
            metavar="NAME",
            help="The people file's id column. [default: nationbuilder_id or id]",
            panel=SORTITION,
        ),
    ] = None,
    name_column: Annotated[
        str | None,
        option(
            "--name-column",
            metavar="NAME",
            help="The people file's name column, shown beside the ids in the probabilities. "
            "[default: name, full name, full_name, fullname, naam or display name; without "
            "one the probabilities have no name column]",
            panel=SORTITION,
        ),
    ] = None,
    household: Annotated[
        list[str] | None,
        option(
            "--household",
            metavar="COLUMN",
            help="Address column (repeat, or separate by commas): at most one person per "
            "address is selected.",
            panel=SORTITION,
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
            "next smallest, and so on; nash: the product of the probabilities as large as "
            "possible; uniform-best: the --count best selections by the objective, each "
            "equally likely.",
            case_sensitive=False,
            rich_help_panel=LOTTERY,
        ),
    ] = Method.leximin,
    count: Annotated[
        int | None,
        option(
            "--count",
            "-n",
            metavar="N",
            help="How many best selections for --method uniform-best.",
            panel=LOTTERY,
        ),
    ] = None,
    seed: Annotated[
        str | None,
        option(
            "--seed",
            metavar="TEXT",
            help="Draw one selection with this seed (SHA-256 of the seed and the lottery's "
            "listing; anyone can redo it). [default: no draw]",
            panel=LOTTERY,
        ),
    ] = None,
    uniform: Annotated[
        int | None,
        option(
            "--uniform",
            metavar="M",
            help="Round the lottery to a uniform lottery over M numbered panels (Flanigan, "
            "Kehne & Procaccia 2021): each panel has probability 1/M; reports how far each "
            "probability moved, against selectie's proven bound (k + 2) / M and, beside it, "
            "the paper's bound for its own roundings. At most 100000 panels (time and "
            "memory grow with M).",
            panel=LOTTERY,
        ),
    ] = None,
    draw_sheet: Annotated[
        Path | None,
        option(
            "--draw-sheet",
            metavar="FILE",
            help="With --uniform: write the printable draw sheet (the M panels by number; "
            "Markdown for .md, else text).",
            panel=LOTTERY,
        ),
    ] = None,
    selected: Annotated[
        Path | None,
        option(
            "--selected",
            metavar="FILE",
            help="Write the drawn panel: every column of the people file and each person's "
            "probability (CSV, or XLSX for .xlsx). Draws with a new seed if --seed is not given.",
            panel=HANDOVER,
        ),
    ] = None,
    remaining: Annotated[
        Path | None,
        option(
            "--remaining",
            metavar="FILE",
            help="Write everyone not drawn, with every column of the people file (CSV/XLSX).",
            panel=HANDOVER,
        ),
    ] = None,
    quota_file: Annotated[
        Path | None,
        option(
            "--quota-table",
            metavar="FILE",
            help="Write the drawn panel's quota table: selected against min and max for every "
            "row of the quotas file (CSV/XLSX). The table is printed with --format table too.",
            panel=HANDOVER,
        ),
    ] = None,
    reserve: Annotated[
        Path | None,
        option(
            "--reserve",
            metavar="FILE",
            help="Write the reserve list: for each panel member, up to 3 people to call in "
            "that order if they drop out, each keeping every quota (as `selectie replace`; "
            "first reserves differ between members where possible; ties between equally good "
            "reserves broken by the draw's seed, not by file order; CSV/XLSX).",
            panel=HANDOVER,
        ),
    ] = None,
    accept_unproven: Annotated[
        bool,
        option(
            "--accept-unproven",
            help="Draw and write the hand-over files from a lottery that is not proven (the "
            "time limit stopped the proof, or left people out whose selectability is not "
            "known); the files say so. Without it such a lottery draws nothing and writes "
            "nothing (exit 1).",
            panel=LOTTERY,
        ),
    ] = False,
    solver: SolverOpt = Solver.default,
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
    first (also when a draw, --draw-sheet or a hand-over file is asked of a lottery the time
    limit left unproven: nothing is drawn or written, unless --accept-unproven); 2: bad
    input; 3: a solver fault, or a selection that failed the re-check (nothing is written).

    Examples:

      selectie lottery --method maximin

      selectie lottery --people respondents.csv --quotas categories.csv --size 20 --seed 2024

      selectie lottery --method uniform-best --count 5 --objective max_overlap --format json
    """
    from ..lottery import fair_lottery, render_lottery

    if method == Method.uniform_best and count is None:
        fail(_("error: --method uniform-best needs --count N (how many best selections)"))
    if method != Method.uniform_best and count is not None:
        fail(
            _("error: --count is only used with --method uniform-best, not {method}").format(
                method=method.value
            )
        )
    if count is not None and count < 1:
        fail(_("error: --count {count}: give a whole number of 1 or more").format(count=count))
    if people is not None or quotas is not None:
        inputs = _sortition_inputs(
            people,
            quotas,
            pool=pool,
            codebook=codebook,
            scenario=scenario,
            sheet=sheet,
            id_column=id_column,
            name_column=name_column,
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
        for flag, given in (
            ("--id-column", id_column),
            ("--name-column", name_column),
            ("--household", household),
        ):
            if given:
                fail(
                    _(
                        "error: {flag} is for sortition files; give --people and --quotas too"
                    ).format(flag=flag)
                )
        inputs = inputs_from(locals())
    if seed is not None and (not seed.strip() or "\n" in seed):
        fail(_("error: --seed {seed!r}: give a non-empty single line of text").format(seed=seed))
    if fmt == LotteryFmt.xlsx and output is None:
        fail(_("error: XLSX output is binary and cannot be printed; give --output FILE"))
    handover = {
        "--selected": selected,
        "--remaining": remaining,
        "--quota-table": quota_file,
        "--reserve": reserve,
    }
    wanted = [flag for flag, path in handover.items() if path is not None]
    if wanted and people is None:
        fail(
            ngettext(
                "error: {flags} needs a sortition instance: give --people and --quotas",
                "error: {flags} need a sortition instance: give --people and --quotas",
                len(wanted),
            ).format(flags=", ".join(wanted))
        )
    if uniform is not None and uniform < 1:
        fail(_("error: --uniform {n}: give a whole number of panels, 1 or more").format(n=uniform))
    if uniform is not None:
        from ..lottery.uniform import check_panel_count

        check_panel_count(uniform, "--uniform")  # before anything is solved
    if draw_sheet is not None and uniform is None:
        fail(_("error: --draw-sheet needs --uniform M (the number of panels)"))
    if uniform is not None and method == Method.uniform_best:
        fail(_("error: --uniform rounds a fair lottery; use it with maximin, leximin or nash"))
    check_outputs(
        [
            (flag, path)
            for flag, path in (
                ("--output", output),
                *handover.items(),
                ("--draw-sheet", draw_sheet),
            )
            if path is not None
        ],
        inputs.protect,
    )
    if people is not None and fmt.value in ("csv", "xlsx"):
        from ..lottery.render import has_names

        if not has_names(inputs.pool):
            from ..sortition import DEFAULT_NAME_COLUMNS

            typer.echo(
                _(
                    "note: {file} has no name column ({names}); the probabilities list the "
                    "ids only (name another column with --name-column)"
                ).format(file=people, names=", ".join(DEFAULT_NAME_COLUMNS)),
                err=True,
            )
    asked = [
        *(["--seed"] if seed is not None else []),
        *wanted,
        *(["--draw-sheet"] if draw_sheet is not None else []),
    ]
    generated_seed = False
    if wanted and seed is None:
        from ..lottery.handover import seed_text

        seed, generated_seed = seed_text(), True
    from ..progress import progress_bar

    with progress_bar(_("{method} lottery").format(method=method.value)) as bar:
        steps = [0]

        def progress(text: str) -> None:
            if bar is not None:
                steps[0] += 1
                bar(steps[0], None, text)

        lot = fair_lottery(
            inputs.pool,
            inputs.scenario,
            method=method.value.replace("-", "_"),
            k=count,
            solver=solver.value,
            time_limit=time_limit,
            progress=progress,
        )
    rounded = None
    if uniform is not None and lot.ok:
        from ..lottery.uniform import round_to_uniform

        rounded = round_to_uniform(lot, uniform)
    # An unproven lottery is drawn from only when accepted (refused below otherwise).
    drawable = lot.ok and rounded is None and (lot.proven or accept_unproven)
    draw = (
        lot.draw(seed, accept_unproven=accept_unproven) if seed is not None and drawable else None
    )
    positions: tuple[int, ...] | None = draw.positions if draw is not None else None
    number = None
    if rounded is not None and seed is not None and (lot.proven or accept_unproven):
        number = rounded.draw_number(seed, accept_unproven=accept_unproven)
        positions = rounded.panels[number - 1]
    manifest = inputs.manifest(solver=solver.value, time_limit=time_limit)
    manifest["lottery"] = {
        "method": method.value,
        "count": count,
        "draw_seed": seed,
        "seed_generated": generated_seed,
        "uniform": uniform,
        "uniform_number": number,
    }
    unproven = lot.ok and not lot.proven and bool(asked)
    if unproven:
        if not accept_unproven:
            _refuse_unproven(lot, asked, time_limit=time_limit, solver=solver.value)
            if output is None:  # the lottery itself, for a look; no file is written
                emit_all(
                    [(render_lottery(lot, fmt.value, timings=timings), None, fmt.value)],
                    inputs.protect,
                )
            raise typer.Exit(EXIT_NO_SELECTION)
        manifest["lottery"]["accepted_unproven"] = {
            "status": lot.status.value,
            "left_out": len(lot.undecided),
        }
        typer.echo(
            _(
                "note: --accept-unproven: the draw is from a lottery that is not proven "
                "({why}); each XLSX hand-over file says so on its sheet '{about}'; a CSV file "
                "cannot, so keep this note with it"
            ).format(why=_unproven_why(lot), about=_("about")),
            err=True,
        )
    if generated_seed:
        typer.echo(
            _(
                "note: no --seed given; the draw used the new seed {seed} (repeat it with "
                "--seed {seed})"
            ).format(seed=seed),
            err=True,
        )
    ok_draw = draw.ok if draw is not None else (rounded.ok if rounded is not None else True)
    code = _exit_code(lot, draw_ok=ok_draw, time_limit=time_limit, solver=solver.value)
    if not ok_draw:  # a panel that failed the re-check is neither shown nor handed on
        draw, rounded, positions, number = None, None, None, None
        manifest["lottery"]["uniform_number"] = None
    why = None
    if lot.status.value == "infeasible" and (people is not None or fmt.value in EXPLAINED_FORMATS):
        why = explain_infeasible(
            inputs.pool, inputs.scenario, solver=solver.value, time_limit=time_limit
        )
        if why is not None and people is not None:
            # Infeasible quotas on sortition inputs: why, and the smallest relaxation.
            typer.echo(str(why), err=True)
    extra = b""
    files: list[tuple[bytes, Path | None, str]] = []
    if rounded is not None:
        extra += ("\n" + rounded.summary() + "\n").encode()
        if number is not None:
            drawn = _("drawn with seed {seed!r}: panel number {number}")
            extra += (drawn.format(seed=seed, number=number) + "\n").encode()
        if draw_sheet is not None:
            sheet_text = rounded.sheet(markdown=draw_sheet.suffix.lower() == ".md")
            files.append((sheet_text.encode(), draw_sheet, "table"))
    if positions is not None and people is not None and lot.ok:
        text, written = _handover(
            inputs,
            lot,
            positions,
            rounded,
            handover,
            people,
            quotas,
            solver.value,
            seed,
            about=[_unproven_note(lot)] if unproven else [],
        )
        extra += text
        files += written
    if lot.ok or fmt.value in ("table", "markdown", "json"):
        data = render_lottery(
            lot,
            fmt.value,
            draw=draw,
            manifest=manifest,
            timings=timings,
            uniform=rounded,
            uniform_number=number,
        )
        if fmt.value == "table":
            data += extra
        if wants_explanation(lot.status.value, fmt.value):
            data = with_explanation(data, fmt.value, why)
        files.append((data, output, fmt.value))
    if not ok_draw:  # nothing is written; the (verified) lottery alone is printed
        files = [f for f in files if f[1] is None]
    # Every file at once, only now that all of them are computed: all or nothing.
    emit_all(files, inputs.protect)
    raise typer.Exit(code)


def _handover(
    inputs: Inputs,
    lot: Lottery,
    positions: Sequence[int],
    rounded: UniformLottery | None,
    files: dict[str, Path | None],
    people: Path,
    quotas: Path | None,
    solver: str,
    seed: str | None,
    *,
    about: Sequence[str] = (),
) -> tuple[bytes, list[tuple[bytes, Path | None, str]]]:
    """The files an organiser hands on, as (bytes, path, format), in the ``--csv-dialect``
    in use; and the quota table as text. Nothing is written here. ``about`` are lines
    every XLSX file carries on its sheet "about" (an unproven lottery says so there).
    """
    from ..lottery.handover import (
        handover_rows,
        quota_rows,
        quota_table,
        quota_text,
        read_people_file,
        reserve_notes,
        reserve_rows,
        write_table,
    )
    from ..sortition import read_quotas
    from ._lang import CSV_DIALECT

    assert quotas is not None
    dialect = CSV_DIALECT.get()
    sheet = read_people_file(people)
    probs = rounded.probabilities if rounded is not None else lot.probabilities
    values = [probs[i] for i in inputs.pool.ids]
    chosen = set(positions)
    rest = [i for i in range(len(inputs.pool)) if i not in chosen]
    quota_list, _quota_warnings = read_quotas(quotas)
    table = quota_table(quota_list, sheet, sorted(chosen))
    tables: list[tuple[Path, list[str], list[list[Any]], str, Sequence[str], list[str]]] = []

    def xlsx(path: Path) -> bool:  # XLSX files speak the language in use; CSV keeps its ids
        return path.suffix.lower() == ".xlsx"

    for flag, which, name in (
        ("--selected", sorted(chosen), N_("selected")),
        ("--remaining", rest, N_("remaining")),
    ):
        path = files[flag]
        if path is not None:
            header, rows = handover_rows(sheet, which, values, localized=xlsx(path))
            tables.append((path, header, rows, _(name), sheet.header, [*about]))
    path = files["--quota-table"]
    if path is not None:
        header, rows = quota_rows(table, localized=xlsx(path))
        # "quota table", not "quotas": that word is also a scenario key, left English in text
        tables.append((path, header, rows, _("quota table"), (), [*about]))
    path = files["--reserve"]
    if path is not None:
        header, rows = reserve_rows(
            inputs.pool,
            inputs.scenario,
            sorted(chosen),
            quota_list,
            sheet,
            solver=solver,
            seed=seed,
            localized=xlsx(path),
        )
        kept = header[len(header) - len(sheet.header) :]  # the people file's columns: text
        tables.append((path, header, rows, _("reserve"), kept, [*about, *reserve_notes()]))
    out: list[tuple[bytes, Path | None, str]] = []
    for path, header, rows, name, text_columns, notes in tables:
        data = write_table(
            path,
            header,
            rows,
            dialect=dialect,
            sheet=name,
            text_columns=text_columns,
            notes=notes,
        )
        out.append((data, path, "xlsx" if path.suffix.lower() == ".xlsx" else "bytes"))
    heading = _("quota table of the drawn panel:")
    return ("\n" + heading + "\n" + quota_text(table) + "\n").encode(), out


def _sortition_inputs(
    people: Path | None,
    quotas: Path | None,
    *,
    pool: Path | None,
    codebook: Path | None,
    scenario: Path | None,
    sheet: str | None,
    id_column: str | None,
    name_column: str | None,
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
        fail(
            _(
                "error: a sortition instance needs both --people and --quotas ({flag} is missing)"
            ).format(flag=missing)
        )
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
            _(
                "error: {flags} cannot be combined with --people/--quotas; the quotas file is "
                "the scenario (edit it, or use --include/--exclude)"
            ).format(flags=", ".join(given)),
            EXIT_BAD_INPUT,
        )
    if size is None:
        fail(_("error: a sortition instance needs --size (the panel size)"))
    the_pool, sc = read_sortition(
        people,
        quotas,
        size=size,
        id_column=id_column,
        households=split_ids(household) if household else None,
        name_column=name_column,
    )
    inputs = Inputs(the_pool, sc, {"people": people, "quotas": quotas})
    inputs.changes.append(f"--size {size}")
    if household:
        inputs.changes.append(f"--household {','.join(split_ids(household))}")
    problems: list[Problem] = []
    sc = with_ids(inputs, sc, include, exclude, problems)
    if problems:
        raise InputError(_("the command-line changes to the scenario are not valid"), problems)
    if sc.size > len(the_pool):
        raise InputError(
            _("size {size} is larger than the pool ({n} people)").format(
                size=sc.size, n=len(the_pool)
            ),
            hint=_("Give a smaller --size, or a larger people file."),
        )
    compile_scenario(the_pool, sc)
    inputs.scenario = sc
    return inputs


def _exit_code(
    lot: Lottery, *, draw_ok: bool, time_limit: float | None = None, solver: str = "cbc"
) -> int:
    """The exit code for a lottery's status, after saying why on standard error."""
    from ..solve.backend import Status

    if lot.ok:
        if not draw_ok:
            typer.echo(
                _(
                    "error: the drawn selection (or a panel of the uniform lottery) failed the "
                    "re-check; it is not valid, and nothing is written"
                ),
                err=True,
            )
            return EXIT_ERROR
        if lot.status == Status.FEASIBLE:
            typer.echo(
                _(
                    "note: {why}; every selection of the lottery is valid, but the distribution "
                    "may not be the fairest"
                ).format(why=lot.message or _("the time limit stopped the proof")),
                err=True,
            )
            if time_limit is not None:
                typer.echo(_limit_advice(time_limit, solver), err=True)
        return EXIT_OK
    if lot.status == Status.ERROR:
        return failure_exit(lot.status.value, lot.message, lot.reasons, "lottery")
    from ..export import status_word

    status = status_word(lot.status.value)
    reason = lot.message or status
    if lot.reasons:
        reason += ": " + "; ".join(lot.reasons)
    typer.echo(_("no lottery ({status}): {reason}").format(status=status, reason=reason), err=True)
    if lot.status == Status.NO_SOLUTION and time_limit is not None:
        typer.echo(_limit_advice(time_limit, solver), err=True)
    return EXIT_NO_SELECTION


def _unproven_why(lot: Lottery) -> str:
    """Why ``lot`` is not proven: its status and how many cases it left out."""
    return lot.unproven_reason()


def _unproven_note(lot: Lottery) -> str:
    """The line each XLSX hand-over file of an accepted unproven lottery carries."""
    return _(
        "This draw is from a lottery that is not proven ({why}), accepted with "
        "--accept-unproven: it may leave out people who can be selected, or be less fair "
        "than the fairest lottery."
    ).format(why=_unproven_why(lot))


def _refuse_unproven(
    lot: Lottery, asked: Sequence[str], *, time_limit: float | None, solver: str
) -> None:
    """Say on standard error why no draw is made and no file written."""
    typer.echo(
        _(
            "error: the lottery is not proven ({why}), so {flags} would draw from a lottery "
            "that may leave out people who can be selected; nothing is drawn or written"
        ).format(why=_unproven_why(lot), flags=", ".join(asked)),
        err=True,
    )
    if time_limit is not None:
        typer.echo(_limit_advice(time_limit, solver), err=True)
    typer.echo(_("or accept this lottery as it is with --accept-unproven"), err=True)


def _limit_advice(time_limit: float, solver: str) -> str:
    """What to do after the time limit stopped a lottery."""
    from ..i18n import number
    from ..solve.backend import BACKENDS

    others = [b for b in BACKENDS if b != solver]
    limit = number(time_limit, None)
    if others:
        return _(
            "run again with a longer --time-limit (this run had {limit} s), or with the "
            "other solver (--solver {other})"
        ).format(limit=limit, other=others[0])
    return _("run again with a longer --time-limit (this run had {limit} s)").format(limit=limit)
