"""The WODC dataset's criteria as enums: one per attribute of the bundled codebook, whose
values are the codes of ``data/wodc_codebook.toml`` as the report writes them (a test keeps the
two identical). :mod:`selectie.models` types a project with them.

>>> Regio("Limburg") is Regio.LIMBURG, ENUMS["regio"] is Regio
(True, True)
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ENUMS",
    "Cluster",
    "CrimeScriptPhase",
    "Focus",
    "GeografischNiveau",
    "Innovatie",
    "Partners",
    "ProjectStatus",
    "ProjectType",
    "Regio",
    "RiecPijler",
    "Source",
    "Thema",
    "Theorie",
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
    """The status of a project as Bijlage 4 describes it (known for seven of the 13).

    >>> ProjectStatus("gestart").name
    'GESTART'
    """

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
