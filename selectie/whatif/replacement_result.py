"""The result of :func:`selectie.whatif.replace` and its rendering."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..i18n import _, ngettext
from ..result import Selection
from ..solve.backend import Status
from .text import status_text


@dataclass(frozen=True, eq=False)
class Replacement:
    """The result of :func:`replace`.

    ``kept`` are the remaining cases of the old selection that stay, ``lost`` those that had
    to go as well, ``added`` the new cases. ``selection`` is the new selection as a
    :class:`~selectie.result.Selection` of the scenario with the dropped cases excluded.

    Cases ``a`` and ``b`` come from the north, ``c`` from the south; two are selected and
    at least one must come from the south, so ``{a, c}`` and ``{b, c}`` are the only
    selections (ties are broken by pool order, so ``{a, c}`` is the best):

    >>> from selectie import Attribute, Codebook, Pool, Quota, Scenario, replace
    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["N", "S"])])
    >>> pool = Pool.from_records([{"id": i, "region": r} for i, r in zip("abc", "NNS")], cb)
    >>> s = Scenario(size=2, quotas=[Quota(attribute="region", values=["S"], min=1)])
    >>> r = replace(pool, s, ["a", "c"], drop=["a"])
    >>> r.ok, r.kept, r.added, r.lost
    (True, ('c',), ('b',), ())
    >>> r.summary()
    'kept 1 of the 1 remaining case; added b (dropped: a)'
    >>> r.to_dict()["dropped"]
    ['a']
    """

    status: Status
    selection: Selection
    dropped: tuple[str, ...]
    kept: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True if a verified new selection was found."""
        return self.selection.ok

    def summary(self) -> str:
        """One sentence: how many cases were kept, which were added or also replaced."""
        if not self.ok:
            return status_text(self.status.value, self.selection.message)
        remaining = len(self.kept) + len(self.lost)
        text = ngettext(
            "kept {k} of the {n} remaining case",
            "kept {k} of the {n} remaining cases",
            remaining,
        ).format(k=len(self.kept), n=remaining)
        if self.added:
            text += _("; added {cases}").format(cases=", ".join(self.added))
        if self.lost:
            text += _("; also replaced {cases}").format(cases=", ".join(self.lost))
        return text + _(" (dropped: {cases})").format(cases=", ".join(self.dropped))

    def __str__(self) -> str:
        return self.summary() + "\n" + str(self.selection)

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self.summary())}</b></p>" + self.selection._repr_html_()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: the change, then the new selection."""
        return {
            "summary": self.summary(),
            "dropped": list(self.dropped),
            "kept": list(self.kept),
            "lost": list(self.lost),
            "added": list(self.added),
            **self.selection.to_dict(),
        }
