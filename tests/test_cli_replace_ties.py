"""`selectie replace` breaks ties as its help says: of the equally good repairs, the one whose
cases have the smallest sum of pool positions, so a one-for-one repair takes the earliest
suitable case; checked against every one-for-one repair tried by brute force.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

QUOTAS = "feature,value,min,max\nsex,f,2,2\nsex,m,1,2\nregion,n,1,3\nregion,s,1,3\n"


def people(seed: int) -> str:
    rng = random.Random(seed)
    rows = ["id,sex,region"]
    rows += [f"q{i:02d},{rng.choice('fm')},{rng.choice('ns')}" for i in range(16)]
    return "\n".join(rows) + "\n"


def valid(panel: set[str], by_id: dict[str, dict[str, str]]) -> bool:
    for q in csv.DictReader(io.StringIO(QUOTAS)):
        count = sum(1 for p in panel if by_id[p][q["feature"]] == q["value"])
        if not int(q["min"]) <= count <= int(q["max"]):
            return False
    return True


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_replace_takes_the_earliest_suitable_case(tmp_path: Path, seed: int) -> None:
    """With one drop-out and a one-for-one repair possible, replace adds the suitable case
    (one that keeps every quota) earliest in the people file, as its help documents.
    """
    text = people(seed)
    by_id = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    order = list(by_id)
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    (tmp_path / "q.csv").write_text(QUOTAS, encoding="utf-8")
    # a valid panel of 4: the first valid one in file order, by brute force

    panel = next(set(c) for c in itertools.combinations(order, 4) if valid(set(c), by_id))
    drop = min(panel, key=order.index)
    suitable = [p for p in order if p not in panel and valid(panel - {drop} | {p}, by_id)]
    if not suitable:
        pytest.skip("no one-for-one repair on this pool")
    out = tmp_path / "rep.json"
    args = ["replace", "--people", str(tmp_path / "p.csv"), "--quotas", str(tmp_path / "q.csv")]
    args += ["--size", "4", *sorted(panel), "--drop", drop, "-f", "json", "-o", str(out)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["added"] == [suitable[0]]
    assert doc["lost"] == []


def test_the_help_states_the_tie_rule() -> None:
    """The rule is in `selectie replace --help`, with the lottery's different rule beside it."""
    result = CliRunner().invoke(app, ["replace", "--help"], terminal_width=200)
    text = " ".join(result.stdout.split())
    assert "the one whose cases have the smallest sum of pool positions" in text
    assert "a one-for-one repair takes the earliest suitable case in the pool" in text
    assert "ranks the same equally good replacements by the draw's seed instead" in text
