"""Codebooks: which attributes a pool has and which values each may take.

A codebook is data (a TOML file), so a user can bring a pool with other criteria. The WODC
codebook ships with selectie and describes the bundled pool of 126 projects.

>>> cb = load_codebook()
>>> cb.attribute("regio").parse_token("  limburg ")
'Limburg'
>>> cb.attribute("theorie").multi
True
>>> cb.attribute("focus").parse_token("beide")
'preventie en repressie'
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from ._resources import data_file
from ._toml import read_toml, validation_problems
from .errors import CodebookError, Problem
from .i18n import _

__all__ = [
    "Attribute",
    "Codebook",
    "Value",
    "closest",
    "load_codebook",
    "normalize",
]

#: Characters that may not separate the values of a multi-valued cell (they delimit CSV cells).
_FORBIDDEN_SEPARATORS = {",", ";", "\t", "\n", "\r", '"'}


def normalize(text: str) -> str:
    """Fold a value for comparison: Unicode NFC, inner whitespace collapsed, case folded.

    >>> normalize("  Preventie   EN repressie ")
    'preventie en repressie'
    """
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def closest(token: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``token`` (case-insensitive), or None if none is close.

    >>> closest("Limbrug", ["Limburg", "Rotterdam"])
    'Limburg'
    """
    by_norm: dict[str, str] = {}
    for c in candidates:
        by_norm.setdefault(normalize(c), c)
    match = difflib.get_close_matches(normalize(token), list(by_norm), n=1, cutoff=0.6)
    return by_norm[match[0]] if match else None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Value(_Frozen):
    """One allowed value of an attribute: its code, an optional label and accepted aliases.

    >>> v = Value(code=" Oost  Nederland ", label="East", aliases=("Oost",))
    >>> v.code, v.aliases
    ('Oost Nederland', ('Oost',))
    """

    code: str = Field(min_length=1, description="The value as written in the pool.")
    label: str | None = Field(
        default=None, description="A readable label, shown in place of the code in tables."
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description='Labels per language, e.g. { nl = "Groot", en = "Large" }.',
    )
    description: str = Field(
        default="",
        description="What the value means (a gloss); documentation only, never shown in place "
        "of the code.",
    )
    aliases: tuple[str, ...] = Field(
        default=(), description="Other spellings accepted on input and stored as the code."
    )

    @field_validator("code")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError(_("a value code may not be blank"))
        return v


class Attribute(_Frozen):
    """A criterion of the pool: a column whose cells hold one (or several) allowed values.

    >>> a = Attribute(name="region", values=["North", {"code": "South", "aliases": ["Zuid"]}])
    >>> a.codes, a.multi, a.parse_token(" zuid ")
    (('North', 'South'), False, 'South')
    """

    name: str = Field(min_length=1, description="Column name in the pool file.")
    label: str | None = Field(default=None, description="Human-readable name.")
    labels: dict[str, str] = Field(
        default_factory=dict, description='Names per language, e.g. { nl = "Regio" }.'
    )
    description: str = ""
    multi: bool = Field(default=False, description="True if a case may hold several values.")
    separator: str | None = Field(
        default=None,
        description="multi: a second separator of this attribute's values inside a cell (e.g. "
        "';' or ',' as spreadsheets write them), beside the codebook's separator.",
    )
    required: bool = Field(default=False, description="True if the value may not be unknown.")
    values: tuple[Value, ...] = Field(min_length=1)

    _lookup: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("values", mode="before")
    @classmethod
    def _values_from_strings(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            return [{"code": x} if isinstance(x, str) else x for x in v]
        return v

    @model_validator(mode="after")
    def _check_values(self) -> Attribute:
        seen: dict[str, str] = {}
        for value in self.values:
            for spelling in (value.code, *value.aliases):
                key = normalize(spelling)
                other = seen.get(key)
                if other is not None and other != value.code:
                    raise ValueError(
                        _(
                            "attribute {name}: {spelling} is given for both {other} and {code}"
                        ).format(
                            name=repr(self.name),
                            spelling=repr(spelling),
                            other=repr(other),
                            code=repr(value.code),
                        )
                    )
                if other == value.code and spelling == value.code:
                    raise ValueError(
                        _("attribute {name}: value {code} is listed twice").format(
                            name=repr(self.name), code=repr(value.code)
                        )
                    )
                seen[key] = value.code
        if self.separator is not None:
            if not self.multi:
                raise ValueError(
                    _("attribute {name}: a separator needs multi = true").format(
                        name=repr(self.name)
                    )
                )
            if not self.separator.strip():
                raise ValueError(
                    _("attribute {name}: the separator may not be blank").format(
                        name=repr(self.name)
                    )
                )
            for value in self.values:
                if self.separator in value.code:
                    raise ValueError(
                        _("attribute {name}: value {code} contains its separator {sep}").format(
                            name=repr(self.name), code=repr(value.code), sep=repr(self.separator)
                        )
                    )
        self._lookup.update(seen)
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        """The value codes, in codebook order."""
        return tuple(v.code for v in self.values)

    @property
    def title(self) -> str:
        """The label, or the name when there is no label."""
        return self.label or self.name

    def label_of(self, code: str) -> str:
        """The label of a value code (the code itself when it has none).

        >>> a = Attribute(name="size", values=[{"code": "S", "label": "small"}, "M"])
        >>> a.label_of("S"), a.label_of("M")
        ('small', 'M')
        """
        for v in self.values:
            if v.code == code:
                return v.label or v.code
        raise KeyError(code)

    def parse_token(self, token: str) -> str | None:
        """The code a written value stands for (any case, spacing or alias), or None.

        >>> a = Attribute(name="region", values=["North", {"code": "South", "aliases": ["Zuid"]}])
        >>> a.parse_token("NORTH"), a.parse_token("zuid"), a.parse_token("West")
        ('North', 'South', None)
        """
        return self._lookup.get(normalize(token))

    def closest(self, token: str) -> str | None:
        """The code most like a misspelt value, or None.

        >>> Attribute(name="region", values=["North", "South"]).closest("Nort")
        'North'
        """
        spellings = {}
        for v in self.values:
            for s in (v.code, *v.aliases):
                spellings[s] = v.code
        match = closest(token, spellings)
        return spellings[match] if match else None

    def require_code(self, token: str) -> str:
        """The code for ``token``, or a :class:`ValueError` naming the allowed values.

        >>> a = Attribute(name="region", values=["North", "South"])
        >>> a.require_code("south")
        'South'
        >>> a.require_code("Suoth")
        Traceback (most recent call last):
        ...
        ValueError: 'Suoth' is not a value of 'region' (allowed: North, South); did you mean ...
        """
        code = self.parse_token(token)
        if code is None:
            raise ValueError(self.unknown_value_message(token))
        return code

    def unknown_value_message(self, token: str) -> str:
        """'x' is not a value of attribute 'a' (allowed: ...); did you mean 'y'?

        >>> Attribute(name="region", values=["North", "South"]).unknown_value_message("West")
        "'West' is not a value of 'region' (allowed: North, South)"
        """
        msg = _("{token} is not a value of {name} (allowed: {allowed})").format(
            token=repr(token), name=repr(self.name), allowed=", ".join(self.codes)
        )
        guess = self.closest(token)
        if guess:
            msg += _("; did you mean {guess}?").format(guess=repr(guess))
        return msg


class Codebook(_Frozen):
    """The attributes of a pool, how cells are written, and which columns a pool file has.

    >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["North", "South"])])
    >>> cb.id_column, cb.unknown, cb.separator, cb.columns
    ('id', 'onbekend', '|', ('id', 'region'))
    """

    name: str = Field(min_length=1, description="A short identifier of the codebook.")
    title: str = ""
    id_column: str = Field(default="id", min_length=1, description="Column with unique case ids.")
    label_column: str | None = Field(
        default=None, description="Column with a case's display name (optional)."
    )
    unknown: str = Field(
        default="onbekend", min_length=1, description="How an unknown value is written."
    )
    separator: str = Field(
        default="|", min_length=1, description="Separates the values of a multi-valued cell."
    )
    label_language: str = Field(
        default="en",
        description="The language of the `label`s; `labels` give them in other languages.",
    )
    extra_columns: tuple[str, ...] = Field(
        default=(), description="Other columns a pool may have; kept, never constrained."
    )
    tables: tuple[str, ...] | None = Field(
        default=None, description="Attributes shown in the distribution tables (default: all)."
    )
    attributes: tuple[Attribute, ...] = Field(min_length=1)

    _by_name: dict[str, Attribute] = PrivateAttr(default_factory=dict)
    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Codebook:
        problems = []
        names: dict[str, str] = {}
        for col in (self.id_column, self.label_column, *self.extra_columns):
            if col is not None:
                if normalize(col) in names:
                    problems.append(_("column {column} is declared twice").format(column=repr(col)))
                names[normalize(col)] = col
        for attr in self.attributes:
            key = normalize(attr.name)
            if key in names:
                problems.append(
                    _("attribute {name} clashes with column {column}").format(
                        name=repr(attr.name), column=repr(names[key])
                    )
                )
            names[key] = attr.name
            self._by_name[attr.name] = attr
            if attr.parse_token(self.unknown) is not None:
                problems.append(
                    _("attribute {name} has a value spelt like the unknown word {unknown}").format(
                        name=repr(attr.name), unknown=repr(self.unknown)
                    )
                )
            if attr.multi:
                for code in attr.codes:
                    if self.separator in code:
                        problems.append(
                            _("value {code} of {name} contains the separator {sep}").format(
                                code=repr(code), name=repr(attr.name), sep=repr(self.separator)
                            )
                        )
        if self.separator in _FORBIDDEN_SEPARATORS or not self.separator.strip():
            problems.append(
                _("separator {sep} would clash with CSV cells; use e.g. '|' or '/'").format(
                    sep=repr(self.separator)
                )
            )
        for t in self.tables or ():
            if t not in self._by_name:
                problems.append(
                    _("tables names {name}, which is not an attribute").format(name=repr(t))
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def __eq__(self, other: object) -> bool:
        # Equal content means equal codebooks, wherever they were read from (the private
        # source path and lookup tables are not part of the value).
        if not isinstance(other, Codebook):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = BaseModel.__hash__

    # -- lookups -----------------------------------------------------------------------------

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """Names of the attributes, in codebook order."""
        return tuple(a.name for a in self.attributes)

    @property
    def table_attributes(self) -> tuple[str, ...]:
        """The attributes the distribution tables show, in order."""
        return self.tables if self.tables is not None else self.attribute_names

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column a pool file may have: id, label, attributes, extra columns."""
        cols = [self.id_column]
        if self.label_column:
            cols.append(self.label_column)
        cols.extend(self.attribute_names)
        cols.extend(self.extra_columns)
        return tuple(cols)

    @property
    def source(self) -> str | None:
        """The file this codebook was read from, if any."""
        return self._source

    def has(self, name: str) -> bool:
        """True if ``name`` is an attribute of this codebook.

        >>> cb = load_codebook()
        >>> cb.has("regio"), cb.has("Regio"), cb.has("region")
        (True, True, False)
        """
        return self._find(name) is not None

    def _find(self, name: str) -> Attribute | None:
        """The attribute called ``name``, matched without regard to case or spacing (as pool
        headers are), or None.
        """
        found = self._by_name.get(name)
        if found is not None:
            return found
        key = normalize(name)
        for attr in self.attributes:
            if normalize(attr.name) == key:
                return attr
        return None

    def attribute(self, name: str) -> Attribute:
        """The attribute called ``name``; a :class:`KeyError` with the closest name otherwise.

        >>> load_codebook().attribute("theorie").multi
        True
        >>> load_codebook().attribute("regoi")
        Traceback (most recent call last):
        ...
        KeyError: "'regoi' is not an attribute of codebook ..."
        """
        found = self._find(name)
        if found is None:
            raise KeyError(self.unknown_attribute_message(name))
        return found

    # -- labels ------------------------------------------------------------------------------

    def _pick(self, labels: Mapping[str, str], label: str | None, lang: str | None) -> str | None:
        from .i18n import get_language

        lang = lang or get_language()
        if lang in labels:
            return labels[lang]
        return label if lang == self.label_language else None

    def title_of(self, name: str, lang: str | None = None) -> str:
        """An attribute's readable name in ``lang`` (default: the language in use): its
        ``labels[lang]``, else its ``label`` when that is written in ``lang``, else its name.

        >>> cb = load_codebook()
        >>> cb.title_of("partners", "en"), cb.title_of("partners", "nl")
        ('Partners', 'partners')
        """
        attr = self.attribute(name)
        return self._pick(attr.labels, attr.label, lang) or attr.name

    def value_label(self, name: str, code: str, lang: str | None = None) -> str:
        """A value's readable label in ``lang``, chosen like :meth:`title_of` (the code when
        there is none). Words that are not codes (e.g. the unknown word) come back as given.

        >>> cb = Codebook(name="d", attributes=[Attribute(name="size", values=[
        ...     {"code": "groot", "label": "large", "labels": {"nl": "Groot"}}, "klein"])])
        >>> cb.value_label("size", "groot", "en"), cb.value_label("size", "groot", "nl")
        ('large', 'Groot')
        >>> cb.value_label("size", "klein", "en")
        'klein'

        The bundled WODC codebook gives no value labels, only descriptions: its domain values
        are shown as the report writes them, in every language.

        >>> load_codebook().value_label("regio", "Den Haag", "en")
        'Den Haag'
        """
        attr = self.attribute(name)
        for v in attr.values:
            if v.code == code:
                return self._pick(v.labels, v.label, lang) or v.code
        return code

    def unknown_attribute_message(self, name: str) -> str:
        """'x' is not an attribute of codebook 'c' (attributes: ...); did you mean 'y'?

        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["North"])])
        >>> print(cb.unknown_attribute_message("regoin"))
        'regoin' is not an attribute of codebook 'demo' (attributes: region); did you mean 'region'?
        """
        msg = _("{name} is not an attribute of codebook {codebook} (attributes: {names})").format(
            name=repr(name), codebook=repr(self.name), names=", ".join(self.attribute_names)
        )
        guess = closest(name, self.attribute_names)
        if guess:
            msg += _("; did you mean {guess}?").format(guess=repr(guess))
        return msg

    # -- cells -------------------------------------------------------------------------------

    def parse_cell(
        self, attribute: Attribute, raw: str
    ) -> tuple[frozenset[str] | None, str | None]:
        """Parse one cell: ``(values, None)`` on success or ``(None, reason)`` on failure.

        ``values`` is None when the cell says unknown and a (possibly empty) frozenset of codes
        otherwise. For a single-valued attribute the set has one element.

        >>> cb = load_codebook()
        >>> values, problem = cb.parse_cell(cb.attribute("theorie"), "Borging | intelligence")
        >>> sorted(values), problem
        (['borging', 'intelligence'], None)
        >>> cb.parse_cell(cb.attribute("cluster"), "onbekend")  # unknown
        (None, None)
        """
        text = " ".join(raw.split())
        if not text or normalize(text) == normalize(self.unknown):
            if attribute.required:
                return None, _("a value is required in {name} (allowed: {allowed})").format(
                    name=repr(attribute.name), allowed=", ".join(attribute.codes)
                )
            if not text and attribute.multi:
                return frozenset(), None
            return None, None
        if not attribute.multi:
            code = attribute.parse_token(text)
            if code is None:
                return None, attribute.unknown_value_message(text)
            return frozenset((code,)), None
        codes = []
        if attribute.separator is not None:
            text = text.replace(attribute.separator, self.separator)
        for part in text.split(self.separator):
            part = part.strip()
            if not part:
                continue
            if normalize(part) == normalize(self.unknown):
                return None, _(
                    "{unknown} cannot be combined with values in one cell (found {text})"
                ).format(unknown=repr(self.unknown), text=repr(text))
            code = attribute.parse_token(part)
            if code is None:
                return None, attribute.unknown_value_message(part)
            codes.append(code)
        return frozenset(codes), None

    def format_cell(self, attribute: Attribute, values: frozenset[str] | None) -> str:
        """Write a parsed cell back as text (codes in codebook order).

        >>> cb = load_codebook()
        >>> cb.format_cell(cb.attribute("theorie"), frozenset({"borging", "intelligence"}))
        'intelligence|borging'
        >>> cb.format_cell(cb.attribute("regio"), None)
        'onbekend'
        """
        if values is None:
            return self.unknown
        return self.separator.join(c for c in attribute.codes if c in values)

    # -- models ------------------------------------------------------------------------------

    def item_model(self) -> type[BaseModel]:
        """A pydantic model of one case of a pool with this codebook (for validation/schema).

        Single-valued attributes become ``Literal[...] | None`` (None = unknown), multi-valued
        ones ``list[Literal[...]] | None``.

        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["North"])])
        >>> Item = cb.item_model()
        >>> Item(id="a1", region="North").region
        'North'
        """
        fields: dict[str, Any] = {
            "id": (str, Field(min_length=1, description="Unique case id.")),
            "name": (str | None, Field(default=None, description="Display name.")),
        }
        for attr in self.attributes:
            lit: Any = cast("Any", Literal)[attr.codes]
            typ: Any = list[lit] if attr.multi else lit
            if not attr.required:
                typ = typ | None
            default = ... if attr.required else None
            fields[attr.name] = (typ, Field(default=default, description=attr.title))
        extra = dict.fromkeys(self.extra_columns, (str | None, None))
        fields.update(extra)
        model: type[BaseModel] = create_model(
            f"Item_{''.join(ch if ch.isalnum() else '_' for ch in self.name)}",
            __config__=ConfigDict(frozen=True, extra="forbid"),
            **fields,
        )
        return model

    def to_toml(self) -> str:
        """The codebook as TOML text, in the format :func:`load_codebook` reads.

        >>> cb = Codebook(name="demo", attributes=[Attribute(name="region", values=["North"])])
        >>> print(cb.to_toml())
        [codebook]
        name = "demo"
        title = ""
        id_column = "id"
        unknown = "onbekend"
        separator = "|"
        extra_columns = []
        <BLANKLINE>
        [[attributes]]
        name = "region"
        values = [
            { code = "North" },
        ]
        <BLANKLINE>
        """
        import tomli_w

        head = self.model_dump(exclude={"attributes"}, exclude_none=True)
        if head.get("label_language") == "en":
            del head["label_language"]  # the default
        attrs = []
        for a in self.attributes:
            d = a.model_dump(exclude_defaults=True)
            d["values"] = [v.model_dump(exclude_defaults=True) for v in a.values]
            attrs.append(d)
        return tomli_w.dumps({"codebook": head, "attributes": attrs})


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read a codebook TOML file; without a path, the bundled WODC codebook.

    Raises :class:`~selectie.errors.CodebookError` listing every problem.

    >>> cb = load_codebook()  # the bundled WODC codebook
    >>> cb.id_column, cb.label_column, cb.attribute("regio").codes[:2]
    ('id', 'name', ('Amsterdam-Amstelland', 'Zeeland-Brabant'))
    """
    p = Path(path) if path is not None else data_file("wodc_codebook.toml")
    data = read_toml(p, "codebook", CodebookError)
    return codebook_from_dict(data, file=str(p))


def codebook_from_dict(data: Mapping[str, Any], *, file: str | None = None) -> Codebook:
    """Build a codebook from the parsed TOML structure (``[codebook]`` + ``[[attributes]]``).

    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...                          "attributes": [{"name": "region", "values": ["North"]}]})
    >>> cb.attribute_names
    ('region',)
    """
    unknown_keys = set(data) - {"codebook", "attributes"}
    problems = [
        Problem(
            file=file,
            message=_("unknown top-level key {key}; expected [codebook] and [[attributes]]").format(
                key=repr(k)
            ),
        )
        for k in sorted(unknown_keys)
    ]
    if "attributes" not in data:
        problems.append(Problem(file=file, message=_("no [[attributes]] tables")))
    invalid = (
        _("codebook {file} is not valid").format(file=file) if file else _("codebook is not valid")
    )
    if problems:
        raise CodebookError(invalid, problems)
    head = data.get("codebook", {})
    if not isinstance(head, Mapping):
        raise CodebookError(invalid, [Problem(file=file, message=_("[codebook] must be a table"))])
    try:
        cb = Codebook(**head, attributes=data["attributes"])
    except ValidationError as exc:
        raise CodebookError(
            invalid,
            validation_problems(exc, file),
            hint=_("See docs/reference.md#codebook for the format."),
        ) from None
    cb._source = file  # noqa: SLF001 - the loader sets where its own codebook came from
    return cb
