"""The probabilities' name column: the people file's own names, or no column at all (and a
note saying so), never an empty column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.sortition import read_sortition

PEOPLE = "id,Name,email,sex\na,Ann,ann@example.org,f\nb,Bob,bob@example.org,m\nc,Cas,c@x.nl,m\n"
NO_NAMES = "id,sex,email\na,f,ann@example.org\nb,m,bob@example.org\nc,m,c@x.nl\n"
QUOTAS = "feature,value,min,max\nsex,f,0,1\nsex,m,0,2\n"


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def files(tmp_path: Path, people: str) -> list[str | Path]:
    """Write the people and quotas files; the command line of a lottery over them."""
    (tmp_path / "p.csv").write_text(people, encoding="utf-8")
    (tmp_path / "q.csv").write_text(QUOTAS, encoding="utf-8")
    people_file, quotas_file = tmp_path / "p.csv", tmp_path / "q.csv"
    return ["lottery", "--people", people_file, "--quotas", quotas_file, "--size", "2"]


def test_the_name_column_is_found_without_regard_to_case(tmp_path: Path) -> None:
    """A column headed ``Name`` gives the pool its names, and stays out of the extras."""
    (tmp_path / "p.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "q.csv").write_text(QUOTAS, encoding="utf-8")
    pool, _ = read_sortition(tmp_path / "p.csv", tmp_path / "q.csv", size=2)
    assert pool.names == ("Ann", "Bob", "Cas")
    assert pool.codebook.label_column == "Name"
    assert pool.codebook.extra_columns == ("email",)


def test_csv_probabilities_carry_the_people_files_names(tmp_path: Path) -> None:
    """`-f csv`: each id beside the name the people file gives it."""
    code, out, err = run(*files(tmp_path, PEOPLE), "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"]: r["name"] for r in rows} == {"a": "Ann", "b": "Bob", "c": "Cas"}
    assert "no name column" not in err


def test_xlsx_probabilities_carry_names_and_numbers(tmp_path: Path) -> None:
    """The XLSX probabilities sheet: a name column filled in, probabilities as numbers."""
    import openpyxl

    target = tmp_path / "lot.xlsx"
    code, _, err = run(*files(tmp_path, PEOPLE), "-f", "xlsx", "-o", target)
    assert code == 0, err
    wb = openpyxl.load_workbook(target)
    rows = list(wb["probabilities"].iter_rows(values_only=True))
    wb.close()
    assert rows[0][:4] == ("id", "name", "profile", "probability")
    assert [r[1] for r in rows[1:]] == ["Ann", "Bob", "Cas"]
    assert all(isinstance(r[3], float) for r in rows[1:])
    # By hand: {a,b}, {a,c} and {b,c} are the valid panels (at most one f); the
    # probabilities add up to 2 over 3 people, so the fairest gives each 2/3.
    assert [r[3] for r in rows[1:]] == pytest.approx([2 / 3] * 3)


def test_no_name_column_is_said_and_left_out(tmp_path: Path) -> None:
    """Without a name column the CSV has no ``name`` column and a note says why."""
    code, out, err = run(*files(tmp_path, NO_NAMES), "-f", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "id,profile,probability,selectable,drawn"
    assert "has no name column" in err and "--name-column" in err


def test_name_column_option_names_another_column(tmp_path: Path) -> None:
    """--name-column email: the emails are shown as names."""
    code, out, err = run(*files(tmp_path, NO_NAMES), "--name-column", "EMAIL", "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["name"] == "ann@example.org"


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("nickname", "the name column is missing"),
        ("sex", "the name column is also the id column or a feature of the quotas file"),
    ],
)
def test_a_bad_name_column_is_one_error(tmp_path: Path, column: str, message: str) -> None:
    """A missing name column, or a feature named as one: exit 2, file and column named."""
    out = tmp_path / "out.csv"
    code, _, err = run(*files(tmp_path, NO_NAMES), "--name-column", column, "-o", out)
    assert code == 2
    assert message in err and "p.csv" in err and column in err
    assert "Traceback" not in err and not out.exists()
