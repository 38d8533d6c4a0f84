"""`--lang nl`: the errors of the loader, codebook and scenario, the solver's status and
time-limit messages, the infeasibility reasons and the files `selectie init` drafts are Dutch.

Each test runs the command line twice, in English and in Dutch, on the same bad input; the
exit code is the same, every catalogue message found in the English output is translated in
the Dutch output and no longer shown in English (:func:`tests.test_dutch.assert_dutch`), and
a few Dutch key words (checked by hand against the catalogue) are there.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import load_codebook, load_pool, load_scenario
from selectie.cli import app
from selectie.errors import PoolError
from selectie.i18n import language
from tests.test_dutch import assert_dutch as _assert_dutch
from tests.test_time_limits import lying_cbc

CODEBOOK = """\
[codebook]
name = "demo"

[[attributes]]
name = "regio"
values = ["Noord", "Zuid"]
required = true
"""

#: Row 3 repeats an id, row 4 has a value the codebook does not know, row 5 a cell too many.
BAD_POOL = "id,regio\na,Noord\na,Zuid\nb,Limbrug\nc,Noord,x\n"


#: Text the comparison by pattern would take for a message: a file name ('reference' in
#: docs/reference.md), a key path of the scenario (TOML keys stay English), and English
#: phrases that contain a shorter message ('{n} case', 'does not'). They are left out of the
#: comparison, and only of it (the tests assert on them directly).
NOT_MESSAGES = ("docs/reference.md", "quotas[0].attribute", "ignoring case", "does not fit")


def assert_dutch(en: str, nl: str) -> list[str]:
    """:func:`tests.test_dutch.assert_dutch` on the outputs without :data:`NOT_MESSAGES`."""
    for text in NOT_MESSAGES:
        en, nl = en.replace(text, ""), nl.replace(text, "")
    return _assert_dutch(en, nl)


def run(*args: str) -> tuple[int, str]:
    """The exit code and everything the command printed."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def both(*args: str) -> tuple[int, str, str]:
    """Run in English and in Dutch: the common exit code, the English and the Dutch text."""
    code_en, en = run("--lang", "en", *args)
    code_nl, nl = run("--lang", "nl", *args)
    assert code_en == code_nl, (en, nl)
    return code_en, en, nl


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def select_with(folder: Path, scenario: str) -> tuple[int, str, str]:
    """`selectie select` on the bundled pool with the scenario ``scenario`` (TOML text)."""
    return both("select", "--scenario", str(write(folder, "s.toml", scenario)))


def test_a_bad_pool_file_is_reported_in_dutch(tmp_path: Path) -> None:
    """A pool with a repeated id, an unknown value and a row too long: every problem in Dutch,
    with its row and column, exit 2, and nothing written.
    """
    cb = write(tmp_path, "cb.toml", CODEBOOK)
    pool = write(tmp_path, "pool.csv", BAD_POOL)
    out = tmp_path / "uit.json"
    args = ("select", "--pool", str(pool), "--codebook", str(cb), "--size", "1", "-o", str(out))
    code, en, nl = both(*args)
    assert code == 2
    assert not out.exists()
    checked = assert_dutch(en, nl)
    assert "duplicate id {id} (also at row {row})" in checked
    assert "{token} is not a value of {name} (allowed: {allowed})" in checked
    assert "3 problems in the pool" in en and "row 3, column 'id'" in en
    assert "3 problemen in de pool" in nl
    assert "rij 3, kolom 'id': dubbele id 'a' (ook in rij 2)" in nl
    assert "rij 4, kolom 'regio': 'Limbrug' is geen waarde van 'regio'" in nl
    assert "rij 5: de rij heeft 3 cellen, maar de koprij heeft er 2" in nl
    assert nl.startswith("fout: ")
    for english in ("duplicate id", "is not a value of", "problems in the pool", "row 3"):
        assert english not in nl


def test_a_missing_file_is_reported_in_dutch(tmp_path: Path) -> None:
    """A scenario path that does not exist: the kind of file in Dutch too, exit 2."""
    code, en, nl = both("select", "--scenario", str(tmp_path / "weg.toml"))
    assert code == 2
    assert "does not exist" in en
    assert "scenario '" in nl and "bestaat niet" in nl and "relatieve paden" in nl
    assert "does not exist" not in nl


def test_a_pool_error_keeps_its_fields_in_dutch(tmp_path: Path) -> None:
    """In Dutch the exception still carries file, row and column; only the words change."""
    cb = load_codebook(write(tmp_path, "cb.toml", CODEBOOK))
    pool = write(tmp_path, "pool.csv", BAD_POOL)
    with language("nl"), pytest.raises(PoolError) as caught:
        load_pool(pool, cb)
    rows = [(p.row, p.column) for p in caught.value.problems]
    assert rows == [(3, "id"), (4, "regio"), (5, None)]
    assert caught.value.problems[0].file == str(pool)
    assert "Verbeter deze cellen" in str(caught.value)


def test_a_bad_scenario_is_reported_in_dutch(tmp_path: Path) -> None:
    """A scenario with a word for a number and a quota without bounds (pydantic's own message
    included), and one naming an attribute the codebook lacks.
    """
    code, en, nl = select_with(tmp_path, 'size = "drie"\n[[quotas]]\nattribute = "regio"\n')
    assert code == 2
    assert "at size: Input should be a valid integer" in en
    assert "bij size: Invoer moet een geldig geheel getal zijn: gevonden: 'drie'" in nl
    assert "bij quotas[0]: geef min, max of allebei" in nl
    assert_dutch(en, nl)

    code, en, nl = select_with(tmp_path, 'size = 3\n[[quotas]]\nattribute = "regoi"\nmin = 1\n')
    assert code == 2
    checked = assert_dutch(en, nl)
    assert "{name} is not an attribute of codebook {codebook} (attributes: {names})" in checked
    assert "het scenario past niet bij de pool" in nl
    assert "is geen kenmerk van codeboek 'wodc-ondermijning-2019'" in nl
    assert "bedoelt u 'regio'?" in nl
    assert "does not fit" not in nl and "did you mean" not in nl


def test_an_infeasible_scenario_is_reported_in_dutch(tmp_path: Path) -> None:
    """Ten regions with at least one each in three places: the status and the quick check's
    reason in Dutch, exit 1.
    """
    code, en, nl = select_with(tmp_path, 'size = 3\n[[quotas]]\nattribute = "regio"\nmin = 1\n')
    assert code == 1
    checked = assert_dutch(en, nl)
    assert "no selection satisfies every constraint" in checked
    assert "geen selectie (onhaalbaar): geen enkele selectie voldoet aan alle voorwaarden" in nl
    assert (
        "regio heeft 10 waarden; met minstens 1 per waarde zijn 10 casussen nodig, maar de "
        "omvang is 3"
    ) in nl
    assert "no selection" not in nl and "but size is" not in nl


def test_a_time_limit_is_reported_in_dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CBC stopped by its time limit before any selection: which limit, before what, and
    what to do, in Dutch; exit 1.
    """
    monkeypatch.setattr(
        "selectie.solve.cbc.subprocess.call", lying_cbc("Stopped on time - no solution")
    )
    code, en, nl = both("select", "--solver", "cbc", "--time-limit", "0.02")
    assert code == 1
    checked = assert_dutch(en, nl)
    assert "the time limit ({seconds} s) was reached {what}" in checked
    assert (
        "de tijdslimiet (0.02 s) werd bereikt voordat er een selectie gevonden was; of er een "
        "bestaat is dus onbekend; voer opnieuw uit met een langere tijdslimiet"
    ) in nl
    assert "geen selectie (geen oplossing)" in nl
    assert "time limit" not in nl and "run again" not in nl


THEMES = ("a|b", "b", "a|c")


def test_init_drafts_dutch_comments(tmp_path: Path) -> None:
    """`selectie init --lang nl`: the drafted files' comments are Dutch, their keys and the
    pool's values as they were, and both files load.
    """
    pool = write(
        tmp_path,
        "pool.csv",
        "id,Regio,Thema\n"
        + "".join(f"g{i},{'Fryslân' if i % 2 else 'Limburg'},{THEMES[i % 3]}\n" for i in range(8)),
    )
    texts = {}
    for lang in ("en", "nl"):
        folder = tmp_path / lang
        folder.mkdir()
        code, said = run("--lang", lang, "init", str(pool), "--size", "2", "-o", str(folder))
        assert code == 0, said
        texts[lang] = {
            n: (folder / n).read_text("utf-8") for n in ("codebook.toml", "scenario.toml")
        }
        cb = load_codebook(folder / "codebook.toml")
        assert set(cb.attribute("Regio").codes) == {"Fryslân", "Limburg"}
        load_scenario(folder / "scenario.toml")
    en, nl = texts["en"], texts["nl"]
    assert en["codebook.toml"].startswith("# Codebook drafted by `selectie init` from pool.csv")
    assert nl["codebook.toml"].startswith("# Codeboek opgesteld door `selectie init` uit pool.csv")
    assert "# Een casus kan meerdere van deze waarden hebben." in nl["codebook.toml"]
    assert "# 4 casussen" in nl["codebook.toml"]
    assert nl["scenario.toml"].startswith("# Scenario opgesteld door `selectie init`")
    for name in en:
        # the TOML itself (keys, values, the pool's words) is the same in both languages
        data_en, data_nl = tomllib.loads(en[name]), tomllib.loads(nl[name])
        assert data_en.keys() == data_nl.keys()
        assert "drafted" not in nl[name] and "case(s)" not in nl[name]
    assert (
        tomllib.loads(en["codebook.toml"])["attributes"]
        == tomllib.loads(nl["codebook.toml"])["attributes"]
    )
