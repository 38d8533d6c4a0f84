"""Case ids: the key two ids are compared by, and the ids refused as look-alikes."""

from __future__ import annotations

import unicodedata


def _id_key(case_id: str) -> str:
    """The key under which ids are compared: ids with the same key are the same id.

    Unicode NFKC, format characters (zero-width space, right-to-left mark, ...) removed,
    spacing collapsed, case folded, and the Cyrillic and Greek letters that look like Latin
    ones read as those: ``Р01`` with a Cyrillic Р is ``P01``.

    >>> _id_key(" R01 "), _id_key("R\u200b01"), _id_key("\u0420" "01")
    ('r01', 'r01', 'p01')
    """
    text = str(case_id)
    if text.isascii():
        return " ".join(text.split()).casefold()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split()).casefold().translate(_LOOK_ALIKE)


#: Cyrillic and Greek letters (case folded) that look like a Latin letter, read as that letter
#: when ids are compared (a few of Unicode's confusables, TR39; selectie's own short list).
_LOOK_ALIKE = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k",
        "м": "m", "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
    }
)  # fmt: skip


def id_problem(case_id: str) -> str | None:
    """Why ``case_id`` cannot be an id, or None: ids may not hold invisible or control
    characters, nor mix letters of the Latin, Cyrillic and Greek scripts (the ways two ids
    look the same but are not).

    >>> id_problem("R01") is None, id_problem("Ρ-01") is None  # a Greek id is an id
    (True, True)
    >>> print(id_problem("R\u200b01"))
    the id 'R\\u200b01' holds an invisible character (U+200B ZERO WIDTH SPACE); retype it
    >>> id_problem("\u0420" "R01")  # doctest: +ELLIPSIS
    "the id 'РR01' mixes Cyrillic and Latin letters (...); write it in one script"
    """
    if case_id.isascii():
        return None if case_id.isprintable() else _invisible(case_id)
    for ch in case_id:
        if unicodedata.category(ch) in _INVISIBLE:
            return _invisible(case_id)
    scripts: dict[str, str] = {}
    for ch in case_id:
        if ch.isalpha():
            script = unicodedata.name(ch, "").split(" ")[0]
            if script in ("LATIN", "CYRILLIC", "GREEK"):
                scripts.setdefault(script.capitalize(), ch)
    if len(scripts) > 1:
        which = " and ".join(scripts)
        shown = ", ".join(f"{ch!r} is {unicodedata.name(ch)}" for ch in scripts.values())
        from ..i18n import _

        return _("the id {id} mixes {scripts} letters ({shown}); write it in one script").format(
            id=repr(case_id), scripts=which, shown=shown
        )
    return None


#: Unicode categories of characters an id may not hold: format (zero-width space, direction
#: marks), control, private use, unassigned, surrogates, line and paragraph separators.
_INVISIBLE = frozenset(("Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"))


def _invisible(case_id: str) -> str:
    ch = next(c for c in case_id if unicodedata.category(c) in _INVISIBLE or not c.isprintable())
    name = unicodedata.name(ch, "a control character")
    from ..i18n import _

    return _("the id {id} holds an invisible character ({char}); retype it").format(
        id=repr(case_id), char=f"U+{ord(ch):04X} {name}"
    )
