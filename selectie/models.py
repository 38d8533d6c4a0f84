"""Typed pydantic models of the WODC projects, and JSON Schema export.

:class:`Project` types every criterion of Bijlage 4 with an enum of :mod:`selectie.wodc`,
whose values are the codes of the bundled codebook (a test keeps the two identical). For any
other codebook, :meth:`selectie.codebook.Codebook.item_model` builds a generic model with
validated literals.

>>> from selectie import load_pool
>>> p = load_pool().projects()[0]
>>> p.regio is Regio.LIMBURG, p.selected_in_report
(True, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

# The enums live in the WODC module; they are imported here for Project and kept importable
# from selectie.models as before.
from .wodc import (
    ENUMS,
    Cluster,
    CrimeScriptPhase,
    Focus,
    GeografischNiveau,
    Innovatie,
    Partners,
    ProjectStatus,
    ProjectType,
    Regio,
    RiecPijler,
    Source,
    Thema,
    Theorie,
)

if TYPE_CHECKING:
    from .codebook import Codebook

__all__ = [
    "ENUMS",
    "Cluster",
    "CrimeScriptPhase",
    "Focus",
    "GeografischNiveau",
    "Innovatie",
    "Partners",
    "Project",
    "ProjectStatus",
    "ProjectType",
    "Regio",
    "RiecPijler",
    "Source",
    "Thema",
    "Theorie",
    "json_schema",
    "projects_from_pool",
]


class Project(BaseModel):
    """One project of the WODC pool. ``None`` means the value is unknown.

    Multi-valued criteria are frozensets (empty: none of the values).

    >>> p = Project(id="X1", regio="Limburg", source="openbaar", selected_in_report=False,
    ...             theorie=["borging"])
    >>> p.regio is Regio.LIMBURG, p.theorie == {Theorie.BORGING}, p.cluster is None
    (True, True, True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    name: str | None = None
    regio: Regio
    cluster: Cluster | None = None
    crime_script: frozenset[CrimeScriptPhase] | None = None
    theorie: frozenset[Theorie] | None = None
    partners: Partners | None = None
    innovatie: Innovatie | None = None
    focus: Focus | None = None
    type: ProjectType | None = None
    geografisch_niveau: GeografischNiveau | None = None
    riec_pijler: frozenset[RiecPijler] | None = None
    thema: frozenset[Thema] | None = None
    status: ProjectStatus | None = None
    source: Source
    selected_in_report: bool
    source_ref: str | None = None
    notes: str | None = None
    #: The attributes whose value is assumed rather than taken from a source.
    assumed: str | None = None


class PoolView(Protocol):
    """What :func:`projects_from_pool` reads of a :class:`~selectie.pool.Pool` (so that this
    module need not import the pool module, which imports it).
    """

    @property
    def codebook(self) -> Codebook: ...
    @property
    def ids(self) -> Sequence[str]: ...
    @property
    def names(self) -> Sequence[str | None]: ...
    @property
    def values(self) -> Mapping[str, Sequence[frozenset[str] | None]]: ...
    @property
    def extra(self) -> Mapping[str, Sequence[str]]: ...
    def __len__(self) -> int: ...


def projects_from_pool(pool: PoolView) -> list[Project]:
    """The cases of a pool with the WODC codebook as :class:`Project` models.

    >>> from selectie import load_pool
    >>> first = projects_from_pool(load_pool())[0]
    >>> first.id, first.thema == {Thema.VASTGOED}
    ('R01', True)
    """
    from .errors import InputError

    names = set(pool.codebook.attribute_names)
    needed = set(ENUMS) | {"selected_in_report"}
    if not needed <= names:
        raise InputError(
            f"the pool's codebook {pool.codebook.name!r} is not the WODC codebook "
            f"(it lacks {', '.join(sorted(needed - names))}); use pool.items() instead"
        )
    out = []
    for i in range(len(pool)):
        record: dict[str, Any] = {"id": pool.ids[i], "name": pool.names[i]}
        for attr in pool.codebook.attributes:
            cell = pool.values[attr.name][i]
            if attr.name == "selected_in_report":
                record[attr.name] = cell == frozenset({"ja"})
            elif cell is None:
                record[attr.name] = None
            elif attr.multi:
                record[attr.name] = frozenset(cell)
            else:
                record[attr.name] = next(iter(cell))
        for col in ("source_ref", "notes", "assumed"):
            if col in pool.extra:
                record[col] = pool.extra[col][i] or None
        out.append(Project(**record))
    return out


def json_schema(codebook: Codebook | None = None) -> str:
    """JSON Schema of a case: of :class:`Project` by default, or of the generic item model of
    ``codebook``.

    >>> '"regio"' in json_schema()
    True
    """
    model = Project if codebook is None else codebook.item_model()
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
