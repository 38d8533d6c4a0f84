"""Excel output: the two-command round trip on a user's workbook, typed cells, header style,
manifest, reproducible bytes, and the selection sheet read back as a pool.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from selectie import load_pool, load_scenario, select
from selectie.cli import app
from selectie.export import file_digest
from selectie.solve.default import DEFAULT
from selectie.xlsx import Sheet, workbook
from tests.spreadsheets import write_pool_xlsx


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def assert_header_style(ws: Worksheet) -> None:
    """Bold first row, frozen below it, an autofilter from A1, every column given a width."""
    assert all(c.font.b for c in ws[1] if c.value is not None)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths and all(w >= 3 for w in widths.values())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pool_xlsx(tmp_path / "pool.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _two_commands(workdir: Path, *extra: str) -> Path:
    code, _, err = run("init", "pool.xlsx", "--size", "6")
    assert code == 0, err
    code, _, err = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml", "-f", "xlsx", "-o", "uitkomst.xlsx", *extra,
    )  # fmt: skip
    assert code == 0, err
    return workdir / "uitkomst.xlsx"


def test_two_commands_give_a_workbook(workdir: Path) -> None:
    """init, then select -f xlsx: ids, |-joined themes, numeric budgets, typed booleans."""
    out = _two_commands(workdir)
    wb = load_workbook(out)
    assert wb.sheetnames == ["selection", "tables", "constraints", "scenario", "manifest"]
    ws = wb["selection"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Nr", "Gemeente"]
    assert "Thema's" in header and "Budget (€)" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    ids = [r[0] for r in rows]
    assert all(isinstance(i, str) and i.startswith("G") for i in ids)
    themes = [r[header.index("Thema's")] for r in rows]
    assert any("|" in t for t in themes) and not any(";" in t for t in themes)
    budget = header.index("Budget (€)") + 1
    assert all(ws.cell(r, budget).data_type == "n" for r in range(2, 8))
    assert all(isinstance(ws.cell(r, budget).value, int | float) for r in range(2, 8))
    for name in wb.sheetnames:
        assert_header_style(wb[name])
    checks = wb["constraints"]
    satisfied = [c.value for c in checks[1]].index("satisfied") + 1
    assert checks.cell(2, satisfied).data_type == "b" and checks.cell(2, satisfied).value is True
    tables = wb["tables"]
    assert [c.value for c in tables[1]][:5] == ["attribute", "value", "label", "selected", "pool"]
    assert tables.cell(2, 4).data_type == "n"


def test_manifest_sheet(workdir: Path) -> None:
    """The manifest names selectie's version, the solver, the seed and each input's SHA-256."""
    out = _two_commands(workdir)
    ws = load_workbook(out)["manifest"]
    data = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert data["seed"] == 1
    assert data["solver.name"] == DEFAULT
    assert data["selectie"]
    assert data["files.pool.sha256"] == file_digest(workdir / "pool.xlsx")
    assert data["files.codebook.sha256"] == file_digest(workdir / "codebook.toml")
    assert data["files.scenario.sha256"] == file_digest(workdir / "scenario.toml")


def test_selection_sheet_reads_back_as_pool(workdir: Path) -> None:
    """The loader reads the selection sheet with the drafted codebook: same ids and values."""
    out = _two_commands(workdir)
    pool = load_pool(workdir / "pool.xlsx", workdir / "codebook.toml")
    back = load_pool(out, workdir / "codebook.toml", sheet="selection")
    assert len(back) == 6
    for i, case_id in enumerate(back.ids):
        j = pool.position(case_id)
        for attr in pool.codebook.attribute_names:
            assert back.values[attr][i] == pool.values[attr][j], (case_id, attr)
        assert back.extra["Budget (€)"][i] == pool.extra["Budget (€)"][j]


def test_same_bytes_run_to_run(workdir: Path) -> None:
    """Two runs write byte-identical workbooks."""
    first = _two_commands(workdir).read_bytes()
    code, _, _ = run(
        "select", "--pool", "pool.xlsx", "--codebook", "codebook.toml",
        "--scenario", "scenario.toml", "-f", "xlsx", "-o", "again.xlsx",
    )  # fmt: skip
    assert code == 0
    assert (workdir / "again.xlsx").read_bytes() == first


def test_dutch_sheet_names_and_headers(workdir: Path) -> None:
    """--lang nl names the sheets and the table headers in Dutch; pool headers stay."""
    out = _two_commands(workdir, "--lang", "nl")
    wb = load_workbook(out)
    assert wb.sheetnames == ["selectie", "tabellen", "voorwaarden", "scenario", "manifest"]
    assert wb["selectie"]["A1"].value == "Nr"
    assert [c.value for c in wb["tabellen"][1]][:4] == [
        "kenmerk",
        "waarde",
        "label",
        "geselecteerd",
    ]
    assert wb["voorwaarden"]["A1"].value == "voorwaarde"


def test_to_excel_in_python(tmp_path: Path) -> None:
    """Selection.to_excel writes the same sheets from a notebook, with the WODC ids."""
    sel = select(load_pool(), load_scenario())
    data = sel.to_excel(tmp_path / "s.xlsx", reference="bijlage4")
    assert (tmp_path / "s.xlsx").read_bytes() == data
    wb = load_workbook(io.BytesIO(data))
    ws = wb["selection"]
    assert [c.value for c in ws[1]][:3] == ["id", "name", "regio"]
    assert [ws.cell(r, 1).value for r in range(2, 15)] == list(sel.ids)
    theorie = [c.value for c in ws[1]].index("theorie") + 1
    assert "|" in ws.cell(2, theorie).value
    tables = wb["tables"]
    head = [c.value for c in tables[1]]
    assert head[-2:] == ["reference", "difference"]
    manifest = {r[0]: r[1] for r in wb["manifest"].iter_rows(min_row=2, values_only=True)}
    assert manifest["solver.name"] == DEFAULT and "files.pool.sha256" in manifest
    back = load_pool(tmp_path / "s.xlsx", sheet="selection")
    assert list(back.ids) == list(sel.ids)


def test_formula_text_is_typed_string_without_apostrophe() -> None:
    """Text that looks like a formula stays text: a string cell, quote-prefixed, no '."""
    cells = [["=HYPERLINK(1)"], ["@SUM(A1)"], ["+31"]]
    wb = load_workbook(io.BytesIO(workbook([Sheet("d", ["x"], cells)])))
    for ref in ("A2", "A3"):  # formula-like: quote prefix, typed text
        cell = wb["d"][ref]
        assert cell.data_type == "s"
        assert not str(cell.value).startswith("'")
        assert cell.quotePrefix
    assert wb["d"]["A2"].value == "=HYPERLINK(1)"
    phone = wb["d"]["A4"]  # a plain number written as text stays text, without a prefix
    assert phone.data_type == "s" and phone.value == "+31" and not phone.quotePrefix


def test_check_and_tables_xlsx(tmp_path: Path) -> None:
    """check -f xlsx and tables -f xlsx also write styled, typed workbooks."""
    ids = [
        "R01",
        "R02",
        "R03",
        "R04",
        "R05",
        "R06",
        "R07",
        "R08",
        "R09",
        "R10",
        "R11",
        "R12",
        "R13",
    ]
    code, _, _ = run("check", *ids, "-f", "xlsx", "-o", tmp_path / "c.xlsx")
    assert code == 0
    wb = load_workbook(tmp_path / "c.xlsx")
    assert wb.sheetnames == ["constraints", "manifest"]
    assert_header_style(wb["constraints"])
    code, _, _ = run("tables", *ids, "--published", "-f", "xlsx", "-o", tmp_path / "t.xlsx")
    assert code == 0
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames[:2] == ["regio", "cluster"]
    ws = wb["regio"]
    assert_header_style(ws)
    assert ws.cell(2, 2).data_type == "n"
