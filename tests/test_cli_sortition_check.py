"""`selectie check` and `selectie replace` read a sortition instance (--people, --quotas,
--size) as `selectie lottery` does, so a drawn panel can be audited and repaired under the
quotas it was drawn under (the advice of the reserve list and docs/method.md).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

#: 7 people; by hand: f = p1 p3 p5 p7, m = p2 p4 p6; young = p1 p2 p6 p7, old = p3 p4 p5.
PEOPLE = (
    "id,name,sex,age\np1,Ann,f,young\np2,Bob,m,young\np3,Cor,f,old\np4,Dirk,m,old\n"
    "p5,Eva,f,old\np6,Fer,m,young\np7,Gea,f,young\n"
)
QUOTAS = "feature,value,min,max\nsex,f,1,2\nsex,m,1,2\nage,young,1,2\nage,old,1,2\n"
SEX = {"p1": "f", "p2": "m", "p3": "f", "p4": "m", "p5": "f", "p6": "m", "p7": "f"}
AGE = {"p1": "young", "p2": "young", "p3": "old", "p4": "old", "p5": "old", "p6": "young"}
AGE["p7"] = "young"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    people = tmp_path / "people.csv"
    quotas = tmp_path / "quotas.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    quotas.write_text(QUOTAS, encoding="utf-8")
    return people, quotas


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def sortition(files: tuple[Path, Path]) -> list[str | Path]:
    return ["--people", files[0], "--quotas", files[1], "--size", "3"]


def meets_quotas(panel: list[str]) -> bool:
    """The quotas of QUOTAS, counted by hand from SEX and AGE."""
    counts = [sum(SEX[p] == v for p in panel) for v in ("f", "m")]
    counts += [sum(AGE[p] == v for p in panel) for v in ("young", "old")]
    return len(panel) == 3 and all(1 <= c <= 2 for c in counts)


def test_check_accepts_a_panel_that_meets_the_quotas(files: tuple[Path, Path]) -> None:
    """p1 p2 p3 (f m f; young young old) meets every quota: exit 0, every row satisfied."""
    assert meets_quotas(["p1", "p2", "p3"])
    code, out, err = run("check", *sortition(files), "p1", "p2", "p3")
    assert code == 0, err
    assert out.startswith("3 cases; all 5 constraints satisfied\n")
    assert "sex=f         1 to 2      2           yes" in out


def test_check_names_the_quotas_a_panel_misses(files: tuple[Path, Path]) -> None:
    """p1 p3 p5 are three women: sex=f (3 > 2) and sex=m (0 < 1) are missed, exit 1."""
    assert not meets_quotas(["p1", "p3", "p5"])
    code, out, err = run("check", *sortition(files), "p1", "p3", "p5", "--failures-only")
    assert code == 1
    assert err == "the selection misses 2 of 5 constraints\n"
    assert "sex=f         1 to 2      3           no" in out
    assert "sex=m         1 to 2      0           no" in out


def test_check_reads_the_lotterys_selected_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    """The panel `lottery --selected` writes is checked with --ids under the same files."""
    panel = tmp_path / "panel.csv"
    code, _out, err = run("lottery", *sortition(files), "--seed", "5", "--selected", panel)
    assert code == 0, err
    with panel.open(encoding="utf-8", newline="") as fh:
        drawn = [row["id"] for row in csv.DictReader(fh)]
    assert meets_quotas(drawn)
    code, out, err = run("check", *sortition(files), "--ids", panel)
    assert code == 0, err
    assert "all 5 constraints satisfied" in out


def test_replace_repairs_a_panel_under_the_quotas(files: tuple[Path, Path]) -> None:
    """Dropping p1 from p1 p2 p3 keeps p2 and p3 and adds one person: the quotas hold."""
    code, out, err = run(
        "replace", *sortition(files), "p1", "p2", "p3", "--drop", "p1", "-f", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    panel = doc["selected"]
    assert {"p2", "p3"} <= set(panel)
    assert "p1" not in panel
    assert meets_quotas(panel)


def test_replace_without_ids_names_replace(files: tuple[Path, Path]) -> None:
    """With no selection, the hint shows a `selectie replace` command, not `check`."""
    code, _out, err = run("replace", *sortition(files), "--drop", "p1")
    assert code == 2
    assert err == (
        "error: no selection given\n"
        "Give the case ids as arguments (selectie replace R01 R02 ...) or --ids FILE.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--household", "street", "R01"],
            "error: --household is for sortition files; give --people and --quotas too\n",
        ),
        (
            ["--people", "PEOPLE", "--size", "3", "p1"],
            "error: a sortition instance needs both --people and --quotas (--quotas is missing)\n",
        ),
        (
            ["--people", "PEOPLE", "--quotas", "QUOTAS", "p1"],
            "error: a sortition instance needs --size (the panel size)\n",
        ),
    ],
)
def test_check_refuses_incomplete_sortition_options(
    files: tuple[Path, Path], args: list[str], message: str
) -> None:
    """Sortition options without the rest of the instance: one exit-2 error each."""
    given = [{"PEOPLE": str(files[0]), "QUOTAS": str(files[1])}.get(a, a) for a in args]
    code, out, err = run("check", *given)
    assert (code, out, err) == (2, "", message)
