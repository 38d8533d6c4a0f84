"""`selectie lottery`: inputs (pool/scenario or sortition files), formats, draws, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

DATA = Path(__file__).parent / "data" / "sortition"
SMALL = DATA / "example_small_20"
SMALL_ARGS = [
    "lottery",
    "--people",
    str(SMALL / "respondents.csv"),
    "--quotas",
    str(SMALL / "categories.csv"),
    "--size",
    "20",
]


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sortition_files_reach_the_published_minimum() -> None:
    """The replication files of example_small_20 give the published leximin minimum (10.0%),
    with probabilities summing to the panel size."""
    code, out, _ = run(*SMALL_ARGS, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert doc["min_probability"] == pytest.approx(0.10, abs=1e-6)
    assert sum(doc["probabilities"].values()) == pytest.approx(20, abs=1e-6)
    assert doc["manifest"]["files"]["quotas"]["path"] == str(SMALL / "categories.csv")


def test_seeded_draw_is_reproducible_and_checked() -> None:
    """--seed draws 20 people; the same seed gives byte-identical output, and every quota
    of the drawn panel is satisfied."""
    code, out, _ = run(*SMALL_ARGS, "--seed", "2024", "--format", "json")
    again = run(*SMALL_ARGS, "--seed", "2024", "--format", "json")[1]
    assert code == 0
    assert out == again
    draw = json.loads(out)["draw"]
    assert len(draw["selected"]) == 20
    assert draw["ok"] is True
    rows = list(
        csv.DictReader((SMALL / "respondents.csv").read_text(encoding="utf-8").splitlines())
    )
    chosen = [rows[int(i) - 1] for i in draw["selected"]]
    for category, value, lo in (
        ("gender", "female", 9),
        ("gender", "male", 9),
        ("leaning", "liberal", 9),
        ("leaning", "conservative", 9),
    ):
        assert sum(1 for r in chosen if r[category] == value) >= lo


def test_different_seeds_draw_differently() -> None:
    """Two seeds give two different draws (the digest records the seed)."""
    a = json.loads(run(*SMALL_ARGS, "--seed", "1", "--format", "json")[1])["draw"]
    b = json.loads(run(*SMALL_ARGS, "--seed", "2", "--format", "json")[1])["draw"]
    assert a["digest"] != b["digest"]
    assert a["selected"] != b["selected"]


def test_table_output_has_no_timings_and_is_deterministic() -> None:
    """The text output states the minimum and is the same on every run (no run time)."""
    code, out, _ = run(*SMALL_ARGS, "--method", "maximin")
    assert code == 0
    assert out.splitlines()[0] == (
        "maximin lottery over valid selections of 20 from 200 cases: status optimal"
    )
    assert "minimum selection probability: 10.0000%" in out
    assert " s, " not in out
    assert run(*SMALL_ARGS, "--method", "maximin")[1] == out


def test_csv_has_one_row_per_case(tmp_path: Path) -> None:
    """CSV output lists every case with its probability, and marks the drawn ones."""
    target = tmp_path / "out.csv"
    code, _, _ = run(*SMALL_ARGS, "--seed", "x", "--format", "csv", "--output", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 200
    assert sum(float(r["probability"]) for r in rows) == pytest.approx(20, abs=1e-6)
    assert sum(1 for r in rows if r["drawn"] == "yes") == 20


def test_households_are_respected(tmp_path: Path) -> None:
    """--household: two people at one address never sit together, so the third is always
    selected (by hand: valid pairs a+c and b+c, 1/2 each); without it, each pair 1/3."""
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,2\nsex,m,0,2\n")
    people = write(
        tmp_path, "p.csv", "id,sex,street\na,f,1 Main St\nb,m,1 main st \nc,f,2 Main St\n"
    )
    args = ["lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2"]
    code, out, _ = run(*args, "--household", "street", "--format", "json")
    assert code == 0
    probs = json.loads(out)["probabilities"]
    assert [probs[i] for i in "abc"] == pytest.approx([0.5, 0.5, 1.0], abs=1e-6)
    without = json.loads(run(*args, "--format", "json")[1])["probabilities"]
    assert [without[i] for i in "abc"] == pytest.approx([2 / 3] * 3, abs=1e-6)


def test_uniform_best_on_the_bundled_pool() -> None:
    """uniform-best with --count 3 on the Bijlage 4 scenario: three selections, 1/3 each."""
    code, out, _ = run("lottery", "--method", "uniform-best", "--count", "3", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [e["probability"] for e in doc["support"]] == pytest.approx([1 / 3] * 3)
    assert [e["rank"] for e in doc["support"]] == [1, 2, 3]
    assert sum(doc["probabilities"].values()) == pytest.approx(13, abs=1e-9)


# -- exit codes and messages ------------------------------------------------------------------


def test_infeasible_quotas_exit_1(tmp_path: Path) -> None:
    """Quotas that no panel meets: exit 1 with the reason, and status infeasible."""
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,3,3\nsex,m,0,3\n")
    people = write(tmp_path, "p.csv", "id,sex\na,f\nb,m\nc,f\nd,m\n")
    code, out, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2", "-f", "json"
    )
    assert code == 1
    assert err.startswith("no lottery (infeasible): no selection satisfies every constraint")
    assert json.loads(out)["status"] == "infeasible"


def test_bad_quotas_file_exit_2_and_nothing_written(tmp_path: Path) -> None:
    """A bad number in the quotas file: exit 2, file/row/column in the message, no output."""
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,one,1\n")
    people = write(tmp_path, "p.csv", "id,sex\na,f\n")
    target = tmp_path / "out.json"
    code, out, err = run(
        "lottery",
        "--people",
        str(people),
        "--quotas",
        str(quotas),
        "--size",
        "1",
        "-o",
        str(target),
    )
    assert code == 2
    assert f"{quotas}, row 2, column 'min': expected a whole number >= 0, found 'one'" in err
    assert "Traceback" not in err + out
    assert not target.exists()


def test_uniform_best_needs_count() -> None:
    """--method uniform-best without --count is a usage error."""
    code, _, err = run("lottery", "--method", "uniform-best")
    assert code == 2
    assert err.strip() == "error: --method uniform-best needs --count N (how many best selections)"


def test_count_without_uniform_best_is_refused() -> None:
    """--count with leximin is a usage error."""
    code, _, err = run("lottery", "--count", "3")
    assert code == 2
    assert err.strip() == "error: --count is only used with --method uniform-best, not leximin"


def test_quotas_without_people_is_refused() -> None:
    """--quotas alone names the missing --people."""
    code, _, err = run("lottery", "--quotas", str(SMALL / "categories.csv"), "--size", "20")
    assert code == 2
    assert err.strip() == (
        "error: a sortition instance needs both --people and --quotas (--people is missing)"
    )


def test_pool_and_people_together_are_refused() -> None:
    """A pool and a sortition people file cannot be combined."""
    code, _, err = run(*SMALL_ARGS, "--pool", str(SMALL / "respondents.csv"))
    assert code == 2
    assert err.strip().startswith("error: --pool cannot be combined with --people/--quotas")


def test_sortition_needs_size() -> None:
    """Without --size a sortition instance is refused."""
    code, _, err = run(
        "lottery",
        "--people",
        str(SMALL / "respondents.csv"),
        "--quotas",
        str(SMALL / "categories.csv"),
    )
    assert code == 2
    assert err.strip() == "error: a sortition instance needs --size (the panel size)"


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    """--output pointing at the people file is refused; the file is unchanged."""
    people = tmp_path / "respondents.csv"
    people.write_bytes((SMALL / "respondents.csv").read_bytes())
    before = people.read_bytes()
    code, _, err = run(
        "lottery",
        "--people",
        str(people),
        "--quotas",
        str(SMALL / "categories.csv"),
        "--size",
        "20",
        "-o",
        str(people),
    )
    assert code == 2
    assert err.startswith("error:")
    assert people.read_bytes() == before


def test_xlsx_needs_an_output_file() -> None:
    """XLSX cannot be printed to the terminal."""
    code, _, err = run(*SMALL_ARGS, "--format", "xlsx")
    assert code == 2
    assert "XLSX output is binary" in err
