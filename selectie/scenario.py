"""Scenarios: what a selection must satisfy, and what makes one selection better than another.

A scenario is a value: an immutable pydantic model, stored as TOML. Re-running with changed
constraints means editing the file or ``scenario.model_copy(update=...)`` (or the helpers
:meth:`Scenario.with_quota` and friends). It knows nothing of solvers.

>>> s = Scenario(size=3, quotas=[Quota(attribute="regio", min=1, values=["Limburg"])])
>>> s.size
3
>>> print(s.to_toml().strip().splitlines()[0])
size = 3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from ._toml import read_toml, validation_problems
from .errors import ScenarioError
from .i18n import _

if TYPE_CHECKING:
    from .pool import Pool

__all__ = [
    "BUNDLED_SCENARIOS",
    "Bridges",
    "Citation",
    "Combination",
    "Coverage",
    "GroupLimit",
    "Objective",
    "ObjectiveKind",
    "Preference",
    "Quota",
    "Scenario",
    "bundled_scenario_file",
    "load_scenario",
    "starting_scenario",
]

NonNegative = Annotated[StrictInt, Field(ge=0)]
Positive = Annotated[StrictInt, Field(ge=1)]
ValueSpec = str | tuple[str, ...]


class Citation(BaseModel):
    """The sentence a part of a scenario rests on, quoted verbatim, and where it stands.

    ``choice`` says what the scenario had to decide where the source is silent (a number, a
    reading); empty when the quote states the constraint as written.

    >>> c = Citation(quote="We hebben ... geselecteerd.", where="Bijlage 4, Regio")
    >>> c.where, c.choice
    ('Bijlage 4, Regio', '')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    quote: str = Field(min_length=1, description="The sentence(s), verbatim from the source.")
    where: str = Field(default="", description="Where the quote stands, e.g. 'Bijlage 4, Regio'.")
    choice: str = Field(
        default="",
        description="What the scenario chose where the source is silent (it is not the "
        "source's), e.g. 'overlap 2: the report gives no number'.",
    )


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    note: str = Field(
        default="",
        description="Free text shown beside the constraint in audits, e.g. the sentence it "
        "rests on.",
    )
    cite: Citation | None = Field(
        default=None, description="The sentence this part rests on, verbatim, and where."
    )


def _check_bounds(lo: int | None, hi: int | None) -> None:
    if lo is None and hi is None:
        raise ValueError(_("give min, max or both"))
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(_("min ({lo}) is larger than max ({hi})").format(lo=lo, hi=hi))


class Quota(_Part):
    """At least ``min`` and/or at most ``max`` selected cases holding each value.

    Without ``values`` the bounds apply to every value of the attribute; with ``values``, to
    each listed value separately. On a multi-valued attribute a case counts for every value it
    holds; a case whose value is unknown counts for none.

    >>> Quota(attribute="regio", min=1).values is None  # every value at least once
    True
    >>> Quota(attribute="regio", min=3, max=2)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Quota
    ...
    """

    attribute: str = Field(description="The attribute (codebook name).")
    values: tuple[str, ...] | None = Field(
        default=None, description="The values bounded (default: every value)."
    )
    min: NonNegative | None = Field(default=None, description="Least number per value.")
    max: NonNegative | None = Field(default=None, description="Largest number per value.")

    @model_validator(mode="after")
    def _bounds(self) -> Quota:
        _check_bounds(self.min, self.max)
        if self.values is not None and not self.values:
            raise ValueError(_("values is empty; leave it out to mean every value"))
        return self


class Coverage(_Part):
    """Every value of each listed attribute is held by at least ``overlap`` selected cases.

    The report's "alle theoretische selectiecriteria afdekken ... overlap zodat we de projecten
    onderling kunnen vergelijken" is coverage with overlap 2.

    >>> Coverage(attributes=["theorie"], overlap=2).overlap
    2
    """

    attributes: tuple[str, ...] = Field(min_length=1, description="Attributes to cover.")
    overlap: Positive = Field(default=1, description="How many cases per value, at least.")
    values: dict[str, tuple[str, ...]] | None = Field(
        default=None,
        description="Optionally, per attribute, only these values need covering.",
    )


class Combination(_Part):
    """Cases matching every condition in ``where``: at least ``min`` / at most ``max``.

    A condition is an attribute and a value, or a list of values meaning "any of these".

    >>> where = {"cluster": "risicolocaties", "geografisch_niveau": ["regio", "landelijk"]}
    >>> c = Combination(where=where, min=1)
    >>> c.where["geografisch_niveau"]
    ('regio', 'landelijk')
    """

    where: dict[str, ValueSpec] = Field(min_length=1, description="attribute -> value(s).")
    min: NonNegative | None = None
    max: NonNegative | None = None
    name: str | None = Field(default=None, description="A short name for reports.")

    @model_validator(mode="after")
    def _bounds(self) -> Combination:
        _check_bounds(self.min, self.max)
        return self


class GroupLimit(_Part):
    """At most ``max`` selected cases from the same group.

    Groups are formed by the values of ``by``: attributes or extra columns of the pool (e.g. an
    organisation column, or address columns for "one per household"). Cases whose group value
    is unknown or empty belong to no group.

    >>> GroupLimit(by=["regio"], max=2).by
    ('regio',)
    """

    by: tuple[str, ...] = Field(min_length=1, description="Attributes or extra columns.")
    max: Positive = Field(description="Largest number of cases per group.")


class Bridges(_Part):
    """Every selected case of the given kinds has at least ``min`` bridges.

    A bridge of case *a* is an unselected case *b* that shares a ``via`` value with *a* (a
    theme) and lies in another ``across`` group (another region). The report chose district and
    regional projects "waarbij we bruggen kunnen slaan naar andere projecten in het land die
    hetzelfde thema bestrijken".

    >>> b = Bridges(kinds={"geografisch_niveau": ["district", "regio"]})
    >>> b.min, b.via, b.across
    (1, 'thema', 'regio')
    """

    min: Positive = Field(default=1, description="Least number of bridges per case.")
    via: str = Field(default="thema", description="The attribute cases must share.")
    across: str = Field(default="regio", description="The attribute that must differ.")
    kinds: dict[str, ValueSpec] = Field(
        default_factory=dict,
        description="Which selected cases need bridges (attribute -> value(s)); empty: all.",
    )


class Preference(_Part):
    """Among equally good selections, prefer those with more cases holding ``values``.

    Preferences come after the objective and before the last tie-break (pool order): the
    first preference counts most. A case whose value is unknown is not preferred.

    >>> Preference(attribute="source", values=["rapport", "openbaar"]).values
    ('rapport', 'openbaar')
    """

    attribute: str = Field(description="The attribute (codebook name).")
    values: tuple[str, ...] = Field(min_length=1, description="The preferred values.")


ObjectiveKind = Literal["feasibility", "max_overlap", "match_target", "max_weight"]


class Objective(_Part):
    """What makes one valid selection better than another.

    - ``feasibility``: any selection that satisfies the constraints;
    - ``max_overlap``: first raise the least-covered value of ``attributes`` (every value held by
      at least *t* selected cases, or by as many as the pool has, for the largest *t*), then the
      total number of (case, value) pairs;
    - ``match_target``: minimise the total absolute deviation from ``target`` counts (zero when
      the target can be met exactly);
    - ``max_weight``: maximise the sum of per-case ``weights`` (or the numbers in
      ``weight_column``).

    Ties between equally good selections are broken first by the scenario's ``prefer``
    list, then by preferring cases that come earlier in the pool (see docs/method.md).

    >>> Objective(kind="max_overlap", attributes=["focus", "type"]).kind
    'max_overlap'
    >>> Objective(kind="match_target")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Objective
    ...
    """

    kind: ObjectiveKind = "feasibility"
    attributes: tuple[str, ...] | None = Field(
        default=None,
        description="max_overlap: the attributes whose values to spread over "
        "(default: the coverage attributes, else the codebook's table attributes).",
    )
    target: dict[str, dict[str, NonNegative]] = Field(
        default_factory=dict, description="match_target: attribute -> value -> count."
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="max_weight: case id -> weight (others weigh 0)."
    )
    weight_column: str | None = Field(
        default=None, description="max_weight: an extra column holding each case's weight."
    )

    @model_validator(mode="after")
    def _needs(self) -> Objective:
        if self.kind == "match_target" and not self.target:
            raise ValueError(_("objective 'match_target' needs a target"))
        if self.kind == "max_weight" and not self.weights and self.weight_column is None:
            raise ValueError(_("objective 'max_weight' needs weights or a weight_column"))
        if self.kind != "match_target" and self.target:
            raise ValueError(
                _("target is only used by objective 'match_target', not {kind}").format(
                    kind=repr(self.kind)
                )
            )
        if self.kind != "max_weight" and (self.weights or self.weight_column):
            raise ValueError(
                _("weights are only used by objective 'max_weight', not {kind}").format(
                    kind=repr(self.kind)
                )
            )
        return self


class Scenario(BaseModel):
    """A declarative selection problem: how many cases, which constraints, which objective.

    >>> s = Scenario(size=4, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
    >>> s.size, s.objective.kind
    (4, 'feasibility')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="", description="A short title.")
    description: str = Field(default="", description="What the scenario encodes, and why.")
    size: Positive = Field(description="How many cases to select.")
    include: tuple[str, ...] = Field(default=(), description="Case ids that must be selected.")
    exclude: tuple[str, ...] = Field(default=(), description="Case ids that may not be selected.")
    quotas: tuple[Quota, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    combinations: tuple[Combination, ...] = ()
    group_limits: tuple[GroupLimit, ...] = ()
    bridges: tuple[Bridges, ...] = ()
    objective: Objective = Field(default_factory=Objective)
    prefer: tuple[Preference, ...] = Field(
        default=(),
        description="Among selections equally good on the objective, prefer more cases "
        "holding these values (first preference first); remaining ties go by pool order.",
    )
    size_cite: Citation | None = Field(
        default=None, description="The sentence the size rests on, verbatim, and where."
    )

    @model_validator(mode="after")
    def _include_exclude(self) -> Scenario:
        inc = {" ".join(i.split()).casefold(): i for i in self.include}
        both = [inc[key] for i in self.exclude if (key := " ".join(i.split()).casefold()) in inc]
        if both:
            raise ValueError(
                _(
                    "{ids} is both included and excluded; remove it from one of the two lists"
                ).format(ids=", ".join(repr(b) for b in both))
            )
        if len(inc) > self.size:
            raise ValueError(
                _("{n} cases are included but size is {size}").format(n=len(inc), size=self.size)
            )
        return self

    # -- changing a scenario (returns a new one) -------------------------------------------

    def with_size(self, size: int) -> Scenario:
        """A copy with another size.

        >>> Scenario(size=4).with_size(6).size
        6
        """
        return _revalidate(self, size=size)

    def with_quota(self, quota: Quota) -> Scenario:
        """A copy with one more quota.

        >>> s = Scenario(size=4).with_quota(Quota(attribute="regio", min=1))
        >>> [q.attribute for q in s.quotas]
        ['regio']
        """
        return _revalidate(self, quotas=(*self.quotas, quota))

    def with_include(self, *ids: str) -> Scenario:
        """A copy that also forces these cases in.

        >>> Scenario(size=4, include=["R01"]).with_include("R02", "R01").include
        ('R01', 'R02')
        """
        return _revalidate(self, include=tuple(dict.fromkeys((*self.include, *ids))))

    def with_exclude(self, *ids: str) -> Scenario:
        """A copy that also keeps these cases out.

        >>> Scenario(size=4).with_exclude("S010").exclude
        ('S010',)
        """
        return _revalidate(self, exclude=tuple(dict.fromkeys((*self.exclude, *ids))))

    def with_overlap(self, overlap: int, attributes: Sequence[str] | None = None) -> Scenario:
        """A copy with a stricter or looser overlap.

        Without ``attributes``, every coverage of the scenario requires ``overlap``. With
        ``attributes``, only those attributes change: they are covered ``overlap`` times (taken
        out of the coverage they were in, with any value restriction kept, or added if they were
        not covered); every other coverage keeps its own overlap.

        >>> s = Scenario(size=13, coverage=[Coverage(attributes=["theorie", "crime_script"])])
        >>> [(c.attributes, c.overlap) for c in s.with_overlap(2).coverage]
        [(('theorie', 'crime_script'), 2)]
        >>> [(c.attributes, c.overlap) for c in s.with_overlap(3, ["theorie", "type"]).coverage]
        [(('crime_script',), 1), (('theorie', 'type'), 3)]
        """
        if not attributes:
            cov = [c.model_copy(update={"overlap": overlap}) for c in self.coverage]
            return _revalidate(self, coverage=tuple(cov))
        wanted = tuple(dict.fromkeys(attributes))
        kept: list[Coverage] = []
        restricted: dict[str, tuple[str, ...]] = {}
        for c in self.coverage:
            values = dict(c.values or {})
            for a in wanted:
                if a in c.attributes and a in values:
                    restricted[a] = values.pop(a)
            rest = tuple(a for a in c.attributes if a not in wanted)
            if rest:
                kept.append(c.model_copy(update={"attributes": rest, "values": values or None}))
        added = Coverage(attributes=wanted, overlap=overlap, values=restricted or None)
        return _revalidate(self, coverage=(*kept, added))

    def with_objective(self, objective: Objective | str) -> Scenario:
        """A copy with another objective (an :class:`Objective` or just its kind).

        >>> Scenario(size=4).with_objective("max_overlap").objective.kind
        'max_overlap'
        """
        if isinstance(objective, str):
            objective = Objective.model_validate({"kind": objective})
        return _revalidate(self, objective=objective)

    # -- TOML --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain data, leaving out defaults (what the TOML file holds).

        >>> Scenario(size=4, exclude=["S010"]).to_dict()
        {'size': 4, 'exclude': ['S010']}
        """
        data: dict[str, Any] = _note_last(self.model_dump(mode="json", exclude_defaults=True))
        return data

    def to_toml(self) -> str:
        """The scenario as TOML text that :func:`load_scenario` reads back to an equal value.

        >>> import tomllib
        >>> s = Scenario(size=4, quotas=[Quota(attribute="regio", min=1)])
        >>> s.to_toml().splitlines()[0]
        'size = 4'
        >>> scenario_from_dict(tomllib.loads(s.to_toml())) == s
        True
        """
        import tomli_w

        data = self.to_dict()
        data.setdefault("size", self.size)
        ordered = {"size": data.pop("size")}
        for key in ("name", "description", "include", "exclude"):
            if key in data:
                ordered[key] = data.pop(key)
        ordered.update(data)
        return tomli_w.dumps(ordered)


def _note_last(data: Any) -> Any:
    """Put each table's ``note`` after its other keys, so TOML reads constraint first."""
    if isinstance(data, dict):
        out = {k: _note_last(v) for k, v in data.items() if k != "note"}
        if "note" in data:
            out["note"] = data["note"]
        return out
    if isinstance(data, list):
        return [_note_last(x) for x in data]
    return data


def _revalidate(scenario: Scenario, **update: Any) -> Scenario:
    data = scenario.model_dump()
    data.update({k: _dump(v) for k, v in update.items()})
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            _("the changed scenario is not valid"), validation_problems(exc, None)
        ) from None


def _dump(v: Any) -> Any:
    if isinstance(v, BaseModel):
        return v.model_dump()
    if isinstance(v, tuple | list):
        return [_dump(x) for x in v]
    return v


#: Scenarios shipped with selectie, loadable by name: ``load_scenario("bijlage4-exact")``,
#: ``selectie select --scenario bijlage4-exact``.
BUNDLED_SCENARIOS = ("bijlage4", "bijlage4-exact", "bijlage4-spread")


def bundled_scenario_file(name: str | Path) -> Path | None:
    """The file of the bundled scenario ``name`` (``bijlage4`` or ``bijlage4.toml``), or None
    when ``name`` is not a bare bundled name.

    >>> bundled_scenario_file("bijlage4-exact").name
    'bijlage4-exact.toml'
    >>> bundled_scenario_file("examples/bijlage4.toml") is None  # a path, not a name
    True
    """
    from ._resources import example_file

    path = Path(name)
    stem = path.name.removesuffix(".toml")
    if path.parent != Path(".") or stem not in BUNDLED_SCENARIOS:
        return None
    return example_file(f"{stem}.toml")


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read a scenario TOML file, or a bundled scenario by name (:data:`BUNDLED_SCENARIOS`)
    when no such file exists; without a path, the bundled ``examples/bijlage4.toml``.

    Raises :class:`~selectie.errors.ScenarioError` listing every problem (with its key path).

    >>> s = load_scenario()  # examples/bijlage4.toml: the report's stated criteria
    >>> s.size, s.objective.kind, s.quotas[0].cite.where
    (13, 'feasibility', 'Bijlage 4, Regio')
    >>> load_scenario("bijlage4-exact").objective.kind
    'match_target'
    """
    from ._resources import example_file

    p = Path(path) if path is not None else example_file("bijlage4.toml")
    if not p.exists():
        p = bundled_scenario_file(p) or p
    data = read_toml(p, "scenario", ScenarioError)
    return scenario_from_dict(data, file=str(p))


def scenario_from_dict(data: Mapping[str, Any], *, file: str | None = None) -> Scenario:
    """Validate parsed TOML data as a scenario.

    >>> scenario_from_dict({"size": 2, "quotas": [{"attribute": "regio", "min": 1}]}).size
    2
    """
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(
            _("scenario {file} is not valid").format(file=file)
            if file
            else _("scenario is not valid"),
            validation_problems(exc, file),
            hint=_("See docs/reference.md#scenario for every key."),
        ) from None


def _q(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def starting_scenario(pool: Pool, size: int, *, source: str | None = None) -> str:
    """A commented scenario TOML for ``pool``: valid as written (size and objective only),
    with every other kind of constraint shown as a commented example that uses the pool's own
    attributes and values (what ``selectie scenario init`` writes).

    >>> from selectie import load_pool
    >>> text = starting_scenario(load_pool(), 13)
    >>> scenario_from_dict(__import__("tomllib").loads(text)).objective.kind
    'max_overlap'
    """
    cb = pool.codebook
    shown = list(cb.table_attributes)
    single = [a for a in shown if not cb.attribute(a).multi]
    multi = [a for a in shown if cb.attribute(a).multi]
    first = single[0] if single else shown[0]
    attr = cb.attribute(first)
    counts = pool.value_counts(first)
    common = max(attr.codes, key=lambda c: (counts[c], -attr.codes.index(c)))
    other = multi[0] if multi else (single[1] if len(single) > 1 else first)
    oattr = cb.attribute(other)
    ocode = oattr.codes[0]
    where = source or _("the bundled pool")

    def comment(text: str) -> list[str]:
        return [f"# {line}" for line in text.splitlines()]

    lines = [
        *comment(
            _(
                "A starting scenario for {where} ({n} cases, codebook {codebook}).\n"
                "It is valid as written; uncomment and edit the examples below. Every key is\n"
                "documented in docs/reference.md. Check it with:  selectie validate --scenario "
                "FILE"
            ).format(where=where, n=len(pool), codebook=repr(cb.name))
        ),
        "",
        "name = " + _q(_("My selection")),
        "description = " + _q(_("Why these constraints: cite the sentence each one rests on.")),
        f"size = {size}",
        "# include = []   # " + _("case ids that must be selected"),
        "# exclude = []   # " + _("case ids that may not be selected"),
        "",
        "# "
        + _("Counts per value of {attribute} in the pool: {counts}").format(
            attribute=repr(first), counts=", ".join(f"{c} {counts[c]}" for c in attr.codes)
        ),
        "# " + _("At least one selected case for each value:"),
        "# [[quotas]]",
        f"# attribute = {_q(first)}",
        "# min = 1",
        "",
        "# " + _("At most half of the selection with value {value}:").format(value=repr(common)),
        "# [[quotas]]",
        f"# attribute = {_q(first)}",
        f"# values = [{_q(common)}]",
        f"# max = {max(1, size // 2)}",
        "",
        "# " + _("Every value of these attributes held by at least `overlap` selected cases:"),
        "# [[coverage]]",
        f"# attributes = [{', '.join(_q(a) for a in shown[:3])}]",
        "# overlap = 1",
        "",
        "# " + _("Cases that match every condition: at least `min`, at most `max`:"),
        "# [[combinations]]",
        f"# where = {{ {_q(first)} = {_q(common)}, {_q(other)} = {_q(ocode)} }}",
        "# min = 1",
        "",
        "# "
        + _("At most `max` selected cases per group of equal values (e.g. one per household):"),
        "# [[group_limits]]",
        f"# by = [{_q(first)}]",
        f"# max = {max(1, size // 3)}",
        "",
        *comment(
            _(
                "Among valid selections, spread the selection over the values of these "
                "attributes\n(see docs/reference.md for match_target and max_weight):"
            )
        ),
        "[objective]",
        'kind = "max_overlap"',
        f"attributes = [{', '.join(_q(a) for a in shown)}]",
        "",
    ]
    return "\n".join(lines)
