"""The constraints of a compiled scenario: their kinds, their self-check and its outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ..i18n import chosen_language, language
from ..pool import Pool
from ..scenario import Scenario
from .objective import CompiledObjective


class Kind(StrEnum):
    """The kind of a :class:`Constraint` (a string enum: ``Kind.QUOTA == "quota"``).

    >>> Kind("bridges") is Kind.BRIDGES, [k.value for k in Kind][:3]
    (True, ['size', 'quota', 'coverage'])
    """

    #: The number of cases selected.
    SIZE = "size"
    #: At least / at most so many cases with given values of one attribute.
    QUOTA = "quota"
    #: Every value of an attribute held by at least so many cases (overlap).
    COVERAGE = "coverage"
    #: A combination of values of several attributes.
    COMBINATION = "combination"
    #: A case that must be selected.
    INCLUDE = "include"
    #: A case that may not be selected.
    EXCLUDE = "exclude"
    #: At most so many cases from one group (same values of given columns).
    GROUP = "group"
    #: If a case is selected, at least so many of its linked cases stay unselected.
    BRIDGES = "bridges"

    @property
    def names_a_case(self) -> bool:
        """True for kinds about one named case (include, exclude, bridges)."""
        return self in (Kind.INCLUDE, Kind.EXCLUDE, Kind.BRIDGES)


class Check:
    """The outcome of one constraint on one selection; ``kind`` is its constraint's :class:`Kind`.

    ``required`` (the bound in words, e.g. ``at least 1``) is made only when it is read: a
    re-check of a solver's answer builds hundreds of checks whose words are never shown. A
    check made by :meth:`Constraint.check` words its bound in the language in use when it was
    made (when one was set; otherwise in the environment's, as any message).

    >>> c = Check(name="regio=Limburg", kind=Kind.QUOTA, origin="quotas[0]",
    ...           required="at least 1", achieved=0, satisfied=False, shortfall=1)
    >>> c.sentence()
    'regio=Limburg: 0 selected, at least 1 required (short by 1)'
    >>> c == Check("regio=Limburg", Kind.QUOTA, "quotas[0]", "at least 1", 0, False, 1), c.required
    (True, 'at least 1')
    """

    __slots__ = (
        "_language",
        "_of",
        "_required",
        "achieved",
        "kind",
        "name",
        "note",
        "origin",
        "satisfied",
        "shortfall",
    )

    name: str
    kind: Kind
    origin: str
    achieved: int
    satisfied: bool
    shortfall: int
    note: str
    _required: str | None
    _of: Constraint | None
    _language: str | None

    def __init__(
        self,
        name: str,
        kind: Kind,
        origin: str,
        required: str | None,
        achieved: int,
        satisfied: bool,
        shortfall: int,
        note: str = "",
        *,
        of: Constraint | None = None,
    ) -> None:
        if required is None and of is None:
            msg = "a check needs its required text or the constraint it words"
            raise ValueError(msg)
        put = object.__setattr__
        put(self, "name", name)
        put(self, "kind", kind)
        put(self, "origin", origin)
        put(self, "achieved", achieved)
        put(self, "satisfied", satisfied)
        put(self, "shortfall", shortfall)
        put(self, "note", note)
        put(self, "_required", required)
        put(self, "_of", of)
        put(self, "_language", chosen_language() if required is None else None)

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"cannot assign to field {name!r} of a Check"
        raise AttributeError(msg)

    @property
    def required(self) -> str:
        """The bound in words (made on first use, then kept)."""
        text: str | None = self._required
        if text is None:
            assert self._of is not None
            with language(self._language):
                text = self._of.required
            object.__setattr__(self, "_required", text)
        return text

    def _key(self) -> tuple[object, ...]:
        return (
            self.name,
            self.kind,
            self.origin,
            self.required,
            self.achieved,
            self.satisfied,
            self.shortfall,
            self.note,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Check):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Check], tuple[object, ...]]:
        # copies and pickles carry the words, not the constraint
        return (Check, self._key())

    def __repr__(self) -> str:
        return (
            f"Check(name={self.name!r}, kind={self.kind!r}, origin={self.origin!r}, "
            f"required={self.required!r}, achieved={self.achieved!r}, "
            f"satisfied={self.satisfied!r}, shortfall={self.shortfall!r}, note={self.note!r})"
        )

    def sentence(self) -> str:
        """Plain words, e.g. ``regio=Limburg: 0 selected, at least 1 required``.

        >>> Check("size", Kind.SIZE, "size", "exactly 2", 2, True, 0).sentence()
        'size: 2 selected, exactly 2 required (ok)'
        """
        from ..i18n import _

        state = _("ok") if self.satisfied else _("short by {n}").format(n=self.shortfall)
        return _("{name}: {achieved} selected, {required} required ({state})").format(
            name=self.name, achieved=self.achieved, required=self.required, state=state
        )


@dataclass(frozen=True, eq=False)
class Constraint:
    """A named bound on how many selected cases lie in ``members``.

    ``kind`` is a :class:`Kind` (size, quota, coverage, combination, include, exclude, group,
    bridges);
    ``origin`` points into the scenario (e.g. ``quotas[2]``). For kind ``bridges``, ``case`` is
    the case whose bridges are counted: the constraint counts *unselected* members and holds
    when ``case`` is not selected or at least ``lo`` of its bridges stay unselected.
    ``predicate`` recomputes membership from the pool's values, independently of ``members``.

    >>> from selectie import load_pool, Scenario, Quota, compile_scenario
    >>> pool = load_pool()
    >>> s = Scenario(size=2, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
    >>> limburg = compile_scenario(pool, s).constraints[1]
    >>> limburg.name, limburg.kind, limburg.origin, limburg.required
    ('regio=Limburg', <Kind.QUOTA: 'quota'>, 'quotas[0]', 'at least 1')
    """

    name: str
    kind: Kind
    origin: str
    members: tuple[int, ...]
    lo: int | None
    hi: int | None
    predicate: Callable[[int], bool] = field(repr=False)
    note: str = ""
    case: int | None = None

    @property
    def required(self) -> str:
        """The bound as text: ``≥ 1``, ``≤ 2``, ``= 13`` or ``1 to 3``."""
        from ..i18n import _, ngettext

        lo, hi = self.lo, self.hi
        if self.kind is Kind.BRIDGES:
            n = lo or 0
            return ngettext(
                "at least {n} bridge if selected", "at least {n} bridges if selected", n
            ).format(n=n)
        if lo is not None and hi is not None:
            if lo == hi:
                return _("exactly {n}").format(n=lo)
            return _("{lo} to {hi}").format(lo=lo, hi=hi)
        if lo is not None:
            return _("at least {n}").format(n=lo)
        return _("at most {n}").format(n=hi)

    def count(self, selected: Iterable[int]) -> int:
        """How many selected cases this constraint counts (re-derived from the pool).

        >>> from selectie import load_pool, Scenario, Quota, compile_scenario
        >>> pool = load_pool()
        >>> s = Scenario(size=2, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
        >>> limburg = compile_scenario(pool, s).constraints[1]
        >>> limburg.count([pool.position("R01"), pool.position("R02")])  # R01 is in Limburg
        1
        """
        chosen = set(selected)
        if self.kind is Kind.BRIDGES:
            return sum(1 for j in self.members if j not in chosen and self.predicate(j))
        return sum(1 for i in chosen if self.predicate(i))

    def check(self, selected: Iterable[int]) -> Check:
        """Evaluate the constraint on a selection (positions in the pool).

        >>> from selectie import load_pool, Scenario, Quota, compile_scenario
        >>> pool = load_pool()
        >>> s = Scenario(size=2, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
        >>> limburg = compile_scenario(pool, s).constraints[1]
        >>> limburg.check([pool.position("R02"), pool.position("R03")]).sentence()
        'regio=Limburg: 0 selected, at least 1 required (short by 1)'
        """
        chosen = set(selected)
        achieved = self.count(chosen)
        if self.kind is Kind.BRIDGES:
            active = self.case in chosen
            short = max(0, (self.lo or 0) - achieved) if active else 0
        else:
            short = 0
            if self.lo is not None and achieved < self.lo:
                short = self.lo - achieved
            if self.hi is not None and achieved > self.hi:
                short = achieved - self.hi
        return Check(
            name=self.name,
            kind=self.kind,
            origin=self.origin,
            required=None,
            achieved=achieved,
            satisfied=short == 0,
            shortfall=short,
            note=self.note,
            of=self,
        )


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario bound to a pool: its constraints, objective and the facts the solver needs.

    >>> from selectie import load_pool, Scenario, Quota, compile_scenario
    >>> s = Scenario(size=2, quotas=[Quota(attribute="innovatie", min=1)])
    >>> compiled = compile_scenario(load_pool(), s)
    >>> [c.name for c in compiled.constraints]
    ['size', 'innovatie=innovatief', 'innovatie=voortbouwend']
    """

    pool: Pool
    scenario: Scenario
    constraints: tuple[Constraint, ...]
    objective: CompiledObjective
    key_attributes: tuple[str, ...]
    key_columns: tuple[str, ...]
    special: frozenset[int]
    include: tuple[int, ...]
    exclude: tuple[int, ...]
    #: Per case, its weight in the last tie-break (smaller is preferred): the pool position
    #: plus 1, raised by the scenario's ``prefer`` list (see :func:`_preference_ranks`).
    rank: tuple[float, ...] = ()

    def check(self, selected: Iterable[int]) -> list[Check]:
        """Every constraint evaluated on a selection, in scenario order.

        >>> from selectie import load_pool, Scenario, Quota, compile_scenario
        >>> pool = load_pool()
        >>> s = Scenario(size=2, quotas=[Quota(attribute="innovatie", min=1)])
        >>> checks = compile_scenario(pool, s).check([0, 1])  # R01 innovatief, R02 voortbouwend
        >>> [c.satisfied for c in checks]
        [True, True, True]
        """
        chosen = set(selected)
        return [c.check(chosen) for c in self.constraints]
