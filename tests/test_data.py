"""The bundled WODC dataset: provenance, the report's 13, and the published tables."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from selectie import Pool, load_reference

ROOT = Path(__file__).resolve().parent.parent

# Typed by hand from Bijlage 4 of the report (not read from any file of the repository).
PUBLISHED = {
    "regio": {
        "Amsterdam-Amstelland": 1,
        "Zeeland-Brabant": 2,
        "Den Haag": 1,
        "Rotterdam": 1,
        "Limburg": 1,
        "Oost-Nederland": 1,
        "Noord-Nederland": 1,
        "Noord-Holland": 2,
        "Midden-Nederland": 1,
        "Landelijke partners": 2,
    },
    "cluster": {
        "geldstromen": 2,
        "kwetsbare gebieden": 1,
        "risicolocaties": 4,
        "weerbare overheid": 1,
        "weerbare samenleving": 3,
        "overkoepelend": 2,
    },
    "partners": {"publiek": 3, "publiek-privaat": 10, "privaat": 0},
    "innovatie": {"innovatief": 8, "voortbouwend": 5},
    "focus": {"preventie": 2, "preventie en repressie": 6, "repressie": 2, "niet duidelijk": 3},
    "type": {
        "ICT-tool": 1,
        "controle en handhaving": 1,
        "integraal team": 2,
        "management": 1,
        "proeftuin": 1,
        "fenomeenonderzoek": 1,
        "allerhande": 6,
        "opleiding": 0,
    },
    "geografisch_niveau": {"district": 4, "regio": 4, "landelijk": 4, "internationaal": 1},
    "theorie": {
        "intelligence": 6,
        "organisatie en management": 2,
        "uitvoerkracht": 5,
        "borging": 7,
    },
}


def report_rows(pool: Pool) -> list[int]:
    return [
        i for i in range(len(pool)) if pool.values["selected_in_report"][i] == frozenset({"ja"})
    ]


def counts(pool: Pool, positions: list[int], attribute: str) -> Counter[str]:
    c: Counter[str] = Counter()
    for i in positions:
        for code in pool.values[attribute][i] or ():
            c[code] += 1
    return c


def test_thirteen_projects_are_marked_selected(wodc_pool: Pool) -> None:
    """Exactly the 13 report rows R01..R13 are marked as selected in the report."""
    rows = report_rows(wodc_pool)
    assert [wodc_pool.ids[i] for i in rows] == [f"R{n:02d}" for n in range(1, 14)]
    assert all(wodc_pool.values["source"][i] == frozenset({"rapport"}) for i in rows)


@pytest.mark.parametrize("attribute", sorted(PUBLISHED))
def test_report_projects_reproduce_published_tables(wodc_pool: Pool, attribute: str) -> None:
    """The 13 report projects' counts equal the numbers published in Bijlage 4."""
    got = counts(wodc_pool, report_rows(wodc_pool), attribute)
    for value, expected in PUBLISHED[attribute].items():
        assert got[value] == expected, (attribute, value)


def test_single_valued_report_counts_add_up_to_13(wodc_pool: Pool) -> None:
    """Every single-valued published criterion is known for all 13 projects."""
    rows = report_rows(wodc_pool)
    for attribute in PUBLISHED:
        if not wodc_pool.codebook.attribute(attribute).multi:
            assert sum(counts(wodc_pool, rows, attribute).values()) == 13, attribute


def test_bundled_reference_equals_typed_numbers() -> None:
    """data/bijlage4_published.toml holds the same numbers as typed here from the report."""
    ref = load_reference("bijlage4")
    for attribute, table in PUBLISHED.items():
        assert ref[attribute] == table, attribute


def test_every_row_says_where_it_comes_from(wodc_pool: Pool) -> None:
    """Every row has a source; synthetic rows say so in their name and source_ref."""
    by_source = Counter(next(iter(v or ())) for v in wodc_pool.values["source"])
    assert sum(by_source.values()) == 126
    assert by_source["rapport"] == 13
    for i, src in enumerate(wodc_pool.values["source"]):
        if src == frozenset({"synthetisch"}):
            assert wodc_pool.ids[i].startswith("S")
            assert (wodc_pool.names[i] or "").startswith("Synthetisch project")
            assert "build_pool.py" in wodc_pool.extra["source_ref"][i]
        else:
            assert wodc_pool.extra["source_ref"][i].strip(), wodc_pool.ids[i]


def test_public_rows_cite_a_url(wodc_pool: Pool) -> None:
    """Rows coded from public sources carry the source URL."""
    for i, src in enumerate(wodc_pool.values["source"]):
        if src == frozenset({"openbaar"}):
            assert "http" in wodc_pool.extra["source_ref"][i], wodc_pool.ids[i]


def test_every_report_cell_has_evidence(wodc_pool: Pool) -> None:
    """Each known value of the 13 report rows rests on at least one quoted sentence."""
    with open(ROOT / "data" / "evidence.csv", encoding="utf-8", newline="") as fh:
        evidence = {(r["id"], r["attribute"], r["value"]) for r in csv.DictReader(fh) if r["quote"]}
    missing = []
    for i in report_rows(wodc_pool):
        for attr in wodc_pool.codebook.attributes:
            if attr.name in ("source", "selected_in_report"):
                continue
            for code in wodc_pool.values[attr.name][i] or ():
                if (wodc_pool.ids[i], attr.name, code) not in evidence:
                    missing.append((wodc_pool.ids[i], attr.name, code))
    assert missing == []


def test_generator_reproduces_the_shipped_pool() -> None:
    """scripts/build_pool.py --check rebuilds data/projects_126.csv byte for byte."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_pool.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_projects_are_typed_models(wodc_pool: Pool) -> None:
    """The typed Project models carry enums and booleans for the 13 report rows."""
    from selectie.models import Regio

    projects = wodc_pool.projects()
    assert len(projects) == 126
    assert sum(p.selected_in_report for p in projects) == 13
    assert projects[0].regio is Regio.LIMBURG


def test_model_enums_equal_codebook(wodc_pool: Pool) -> None:
    """Each WODC enum has exactly the codes of its codebook attribute, in order."""
    from selectie.models import ENUMS

    for name, enum in ENUMS.items():
        assert tuple(e.value for e in enum) == wodc_pool.codebook.attribute(name).codes, name


def test_project_json_schema_exports() -> None:
    """The Project model exports a JSON Schema with the region enum."""
    import json

    from selectie import json_schema

    schema = json.loads(json_schema())
    assert "Limburg" in json.dumps(schema["$defs"]["Regio"])
