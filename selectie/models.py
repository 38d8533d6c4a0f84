"""Typed pydantic models of the WODC projects, and JSON Schema export.

:class:`Project` types every criterion of Bijlage 4 with an enum whose values are the codes
of the bundled codebook (a test keeps the two identical). For any other codebook,
:meth:`selectie.codebook.Codebook.item_model` builds a generic model with validated literals.

>>> from selectie import load_pool
>>> p = load_pool().projects()[0]
>>> p.regio is Regio.LIMBURG, p.selected_in_report
(True, True)
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .codebook import Codebook
    from .pool import Pool

__all__ = [
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


class Regio(StrEnum):
    """The ten groups of Tabel 1.

    >>> len(Regio), Regio("Limburg") is Regio.LIMBURG
    (10, True)
    """

    AMSTERDAM_AMSTELLAND = "Amsterdam-Amstelland"
    ZEELAND_BRABANT = "Zeeland-Brabant"
    DEN_HAAG = "Den Haag"
    ROTTERDAM = "Rotterdam"
    LIMBURG = "Limburg"
    OOST_NEDERLAND = "Oost-Nederland"
    NOORD_NEDERLAND = "Noord-Nederland"
    NOORD_HOLLAND = "Noord-Holland"
    MIDDEN_NEDERLAND = "Midden-Nederland"
    LANDELIJKE_PARTNERS = "Landelijke partners"


class Cluster(StrEnum):
    """The five clusters, or an overarching theme.

    >>> [c.value for c in Cluster][-1]
    'overkoepelend'
    """

    RISICOLOCATIES = "risicolocaties"
    KWETSBARE_GEBIEDEN = "kwetsbare gebieden"
    WEERBARE_OVERHEID = "weerbare overheid"
    WEERBARE_SAMENLEVING = "weerbare samenleving"
    GELDSTROMEN = "geldstromen"
    OVERKOEPELEND = "overkoepelend"


class CrimeScriptPhase(StrEnum):
    """Phases of Cornish's universal crime script.

    >>> CrimeScriptPhase.PREPARATION.value, CrimeScriptPhase.EXIT.value
    ('preparation', 'exit')
    """

    PREPARATION = "preparation"
    ENTRY = "entry"
    PRE_CONDITION = "pre-condition"
    ACTUALIZATION = "actualization"
    DOING = "doing"
    POST_CONDITION = "post-condition"
    EXIT = "exit"


class Theorie(StrEnum):
    """The theory-driven criteria of Figuur 1.

    >>> len(Theorie), Theorie("borging") is Theorie.BORGING
    (5, True)
    """

    CONTEXT_EN_GELEGENHEID = "context en gelegenheid"
    INTELLIGENCE = "intelligence"
    ORGANISATIE_EN_MANAGEMENT = "organisatie en management"
    UITVOERKRACHT = "uitvoerkracht"
    BORGING = "borging"


class Partners(StrEnum):
    """Who runs the project: public partners, private ones, or both.

    >>> Partners("publiek-privaat") is Partners.PUBLIEK_PRIVAAT
    True
    """

    PUBLIEK = "publiek"
    PRIVAAT = "privaat"
    PUBLIEK_PRIVAAT = "publiek-privaat"


class Innovatie(StrEnum):
    """Whether a project is new or builds on earlier work.

    >>> sorted(Innovatie)
    [<Innovatie.INNOVATIEF: 'innovatief'>, <Innovatie.VOORTBOUWEND: 'voortbouwend'>]
    """

    INNOVATIEF = "innovatief"
    VOORTBOUWEND = "voortbouwend"


class Focus(StrEnum):
    """Prevention, repression, both, or not clear from the sources.

    >>> Focus.PREVENTIE_EN_REPRESSIE == "preventie en repressie"
    True
    """

    PREVENTIE = "preventie"
    REPRESSIE = "repressie"
    PREVENTIE_EN_REPRESSIE = "preventie en repressie"
    NIET_DUIDELIJK = "niet duidelijk"


class ProjectType(StrEnum):
    """The type of project (Bijlage 4's eight types).

    >>> ProjectType("ICT-tool").name
    'ICT_TOOL'
    """

    ICT_TOOL = "ICT-tool"
    PROEFTUIN = "proeftuin"
    MANAGEMENT = "management"
    CONTROLE_EN_HANDHAVING = "controle en handhaving"
    INTEGRAAL_TEAM = "integraal team"
    FENOMEENONDERZOEK = "fenomeenonderzoek"
    OPLEIDING = "opleiding"
    ALLERHANDE = "allerhande"


class GeografischNiveau(StrEnum):
    """The geographical level a project works at.

    >>> [g.value for g in GeografischNiveau]
    ['district', 'regio', 'landelijk', 'internationaal']
    """

    DISTRICT = "district"
    REGIO = "regio"
    LANDELIJK = "landelijk"
    INTERNATIONAAL = "internationaal"


class RiecPijler(StrEnum):
    """The pillars of the RIEC (regional information and expertise centre) approach.

    >>> RiecPijler("Kennis & Expertise").name
    'KENNIS_EN_EXPERTISE'
    """

    INTELLIGENCE_EN_ANALYSE = "Intelligence & Analyse"
    FLEXIBELE_UITVOERINGSKRACHT = "Flexibele Uitvoeringskracht"
    DUURZAME_SAMENWERKING = "Duurzame Samenwerking"
    KENNIS_EN_EXPERTISE = "Kennis & Expertise"
    BESTUURLIJKE_WEERBAARHEID = "Bestuurlijke Weerbaarheid"


class Thema(StrEnum):
    """Phenomena a project addresses; projects sharing one across regions are bridges.

    >>> Thema("vastgoed") is Thema.VASTGOED
    True
    """

    VASTGOED = "vastgoed"
    BEDRIJVENTERREINEN = "bedrijventerreinen"
    BUITENGEBIED = "buitengebied"
    VAKANTIEPARKEN = "vakantieparken"
    ZEEHAVENS = "zeehavens"
    LUCHTHAVENS = "luchthavens"
    JONGE_AANWAS = "jonge aanwas"
    FINANCIELE_FACILITATORS = "financiële facilitators"
    WITWASSEN = "witwassen"
    DRUGSPRODUCTIE = "drugsproductie"
    DRUGSHANDEL = "drugshandel"
    UITBUITING = "uitbuiting"
    CRIMINELE_NETWERKEN = "criminele netwerken"
    BESTUURLIJKE_WEERBAARHEID = "bestuurlijke weerbaarheid"
    KWETSBARE_WIJKEN = "kwetsbare wijken"
    RISICOBRANCHES = "risicobranches"
    AFPAKKEN = "afpakken"


class ProjectStatus(StrEnum):
    """The status of a project as Bijlage 4 describes it (known for seven of the 13)."""

    OPSTARTFASE = "opstartfase"
    GESTART = "gestart"
    IMPLEMENTATIEFASE = "implementatiefase"
    GEIMPLEMENTEERD = "geïmplementeerd"
    OPERATIONEEL = "operationeel"


class Source(StrEnum):
    """Where a row of the bundled pool comes from (see data/README.md).

    >>> Source("synthetisch").name
    'SYNTHETISCH'
    """

    RAPPORT = "rapport"
    OPENBAAR = "openbaar"
    RAPPORT_AFGELEID = "rapport-afgeleid"
    SYNTHETISCH = "synthetisch"


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


#: Codebook attribute -> the enum of its values (checked against the codebook by the tests).
ENUMS: dict[str, type[StrEnum]] = {
    "regio": Regio,
    "cluster": Cluster,
    "crime_script": CrimeScriptPhase,
    "theorie": Theorie,
    "partners": Partners,
    "innovatie": Innovatie,
    "focus": Focus,
    "type": ProjectType,
    "geografisch_niveau": GeografischNiveau,
    "riec_pijler": RiecPijler,
    "thema": Thema,
    "status": ProjectStatus,
    "source": Source,
}


def projects_from_pool(pool: Pool) -> list[Project]:
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
