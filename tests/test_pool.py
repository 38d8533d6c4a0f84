"""Pools: loading CSV/XLSX as users produce them, clear errors, lossless round trips."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from selectie import Codebook, Pool, PoolError, load_pool
from selectie.codebook import codebook_from_dict
from tests.conftest import TINY_CODEBOOK

HEADER = "id,name,colour,size,tags"
GOOD_ROWS = [
    "c1,Case one,red,small,a|b",
    "c2,Case two,green,large,",
    "c3,Case three,blue,onbekend,c",
]


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.csv"
    p.write_text("\n".join([HEADER, *GOOD_ROWS]) + "\n", encoding="utf-8")
    return p


def load_tiny(path: Path, tiny_codebook: Codebook) -> Pool:
    return load_pool(path, tiny_codebook)


def test_bundled_pool_has_126_projects(wodc_pool: Pool) -> None:
    """The bundled pool loads with its codebook and has 126 unique projects."""
    assert len(wodc_pool) == 126
    assert len(set(wodc_pool.ids)) == 126


def test_bundled_pool_loads_from_any_folder(tmp_path: Path) -> None:
    """load_pool() finds the bundled data from another working directory."""
    out = subprocess.run(
        [sys.executable, "-c", "import selectie; print(len(selectie.load_pool()))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "126"


def test_cells_are_parsed(tiny_file: Path, tiny_codebook: Codebook) -> None:
    """Single, multi, empty multi and unknown cells are read as the codebook says."""
    pool = load_tiny(tiny_file, tiny_codebook)
    assert pool.ids == ("c1", "c2", "c3")
    assert pool.values["tags"] == (frozenset({"a", "b"}), frozenset(), frozenset({"c"}))
    assert pool.values["size"] == (frozenset({"small"}), frozenset({"large"}), None)
    assert pool.names[0] == "Case one"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ";", False),
        ("utf-8", ",", True),
        ("cp1252", ";", False),
        ("utf-16", "\t", False),
    ],
)
def test_dialects_users_produce(
    tmp_path: Path, tiny_codebook: Codebook, encoding: str, delimiter: str, bom: bool
) -> None:
    """UTF-8 with/without BOM, Windows-1252, UTF-16, and ; , or tab delimiters all load alike."""
    rows = [HEADER.replace(",", delimiter)]
    rows += [r.replace(",", delimiter).replace("Case one", "Caféproject") for r in GOOD_ROWS]
    text = "\r\n".join(rows) + "\r\n"
    p = tmp_path / "dialect.csv"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    p.write_bytes(data)
    pool = load_tiny(p, tiny_codebook)
    assert pool.names[0] == "Caféproject"
    assert pool.values["tags"][0] == frozenset({"a", "b"})
    assert pool.values["colour"][2] == frozenset({"blue"})


def test_stray_whitespace_and_case_are_tolerated(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """Spaces around cells, header names in other case and values in other case still load."""
    p = tmp_path / "messy.csv"
    p.write_text(" ID , Name ,COLOUR, size , tags \n c1 , One , Red , SMALL , A | b \n")
    pool = load_tiny(p, tiny_codebook)
    assert pool.ids == ("c1",)
    assert pool.values["colour"][0] == frozenset({"red"})
    assert pool.values["tags"][0] == frozenset({"a", "b"})


def test_every_problem_reported_at_once(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """Several bad cells give one error listing each with file, row, column and a suggestion."""
    p = tmp_path / "bad.csv"
    p.write_text(f"{HEADER}\nc1,One,rde,small,a\nc2,Two,green,huge,b|d\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert str(err.value).splitlines() == [
        f"{p}: 3 problems in the pool",
        (
            f"  - {p}, row 2, column 'colour': 'rde' is not a value of 'colour' "
            "(allowed: red, green, blue); did you mean 'red'?"
        ),
        f"  - {p}, row 3, column 'size': 'huge' is not a value of 'size' (allowed: small, large)",
        f"  - {p}, row 3, column 'tags': 'd' is not a value of 'tags' (allowed: a, b, c)",
        (
            "Fix these cells (values are matched ignoring case and spacing), then run "
            "`selectie validate` again."
        ),
    ]
    assert len(err.value.problems) == 3


def test_duplicate_ids(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A repeated id is reported at its second row, naming the first."""
    p = tmp_path / "dup.csv"
    p.write_text(f"{HEADER}\nc1,One,red,small,a\nc1,Again,red,small,a\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert f"{p}, row 3, column 'id': duplicate id 'c1' (also at row 2)" in str(err.value)


def test_ids_differing_only_by_case_or_space(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """Ids equal ignoring case and spacing are refused: they could not be told apart."""
    p = tmp_path / "dup.csv"
    p.write_text(f"{HEADER}\nAB 1,One,red,small,a\nab  1,Two,red,small,a\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert (
        "column 'id': id 'ab 1' differs from id 'AB 1' at row 2 only by case or spacing; "
        "ids must be unique ignoring case and spacing"
    ) in str(err.value)


@pytest.mark.parametrize(
    ("look_alike", "why"),
    [
        ("c\u200b1", "holds an invisible character (U+200B ZERO WIDTH SPACE)"),
        ("\u200fc1", "holds an invisible character (U+200F RIGHT-TO-LEFT MARK)"),
        ("c1\u2060", "holds an invisible character (U+2060 WORD JOINER)"),
        ("c\x071", "holds an invisible character (U+0007 a control character)"),
        ("\u0441\u0430t", "mixes Cyrillic and Latin letters"),
    ],
)
def test_ids_with_invisible_or_mixed_script_characters_are_refused(
    tmp_path: Path, tiny_codebook: Codebook, look_alike: str, why: str
) -> None:
    """Issue 12 item 6: an id that looks like another but is not (a zero-width space, a
    direction mark, Cyrillic letters among Latin ones) is refused, naming the character.
    """
    p = tmp_path / "ids.csv"
    p.write_text(f"{HEADER}\nc1,One,red,small,a\n{look_alike},Two,red,small,a\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert f"{p}, row 3, column 'id': the id {look_alike!r} {why}" in str(err.value)


@pytest.mark.parametrize(
    ("first", "second"),
    [("P01", "\u042001"), ("ac", "\u0430\u0441"), ("A1", "\uff211"), ("x²", "x2")],
)
def test_ids_equal_after_normalisation_are_duplicates(
    tmp_path: Path, tiny_codebook: Codebook, first: str, second: str
) -> None:
    """A Cyrillic Р01 beside a Latin P01, Cyrillic ас beside Latin ac, a full-width Ａ1 beside
    A1, x² beside x2 (NFKC): the same id written twice.
    """
    p = tmp_path / "ids.csv"
    p.write_text(f"{HEADER}\n{first},One,red,small,a\n{second},Two,red,small,a\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert f"row 3, column 'id': id {second!r} looks the same as id {first!r} at row 2" in str(
        err.value
    )


def test_a_greek_or_cyrillic_id_alone_is_an_id(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """Ids in one other script are ids (only look-alikes of other ids are refused)."""
    p = tmp_path / "ids.csv"
    p.write_text(f"{HEADER}\nΔ1,One,red,small,a\nЖ1,Two,red,small,a\n")
    assert load_tiny(p, tiny_codebook).ids == ("Δ1", "Ж1")


def test_missing_optional_column_is_an_error(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """Issue 12 item 7: a pool file without the column of an optional attribute the codebook
    declares is an error naming the column (it passed validate silently, every case unknown).
    """
    p = tmp_path / "nocol.csv"
    p.write_text("id,name,colour,tags\nc1,One,red,a\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert (
        f"{p}, row 1, column 'size': the codebook declares this attribute but the pool has no "
        "column for it; the header has: id, name, colour, tags. Add the column (a cell may say "
        "'onbekend'), or remove the attribute from the codebook"
    ) in str(err.value)


def test_missing_required_column(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A missing required attribute column is named."""
    p = tmp_path / "nocol.csv"
    p.write_text("id,name,size\nc1,One,small\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert f"{p}, row 1, column 'colour': required column is missing" in str(err.value)


def test_unknown_column_with_suggestion(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """An unknown column is an error that suggests the closest known column."""
    p = tmp_path / "extra.csv"
    p.write_text("id,name,colour,sizes\nc1,One,red,small\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert (
        f"{p}, row 1, column 'sizes': unknown column; did you mean 'size'? Remove the column, "
        "or declare it in the codebook's extra_columns"
    ) in str(err.value)


def test_empty_file(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """An empty file is refused with what a pool file needs."""
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert str(err.value).startswith(f"pool file {str(p)!r} is empty")


def test_header_only(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A header without rows is refused."""
    p = tmp_path / "header.csv"
    p.write_text(HEADER + "\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert "the file has a header row but no cases (no data rows)" in str(err.value)


def test_row_with_wrong_number_of_cells(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A row with a stray delimiter is reported with its row number."""
    p = tmp_path / "ragged.csv"
    p.write_text(f"{HEADER}\nc1,One,red,small,a,extra\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert f"{p}, row 2: the row has 6 cells but the header has 5" in str(err.value)


def test_binary_file(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A binary file is refused as not a text CSV."""
    p = tmp_path / "garbage.csv"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert str(err.value).startswith(f"pool file {str(p)!r} is not a text CSV file")


def test_mixed_encodings(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A file mixing UTF-8 and Windows-1252 lines is refused with the first bad line."""
    p = tmp_path / "mixed.csv"
    p.write_bytes(
        (HEADER + "\n").encode()
        + "c1,Café,red,small,a\n".encode()
        + "c2,Caféé,red,small,a\n".encode("cp1252")
    )
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert "mixes text encodings: some lines are UTF-8, others are not (first at line 3)" in str(
        err.value
    )


def test_single_column_file_hints_at_delimiter(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A file whose delimiter selectie does not read says which delimiters it reads."""
    p = tmp_path / "pipes.csv"
    p.write_text("id|name|colour\nc1|One|red\nc2|Two|blue\n")
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert "selectie reads cells separated by comma, semicolon or tab" in str(err.value)


def test_huge_cell_is_refused_quickly(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """A 1 MB cell is refused with a hint about unclosed quotes."""
    p = tmp_path / "huge.csv"
    p.write_text(f'{HEADER}\nc1,"{"x" * 1_000_000}",red,small,a\n')
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert "is longer than 131072 characters" in str(err.value)


def test_xlsx_pool(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """An XLSX workbook loads like the CSV, numbers as ids included."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "name", "colour", "size", "tags"])
    ws.append([1, "One", "Red", "small", "a|b"])
    ws.append([2, "Two", "green", None, None])
    p = tmp_path / "pool.xlsx"
    wb.save(p)
    pool = load_tiny(p, tiny_codebook)
    assert pool.ids == ("1", "2")
    assert pool.values["size"][1] is None
    assert pool.values["tags"][1] == frozenset()


def test_old_xls_is_refused(tmp_path: Path, tiny_codebook: Codebook) -> None:
    """An old .xls workbook gets a hint to save it as .xlsx or .csv."""
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(PoolError) as err:
        load_tiny(p, tiny_codebook)
    assert "Open it in Excel or LibreOffice and save it as .xlsx or .csv." in str(err.value)


def test_loading_never_modifies_the_file(tiny_file: Path, tiny_codebook: Codebook) -> None:
    """The pool file's bytes are the same after loading."""
    before = hashlib.sha256(tiny_file.read_bytes()).hexdigest()
    pool = load_tiny(tiny_file, tiny_codebook)
    assert pool.digest == before
    assert hashlib.sha256(tiny_file.read_bytes()).hexdigest() == before


def test_round_trip_models_dataframe_csv(wodc_pool: Pool, tmp_path: Path) -> None:
    """load -> models -> DataFrame -> CSV -> load gives the same pool."""
    import pandas as pd

    items = wodc_pool.items()
    frame = pd.DataFrame([m.model_dump() for m in items])
    via_frame = Pool.from_dataframe(frame, wodc_pool.codebook)
    path = tmp_path / "again.csv"
    via_frame.to_csv(path)
    again = load_pool(path, wodc_pool.codebook)
    assert again == wodc_pool


def test_to_dataframe_shape(wodc_pool: Pool) -> None:
    """The DataFrame has one row per case, lists for multi-valued attributes, None for unknown."""
    df = wodc_pool.to_dataframe()
    assert df.shape[0] == 126
    assert df.loc["R01", "regio"] == "Limburg"
    assert isinstance(df.loc["R01", "theorie"], list)
    assert df.index.name == "id"


def test_dataframe_round_trip_keeps_unknown(
    make_pool: Callable[..., Pool], tiny_codebook: Codebook
) -> None:
    """Unknown single values and empty multi values survive a DataFrame round trip."""
    pool = make_pool([("x", "red", "onbekend", ""), ("y", "blue", "large", "a|c")])
    assert Pool.from_dataframe(pool.to_dataframe(), tiny_codebook) == pool


def test_tiny_codebook_fixture_matches_dict(tiny_codebook: Codebook) -> None:
    """The shared tiny codebook is the one described in conftest."""
    assert tiny_codebook == codebook_from_dict(TINY_CODEBOOK)
