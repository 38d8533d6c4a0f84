"""A workbook that carries its codebook and scenario: `init --sheets`, then select with
nothing but `--pool`; the Sortition Foundation's quota table; a foreign pool's first error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from selectie import load_pool
from selectie.cli import app
from selectie.workbook import codebook_from_workbook, scenario_from_workbook
from tests.spreadsheets import write_pool_xlsx


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def werkmap(tmp_path: Path) -> Path:
    pool = write_pool_xlsx(tmp_path / "werkmap.xlsx")
    code, out, err = run("init", pool, "--size", "6", "--sheets", "-o", tmp_path)
    assert code == 0, err
    copy = tmp_path / "werkmap-selectie.xlsx"
    assert f"selectie select --pool {copy}" in out
    return copy


def test_init_sheets_writes_a_new_copy(werkmap: Path, tmp_path: Path) -> None:
    """The copy holds the pool sheet and the three sheets; the original is untouched."""
    wb = load_workbook(werkmap)
    assert wb.sheetnames == ["Gemeenten", "codebook", "quotas", "scenario"]
    assert [c.value for c in wb["codebook"][1]] == [
        "column", "role", "value", "label", "aliases", "separator",
    ]  # fmt: skip
    assert [c.value for c in wb["quotas"][1]] == ["feature", "value", "min", "max"]
    assert load_workbook(tmp_path / "werkmap.xlsx").sheetnames == ["Gemeenten"]
    cb = codebook_from_workbook(werkmap)
    assert cb is not None and cb.id_column == "Nr" and cb.attribute("Thema's").multi
    sc = scenario_from_workbook(werkmap)
    assert sc is not None and sc.size == 6


def test_select_needs_only_the_workbook(werkmap: Path) -> None:
    """`selectie select --pool werkmap-selectie.xlsx`: no --codebook, no --scenario."""
    code, out, err = run("select", "--pool", werkmap, "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["selected"]) == 6 and all(i.startswith("G") for i in doc["selected"])
    files = doc["manifest"]["files"]
    assert files["codebook"]["path"] == files["scenario"]["path"] == str(werkmap)


def test_quota_sheet_is_read(werkmap: Path) -> None:
    """A row `Provincie | Fryslân | 2 |` in the quotas sheet puts two Frisian cases in."""
    wb = load_workbook(werkmap)
    wb["quotas"].append(["Provincie", "Fryslân", 2, None])
    wb["quotas"].append(["Type Gemeente", "dorp", None, 1])
    wb.save(werkmap)
    code, out, err = run("select", "--pool", werkmap, "-f", "json")
    assert code == 0, err
    pool = load_pool(werkmap)
    chosen = [pool.position(i) for i in json.loads(out)["selected"]]
    provinces = [next(iter(pool.values["Provincie"][i] or ())) for i in chosen]
    kinds = [next(iter(pool.values["Type Gemeente"][i] or ())) for i in chosen]
    assert provinces.count("Fryslân") >= 2
    assert kinds.count("dorp") <= 1


def test_foreign_pool_with_the_wodc_codebook(tmp_path: Path) -> None:
    """A pool of one's own without --codebook: the error says so first."""
    pool = write_pool_xlsx(tmp_path / "pool.xlsx")
    code, _, err = run("select", "--pool", pool)
    assert code == 2
    assert err.startswith(
        "error: this pool does not look like the bundled WODC pool; pass --codebook, or run "
        "selectie init"
    )
