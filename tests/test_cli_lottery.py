"""`selectie lottery`: inputs (pool/scenario or sortition files), formats, draws, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app

DATA = Path(__file__).parent / "data" / "sortition"
SMALL = DATA / "example_small_20"
SMALL_ARGS = [
    "lottery",
    "--people",
    str(SMALL / "respondents.csv"),
    "--quotas",
    str(SMALL / "categories.csv"),
    "--size",
    "20",
]


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sortition_files_reach_the_published_minimum() -> None:
    """The replication files of example_small_20 give the published leximin minimum (10.0%),
    with probabilities summing to the panel size.
    """
    code, out, _ = run(*SMALL_ARGS, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert doc["min_probability"] == pytest.approx(0.10, abs=1e-6)
    assert sum(doc["probabilities"].values()) == pytest.approx(20, abs=1e-6)
    assert doc["manifest"]["files"]["quotas"]["path"] == str(SMALL / "categories.csv")


def test_seeded_draw_is_reproducible_and_checked() -> None:
    """--seed draws 20 people; the same seed gives byte-identical output, and every quota
    of the drawn panel is satisfied.
    """
    code, out, _ = run(*SMALL_ARGS, "--seed", "2024", "--format", "json")
    again = run(*SMALL_ARGS, "--seed", "2024", "--format", "json")[1]
    assert code == 0
    assert out == again
    draw = json.loads(out)["draw"]
    assert len(draw["selected"]) == 20
    assert draw["ok"] is True
    rows = list(
        csv.DictReader((SMALL / "respondents.csv").read_text(encoding="utf-8").splitlines())
    )
    chosen = [rows[int(i) - 1] for i in draw["selected"]]
    for category, value, lo in (
        ("gender", "female", 9),
        ("gender", "male", 9),
        ("leaning", "liberal", 9),
        ("leaning", "conservative", 9),
    ):
        assert sum(1 for r in chosen if r[category] == value) >= lo


def test_different_seeds_draw_differently() -> None:
    """Two seeds give two different draws (the digest records the seed)."""
    a = json.loads(run(*SMALL_ARGS, "--seed", "1", "--format", "json")[1])["draw"]
    b = json.loads(run(*SMALL_ARGS, "--seed", "2", "--format", "json")[1])["draw"]
    assert a["digest"] != b["digest"]
    assert a["selected"] != b["selected"]


def test_table_output_has_no_timings_and_is_deterministic() -> None:
    """The text output states the minimum and is the same on every run (no run time)."""
    code, out, _ = run(*SMALL_ARGS, "--method", "maximin")
    assert code == 0
    assert out.splitlines()[0] == (
        "maximin lottery over valid selections of 20 from 200 cases: status optimal"
    )
    assert "minimum selection probability: 10.0000%" in out
    assert " s, " not in out
    assert run(*SMALL_ARGS, "--method", "maximin")[1] == out


def test_csv_has_one_row_per_case(tmp_path: Path) -> None:
    """CSV output lists every case with its probability, and marks the drawn ones."""
    target = tmp_path / "out.csv"
    code, _, _ = run(*SMALL_ARGS, "--seed", "x", "--format", "csv", "--output", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 200
    assert sum(float(r["probability"]) for r in rows) == pytest.approx(20, abs=1e-6)
    assert sum(1 for r in rows if r["drawn"] == "yes") == 20


def test_households_are_respected(tmp_path: Path) -> None:
    """--household: two people at one address never sit together, so the third is always
    selected (by hand: valid pairs a+c and b+c, 1/2 each); without it, each pair 1/3.
    """
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,0,2\nsex,m,0,2\n")
    people = write(
        tmp_path, "p.csv", "id,sex,street\na,f,1 Main St\nb,m,1 main st \nc,f,2 Main St\n"
    )
    args = ["lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2"]
    code, out, _ = run(*args, "--household", "street", "--format", "json")
    assert code == 0
    probs = json.loads(out)["probabilities"]
    assert [probs[i] for i in "abc"] == pytest.approx([0.5, 0.5, 1.0], abs=1e-6)
    without = json.loads(run(*args, "--format", "json")[1])["probabilities"]
    assert [without[i] for i in "abc"] == pytest.approx([2 / 3] * 3, abs=1e-6)


def test_uniform_best_on_the_bundled_pool() -> None:
    """uniform-best with --count 3 on the Bijlage 4 scenario: three selections, 1/3 each."""
    code, out, _ = run("lottery", "--method", "uniform-best", "--count", "3", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [e["probability"] for e in doc["support"]] == pytest.approx([1 / 3] * 3)
    assert [e["rank"] for e in doc["support"]] == [1, 2, 3]
    assert sum(doc["probabilities"].values()) == pytest.approx(13, abs=1e-9)


# -- exit codes and messages ------------------------------------------------------------------


def test_infeasible_quotas_exit_1(tmp_path: Path) -> None:
    """Quotas that no panel meets: exit 1 with the reason, and status infeasible."""
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,3,3\nsex,m,0,3\n")
    people = write(tmp_path, "p.csv", "id,sex\na,f\nb,m\nc,f\nd,m\n")
    code, out, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2", "-f", "json"
    )
    assert code == 1
    assert err.startswith("no lottery (infeasible): no selection satisfies every constraint")
    assert json.loads(out)["status"] == "infeasible"


def test_bad_quotas_file_exit_2_and_nothing_written(tmp_path: Path) -> None:
    """A bad number in the quotas file: exit 2, file/row/column in the message, no output."""
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\nsex,f,one,1\n")
    people = write(tmp_path, "p.csv", "id,sex\na,f\n")
    target = tmp_path / "out.json"
    code, out, err = run(
        "lottery",
        "--people",
        str(people),
        "--quotas",
        str(quotas),
        "--size",
        "1",
        "-o",
        str(target),
    )
    assert code == 2
    assert f"{quotas}, row 2, column 'min': expected a whole number >= 0, found 'one'" in err
    assert "Traceback" not in err + out
    assert not target.exists()


def test_uniform_best_needs_count() -> None:
    """--method uniform-best without --count is a usage error."""
    code, _, err = run("lottery", "--method", "uniform-best")
    assert code == 2
    assert err.strip() == "error: --method uniform-best needs --count N (how many best selections)"


def test_count_without_uniform_best_is_refused() -> None:
    """--count with leximin is a usage error."""
    code, _, err = run("lottery", "--count", "3")
    assert code == 2
    assert err.strip() == "error: --count is only used with --method uniform-best, not leximin"


def test_quotas_without_people_is_refused() -> None:
    """--quotas alone names the missing --people."""
    code, _, err = run("lottery", "--quotas", str(SMALL / "categories.csv"), "--size", "20")
    assert code == 2
    assert err.strip() == (
        "error: a sortition instance needs both --people and --quotas (--people is missing)"
    )


def test_pool_and_people_together_are_refused() -> None:
    """A pool and a sortition people file cannot be combined."""
    code, _, err = run(*SMALL_ARGS, "--pool", str(SMALL / "respondents.csv"))
    assert code == 2
    assert err.strip().startswith("error: --pool cannot be combined with --people/--quotas")


def test_sortition_needs_size() -> None:
    """Without --size a sortition instance is refused."""
    code, _, err = run(
        "lottery",
        "--people",
        str(SMALL / "respondents.csv"),
        "--quotas",
        str(SMALL / "categories.csv"),
    )
    assert code == 2
    assert err.strip() == "error: a sortition instance needs --size (the panel size)"


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    """--output pointing at the people file is refused; the file is unchanged."""
    people = tmp_path / "respondents.csv"
    people.write_bytes((SMALL / "respondents.csv").read_bytes())
    before = people.read_bytes()
    code, _, err = run(
        "lottery",
        "--people",
        str(people),
        "--quotas",
        str(SMALL / "categories.csv"),
        "--size",
        "20",
        "-o",
        str(people),
    )
    assert code == 2
    assert err.startswith("error:")
    assert people.read_bytes() == before


def test_xlsx_needs_an_output_file() -> None:
    """XLSX cannot be printed to the terminal."""
    code, _, err = run(*SMALL_ARGS, "--format", "xlsx")
    assert code == 2
    assert "XLSX output is binary" in err


HARD_PEOPLE = (
    "id,first name,email,street,sex,age\n"
    "a1,Ann,ann@example.org,Kerkweg 1,F,young\n"
    "a2,Bob,bob@example.org,Kerkweg 2,m,old\n"
    "a3,Cas,cas@example.org,Dorpsstraat 3,M,young\n"
    "a4,Dee,dee@example.org,Dorpsstraat 4,f,old\n"
    "a5,Eva,eva@example.org,Laan 5,f,young\n"
    "a6,Fik,fik@example.org,Laan 6,m,old\n"
    "a7,Gus,gus@example.org,Laan 7,m,young\n"
)
HARD_QUOTAS = "feature,value,min,max\nsex,f,1,2\nsex,m,1,2\nage,young,1,2\nage,old,1,1\n"


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def test_selected_and_remaining_carry_every_column_and_quota_table_counts(tmp_path: Path) -> None:
    """--selected and --remaining hold every column of the people file, cell for cell, split
    the pool between them; the quota table's counts equal a count over the selected file.
    """
    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", HARD_QUOTAS)
    sel, rem, tab = tmp_path / "sel.csv", tmp_path / "rem.csv", tmp_path / "quota.csv"
    code, out, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3",
        "--method", "maximin", "--seed", "7",
        "--selected", str(sel), "--remaining", str(rem), "--quota-table", str(tab),
    )  # fmt: skip
    assert code == 0, err
    original = read_csv(people)
    selected, remaining = read_csv(sel), read_csv(rem)
    assert selected[0][:-1] == original[0] == remaining[0][:-1]
    assert selected[0][-1] == "selection probability"
    body = [r[:-1] for r in selected[1:] + remaining[1:]]
    assert sorted(body) == sorted(original[1:])
    assert len(selected) - 1 == 3
    sex, age = original[0].index("sex"), original[0].index("age")
    table = read_csv(tab)
    assert table[0] == ["feature", "value", "min", "max", "selected", "in pool", "met"]
    for feature, value, lo, hi, chosen, in_pool, met in table[1:]:
        col = sex if feature == "sex" else age
        count = sum(1 for r in selected[1:] if r[col].strip().lower() == value)
        assert int(chosen) == count
        assert int(in_pool) == sum(1 for r in original[1:] if r[col].strip().lower() == value)
        assert met == ("yes" if int(lo) <= count <= int(hi) else "NO")
    assert "quota table of the drawn panel" in out


def test_a_draw_without_seed_makes_prints_and_records_one(tmp_path: Path) -> None:
    """Without --seed a seed is made, printed, recorded in the JSON, and repeats the draw."""
    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", HARD_QUOTAS)
    sel = tmp_path / "sel.csv"
    base = ["lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3"]
    code, out, err = run(*base, "--selected", str(sel), "--format", "json")
    assert code == 0, err
    seed = json.loads(out)["manifest"]["lottery"]["draw_seed"]
    assert f"--seed {seed}" in err
    first = sel.read_bytes()
    code, _, err = run(*base, "--selected", str(sel), "--seed", seed)
    assert code == 0, err
    assert sel.read_bytes() == first


def test_xlsx_and_excel_nl_give_probabilities_as_numbers(tmp_path: Path) -> None:
    """XLSX cells hold the probability as a number; excel-nl CSV uses ';' and a decimal comma."""
    import openpyxl

    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", HARD_QUOTAS)
    sel, rem = tmp_path / "sel.xlsx", tmp_path / "rem.csv"
    code, _, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3",
        "--seed", "1", "--selected", str(sel), "--remaining", str(rem),
        "--csv-dialect", "excel-nl",
    )  # fmt: skip
    assert code == 0, err
    ws = openpyxl.load_workbook(sel).active
    values = [row[-1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, float) for v in values)
    rows = read_csv(rem, ";")
    assert rows[0][0] == "id"
    assert all("," in r[-1] or r[-1] in ("0", "1") for r in rows[1:])


def test_reserve_list_keeps_the_quotas(tmp_path: Path) -> None:
    """For each panel member the reserve list names ranked replacements, and the changed
    panel of every row still meets every quota (checked by counting from the people file).
    """
    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", HARD_QUOTAS)
    sel, res = tmp_path / "sel.csv", tmp_path / "reserve.csv"
    code, _, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3",
        "--seed", "3", "--selected", str(sel), "--reserve", str(res),
    )  # fmt: skip
    assert code == 0, err
    original = {r[0]: r for r in read_csv(people)[1:]}
    panel = [r[0] for r in read_csv(sel)[1:]]
    reserve = read_csv(res)
    assert list(dict.fromkeys(r[0] for r in reserve[1:])) == panel
    limits = {("sex", "f"): (1, 2), ("sex", "m"): (1, 2), ("age", "young"): (1, 2)}
    limits[("age", "old")] = (1, 1)
    for drop, _rank, added, also, holds, _same, *_people in reserve[1:]:
        assert holds == "yes"
        new = [p for p in panel if p != drop and p not in also.split()] + added.split()
        assert len(new) == 3 and drop not in new
        for (feature, value), (lo, hi) in limits.items():
            col = 4 if feature == "sex" else 5
            assert lo <= sum(1 for p in new if original[p][col].lower() == value) <= hi


def test_uniform_lottery_and_draw_sheet(tmp_path: Path) -> None:
    """--uniform M prints the largest change against the bound and writes a sheet of M panels."""
    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", HARD_QUOTAS)
    sheet = tmp_path / "sheet.txt"
    code, out, err = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3",
        "--method", "leximin", "--uniform", "20", "--draw-sheet", str(sheet), "--seed", "5",
    )  # fmt: skip
    assert code == 0, err
    assert "proven bound (k + 2) / m = 0.250000" in out
    assert "panel number" in out
    lines = sheet.read_text(encoding="utf-8").splitlines()
    assert sum(1 for x in lines if x.startswith("Panel ")) == 20


def test_infeasible_sortition_quotas_are_explained(tmp_path: Path) -> None:
    """Quotas no panel can meet exit 1 and print explain's conflict and relaxation."""
    people = write(tmp_path, "people.csv", HARD_PEOPLE)
    quotas = write(tmp_path, "quotas.csv", "feature,value,min,max\nsex,f,3,3\nsex,m,1,1\n")
    code, _, err = run("lottery", "--people", str(people), "--quotas", str(quotas), "--size", "3")
    assert code == 1
    assert "sex" in err and ("relax" in err.lower() or "smallest" in err.lower())
