"""Draft a codebook and a starting scenario from any pool file (CSV or XLSX).

:func:`draft` reads the file's columns and guesses what each one is:

- the **id column**: unique and never empty (a header like ``id``, ``code`` or ``nr`` wins;
  when several columns qualify and none is named like an id, pass ``id_column``);
- the **label column**: the other unique text column with the longest cells (``naam``,
  ``name``, ``titel`` win);
- **attributes**: columns with few distinct values; **multi-valued** when cells hold several
  values separated by ``|`` (or by ``;`` or ``,`` inside a cell, which the draft says);
- **extra columns**: numeric and free-text columns (kept, never constrained); a numeric one is
  offered as the weight of a ``max_weight`` objective.

It counts every value and flags **near-duplicates** ("Groot" / "groot ", "Den Haag" /
"Den-Haag"): spellings that differ only in case, spaces or punctuation become one value with
the other spellings as aliases; similar spellings are only flagged.

The starting scenario's objective spreads the selection over the attributes that ``size``
cases can cover together (checked with a greedy cover of the pool's own cases), so that it
never asks for what the size cannot give.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "pool.csv").write_text(
...     "Nr,Gemeente,Provincie,Thema's,Budget\\n"
...     "1,Leeuwarden,Fryslân,jeugd|zorg,1200\\n"
...     "2,Sneek,Fryslân,zorg,950.5\\n"
...     "3,Den Haag,Zuid-Holland,wonen|jeugd,400\\n"
...     "4,Delft,Zuid-holland ,wonen,700\\n"
...     "5,Utrecht,Utrecht,jeugd,300\\n"
...     "6,Zeist,Utrecht,zorg,310\\n", encoding="utf-8")
>>> d = draft(folder / "pool.csv", size=2)
>>> d.id_column, d.label_column, [c.name for c in d.attributes], d.weight_candidates
('Nr', 'Gemeente', ['Provincie', "Thema's"], ['Budget'])
>>> dict(d.column("Provincie").counts)
{'Fryslân': 2, 'Zuid-Holland': 2, 'Utrecht': 2}
>>> d.column("Thema's").separator
'|'
>>> cb = d.codebook()
>>> cb.attribute("thema's").multi, cb.extra_columns
(True, ('Budget',))
>>> d.objective_attributes  # 3 provinces cannot all be in 2 cases; 3 themes can
("Thema's",)
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .codebook import normalize
from .errors import InputError
from .i18n import _, ngettext

if TYPE_CHECKING:
    from .codebook import Codebook

__all__ = ["ColumnDraft", "Draft", "draft", "write_draft"]

Role = Literal["id", "label", "attribute", "extra"]
Kind = Literal["category", "multi", "number", "text", "empty"]

#: Header words that mark an id or a label column (compared after folding case).
_ID_WORDS = ("id", "code", "nr", "no", "nummer", "number", "key", "sleutel", "case", "casus")
_LABEL_WORDS = ("naam", "name", "titel", "title", "label", "project", "gemeente", "case", "casus")
#: Separators of several values inside one cell, in the order they are tried.
_SEPARATORS = ("|", ";", ",", "/")
#: The word that means "not known" (never a value; the codebook's default unknown word).
_UNKNOWN_WORDS = ("onbekend",)

_NUMBER = re.compile(r"^[+-]?(\d{1,3}([.\s]\d{3})+|\d+)([.,]\d+)?$|^[+-]?\d*[.,]\d+$")


def _is_number(text: str) -> bool:
    t = text.strip().replace("€", "").replace("%", "").strip()
    return bool(t) and bool(_NUMBER.match(t))


def _fold(text: str) -> str:
    """A spelling folded so that near-duplicates meet: case, spaces and punctuation gone."""
    return re.sub(r"[\W_]+", "", normalize(text))


@dataclass(frozen=True)
class ColumnDraft:
    """What the draft makes of one column of the pool file."""

    header: str
    role: Role
    kind: Kind
    #: Values (attribute columns: their codes) with the number of cases holding each.
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Separator of several values in one cell (multi-valued attributes).
    separator: str | None = None
    #: Other spellings merged into a value: code -> spellings.
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Every other spelling found for a value (case, spaces, punctuation): code -> spellings.
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Similar spellings that were kept apart (flagged for the user).
    similar: tuple[tuple[str, str], ...] = ()
    filled: int = 0
    distinct: int = 0
    unknown: int = 0

    @property
    def name(self) -> str:
        return self.header


@dataclass(frozen=True)
class Draft:
    """A drafted codebook and starting scenario for one pool file."""

    source: Path
    sheet: str | None
    rows: int
    columns: tuple[ColumnDraft, ...]
    id_column: str
    label_column: str | None
    size: int
    objective_attributes: tuple[str, ...] | list[str]
    #: Cases per attribute value, for the greedy cover (internal).
    _cover_note: str = ""

    def column(self, header: str) -> ColumnDraft:
        for c in self.columns:
            if normalize(c.header) == normalize(header):
                return c
        raise KeyError(header)

    @property
    def attributes(self) -> list[ColumnDraft]:
        return [c for c in self.columns if c.role == "attribute"]

    @property
    def extra_columns(self) -> list[ColumnDraft]:
        return [c for c in self.columns if c.role == "extra"]

    @property
    def weight_candidates(self) -> list[str]:
        """Numeric extra columns, any of which could weigh the cases (objective max_weight)."""
        return [c.header for c in self.extra_columns if c.kind == "number"]

    @property
    def name(self) -> str:
        return re.sub(r"[^\w-]+", "-", self.source.stem).strip("-").lower() or "pool"

    # -- the files ---------------------------------------------------------------------------

    def codebook(self) -> Codebook:
        """The drafted codebook as a :class:`~selectie.Codebook`."""
        from .codebook import codebook_from_dict

        data = _tomllib_loads(self.codebook_toml())
        return codebook_from_dict(data, file=None)

    def codebook_toml(self) -> str:
        """The codebook as commented TOML, ready to edit."""
        where = self.source.name
        if self.sheet:
            where += _(", sheet {sheet}").format(sheet=repr(self.sheet))
        lines = [
            *_comment(
                _(
                    "Codebook drafted by `selectie init` from {where} ({n} cases).\n"
                    "Check every attribute and value below, then run:"
                ).format(where=where, n=self.rows)
            ),
            f"#   selectie validate --pool {_shell(self.source.name)} --codebook codebook.toml",
            "#",
            *_comment(
                _(
                    "A codebook says which columns the pool has, which of them are criteria\n"
                    "(attributes) and which values each may take. Column names match the header\n"
                    "without regard to case or spaces; values match without regard to case, and "
                    "the\n"
                    "aliases of a value are other spellings of it. An empty cell, or the unknown "
                    "word,\n"
                    "means 'not known' and counts for nothing."
                )
            ),
            "",
            "[codebook]",
            f"name = {_q(self.name)}",
            "title = " + _q(_("Pool {file}").format(file=self.source.name)),
            f"id_column = {_q(self.id_column)}",
        ]
        if self.label_column:
            lines.append(f"label_column = {_q(self.label_column)}")
        lines += [
            f"unknown = {_q(_UNKNOWN_WORDS[0])}",
            f"separator = {_q('|')}",
        ]
        extras = self.extra_columns
        if extras:
            lines.append("# " + _("Columns kept with each case but never constrained:"))
            for c in extras:
                what = _("numbers") if c.kind == "number" else _("free text")
                counted = _("{what} ({n} distinct in {cells} cells)").format(
                    what=what, n=c.distinct, cells=c.filled
                )
                lines.append(f"#   {c.header}: {counted}")
        lines.append(f"extra_columns = [{', '.join(_q(c.header) for c in extras)}]")
        lines.append("# " + _("The attributes shown in the distribution tables, in this order:"))
        lines.append(f"tables = [{', '.join(_q(c.header) for c in self.attributes)}]")
        for c in self.attributes:
            lines += ["", "[[attributes]]", f"name = {_q(c.header)}"]
            readable = _("a readable name for tables and plots")
            lines.append(f"# label = {_q(c.header)}   # {readable}")
            if c.kind == "multi":
                lines.append("# " + _("A case may hold several of these values."))
                lines.append("multi = true")
                if c.separator and c.separator != "|":
                    lines.append(
                        "# "
                        + _("Cells separate values with {sep} (as well as '|'):").format(
                            sep=repr(c.separator)
                        )
                    )
                    lines.append(f"separator = {_q(c.separator)}")
            if c.unknown:
                lines.append(
                    "# "
                    + ngettext(
                        "{n} case with an empty or unknown cell.",
                        "{n} cases with an empty or unknown cell.",
                        c.unknown,
                    ).format(n=c.unknown)
                )
            for a, b in c.similar:
                lines.append(
                    "# "
                    + _("CHECK: {a} and {b} look alike; merge them if they are one").format(
                        a=repr(a), b=repr(b)
                    )
                )
            lines.append("values = [")
            for code, n in c.counts.items():
                alias = c.aliases.get(code)
                extra = f", aliases = [{', '.join(_q(x) for x in alias)}]" if alias else ""
                seen = c.spellings.get(code, ())
                counted = ngettext("{n} case", "{n} cases", n).format(n=n)
                if seen:
                    counted += "; " + _("also written {spellings}").format(
                        spellings=", ".join(repr(x) for x in seen)
                    )
                lines.append(f"  {{ code = {_q(code)}{extra} }},  # {counted}")
            lines.append("]")
        return "\n".join(lines) + "\n"

    def scenario_toml(self) -> str:
        """A starting scenario as commented TOML: valid as written (size and objective)."""
        attrs = self.attributes
        first = next((c for c in attrs if c.kind == "category"), attrs[0] if attrs else None)
        lines = [
            *_comment(
                _(
                    "Scenario drafted by `selectie init` for {file}: select {size}\n"
                    "of {n} cases. It is valid as written; uncomment and edit the examples.\n"
                    "Every key is documented in docs/reference.md. Run it with:"
                ).format(file=self.source.name, size=self.size, n=self.rows)
            ),
            (
                f"#   selectie select --pool {_shell(self.source.name)} --codebook codebook.toml "
                "--scenario scenario.toml"
            ),
            "",
            "name = " + _q(_("Selection from {file}").format(file=self.source.stem)),
            "description = " + _q(_("Why these constraints: say what each one rests on.")),
            f"size = {self.size}",
            "# include = []   # " + _("case ids that must be selected"),
            "# exclude = []   # " + _("case ids that may not be selected"),
        ]
        if first is not None:
            common = max(first.counts, key=lambda v: first.counts[v])
            lines += [
                "",
                *_comment(
                    _(
                        "At least one selected case for each value of {attribute}\n"
                        "({n} values; this needs at least {n} cases):"
                    ).format(attribute=repr(first.header), n=len(first.counts))
                ),
                "# [[quotas]]",
                f"# attribute = {_q(first.header)}",
                "# min = 1",
                "",
                "# "
                + _("At most half of the selection with {attribute} = {value}:").format(
                    attribute=first.header, value=repr(common)
                ),
                "# [[quotas]]",
                f"# attribute = {_q(first.header)}",
                f"# values = [{_q(common)}]",
                f"# max = {max(1, self.size // 2)}",
            ]
        covered = list(self.objective_attributes)
        lines.append("")
        if covered:
            lines += [
                "# " + _("Every value of these attributes held by at least one selected case:"),
                "# [[coverage]]",
                f"# attributes = [{', '.join(_q(a) for a in covered)}]",
                "# overlap = 1",
                "",
                "# "
                + _(
                    "Among valid selections, spread the cases over the values of these attributes:"
                ),
                f"# {self._cover_note}" if self._cover_note else "#",
                "[objective]",
                'kind = "max_overlap"',
                f"attributes = [{', '.join(_q(a) for a in covered)}]",
            ]
        else:
            lines += [
                f"# {self._cover_note}" if self._cover_note else "#",
                "# " + _("Any selection that satisfies the constraints:"),
                "[objective]",
                'kind = "feasibility"',
            ]
        for w in self.weight_candidates:
            lines += [
                "",
                "# "
                + _(
                    "Or: the selection with the largest total {column} (replace the objective "
                    "above):"
                ).format(column=repr(w)),
                "# [objective]",
                '# kind = "max_weight"',
                f"# weight_column = {_q(w)}",
            ]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """What ``selectie init`` prints: each column's role, the values with their counts,
        separators and near-duplicates.
        """
        out = [
            _("{file}: {n} cases, {k} columns").format(
                file=self.source.name, n=self.rows, k=len(self.columns)
            ),
            _("  id column: {col}").format(col=self.id_column),
        ]
        if self.label_column:
            out.append(_("  label column: {col}").format(col=self.label_column))
        for c in self.attributes:
            values = ", ".join(f"{v} {n}" for v, n in c.counts.items())
            if c.kind == "multi":
                out.append(
                    _(
                        "  attribute {col} (several values per case, separated by {sep!r}): "
                        "{values}"
                    ).format(col=c.header, sep=c.separator, values=values)
                )
            else:
                out.append(_("  attribute {col}: {values}").format(col=c.header, values=values))
            for code, spellings in c.spellings.items():
                out.append(
                    _("    near-duplicates merged: {spellings} -> {code!r}").format(
                        spellings=", ".join(repr(s) for s in spellings), code=code
                    )
                )
            for a, b in c.similar:
                out.append(_("    check: {a!r} and {b!r} look alike").format(a=a, b=b))
        for c in self.extra_columns:
            if c.kind == "number":
                out.append(
                    _("  extra column {col}: numbers (could weigh the cases: max_weight)").format(
                        col=c.header
                    )
                )
            else:
                out.append(_("  extra column {col}: free text").format(col=c.header))
        if self.objective_attributes:
            out.append(
                _("  objective: spread {size} cases over {attrs}").format(
                    size=self.size, attrs=", ".join(self.objective_attributes)
                )
            )
        left = [c.header for c in self.attributes if c.header not in self.objective_attributes]
        if left:
            out.append(
                ngettext(
                    "  not in the objective ({size} cases cannot cover all its values): {attrs}",
                    "  not in the objective ({size} cases cannot cover all their values): {attrs}",
                    len(left),
                ).format(size=self.size, attrs=", ".join(left))
            )
        return "\n".join(out) + "\n"


def _tomllib_loads(text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(text)


def _q(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


def _shell(name: str) -> str:
    return name if re.fullmatch(r"[\w.@%+=:,/-]+", name) else "'" + name.replace("'", "'\\''") + "'"


# -- reading the columns ---------------------------------------------------------------------


def _limit(rows: int) -> int:
    """The most distinct values an attribute column may have."""
    return max(2, min(30, rows // 2))


def _tokens(cell: str, sep: str | None) -> list[str]:
    """The values written in one cell: split on ``|`` and on ``sep``."""
    text = " ".join(cell.split())
    if sep is None:
        return [text] if text else []
    parts = text.replace(sep, "|").split("|")
    return [p.strip() for p in parts if p.strip()]


def _is_unknown(token: str) -> bool:
    return normalize(token) in _UNKNOWN_WORDS


def _separator(cells: Sequence[str], rows: int) -> str | None:
    """The separator of several values in the column's cells, or None."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return None
    for sep in _SEPARATORS:
        holding = [c for c in filled if sep in c]
        if not holding:
            continue
        if sep != "|" and len(holding) < max(2, len(filled) // 10):
            continue
        tokens = {normalize(t) for c in filled for t in _tokens(c, sep)}
        whole = {normalize(c) for c in filled}
        if len(tokens) <= _limit(rows) and len(tokens) < len(whole) + 1:
            return sep
    return None


def _values(
    cells: Sequence[str], sep: str | None
) -> tuple[
    dict[str, int],
    dict[str, tuple[str, ...]],
    dict[str, tuple[str, ...]],
    list[tuple[str, str]],
    int,
]:
    """Codes with counts (cases holding each), aliases (spellings the loader would not match
    by itself), every other spelling, similar pairs, and the number of unknown cells.
    """
    by_fold: dict[str, Counter[str]] = {}
    holders: dict[str, int] = {}
    order: list[str] = []
    unknown = 0
    for cell in cells:
        toks = [t for t in _tokens(cell, sep) if not _is_unknown(t)]
        if not toks:
            unknown += 1
            continue
        seen: set[str] = set()
        for t in toks:
            key = _fold(t) or normalize(t)
            if key not in by_fold:
                by_fold[key] = Counter()
                order.append(key)
            by_fold[key][t] += 1
            if key not in seen:
                holders[key] = holders.get(key, 0) + 1
                seen.add(key)
    counts: dict[str, int] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    variants: dict[str, tuple[str, ...]] = {}
    for key in order:
        spellings = by_fold[key]
        # The most frequent spelling is the code (ties: the first seen).
        code = max(spellings, key=lambda s: spellings[s])
        counts[code] = holders[key]
        others = tuple(s for s in spellings if normalize(s) != normalize(code))
        if others:
            aliases[code] = others
        if len(spellings) > 1:
            variants[code] = tuple(s for s in spellings if s != code)
    codes = list(counts)
    similar = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            ratio = difflib.SequenceMatcher(None, normalize(a), normalize(b)).ratio()
            if ratio >= 0.85:
                similar.append((a, b))
    return counts, aliases, variants, similar, unknown


def _word_rank(header: str, words: Sequence[str]) -> int:
    parts = [p for p in re.split(r"[\W_]+", normalize(header)) if p]
    ranks = [words.index(p) for p in parts if p in words]
    return min(ranks) if ranks else len(words)


def _has_word(header: str, words: Sequence[str]) -> bool:
    parts = re.split(r"[\W_]+", normalize(header))
    return any(p in words for p in parts if p)


def draft(
    path: str | Path,
    *,
    sheet: str | None = None,
    id_column: str | None = None,
    label_column: str | None = None,
    size: int | None = None,
) -> Draft:
    """Draft a codebook and a starting scenario for the pool file at ``path``.

    Raises :class:`~selectie.errors.InputError` when no column can be the id column, or when
    several can and none is named like one (then give ``id_column``).
    """
    from .pool import read_table
    from .pool.validate import check_header

    p = Path(path)
    header, rows, _digest = read_table(p, sheet=sheet)
    check_header(header, rows, str(p))  # as the pool loader does: a draft of it must load
    n = len(rows)
    if n == 0:
        raise InputError(_("pool file {file} has a header but no cases").format(file=repr(str(p))))
    cols = {h: [r[i] if i < len(r) else "" for _, r in rows] for i, h in enumerate(header) if h}

    def find(name: str, what: str) -> str:
        for h in cols:
            if normalize(h) == normalize(name):
                return h
        raise InputError(
            _("{option} {name} is not a column of {file}").format(
                option=what, name=repr(name), file=repr(str(p))
            ),
            hint=_("The columns are: {columns}.").format(columns=", ".join(cols)),
        )

    def unique(h: str) -> bool:
        keys = [normalize(c) for c in cols[h]]
        return all(keys) and len(set(keys)) == n

    if id_column is not None:
        id_col = find(id_column, "--id-column")
        if not unique(id_col):
            raise InputError(
                _(
                    "column {column} cannot be the id column: its cells are not all filled "
                    "and different"
                ).format(column=repr(id_col)),
                hint=_("Choose a column with a different value in every row."),
            )
    else:
        candidates = [h for h in cols if unique(h)]
        named = [h for h in candidates if _has_word(h, _ID_WORDS)]
        if len(named) >= 1:
            id_col = named[0]
        elif len(candidates) == 1:
            id_col = candidates[0]
        elif not candidates:
            raise InputError(
                _(
                    "no column of {file} can be the id column: none has a different, "
                    "filled-in value in every row"
                ).format(file=repr(str(p))),
                hint=_("Add a column with a unique id per case (e.g. 1, 2, 3, ...)."),
            )
        else:
            raise InputError(
                _("several columns of {file} could be the id column: {columns}").format(
                    file=repr(str(p)), columns=", ".join(repr(c) for c in candidates)
                ),
                hint=_("Say which one with --id-column, e.g. --id-column {column}").format(
                    column=_shell(candidates[0])
                ),
            )
    rest = [h for h in cols if h != id_col]
    if label_column is not None:
        label_col: str | None = find(label_column, "--label-column")
    else:
        texts = [h for h in rest if unique(h) and not all(_is_number(c) for c in cols[h])]
        # A name: a header like naam/name/titel first, then the shortest text (not a
        # description).
        texts.sort(key=lambda h: (_word_rank(h, _LABEL_WORDS), _mean_len(cols[h])))
        label_col = texts[0] if texts else None
    limit = _limit(n)
    drafts: list[ColumnDraft] = []
    for h, cells in cols.items():
        filled = [c for c in cells if c.strip()]
        distinct = len({normalize(c) for c in filled})
        if h in (id_col, label_col):
            drafts.append(
                ColumnDraft(
                    h,
                    "id" if h == id_col else "label",
                    "text",
                    filled=len(filled),
                    distinct=distinct,
                )
            )
            continue
        if not filled:
            drafts.append(ColumnDraft(h, "extra", "empty"))
            continue
        numeric = all(_is_number(c) or _is_unknown(c) for c in filled)
        few = distinct <= min(6, limit) and n >= 2 * distinct
        if numeric and not few:
            drafts.append(ColumnDraft(h, "extra", "number", filled=len(filled), distinct=distinct))
            continue
        sep = None if numeric else _separator(cells, n)
        counts, aliases, variants, similar, unknown = _values(cells, sep)
        if len(counts) <= limit and counts and (sep is not None or len(counts) < len(filled)):
            drafts.append(
                ColumnDraft(
                    h,
                    "attribute",
                    "multi" if sep is not None else "category",
                    counts=counts,
                    separator=sep,
                    aliases=aliases,
                    spellings=variants,
                    similar=tuple(similar),
                    filled=len(filled),
                    distinct=len(counts),
                    unknown=unknown,
                )
            )
        else:
            drafts.append(ColumnDraft(h, "extra", "text", filled=len(filled), distinct=distinct))
    k = size if size is not None else min(n, max(1, round(n / 10)))
    if k < 1 or k > n:
        raise InputError(
            _("--size {k}: a selection has between 1 and {n} cases (the pool has {n})").format(
                k=k, n=n
            )
        )
    chosen, note = _coverable(drafts, cols, k)
    return Draft(p, sheet, n, tuple(drafts), id_col, label_col, k, tuple(chosen), note)


def _mean_len(cells: Sequence[str]) -> float:
    return sum(len(c) for c in cells) / max(1, len(cells))


def _coverable(
    drafts: Sequence[ColumnDraft], cols: Mapping[str, Sequence[str]], size: int
) -> tuple[list[str], str]:
    """The attributes whose values ``size`` cases can hold together, in column order.

    Attributes are added one at a time while a greedy cover of all their values (with the
    pool's own cases) needs at most ``size`` cases; a greedy cover is a real selection, so
    every attribute kept can be covered.
    """
    chosen: list[str] = []
    need: set[tuple[str, str]] = set()
    for c in drafts:
        if c.role != "attribute":
            continue
        trial = need | {(c.header, _fold(v) or normalize(v)) for v in c.counts}
        if _greedy(drafts, cols, trial) <= size:
            chosen.append(c.header)
            need = trial
    left = [c.header for c in drafts if c.role == "attribute" and c.header not in chosen]
    note = ""
    if left:
        note = _(
            "Left out: {attributes} ({size} cases cannot cover all their values "
            "together with the attributes kept)."
        ).format(attributes=", ".join(left), size=size)
    return chosen, note


def _greedy(
    drafts: Sequence[ColumnDraft], cols: Mapping[str, Sequence[str]], need: set[tuple[str, str]]
) -> int:
    by = {c.header: c for c in drafts}
    rows = len(next(iter(cols.values()))) if cols else 0
    holds: list[set[tuple[str, str]]] = []
    attrs = {a for a, _v in need}
    for i in range(rows):
        mine = set()
        for a in attrs:
            c = by[a]
            for t in _tokens(cols[a][i], c.separator):
                if not _is_unknown(t):
                    mine.add((a, _fold(t) or normalize(t)))
        holds.append(mine & need)
    left = set(need)
    used = 0
    while left:
        best = max(range(rows), key=lambda i: (len(holds[i] & left), -i))
        gain = holds[best] & left
        if not gain:
            return rows + 1  # some value is held by no case
        left -= gain
        used += 1
    return used


def _comment(text: str) -> list[str]:
    """``text`` as TOML comment lines, one per line of the text."""
    return [f"# {line}" for line in text.splitlines()]


def write_draft(result: Draft, folder: str | Path, *, protect: Sequence[Path] = ()) -> list[Path]:
    """Write ``codebook.toml`` and ``scenario.toml`` into ``folder``; never over a file that
    exists (an :class:`InputError` names it, and nothing is written).
    """
    from ._io import write_atomic

    out = Path(folder)
    if not out.is_dir():
        raise InputError(
            _("folder {folder} does not exist").format(folder=repr(str(out))),
            hint=_("Create it, or give -o ."),
        )
    files = {"codebook.toml": result.codebook_toml(), "scenario.toml": result.scenario_toml()}
    targets = [out / name for name in files]
    existing = [t for t in targets if t.exists()]
    if existing:
        raise InputError(
            _("refusing to overwrite {files}").format(
                files=", ".join(repr(str(t)) for t in existing)
            ),
            hint=_("selectie init never overwrites; give another folder with -o, or move them."),
        )
    result.codebook()  # the draft must load as a codebook before anything is written
    for target, text in zip(targets, files.values(), strict=True):
        write_atomic(target, text.encode(), protect=protect)
    return targets
