"""Refresh selectie's message catalogue with Babel: extract, update, compile.

    python scripts/i18n.py            # extract every message, update nl .po, compile .mo
    python scripts/i18n.py --check    # exit 1 if a message lacks a Dutch translation

Messages are the strings marked with ``_()``, ``N_()`` and ``ngettext()`` in ``selectie/``
(Babel's Python extractor) and the help texts of the command line (each command's summary
paragraph and each option's help), read from the click command tree.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from selectie.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

#: Fixed header dates, so the same messages give the same files.
FIXED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def template() -> Catalog:
    """Every message of selectie, as a Babel catalogue without translations."""
    import typer

    from selectie.cli import app
    from selectie.cli._lang import help_messages

    cat = Catalog(project="selectie", domain=DOMAIN, fuzzy=False, creation_date=FIXED)
    method_map = [("selectie/**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, keywords=KEYWORDS
    ):
        cat.add(message, locations=[(filename, lineno)])
    for text in help_messages(typer.main.get_command(app)):
        if text not in cat:
            cat.add(text, locations=[("selectie/cli", 0)])
    return cat


def _translated(text: str | tuple[str, ...] | None) -> bool:
    forms = (text,) if isinstance(text, str) or text is None else text
    return all(f and f.strip() for f in forms)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def main() -> int:
    check = "--check" in sys.argv
    pot = template()
    status = 0
    for lang in LANGUAGES[1:]:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(
                locale=lang, domain=DOMAIN, project="selectie", fuzzy=False, creation_date=FIXED
            )
        cat.creation_date = FIXED
        cat.revision_date = FIXED
        cat.update(pot, no_fuzzy_matching=True)
        missing = [m.id for m in cat if m.id and (m.fuzzy or not _translated(m.string))]
        for m in missing:
            print(f"{lang}: no translation: {m!r}")
        if missing:
            status = 1
        if check:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        cat.obsolete.clear()
        with path.open("wb") as fh:
            write_po(fh, cat, width=100, omit_header=False, sort_output=True, no_location=True)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
