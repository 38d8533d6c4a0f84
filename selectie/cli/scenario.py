"""`selectie scenario show|init`: the effective scenario as TOML, or a starting one."""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import scenario_app
from ._common import EXIT_OK, Inputs, command, emit, inputs_from
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
)


@scenario_app.command("show")
@command
def show_cmd(
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
    output: OutputOpt = None,
) -> None:
    """Print the effective scenario, after the command-line changes, as TOML.

    The output is a scenario file: `selectie select --scenario` reads it back.

    Example:

      selectie scenario show --size 15 --overlap 2 -o bijlage4-15.toml
    """
    inputs = inputs_from(locals())
    head = ""
    if inputs.changes:
        head = "# changed on the command line: " + " ".join(inputs.changes) + "\n"
    emit((head + _scenario_text(inputs)).encode(), output, inputs.protect, "toml")
    raise typer.Exit(EXIT_OK)


def _scenario_text(inputs: Inputs) -> str:
    """The scenario file's own text, edited by the command-line changes (its order and
    comments kept), or the scenario written afresh when there is no file.
    """
    from .._resources import example_file
    from ..scenario_doc import edited_toml

    path = inputs.files.get("scenario") or example_file("bijlage4.toml")
    try:
        original = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return inputs.scenario.to_toml()
    return edited_toml(original, inputs.scenario)


@scenario_app.command("init")
@command
def init_cmd(
    pool: PoolOpt = None,
    codebook: CodebookOpt = None,
    sheet: SheetOpt = None,
    size: Annotated[
        int | None,
        typer.Option("--size", "-k", help="Cases to select. [default: 13, or the pool's size]"),
    ] = None,
    output: OutputOpt = None,
) -> None:
    """Write a commented starting scenario for a pool: a size, an objective, and an example
    of every kind of constraint (commented out) using the pool's own attributes and values.

    Example:

      selectie scenario init --pool my_pool.csv --codebook my_codebook.toml -o my_scenario.toml
    """
    from ..errors import InputError
    from ..pool import load_pool

    the_pool = load_pool(pool, codebook, sheet=sheet)
    k = size if size is not None else min(13, len(the_pool))
    if k < 1 or k > len(the_pool):
        raise InputError(f"--size {k}: must be between 1 and the pool's {len(the_pool)} cases")
    from ..scenario import starting_scenario

    text = starting_scenario(the_pool, k, source=str(pool) if pool is not None else None)
    protect = [p for p in (pool, codebook) if p is not None]
    emit(text.encode(), output, protect, "toml")
    raise typer.Exit(EXIT_OK)
