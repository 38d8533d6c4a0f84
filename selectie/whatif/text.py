"""Small text helpers the what-if results share."""

from __future__ import annotations

from ..constraints import ObjectiveValue


def objective_text(obj: ObjectiveValue | None) -> str:
    """An objective value as ``depth 1, total 65`` (empty when there is none)."""
    if obj is None or not obj.parts:
        return ""
    return ", ".join(f"{k} {v:g}" for k, v in obj.parts.items())
