"""An infeasible result's JSON (and Markdown) carries why: the minimal conflict and the
smallest relaxation, for `select`, the what-if commands and `lottery`; exit codes unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from selectie.cli import app
from selectie.scenario import Scenario
from tests.independent import violations
from tests.test_cli import wodc_truth

#: Overlap 2 on regio with 13 cases: regio has 10 values, 20 cases needed (infeasible).
INFEASIBLE = ("--overlap", "2", "--cover", "regio")
REPORT13 = [f"R{k:02d}" for k in range(1, 14)]


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def check_explained(doc: dict[str, Any]) -> None:
    """The document says infeasible and carries a verified conflict and relaxation whose
    relaxed selection meets the relaxed scenario, re-checked with csv and tomllib only.
    """
    assert doc["status"] == "infeasible"
    why = doc["explanation"]
    assert why["feasible"] is False
    assert why["conflict_verified"] is True and why["relaxation_verified"] is True
    names = {c["name"] for c in why["conflict"]}
    assert "size" in names and any(n.startswith("regio=") for n in names)
    relaxed = Scenario.model_validate(why["relaxed_scenario"])
    assert violations(wodc_truth(), relaxed, why["relaxed_selection"]) == []


def test_select_json_carries_the_explanation() -> None:
    """`select -f json` on an infeasible scenario: exit 1, the explanation in the JSON."""
    code, out, _ = run("select", *INFEASIBLE, "-f", "json")
    assert code == 1
    check_explained(json.loads(out))


def test_select_json_of_a_feasible_scenario_has_no_explanation() -> None:
    """A feasible run's JSON is as before: no ``explanation`` key."""
    code, out, _ = run("select", "-f", "json")
    assert code == 0
    assert "explanation" not in json.loads(out)


def test_alternatives_and_importance_json_carry_the_explanation() -> None:
    """The what-if commands on an infeasible scenario: exit 1, the explanation in the JSON
    (importance used to fail with exit 2 on its empty rows).
    """
    for command in ("alternatives", "importance"):
        code, out, err = run(command, *INFEASIBLE, "-f", "json")
        assert code == 1, (command, err)
        check_explained(json.loads(out))


def test_replace_json_explains_the_scenario_without_the_dropped_cases() -> None:
    """`replace` whose scenario cannot be met: the explanation is of that scenario."""
    code, out, _ = run("replace", *REPORT13, "--drop", "R05", *INFEASIBLE, "-f", "json")
    assert code == 1
    doc = json.loads(out)
    check_explained(doc)
    assert "R05" in doc["explanation"]["relaxed_scenario"]["exclude"]


def test_markdown_carries_the_explanation_rows() -> None:
    """`select -f markdown`: the conflict and relaxation rows follow the result."""
    code, out, _ = run("select", *INFEASIBLE, "-f", "markdown")
    assert code == 1
    assert "| conflict" in out and "| relaxation" in out


def test_csv_of_an_infeasible_scenario_writes_nothing(tmp_path: Path) -> None:
    """CSV holds result rows: none is written, the exit code says why (as before)."""
    out = tmp_path / "sel.csv"
    code, _, err = run("select", *INFEASIBLE, "-f", "csv", "-o", out)
    assert code == 1 and "infeasible" in err
    assert not out.exists()


def test_lottery_json_of_infeasible_sortition_quotas(tmp_path: Path) -> None:
    """Three f at least and one m at least, but 3 seats: the conflict is all three (drop any
    one and the rest fit), and lowering f to 2 is the smallest relaxation, by hand.
    """
    people = tmp_path / "p.csv"
    people.write_text("id,sex\na,f\nb,f\nc,f\nd,m\n", encoding="utf-8")
    quotas = tmp_path / "q.csv"
    quotas.write_text("feature,value,min,max\nsex,f,3,3\nsex,m,1,3\n", encoding="utf-8")
    code, out, err = run(
        "lottery", "--people", people, "--quotas", quotas, "--size", "3", "-f", "json"
    )
    assert code == 1
    why = json.loads(out)["explanation"]
    assert [c["name"] for c in why["conflict"]] == ["size", "sex=f", "sex=m"]
    assert [(m["name"], m["bound"], m["old"], m["new"]) for m in why["relaxation"]] == [
        ("sex=f", "min", 3, 2)
    ]
    assert "smallest relaxation" in err  # still said on standard error too


def test_lottery_json_on_a_pool_and_scenario() -> None:
    """A lottery over the bundled pool whose scenario cannot be met: explained in JSON."""
    code, out, _ = run("lottery", *INFEASIBLE, "--method", "maximin", "-f", "json")
    assert code == 1
    check_explained(json.loads(out))
