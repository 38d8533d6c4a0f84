"""Distribution tables and their exports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from selectie import Pool, tables
from tests.handmade import ROWS


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


def test_counts_beside_the_pool(pool: Pool) -> None:
    """Counts per value for the selection and the pool, with unknown and total rows."""
    t = tables(pool, ["c1", "c6"])
    size = t["size"]
    assert list(size.index) == ["small", "large", "onbekend", "total"]
    assert list(size["selected"]) == [1, 0, 1, 2]
    assert list(size["pool"]) == [3, 2, 1, 6]


def test_multi_valued_counts_each_value(pool: Pool) -> None:
    """A multi-valued table counts a case once per value it holds and has no total row."""
    tags = tables(pool, ["c1", "c6"])["tags"]
    assert list(tags.index) == ["a", "b", "c"]
    assert list(tags["selected"]) == [2, 2, 1]


def test_reference_and_difference(pool: Pool) -> None:
    """With a reference, each table shows it and the difference selected minus reference."""
    t = tables(pool, ["c1", "c2"], reference={"colour": {"red": 1, "Blue": 1}})
    colour = t["colour"]
    assert colour.loc["red", "reference"] == 1
    assert colour.loc["red", "difference"] == 1
    assert colour.loc["blue", "difference"] == -1
    assert colour.loc["green", "reference"] is __import__("pandas").NA
    assert t.differences() == [("colour", "red", 2, 1), ("colour", "blue", 0, 1)]
    assert not t.matches_reference()


def test_csv_export_neutralises_formulas(make_pool: Callable[..., Pool]) -> None:
    """A value that a spreadsheet would run as a formula is written with a leading apostrophe."""
    from selectie.codebook import codebook_from_dict

    cb = codebook_from_dict(
        {
            "codebook": {"name": "f"},
            "attributes": [{"name": "kind", "values": ["=cmd", "+x", "ok"]}],
        }
    )
    pool = Pool.from_records([{"id": "1", "kind": "=cmd"}, {"id": "2", "kind": "+x"}], cb)
    text = tables(pool, ["1"]).to_csv()
    assert "'=cmd" in text and "'+x" in text
    assert "\n=cmd" not in text and ",=cmd" not in text


def test_xlsx_export_has_a_sheet_per_attribute(pool: Pool) -> None:
    """The workbook has one sheet per attribute with the counts."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(tables(pool, ["c1"]).to_xlsx()))
    assert wb.sheetnames == ["colour", "size", "tags"]
    rows = list(wb["colour"].iter_rows(values_only=True))
    assert rows[0] == ("colour", "selected", "pool")
    assert rows[1] == ("red", 1, 2)


def test_json_export_parses(pool: Pool) -> None:
    """The JSON export is a list of rows with attribute, value and counts."""
    rows = json.loads(tables(pool, ["c1"]).to_json())
    assert {"attribute": "colour", "value": "red", "selected": 1, "pool": 2} in rows


def test_markdown_and_latex_exports(pool: Pool) -> None:
    """Markdown has a heading and a table per attribute; LaTeX a tabular per attribute."""
    t = tables(pool, ["c1"])
    md = t.to_markdown()
    assert md.count("### ") == 3 and "| red" in md
    assert t.to_latex().count("\\begin{tabular}") == 3


def test_full_pool_tables_equal_pandas_value_counts(wodc_pool: Pool) -> None:
    """For the whole pool, the table counts equal plain pandas value counts."""
    df = wodc_pool.to_dataframe()
    t = tables(wodc_pool, range(len(wodc_pool)))
    for attr in wodc_pool.codebook.table_attributes:
        column = df[attr].explode() if wodc_pool.codebook.attribute(attr).multi else df[attr]
        expected = column.dropna().value_counts()
        got = t[attr]["selected"]
        for value, n in expected.items():
            assert got[value] == n, (attr, value)


def test_published_comparison_of_the_report_13(wodc_pool: Pool) -> None:
    """The report's 13 match the published reference on every counted value."""
    t = tables(wodc_pool, [i for i in wodc_pool.ids if i.startswith("R")], reference="bijlage4")
    assert t.matches_reference()
    assert int(t["regio"].loc["total", "reference"]) == 13
