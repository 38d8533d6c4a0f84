"""Spreadsheet formula injection: no writer puts a live formula in a file (issue 12 item 2).

A pool whose id, name, notes and source cells start with ``=``, ``+``, ``-`` and ``@`` is run
through every command that writes pool cells, in every file format. In CSV, Markdown and
LaTeX no cell may start like a formula (the check here is independent of selectie's own
:func:`selectie._safe.is_formula_like`); in XLSX no cell may be a formula, and the hostile
text is a typed string with the quote prefix, without a visible apostrophe; JSON keeps the
values exactly. The CSV selectie writes reads back as the pool it came from.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.pool import load_pool

#: The hostile cells: a hyperlink, DDE, an @-function, a sum, and a plain negative number
#: (which is data, not a formula, and must stay as it is).
ROWS = [
    ('=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "red", "small", "a", "@SUM(1+1)", "+1+1"),
    ("+c2", "-2+3", "green", "large", "b", "-3", "=1"),
    ("-c3", "@name", "blue", "small", "c", "plain", "src"),
    ("@c4", "four", "red", "large", "a|b", "\t=x", "-x"),
    ("c5", "five", "green", "small", "c", "", ""),
    ("c6", "six", "blue", "small", "c", "", ""),
]  # fmt: skip
HOSTILE = {c for row in ROWS for c in row if c[:1] in "=+-@\t" and c != "-3"}

CODEBOOK = """
[codebook]
name = "hostile"
id_column = "id"
label_column = "name"
extra_columns = ["notes", "source"]

[[attributes]]
name = "colour"
values = ["red", "green", "blue"]

[[attributes]]
name = "size"
values = ["small", "large"]

[[attributes]]
name = "tags"
multi = true
values = ["a", "b", "c"]
"""

SCENARIO = """
size = 3
[[quotas]]
attribute = "colour"
min = 1
"""

#: A cell a spreadsheet would run: it starts with = + - @ or a tab/CR, and is not a number.
LIVE = re.compile(r"^[=+\-@\t\r](?![\d.,]+$)")


def live(cell: str) -> bool:
    cell = cell.strip(" ")
    if re.fullmatch(r":?-+:?", cell):  # a Markdown table's rule, not a cell
        return False
    return cell not in ("-", "+") and bool(LIVE.match(cell))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "name", "colour", "size", "tags", "notes", "source"])
    w.writerows(ROWS)
    (d / "pool.csv").write_text(buf.getvalue())
    (d / "codebook.toml").write_text(CODEBOOK)
    (d / "scenario.toml").write_text(SCENARIO)
    return d


def run(files: Path, *args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output)


INPUTS = ["-p", "pool.csv", "-c", "codebook.toml"]
IDS = ['=HYPERLINK("http://x")', "+c2", "-c3"]
COMMANDS = {
    "select": ["select", *INPUTS, "-s", "scenario.toml"],
    "check": ["check", *INPUTS, "-s", "scenario.toml", "--", *IDS],
    "tables": ["tables", *INPUTS, "--", *IDS],
    "alternatives": ["alternatives", *INPUTS, "-s", "scenario.toml", "--count", "3"],
    "importance": ["importance", *INPUTS, "-s", "scenario.toml"],
    "replace": ["replace", *INPUTS, "-s", "scenario.toml", "--drop", "+c2", "--", *IDS],
    "lottery": ["lottery", *INPUTS, "-s", "scenario.toml"],
}
FORMATS = ["csv", "markdown", "latex", "xlsx", "json"]


def cells_of(fmt: str, data: bytes) -> list[str]:
    """The cells of a text output, split as a spreadsheet pasting it would split them."""
    text = data.decode()
    if fmt == "csv":
        return [c for row in csv.reader(io.StringIO(text)) for c in row]
    if fmt == "markdown":
        out = []  # the cells of the tables (prose and list items are not cells)
        for line in text.splitlines():
            if line.startswith("|"):
                out += [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]
        return out
    out = []
    for line in text.splitlines():
        out += [c.strip() for c in line.rstrip("\\").split("&")]
    return out


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_writer_writes_a_live_formula(
    command: str, fmt: str, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if command == "lottery" and fmt == "latex":
        pytest.skip("lottery has no LaTeX output")
    monkeypatch.chdir(files)
    out = files / f"{command}.{fmt}"
    run(files, *COMMANDS[command][:1], "-f", fmt, "-o", str(out), *COMMANDS[command][1:])
    data = out.read_bytes()
    if fmt == "json":
        text = json.dumps(json.loads(data), ensure_ascii=False)
        assert any(json.dumps(h, ensure_ascii=False)[1:-1] in text for h in HOSTILE), text
        return
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data))
        seen = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and live(cell.value):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                        assert not cell.value.startswith("'")
                        seen += 1
        if command == "select":
            assert seen, "the hostile cells are in the workbook, typed, prefixed"
        return
    bad = [c for c in cells_of(fmt, data) if live(c)]
    assert bad == [], bad


def test_the_neutralised_csv_reads_back_as_the_pool(files: Path, tmp_path: Path) -> None:
    """The apostrophe is for spreadsheets; selectie's reader takes it off again."""
    pool = load_pool(files / "pool.csv", files / "codebook.toml")
    written = tmp_path / "again.csv"
    pool.to_csv(written)
    text = written.read_text()
    assert "'=HYPERLINK" in text and ",-3," in text  # neutralised; the number left alone
    again = load_pool(written, files / "codebook.toml")
    assert again.ids == pool.ids and again.names == pool.names and again.extra == pool.extra
