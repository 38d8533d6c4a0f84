"""Bad input to `lottery` and the what-if commands: one clear message (file, row, column,
expected, found, what to do), exit 2, no traceback, nothing written.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT / "data" / "projects_126.csv"

PEOPLE = "id,sex\na,f\nb,m\nc,f\nd,m\n"
QUOTAS = "feature,value,min,max\nsex,f,1,2\nsex,m,1,2\n"

#: name -> (files to write, the lottery's arguments after `lottery`, what stderr must say)
LOTTERY_CASES: dict[str, tuple[dict[str, str], list[str], list[str]]] = {
    "missing people file": (
        {"q.csv": QUOTAS},
        ["--people", "nope.csv", "--quotas", "q.csv", "--size", "2"],
        ["people file 'nope.csv' does not exist", "Check the path"],
    ),
    "quota feature not a column": (
        {"p.csv": PEOPLE, "q.csv": "feature,value,min,max\nage,young,1,2\n"},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2"],
        ["p.csv, row 1, column 'age'", "has feature 'age', but the people file has no such"],
    ),
    "min larger than max": (
        {"p.csv": PEOPLE, "q.csv": "feature,value,min,max\nsex,f,3,1\nsex,m,1,2\n"},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2"],
        ["q.csv, row 2, column 'min': min (3) is larger than max (1)"],
    ),
    "size larger than the pool": (
        {"p.csv": PEOPLE, "q.csv": QUOTAS},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "9"],
        ["size 9 is larger than the pool (4 people)", "Give a smaller --size"],
    ),
    "unreadable XLSX people file": (
        {"p.xlsx": "not a zip file", "q.csv": QUOTAS},
        ["--people", "p.xlsx", "--quotas", "q.csv", "--size", "2"],
        ["'p.xlsx' is not a readable XLSX workbook", "save it again"],
    ),
    "duplicate ids": (
        {"p.csv": "id,sex\na,f\nb,m\nA,f\nd,m\n", "q.csv": QUOTAS},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2"],
        [
            "p.csv, row 4, column 'id': duplicate id 'A' (also at row 2)",
            "Give every person an id of their own",
        ],
    ),
    "a column twice in the header": (
        {"p.csv": "id,sex,Sex\na,f,f\nb,m,m\n", "q.csv": QUOTAS},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2"],
        ["p.csv, row 1, column 'Sex': the header has the column 'Sex' twice (columns 2 and 3)"],
    ),
    "missing id column": (
        {"p.csv": PEOPLE, "q.csv": QUOTAS},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2", "--id-column", "nr"],
        ["p.csv, row 1, column 'nr': the id column is missing", "the header has: id, sex"],
    ),
    "uniform over the cap": (
        {"p.csv": PEOPLE, "q.csv": QUOTAS},
        ["--people", "p.csv", "--quotas", "q.csv", "--size", "2", "--uniform", "999999999"],
        ["at most 100000 panels are supported, found 999999999"],
    ),
}


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_one_clear_error(code: int, out: str, err: str, says: list[str]) -> None:
    """Exit 2, one error (its first line starting 'error: '), saying each of ``says``, with
    no traceback and nothing on standard output.
    """
    assert code == 2, err
    assert err.startswith("error: ") and err.count("error: ") == 1, err
    for words in says:
        assert words in err, err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("case", list(LOTTERY_CASES))
def test_lottery_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """Each bad sortition input: one clear error, exit 2, and no output file written."""
    monkeypatch.chdir(tmp_path)
    files, args, says = LOTTERY_CASES[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(
        "lottery", *args, "-f", "json", "-o", "out.json",
        "--selected", "sel.csv", "--reserve", "res.csv",
    )  # fmt: skip
    assert_one_clear_error(code, out, err, says)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def bundled_rows() -> list[list[str]]:
    with POOL.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


WHATIF = {
    "explain": [],
    "alternatives": ["--count", "2"],
    "importance": [],
    "replace": ["R01", "R02", "--drop", "R01"],
    "lottery": [],
}


@pytest.mark.parametrize("command", list(WHATIF))
@pytest.mark.parametrize("case", ["missing", "xlsx", "duplicate", "size", "value"])
def test_whatif_bad_pool_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, case: str
) -> None:
    """The what-if commands and the lottery on a bad pool or size: one clear error, exit 2,
    no output file.
    """
    monkeypatch.chdir(tmp_path)
    rows = bundled_rows()
    args: list[str | Path] = [command, *WHATIF[command]]
    if case == "missing":
        args += ["--pool", "nope.csv"]
        says = ["pool file 'nope.csv' does not exist"]
    elif case == "xlsx":
        (tmp_path / "pool.xlsx").write_text("not a zip file", encoding="utf-8")
        args += ["--pool", "pool.xlsx"]
        says = ["pool file 'pool.xlsx' is not a readable XLSX workbook"]
    elif case == "duplicate":
        write_rows(tmp_path / "pool.csv", [*rows, rows[2]])
        args += ["--pool", "pool.csv"]
        says = ["pool.csv, row 128, column 'id': duplicate id 'R02' (also at row 3)"]
    elif case == "value":
        rows[5][rows[0].index("regio")] = "Nergens"
        write_rows(tmp_path / "pool.csv", rows)
        args += ["--pool", "pool.csv"]
        says = ["pool.csv, row 6, column 'regio': 'Nergens' is not a value of 'regio'"]
    else:
        args += ["--size", "500"]
        says = ["size 500 is larger than the pool (126 cases)", "Give a smaller --size"]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(*args, "-f", "json", "-o", "out.json")
    assert_one_clear_error(code, out, err, says)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
