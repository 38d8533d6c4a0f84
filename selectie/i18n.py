"""The language of every human-facing word: one gettext message catalogue, English and Dutch.

The English text in the source is the message id; Dutch translations live in
``selectie/locale/nl/LC_MESSAGES/selectie.po`` and are compiled (with Babel) to the ``.mo``
file next to it, which the standard :mod:`gettext` module reads. Code marks a message with
:func:`_` (translate now) or :func:`N_` (mark now, translate where it is shown)::

    from .i18n import _
    print(_("Selected {n} of {total} cases").format(n=13, total=126))

The language is chosen, first to last, by :func:`set_language` (the command line's
``--lang``), the ``SELECTIE_LANG`` environment variable, the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``nl_NL.UTF-8`` gives Dutch), and otherwise English.

>>> with language("nl"):
...     _("Selected {n} of {total} cases").format(n=13, total=126)
'13 van 126 casussen geselecteerd'
>>> with language("en"):
...     _("Selected {n} of {total} cases").format(n=13, total=126)
'Selected 13 of 126 cases'

Maintaining the catalogue (Babel's ``pybabel``; the configuration is ``babel.cfg``)::

    pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -o selectie/locale/selectie.pot .
    pybabel update -i selectie/locale/selectie.pot -d selectie/locale -D selectie
    pybabel compile -d selectie/locale -D selectie

``tests/test_i18n.py`` fails when a marked message has no Dutch translation, when a
translation is fuzzy or drops a ``{placeholder}``, or when the ``.mo`` file is stale.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "chosen_language",
    "get_language",
    "language",
    "language_from_environment",
    "ngettext",
    "number",
    "scientific",
    "set_language",
]

#: The gettext domain: the catalogue is ``<LOCALE_DIR>/<lang>/LC_MESSAGES/selectie.mo``.
DOMAIN = "selectie"
#: Where the catalogues live.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The languages selectie speaks; the first is the language of the source (message ids).
LANGUAGES: tuple[str, ...] = ("en", "nl")

#: The language set by :func:`set_language`; a context variable, so that concurrent sessions
#: (two tabs of ``selectie app``, threads of a notebook) each keep their own choice.
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("selectie_lang", default=None)


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for: ``SELECTIE_LANG``, else the locale, else English.

    >>> language_from_environment({"SELECTIE_LANG": "nl"})
    'nl'
    >>> language_from_environment({"LANG": "nl_BE.UTF-8"})
    'nl'
    >>> language_from_environment({"LANG": "fr_FR.UTF-8"})
    'en'
    >>> language_from_environment({})
    'en'
    """
    env = os.environ if environ is None else environ
    for var in ("SELECTIE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        raw = env.get(var, "").strip()
        if not raw:
            continue
        code = _normalise(raw.split(":")[0])
        if code in LANGUAGES:
            return code
        if var == "SELECTIE_LANG":
            continue  # an unknown SELECTIE_LANG falls through to the locale
        if code not in ("c", "posix"):
            return LANGUAGES[0]
    return LANGUAGES[0]


def _normalise(text: str) -> str:
    return text.strip().lower().replace("-", "_").split(".")[0].split("_")[0]


def check_language(lang: str) -> str:
    """``lang`` as one of :data:`LANGUAGES`, or ``ValueError`` saying which ones exist.

    >>> check_language("NL")
    'nl'
    >>> check_language("de")
    Traceback (most recent call last):
    ValueError: unknown language 'de': choose one of en, nl
    """
    code = _normalise(lang)
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return code


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``"en"`` or ``"nl"``) from now on; ``None`` goes back to the environment's
    choice. Returns the language now in use.
    """
    _chosen.set(None if lang is None else check_language(lang))
    return get_language()


def chosen_language() -> str | None:
    """The language set by :func:`set_language` or :func:`language`, or None (then the
    environment decides).
    """
    return _chosen.get()


def get_language() -> str:
    """The language in use: the one set, else the environment's."""
    lang = _chosen.get()
    return lang if lang is not None else language_from_environment()


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block, then the previous choice again."""
    token = _chosen.set(None if lang is None else check_language(lang))
    try:
        yield get_language()
    finally:
        _chosen.reset(token)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English: the identity)."""
    if lang == LANGUAGES[0]:
        return gettext.NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if po.exists() and (not mo.exists() or po.stat().st_mtime > mo.stat().st_mtime + 1):
        # A development checkout with an edited .po: compile it in memory (Babel).
        return _compile(po)
    with open(mo, "rb") as fh:
        return gettext.GNUTranslations(fh)


def _compile(po: Path) -> gettext.NullTranslations:
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _(message: str) -> str:
    """``message`` in the language in use."""
    lang = get_language()
    if lang == LANGUAGES[0]:
        return message
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for count ``n``, in the language in use.

    >>> with language("nl"):
    ...     ngettext("{n} case", "{n} cases", 2).format(n=2)
    '2 casussen'
    """
    lang = get_language()
    if lang == LANGUAGES[0]:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate with
    :func:`_` where it is shown).
    """
    return message


def number(value: float, decimals: int | None = 0) -> str:
    """``value`` written for the language in use: thousands grouped, ``decimals`` after the
    decimal sign (English ``1,234.5``, Dutch ``1.234,5``); ``decimals=None``: as few as
    needed (the ``g`` format).

    >>> with language("en"):
    ...     number(302232), number(48.44, 1), number(0.5, None)
    ('302,232', '48.4', '0.5')
    >>> with language("nl"):
    ...     number(302232), number(48.44, 1), number(0.5, None)
    ('302.232', '48,4', '0,5')
    """
    text = f"{value:,g}" if decimals is None else f"{value:,.{decimals}f}"
    if get_language() == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def scientific(value: float, decimals: int = 1) -> str:
    """``value`` in scientific notation with ``decimals`` after the decimal sign, written for
    the language in use (English ``1.2e-07``, Dutch ``1,2e-07``).

    >>> with language("en"):
    ...     scientific(1.234e-7), scientific(1e-6, 0)
    ('1.2e-07', '1e-06')
    >>> with language("nl"):
    ...     scientific(1.234e-7)
    '1,2e-07'
    """
    text = f"{value:.{decimals}e}"
    return text.replace(".", ",") if get_language() == "nl" else text
