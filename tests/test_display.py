"""How results show themselves: text in a terminal, HTML in Jupyter, DataFrames on request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from selectie import Pool, Quota, Scenario, audit, select, tables


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    """Four cases; c1 has a name with HTML in it."""
    return make_pool(
        [
            {"id": "c1", "name": "<b>Bold & co</b>", "colour": "red", "size": "small", "tags": "a"},
            ("c2", "green", "large", "a|b"),
            ("c3", "blue", "small", "c"),
            ("c4", "red", "large", ""),
        ]
    )


def test_selection_dataframe_holds_the_selected_cases(pool: Pool) -> None:
    """to_dataframe has one row per selected case, indexed by id, with the pool's columns."""
    scenario = Scenario(size=2, include=["c3", "c2"])
    frame = select(pool, scenario).to_dataframe()
    assert frame.index.tolist() == ["c2", "c3"]  # pool order
    assert frame["colour"].tolist() == ["green", "blue"]
    assert frame.loc["c2", "tags"] == ["a", "b"]


def test_selection_without_cases_has_an_empty_dataframe(pool: Pool) -> None:
    """An infeasible run gives an empty DataFrame, not an error."""
    scenario = Scenario(size=1, quotas=[Quota(attribute="colour", min=1)])  # 3 colours, 1 case
    result = select(pool, scenario)
    assert result.status.value == "infeasible"
    assert result.to_dataframe().empty


def test_selection_html_escapes_names_and_lists_values(pool: Pool) -> None:
    """Case names are escaped, and a multi-valued cell reads 'a, b'."""
    page = select(pool, Scenario(size=2, include=["c1", "c2"]))._repr_html_()
    assert "&lt;b&gt;Bold &amp; co&lt;/b&gt;" in page
    assert "<b>Bold" not in page
    assert "<td>a, b</td>" in page
    assert "status: optimal · 2 of 4 cases selected" in page


def test_infeasible_selection_html_gives_the_reasons(pool: Pool) -> None:
    """Without a selection, the HTML shows the status and the quick-check reasons."""
    scenario = Scenario(size=1, quotas=[Quota(attribute="colour", min=1)])
    page = select(pool, scenario)._repr_html_()
    assert "status: infeasible" in page
    assert "colour has 3 values; with at least 1 each that needs 3 cases but size is 1" in page
    assert '<table class="selectie">' not in page


def test_audit_html_shows_missed_constraints_first(pool: Pool) -> None:
    """The missed constraints come in their own table before the collapsed full list."""
    scenario = Scenario(size=2, quotas=[Quota(attribute="colour", values=["blue"], min=1)])
    page = audit(pool, scenario, ["c1", "c2"])._repr_html_()
    missed = page.index("<td>colour=blue</td>")
    assert missed < page.index("<details>")
    assert "1 of 2 constraints not satisfied" in page
    assert "✗ short by 1" in page


def test_audit_text_names_what_is_missed(pool: Pool) -> None:
    """str(audit) gives the summary and one line per missed constraint."""
    scenario = Scenario(size=2, quotas=[Quota(attribute="colour", values=["blue"], min=1)])
    text = str(audit(pool, scenario, ["c1", "c2"]))
    assert text.splitlines()[:2] == [
        "1 of 2 constraints not satisfied",
        "  MISSED colour=blue: 0 selected, at least 1 required (short by 1)",
    ]


def test_tableset_dataframe_is_the_long_frame(pool: Pool) -> None:
    """to_dataframe gives the same long table as to_frame: attribute, value, counts."""
    t = tables(pool, ["c1", "c2"], attributes=["size"])
    frame = t.to_dataframe()
    assert frame.equals(t.to_frame())
    rows = frame[["value", "selected", "pool"]].values.tolist()
    assert rows == [["small", 1, 2], ["large", 1, 2], ["total", 2, 4]]


def test_tableset_html_counts_differences_from_the_reference(pool: Pool) -> None:
    """With a reference, the HTML starts by saying how many counts differ."""
    ref = {"colour": {"red": 2, "green": 0}}
    page = tables(pool, ["c1", "c2"], reference=ref, attributes=["colour"])._repr_html_()
    # c1 red, c2 green: red 1 vs 2 and green 1 vs 0 differ.
    assert page.startswith("<p><b>2 count(s) differ from reference</b></p>")
    same = tables(pool, ["c1", "c4"], reference=ref, attributes=["colour"])._repr_html_()
    assert same.startswith("<p><b>every count equals reference</b></p>")


def test_reprs_are_one_line_summaries(pool: Pool) -> None:
    """repr() of a selection, an audit and a table set is a short line, not every field."""
    result = select(pool, Scenario(size=2, include=["c1", "c2"]))
    assert repr(result) == "<Selection optimal: 2 of 4 cases (c1, c2)>"
    assert repr(result.audit) == "<Audit: all 3 constraints satisfied>"  # size, 2 includes
    t = result.tables(reference={"colour": {"red": 1}})
    assert repr(t) == "<TableSet of 3 attributes, 2 selected, reference 'reference'>"
    none = select(pool, Scenario(size=1, quotas=[Quota(attribute="colour", min=1)]))
    assert repr(none) == "<Selection infeasible: no selection>"
