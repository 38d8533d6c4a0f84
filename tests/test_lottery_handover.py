"""The files an organiser hands on after a lottery: every output path checked before any
solving, all files written or none, one --csv-dialect for every CSV, the uniform lottery in
every format, and the reserve list as a ranked order (checked by brute force).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from tests.test_cli_lottery import HARD_PEOPLE, HARD_QUOTAS

PEOPLE, QUOTAS = HARD_PEOPLE, HARD_QUOTAS  # 7 people: sex and age, names, e-mail, street


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    """The lottery's arguments for the 7-person instance (panel of 3, seed 7)."""
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(QUOTAS, encoding="utf-8")
    return [
        "lottery",
        "--people",
        str(tmp_path / "people.csv"),
        "--quotas",
        str(tmp_path / "quotas.csv"),
        "--size",
        "3",
        "--seed",
        "7",
    ]


@pytest.fixture
def no_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any call of the lottery's solver fails the test: the paths must be refused first."""
    import selectie.lottery

    def refuse(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the lottery was computed although an output path is bad")

    monkeypatch.setattr(selectie.lottery, "fair_lottery", refuse)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.usefixtures("no_solving")
def test_a_bad_folder_in_a_later_output_writes_nothing(files: list[str], tmp_path: Path) -> None:
    """--remaining in a missing folder: exit 2 naming --remaining and the folder, before any
    solving, and the --selected file is not written either.
    """
    code, _, err = run(
        *files, "--selected", str(tmp_path / "sel.csv"),
        "--remaining", str(tmp_path / "nodir" / "rem.csv"),
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: --remaining: cannot write the output to '{tmp_path}/nodir/")
    assert f"folder '{tmp_path / 'nodir'}' does not exist" in err
    assert "Create the folder first" in err
    assert listing(tmp_path) == ["people.csv", "quotas.csv"]


@pytest.mark.usefixtures("no_solving")
@pytest.mark.parametrize("late", ["--reserve", "--quota-table"])
def test_a_bad_third_output_leaves_the_first_two_unwritten(
    files: list[str], tmp_path: Path, late: str
) -> None:
    """--selected and --remaining fine, a third one bad: nothing at all is written."""
    code, _, err = run(
        *files, "--selected", str(tmp_path / "a.csv"), "--remaining", str(tmp_path / "b.csv"),
        late, str(tmp_path / "nodir" / "x.csv"),
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: {late}: cannot write the output to")
    assert listing(tmp_path) == ["people.csv", "quotas.csv"]


@pytest.mark.usefixtures("no_solving")
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("--selected", "--remaining"),
        ("--output", "--selected"),
        ("--selected", "--draw-sheet"),
        ("--quota-table", "--reserve"),
    ],
)
def test_two_outputs_naming_the_same_file_are_refused(
    files: list[str], tmp_path: Path, first: str, second: str
) -> None:
    """The same path for two outputs: exit 2 naming both options, nothing written (today's
    silent overwrite lost the drawn panel).
    """
    same = tmp_path / "same.csv"
    (tmp_path / "sub").mkdir()
    other = f"{tmp_path}/sub/../same.csv"  # spelt differently, the same file
    extra = ["--uniform", "4"] if "--draw-sheet" in (first, second) else []
    code, _, err = run(*files, *extra, first, str(same), second, other)
    assert code == 2
    assert err == (
        f"error: {first} and {second} name the same file '{other}'\n"
        "Give each output a file of its own; one would overwrite the other.\n"
    )
    assert listing(tmp_path) == ["people.csv", "quotas.csv", "sub"]


@pytest.mark.usefixtures("no_solving")
@pytest.mark.parametrize("flag", ["--selected", "--reserve", "--draw-sheet"])
def test_an_output_onto_an_input_file_names_its_option(
    files: list[str], tmp_path: Path, flag: str
) -> None:
    """An input file as a hand-over output: exit 2, the hint names that option, the input is
    untouched.
    """
    people = tmp_path / "people.csv"
    extra = ["--uniform", "4"] if flag == "--draw-sheet" else []
    code, _, err = run(*files, *extra, flag, str(people))
    assert code == 2
    assert f"refusing to write the output to '{people}': it is an input file" in err
    assert f"Choose another {flag} path" in err
    assert people.read_text(encoding="utf-8") == PEOPLE


def test_a_failure_while_writing_leaves_every_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_all_atomic: when the second file cannot be staged, the first target keeps its
    old bytes, the second is not created, and no temporary file is left behind.
    """
    from selectie import _io
    from selectie.errors import InputError

    old = tmp_path / "a.csv"
    old.write_bytes(b"old")
    real = _io._stage
    calls = []

    def stage(target: Path, data: bytes) -> str:
        calls.append(target)
        if len(calls) == 2:
            raise InputError("disk full")
        return real(target, data)

    monkeypatch.setattr(_io, "_stage", stage)
    with pytest.raises(InputError, match="disk full"):
        _io.write_all_atomic([(old, b"new"), (tmp_path / "b.csv", b"b")])
    assert old.read_bytes() == b"old"
    assert listing(tmp_path) == ["a.csv"]


def test_the_global_csv_dialect_reaches_every_csv_of_the_lottery(
    files: list[str], tmp_path: Path
) -> None:
    """`selectie --csv-dialect excel-nl lottery ...`: the -f csv output and every hand-over
    CSV are ';'-separated with a decimal comma; read back with the csv module, the numbers
    equal the probabilities of the JSON output.
    """
    code, out, err = run(*files, "-f", "json")
    assert code == 0, err
    probs = json.loads(out)["probabilities"]
    sel, quota, reserve = (tmp_path / n for n in ("sel.csv", "quota.csv", "reserve.csv"))
    main = tmp_path / "main.csv"
    code, _, err = run(
        "--csv-dialect", "excel-nl", *files, "-f", "csv", "-o", str(main),
        "--selected", str(sel), "--quota-table", str(quota), "--reserve", str(reserve),
    )  # fmt: skip
    assert code == 0, err
    for path in (main, sel, quota, reserve):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), path.name  # the BOM a Dutch Excel needs
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert len(rows[0]) > 3, path.name
    rows = list(csv.reader(io.StringIO(main.read_bytes().decode("utf-8-sig")), delimiter=";"))
    # HARD_PEOPLE has a "first name" but no name column: no name column in the output.
    assert rows[0][:3] == ["id", "profile", "probability"]
    for row in rows[1:]:
        assert "," in row[2] and "." not in row[2]
        assert float(row[2].replace(",", ".")) == pytest.approx(probs[row[0]], abs=1e-11)
    rows = list(csv.reader(io.StringIO(sel.read_bytes().decode("utf-8-sig")), delimiter=";"))
    for row in rows[1:]:
        assert float(row[-1].replace(",", ".")) == pytest.approx(probs[row[0]], abs=1e-12)
        assert row[3].startswith(("Kerkweg", "Dorpsstraat", "Laan"))  # text kept as it was


@pytest.mark.parametrize("spelling", ["standard", "excel", "excel-nl"])
def test_one_csv_dialect_option_with_the_old_spelling_kept(
    files: list[str], tmp_path: Path, spelling: str
) -> None:
    """`lottery --csv-dialect` takes the global names (standard, excel-nl) and the lottery's
    old `excel` as an alias of standard.
    """
    sel = tmp_path / "sel.csv"
    code, _, err = run(*files, "--csv-dialect", spelling, "--selected", str(sel))
    assert code == 0, err
    nl = spelling == "excel-nl"
    assert sel.read_bytes().startswith(b"\xef\xbb\xbfid;" if nl else b"id,first name,")


def valid(panel: set[str], people: dict[str, dict[str, str]]) -> bool:
    """The 7-person instance's quotas, counted from the people file's cells."""
    limits = {("sex", "f"): (1, 2), ("sex", "m"): (1, 2), ("age", "young"): (1, 2)}
    limits[("age", "old")] = (1, 1)
    return len(panel) == 3 and all(
        lo <= sum(1 for p in panel if people[p][f].strip().lower() == v) <= hi
        for (f, v), (lo, hi) in limits.items()
    )


def test_uniform_lottery_in_json_csv_and_markdown(files: list[str]) -> None:
    """--uniform M with -f json gives the M panels, each valid by an independent count, the
    per-person changes (uniform minus optimal, the uniform share counted from the panels),
    the largest change and the bound; -f csv has a change column; Markdown lists them.
    """
    people = {r["id"]: r for r in csv.DictReader(io.StringIO(PEOPLE))}
    code, out, err = run(*files, "--method", "leximin", "--uniform", "12", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    u = doc["uniform"]
    assert u["panels_count"] == 12 and len(u["panels"]) == 12
    assert all(valid(set(p), people) for p in u["panels"])
    for case_id, optimal in doc["probabilities"].items():
        share = sum(case_id in p for p in u["panels"]) / 12
        assert u["uniform_probabilities"][case_id] == pytest.approx(share, abs=1e-15)
        assert u["changes"][case_id] == pytest.approx(share - optimal, abs=1e-12)
    assert u["max_change"] == pytest.approx(max(abs(c) for c in u["changes"].values()))
    assert u["bound"] == pytest.approx((3 + 2) / 12)
    assert u["max_change"] <= u["bound"]
    assert u["drawn_panel"] == u["panels"][u["drawn_number"] - 1]
    code, out, err = run(*files, "--method", "leximin", "--uniform", "12", "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    for row in rows:
        assert float(row["change"]) == pytest.approx(u["changes"][row["id"]], abs=1e-11)
        assert (row["drawn"] == "yes") == (row["id"] in u["drawn_panel"])
    code, out, err = run(*files, "--method", "leximin", "--uniform", "12", "-f", "markdown")
    assert code == 0, err
    assert "## Uniform lottery over 12 panels" in out
    section = out.split("### Panels", 1)[1]
    panel_lines = [x for x in section.splitlines() if x.startswith("| ") and x[2].isdigit()]
    assert len(panel_lines) == 12
    assert panel_lines[0] == "| 1 | " + " ".join(u["panels"][0]) + " |"


# -- the reserve list ---------------------------------------------------------------------------


def generated(seed: int, n: int = 24) -> tuple[str, str]:
    """A small skewed people file (3 features) and quotas a panel of 6 can meet."""
    rng = random.Random(seed)
    rows = ["id,sex,age,region"]
    for i in range(n):
        sex = rng.choice("ffm")
        age = rng.choice(["young", "mid", "old", "old"])
        region = rng.choice(["n", "s", "s"])
        rows.append(f"p{i:02d},{sex},{age},{region}")
    quotas = (
        "feature,value,min,max\nsex,f,2,4\nsex,m,2,4\n"
        "age,young,1,2\nage,mid,1,2\nage,old,1,3\nregion,n,2,3\nregion,s,3,4\n"
    )
    return "\n".join(rows) + "\n", quotas


def quota_ok(panel: set[str], people: dict[str, dict[str, str]], quotas: str) -> bool:
    """Every quota row counted over ``panel`` from the people file's cells."""
    for q in csv.DictReader(io.StringIO(quotas)):
        count = sum(1 for p in panel if people[p][q["feature"]] == q["value"])
        if not int(q["min"]) <= count <= int(q["max"]):
            return False
    return True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reserve_list_is_a_ranked_order_checked_by_brute_force(tmp_path: Path, seed: int) -> None:
    """On generated pools, against every one-for-one swap tried by brute force: every row
    keeps every quota; each member's one-for-one rows are valid swaps, as many as exist up
    to 3, distinct and in order; a first reserve is shared with an earlier member only when
    every valid swap of the member is an earlier member's first reserve; and rows marked
    "same quota values" can all be applied together.
    """
    from selectie.lottery.handover import RESERVES_PER_MEMBER

    people_text, quotas = generated(seed)
    (tmp_path / "p.csv").write_text(people_text, encoding="utf-8")
    (tmp_path / "q.csv").write_text(quotas, encoding="utf-8")
    res, sel = tmp_path / "reserve.csv", tmp_path / "sel.csv"
    code, _, err = run(
        "lottery", "--people", str(tmp_path / "p.csv"), "--quotas", str(tmp_path / "q.csv"),
        "--size", "6", "--method", "maximin", "--seed", str(seed),
        "--selected", str(sel), "--reserve", str(res),
    )  # fmt: skip
    assert code == 0, err
    people = {r["id"]: r for r in csv.DictReader(io.StringIO(people_text))}
    panel = [r["id"] for r in csv.DictReader(io.StringIO(sel.read_text(encoding="utf-8")))]
    assert quota_ok(set(panel), people, quotas)
    rows = list(csv.reader(io.StringIO(res.read_text(encoding="utf-8"))))
    assert rows[0] == [
        "if this person drops out", "reserve number", "replace by", "also replace",
        "quotas hold", "same quota values", "id", "sex", "age", "region",
    ]  # fmt: skip
    for row in rows[1:]:  # the people file's row of the person to call, as written
        called = [people[p] for p in row[2].split()]
        assert row[6:] == [" | ".join(c[k] for c in called) for k in ("id", "sex", "age", "region")]
    by_member: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_member.setdefault(row[0], []).append(row)
    assert list(by_member) == panel
    earlier_firsts: set[str] = set()
    for member in panel:
        swaps = {
            p for p in people if p not in panel and quota_ok({*panel, p} - {member}, people, quotas)
        }
        entries = by_member[member]
        if entries[0][4] == "no":  # no valid panel without this member at all, by brute force
            assert len(entries) == 1 and not swaps
            others = [p for p in people if p != member]
            assert not any(
                quota_ok(set(c), people, quotas) for c in itertools.combinations(others, 6)
            )
            continue
        assert [int(e[1]) for e in entries] == list(range(1, len(entries) + 1))
        for _m, _rank, added, lost, holds, _same, *_people in entries:
            new = (set(panel) - {member} - set(lost.split())) | set(added.split())
            assert holds == "yes" and len(new) == 6 and quota_ok(new, people, quotas)
        singles = [e[2] for e in entries if " " not in e[2] and not e[3]]
        assert set(singles) <= swaps and len(set(singles)) == len(singles)
        assert len(singles) == min(RESERVES_PER_MEMBER, len(swaps))
        if swaps:
            first = entries[0][2]
            assert first not in earlier_firsts or swaps <= earlier_firsts
            earlier_firsts.add(first)
    # the like-for-like rows hold together, however many members drop out at once
    same = [(e[0], e[2]) for es in by_member.values() for e in es[:1] if e[5] == "yes"]
    chosen: dict[str, str] = {}
    for member, reserve in same:
        if reserve not in chosen.values():
            chosen[member] = reserve
    for k in range(2, min(4, len(chosen)) + 1):
        for combo in itertools.combinations(chosen.items(), k):
            new = (set(panel) - {m for m, _ in combo}) | {r for _, r in combo}
            assert quota_ok(new, people, quotas)


def test_the_reserve_workbook_says_what_the_list_guarantees(
    files: list[str], tmp_path: Path
) -> None:
    """--reserve FILE.xlsx: the list on its first sheet (ranks as numbers), and on a second
    sheet, 'about', the guarantees docs/method.md gives.
    """
    import openpyxl

    path = tmp_path / "reserve.xlsx"
    code, _, err = run(*files, "--reserve", str(path))
    assert code == 0, err
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["reserve", "about"]
    ranks = [r[1] for r in wb["reserve"].iter_rows(min_row=2, values_only=True)]
    assert ranks and all(isinstance(r, int) for r in ranks)
    about = " ".join(str(r[0]) for r in wb["about"].iter_rows(min_row=2, values_only=True))
    assert "Each row on its own keeps every quota" in about
    assert "skip anyone already called in" in about
    assert "drawn from the draw's seed" in about
    # The sentences wrap in a column that fits a printed page, in rows tall enough for them.
    sheet = wb["about"]
    assert sheet.column_dimensions["A"].width <= 73
    assert sheet["A2"].alignment.wrap_text is True
    assert (sheet.row_dimensions[2].height or 0) >= 30  # two lines or more
    wb.close()


# -- the reserve list's tie-break ---------------------------------------------------------------

#: Twenty people, ten f and ten m, and a panel of two of each: every unselected person of a
#: member's sex is an equally good reserve, so only the tie-break decides the order.
TIES_PEOPLE = "id,sex\n" + "".join(f"t{i:02d},{'fm'[i % 2]}\n" for i in range(20))
TIES_QUOTAS = "feature,value,min,max\nsex,f,2,2\nsex,m,2,2\n"


def reserve_file(tmp_path: Path, seed: str) -> tuple[list[str], list[list[str]]]:
    """The drawn panel and the reserve list's rows of the ties instance with ``seed``."""
    (tmp_path / "p.csv").write_text(TIES_PEOPLE, encoding="utf-8")
    (tmp_path / "q.csv").write_text(TIES_QUOTAS, encoding="utf-8")
    sel, res = tmp_path / f"sel-{seed}.csv", tmp_path / f"res-{seed}.csv"
    code, _, err = run(
        "lottery", "--people", str(tmp_path / "p.csv"), "--quotas", str(tmp_path / "q.csv"),
        "--size", "4", "--method", "maximin", "--seed", seed,
        "--selected", str(sel), "--reserve", str(res),
    )  # fmt: skip
    assert code == 0, err
    panel = [r["id"] for r in csv.DictReader(io.StringIO(sel.read_text(encoding="utf-8")))]
    rows = list(csv.reader(io.StringIO(res.read_text(encoding="utf-8"))))[1:]
    return panel, rows


def seeded_rank(person: str, seed: str) -> bytes:
    """The documented tie-break key, computed here with hashlib alone."""
    return hashlib.sha256(f"selectie-reserve-1\nseed {seed}\nid {person}\n".encode()).digest()


@pytest.mark.parametrize("seed", ["1", "2", "2026"])
def test_reserve_ties_follow_the_draws_seed_not_the_file_order(tmp_path: Path, seed: str) -> None:
    """Among equally good reserves, each member's rows follow the documented SHA-256 order of
    the seed and the ids (not the file's order), skipping the first reserves earlier members
    took; the same seed gives the same file; every row is a like-for-like swap, so it keeps
    both quotas, alone or with any others.
    """
    panel, rows = reserve_file(tmp_path, seed)
    assert (panel, rows) == reserve_file(tmp_path, seed)
    sex = {f"t{i:02d}": "fm"[i % 2] for i in range(20)}
    taken: list[str] = []
    for member in panel:
        mine = [r for r in rows if r[0] == member]
        candidates = sorted(
            (p for p in sex if sex[p] == sex[member] and p not in panel),
            key=lambda p: seeded_rank(p, seed),
        )
        fresh = [p for p in candidates if p not in taken]  # earlier first reserves avoided
        assert [r[2] for r in mine] == fresh[:3]
        assert all(r[3] == "" and r[4] == "yes" and r[5] == "yes" for r in mine)
        taken.append(fresh[0])


# -- the reserve list's people columns and the support sheet's weight -------------------------

NAMED_PEOPLE = (
    "id,name,phone,sex\n"
    "n1,Ann de Vries,06-111,f\n"
    "n2,Bob Jansen,06-222,m\n"
    "n3,Cas Bakker,06-333,m\n"
    "n4,Dee Visser,06-444,f\n"
    "n5,Eva Smit,06-555,f\n"
    "n6,Fik Mulder,06-666,m\n"
)
NAMED_QUOTAS = "feature,value,min,max\nsex,f,1,1\nsex,m,1,1\n"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_reserve_list_names_whom_to_call(tmp_path: Path, suffix: str) -> None:
    """With a name column, the reserve list names who drops out (second column) and carries
    every column of the people file for the person to call, as written, in CSV and XLSX.
    """
    import openpyxl

    (tmp_path / "p.csv").write_text(NAMED_PEOPLE, encoding="utf-8")
    (tmp_path / "q.csv").write_text(NAMED_QUOTAS, encoding="utf-8")
    res = tmp_path / f"reserve.{suffix}"
    code, _, err = run(
        "lottery", "--people", str(tmp_path / "p.csv"), "--quotas", str(tmp_path / "q.csv"),
        "--size", "2", "--seed", "4", "--reserve", str(res),
    )  # fmt: skip
    assert code == 0, err
    if suffix == "csv":
        rows = list(csv.reader(io.StringIO(res.read_text(encoding="utf-8"))))
    else:
        wb = openpyxl.load_workbook(res)
        rows = [["" if c is None else str(c) for c in r] for r in wb.worksheets[0].values]
        wb.close()
    assert rows[0] == [
        "if this person drops out", "name of who drops out", "reserve number", "replace by",
        "also replace", "quotas hold", "same quota values", "id", "name", "phone", "sex",
    ]  # fmt: skip
    people = {r["id"]: r for r in csv.DictReader(io.StringIO(NAMED_PEOPLE))}
    assert len(rows) == 1 + 2 * 2  # each member of the panel of 2 has two like-for-like reserves
    for row in rows[1:]:
        member, reserve = people[row[0]], people[row[3]]
        assert row[1] == member["name"]
        assert row[7:] == [reserve[k] for k in ("id", "name", "phone", "sex")]
        assert reserve["sex"] == member["sex"]  # the only swaps that keep both quotas


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        ("en", "weight (probability in units of 1e-12)"),
        ("nl", "gewicht (kans in eenheden van 1e-12)"),
    ],
)
def test_the_support_sheet_states_the_weights_unit(
    files: list[str], tmp_path: Path, lang: str, header: str
) -> None:
    """The XLSX support sheet's weight column says its unit, and each weight is the
    selection's probability times 1e12, rounded (at least 1), as DRAW_PROCEDURE says.
    """
    import openpyxl

    out = tmp_path / "lottery.xlsx"
    code, _, err = run("--lang", lang, *files, "-f", "xlsx", "-o", str(out))
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    head, *rows = list(wb.worksheets[1].values)
    wb.close()
    at = head.index(header)
    assert rows
    for row in rows:
        probability, weight = row[1], row[at]
        assert isinstance(weight, int)
        assert weight == max(1, round(probability * 10**12))
