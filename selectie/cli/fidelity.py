"""How faithful and how free: `freedom` and `sensitivity`.

`selectie freedom` says how much freedom a scenario (by default the report's stated criteria)
leaves around a selection (by default the report's 13): which cases are forced, which can be
swapped one for one, how many valid selections exist. `selectie sensitivity` re-checks the
selection under every admissible alternative coding of the data. Both call one public
function (:func:`selectie.freedom.freedom`, :func:`selectie.sensitivity.sensitivity`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _
from ._app import app
from ._common import EXIT_NO_SELECTION, EXIT_OK, command, emit, inputs_from, read_ids
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
    ScenarioOpt,
    SheetOpt,
    SizeOpt,
    Solver,
    SolverOpt,
)
from ._whatif_render import render as _render
from .diagnose import _manifest


@app.command("freedom")
@command
def freedom_cmd(
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
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """How much freedom the scenario leaves around a selection (default: the report's 13):
    for each case, is it forced, which cases replace it one for one (how many documented),
    and how many valid selections exist (exact, or a proven lower bound).

    Exit code 0 when the selection meets the scenario, 1 when it does not.

    Examples:

      selectie freedom

      selectie freedom --format json -o freedom.json --plot freedom.png

      selectie freedom --scenario bijlage4-spread
    """
    from ..freedom import freedom

    inputs = inputs_from(locals())
    chosen = read_ids(inputs.pool, ids, ids_file) if ids or ids_file else None
    result = freedom(inputs.pool, inputs.scenario, chosen, solver=solver.value)
    doc = result.to_dict() | {"manifest": _manifest(inputs, solver.value, 1)}
    protect = [*inputs.protect, *([ids_file] if ids_file else [])]
    emit(
        _render(fmt.value, str(result), doc, result.to_records(), "freedom"),
        output,
        protect,
        fmt.value,
    )
    if plot is not None and result.base_valid:
        from ..plot import save_figure

        save_figure(result.plot(), plot, protect=[*protect, output])
    if not result.base_valid:
        typer.echo(_("the selection does not meet the scenario"), err=True)
    raise typer.Exit(EXIT_OK if result.base_valid else EXIT_NO_SELECTION)


CodingsOpt = Annotated[
    Path | None,
    typer.Option(
        "--codings",
        metavar="FILE",
        help="Alternative codings CSV (id, attribute, value, quote, location, argument). "
        "[default: the bundled data/alternative_codings.csv]",
        show_default=False,
    ),
]


@app.command("sensitivity")
@command
def sensitivity_cmd(
    ids: IdsArg = None,
    ids_file: IdsFileOpt = None,
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    scenario: ScenarioOpt = None,
    sheet: SheetOpt = None,
    codings: CodingsOpt = None,
    size: SizeOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    min_: MinOpt = None,
    max_: MaxOpt = None,
    overlap: OverlapOpt = None,
    cover: CoverOpt = None,
    objective: ObjectiveOpt = None,
    solver: SolverOpt = Solver.default,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> None:
    """Under every admissible alternative coding of the data: does the selection (default:
    the report's 13) still meet the scenario, does the scenario's own selection stay valid,
    which constraints flip, and do the published tables still match.

    Exit code 0 when the report's selection passes under every coding examined, 1 otherwise
    (the table says where it fails).

    Examples:

      selectie sensitivity

      selectie sensitivity --scenario bijlage4-spread --format csv -o sensitivity.csv
    """
    from ..sensitivity import load_alternative_codings, sensitivity

    inputs = inputs_from(locals())
    chosen = read_ids(inputs.pool, ids, ids_file) if ids or ids_file else None
    alts = load_alternative_codings(codings, pool=inputs.pool)
    result = sensitivity(
        inputs.pool, inputs.scenario, codings=alts, ids=chosen, solver=solver.value
    )
    doc = result.to_dict() | {"manifest": _manifest(inputs, solver.value, 1)}
    protect = [*inputs.protect, *([ids_file] if ids_file else []), *([codings] if codings else [])]
    emit(
        _render(fmt.value, str(result), doc, result.to_records(), "sensitivity"),
        output,
        protect,
        fmt.value,
    )
    raise typer.Exit(EXIT_OK if result.holds() else EXIT_NO_SELECTION)
