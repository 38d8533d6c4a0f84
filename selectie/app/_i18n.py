"""The page's words in the session's language, from selectie's one message catalogue.

Each browser session has its own language: the page's own words come from the catalogue of
the session's language (:func:`translator`), and the library's messages (errors, summaries)
are made inside :func:`selectie.i18n.language`, which is local to the thread or task that
runs them, so two sessions in two languages never mix.
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
    from ..i18n import translations

    return translations(lang).gettext


def _identity(message: str) -> str:
    return message
