"""`selectie init POOL`: draft a codebook and a starting scenario from any pool file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..i18n import N_, _
from ._app import app
from ._common import EXIT_OK, command
from ._options import SheetOpt


@app.command("init")
@command
def init_cmd(
    pool: Annotated[
        Path,
        typer.Argument(metavar="POOL", help=N_("The pool file, CSV or XLSX."), show_default=False),
    ],
    sheet: SheetOpt = None,
    size: Annotated[
        int | None,
        typer.Option(
            "--size",
            "-k",
            help=N_("Cases to select in the starting scenario. [default: a tenth of the pool]"),
            show_default=False,
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            metavar="COLUMN",
            help=N_("The column with each case's unique id (when several could be)."),
            show_default=False,
        ),
    ] = None,
    label_column: Annotated[
        str | None,
        typer.Option(
            "--label-column",
            metavar="COLUMN",
            help=N_("The column with each case's readable name."),
            show_default=False,
        ),
    ] = None,
    sheets: Annotated[
        bool,
        typer.Option(
            "--sheets",
            help=N_(
                "Write the codebook and scenario as sheets into a new copy of the workbook "
                "(POOL-selectie.xlsx), so that `selectie select --pool` needs nothing else."
            ),
        ),
    ] = False,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FOLDER",
            help=N_("Write codebook.toml and scenario.toml into this folder (never over a file)."),
        ),
    ] = Path("."),
) -> None:
    """Draft a codebook and a starting scenario from a pool file, for you to check and edit.

    Prints what it makes of each column (id, label, attribute with its values and counts,
    extra column), flags near-duplicate spellings, and writes codebook.toml and
    scenario.toml, each commented. It never overwrites a file.

    Example:

      selectie init gemeenten.xlsx --size 6

      selectie init werkmap.xlsx --size 6 --sheets
    """
    from ..draft import draft, write_draft

    result = draft(pool, sheet=sheet, id_column=id_column, label_column=label_column, size=size)
    if sheets:
        from ..workbook import add_sheets

        if not output.is_dir():
            raise InputError(f"folder {str(output)!r} does not exist")
        copy = add_sheets(result, output / f"{pool.stem}-selectie.xlsx")
        typer.echo(result.summary(), nl=False)
        typer.echo(_("wrote {file}").format(file=copy))
        typer.echo(_("next: check the sheets codebook, quotas and scenario, then run"))
        typer.echo(f"  selectie select --pool {_quote(copy)}")
        raise typer.Exit(EXIT_OK)
    written = write_draft(result, output, protect=[pool])
    typer.echo(result.summary(), nl=False)
    for path in written:
        typer.echo(_("wrote {file}").format(file=path))
    codebook, scenario = written
    typer.echo(_("next: check both files, then run"))
    typer.echo(
        f"  selectie select --pool {_quote(pool)} --codebook {_quote(codebook)} "
        f"--scenario {_quote(scenario)}"
    )
    raise typer.Exit(EXIT_OK)


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
