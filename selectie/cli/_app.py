"""The typer application that every command module registers with.

Kept free of heavy imports (pandas, PuLP, HiGHS), so ``selectie --help`` answers at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from ..i18n import N_
from ._lang import SelectieGroup

HELP = """\
Purposive case selection as a transparent, reproducible integer program.

Without options, `selectie select` runs the Bijlage 4 scenario of the WODC report on the
bundled pool of 126 projects. Exit codes: 0 a selection was found and verified (for `check`:
the selection satisfies every constraint); 1 no selection (infeasible, or the time limit came
before a solution; for `check`: a constraint is missed), with the reason; 2 bad input or
usage; 3 a solver or internal error.
"""

app = typer.Typer(
    name="selectie",
    cls=SelectieGroup,
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

scenario_app = typer.Typer(
    help="Print the effective scenario, or write a starting scenario for a pool.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app.add_typer(scenario_app, name="scenario")

#: Set by ``--debug``: show tracebacks instead of one-line messages.
DEBUG = {"on": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"selectie {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a full traceback on errors (for bug reports).")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="en|nl",
            help=N_(
                "Language of messages, tables and plots. May stand anywhere on the command "
                "line. [default: SELECTIE_LANG, else the locale, else en]"
            ),
            show_default=False,
        ),
    ] = None,
    csv_dialect: Annotated[
        str,
        typer.Option(
            "--csv-dialect",
            metavar="standard|excel-nl",
            help=N_(
                "CSV output: standard (comma, UTF-8, decimal point), or excel-nl for a "
                "double-click in a Dutch Excel (semicolon, UTF-8 with BOM, decimal comma, "
                "CRLF). May stand anywhere on the command line."
            ),
        ),
    ] = "standard",
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    DEBUG["on"] = debug
