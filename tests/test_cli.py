"""The command line: every command, every exit code, JSON that re-checks, flags that change the
scenario, bad input, safe output files, and a real subprocess run outside the repository.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import load_scenario
from selectie.cli import app
from selectie.scenario import Quota
from selectie.solve.default import DEFAULT
from tests.independent import Case, Truth, violations

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT / "data" / "projects_126.csv"
CODEBOOK = ROOT / "data" / "wodc_codebook.toml"
SCENARIO = ROOT / "examples" / "bijlage4.toml"
REPORT13 = [f"R{n:02d}" for n in range(1, 14)]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def wodc_truth() -> Truth:
    """The bundled pool read with csv and tomllib only (not selectie's loader)."""
    book = tomllib.loads(CODEBOOK.read_text(encoding="utf-8"))
    meta = book["codebook"]
    sep, unknown = meta["separator"], meta["unknown"]
    attrs: dict[str, tuple[tuple[str, ...], bool]] = {}
    for a in book["attributes"]:
        codes = tuple(v["code"] if isinstance(v, dict) else v for v in a["values"])
        attrs[a["name"]] = (codes, bool(a.get("multi", False)))
    cases = []
    with POOL.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            values: dict[str, frozenset[str] | None] = {}
            for name, (_codes, multi) in attrs.items():
                cell = row[name].strip()
                if cell == unknown or (not cell and not multi):
                    values[name] = None
                else:
                    parts = [p.strip() for p in cell.split(sep)] if multi else [cell]
                    values[name] = frozenset(p for p in parts if p)
            cases.append(Case(row["id"], values, {}))
    return Truth(attrs, tuple(cases))


# -- select ----------------------------------------------------------------------------------


def test_select_without_arguments_prints_the_bijlage4_selection() -> None:
    """The default run: the report's stated criteria (size, 10 regions, 5 clusters, 5
    theoretical criteria, and one bridge rule per district or regional project of the pool:
    1 + 10 + 5 + 5 + 86 = 107 constraints) give the report's own 13, documented projects
    being preferred among equally good selections, and the output says so.
    """
    code, out, err = run("select")
    assert code == 0, err
    assert out.splitlines()[0] == "Bijlage 4: optimal"
    assert "Selected 13 of 126 cases" in out
    assert "all 107 constraints satisfied" in out
    assert "Region (RIEC region, or the national partners) (regio)" in out
    listed = [
        line.split()[0] for line in out.splitlines() if line[:1] in "ROAS" and line[1:3].isdigit()
    ]
    assert listed == REPORT13
    assert "Relation to the report's 13: the same 13 projects." in out
    assert "selectie freedom" in out


def test_select_with_the_spread_variant_says_which_differ_and_why() -> None:
    """selectie's extension (every crime-script phase, spread over the nadere criteria) takes
    two synthetic projects instead of Orville and Mainports, and the output says why.
    """
    code, out, err = run("select", "--scenario", "bijlage4-spread", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    rel = doc["relation_to_report"]
    assert rel["same"] is False
    assert rel["not_selected"] == ["R07", "R13"] and rel["selected_instead"] == ["S010", "S038"]
    assert "objective (max_overlap) rates them lower" in rel["why"]


def test_json_output_parses_and_its_selection_satisfies_the_scenario_independently() -> None:
    code, out, _ = run("select", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    for key in ("status", "selected", "tables", "constraints", "objective", "solver", "manifest"):
        assert key in doc
    assert doc["status"] == "optimal"
    assert len(doc["selected"]) == 13
    assert all(c["satisfied"] for c in doc["constraints"])
    assert {"name", "required", "achieved", "satisfied"} <= set(doc["constraints"][0])
    assert violations(wodc_truth(), load_scenario(SCENARIO), doc["selected"]) == []
    man = doc["manifest"]
    assert man["files"]["pool"]["path"] == "bundled:projects_126.csv"
    import hashlib

    assert man["files"]["pool"]["sha256"] == hashlib.sha256(POOL.read_bytes()).hexdigest()
    assert man["seed"] == 1 and man["solver"]["name"] == DEFAULT
    assert man["scenario"]["size"] == 13
    # the selected ids are in pool order
    order = [c.id for c in wodc_truth().cases]
    assert doc["selected"] == sorted(doc["selected"], key=order.index)


def test_the_same_run_gives_the_same_bytes() -> None:
    first = run("select", "--format", "json")[1]
    assert first == run("select", "--format", "json")[1]


def test_flags_change_the_scenario_and_the_result_satisfies_the_changed_one() -> None:
    code, out, err = run(
        "select",
        "--size", "15",
        "--include", "R07",
        "--exclude", "S010,S038",
        "--min", "geografisch_niveau=landelijk:3",
        "--max", "regio=Zeeland-Brabant:2",
        "--overlap", "2",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    sel = doc["selected"]
    assert len(sel) == 15 and "R07" in sel and "S010" not in sel and "S038" not in sel
    changed = (
        load_scenario(SCENARIO)
        .with_size(15)
        .with_include("R07")
        .with_exclude("S010", "S038")
        .with_quota(Quota(attribute="geografisch_niveau", values=("landelijk",), min=3))
        .with_quota(Quota(attribute="regio", values=("Zeeland-Brabant",), max=2))
        .with_overlap(2)
    )
    assert violations(wodc_truth(), changed, sel) == []
    assert doc["manifest"]["changes"][0] == "--size 15"
    assert doc["manifest"]["scenario"]["size"] == 15


def test_scenario_show_prints_the_changed_scenario_that_loads_back(tmp_path: Path) -> None:
    code, out, _ = run("scenario", "show", "--size", "14", "--min", "regio:2")
    assert code == 0
    path = tmp_path / "s.toml"
    path.write_text(out, encoding="utf-8")
    s = load_scenario(path)
    assert s.size == 14
    assert s.quotas[-1] == Quota(attribute="regio", min=2)
    assert out.startswith("# changed on the command line: --size 14 --min regio:2\n")


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_each_solver_gives_a_valid_selection(solver: str) -> None:
    code, out, _ = run("select", "--solver", solver, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["solver"]["name"] == solver
    assert violations(wodc_truth(), load_scenario(SCENARIO), doc["selected"]) == []


def test_infeasible_exits_1_with_the_reason() -> None:
    code, out, err = run("select", "--size", "5")
    assert code == 1
    assert "no selection (infeasible)" in err
    assert "regio has 10 values; with at least 1 each that needs 10 cases but size is 5" in err
    assert "Bijlage 4: infeasible" in out


def test_infeasible_json_still_parses() -> None:
    code, out, _ = run("select", "--size", "5", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["status"] == "infeasible" and doc["selected"] == [] and doc["reasons"]


def test_a_solver_error_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    from selectie.errors import SolverError

    def broken(*args: object, **kwargs: object) -> object:
        raise SolverError("the cbc solver crashed (simulated)")

    monkeypatch.setattr("selectie.engine.select", broken)
    code, _, err = run("select")
    assert code == 3
    assert err.strip() == "error: the cbc solver crashed (simulated)"


def test_an_unexpected_exception_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr("selectie.engine.select", broken)
    code, _, err = run("select")
    assert code == 3
    assert "internal error: ZeroDivisionError: simulated bug" in err
    assert "Traceback" not in err


def test_time_limit_and_seed_are_recorded() -> None:
    code, out, _ = run("select", "--time-limit", "60", "--seed", "7", "--format", "json")
    assert code == 0
    man = json.loads(out)["manifest"]
    assert man["seed"] == 7 and man["time_limit"] == 60


# -- formats and output files ----------------------------------------------------------------


def test_csv_output_holds_the_selected_rows_of_the_pool() -> None:
    code, out, _ = run("select", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    assert len(rows) == 13
    with POOL.open(encoding="utf-8", newline="") as fh:
        pool_rows = {r["id"]: r for r in csv.DictReader(fh)}
    for r in rows:
        assert r["regio"] == pool_rows[r["id"]]["regio"]


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_text_formats(fmt: str) -> None:
    code, out, _ = run("select", "--format", fmt)
    assert code == 0
    if fmt == "markdown":
        assert out.startswith("## Bijlage 4: optimal")
        assert "| id " in out
    else:
        assert "\\begin{tabular}" in out


def test_xlsx_needs_an_output_file_and_is_deterministic(tmp_path: Path) -> None:
    code, _, err = run("select", "--format", "xlsx")
    assert code == 2 and "--output" in err
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("select", "-f", "xlsx", "-o", a)[0] == 0
    assert run("select", "-f", "xlsx", "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    import openpyxl

    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames == ["selection", "tables", "constraints", "scenario", "manifest"]
    assert wb["selection"].max_row == 14  # header and 13 cases


def test_output_is_written_to_the_file_and_never_over_an_input(tmp_path: Path) -> None:
    out = tmp_path / "sel.json"
    code, stdout, _ = run("select", "-f", "json", "-o", out)
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "optimal"
    # an input file as output: refused, and the input is untouched
    pool = tmp_path / "pool.csv"
    pool.write_bytes(POOL.read_bytes())
    code, _, err = run("select", "--pool", pool, "-o", pool)
    assert code == 2
    assert "refusing to write the output" in err and "it is an input file" in err
    assert pool.read_bytes() == POOL.read_bytes()


def test_output_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    code, _, err = run("select", "-o", tmp_path / "no" / "such" / "x.json")
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_plot_writes_a_png(tmp_path: Path) -> None:
    png = tmp_path / "coverage.png"
    code, _, err = run("select", "--plot", png)
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- check, tables, validate, scenario init --------------------------------------------------


def test_check_the_reports_own_13_satisfies_bijlage4() -> None:
    code, out, _ = run("check", *REPORT13)
    assert code == 0
    assert out.splitlines()[0] == "13 cases; all 107 constraints satisfied"


def test_check_a_short_selection_exits_1_and_lists_what_is_missed() -> None:
    code, out, err = run("check", "R01", "R02", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["satisfied"] is False
    size = next(c for c in doc["constraints"] if c["name"] == "size")
    assert size["achieved"] == 2 and size["satisfied"] is False
    assert "the selection misses" in err


def test_check_reads_ids_from_the_json_of_select(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    assert run("select", "-f", "json", "-o", out)[0] == 0
    code, stdout, _ = run("check", "--ids", out)
    assert code == 0
    assert stdout.startswith("13 cases; all 107 constraints satisfied")


def test_check_reads_ids_from_a_text_file(tmp_path: Path) -> None:
    f = tmp_path / "ids.txt"
    f.write_text("# the report's 13\n" + "\n".join(REPORT13) + "\n", encoding="utf-8")
    assert run("check", "--ids", f)[0] == 0


def test_check_an_unknown_id_exits_2() -> None:
    code, _, err = run("check", "R01", "R99")
    assert code == 2
    assert "'R99' is not an id in the pool" in err


def test_tables_beside_the_published_ones() -> None:
    code, out, _ = run("tables", *REPORT13, "--published", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    # the report's 13 reproduce the published tables: every difference is zero
    diffs = [r["difference"] for r in rows if r.get("difference") is not None]
    assert diffs and all(d == 0 for d in diffs)
    limburg = next(r for r in rows if r["attribute"] == "regio" and r["value"] == "Limburg")
    assert (limburg["selected"], limburg["pool"], limburg["reference"]) == (1, 8, 1)


def test_tables_without_ids_exits_2() -> None:
    code, _, err = run("tables")
    assert code == 2 and "no selection given" in err


def test_validate_the_bundled_pool() -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert out.startswith("the bundled pool: 126 cases")
    assert "the bundled scenario: 107 constraints on this pool: valid" in out


def test_validate_reports_every_bad_row(tmp_path: Path) -> None:
    text = POOL.read_text(encoding="utf-8").splitlines()
    bad = [text[0]]
    for line in text[1:4]:
        bad.append(line.replace("Limburg", "Limbrug").replace("Oost-Nederland", "Oost-NL"))
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(bad) + "\n", encoding="utf-8")
    code, out, err = run("validate", "--pool", p)
    assert code == 2 and out == ""
    assert "row 2, column 'regio'" in err and "'Limbrug'" in err and "did you mean 'Limburg'" in err
    assert "row 3, column 'regio'" in err and "'Oost-NL'" in err


def test_scenario_init_writes_a_valid_commented_scenario(tmp_path: Path) -> None:
    path = tmp_path / "start.toml"
    code, _, _ = run("scenario", "init", "--size", "9", "-o", path)
    assert code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A starting scenario for the bundled pool (126 cases")
    s = load_scenario(path)
    assert s.size == 9 and s.objective.kind == "max_overlap"
    # every commented example is valid too once uncommented
    uncommented = "\n".join(
        line[2:] if (line.startswith("# ") and "=" in line) or line.startswith("# [") else line
        for line in text.splitlines()
        if not line.startswith("# A ") and not line.startswith("# It ")
    )
    full = tmp_path / "full.toml"
    full.write_text(uncommented.replace("# include = []", "").replace("# exclude = []", ""))
    s2 = load_scenario(full)
    assert len(s2.quotas) == 2 and s2.coverage and s2.combinations and s2.group_limits
    assert run("select", "--scenario", full)[0] in (0, 1)


# -- bad input: exit 2, one clear message, no traceback, nothing written ---------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pool", "nope.csv"], "error: pool file 'nope.csv' does not exist"),
        (["--scenario", "nope.toml"], "error: scenario 'nope.toml' does not exist"),
        (
            ["--min", "regoi=Limburg:2"],
            "'regoi' is not an attribute of codebook 'wodc-ondermijning-2019'",
        ),
        (["--min", "regoi=Limburg:2"], "did you mean 'regio'?"),
        (["--max", "regio=Limbrug:1"], "'Limbrug' is not a value of 'regio'"),
        (["--min", "regio=Limburg"], "expected ATTR=VALUE:N or ATTR:N"),
        (["--min", "regio=Limburg:two"], "the count after ':' must be a whole number"),
        (["--size", "500"], "error: size 500 is larger than the pool (126 cases)"),
        (["--size", "0"], "--size 0: the size must be at least 1"),
        (
            ["--include", "R01", "--exclude", "R01"],
            "'R01' is both included and excluded; remove it from one of the two lists",
        ),
        (["--include", "R99"], "--include 'R99' is not an id in the pool"),
        (["--cover", "typo"], "--cover 'typo': 'typo' is not an attribute"),
        (["--objective", "best"], "--objective 'best': expected one of feasibility"),
        (["--objective", "match_target"], "objective 'match_target' needs a target"),
        (["--overlap", "0"], "--overlap 0: the overlap must be at least 1"),
        (["--reference", "nope.toml"], "reference 'nope.toml' does not exist"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    code, stdout, err = run("select", *args, "-o", out)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert stdout == ""


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("size = 13\n[[quotas]\nattribute = 'regio'\n", encoding="utf-8")
    code, _, err = run("select", "--scenario", bad)
    assert code == 2
    assert str(bad) in err and "line 2" in err
    assert "Traceback" not in err


def test_a_scenario_naming_an_unknown_attribute(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("size = 13\n[[quotas]]\nattribute = 'regoi'\nmin = 1\n", encoding="utf-8")
    code, _, err = run("select", "--scenario", bad)
    assert code == 2
    assert "'regoi' is not an attribute" in err and "did you mean 'regio'?" in err


def test_unknown_option_and_bad_choice_are_usage_errors() -> None:
    assert run("select", "--colour")[0] == 2
    assert run("select", "--solver", "gurobi")[0] == 2
    assert run("select", "--format", "pdf")[0] == 2


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr("selectie.engine.select", broken)
    result = CliRunner().invoke(app, ["--debug", "select"])
    assert result.exit_code == 3
    assert "Traceback" in result.stderr


# -- start-up and a real process -------------------------------------------------------------


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from selectie.cli import app\n"
        "heavy = [m for m in ('pandas', 'pulp', 'highspy', 'numpy', 'matplotlib') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_every_command_has_help() -> None:
    for cmd in (["select"], ["check"], ["tables"], ["validate"], ["scenario", "show"],
                ["scenario", "init"]):  # fmt: skip
        code, out, _ = run(*cmd, "--help")
        assert code == 0 and out.startswith("Usage: ")


def test_a_real_subprocess_outside_the_repository(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "selectie", "select", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["selected"]) == 13
    bad = subprocess.run(
        [sys.executable, "-m", "selectie", "select", "--pool", "missing.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: pool file 'missing.csv' does not exist")
    assert "Traceback" not in bad.stderr


def test_a_bundled_scenario_by_name_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("select", "--scenario", "bijlage4-exact", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    # matching the published tables exactly: the report's own 13, deviation 0
    assert doc["selected"] == REPORT13
    assert doc["objective"]["value"] == 0
    assert doc["manifest"]["files"]["scenario"]["path"] == "bundled:bijlage4-exact.toml"


def test_sweep_reports_each_variant_and_draws_the_map(tmp_path: Path) -> None:
    png = tmp_path / "map.png"
    code, out, err = run(
        "sweep", "--sizes", "9,13", "--overlaps", "1", "--workers", "1",
        "--format", "json", "--plot", png,
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    # size 9 cannot give each of the ten regions a case; 13 can (the report did)
    assert [(r["size"], r["overlap"], r["status"]) for r in rows] == [
        (9, 1, "infeasible"),
        (13, 1, "optimal"),
    ]
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "ten"], "--sizes 'ten': expected whole numbers"),
        (["--sizes", "20-10"], "'20-10' is not a range of numbers >= 1"),
        (["--sizes", "120-130"], "127 is larger than the pool (126 cases)"),
    ],
)
def test_sweep_bad_ranges_exit_2(args: list[str], message: str) -> None:
    code, _, err = run("sweep", *args)
    assert code == 2 and message in err
