"""Reading sortition instances: Sortition Foundation and replication formats, households, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from selectie import PoolError, ScenarioError, Status, select
from selectie.lottery import fair_lottery
from selectie.sortition import read_quotas, read_sortition

DATA = Path(__file__).parent / "data" / "sortition"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_replication_format_is_read() -> None:
    """categories.csv + respondents.csv: ids 1..n, one attribute per category, four quotas."""
    pool, scenario = read_sortition(
        DATA / "example_small_20" / "respondents.csv",
        DATA / "example_small_20" / "categories.csv",
        size=20,
    )
    assert len(pool) == 200
    assert pool.ids[:3] == ("1", "2", "3")
    assert pool.codebook.attribute_names == ("gender", "leaning")
    assert [(q.attribute, q.values, q.min, q.max) for q in scenario.quotas] == [
        ("gender", ("female",), 9, 20),
        ("gender", ("male",), 9, 20),
        ("leaning", ("liberal",), 9, 20),
        ("leaning", ("conservative",), 9, 20),
    ]
    assert scenario.size == 20


def test_replication_format_is_detected() -> None:
    """A category,feature,min,max header is recognised as the replication format."""
    rows, fmt = read_quotas(DATA / "example_large_200" / "categories.csv")
    assert fmt == "replication"
    assert (rows[0].feature, rows[0].value, rows[0].min, rows[0].max) == (
        "gender",
        "female",
        99,
        200,
    )


def test_sortition_foundation_format_is_read() -> None:
    """features.csv + candidates.csv: ids from nationbuilder_id, flex kept in the note."""
    pool, scenario = read_sortition(
        DATA / "fixture_150" / "candidates.csv", DATA / "fixture_150" / "features.csv", size=22
    )
    assert len(pool) == 150
    assert pool.ids[0] == "p0"
    assert pool.codebook.id_column == "nationbuilder_id"
    assert len(scenario.quotas) == 20
    first = scenario.quotas[0]
    assert (first.attribute, first.values, first.min, first.max) == ("Gender", ("Female",), 11, 12)
    assert first.note == "features.csv row 2; flex 0 to 12"
    assert pool.extra["primary_zip"][0] == "primary_zip0"


def test_old_sortition_foundation_header_is_read(tmp_path: Path) -> None:
    """category,name,min,max is the older Sortition Foundation header."""
    q = write(tmp_path, "q.csv", "category,name,min,max\nsex,f,1,1\nsex,m,1,1\n")
    rows, fmt = read_quotas(q)
    assert fmt == "sortition-foundation"
    assert [(r.feature, r.value) for r in rows] == [("sex", "f"), ("sex", "m")]


def test_values_match_ignoring_case(tmp_path: Path) -> None:
    """A person's value matches the quotas file ignoring case and spacing."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nSex,Female,1,1\nSex,Male,1,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na, female \nb,MALE\n")
    pool, _ = read_sortition(p, q, size=2)
    assert pool.values["Sex"] == (frozenset({"Female"}), frozenset({"Male"}))


def test_households_become_a_group_limit(tmp_path: Path) -> None:
    """Address columns give 'at most one per household'; the two housemates never sit together."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,2\nsex,m,0,2\n")
    p = write(
        tmp_path,
        "p.csv",
        "id,sex,street,zip\na,f,1 Main St,1000\nb,m,1 main st ,1000\nc,f,2 Main St,1000\nd,m,,\n",
    )
    pool, scenario = read_sortition(p, q, size=2, households=["street", "zip"])
    assert scenario.group_limits[0].by == ("household",)
    assert scenario.group_limits[0].max == 1
    lot = fair_lottery(pool, scenario, method="leximin")
    for entry in lot.support:
        ids = {i for t in entry.take for i in lot.profiles[t.profile].ids}
        assert not {"a", "b"} <= ids
    assert lot.probabilities["a"] + lot.probabilities["b"] <= 1 + 1e-9


def test_explicit_id_column(tmp_path: Path) -> None:
    """id_column names the column holding the ids."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,1,1\nsex,m,1,1\n")
    p = write(tmp_path, "p.csv", "code,sex\nx1,f\nx2,m\n")
    pool, _ = read_sortition(p, q, size=2, id_column="code")
    assert pool.ids == ("x1", "x2")


def test_sortition_instance_can_be_selected() -> None:
    """The fixture reads into a scenario that select() solves with a verified selection."""
    pool, scenario = read_sortition(
        DATA / "fixture_150" / "candidates.csv", DATA / "fixture_150" / "features.csv", size=22
    )
    sel = select(pool, scenario, solver="highs")
    assert sel.status == Status.OPTIMAL
    assert sel.audit is not None and sel.audit.ok


# -- errors -----------------------------------------------------------------------------------


def test_unknown_value_is_reported_with_row_and_column(tmp_path: Path) -> None:
    """A value the quotas file does not list is reported with file, row, column and options."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,1,1\nsex,m,1,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\nb,x\nc,mm\n")
    with pytest.raises(PoolError) as info:
        read_sortition(p, q, size=2)
    problems = [str(pr) for pr in info.value.problems]
    assert problems == [
        (
            f"{p}, row 3, column 'sex': expected one of the values the quotas file lists for "
            "'sex': f, m, found 'x'"
        ),
        (
            f"{p}, row 4, column 'sex': expected one of the values the quotas file lists for "
            "'sex': f, m, found 'mm'; did you mean 'm'?"
        ),
    ]


def test_missing_feature_column_is_reported(tmp_path: Path) -> None:
    """A feature of the quotas file without a column in the people file is an error."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nage,young,1,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\n")
    with pytest.raises(PoolError) as info:
        read_sortition(p, q, size=1)
    assert info.value.problems[0].message == (
        f"the quotas file {str(q)!r} has feature 'age', but the people file has no such column"
    )


def test_unknown_quotas_header_is_reported(tmp_path: Path) -> None:
    """A quotas file with none of the known headers says which headers are expected."""
    q = write(tmp_path, "q.csv", "attr,val,lo,hi\nsex,f,1,1\n")
    with pytest.raises(ScenarioError) as info:
        read_quotas(q)
    assert info.value.summary == f"quotas file {str(q)!r} has none of the known headers"
    assert "feature,value,min,max" in str(info.value.problems[0])


def test_bad_numbers_are_all_reported(tmp_path: Path) -> None:
    """Non-numbers, min > max, duplicates and flex outside the bounds are reported together."""
    q = write(
        tmp_path,
        "q.csv",
        "feature,value,min,max,min_flex,max_flex\nsex,f,one,2,0,2\nsex,m,3,2,0,3\n"
        "sex,f,1,1,0,1\nage,old,1,2,2,1\n",
    )
    with pytest.raises(ScenarioError) as info:
        read_quotas(q)
    assert [str(p) for p in info.value.problems] == [
        f"{q}, row 2, column 'min': expected a whole number >= 0, found 'one'",
        f"{q}, row 3, column 'min': min (3) is larger than max (2)",
        f"{q}, row 4: sex=f is listed twice (also at row 2)",
        f"{q}, row 5, column 'min_flex': min_flex (2) is larger than min (1)",
        f"{q}, row 5, column 'max_flex': max_flex (1) is smaller than max (2)",
    ]


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    """Two people with the same id are reported with both rows."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,1\nsex,m,0,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\nA,m\n")
    with pytest.raises(PoolError) as info:
        read_sortition(p, q, size=1)
    assert str(info.value.problems[0]) == (
        f"{p}, row 3, column 'id': duplicate id 'A' (also at row 2)"
    )


def test_missing_address_column_is_reported(tmp_path: Path) -> None:
    """A household column that the people file lacks is an error."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,1\nsex,m,0,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\n")
    with pytest.raises(PoolError) as info:
        read_sortition(p, q, size=1, households=["street"])
    assert info.value.problems[0].message == "the address column is missing"


def test_bad_size_is_refused(tmp_path: Path) -> None:
    """The panel size must be a positive whole number."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\n")
    with pytest.raises(ScenarioError) as info:
        read_sortition(p, q, size=0)
    assert str(info.value) == "the panel size must be a whole number >= 1 (got 0)"


def test_input_files_are_not_modified(tmp_path: Path) -> None:
    """Reading leaves both files byte for byte as they were."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,1,1\nsex,m,1,1\n")
    p = write(tmp_path, "p.csv", "id,sex\na,f\nb,m\n")
    before = (q.read_bytes(), p.read_bytes())
    read_sortition(p, q, size=2)
    assert (q.read_bytes(), p.read_bytes()) == before


def test_missing_people_file_is_named_as_such(tmp_path: Path) -> None:
    """A people file that does not exist is reported as the people file, not a pool file."""
    q = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,1\n")
    missing = tmp_path / "nope.csv"
    with pytest.raises(PoolError) as info:
        read_sortition(missing, q, size=1)
    assert info.value.summary == f"people file {str(missing)!r} does not exist"


def test_missing_quotas_file_is_a_scenario_error(tmp_path: Path) -> None:
    """A quotas file that does not exist raises ScenarioError naming the quotas file."""
    p = write(tmp_path, "p.csv", "id,sex\na,f\n")
    missing = tmp_path / "q.csv"
    with pytest.raises(ScenarioError) as info:
        read_sortition(p, missing, size=1)
    assert info.value.summary == f"quotas file {str(missing)!r} does not exist"
