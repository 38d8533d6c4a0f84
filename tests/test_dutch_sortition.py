"""`--lang nl` on the sortition path: the errors of a people file, a quotas file and an output
path, the cite of a quota in explain's conflict, and click's own words in `--help` are Dutch.

Each error is run in English and in Dutch. The English run must show the English message
(so the case reaches the code it means to test); the Dutch run must show none of the English
words such messages are made of (an untranslated message, one not marked with ``_()``, fails
here even though the catalogue has no entry for it), and every catalogue message of the
English output must be translated (:func:`tests.test_dutch_messages.assert_dutch`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from tests.test_dutch_messages import assert_dutch

QUOTAS = "feature,value,min,max\nsex,f,1,2\nsex,m,1,2\nage,young,1,2\nage,old,1,2\n"
PEOPLE = "id,naam,sex,age\np1,A,f,young\np2,B,m,old\np3,C,f,old\np4,D,m,young\n"

#: English words of the messages under test that no Dutch message contains (not 'is', 'of' or
#: 'en', which are Dutch words too).
ENGLISH = re.compile(
    r"\b(the|has|have|file|row|column|expected|found|cannot|not|and|with|must|missing|listed|"
    r"twice|values?|people|duplicate|empty|larger|smaller|whole|number|folder|exist|write|"
    r"output|did you mean|problems?|header|default|Show this message)\b",
    re.IGNORECASE,
)


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    text = result.stdout + result.stderr
    return result.exit_code, text.replace(str(folder), "DIR")


def english_left(text: str, *names: str) -> list[str]:
    """The English words in ``text``, once the file names ``names`` and the options (--output)
    are taken out.
    """
    for name in names:
        text = text.replace(name, "§")
    return ENGLISH.findall(re.sub(r"--[\w-]+", "§", text))


CASES = {
    # people file: a repeated id, an empty value, a misspelt value, a row too short
    "people cells": (
        "id,naam,sex,age\np1,A,f,young\np1,B,m,old\np3,C,,old\np4,D,femal,young\np5,E,m\n",
        QUOTAS,
        (),
        "duplicate id 'p1' (also at row 2)",
    ),
    "feature column": ("id,naam,sex\np1,A,f\np2,B,m\n", QUOTAS, (), "has no such column"),
    "option columns": (
        PEOPLE,
        QUOTAS,
        ("--id-column", "nr", "--household", "street"),
        "the id column is missing",
    ),
    "no people": ("id,naam,sex,age\n", QUOTAS, (), "has a header but no people"),
    "empty people file": ("", QUOTAS, (), "one row per person"),
    "people header": ("id,sex,age,sex\np1,f,young,f\n", QUOTAS, (), "has the same name"),
    "quota rows": (
        PEOPLE,
        "feature,value,min,max\nsex,f,3,2\nsex,F,1,1\nage,young,x,2\nage,old,1,2\n",
        (),
        "min (3) is larger than max (2)",
    ),
    "quota flex": (
        PEOPLE,
        "feature,value,min,max,min_flex,max_flex\nsex,f,1,2,2,1\nsex,m,1,2,0,3\n",
        (),
        "min_flex (2) is larger than min (1)",
    ),
    "quota columns": (PEOPLE, "feature,value,min\nsex,f,1\n", (), "required column is missing"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_people_and_quotas_errors_are_dutch(tmp_path: Path, case: str) -> None:
    """A bad people or quotas file is reported in Dutch only, with exit 2."""
    people_text, quotas_text, options, english = CASES[case]
    people = tmp_path / "mensen.csv"
    quotas = tmp_path / "quota.csv"
    people.write_text(people_text, encoding="utf-8")
    quotas.write_text(quotas_text, encoding="utf-8")
    args = ("lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2", *options)
    code_en, en = run(tmp_path, "--lang", "en", *args)
    code_nl, nl = run(tmp_path, "--lang", "nl", *args)
    assert (code_en, code_nl) == (2, 2), (en, nl)
    assert english in en
    # (the quotas file's header, feature,value,min,max, is quoted as it must be written)
    assert english_left(nl, "mensen.csv", "quota.csv", "feature,value,min,max") == [], nl
    assert nl.startswith("fout: ")
    spec = "feature,value,min,max"
    assert_dutch(en.replace(spec, ""), nl.replace(spec, ""))


def test_a_bad_output_path_is_dutch(tmp_path: Path) -> None:
    """A missing folder, a folder and an input file as outputs: each refused in Dutch only."""
    people = tmp_path / "mensen.csv"
    quotas = tmp_path / "quota.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    quotas.write_text(QUOTAS, encoding="utf-8")
    base = ("lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2")
    for option, path, english in (
        ("--selected", str(tmp_path / "nodir" / "a.csv"), "does not exist"),
        ("--remaining", str(tmp_path), "it is a folder"),
        ("-o", str(people), "it is an input file"),
    ):
        code_en, en = run(tmp_path, "--lang", "en", *base, option, path)
        code_nl, nl = run(tmp_path, "--lang", "nl", *base, option, path)
        assert (code_en, code_nl) == (2, 2), (en, nl)
        assert english in en
        assert english_left(nl, "mensen.csv", "a.csv", "nodir") == [], nl


def test_the_cite_of_a_quota_is_dutch(tmp_path: Path) -> None:
    """explain's conflict cites each quota's row of the quotas file in the language chosen."""
    people = tmp_path / "mensen.csv"
    quotas = tmp_path / "quota.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    quotas.write_text(
        "feature,value,min,max\nsex,f,2,2\nsex,m,0,2\nage,young,0,0\nage,old,0,2\n",
        encoding="utf-8",
    )
    args = ("lottery", "--people", str(people), "--quotas", str(quotas), "--size", "2")
    code_en, en = run(tmp_path, "--lang", "en", *args)
    code_nl, nl = run(tmp_path, "--lang", "nl", *args)
    assert (code_en, code_nl) == (1, 1), (en, nl)
    assert '-- "quota.csv row 4"' in en
    assert '-- "quota.csv rij 4"' in nl
    assert "row 4" not in nl


def test_help_notes_are_dutch() -> None:
    """Under nl, `--help` shows no English '[default: ...]' and no English --help line."""
    result = CliRunner().invoke(app, ["--lang", "nl", "lottery", "--help"])
    assert result.exit_code == 0
    assert "[default:" not in result.stdout
    assert "Show this message" not in result.stdout
    assert "[standaard: leximin]" in result.stdout
    assert "Toon dit bericht en stop." in result.stdout
    assert result.stdout.startswith("Gebruik: selectie lottery [OPTIES]")
    english = CliRunner().invoke(app, ["--lang", "en", "lottery", "--help"]).stdout
    assert "[default: leximin]" in english
    assert "Show this message and exit." in english
