"""The page's words in the session's language, from selectie's one message catalogue.

Each browser session has its own language, so the page never changes the process-wide
language of :mod:`selectie.i18n`; it asks the catalogue of the session's language directly.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LANGUAGES", "N_", "translator"]

LANGUAGES = {"en": "English", "nl": "Nederlands"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def translator(lang: str) -> Callable[[str], str]:
    """A function giving each English message in ``lang`` (English: itself).

    >>> translator("en")("Run")
    'Run'
    """
    if lang == "en":
        return _identity
    import importlib

    try:
        i18n = importlib.import_module("selectie.i18n")
    except ImportError:  # ADAPTER: the catalogue has not landed in this version
        return _identity
    fn: Callable[[str], str] = i18n.translations(lang).gettext
    return fn


def _identity(message: str) -> str:
    return message
