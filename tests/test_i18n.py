"""The message catalogue: every message in both languages, placeholders kept, the compiled
catalogue current, the language chosen from flag, environment and locale.
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from selectie.cli import app
from selectie.i18n import LOCALE_DIR, _, language, language_from_environment, ngettext

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "selectie.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{(\w*)[^}]*\}")


def _template() -> list[str | tuple[str, ...]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n as script  # type: ignore[import-not-found]  # scripts/i18n.py, not a package
    finally:
        sys.path.pop(0)
    return [m.id for m in script.template() if m.id]


def _catalogue() -> dict[Any, Any]:  # Babel's message ids and strings: str, tuple or list
    with PO.open("rb") as fh:
        cat = read_po(fh, locale="nl")
    assert not [m.id for m in cat if m.id and m.fuzzy], "fuzzy translations"
    return {m.id: m.string for m in cat if m.id}


def test_every_message_has_dutch() -> None:
    """Every marked message and CLI help text has a non-empty Dutch translation."""
    cat = _catalogue()
    missing = []
    for mid in _template():
        text = cat.get(mid)
        forms = (text,) if isinstance(text, str) else tuple(text or ())
        if not forms or not all(f and f.strip() for f in forms):
            missing.append(mid)
    assert not missing, f"no Dutch for: {missing}"


def test_translations_keep_placeholders() -> None:
    """A translation uses exactly the {placeholders} of its English message."""
    bad = []
    for mid, text in _catalogue().items():
        ids = (mid,) if isinstance(mid, str) else mid
        forms = (text,) if isinstance(text, str) else text
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != wanted:
                bad.append((mid, form))
    assert not bad


def test_compiled_catalogue_is_current() -> None:
    """The committed .mo holds exactly the translations of the .po (run scripts/i18n.py)."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for mid, text in _catalogue().items():
        if isinstance(mid, str):
            assert mo.gettext(mid) == text, mid
        else:
            assert mo.ngettext(mid[0], mid[1], 1) == text[0], mid
            assert mo.ngettext(mid[0], mid[1], 5) == text[1], mid


def test_language_switch() -> None:
    """English is the source text; Dutch comes from the catalogue, plurals included."""
    with language("en"):
        assert _("Constraints") == "Constraints"
        assert ngettext("{n} case", "{n} cases", 1) == "{n} case"
    with language("nl"):
        assert _("Constraints") == "Voorwaarden"
        assert ngettext("{n} case", "{n} cases", 3) == "{n} casussen"


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"SELECTIE_LANG": "nl", "LANG": "en_US.UTF-8"}, "nl"),
        ({"SELECTIE_LANG": "en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_ALL": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_language_from_environment(env: dict[str, str], lang: str) -> None:
    """SELECTIE_LANG first, then the locale, then English."""
    assert language_from_environment(env) == lang


def test_cli_help_in_dutch_and_in_work_order() -> None:
    """`selectie --lang nl --help` is Dutch and lists select before the explorations."""
    out = CliRunner().invoke(app, ["--lang", "nl", "--help"]).stdout
    assert "Gebruik: selectie" in out
    assert "Opdrachten:" in out
    assert "Kies de beste selectie" in out
    names = [ln.split()[0] for ln in out.split("Opdrachten:")[1].splitlines() if ln.strip()]
    assert names.index("select") < names.index("check") < names.index("explain")
    assert names.index("select") < names.index("sweep") < names.index("lottery")
    en = CliRunner().invoke(app, ["--help"]).stdout
    assert "Usage: selectie" in en and "Choose the best selection" in en


def test_lang_anywhere_and_unknown_language() -> None:
    """--lang may follow the command; an unknown language is a usage error (exit 2)."""
    out = CliRunner().invoke(app, ["check", "--help", "--lang", "nl"]).stdout
    assert "Toets een gegeven selectie" in out
    bad = CliRunner().invoke(app, ["--lang", "de", "select"])
    assert bad.exit_code == 2
    assert "unknown language 'de': choose one of en, nl" in bad.stderr
