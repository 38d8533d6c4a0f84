"""The sortition input options of the commands that audit or repair a drawn panel (`check`,
`replace`): the people file, the quotas file and the panel size, read by the same reader as
`selectie lottery`'s (so a panel is checked against exactly the quotas it was drawn under).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import _
from ._common import fail, inputs_from
from .lottery import SORTITION, _sortition_inputs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._common import Inputs

__all__ = ["HouseholdOpt", "IdColumnOpt", "PeopleOpt", "QuotasOpt", "inputs_or_sortition"]

PeopleOpt = Annotated[
    Path | None,
    typer.Option(
        "--people",
        metavar="FILE",
        help="The people file (CSV or XLSX) of a sortition instance, as for `selectie "
        "lottery`; the ids are its people's. Needs --quotas and --size.",
        show_default=False,
        rich_help_panel=SORTITION,
    ),
]
QuotasOpt = Annotated[
    Path | None,
    typer.Option(
        "--quotas",
        metavar="FILE",
        help="The quotas file of the sortition instance, as for `selectie lottery`.",
        show_default=False,
        rich_help_panel=SORTITION,
    ),
]
IdColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--id-column",
        metavar="NAME",
        help="The people file's id column, as for `selectie lottery`. "
        "[default: nationbuilder_id or id]",
        show_default=False,
        rich_help_panel=SORTITION,
    ),
]
HouseholdOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--household",
        metavar="COLUMN",
        help="Address column, as for `selectie lottery`: at most one person per address.",
        show_default=False,
        rich_help_panel=SORTITION,
    ),
]


def inputs_or_sortition(args: Mapping[str, Any]) -> Inputs:
    """A command's inputs from its own parameters (pass ``locals()``): the sortition instance
    when ``--people`` or ``--quotas`` is given (read as `selectie lottery` reads it), else the
    pool and scenario of :func:`~selectie.cli._common.inputs_from`.
    """
    people, quotas = args.get("people"), args.get("quotas")
    if people is None and quotas is None:
        for flag, name in (("--id-column", "id_column"), ("--household", "household")):
            if args.get(name):
                fail(
                    _(
                        "error: {flag} is for sortition files; give --people and --quotas too"
                    ).format(flag=flag)
                )
        return inputs_from(args)
    return _sortition_inputs(
        people,
        quotas,
        pool=args.get("pool"),
        codebook=args.get("codebook"),
        scenario=args.get("scenario"),
        sheet=args.get("sheet"),
        id_column=args.get("id_column"),
        name_column=args.get("name_column"),
        household=args.get("household"),
        size=args.get("size"),
        include=args.get("include"),
        exclude=args.get("exclude"),
        changes={
            "--min": args.get("min_"),
            "--max": args.get("max_"),
            "--overlap": args.get("overlap"),
            "--cover": args.get("cover"),
            "--objective": args.get("objective"),
        },
    )
