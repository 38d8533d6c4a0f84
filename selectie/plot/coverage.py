"""The coverage matrix: which selected case holds which value, and what falls short."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SelectieError
from ..i18n import _

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..constraints import CompiledScenario
    from ..pool import Pool
    from ..result import Selection
    from ..scenario import Scenario

from ._common import (
    _STYLE,
    A4_WIDTH,
    EMPTY,
    HOLDS,
    SHORT,
    SHORT_FILL,
    UNKNOWN_EDGE,
    _attribute_title,
    _case_label,
    _finish,
    _new_figure,
    _require_matplotlib,
    _shorten,
    _status_word,
)


def plot_coverage(
    selection: Selection | Pool,
    *,
    ids: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    attributes: Sequence[str] | None = None,
    title: str | None = None,
    label_width: int = 34,
    ax: Axes | None = None,
    path: str | Path | None = None,
) -> Figure:
    """The coverage matrix: selected cases × attribute values, with counts and requirements.

    One row per selected case (id and shortened name), one column per value, grouped by
    attribute. A filled cell means the case holds the value; a hatched cell means its value
    is unknown. Under the matrix, per value: how many selected cases hold it, the least number
    the scenario requires (from its quotas and coverage) and how many pool cases hold it.
    Values with fewer selected cases than required (or more than allowed) are marked red.

    ``selection`` is a :class:`~selectie.result.Selection`, or a pool with ``ids`` (e.g. a
    hand-made selection to audit) and optionally the ``scenario`` whose requirements to show.
    ``attributes`` defaults to the scenario's quota and coverage attributes plus the codebook's
    table attributes, in codebook order.

    >>> from selectie import load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> fig = plot_coverage(pool, ids=report13, scenario=load_scenario(), attributes=["regio"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][:2]
    ['R01 Vastgoed in Beeld Maastricht', 'R02 Problematiek Buitengebied']
    """
    matplotlib = _require_matplotlib()
    pool, positions, compiled, what = _coverage_input(selection, ids, scenario)
    chosen_attrs = _coverage_attributes(pool, compiled, attributes)
    columns: list[tuple[str, str]] = []
    groups: list[tuple[str, int, int]] = []
    for a in chosen_attrs:
        start = len(columns)
        columns += [(a, code) for code in pool.codebook.attribute(a).codes]
        groups.append((a, start, len(columns)))
    bounds, short = _requirements(pool, compiled, positions, columns)

    # Each attribute gets a slot of its own before its values: its name, in bold, heads the
    # group like a column label, and the empty slot below it separates the groups.
    xs: list[float] = []
    heads: list[float] = []
    for _attr, lo, hi in groups:
        heads.append(len(xs) + len(heads))
        xs += [heads[-1] + 1 + k for k in range(hi - lo)]
    n_rows = len(positions)
    footer = [_("selected"), _("required (min)")]
    foot_y = [n_rows + 0.35 + k for k in range(len(footer))]
    row_labels = [_case_label(pool, i, label_width) for i in positions]
    value_labels = [_shorten(pool.codebook.value_label(a, code), 28) for a, code in columns]
    head_labels = [_attribute_title(a, pool) for a, _, _ in groups]

    with matplotlib.rc_context(_STYLE):
        units = xs[-1] + 1
        label_in = max(len(t) for t in [*row_labels, *footer]) * 7 * 0.56 / 72 + 0.12
        col_in = min(0.2, (A4_WIDTH - label_in - 0.1) / units)
        font = max(4.5, min(7.0, col_in * 72 * 0.92))
        row_in = max(0.16, col_in)
        longest = max(len(t) for t in [*value_labels, *head_labels])
        head_in = longest * (font + 0.5) * 0.62 / 72 + 0.45
        body_in = row_in * (n_rows + 0.35 + len(footer))
        if ax is None:
            width = label_in + units * col_in + 0.1
            height = head_in + body_in + 0.4
            fig = _new_figure(width, height)
            ax = fig.add_axes(
                (label_in / width, 0.4 / height, units * col_in / width, body_in / height)
            )
        else:
            fig = ax.figure  # type: ignore[assignment]
        _draw_matrix(ax, pool, positions, columns, xs, foot_y, bounds, short, col_in * 72)

        ax.set_xlim(-0.5, units - 0.5)
        ax.set_ylim(foot_y[-1] + 0.5, -0.5)
        ax.set_xticks([*(h + 0.2 for h in heads), *xs])
        ax.set_xticklabels([*head_labels, *value_labels], rotation=90, fontsize=font)
        ax.xaxis.tick_top()
        ax.set_yticks([*range(n_rows), *foot_y])
        ax.set_yticklabels([*row_labels, *footer], fontsize=7)
        for t in ax.get_yticklabels()[n_rows:]:
            t.set_fontstyle("italic")
            t.set_color("#444444")
        tick_labels = ax.get_xticklabels()
        for t in tick_labels[: len(heads)]:
            t.set_fontweight("bold")
            t.set_fontsize(font + 0.5)
            t.set_color(HOLDS)
        for j, t in enumerate(tick_labels[len(heads) :]):
            if j in short:
                t.set_color(SHORT)
        ax.tick_params(length=0, pad=2)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if title is None:
            title = _("Coverage of {what}").format(what=what)
        if title:
            ax.set_title(title, fontsize=9, loc="left")
        _coverage_legend(ax, bool(short))
    return _finish(fig, path, [pool.source])


def _coverage_input(
    selection: Selection | Pool, ids: Sequence[str] | None, scenario: Scenario | None
) -> tuple[Pool, list[int], CompiledScenario | None, str]:
    from ..constraints import compile_scenario
    from ..pool import Pool

    if isinstance(selection, Pool):
        pool = selection
        if ids is None:
            raise InputError(
                "plot_coverage was given a pool but no ids",
                hint="Pass ids=[...] with the selected case ids, or pass a Selection.",
            )
        missing = [i for i in ids if not pool.contains(i)]
        if missing:
            raise InputError(
                "cannot plot the coverage of ids that are not in the pool: "
                + "; ".join(pool.unknown_id_message(i) for i in missing)
            )
        positions = sorted({pool.position(i) for i in ids})
        compiled = compile_scenario(pool, scenario) if scenario is not None else None
        what = _("{n} of {total} cases").format(n=len(positions), total=len(pool))
    else:
        if ids is not None or scenario is not None:
            raise InputError(
                "ids and scenario are only used with a pool; a Selection has its own",
            )
        pool = selection.pool
        if not selection.ok:
            raise SelectieError(
                f"the selection has no cases to plot (status {selection.status.value})"
                + (f": {selection.message}" if selection.message else "")
            )
        positions = list(selection.positions)
        compiled = selection.compiled or compile_scenario(pool, selection.scenario)
        what = _("{n} of {total} cases ({status})").format(
            n=len(positions), total=len(pool), status=_status_word(selection.status.value)
        )
    if not positions:
        raise InputError("the selection is empty; there is nothing to plot")
    if compiled is not None and compiled.scenario.name:
        what += _(", scenario {name!r}").format(name=compiled.scenario.name)
    return pool, positions, compiled, what


def _coverage_attributes(
    pool: Pool, compiled: CompiledScenario | None, attributes: Sequence[str] | None
) -> list[str]:
    cb = pool.codebook
    if attributes is not None:
        unknown = [a for a in attributes if not cb.has(a)]
        if unknown:
            raise InputError(
                "cannot plot attributes the codebook does not have: "
                + "; ".join(cb.unknown_attribute_message(a) for a in unknown)
            )
        if not attributes:
            raise InputError("attributes is empty; leave it out for the default attributes")
        return list(dict.fromkeys(cb.attribute(a).name for a in attributes))
    wanted = set(cb.table_attributes)
    if compiled is not None:
        sc = compiled.scenario
        wanted.update(q.attribute for q in sc.quotas)
        wanted.update(a for c in sc.coverage for a in c.attributes)
    return [a for a in cb.attribute_names if a in wanted]


def _requirements(
    pool: Pool,  # noqa: ARG001 - the signature every input helper of the plots shares
    compiled: CompiledScenario | None,
    positions: Sequence[int],
    columns: Sequence[tuple[str, str]],
) -> tuple[dict[int, tuple[int | None, int | None]], set[int]]:
    """Per column: the tightest (min, max) of the quotas and coverage on that value, and the
    columns whose count breaks one of them.
    """
    from ..constraints import Kind

    bounds: dict[int, tuple[int | None, int | None]] = {}
    short: set[int] = set()
    if compiled is None:
        return bounds, short
    by_name: dict[str, list[Any]] = {}
    for c in compiled.constraints:
        if c.kind in (Kind.QUOTA, Kind.COVERAGE):
            by_name.setdefault(c.name, []).append(c)
    chosen = set(positions)
    for j, (attr, code) in enumerate(columns):
        cons = by_name.get(f"{attr}={code}", [])
        if not cons:
            continue
        los = [c.lo for c in cons if c.lo is not None]
        his = [c.hi for c in cons if c.hi is not None]
        bounds[j] = (max(los) if los else None, min(his) if his else None)
        if any(not c.check(chosen).satisfied for c in cons):
            short.add(j)
    return bounds, short


def _draw_matrix(
    ax: Axes,
    pool: Pool,
    positions: Sequence[int],
    columns: Sequence[tuple[str, str]],
    xs: Sequence[float],
    foot_y: Sequence[float],
    bounds: Mapping[int, tuple[int | None, int | None]],
    short: set[int],
    column_pt: float,
) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    inset = 0.07
    side = 1 - 2 * inset
    held: list[Rectangle] = []
    empty: list[Rectangle] = []
    unknown: list[Rectangle] = []
    for r, i in enumerate(positions):
        for j, (attr, code) in enumerate(columns):
            box = Rectangle((xs[j] - 0.5 + inset, r - 0.5 + inset), side, side)
            cell = pool.values[attr][i]
            if cell is None:
                unknown.append(box)
            elif code in cell:
                held.append(box)
            else:
                empty.append(box)
    ax.add_collection(PatchCollection(empty, facecolor=EMPTY, edgecolor="none"))
    ax.add_collection(PatchCollection(held, facecolor=HOLDS, edgecolor="none"))
    ax.add_collection(
        PatchCollection(
            unknown, facecolor="white", edgecolor=UNKNOWN_EDGE, hatch="/////", linewidth=0.4
        )
    )
    marks: list[Rectangle] = []
    chosen = set(positions)
    rows: list[list[str]] = [[], []]
    for j, (attr, code) in enumerate(columns):
        lo, hi = bounds.get(j, (None, None))
        rows[0].append(str(sum(1 for i in pool.holders(attr, code) if i in chosen)))
        rows[1].append(str(lo) if lo is not None else (f"≤{hi}" if hi is not None else "·"))
        if j in short:
            marks.append(Rectangle((xs[j] - 0.5, foot_y[0] - 0.5), 1, 1))
    for k, (y, texts) in enumerate(zip(foot_y, rows, strict=True)):
        for j, text in enumerate(texts):
            # digits are about 0.64 em wide in DejaVu Sans: shrink a number until it fits
            size = max(4.0, min(6.5, column_pt * 0.92 / (0.64 * len(text))))
            bad = k == 0 and j in short
            ax.text(
                xs[j],
                y,
                text,
                ha="center",
                va="center",
                fontsize=size,
                color=SHORT if bad else ("#1a1a1a" if k == 0 else "#444444"),
                fontweight="bold" if bad else "normal",
            )
    if marks:
        ax.add_collection(PatchCollection(marks, facecolor=SHORT_FILL, edgecolor="none", zorder=0))
    line_y = len(positions) - 0.5 + 0.35 / 2
    ax.plot([xs[0] - 0.5, xs[-1] + 0.5], [line_y, line_y], color="#999999", linewidth=0.6)


def _coverage_legend(ax: Axes, any_short: bool) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=HOLDS, label=_("holds the value")),
        Patch(facecolor=EMPTY, label=_("does not")),
        Patch(facecolor="white", edgecolor=UNKNOWN_EDGE, hatch="/////", label=_("unknown")),
    ]
    if any_short:
        handles.append(Patch(facecolor=SHORT_FILL, edgecolor=SHORT, label=_("fewer than required")))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        ncol=len(handles),
        frameon=False,
        fontsize=7,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.2,
    )
