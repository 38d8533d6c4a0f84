"""Hostile input: every file in tests/data/bad/ gives one clear, exact message.

The corpus holds a small valid codebook, pool and scenario (``codebook.toml``, ``pool.csv``,
``scenario.toml``) and, beside them, one broken file per kind of mistake. Files that would be
large (a 1 MB cell) or that depend on the machine (missing paths, folders) are made at test
time in ``tmp_path``.

Each case is checked twice: through the library (the exact text of the
:class:`~selectie.errors.InputError`) and through the CLI (exit code 2, the same text on
stderr, no traceback, nothing written to ``--output``). Messages are read with the corpus
folder as the working directory, so file names appear as written here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from selectie.codebook import load_codebook
from selectie.constraints import compile_scenario
from selectie.errors import CodebookError, InputError, PoolError, ScenarioError
from selectie.pool import load_pool
from selectie.scenario import load_scenario

BAD = Path(__file__).parent / "data" / "bad"

FIX_CELLS = (
    "Fix these cells (values are matched ignoring case and spacing), "
    "then run `selectie validate` again."
)
FIX_HEADER = (
    "Fix the header row (every column with cells needs a name of its own), then run the "
    "command again."
)
SCENARIO_KEYS = "See docs/reference.md#scenario for every key."
CODEBOOK_FORMAT = "See docs/reference.md#codebook for the format."
NAMES_FROM = (
    "Names of attributes and values come from the codebook (codebook.toml); ids from the pool."
)


@dataclass(frozen=True)
class Bad:
    """One broken input: which file plays which role, and the exact message expected."""

    file: str
    role: str  # "pool", "codebook" or "scenario"
    error: type[InputError]
    message: str
    #: Where the CLI checks the input itself before the library does, its own exact message.
    cli_message: str | None = None


CORPUS: list[Bad] = [
    # -- pools ----------------------------------------------------------------------------------
    Bad(
        "pool_empty.csv",
        "pool",
        PoolError,
        "pool file 'pool_empty.csv' is empty\n"
        "A pool file needs a header row with the codebook's columns and one row per case.",
    ),
    Bad(
        "pool_header_only.csv",
        "pool",
        PoolError,
        "pool_header_only.csv: the pool has no cases\n"
        "  - pool_header_only.csv: the file has a header row but no cases (no data rows)",
    ),
    Bad(
        "pool_binary.csv",
        "pool",
        PoolError,
        "pool file 'pool_binary.csv' is not a text CSV file (it contains NUL bytes)\n"
        "Export the pool from your spreadsheet as CSV (UTF-8) or XLSX.",
    ),
    Bad(
        "pool_wrong_delimiter.csv",
        "pool",
        PoolError,
        "pool file 'pool_wrong_delimiter.csv' has a single column 'id|name|colour|size|tags'\n"
        "selectie reads cells separated by comma, semicolon or tab; "
        "save the file with one of those delimiters.",
    ),
    Bad(
        "pool_mixed_encodings.csv",
        "pool",
        PoolError,
        "pool file 'pool_mixed_encodings.csv' mixes text encodings: some lines are UTF-8, "
        "others are not (first at line 3)\n"
        "Open the file in a text editor or spreadsheet and save it again as UTF-8.",
    ),
    Bad(
        "pool_duplicate_ids.csv",
        "pool",
        PoolError,
        "pool_duplicate_ids.csv: 1 problem in the pool\n"
        "  - pool_duplicate_ids.csv, row 4, column 'id': duplicate id 'c1' (also at row 2)\n"
        + FIX_CELLS,
    ),
    Bad(
        "pool_ids_case.csv",
        "pool",
        PoolError,
        "pool_ids_case.csv: 1 problem in the pool\n"
        "  - pool_ids_case.csv, row 3, column 'id': id 'ab1' differs from id 'AB1' at row 2 "
        "only by case or spacing; ids must be unique ignoring case and spacing\n" + FIX_CELLS,
    ),
    Bad(
        # 'c 1' and '"c  1 "': ids are read trimmed and with single spaces, so they collide
        "pool_ids_whitespace.csv",
        "pool",
        PoolError,
        "pool_ids_whitespace.csv: 1 problem in the pool\n"
        "  - pool_ids_whitespace.csv, row 3, column 'id': duplicate id 'c 1' (also at row 2)\n"
        + FIX_CELLS,
    ),
    Bad(
        "pool_formula.csv",
        "pool",
        PoolError,
        "pool_formula.csv: 2 problems in the pool\n"
        "  - pool_formula.csv, row 2, column 'colour': '=1+1' is not a value of 'colour' "
        "(allowed: red, green, blue)\n"
        "  - pool_formula.csv, row 3, column 'colour': '@SUM(A1)' is not a value of 'colour' "
        "(allowed: red, green, blue)\n" + FIX_CELLS,
    ),
    Bad(
        "pool_unknown_values.csv",
        "pool",
        PoolError,
        "pool_unknown_values.csv: 4 problems in the pool\n"
        "  - pool_unknown_values.csv, row 2, column 'colour': 'rood' is not a value of "
        "'colour' (allowed: red, green, blue)\n"
        "  - pool_unknown_values.csv, row 3, column 'size': 'huge' is not a value of 'size' "
        "(allowed: small, large)\n"
        "  - pool_unknown_values.csv, row 3, column 'tags': 'd' is not a value of 'tags' "
        "(allowed: a, b, c)\n"
        "  - pool_unknown_values.csv, row 4, column 'colour': a value is required in 'colour' "
        "(allowed: red, green, blue)\n" + FIX_CELLS,
    ),
    Bad(
        "pool_ragged.csv",
        "pool",
        PoolError,
        "pool_ragged.csv: 2 problems in the pool\n"
        "  - pool_ragged.csv, row 2: the row has 6 cells but the header has 5; check for a "
        "stray delimiter or an unclosed quote in this row\n"
        "  - pool_ragged.csv, row 3: the row has 2 cells but the header has 5; check for a "
        "stray delimiter or an unclosed quote in this row\n" + FIX_CELLS,
    ),
    Bad(
        "pool_missing_column.csv",
        "pool",
        PoolError,
        "pool_missing_column.csv: 1 problem in the pool\n"
        "  - pool_missing_column.csv, row 1, column 'colour': required column is missing; "
        "the header has: id, name, size, tags\n" + FIX_CELLS,
    ),
    Bad(
        "pool_not_a_workbook.xlsx",
        "pool",
        PoolError,
        "pool file 'pool_not_a_workbook.xlsx' is not a readable XLSX workbook (BadZipFile)\n"
        "Open it in Excel or LibreOffice and save it again as .xlsx or .csv.",
    ),
    Bad(
        "pool_old_excel.xls",
        "pool",
        PoolError,
        "pool file 'pool_old_excel.xls' is an old Excel (.xls) workbook, which selectie does "
        "not read\nOpen it in Excel or LibreOffice and save it as .xlsx or .csv.",
    ),
    Bad(
        "pool_duplicate_column.csv",
        "pool",
        PoolError,
        "pool_duplicate_column.csv: 1 problem in the pool\n"
        "  - pool_duplicate_column.csv, row 1, column 'colour': column E has the same name as "
        "column C; rename or delete one of them\n" + FIX_HEADER,
    ),
    Bad(
        "pool_unnamed_column.csv",
        "pool",
        PoolError,
        "pool_unnamed_column.csv: 1 problem in the pool\n"
        "  - pool_unnamed_column.csv, row 1: column D has no name in the header; name it or "
        "delete the column\n" + FIX_HEADER,
    ),
    # -- codebooks ------------------------------------------------------------------------------
    Bad(
        "codebook_unknown_key.toml",
        "codebook",
        CodebookError,
        "codebook codebook_unknown_key.toml is not valid\n"
        "  - codebook_unknown_key.toml: at attributes[0].requird: unknown key "
        "(not part of the format)\n"
        "  - codebook_unknown_key.toml: at label_colum: unknown key (not part of the format)\n"
        + CODEBOOK_FORMAT,
    ),
    Bad(
        "codebook_duplicate_value.toml",
        "codebook",
        CodebookError,
        "codebook codebook_duplicate_value.toml is not valid\n"
        "  - codebook_duplicate_value.toml: at attributes[0]: attribute 'colour': 'Red' is "
        "given for both 'red' and 'Red'\n" + CODEBOOK_FORMAT,
    ),
    Bad(
        "codebook_no_attributes.toml",
        "codebook",
        CodebookError,
        "codebook codebook_no_attributes.toml is not valid\n"
        "  - codebook_no_attributes.toml: no [[attributes]] tables",
    ),
    # -- scenarios ------------------------------------------------------------------------------
    Bad(
        "scenario_empty.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_empty.toml is not valid\n"
        "  - scenario_empty.toml: at size: Field required\n" + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_not_toml.toml",
        "scenario",
        ScenarioError,
        "scenario 'scenario_not_toml.toml' is not valid TOML: Expected ']]' at the end of an "
        "array declaration (at line 2, column 9)\n"
        "Check quotes, brackets and '=' signs at the line given; "
        "see https://toml.io for the syntax.",
    ),
    Bad(
        "scenario_binary.toml",
        "scenario",
        ScenarioError,
        "scenario 'scenario_binary.toml' is not a text file (it contains NUL bytes)\n"
        "A scenario or codebook is a TOML text file; see docs/reference.md.",
    ),
    Bad(
        "scenario_latin1.toml",
        "scenario",
        ScenarioError,
        "scenario 'scenario_latin1.toml' is not UTF-8 text (byte 20 cannot be decoded)\n"
        "Save the file as UTF-8.",
    ),
    Bad(
        "scenario_negative_min.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_negative_min.toml is not valid\n"
        "  - scenario_negative_min.toml: at quotas[0].min: Input should be greater than or "
        "equal to 0: found '-1'\n" + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_fractional_bound.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_fractional_bound.toml is not valid\n"
        "  - scenario_fractional_bound.toml: at quotas[0].max: Input should be a valid "
        "integer: found '1.5'\n" + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_boolean_size.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_boolean_size.toml is not valid\n"
        "  - scenario_boolean_size.toml: at size: Input should be a valid integer: "
        "found 'true'\n" + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_min_above_max.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_min_above_max.toml is not valid\n"
        "  - scenario_min_above_max.toml: at quotas[0]: min (3) is larger than max (1)\n"
        + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_unknown_key.toml",
        "scenario",
        ScenarioError,
        "scenario scenario_unknown_key.toml is not valid\n"
        "  - scenario_unknown_key.toml: at quotas[0].minimum: unknown key "
        "(not part of the format)\n"
        "  - scenario_unknown_key.toml: at sise: unknown key (not part of the format)\n"
        + SCENARIO_KEYS,
    ),
    Bad(
        "scenario_unknown_attribute.toml",
        "scenario",
        ScenarioError,
        "the scenario does not fit the pool pool.csv\n"
        "  - at quotas[0].attribute: 'region' is not an attribute of codebook 'tiny' "
        "(attributes: colour, size, tags)\n" + NAMES_FROM,
    ),
    Bad(
        "scenario_unknown_value.toml",
        "scenario",
        ScenarioError,
        "the scenario does not fit the pool pool.csv\n"
        "  - at quotas[0].values: 'rood' is not a value of 'colour' "
        "(allowed: red, green, blue)\n" + NAMES_FROM,
    ),
    Bad(
        "scenario_unknown_ids.toml",
        "scenario",
        ScenarioError,
        "the scenario does not fit the pool pool.csv\n"
        "  - at include[0]: 'zz9' is not an id in the pool\n"
        "  - at exclude[0]: 'c9' is not an id in the pool\n" + NAMES_FROM,
    ),
    Bad(
        "scenario_size_above_pool.toml",
        "scenario",
        ScenarioError,
        "the scenario does not fit the pool pool.csv\n"
        "  - at size: size is 9 but the pool has only 4 cases\n" + NAMES_FROM,
        cli_message="size 9 is larger than the pool (4 cases)\n"
        "Give a smaller --size, or a larger pool.",
    ),
]


def test_every_corpus_file_has_a_case() -> None:
    """Each broken file in tests/data/bad/ is listed in CORPUS (and each listed file exists)."""
    valid = {"codebook.toml", "pool.csv", "scenario.toml", "README.md"}
    on_disk = {p.name for p in BAD.iterdir() if p.is_file()} - valid
    assert on_disk == {b.file for b in CORPUS}


@pytest.fixture
def in_bad(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work inside the corpus folder, so messages name files as they are written here."""
    monkeypatch.chdir(BAD)
    return BAD


def load_as(bad: Bad, file: str | Path) -> object:
    """Load ``file`` in the role ``bad.role`` with the valid files for the other roles."""
    if bad.role == "codebook":
        return load_codebook(file)
    codebook = load_codebook("codebook.toml")
    if bad.role == "pool":
        return load_pool(file, codebook)
    pool = load_pool("pool.csv", codebook)
    return compile_scenario(pool, load_scenario(file))


@pytest.mark.parametrize("bad", CORPUS, ids=[b.file for b in CORPUS])
def test_library_gives_the_exact_message(bad: Bad, in_bad: Path) -> None:
    """Loading the broken file raises the error of its role with the exact message."""
    with pytest.raises(bad.error) as info:
        load_as(bad, bad.file)
    assert str(info.value) == bad.message


def test_the_valid_corpus_files_load(in_bad: Path) -> None:
    """The codebook, pool and scenario the broken files are read against are themselves valid."""
    pool = load_pool("pool.csv", load_codebook("codebook.toml"))
    assert pool.ids == ("c1", "c2", "c3", "c4")
    compiled = compile_scenario(pool, load_scenario("scenario.toml"))
    assert compiled.scenario.size == 2


def test_loading_never_modifies_a_corpus_file(in_bad: Path) -> None:
    """Every file in the corpus has the same bytes after every loader has read it."""
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in BAD.iterdir()}
    for bad in CORPUS:
        with pytest.raises(InputError):
            load_as(bad, bad.file)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in BAD.iterdir()}
    assert after == before


# -- inputs made at test time -------------------------------------------------------------------

ROLES: dict[str, tuple[type[InputError], str, str]] = {
    # role: (error, noun in the message, suffix of the missing file)
    "pool": (PoolError, "pool file", ".csv"),
    "codebook": (CodebookError, "codebook", ".toml"),
    "scenario": (ScenarioError, "scenario", ".toml"),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_a_path_that_does_not_exist(role: str, in_bad: Path) -> None:
    """A missing file is named, with the folder relative paths start from."""
    error, noun, suffix = ROLES[role]
    with pytest.raises(error) as info:
        load_as(Bad("", role, error, ""), f"no_such_file{suffix}")
    assert str(info.value) == (
        f"{noun} 'no_such_file{suffix}' does not exist\n"
        f"Check the path (relative paths start from the current folder: {BAD})."
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_a_path_that_is_a_folder(role: str, in_bad: Path, tmp_path: Path) -> None:
    """A folder given as a file is refused as a folder."""
    error, noun, _ = ROLES[role]
    folder = tmp_path / "a_folder.csv"
    folder.mkdir()
    with pytest.raises(error) as info:
        load_as(Bad("", role, error, ""), folder)
    assert (
        str(info.value)
        == f"{noun} {str(folder)!r} is a folder, not a file\nGive the path of a file."
    )


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
@pytest.mark.parametrize("role", list(ROLES))
def test_a_named_pipe_is_refused_unread(role: str, in_bad: Path, tmp_path: Path) -> None:
    """A named pipe (reading it would wait forever for a writer) is refused before reading."""
    error, noun, _ = ROLES[role]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(error) as info:
        load_as(Bad("", role, error, ""), fifo)
    assert str(info.value) == (
        f"{noun} {str(fifo)!r} is not a regular file (it is a pipe, socket or device)\n"
        "Give the path of a file saved on disk."
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("role", list(ROLES))
def test_an_endless_device_is_refused_unread(role: str, in_bad: Path) -> None:
    """/dev/zero (endless) is refused as not a regular file instead of read until memory
    runs out.
    """
    error, noun, _ = ROLES[role]
    with pytest.raises(error) as info:
        load_as(Bad("", role, error, ""), "/dev/zero")
    assert str(info.value) == (
        f"{noun} '/dev/zero' is not a regular file (it is a pipe, socket or device)\n"
        "Give the path of a file saved on disk."
    )


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space (all zero bytes)."""
    with path.open("wb") as f:
        f.truncate(size)
    return path


def test_a_huge_pool_file_is_refused_by_its_size(tmp_path: Path) -> None:
    """A pool file over 512 MiB is refused from its size, without reading it."""
    path = sparse_file(tmp_path / "huge.csv", 600 * 1024 * 1024)
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml")
    assert str(info.value) == (
        f"pool file {str(path)!r} is 629 MB; selectie reads at most 537 MB\n"
        "Split the file, or remove columns it does not need."
    )


@pytest.mark.parametrize("role", ["codebook", "scenario"])
def test_a_huge_toml_file_is_refused_by_its_size(role: str, in_bad: Path, tmp_path: Path) -> None:
    """A codebook or scenario over 16 MB is refused from its size, without reading it."""
    error, noun, _ = ROLES[role]
    path = sparse_file(tmp_path / "huge.toml", 20_000_000)
    with pytest.raises(error) as info:
        load_as(Bad("", role, error, ""), path)
    assert str(info.value) == (
        f"{noun} {str(path)!r} is 20 MB; a {noun} file is at most 16 MB\n"
        "Check that the path names the right file."
    )


#: The message for a cell over the limit of 128 Ki characters, in a row that starts at line 2.
TOO_LONG = "a cell in the row starting at line 2 is longer than 131072 characters"


def one_mb_pool(tmp_path: Path, column: str) -> Path:
    """A pool whose ``column`` cell in the first case is 1 MB of text."""
    cells = {"id": "c1", "name": "one", "colour": "red", "size": "small", "tags": "a"}
    cells[column] = "x" * (1024 * 1024)
    path = tmp_path / "big_cell.csv"
    header = "id,name,colour,size,tags"
    path.write_text(f"{header}\n{','.join(cells.values())}\nc2,two,green,large,b\n", "utf-8")
    return path


@pytest.mark.parametrize("column", ["id", "name", "colour", "tags"])
def test_a_one_megabyte_cell(column: str, tmp_path: Path) -> None:
    """A 1 MB cell is refused as too long (limit 128 Ki characters), in any column."""
    path = one_mb_pool(tmp_path, column)
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml")
    assert str(info.value) == (
        f"pool file {str(path)!r}: {TOO_LONG}\n"
        'Check for an unclosed quote (") or a pasted document in a cell.'
    )


def test_a_one_megabyte_cell_keeps_memory_bounded(tmp_path: Path) -> None:
    """Refusing a 1 MB cell allocates at most a few times the file's size."""
    path = one_mb_pool(tmp_path, "name")
    codebook = load_codebook(BAD / "codebook.toml")
    tracemalloc.start()
    try:
        with pytest.raises(PoolError):
            load_pool(path, codebook)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * path.stat().st_size


def test_an_unclosed_quote_to_the_end_of_a_large_file(tmp_path: Path) -> None:
    """A quote opened early and never closed swallows the file into one cell, which is
    refused as too long rather than read whole.
    """
    path = tmp_path / "unclosed.csv"
    rows = "".join(f"c{i},case {i},red,small,a\n" for i in range(2, 60000))
    path.write_text('id,name,colour,size,tags\nc1,"one,red,small,a\n' + rows, "utf-8")
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml")
    assert str(info.value) == (
        f"pool file {str(path)!r}: {TOO_LONG}\n"
        'Check for an unclosed quote (") or a pasted document in a cell.'
    )


def test_an_empty_workbook(tmp_path: Path) -> None:
    """An XLSX workbook whose first sheet has no cells is refused as empty."""
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml")
    assert str(info.value) == f"pool file {str(path)!r} is empty (its first sheet has no cells)"


def test_a_workbook_without_the_sheet_asked_for(tmp_path: Path) -> None:
    """Asking for a sheet the workbook lacks names the sheets it has."""
    from openpyxl import Workbook

    path = tmp_path / "pool.xlsx"
    Workbook().save(path)
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml", sheet="Pool")
    assert str(info.value) == f"pool file {str(path)!r} has no sheet 'Pool' (sheets: Sheet)"


def test_a_formula_in_the_name_column_is_kept_as_text(tmp_path: Path) -> None:
    """A formula-looking display name is free text: read verbatim, never evaluated."""
    path = tmp_path / "formula_name.csv"
    path.write_text('id,name,colour,size,tags\nc1,"=HYPERLINK(""http://x"")",red,small,a\n')
    pool = load_pool(path, BAD / "codebook.toml")
    assert pool.names == ('=HYPERLINK("http://x")',)


# -- the CLI ------------------------------------------------------------------------------------


def cli_available() -> bool:
    try:
        import selectie.cli  # noqa: F401
    except ImportError:
        return False
    return True


needs_cli = pytest.mark.skipif(not cli_available(), reason="selectie.cli is not there yet")


def run_select(cwd: Path, **files: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m selectie select`` with the given --pool/--codebook/--scenario/--output."""
    args = [sys.executable, "-m", "selectie", "select"]
    for option, value in files.items():
        args += [f"--{option}", str(value)]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def cli_files(bad: Bad | None, file: str | Path, output: Path) -> dict[str, str | Path]:
    files: dict[str, str | Path] = {
        "pool": "pool.csv",
        "codebook": "codebook.toml",
        "scenario": "scenario.toml",
    }
    if bad is not None:
        files[bad.role] = file
    files["output"] = output
    return files


def assert_clean_refusal(out: subprocess.CompletedProcess[str], message: str, output: Path) -> None:
    """Exit 2, exactly ``error: <message>`` on stderr, no traceback, nothing written."""
    assert out.returncode == 2, out.stderr
    assert out.stderr == f"error: {message}\n"
    assert "Traceback" not in out.stdout
    assert not output.exists()
    assert list(output.parent.iterdir()) == []


@needs_cli
def test_cli_accepts_the_valid_corpus_files(tmp_path: Path) -> None:
    """The baseline works from the CLI: exit 0 and the --output file written."""
    output = tmp_path / "out" / "selection.json"
    output.parent.mkdir()
    out = run_select(BAD, **cli_files(None, "", output))
    assert out.returncode == 0, out.stderr
    assert output.exists()


@needs_cli
@pytest.mark.parametrize("bad", CORPUS, ids=[b.file for b in CORPUS])
def test_cli_refuses_with_exit_2_and_the_message(bad: Bad, tmp_path: Path) -> None:
    """The CLI exits 2 with the library's exact message on stderr and writes nothing."""
    output = tmp_path / "out" / "selection.json"
    output.parent.mkdir()
    out = run_select(BAD, **cli_files(bad, bad.file, output))
    assert_clean_refusal(out, bad.cli_message or bad.message, output)


@needs_cli
@pytest.mark.parametrize("role", list(ROLES))
def test_cli_refuses_missing_paths_and_folders(role: str, tmp_path: Path) -> None:
    """A missing path or a folder, in any role, exits 2 with the message and writes nothing."""
    error, noun, suffix = ROLES[role]
    output = tmp_path / "out" / "selection.json"
    output.parent.mkdir()
    folder = tmp_path / "a_folder"
    folder.mkdir()
    role_bad = Bad("", role, error, "")
    out = run_select(BAD, **cli_files(role_bad, f"no_such_file{suffix}", output))
    assert_clean_refusal(
        out,
        f"{noun} 'no_such_file{suffix}' does not exist\n"
        f"Check the path (relative paths start from the current folder: {BAD}).",
        output,
    )
    out = run_select(BAD, **cli_files(role_bad, folder, output))
    assert_clean_refusal(
        out, f"{noun} {str(folder)!r} is a folder, not a file\nGive the path of a file.", output
    )


@needs_cli
@needs_fifo
def test_cli_refuses_a_named_pipe(tmp_path: Path) -> None:
    """A named pipe as the pool exits 2 at once (never waits for a writer)."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    output = tmp_path / "out" / "selection.json"
    output.parent.mkdir()
    out = run_select(BAD, **cli_files(Bad("", "pool", PoolError, ""), fifo, output))
    assert_clean_refusal(
        out,
        f"pool file {str(fifo)!r} is not a regular file (it is a pipe, socket or device)\n"
        "Give the path of a file saved on disk.",
        output,
    )


@needs_cli
def test_cli_refuses_a_one_megabyte_cell(tmp_path: Path) -> None:
    """A 1 MB cell exits 2 with the too-long message and writes nothing."""
    path = one_mb_pool(tmp_path, "name")
    output = tmp_path / "out" / "selection.json"
    output.parent.mkdir()
    out = run_select(BAD, **cli_files(Bad("", "pool", PoolError, ""), path, output))
    assert_clean_refusal(
        out,
        f"pool file {str(path)!r}: {TOO_LONG}\n"
        'Check for an unclosed quote (") or a pasted document in a cell.',
        output,
    )


@needs_cli
@pytest.mark.parametrize("role", ["pool", "codebook", "scenario"])
def test_cli_never_writes_over_an_input_file(role: str, tmp_path: Path) -> None:
    """--output naming one of the run's input files exits 2 and leaves the file as it was."""
    for name in ("pool.csv", "codebook.toml", "scenario.toml"):
        (tmp_path / name).write_bytes((BAD / name).read_bytes())
    target = {"pool": "pool.csv", "codebook": "codebook.toml", "scenario": "scenario.toml"}[role]
    before = (tmp_path / target).read_bytes()
    files = cli_files(None, "", tmp_path / "unused")
    files["output"] = f"./{target}"
    out = run_select(tmp_path, **files)
    assert out.returncode == 2, out.stderr
    assert out.stderr == (
        f"error: refusing to write the output to '{target}': it is an input file of this run\n"
        "Choose another --output path; input files are never modified.\n"
    )
    assert (tmp_path / target).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "codebook.toml",
        "pool.csv",
        "scenario.toml",
    ]


def test_an_xlsx_formula_without_a_saved_value_is_reported(tmp_path: Path) -> None:
    """A workbook cell holding a formula with no saved value is a problem naming the cell,
    not a silently unknown value.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "name", "colour", "size", "tags"])
    ws.append(["c1", "one", "red", '=IF(1,"small","large")', "a"])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    with pytest.raises(PoolError, match=r"row 2, column 'size'") as info:
        load_pool(path, BAD / "codebook.toml")
    assert 'cell D2 holds the formula \'=IF(1,"small","large")\' without a saved value' in str(
        info.value
    )
    assert "open the file in Excel or LibreOffice and save it" in str(info.value)


def test_merged_xlsx_cells_are_reported(tmp_path: Path) -> None:
    """Merged cells (only the first holds the value; the rest read as empty, i.e. unknown)
    are a problem naming the sheet and the cells, with what to do.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Projecten"
    ws.append(["id", "name", "colour", "size", "tags"])
    ws.append(["c1", "one", "red", "small", "a"])
    ws.append(["c2", "two", "red", "", "a"])
    ws.merge_cells("D2:D3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    with pytest.raises(PoolError) as info:
        load_pool(path, BAD / "codebook.toml")
    assert str(info.value) == (
        f"{path}: 1 cell of sheet 'Projecten' cannot be read\n"
        f"  - {path}, row 2, column 'size': sheet 'Projecten', cells D2:D3 are merged, so all "
        "but the first would read as empty; unmerge the cells and fill in each one, then save "
        "the file again"
    )
