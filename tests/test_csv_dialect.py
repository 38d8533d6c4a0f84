"""--csv-dialect excel-nl: what a double-click in a Dutch Excel needs, for every CSV command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import load_pool
from selectie.cli import app
from selectie.csvdialect import to_dialect, write_csv
from tests.spreadsheets import write_pool_xlsx

BOM = b"\xef\xbb\xbf"


def run(*args: str | Path) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout_bytes, result.stderr


def open_like_dutch_excel(data: bytes) -> list[list[str]]:
    """Read bytes as a Dutch Excel does on a double-click: the BOM says UTF-8, the list
    separator is ';', records end in CRLF.
    """
    assert data.startswith(BOM), "without a BOM, Excel reads the file as Windows-1252"
    text = data[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def dutch_number(cell: str) -> float:
    """A number as a Dutch Excel parses it: decimal comma, no point."""
    assert "." not in cell
    return float(cell.replace(",", "."))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pool_xlsx(tmp_path / "pool.xlsx")
    monkeypatch.chdir(tmp_path)
    assert run("init", "pool.xlsx", "--size", "6")[0] == 0
    return tmp_path


def test_selection_csv_opens_in_dutch_excel(workdir: Path) -> None:
    """select -f csv --csv-dialect excel-nl: columns split on ';', Fryslân intact, 1037,5."""
    code, out, err = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml", "-f", "csv", "--csv-dialect", "excel-nl",
    )  # fmt: skip
    assert code == 0, err
    rows = open_like_dutch_excel(out)
    header = rows[0]
    assert header[:3] == ["Nr", "Gemeente", "Provincie"]
    assert all(len(r) == len(header) for r in rows)
    budget = [r[header.index("Budget (€)")] for r in rows[1:]]
    assert "1037,5" in budget
    assert all(dutch_number(b) > 0 for b in budget)
    assert "Fryslân" in {r[2] for r in rows[1:]}


def test_excel_nl_csv_reads_back_as_pool(workdir: Path) -> None:
    """The loader reads an excel-nl selection file with the same codebook."""
    out = workdir / "sel.csv"
    code, _, err = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml", "-f", "csv", "--csv-dialect=excel-nl", "-o", out,
    )  # fmt: skip
    assert code == 0, err
    back = load_pool(out, workdir / "codebook.toml")
    assert len(back) == 6


@pytest.mark.parametrize(
    "args",
    [
        ["check", *[f"R{n:02d}" for n in range(1, 14)], "-f", "csv"],
        ["tables", "R01", "R02", "--published", "-f", "csv"],
        ["sweep", "--sizes", "12-13", "-f", "csv"],
    ],
    ids=["check", "tables", "sweep"],
)
def test_every_csv_command_speaks_excel_nl(args: list[str]) -> None:
    """check, tables and sweep write the same dialect when asked (the flag may come first)."""
    code, out, err = run("--csv-dialect", "excel-nl", *args)
    assert code in (0, 1), err
    rows = open_like_dutch_excel(out)
    assert len(rows) > 1 and len(rows[0]) > 1
    code, plain, _ = run(*args)
    assert not plain.startswith(BOM) and b"\r\n" not in plain


def test_unknown_dialect_is_usage_error() -> None:
    """A misspelt dialect: exit 2 with the choices."""
    code, _, err = run("select", "-f", "csv", "--csv-dialect", "exel-nl")
    assert code == 2
    assert "unknown CSV dialect 'exel-nl': choose one of standard, excel-nl" in err


def test_quoting_survives_the_semicolon() -> None:
    """A cell holding ';' is quoted; text with a point that is not a number keeps it."""
    data = write_csv(["a", "b"], [["x;y", "v1.2 beta"], ["-3.25", "3"]], "excel-nl")
    rows = open_like_dutch_excel(data)
    assert rows == [["a", "b"], ["x;y", "v1.2 beta"], ["-3,25", "3"]]
    assert to_dialect("a\n1.5\n") == b"a\n1.5\n"


def test_ids_file_in_excel_nl(workdir: Path) -> None:
    """An excel-nl selection file works as --ids for tables; an unknown id exits 2."""
    out = workdir / "sel.csv"
    code, _, err = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml", "-f", "csv", "--csv-dialect", "excel-nl", "-o", out,
    )  # fmt: skip
    assert code == 0, err
    code, text, err = run(
        "tables", "--pool", "pool.xlsx", "--codebook", "codebook.toml", "--ids", out
    )  # fmt: skip
    assert code == 0, err
    assert "total          6" in text.decode()
    code, _, err = run("tables", "--pool", "pool.xlsx", "--codebook", "codebook.toml", "X1")
    assert code == 2
    assert "'X1' is not an id in the pool" in err  # the message of tests/test_exit_codes.py
