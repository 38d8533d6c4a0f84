"""The hand-over files under the Dutch interface: XLSX headers, sheet names and yes/no words
in Dutch (no English message of the catalogue left), the people file's own columns as they
were, and CSV files with their English column ids (scripts read them); the lottery's
``selectable`` cells never Python's True/False/None.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from selectie.cli import app
from selectie.i18n import LOCALE_DIR
from selectie.lottery.handover import QUOTA_HEADER, RESERVE_HEADER
from tests.test_cli_lottery import HARD_PEOPLE, HARD_QUOTAS

PEOPLE_HEADER = next(csv.reader(io.StringIO(HARD_PEOPLE)))


def english_messages() -> set[str]:
    """Every msgid of the Dutch catalogue whose translation differs from it (lower case)."""
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "selectie.po").open("rb") as fh:
        catalogue = read_po(fh)
    out = set()
    for message in catalogue:
        msgid, msgstr = message.id, message.string
        if not isinstance(msgid, str) or not msgid or not isinstance(msgstr, str):
            continue
        if msgstr.strip().lower() != msgid.strip().lower():
            out.add(msgid.strip().lower())
    return out


def run(tmp_path: Path, *args: str) -> None:
    (tmp_path / "people.csv").write_text(HARD_PEOPLE, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(HARD_QUOTAS, encoding="utf-8")
    base = [
        "--lang", "nl", "lottery", "--people", str(tmp_path / "people.csv"),
        "--quotas", str(tmp_path / "quotas.csv"), "--size", "3", "--seed", "2",
    ]  # fmt: skip
    result = CliRunner().invoke(app, [*base, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


def cells(path: Path) -> tuple[list[str], dict[str, list[list[object]]]]:
    with path.open("rb") as fh:
        book = openpyxl.load_workbook(fh, read_only=True)
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
        book.close()
    return list(sheets), sheets


def test_hand_over_xlsx_files_have_no_english_headers_under_nl(tmp_path: Path) -> None:
    """Under nl, no sheet name, header cell (apart from the people file's own columns) or
    word cell of the four hand-over XLSX files is an English message of the catalogue.
    """
    names = ("sel.xlsx", "rest.xlsx", "q.xlsx", "r.xlsx")
    flags = ("--selected", "--remaining", "--quota-table", "--reserve")
    run(tmp_path, *[x for f, n in zip(flags, names, strict=True) for x in (f, str(tmp_path / n))])
    english = english_messages()
    assert {"selected", "yes", "no", "selection probability"} <= english  # the check can fail
    assert {h.lower() for h in (*QUOTA_HEADER, *RESERVE_HEADER)} - {"min", "max"} <= english
    seen = []
    for name in names:
        titles, sheets = cells(tmp_path / name)
        first = sheets[titles[0]]
        header = [str(h) for h in first[0]]
        own = PEOPLE_HEADER if name in ("sel.xlsx", "rest.xlsx") else []
        assert header[: len(own)] == own  # the people file's columns, as written
        words = [str(c) for row in first[1:] for c in row if isinstance(c, str)]
        words = [w for w in words if w.lower() in {"yes", "no", "ja", "nee", "NEE".lower()}]
        for text in [*titles, *header[len(own) :], *words]:
            assert text.strip().lower() not in english, (name, text)
            seen.append(text)
    assert "selectiekans" in seen
    assert "geselecteerd" in seen  # the sheet of --selected
    assert {"overigen", "quotatabel", "reservelijst"} <= set(seen)  # the other sheets
    assert "als deze persoon afhaakt" in seen
    assert "ja" in seen


def test_hand_over_csv_files_keep_their_english_column_ids_under_nl(tmp_path: Path) -> None:
    """CSV files are read by scripts: their column ids and words stay English under nl."""
    run(tmp_path, "--selected", str(tmp_path / "s.csv"), "--quota-table", str(tmp_path / "q.csv"))
    with (tmp_path / "s.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == [*PEOPLE_HEADER, "selection probability"]
    with (tmp_path / "q.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(QUOTA_HEADER)
    assert {r[-1] for r in rows[1:]} <= {"yes", "NO"}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_selectable_cells_are_words_or_booleans_never_python_literals(
    tmp_path: Path, lang: str
) -> None:
    """The lottery's CSV says yes/no (in both languages); its XLSX has boolean cells."""
    (tmp_path / "people.csv").write_text(HARD_PEOPLE, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(HARD_QUOTAS, encoding="utf-8")
    base = [
        "--lang", lang, "lottery", "--people", str(tmp_path / "people.csv"),
        "--quotas", str(tmp_path / "quotas.csv"), "--size", "3",
    ]  # fmt: skip
    out = CliRunner().invoke(app, [*base, "-f", "csv"], catch_exceptions=False).stdout
    rows = list(csv.reader(io.StringIO(out)))
    column = rows[0].index("selectable")
    assert {r[column] for r in rows[1:]} == {"yes"}
    result = CliRunner().invoke(app, [*base, "-f", "xlsx", "-o", str(tmp_path / "lot.xlsx")])
    assert result.exit_code == 0
    titles, sheets = cells(tmp_path / "lot.xlsx")
    first = sheets[titles[0]]
    column = [str(h) for h in first[0]].index("selecteerbaar" if lang == "nl" else "selectable")
    assert all(row[column] is True for row in first[1:])
