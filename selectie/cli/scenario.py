"""`selectie scenario show|init`: the effective scenario as TOML, or a starting one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ._app import scenario_app
from ._common import (
    EXIT_OK,
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
    command,
    emit,
    load_inputs,
)

if TYPE_CHECKING:
    from ..pool import Pool


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
    inputs = load_inputs(
        pool,
        codebook,
        scenario,
        sheet=sheet,
        size=size,
        include=include,
        exclude=exclude,
        mins=min_,
        maxs=max_,
        overlap=overlap,
        cover=cover,
        objective=objective,
    )
    head = ""
    if inputs.changes:
        head = "# changed on the command line: " + " ".join(inputs.changes) + "\n"
    emit((head + inputs.scenario.to_toml()).encode(), output, inputs.protect, "toml")
    raise typer.Exit(EXIT_OK)


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
    text = starting_scenario(the_pool, k, str(pool) if pool is not None else None)
    protect = [p for p in (pool, codebook) if p is not None]
    emit(text.encode(), output, protect, "toml")
    raise typer.Exit(EXIT_OK)


def _q(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def starting_scenario(pool: Pool, size: int, source: str | None) -> str:
    """A commented scenario TOML for ``pool``: valid as written (size and objective only),
    with every other kind of constraint shown as a commented example."""
    cb = pool.codebook
    shown = list(cb.table_attributes)
    single = [a for a in shown if not cb.attribute(a).multi]
    multi = [a for a in shown if cb.attribute(a).multi]
    first = single[0] if single else shown[0]
    attr = cb.attribute(first)
    counts = pool.value_counts(first)
    common = max(attr.codes, key=lambda c: (counts[c], -attr.codes.index(c)))
    other = multi[0] if multi else (single[1] if len(single) > 1 else first)
    oattr = cb.attribute(other)
    ocode = oattr.codes[0]
    where = source or "the bundled pool"
    lines = [
        f"# A starting scenario for {where} ({len(pool)} cases, codebook {cb.name!r}).",
        "# It is valid as written; uncomment and edit the examples below. Every key is",
        "# documented in docs/reference.md. Check it with:  selectie validate --scenario FILE",
        "",
        f"name = {_q('My selection')}",
        f"description = {_q('Why these constraints: cite the sentence each one rests on.')}",
        f"size = {size}",
        "# include = []   # case ids that must be selected",
        "# exclude = []   # case ids that may not be selected",
        "",
        f"# Counts per value of {first!r} in the pool: "
        + ", ".join(f"{c} {counts[c]}" for c in attr.codes),
        "# At least one selected case for each value:",
        "# [[quotas]]",
        f"# attribute = {_q(first)}",
        "# min = 1",
        "",
        f"# At most half of the selection with value {common!r}:",
        "# [[quotas]]",
        f"# attribute = {_q(first)}",
        f"# values = [{_q(common)}]",
        f"# max = {max(1, size // 2)}",
        "",
        "# Every value of these attributes held by at least `overlap` selected cases:",
        "# [[coverage]]",
        f"# attributes = [{', '.join(_q(a) for a in shown[:3])}]",
        "# overlap = 1",
        "",
        "# Cases that match every condition: at least `min`, at most `max`:",
        "# [[combinations]]",
        f"# where = {{ {_q(first)} = {_q(common)}, {_q(other)} = {_q(ocode)} }}",
        "# min = 1",
        "",
        "# At most `max` selected cases per group of equal values (e.g. one per household):",
        "# [[group_limits]]",
        f"# by = [{_q(first)}]",
        f"# max = {max(1, size // 3)}",
        "",
        "# Among valid selections, spread the selection over the values of these attributes",
        "# (see docs/reference.md for match_target and max_weight):",
        "[objective]",
        'kind = "max_overlap"',
        f"attributes = [{', '.join(_q(a) for a in shown)}]",
        "",
    ]
    return "\n".join(lines)
