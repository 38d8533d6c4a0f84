"""The messages of the lottery's algorithms, shown in the language in use.

:mod:`selectie.lottery.run` writes its messages (time limits, numerical trouble, progress
steps) in English, some joined with "; ". :func:`message_text` finds each known message in
such a text and shows it through the catalogue; what it does not know stays as written.
"""

from __future__ import annotations

import re

from ..i18n import N_, _, get_language

__all__ = ["message_text"]

#: The messages the lottery's algorithms write (``selectie.lottery.run``), as message ids;
#: :func:`message_text` finds them in a message (its ``{placeholders}`` match any text).
_MESSAGES: tuple[str, ...] = (
    N_(
        "the time limit was reached before it was known whether {n} case(s) can be "
        "selected; they are left out of the lottery (probability 0)"
    ),
    N_(
        "the time limit was reached after {n} of the {k} best selections; the last is "
        "valid but not proven the next best"
    ),
    N_("the time limit was reached after {n} of the {k} best selections"),
    N_("the time limit was reached before the distribution was proven optimal"),
    N_("the time limit was reached before the distribution was proven fair"),
    N_("the time limit was reached before any valid selection was found"),
    N_("the time limit was reached before any selection was found"),
    N_("the solver's tolerances allowed a proof to within {accuracy} only (the aim is {aim})"),
    N_(
        "only {n} distinct valid selections exist (k = {k}; selections that differ only by "
        "interchangeable cases count as one)"
    ),
    N_(
        "only {n} distinct valid selection exists (k = {k}; selections that differ only by "
        "interchangeable cases count as one)"
    ),
    N_(
        "the solver ({solver}) returned a selection that breaks a constraint after "
        "rounding; it is not used"
    ),
    N_("a selection of the lottery fails the re-check ({failure}); it is not shown"),
    N_("the master linear program could not be solved (numerical trouble)"),
    N_("the lottery has no support (numerical)"),
    N_("no selection satisfies every constraint"),
    # progress steps
    N_("{n} cases in {p} profiles"),
    N_("{yes} profiles can be selected, {no} never ({n} selections)"),
    N_("round {r}: minimum {p} fixed for {f} profile(s), {left} left"),
    N_("round {r}: {n} panels, minimum {p}, bound {bound}, gap {gap}"),
    N_("selection {n} of {k} found"),
    N_("nash: {n} selections, welfare gap {gap}, minimum {p}"),
)


def _pattern(msgid: str) -> str:
    """A message id as a regular expression: its text, a named group per placeholder."""
    parts = re.split(r"\{(\w+)\}", msgid)
    last = len(parts) - 2 if parts[-1] == "" else -1  # a placeholder at the very end

    def group(k: int, name: str) -> str:
        return f"(?P<{name}>[^;]+)" if k == last else f"(?P<{name}>.+?)"

    return "".join(re.escape(p) if k % 2 == 0 else group(k, p) for k, p in enumerate(parts))


def message_text(message: str) -> str:
    """A message of the lottery's algorithms in the language in use; parts it does not know
    stay as written.

    >>> from selectie.i18n import language
    >>> with language("nl"):
    ...     message_text("the time limit was reached after 2 of the 5 best selections")
    'de tijdslimiet werd bereikt na 2 van de 5 beste selecties'
    """
    if get_language() == "en" or not message:
        return message
    for msgid in sorted(_MESSAGES, key=len, reverse=True):

        def shown(m: re.Match[str], msgid: str = msgid) -> str:
            return _(msgid).format(**m.groupdict())

        message = re.sub(_pattern(msgid), shown, message)
    return message
