"""The options the commands share: their flags, help texts and help panels, and the
``--solver`` and ``--format`` values.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar

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


def option(
    *flags: str,
    help: str,  # noqa: A002 - typer.Option's own keyword
    metavar: str | None = None,
    panel: str | None = None,
    **extra: Any,
) -> Any:
    """A ``typer.Option`` whose default is not shown (an option without a value, or one whose
    help says its default in words), in the help panel ``panel``: the shape of nearly every
    option of selectie, in one place.
    """
    return typer.Option(
        *flags, help=help, metavar=metavar, show_default=False, rich_help_panel=panel, **extra
    )


PoolOpt = Annotated[
    Path | None,
    option(
        "--pool",
        "-p",
        help="Pool file, CSV or XLSX. [default: the bundled 126 WODC projects]",
        panel=INPUT,
    ),
]
CodebookOpt = Annotated[
    Path | None,
    option(
        "--codebook",
        "-c",
        help="Codebook TOML file. [default: the bundled WODC codebook]",
        panel=INPUT,
    ),
]
ScenarioOpt = Annotated[
    Path | None,
    option(
        "--scenario",
        "-s",
        help="Scenario TOML file, or a bundled one by name: bijlage4, bijlage4-exact, "
        "bijlage4-spread. "
        "[default: bijlage4]",
        panel=INPUT,
    ),
]
SheetOpt = Annotated[
    str | None, option("--sheet", help="Sheet of an XLSX pool. [default: the first]")
]
SizeOpt = Annotated[int | None, option("--size", "-k", help="Select this many cases.")]
IncludeOpt = Annotated[
    list[str] | None,
    option(
        "--include", "-i", metavar="ID", help="Force a case in (repeat, or separate ids by commas)."
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    option(
        "--exclude", "-x", metavar="ID", help="Keep a case out (repeat, or separate ids by commas)."
    ),
]
MinOpt = Annotated[
    list[str] | None,
    option(
        "--min",
        metavar="ATTR=VALUE:N",
        help="At least N selected cases with this value (ATTR:N: each value of ATTR). Repeatable.",
    ),
]
MaxOpt = Annotated[
    list[str] | None,
    option(
        "--max",
        metavar="ATTR=VALUE:N",
        help="At most N selected cases with this value (ATTR:N: each value of ATTR). Repeatable.",
    ),
]
OverlapOpt = Annotated[
    int | None,
    option(
        "--overlap",
        help="Require N selected cases per value: in every coverage of the scenario, or with "
        "--cover only for the attributes named.",
    ),
]
CoverOpt = Annotated[
    list[str] | None,
    option(
        "--cover",
        metavar="ATTR",
        help="Cover this attribute: every value held by at least --overlap (default 1) selected "
        "cases; 'all' means every attribute of the codebook's tables. Repeatable.",
    ),
]
ObjectiveOpt = Annotated[
    str | None,
    option(
        "--objective",
        metavar="KIND",
        help="feasibility, max_overlap, match_target or max_weight (the last two need their "
        "data in the scenario file).",
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
    option(
        "--output",
        "-o",
        help="Write the output to this file (atomically; never over an input file). "
        "[default: standard output]",
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
    option(
        "--ids",
        metavar="FILE",
        help="Read the selection from a file: one id per line, a CSV with the codebook's id "
        "column, or the JSON output of `selectie select`.",
    ),
]
ReferenceOpt = Annotated[
    str | None,
    option(
        "--reference",
        "-r",
        metavar="NAME|FILE",
        help="Show published counts beside the tables: 'bijlage4' or a TOML file with "
        "[counts.<attribute>] tables.",
    ),
]
PlotOpt = Annotated[
    Path | None,
    option(
        "--plot",
        metavar="FILE",
        help="Also draw a figure to this PNG, SVG or PDF file (needs matplotlib).",
    ),
]
