"""`selectie init`: drafting a codebook and a scenario from a spreadsheet a user brings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import load_pool, load_scenario
from selectie.cli import app
from selectie.draft import draft
from selectie.errors import InputError
from tests.spreadsheets import GEMEENTEN, THEMES, write_pool_xlsx


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def pool_xlsx(tmp_path: Path) -> Path:
    return write_pool_xlsx(tmp_path / "pool.xlsx")


def test_draft_finds_roles(pool_xlsx: Path) -> None:
    """Id, label, attributes (one multi-valued by ';'), a numeric extra offered as weight."""
    d = draft(pool_xlsx, size=6)
    assert d.id_column == "Nr"
    assert d.label_column == "Gemeente"
    assert [c.header for c in d.attributes] == ["Provincie", "Type Gemeente", "Thema's"]
    themes = d.column("thema's")
    assert themes.kind == "multi" and themes.separator == ";"
    assert sorted(themes.counts) == sorted(THEMES)
    assert d.weight_candidates == ["Budget (€)"]
    assert [c.header for c in d.extra_columns] == ["Budget (€)", "Omschrijving"]
    provinces = d.column("Provincie").counts
    assert sum(provinces.values()) == len(GEMEENTEN)
    assert provinces["Fryslân"] == 3


def test_near_duplicates_flagged(pool_xlsx: Path) -> None:
    """'Stad ' and 'stad' become one value, and the output says so."""
    d = draft(pool_xlsx, size=6)
    kind = d.column("Type Gemeente")
    assert list(kind.counts) == ["stad", "dorp"]
    assert kind.counts["stad"] + kind.counts["dorp"] == 30
    assert kind.spellings["stad"] == ("Stad",)
    assert "near-duplicates merged: 'Stad' -> 'stad'" in d.summary()


def test_near_duplicates_with_punctuation(tmp_path: Path) -> None:
    """'Den Haag' and 'Den-Haag' are one value; the other spelling becomes an alias."""
    p = tmp_path / "p.csv"
    p.write_text(
        "id,stad\n1,Den Haag\n2,Den-Haag\n3,Delft\n4,Delft\n5,Den Haag\n6,Delft\n",
        encoding="utf-8",
    )
    d = draft(p, size=2)
    col = d.column("stad")
    assert dict(col.counts) == {"Den Haag": 3, "Delft": 3}
    assert col.aliases["Den Haag"] == ("Den-Haag",)
    cb = d.codebook()
    assert cb.attribute("stad").parse_token("den-haag") == "Den Haag"


def test_objective_covers_only_what_size_can(pool_xlsx: Path) -> None:
    """12 provinces cannot all be in 6 cases: the objective leaves them out, and says why."""
    d = draft(pool_xlsx, size=6)
    assert d.objective_attributes == ("Type Gemeente", "Thema's")
    sc = tomllib.loads(d.scenario_toml())
    assert sc["size"] == 6
    assert sc["objective"] == {"kind": "max_overlap", "attributes": ["Type Gemeente", "Thema's"]}
    assert "Provincie" in d.summary().splitlines()[-1]
    big = draft(pool_xlsx, size=12)
    assert "Provincie" in big.objective_attributes


def test_ambiguous_id_column(tmp_path: Path) -> None:
    """Two unique columns, neither named like an id: the error asks for --id-column."""
    p = tmp_path / "p.csv"
    p.write_text("stad,burgemeester\nDelft,A\nLeiden,B\nGouda,C\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        draft(p)
    assert str(err.value).startswith(
        "several columns of " + repr(str(p)) + " could be the id column: 'stad', 'burgemeester'"
    )
    assert "--id-column" in str(err.value)
    assert draft(p, id_column="STAD").id_column == "stad"


def test_init_never_overwrites(pool_xlsx: Path, tmp_path: Path) -> None:
    """A second init in the same folder exits 2 and leaves both files as they were."""
    out = tmp_path / "out"
    out.mkdir()
    code, _, _ = run("init", pool_xlsx, "--size", "6", "-o", out)
    assert code == 0
    before = (out / "codebook.toml").read_bytes()
    (out / "scenario.toml").write_text("# mine\n", encoding="utf-8")
    code, _, err = run("init", pool_xlsx, "--size", "5", "-o", out)
    assert code == 2
    assert "refusing to overwrite" in err
    assert (out / "codebook.toml").read_bytes() == before
    assert (out / "scenario.toml").read_text(encoding="utf-8") == "# mine\n"


def test_init_then_select(pool_xlsx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two commands: init drafts files that select reads as they are; the selection holds."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("init", "pool.xlsx", "--size", "6")
    assert code == 0, err
    assert "attribute Thema's (several values per case, separated by ';')" in out
    assert "selectie select --pool pool.xlsx --codebook codebook.toml" in out
    code, out, err = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml",
    )  # fmt: skip
    assert code == 0, err
    assert "Selected 6 of 30 cases" in out
    assert "at least 0" not in out
    pool = load_pool(pool_xlsx, tmp_path / "codebook.toml")
    sc = load_scenario(tmp_path / "scenario.toml")
    assert len(pool) == 30 and sc.size == 6
    # The listing shows the multi-valued themes the objective covers.
    assert "Thema's" in out.split("Constraints")[0]


def test_init_in_dutch(pool_xlsx: Path, tmp_path: Path) -> None:
    """`--lang nl` prints the draft's summary in Dutch."""
    code, out, _ = run("init", pool_xlsx, "--size", "6", "-o", tmp_path, "--lang", "nl")
    assert code == 0
    assert "30 casussen, 7 kolommen" in out
    assert "kenmerk Thema's (meerdere waarden per casus, gescheiden door ';')" in out


def _header_workbook(path: Path, header: list[str | None]) -> Path:
    """A workbook of 8 gemeenten under ``header``; the fourth column holds 'x' in every row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for i in range(1, 9):
        region, kind = ["Noord", "Zuid"][i % 2], ["stad", "dorp"][i % 2]
        ws.append([f"g{i}", f"Gemeente {i}", region, "x", kind])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (
            ["id", "naam", "regio", None, "type"],
            "row 1: column D has no name in the header; name it or delete the column",
        ),
        (
            ["id", "naam", "regio", "Regio", "type"],
            (
                "row 1, column 'Regio': column D has the same name as column C; rename or "
                "delete one of them"
            ),
        ),
    ],
)
def test_init_refuses_header_the_loader_refuses(
    tmp_path: Path, header: list[str | None], problem: str
) -> None:
    """init refuses, with exit 2 and nothing written, a header the pool loader refuses too."""
    book = _header_workbook(tmp_path / "g.xlsx", header)
    out = tmp_path / "out"
    code, stdout, stderr = run("init", book, "--size", "3", "-o", out)
    assert code == 2, stderr
    assert stdout == ""
    assert not out.exists()
    assert f"  - {book}, {problem}\n" in stderr
    assert "Fix the header row (every column with cells needs a name of its own)" in stderr
    # The pool loader refuses the header with the same line.
    from selectie.codebook import codebook_from_dict

    cb = codebook_from_dict(
        {
            "codebook": {"name": "t", "id_column": "id", "extra_columns": ["naam", "type"]},
            "attributes": [{"name": "regio", "values": ["Noord", "Zuid", "x"]}],
        }
    )
    with pytest.raises(InputError) as err:
        load_pool(book, cb)
    assert f"  - {book}, {problem}\n" in str(err.value)


def test_loader_reports_no_cells_of_a_repeated_column(tmp_path: Path) -> None:
    """A column named twice is one header problem, not a cell error in each of its rows."""
    from selectie.codebook import codebook_from_dict

    book = _header_workbook(tmp_path / "d.xlsx", ["id", "naam", "regio", "regio", "type"])
    cb = codebook_from_dict(
        {
            "codebook": {"name": "t", "id_column": "id", "extra_columns": ["naam", "type"]},
            "attributes": [{"name": "regio", "values": ["x"]}],
        }
    )
    with pytest.raises(InputError) as err:
        load_pool(book, cb)
    assert err.value.summary == f"{book}: 1 problem in the pool"
    assert [str(p) for p in err.value.problems] == [
        (
            f"{book}, row 1, column 'regio': column D has the same name as column C; rename or "
            "delete one of them"
        )
    ]
    assert err.value.hint == (
        "Fix the header row (every column with cells needs a name of its own), then run the "
        "command again."
    )
