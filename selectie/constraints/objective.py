"""A scenario's objective bound to a pool, and its value on a selection."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..scenario import ObjectiveKind


@dataclass(frozen=True)
class ValueCell:
    """One (attribute, value) an objective counts: its cases, availability and target.

    >>> cell = ValueCell("regio", "Limburg", members=(0, 13), target=1)
    >>> cell.label, cell.available
    ('regio=Limburg', 2)
    """

    attribute: str
    code: str
    members: tuple[int, ...]
    target: int | None = None

    @property
    def available(self) -> int:
        """How many cases in the pool hold the value."""
        return len(self.members)

    @property
    def label(self) -> str:
        return f"{self.attribute}={self.code}"


@dataclass(frozen=True)
class ObjectiveValue:
    """An objective evaluated on a selection: the main number, its parts, and a sentence.

    >>> from selectie import load_pool, load_scenario, compile_scenario
    >>> from selectie._resources import example_file
    >>> spread = load_scenario(example_file("bijlage4-spread.toml"))
    >>> value = compile_scenario(load_pool(), spread).objective.evaluate([])
    >>> value.kind, value.parts["total"]
    ('max_overlap', 0)
    """

    kind: str
    value: float
    parts: Mapping[str, float]
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The value as JSON-ready data.

        >>> ObjectiveValue("max_weight", 2.5, {"weight": 2.5}, "total weight 2.5").to_dict()
        {'kind': 'max_weight', 'value': 2.5, 'parts': {'weight': 2.5}, 'text': 'total weight 2.5'}
        """
        return {
            "kind": self.kind,
            "value": self.value,
            "parts": dict(self.parts),
            "text": self.text,
        }


@dataclass(frozen=True)
class CompiledObjective:
    """The scenario's objective bound to the pool.

    >>> from selectie import load_pool, Scenario, compile_scenario
    >>> s = Scenario(size=2).with_objective("max_overlap")
    >>> objective = compile_scenario(load_pool(), s).objective
    >>> objective.kind, objective.size
    ('max_overlap', 2)
    """

    kind: ObjectiveKind
    cells: tuple[ValueCell, ...] = ()
    uncoverable: tuple[str, ...] = ()
    weights: tuple[float, ...] | None = None
    size: int = 0

    @property
    def max_depth(self) -> int:
        """max_overlap: the largest depth worth asking for (no value is held more often)."""
        if not self.cells:
            return 0
        return min(self.size, max(c.available for c in self.cells))

    def depth(self, counts: Sequence[int]) -> int:
        """max_overlap: the largest t with every value counted at least min(t, available).

        >>> from selectie import load_pool, Scenario, compile_scenario
        >>> s = Scenario(size=2, objective={"kind": "max_overlap"})
        >>> objective = compile_scenario(load_pool(), s).objective
        >>> objective.depth([3, 2, 5] + [9] * (len(objective.cells) - 3))  # the least count wins
        2
        """
        best = self.max_depth
        for cell, c in zip(self.cells, counts, strict=True):
            if c < cell.available:
                best = min(best, c)
        return best

    def _overlap_text(self, counts: Sequence[int]) -> str:
        """max_overlap in words: how deep every value is held, or how many values no selected
        case holds (never "at least 0").
        """
        from ..i18n import ngettext

        depth, total = self.depth(counts), sum(counts)
        pairs = ngettext("{n} (case, value) pair in all", "{n} (case, value) pairs in all", total)
        pairs = pairs.format(n=total)
        if depth == 0:
            missing = sum(
                1
                for cell, c in zip(self.cells, counts, strict=True)
                if c == 0 and cell.available > 0
            )
            return (
                ngettext(
                    "{n} value is held by no selected case",
                    "{n} values are held by no selected case",
                    missing,
                ).format(n=missing)
                + "; "
                + pairs
            )
        held = ngettext(
            "every value held by at least {n} selected case, or by as many as the pool has",
            "every value held by at least {n} selected cases, or by as many as the pool has",
            depth,
        ).format(n=depth)
        return held + "; " + pairs

    def evaluate(self, selected: Iterable[int]) -> ObjectiveValue:
        """The objective's value for a selection, computed in plain Python.

        >>> from selectie import load_pool, Scenario, compile_scenario
        >>> pool = load_pool()
        >>> weights = {"R01": 2.5, "R02": 1}
        >>> s = Scenario(size=1, objective={"kind": "max_weight", "weights": weights})
        >>> compile_scenario(pool, s).objective.evaluate([pool.position("R01")]).value
        2.5
        """
        from ..i18n import _

        chosen = set(selected)
        counts = [len(chosen.intersection(c.members)) for c in self.cells]
        if self.kind == "max_overlap":
            depth, total = self.depth(counts), sum(counts)
            return ObjectiveValue(
                self.kind, depth, {"depth": depth, "total": total}, self._overlap_text(counts)
            )
        if self.kind == "match_target":
            dev = sum(
                abs(c - (cell.target or 0)) for c, cell in zip(counts, self.cells, strict=True)
            )
            return ObjectiveValue(
                self.kind,
                dev,
                {"deviation": dev},
                _("the target is met exactly")
                if dev == 0
                else _("{n} case-counts away from the target in total").format(n=dev),
            )
        if self.kind == "max_weight":
            assert self.weights is not None
            w = math.fsum(self.weights[i] for i in chosen)
            return ObjectiveValue(
                self.kind, w, {"weight": w}, _("total weight {w}").format(w=f"{w:g}")
            )
        return ObjectiveValue(
            self.kind, 0.0, {}, _("any selection that satisfies every constraint")
        )
