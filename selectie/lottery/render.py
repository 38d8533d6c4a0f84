"""The lottery as documents: text, Markdown, CSV, JSON and XLSX."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _
from .result import PROFILE_HEADERS, Draw, Lottery, SupportEntry, _pct

if TYPE_CHECKING:
    from ..pool import Pool
    from .uniform import UniformLottery

# --------------------------------------------------------------------------------------------
# Documents: what the command line prints and writes
# --------------------------------------------------------------------------------------------

#: The output formats of :func:`render_lottery`.
LOTTERY_FORMATS: tuple[str, ...] = ("table", "markdown", "csv", "json", "xlsx")


def lottery_document(
    lottery: Lottery,
    *,
    draw: Draw | None = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
    uniform: UniformLottery | None = None,
    uniform_number: int | None = None,
) -> dict[str, Any]:
    """The lottery (and a draw from it) as JSON-ready data; the run time is left out unless
    ``timings`` is true, so the same input gives the same document. A uniform lottery
    rounded from it is under ``uniform`` (:meth:`UniformLottery.to_dict`, with the drawn
    panel's number), else ``uniform`` is None.

    >>> from selectie import Pool, Scenario, fair_lottery
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"]}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f"} for i in range(4)], cb)
    >>> lot = fair_lottery(pool, Scenario(size=1))
    >>> doc = lottery_document(lot, draw=lot.draw(1))
    >>> doc["status"], doc["probabilities"]["p0"], len(doc["draw"]["selected"])
    ('optimal', 0.25, 1)
    >>> "seconds" in doc["solver"]
    False
    """
    data = lottery.to_dict()
    if not timings and data.get("solver"):
        data["solver"] = {k: v for k, v in data["solver"].items() if k != "seconds"}
    data["draw"] = draw.to_dict() if draw is not None else None
    data["uniform"] = uniform.to_dict(uniform_number) if uniform is not None else None
    if manifest is not None:
        data["manifest"] = dict(manifest)
    return data


def render_lottery(
    lottery: Lottery,
    fmt: str = "table",
    *,
    draw: Draw | None = None,
    manifest: Mapping[str, Any] | None = None,
    timings: bool = False,
    uniform: UniformLottery | None = None,
    uniform_number: int | None = None,
) -> bytes:
    """The lottery in one of :data:`LOTTERY_FORMATS`:

    - ``table``: plain text (summary, profiles, and the draw if given);
    - ``markdown``: the same as Markdown tables;
    - ``csv``: one row per case: id, name, profile, probability, selectable, drawn (no
      ``name`` when the pool has no name column, :func:`has_names`); ``selectable`` is
      ``yes``, ``no`` or ``unknown`` (the time limit left it undecided), ``drawn`` ``yes`` or
      ``no`` (empty without a draw);
    - ``json``: :func:`lottery_document`;
    - ``xlsx``: sheets ``probabilities`` (the CSV rows) and ``support``.

    With ``uniform`` (a uniform lottery rounded from ``lottery``; ``uniform_number`` the
    drawn panel): the JSON has it under ``uniform``; Markdown a section with the largest
    change against the bound, each person's change and the m panels; CSV and XLSX add the
    columns ``uniform_probability`` and ``change`` per case (``drawn`` marks the drawn
    panel). The table format leaves it to the caller (the command line prints its summary).

    Text, Markdown and the XLSX sheet names, headers and words (``selectable`` a boolean cell,
    or the word for unknown) are in the language in use; the CSV and JSON keep their column
    ids, words and keys (scripts read them).
    Bytes are deterministic: the run time is shown only with ``timings``.

    >>> from selectie import Pool, Scenario, fair_lottery
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"]}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f"} for i in range(4)], cb)
    >>> lot = fair_lottery(pool, Scenario(size=1))
    >>> print(render_lottery(lot, "csv").decode().splitlines()[:2])
    ['id,profile,probability,selectable,drawn', 'p0,0,0.250000000000,yes,']
    """
    from ..errors import InputError as _InputError

    if fmt not in LOTTERY_FORMATS:
        raise _InputError(
            _("output format {fmt!r} is not available for a lottery").format(fmt=fmt),
            hint=_("Choose one of: {formats}.").format(formats=", ".join(LOTTERY_FORMATS)),
        )
    if fmt == "json":
        doc = lottery_document(
            lottery,
            draw=draw,
            manifest=manifest,
            timings=timings,
            uniform=uniform,
            uniform_number=uniform_number,
        )
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "table":
        text = lottery.to_text(timings=timings)
        if draw is not None:
            text += "\n\n" + str(draw)
        return (text + "\n").encode()
    if fmt == "markdown":
        text = _lottery_markdown(lottery, draw, timings)
        if uniform is not None:
            text += _uniform_markdown(uniform, uniform_number)
        return text.encode()
    if not lottery.ok:
        raise _InputError(
            _("there is no lottery to write as {fmt} ({status})").format(
                fmt=fmt, status=lottery.status.value
            ),
            hint=_("Use --format table or json to see why."),
        )
    drawn = (
        set(draw.positions)
        if draw is not None
        else set(uniform.panels[uniform_number - 1])
        if uniform is not None and uniform_number is not None
        else None
    )
    rows = _case_rows(lottery, drawn)
    header = list(CASE_HEADERS)
    named = has_names(lottery.pool)
    if not named:  # no name column in the input: say so by leaving it out, not empty
        header.remove("name")
        for row in rows:
            del row[1]
    if uniform is not None:
        header += [h.replace(" ", "_") for h in UNIFORM_HEADERS]
        optimal, uniform_p = lottery.probabilities, uniform.probabilities
        for row in rows:
            p = uniform_p[row[0]]
            row += [f"{p:.12f}", f"{p - optimal[row[0]]:.12f}"]
    if fmt == "csv":
        import csv
        import io

        from .._io import safe_cell

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([safe_cell(c) for c in row] for row in rows)
        return buf.getvalue().encode()
    import pandas as pd

    from ..export import _xlsx

    # Typed cells: profile a whole number, probability a number, selectable a boolean (the
    # word for unknown where the time limit left it undecided).
    words = {"yes": _("yes"), "no": _("no")}
    known: dict[str, bool | str] = {"yes": True, "no": False, "unknown": _("unknown")}
    typed = []
    for row in rows:
        head = row[: 1 + named]  # the id, and the name when there is one
        profile, prob, selectable, chosen, *more = row[1 + named :]
        typed.append(
            [
                *head,
                int(profile),
                float(prob),
                known[selectable],
                words.get(chosen, chosen),
                *(float(x) for x in more),
            ]
        )
    frames = {
        _("probabilities"): pd.DataFrame(
            typed,
            columns=[_(h) for h in CASE_HEADERS if named or h != "name"]
            + ([_(h) for h in UNIFORM_HEADERS] if uniform is not None else []),
        ),
        _("support"): pd.DataFrame(
            [
                [k, e.probability, e.weight, e.rank, _take_text(e)]
                for k, e in enumerate(lottery.support)
            ],
            columns=[_(h) for h in SUPPORT_HEADERS],
        ),
    }
    return _xlsx(frames, None)


#: Column headers of the XLSX sheets (the first sheet's are the CSV column ids).
CASE_HEADERS = (
    N_("id"),
    N_("name"),
    N_("profile"),
    N_("probability"),
    N_("selectable"),
    N_("drawn"),
)
#: The columns a uniform lottery adds to the XLSX sheet (in the CSV: the same words joined
#: by ``_``, as column ids).
UNIFORM_HEADERS = (N_("uniform probability"), N_("change"))
SUPPORT_HEADERS = (
    N_("selection"),
    N_("probability"),
    # the draw's integer weight: the probability in units of 1e-12 (at least 1), see
    # DRAW_PROCEDURE
    N_("weight (probability in units of 1e-12)"),
    N_("rank"),
    N_("take (profile:count)"),
)


#: The CSV's ``selectable`` words for a profile's ``selectable`` (None: not known).
SELECTABLE_WORDS: dict[bool | None, str] = {True: "yes", False: "no", None: "unknown"}


def has_names(pool: Pool) -> bool:
    """Whether ``pool`` has a name column (its codebook's ``label_column``): without one,
    the lottery's CSV and XLSX leave the ``name`` column out rather than write it empty.
    """
    return pool.codebook.label_column is not None


def _case_rows(lottery: Lottery, drawn: set[int] | None) -> list[list[str]]:
    profile_of = {i: p for p in lottery.profiles for i in p.positions}
    rows = []
    for i, case_id in enumerate(lottery.pool.ids):
        prof = profile_of[i]
        rows.append(
            [
                case_id,
                lottery.pool.names[i] or "",
                str(prof.index),
                f"{prof.probability:.12f}",
                SELECTABLE_WORDS[prof.selectable],
                ("yes" if i in drawn else "no") if drawn is not None else "",
            ]
        )
    return rows


def _take_text(entry: SupportEntry) -> str:
    return " ".join(f"{t.profile}:{t.count}" for t in entry.take)


def _lottery_markdown(lottery: Lottery, draw: Draw | None, timings: bool) -> str:
    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    summary = lottery._summary()  # noqa: SLF001 - the rendering of the result type's own lines
    lines = [f"# {cell(summary[0])}", ""]
    lines += [f"- {cell(x)}" for x in summary[1:]]

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    if lottery.ok:
        lines += ["", "## " + _("Profiles"), "", row([_(h) for h in PROFILE_HEADERS])]
        lines.append("|---|---|---|")
        for p in sorted(lottery.profiles, key=lambda p: (p.probability, p.index)):
            lines.append(f"| {_pct(p.probability)} | {p.size} | {cell(p.label)} |")
        lines += [
            "",
            "## " + _("Support"),
            "",
            row([_("selection"), _("probability"), _("take (profile:count)")]),
            "|---|---|---|",
        ]
        for k, e in enumerate(lottery.support):
            lines.append(f"| {k} | {_pct(e.probability)} | {_take_text(e)} |")
        if lottery.info is not None:
            last = lottery.to_text(timings=timings).splitlines()[-1]
            lines += ["", cell(last)]
    if draw is not None:
        lines += [
            "",
            "## " + _("Draw"),
            "",
            _(
                "Seed {seed}, selection {entry} of the support (numbered 0 to {last}, as in the "
                "listing and the table above), digest `{digest}`."
            ).format(
                seed=cell(repr(draw.seed)),
                entry=draw.entry,
                last=len(draw.lottery.support) - 1,
                digest=draw.digest,
            ),
            "",
        ]
        lines += [f"1. {cell(draw.pool.label(i))}" for i in draw.positions]
        lines += ["", _("All constraints satisfied.") if draw.ok else _("A constraint is missed!")]
    return "\n".join(lines) + "\n"


def _uniform_markdown(uniform: UniformLottery, number: int | None) -> str:
    """The uniform lottery as a Markdown section: summary, each person's change, the panels."""
    from ..i18n import number as fmt_number

    ids = uniform.lottery.pool.ids
    lines = ["", "## " + _("Uniform lottery over {m} panels").format(m=uniform.m), ""]
    lines += [f"- {x}" for x in uniform.summary().splitlines()]
    if number is not None:
        lines.append("- " + _("drawn: panel number {number}").format(number=number))
    lines += [
        "",
        "### " + _("Each person's probability"),
        "",
        "| " + " | ".join([_("id"), _("optimal"), _("uniform"), _("change")]) + " |",
        "|---|---|---|---|",
    ]
    for case_id, optimal, p, moved in uniform.change_rows():
        change = moved if abs(moved) >= 5e-7 else 0.0  # no "-0.000000"
        lines.append(
            f"| {case_id} | {fmt_number(optimal, 6)} | {fmt_number(p, 6)} | "
            f"{fmt_number(change, 6)} |"
        )
    lines += ["", "### " + _("Panels"), "", "| " + _("panel") + " | " + _("members") + " |"]
    lines.append("|---|---|")
    for j, panel in enumerate(uniform.panels, start=1):
        lines.append(f"| {j} | {' '.join(ids[i] for i in panel)} |")
    return "\n".join(lines) + "\n"
