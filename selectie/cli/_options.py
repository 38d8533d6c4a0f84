"""The options the commands share: their flags, help texts and help panels, and the
``--solver`` and ``--format`` values.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, ClassVar

import typer

from ..solve.default import DEFAULT

# -- panels ----------------------------------------------------------------------------------

INPUT = "Input"
CHANGE = "Change the scenario"
SOLVE = "Solver"
OUTPUT = "Output"


class Solver(str):
    """A ``--solver`` value: ``cbc``, ``highs``, or ``pulp:NAME`` for any solver PuLP knows."""

    __slots__ = ()

    cbc: ClassVar[Solver]
    highs: ClassVar[Solver]
    default: ClassVar[Solver]

    @property
    def value(self) -> str:
        return str(self)


Solver.cbc = Solver("cbc")
Solver.highs = Solver("highs")
Solver.default = Solver(DEFAULT)  # selectie.solve.default: HiGHS, or CBC without highspy


def _parse_solver(text: str) -> Solver:
    """``cbc`` and ``highs`` in any case; ``pulp:NAME`` keeps PuLP's spelling of NAME."""
    name = text.strip()
    if name.lower().startswith("pulp:"):
        return Solver("pulp:" + name[5:])
    if name.lower() in ("cbc", "highs"):
        return Solver(name.lower())
    raise typer.BadParameter(
        f"{text!r} is not one of 'cbc', 'highs' or 'pulp:NAME' (e.g. pulp:GLPK_CMD)"
    )


class Fmt(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    latex = "latex"


PoolOpt = Annotated[
    Path | None,
    typer.Option(
        "--pool",
        "-p",
        help="Pool file, CSV or XLSX. [default: the bundled 126 WODC projects]",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
CodebookOpt = Annotated[
    Path | None,
    typer.Option(
        "--codebook",
        "-c",
        help="Codebook TOML file. [default: the bundled WODC codebook]",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
ScenarioOpt = Annotated[
    Path | None,
    typer.Option(
        "--scenario",
        "-s",
        help="Scenario TOML file, or a bundled one by name: bijlage4, bijlage4-exact, "
        "bijlage4-spread. "
        "[default: bijlage4]",
        show_default=False,
        rich_help_panel=INPUT,
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option("--sheet", help="Sheet of an XLSX pool. [default: the first]", show_default=False),
]
SizeOpt = Annotated[
    int | None,
    typer.Option("--size", "-k", help="Select this many cases.", show_default=False),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        "-i",
        metavar="ID",
        help="Force a case in (repeat, or separate ids by commas).",
        show_default=False,
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        "-x",
        metavar="ID",
        help="Keep a case out (repeat, or separate ids by commas).",
        show_default=False,
    ),
]
MinOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--min",
        metavar="ATTR=VALUE:N",
        help="At least N selected cases with this value (ATTR:N: each value of ATTR). Repeatable.",
        show_default=False,
    ),
]
MaxOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--max",
        metavar="ATTR=VALUE:N",
        help="At most N selected cases with this value (ATTR:N: each value of ATTR). Repeatable.",
        show_default=False,
    ),
]
OverlapOpt = Annotated[
    int | None,
    typer.Option(
        "--overlap",
        help="Require N selected cases per value: in every coverage of the scenario, or with "
        "--cover only for the attributes named.",
        show_default=False,
    ),
]
CoverOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--cover",
        metavar="ATTR",
        help="Cover this attribute: every value held by at least --overlap (default 1) selected "
        "cases; 'all' means every attribute of the codebook's tables. Repeatable.",
        show_default=False,
    ),
]
ObjectiveOpt = Annotated[
    str | None,
    typer.Option(
        "--objective",
        metavar="KIND",
        help="feasibility, max_overlap, match_target or max_weight (the last two need their "
        "data in the scenario file).",
        show_default=False,
    ),
]
SolverOpt = Annotated[
    Solver,
    typer.Option(
        "--solver",
        metavar="<cbc|highs|pulp:NAME>",
        help="Integer-programming backend; pulp:NAME solves through any solver PuLP knows "
        "(pulp:GLPK_CMD, pulp:GUROBI, ...). The default is highs, or cbc when highspy is "
        "not installed.",
        parser=_parse_solver,
    ),
]
TimeLimitOpt = Annotated[
    float | None,
    typer.Option(
        "--time-limit", metavar="SECONDS", help="Stop the solver after this long.", min=0.001
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed passed to the solver.")]
FormatOpt = Annotated[
    Fmt,
    typer.Option(
        "--format",
        "-f",
        help="Output format. For CSV that a Dutch Excel opens on a double-click, add "
        "--csv-dialect excel-nl.",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the output to this file (atomically; never over an input file). "
        "[default: standard output]",
        show_default=False,
    ),
]
TimingsOpt = Annotated[
    bool,
    typer.Option("--timings", help="Include solver timings in JSON output (not reproducible)."),
]
IdsArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="[ID]...", help="Case ids of the selection.", show_default=False),
]
IdsFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--ids",
        metavar="FILE",
        help="Read the selection from a file: one id per line, a CSV with the codebook's id "
        "column, or the JSON output of `selectie select`.",
        show_default=False,
    ),
]
ReferenceOpt = Annotated[
    str | None,
    typer.Option(
        "--reference",
        "-r",
        metavar="NAME|FILE",
        help="Show published counts beside the tables: 'bijlage4' or a TOML file with "
        "[counts.<attribute>] tables.",
        show_default=False,
    ),
]
PlotOpt = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        metavar="FILE",
        help="Also draw a figure to this PNG, SVG or PDF file (needs matplotlib).",
        show_default=False,
    ),
]
