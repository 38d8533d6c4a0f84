"""Small text helpers the what-if results share."""

from __future__ import annotations

from ..constraints import ObjectiveValue
from ..i18n import N_, _, number

#: The names of the objective's stages, as shown (translated where shown).
PARTS = {
    "depth": N_("depth"),
    "total": N_("total"),
    "deviation": N_("deviation"),
    "weight": N_("weight"),
}


def part_name(name: str) -> str:
    """An objective stage's name in the language in use (``depth``: ``diepte``)."""
    return _(PARTS[name]) if name in PARTS else name


def objective_text(obj: ObjectiveValue | None) -> str:
    """An objective value as ``depth 1, total 65`` (empty when there is none), in the
    language in use.
    """
    if obj is None or not obj.parts:
        return ""
    return ", ".join(f"{part_name(k)} {number(v, None)}" for k, v in obj.parts.items())


def status_text(status: str, message: str = "") -> str:
    """``status: infeasible; <message>``, in the language in use."""
    from ..export import status_word

    text = _("status: {status}").format(status=status_word(status))
    return text + (f"; {message}" if message else "")
