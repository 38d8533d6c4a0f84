"""`selectie sweep`: solve a grid of sizes × overlaps and draw the feasibility map."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InputError
from ..i18n import _
from ..progress import progress_bar, spinner
from ._app import app
from ._common import EXIT_OK, command, emit, inputs_from
from ._options import (
    CodebookOpt,
    CoverOpt,
    ExcludeOpt,
    Fmt,
    FormatOpt,
    IncludeOpt,
    MaxOpt,
    MinOpt,
    ObjectiveOpt,
    OutputOpt,
    PlotOpt,
    PoolOpt,
    ScenarioOpt,
    SheetOpt,
    Solver,
    SolverOpt,
    TimeLimitOpt,
)


def parse_range(flag: str, text: str) -> list[int]:
    """``10-20`` or ``10,12,15`` (or a mix) as a sorted list of whole numbers ≥ 1.

    >>> parse_range("--sizes", "10-12,15")
    [10, 11, 12, 15]
    """
    out: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        try:
            a = int(lo)
            b = int(hi) if dash else a
        except ValueError:
            raise InputError(
                f"{flag} {text!r}: expected whole numbers such as 10-20 or 10,12,15, found {part!r}"
            ) from None
        if a < 1 or b < a:
            raise InputError(f"{flag} {text!r}: {part!r} is not a range of numbers >= 1")
        if b - a > 1000:
            raise InputError(f"{flag} {text!r}: {part!r} holds more than 1000 values")
        out.update(range(a, b + 1))
    if not out:
        raise InputError(f"{flag} {text!r}: no numbers given")
    return sorted(out)


@app.command("sweep")
@command
def sweep_cmd(
    sizes: Annotated[
        str, typer.Option("--sizes", metavar="RANGE", help="Sizes to try: 10-20 or 10,12,15.")
    ] = "10-20",
    overlaps: Annotated[
        str, typer.Option("--overlaps", metavar="RANGE", help="Overlaps to try: 1-3 or 1,2.")
    ] = "1-3",
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    time_limit: TimeLimitOpt = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Solve this many variants at once.")
    ] = 2,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """Solve the scenario for every size and overlap in a grid, and report each variant's
    status and objective; `--plot` draws the feasibility map.

    Overlap N means every coverage of the scenario requires N cases per value (with --cover,
    coverage of those attributes is added at overlap N).

    Example:

      selectie sweep --sizes 10-20 --overlaps 1-3 --plot feasibility.png
    """
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from ..export import render_frame
    from ..sweep import sweep

    size_list = parse_range("--sizes", sizes)
    overlap_list = parse_range("--overlaps", overlaps)
    inputs = inputs_from(locals(), skip=["cover"])
    too_big = [k for k in size_list if k > len(inputs.pool)]
    if too_big:
        raise InputError(
            f"--sizes {sizes!r}: {too_big[0]} is larger than the pool ({len(inputs.pool)} cases)"
        )
    covered = [c for c in cover or () if c.strip()]
    if "all" in covered:  # every criterion the tables report
        cb = inputs.pool.codebook
        covered = list(dict.fromkeys([*cb.table_attributes, *(c for c in covered if c != "all")]))
    executor: ProcessPoolExecutor | ThreadPoolExecutor
    if workers == 1:
        executor = ThreadPoolExecutor(1)
    else:
        import multiprocessing

        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    with executor, progress_bar(_("solving the sweep")) as progress:
        frame = sweep(
            inputs.pool,
            inputs.scenario,
            sizes=size_list,
            overlaps=overlap_list,
            attributes=covered or None,
            solver=solver.value,
            executor=executor,
            time_limit=time_limit,
            progress=progress,
        )
    emit(render_frame(frame, fmt.value), output, inputs.protect, fmt.value)
    if plot is not None:
        from ..plot import plot_feasibility, save_figure

        with spinner(_("drawing {file}").format(file=plot)):
            save_figure(plot_feasibility(frame), plot, protect=[*inputs.protect, output])
    raise typer.Exit(EXIT_OK)
