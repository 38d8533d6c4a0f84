"""A selection says where its cases come from (the pool's `source` column) and marks the
synthetic rows, in the text summary, the listing and the JSON (review finding 10).

The expected sources are read from data/projects_126.csv with the csv module, not from
selectie.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import Pool, Scenario, load_codebook, load_pool, load_scenario, select
from selectie.cli import app

DATA = Path(__file__).resolve().parent.parent / "data" / "projects_126.csv"


@pytest.fixture(scope="module")
def source_of() -> dict[str, str]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row["source"] for row in csv.DictReader(fh)}


def test_spread_selection_counts_sources_and_names_synthetic_rows(
    source_of: dict[str, str],
) -> None:
    """bijlage4-spread: one line counts the 13 cases by source and lists the synthetic ones."""
    result = CliRunner().invoke(app, ["select", "-s", "bijlage4-spread", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    chosen = doc["selected"]
    assert doc["sources"] == {i: source_of[i] for i in chosen}
    assert doc["by_source"] == dict(Counter(source_of[i] for i in chosen))
    synthetic = [i for i in chosen if source_of[i] == "synthetisch"]
    assert synthetic  # this scenario picks synthetic rows (S010, S038 with CBC)
    assert doc["synthetic"] == synthetic

    text = CliRunner().invoke(app, ["select", "-s", "bijlage4-spread"]).stdout
    counts = Counter(source_of[i] for i in chosen)
    order = ("rapport", "openbaar", "rapport-afgeleid", "synthetisch")  # the codebook's
    line = (
        "by source: "
        + ", ".join(f"{s} {counts[s]}" for s in order if counts[s])
        + f"; {len(synthetic)} of 13 selected cases are synthetic rows, not real cases: "
        + ", ".join(synthetic)
    )
    assert f"\n{line}\n" in text
    listed = [row.split()[0] for row in text.splitlines() if "(synthetic)" in row]
    assert listed == synthetic


def test_report_selection_has_no_synthetic_rows() -> None:
    """The report's 13 projects are all `rapport` rows: counted, none marked synthetic."""
    data = select(load_pool(), load_scenario()).to_dict()
    assert data["by_source"] == {"rapport": 13}
    assert data["synthetic"] == []
    assert "by source: rapport 13" in str(select(load_pool(), load_scenario()))


def test_dutch_marks_synthetic_rows_in_dutch() -> None:
    """Under nl the marker and the line are Dutch; the source values stay as written."""
    result = CliRunner().invoke(app, ["--lang", "nl", "select", "-s", "bijlage4-spread"])
    assert result.exit_code == 0
    assert "(synthetisch)" in result.stdout
    assert "(synthetic)" not in result.stdout
    assert "\nnaar bron: rapport " in result.stdout
    assert "by source" not in result.stdout


def test_pool_without_source_column_has_no_provenance() -> None:
    """A pool without a `source` column: no line, and no provenance keys in the JSON."""
    pool = load_pool()
    cb = load_codebook()
    records = [
        {"id": i, "regio": next(iter(pool.values["regio"][n] or {"onbekend"}))}
        for n, i in enumerate(pool.ids)
    ]
    from selectie.codebook import codebook_from_dict

    small = codebook_from_dict(
        {
            "codebook": {"name": "regio only", "id_column": "id"},
            "attributes": [{"name": "regio", "values": list(cb.attribute("regio").codes)}],
        }
    )
    bare = Pool.from_records(records, small)
    sel = select(bare, Scenario(size=3))
    assert sel.ok
    assert not {"sources", "by_source", "synthetic"} & sel.to_dict().keys()
    assert "by source" not in str(sel)
