"""`--lang nl`: explain, freedom, sensitivity and the lottery speak Dutch; `--lang en` English.

Each command is run in both languages; :func:`tests.test_dutch.assert_dutch` checks that
every catalogue message found in the English output is translated in the Dutch one. Column
ids of CSV and JSON keys stay the same in both languages (scripts read them).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.i18n import language
from selectie.lottery import Lottery
from tests.test_dutch import assert_dutch

#: Words of the Dutch catalogue that must not appear in English output.
DUTCH_WORDS = ("casussen", "voorwaarde", "selectie ", "minstens", "afgedwongen", "loting")


def run(*args: str, code: tuple[int, ...] = (0, 1)) -> str:
    """Standard output and error of one command."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in code, result.stdout + result.stderr
    return result.stdout + result.stderr


def without_quick_checks(text: str) -> str:
    """``text`` without the quick checks' reasons: they come from
    :mod:`selectie.quick_checks`, whose Dutch is checked with that module.
    """
    out, inside = [], False
    for line in text.splitlines():
        if line in ("quick checks:", "snelle controles:"):
            inside = True
            continue
        if inside and line.startswith("  - "):
            continue
        inside = False
        out.append(line)
    return "\n".join(out)


def both(*args: str) -> tuple[str, str]:
    """The command's output in English and in Dutch."""
    return run(*args, "--lang", "en"), run(*args, "--lang", "nl")


def english_only(text: str) -> None:
    """No Dutch word of the catalogue in ``text``."""
    found = [w for w in DUTCH_WORDS if w in text.lower()]
    assert not found, found


INFEASIBLE = ("explain", "--overlap", "2", "--cover", "all")


def test_explain_is_dutch() -> None:
    """explain --lang nl: heading, conflict, relaxation, verification words."""
    en, nl = both(*INFEASIBLE)
    assert "quick checks:" in en and "snelle controles:" in nl
    checked = assert_dutch(without_quick_checks(en), without_quick_checks(nl))
    for key in (
        "the scenario is infeasible: no selection satisfies every constraint",
        "smallest relaxation (weighted cost {cost}; {state}):",
        "verified by solving it again",
        "size: exactly {n} cases",
    ):
        assert key in checked
    assert "kleinste versoepeling" in nl and "minstens 2 -> minstens 1" in nl
    assert "smallest relaxation" not in nl and "the pool has" not in nl
    english_only(en.replace("selectie explain", ""))


def test_explain_feasible_and_size_move_are_dutch() -> None:
    """A feasible scenario, and a relaxation that selects more cases."""
    en, nl = both("explain")
    assert en.strip() == "the scenario is feasible: nothing to explain"
    assert nl.strip() == "het scenario is haalbaar: er valt niets te verklaren"
    en, nl = both("explain", "--size", "3")
    assert_dutch(without_quick_checks(en), without_quick_checks(nl))
    assert "size: select 5 cases instead of 3" in en
    assert "omvang: selecteer 5 casussen in plaats van 3" in nl
    assert "geen minimum" in nl and "no minimum" not in nl


def test_explain_formats_keep_machine_keys() -> None:
    """CSV column ids and JSON keys do not change with the language; Markdown headers do."""
    en_csv, nl_csv = both(*INFEASIBLE, "-f", "csv")
    en_rows = list(csv.DictReader(io.StringIO(en_csv)))
    nl_rows = list(csv.DictReader(io.StringIO(nl_csv)))
    assert list(nl_rows[0]) == list(en_rows[0]) == ["part", "name", "origin", "text", "new", "cost"]
    assert [r["part"] for r in nl_rows] == [r["part"] for r in en_rows]
    assert any(r["text"].startswith("omvang: precies 13 casussen") for r in nl_rows)
    en_json, nl_json = (json.loads(t) for t in both(*INFEASIBLE, "-f", "json"))
    assert en_json.keys() == nl_json.keys()
    assert en_json["relaxation"][0].keys() == nl_json["relaxation"][0].keys()
    assert nl_json["summary"].startswith("regio: 7 waarden vereisen")
    md = run(*INFEASIBLE, "-f", "markdown", "--lang", "nl")
    assert "| onderdeel" in md and "| snelle controle" in md and "| part" not in md


def test_explain_is_deterministic_in_dutch() -> None:
    """The same inputs and language give the same bytes."""
    assert run(*INFEASIBLE, "--lang", "nl") == run(*INFEASIBLE, "--lang", "nl")


def test_explain_notebook_display_is_dutch() -> None:
    """Explanation._repr_html_ follows the language in use."""
    from selectie import explain, load_pool, load_scenario

    pool, scenario = load_pool(), load_scenario()
    ex = explain(pool, scenario.with_size(3))
    with language("nl"):
        page = ex._repr_html_()
    assert "het scenario is onhaalbaar" in page and "kleinste versoepeling" in page
    assert "infeasible" not in page


def test_freedom_is_dutch() -> None:
    """freedom --lang nl: summary, table headers, verdicts, methods; numbers the Dutch way."""
    en, nl = both("freedom")
    checked = assert_dutch(en, nl)
    for key in ("How the numbers were found:", "forced among documented", "- whole pool: {method}"):
        assert key in checked
    assert "302.232" in nl and "302,232" in en
    assert "48,4%" in nl and "48.4%" in en
    assert "How the numbers were found" not in nl
    english_only(en)


def test_freedom_notebook_and_plot_are_dutch(tmp_path: Path) -> None:
    """Freedom's notebook table and plot title follow the language in use."""
    pytest.importorskip("matplotlib")
    from selectie import load_pool, load_scenario
    from selectie.freedom import freedom

    f = freedom(load_pool(), load_scenario())
    with language("nl"):
        page = f._repr_html_()
        fig = f.plot(str(tmp_path / "vrijheid.png"))
    assert "<th>afgedwongen</th>" in page and "<th>forced</th>" not in page
    title = fig.axes[0].get_title()
    assert "geldige selecties van gedocumenteerde casussen" in title
    assert "valid selections" not in title


def test_sensitivity_is_dutch() -> None:
    """sensitivity --lang nl: summary, table, the failing combinations, the closing note."""
    en, nl = both("sensitivity")
    # 'bridges of R03' is a constraint's name (an identifier of the scenario), not prose
    name = "bridges of R03 (1 Smart Overheid)"
    assert name in en and name in nl
    checked = assert_dutch(en.replace(name, "R03"), nl.replace(name, "R03"))
    assert "Combinations under which the report's selection fails:" not in checked
    assert any(c.startswith("Each coding is the primary coding") for c in checked)
    assert "Elke codering is de primaire codering" in nl
    assert "toelaatbare alternatieve coderingen" in nl and "VOLDOET NIET" in nl
    assert "admissible" not in nl and "FAILS" not in nl
    english_only(en)


def test_lottery_is_dutch() -> None:
    """lottery --lang nl with a draw: summary, profiles, solver line, the draw."""
    en, nl = both("lottery", "--seed", "7")
    # '  ... and 96 more profiles' holds the words of ' and {n} more' (said otherwise in Dutch)
    assert "  ... and 96 more profiles" in en and "  ... en nog 96 profielen" in nl

    def cut(text: str) -> str:
        return "\n".join(ln for ln in text.splitlines() if not ln.startswith("  ... "))

    checked = assert_dutch(cut(en), cut(nl))
    assert "profiles (probability of each case, number of cases, values):" in checked
    assert "leximin-loting over geldige selecties van 13 uit 126 casussen: status optimaal" in nl
    assert "kleinste selectiekans: 10,0000%" in nl and "10.0000%" in en
    assert "getrokken met seed '7'" in nl and "drawn with seed" not in nl
    english_only(en)


def test_lottery_markdown_and_csv() -> None:
    """Markdown headings and headers are Dutch; the CSV keeps its column ids and values."""
    md = run("lottery", "--seed", "7", "-f", "markdown", "--lang", "nl")
    assert "## Profielen" in md and "## Drager" in md and "| kans | casussen | profiel |" in md
    assert "## Profiles" not in md
    en_csv, nl_csv = both("lottery", "--seed", "7", "-f", "csv")
    assert en_csv.splitlines()[0] == nl_csv.splitlines()[0]
    assert nl_csv.splitlines()[0] == "id,name,profile,probability,selectable,drawn"
    assert en_csv == nl_csv


def test_lottery_xlsx_sheets_are_dutch(tmp_path: Path) -> None:
    """XLSX: Dutch sheet names and headers, drawn marked ja/nee, numbers still typed."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "loting.xlsx"
    run("lottery", "--seed", "7", "-f", "xlsx", "-o", str(out), "--lang", "nl")
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames[:2] == ["kansen", "drager"]
        rows = list(wb["kansen"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert rows[0] == ("id", "naam", "profiel", "kans", "selecteerbaar", "getrokken")
    assert {r[5] for r in rows[1:]} == {"ja", "nee"}
    assert all(isinstance(r[3], int | float) for r in rows[1:])


def test_lottery_time_limit_says_what_to_do() -> None:
    """A lottery stopped by the time limit says so in Dutch, and how to go on."""
    result = CliRunner().invoke(
        app, ["lottery", "--time-limit", "0.001", "-f", "json", "--lang", "nl"]
    )
    assert json.loads(result.stdout)["status"] != "optimal"
    assert "de tijdslimiet werd bereikt" in result.stderr
    assert "voer opnieuw uit met een langere --time-limit (deze run had 0,001 s)" in result.stderr
    assert "the time limit" not in result.stderr
    english = CliRunner().invoke(app, ["lottery", "--time-limit", "0.001", "-f", "json"])
    assert "run again with a longer --time-limit (this run had 0.001 s)" in english.stderr


def _demo_lottery(
    lang: str, method: str = "leximin", k: int | None = None
) -> tuple[Lottery, list[str]]:
    """A lottery on two women and four men, a panel of two with one of each, computed in
    ``lang``; with the progress lines it wrote.
    """
    from selectie import Pool, Quota, Scenario
    from selectie.codebook import codebook_from_dict
    from selectie.lottery import fair_lottery

    cb = codebook_from_dict(
        {
            "codebook": {"name": "demo"},
            "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}],
        }
    )
    records = [{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)]
    one_each = Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)])
    lines: list[str] = []
    with language(lang):
        lot = fair_lottery(
            Pool.from_records(records, cb), one_each, method=method, k=k, progress=lines.append
        )
    return lot, lines


def test_lottery_progress_follows_the_language() -> None:
    """The run's progress lines are written in the language in use (leximin fixes the men at
    1/4 in round 1, the women at 1/2 in round 2).
    """
    _lot, en = _demo_lottery("en")
    _lot, nl = _demo_lottery("nl")
    assert en[0] == "6 cases in 2 profiles"
    assert nl[0] == "6 casussen in 2 profielen"
    assert en[2] == "fractional leximin decomposed into 1 panel"
    assert nl[2] == "fractionele leximin ontleed in 1 panel"
    assert en[3:] == [
        "round 1: minimum 25.0000% fixed for 1 profile, 1 left",
        "round 2: minimum 50.0000% fixed for 1 profile, 0 left",
    ]
    assert nl[3:] == [
        "ronde 1: minimum 25,0000% vastgelegd voor 1 profiel, nog 1 over",
        "ronde 2: minimum 50,0000% vastgelegd voor 1 profiel, nog 0 over",
    ]
    assert en[1] == "2 profiles can be selected, 0 never (1 selection)"
    assert nl[1] == "2 profielen kunnen worden geselecteerd, 0 nooit (1 selectie)"
    english_only("\n".join(en))
    _lot, nash = _demo_lottery("nl", "nash")
    assert nash[-1].startswith("nash: 1 selectie, welvaartskloof ")
    assert nash[-1].endswith(", minimum 25,0000%")


def test_uniform_best_messages_follow_the_language() -> None:
    """'only n distinct valid selections': singular and plural, English and Dutch; the
    progress line of each selection found.
    """
    en, en_lines = _demo_lottery("en", "uniform_best", 10)
    nl, nl_lines = _demo_lottery("nl", "uniform_best", 10)
    assert en.message == (
        "only 1 distinct valid selection exists (k = 10; selections that differ only by "
        "interchangeable cases count as one)"
    )
    assert nl.message == (
        "er bestaat maar 1 verschillende geldige selectie (k = 10; selecties die alleen in "
        "uitwisselbare casussen verschillen tellen als één)"
    )
    assert en_lines[-1] == "selection 1 of 10 found"
    assert nl_lines[-1] == "selectie 1 van 10 gevonden"
    # three cases with three values, two of them, at most one per value: three selections
    from selectie import Quota, Scenario
    from selectie.lottery import fair_lottery
    from tests.test_lottery import make_pool

    three = make_pool([("c0", "x", "u"), ("c1", "y", "u"), ("c2", "z", "v")])
    at_most_one = Scenario(size=2, quotas=[Quota(attribute="a", max=1)])
    with language("nl"):
        lot = fair_lottery(three, at_most_one, method="uniform_best", k=10)
    assert lot.message == (
        "er bestaan maar 3 verschillende geldige selecties (k = 10; selecties die alleen in "
        "uitwisselbare casussen verschillen tellen als één)"
    )


def test_lottery_failures_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed re-check and a master program that cannot be solved say so in the language
    in use (both forced here: neither happens on a sound solver).
    """
    from selectie.lottery import state
    from selectie.lottery.solvers import _Master
    from selectie.result import Status

    monkeypatch.setattr(state, "recheck_selections", lambda *_args: "x")
    en, _lines = _demo_lottery("en")
    nl, _lines = _demo_lottery("nl")
    assert en.status == nl.status == Status.ERROR
    assert en.message == "a selection of the lottery fails the re-check (x); it is not shown"
    assert nl.message == (
        "een selectie van de loting doorstaat de hercontrole niet (x); ze wordt niet getoond"
    )
    monkeypatch.undo()

    def fails(_self: _Master) -> tuple[bool, float, np.ndarray, float, np.ndarray]:
        return False, 0.0, np.zeros(0), 0.0, np.zeros(0)

    monkeypatch.setattr(_Master, "solve", fails)
    en, _lines = _demo_lottery("en")
    nl, _lines = _demo_lottery("nl")
    assert en.message == "the master linear program could not be solved (numerical trouble)"
    assert nl.message == (
        "het hoofd-lineaire programma kon niet worden opgelost (numerieke problemen)"
    )


def test_lottery_recheck_reasons_follow_the_language() -> None:
    """The re-check's own reasons (a wrong panel size, a broken quota) in both languages."""
    from selectie.constraints import compile_scenario
    from selectie.formulation.recheck import recheck_selections
    from selectie.lottery.program import selection_model
    from tests.test_lottery import make_pool, scenario_of

    rows = [("c0", "x", "u"), ("c1", "x", "u"), ("c2", "y", "u"), ("c3", "y", "u")]
    compiled = compile_scenario(make_pool(rows), scenario_of([("a", "x", 1, 1)], 2, None))
    prof = selection_model(compiled, objective=False).grouping
    many = [np.array([1, 1]), np.array([2, 0]), np.array([1, 1])]
    short = [np.array([1, 1]), np.array([1, 0]), np.array([1, 1])]
    with language("nl"):
        assert recheck_selections(compiled, prof, short) == "1 casus in plaats van 2"
        assert recheck_selections(compiled, prof, many) == "a=x: 2 geselecteerd, precies 1 vereist"
    with language("en"):
        assert recheck_selections(compiled, prof, short) == "1 case instead of 2"
        assert recheck_selections(compiled, prof, many) == "a=x: 2 selected, exactly 1 required"


def test_lottery_draw_does_not_depend_on_the_language() -> None:
    """The hashed listing and the draw are the same in every language."""
    en, _lines = _demo_lottery("en")
    nl, _lines = _demo_lottery("nl")
    assert en.listing() == nl.listing()
    with language("nl"):
        dutch = nl.draw(7)
    assert en.draw(7).ids == dutch.ids


def test_alternatives_is_dutch() -> None:
    """alternatives --lang nl: summary, frequency heading; Markdown headers Dutch."""
    en, nl = both("alternatives", "--count", "4")
    checked = assert_dutch(en, nl)
    assert "stopped at {n}" in checked
    assert nl.startswith("4 verschillende selecties (gestopt bij 4); 4 even goed als de beste")
    assert "casussen in de 4 selecties (in hoeveel elk zit):" in nl
    assert "distinct selections" not in nl
    english_only(en)
    md = run(
        "alternatives", "-n", "2", "--objective", "max_overlap", "-f", "markdown", "--lang", "nl"
    )
    assert "rang |" in md and "diepte |" in md and "rank |" not in md
    en_csv, nl_csv = both("alternatives", "-n", "2", "--objective", "max_overlap", "-f", "csv")
    assert en_csv.splitlines()[0] == nl_csv.splitlines()[0]
    assert en_csv.splitlines()[0].startswith("rank,depth,total,")


def test_importance_is_dutch() -> None:
    """importance --lang nl: headings, verdicts and the reasons given."""
    en, nl = both("importance", "--scenario", "bijlage4-exact")
    checked = assert_dutch(en, nl)
    for key in (
        "irreplaceable (in every valid selection): {n}",
        "replaceable only at a cost to the objective: {n}",
        "replaceable at a cost: {loss}",
    ):
        assert key in checked
    assert "vervangbaar tegen een prijs: afwijking 2 slechter" in nl
    assert "worse by" not in nl and "instead of" not in nl
    english_only(en)
    en_json, nl_json = (json.loads(t) for t in both("importance", "-f", "json"))
    assert en_json.keys() == nl_json.keys()
    assert en_json["cases"][0].keys() == nl_json["cases"][0].keys()
    assert nl_json["cases"][0]["verdict"] == "zonder verlies vervangbaar"


def test_importance_reasons_of_impossible_cases_are_dutch() -> None:
    """The bundled scenario's two impossible cases: why, in Dutch."""
    nl = run("importance", "--lang", "nl")
    assert "onmogelijk (in geen enkele geldige selectie): 2" in nl
    assert "vereist minstens 1 brug (een niet-geselecteerde casus met dezelfde waarde" in nl
    assert "beste selectie: R01" in nl and "beste selectie ()" not in nl


def test_replace_is_dutch(tmp_path: Path) -> None:
    """replace --lang nl: the summary of the change, and a bad --drop as a Dutch error."""
    ids = tmp_path / "run.json"
    run("select", "-f", "json", "-o", str(ids))
    en, nl = both("replace", "--ids", str(ids), "--drop", "R05")
    assert en.startswith("kept 12 of the 12 remaining cases; added ")
    assert nl.startswith("12 van de 12 overgebleven casussen behouden; toegevoegd: ")
    assert "(uitgevallen: R05)" in nl
    assert_dutch(en.splitlines()[0], nl.splitlines()[0])
    err = run("replace", "--ids", str(ids), "--drop", "R05,R05X", "--lang", "nl", code=(2,))
    assert "de te herstellen selectie is niet geldig" in err
    assert "Geef de ids van de huidige selectie" in err


def test_uniform_lottery_and_draw_sheet_are_dutch(tmp_path: Path) -> None:
    """--uniform with --lang nl: the rounding summary and the printable draw sheet in Dutch."""
    people = tmp_path / "people.csv"
    people.write_text("id,sex\na,f\nb,f\nc,m\nd,m\ne,m\nf,m\n", encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text("feature,value,min,max\nsex,f,1,1\nsex,m,1,1\n", encoding="utf-8")
    sheet = tmp_path / "blad.txt"
    out = run(
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2",
        "--uniform", "4", "--draw-sheet", str(sheet), "--seed", "5", "--lang", "nl",
    )  # fmt: skip
    assert "uniforme loting over 4 panels" in out and "bewezen grens (k + 2) / m = 1,000000" in out
    assert "getrokken met seed '5': panel nummer" in out
    assert "largest change" not in out and "drawn with seed" not in out
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("Trekkingsblad: 4 panels van 2, elk getrokken met kans 1/4.")
    assert sum(1 for x in text.splitlines() if x.startswith("Panel ")) == 4


def test_quota_table_text_follows_the_language_and_files_keep_their_columns() -> None:
    from selectie.lottery.handover import QuotaCount, quota_rows, quota_text

    table = [QuotaCount("sex", "f", 2, 3, 2, 9), QuotaCount("sex", "m", 2, 3, 4, 8)]
    with language("nl"):
        text = quota_text(table)
        header, rows = quota_rows(table)
    first = text.splitlines()[0].split()
    assert first == [
        "kenmerk",
        "waarde",
        "min",
        "max",
        "geselecteerd",
        "in",
        "de",
        "pool",
        "gehaald",
    ]
    assert text.splitlines()[2].split()[-1] == "ja"
    assert text.splitlines()[3].split()[-1] == "NEE"
    assert header == ["feature", "value", "min", "max", "selected", "in pool", "met"]
    assert [r[-1] for r in rows] == ["yes", "NO"]
    with language("en"):
        english = quota_text(table)
    assert english.splitlines()[0].split()[-1] == "met"
    assert english.splitlines()[3].split()[-1] == "NO"


def test_quick_check_reason_on_one_value_is_singular() -> None:
    """A minimum on the one value of an attribute: 'has 1 value' / 'heeft 1 waarde'."""
    from selectie import Pool, Quota, Scenario
    from selectie.codebook import codebook_from_dict
    from selectie.constraints import compile_scenario
    from selectie.quick_checks import quick_checks

    cb = codebook_from_dict(
        {
            "codebook": {"name": "demo"},
            "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}],
        }
    )
    pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    compiled = compile_scenario(
        pool, Scenario(size=2, quotas=[Quota(attribute="sex", values=["f"], min=3)])
    )
    with language("en"):
        english = quick_checks(compiled)
    with language("nl"):
        dutch = quick_checks(compiled)
    assert "sex has 1 value; with at least 3 each that needs 3 cases but size is 2" in english
    assert (
        "sex heeft 1 waarde; met minstens 3 per waarde zijn 3 casussen nodig, maar de omvang is 2"
        in dutch
    )


def test_solver_description_follows_the_language() -> None:
    """selectie's words around the backend's own version text are translated."""
    import pulp

    from selectie.solve.backend import get_backend

    with language("en"):
        assert get_backend("cbc").version() == f"CBC (bundled with PuLP {pulp.__version__})"
    with language("nl"):
        assert get_backend("cbc").version() == f"CBC (meegeleverd met PuLP {pulp.__version__})"
    en, nl = both("select", "--solver", "cbc")
    assert f"solver: cbc CBC (bundled with PuLP {pulp.__version__})" in en
    assert f"solver: cbc CBC (meegeleverd met PuLP {pulp.__version__})" in nl
