"""`selectie explain | alternatives | importance | replace`: inputs, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from selectie.cli import app

REPORT13 = [f"R{k:02d}" for k in range(1, 14)]


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_explain_names_the_conflict_and_exits_1() -> None:
    """Overlap 2 on the table attributes is infeasible: exit 1, with the quick checks, a
    verified minimal conflict and a verified relaxation in the text.
    """
    code, out, _ = run("explain", "--overlap", "2", "--cover", "regio", "--cover", "type")
    assert code == 1
    assert "regio has 10 values; with at least 2 each that needs 20 cases but size is 13" in out
    assert "a minimal conflict (" in out and "verified):" in out
    assert "but size is 13" in out
    assert "smallest relaxation" in out and "verified by solving it again" in out


def test_explain_feasible_exits_0() -> None:
    """The bundled scenario is feasible: nothing to explain, exit 0."""
    code, out, _ = run("explain")
    assert (code, out) == (0, "the scenario is feasible: nothing to explain\n")


def test_explain_json_is_reproducible() -> None:
    """JSON output carries the conflict, the relaxation and the manifest, byte-identical
    between runs.
    """
    args = ("explain", "--size", "8", "--format", "json")
    code, out, _ = run(*args)
    assert code == 1
    assert out == run(*args)[1]
    doc = json.loads(out)
    assert doc["feasible"] is False and doc["conflict_verified"] is True
    assert {c["name"] for c in doc["conflict"]} >= {"size"}
    assert doc["relaxation_verified"] is True
    assert doc["manifest"]["scenario"]["size"] == 8


def test_alternatives_csv_rows() -> None:
    """--count 3 --format csv: three rows, the first the selection `select` returns."""
    code, out, _ = run("alternatives", "--count", "3", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    sel = json.loads(run("select", "--format", "json")[1])["selected"]
    assert rows[0]["selected"].split() == sel
    assert len({r["selected"] for r in rows}) == 3


def test_alternatives_infeasible_exits_1_and_writes_no_csv() -> None:
    """An infeasible scenario: exit 1 with the reason on standard error, no CSV rows."""
    code, out, err = run("alternatives", "--size", "2", "--format", "csv")
    assert code == 1 and out == ""
    assert "no selection (infeasible)" in err


def test_importance_json() -> None:
    """The bundled scenario: no irreplaceable case; O07 and O10 have no possible bridge."""
    code, out, _ = run("importance", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["irreplaceable"] == []
    assert doc["impossible"] == ["O07", "O10"]
    assert len(doc["cases"]) == 126


def test_replace_keeps_the_other_twelve(tmp_path: Path) -> None:
    """Dropping R09 from the report's 13 under the exact scenario keeps the other 12."""
    ids = tmp_path / "r13.txt"
    ids.write_text("\n".join(REPORT13) + "\n", encoding="utf-8")
    code, out, _ = run(
        "replace", "--ids", str(ids), "--drop", "R09", "-s", "bijlage4-exact", "-f", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert sorted(doc["kept"]) == sorted(set(REPORT13) - {"R09"})
    assert len(doc["added"]) == 1 and doc["lost"] == []
    assert len(doc["selected"]) == 13 and "R09" not in doc["selected"]
    assert all(c["satisfied"] for c in doc["constraints"])


def test_replace_table_starts_with_the_change() -> None:
    """The table output says what changed before the new selection."""
    code, out, _ = run("replace", *REPORT13, "--drop", "R05", "-s", "bijlage4-exact")
    assert code == 0
    assert out.startswith("kept 12 of the 12 remaining cases; added ")


def test_replace_bad_drop_is_bad_input() -> None:
    """Dropping a case that is not in the selection: exit 2, a clear message, no output."""
    code, out, err = run("replace", "R01", "R02", "--drop", "R03", "--size", "2")
    assert code == 2 and out == ""
    assert "drop[0]: 'R03' is not in the selection to repair" in err


def test_replace_without_drop_is_bad_input() -> None:
    """No --drop: exit 2."""
    code, _, err = run("replace", *REPORT13)
    assert code == 2
    assert "no case to drop was given" in err


def test_no_progress_bar_when_not_a_terminal() -> None:
    """Piped (as under the test runner), nothing but the result is written."""
    code, _, err = run("alternatives", "--count", "2")
    assert code == 0 and err == ""
