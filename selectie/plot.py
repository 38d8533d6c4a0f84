"""Pictures of a selection: coverage matrix, distributions, frequencies, feasibility map.

Each plot is one call that returns a :class:`matplotlib.figure.Figure`. Give ``ax`` to draw
into an existing Axes (e.g. a subplot of your own figure), and ``path`` to also save the
figure; the file type follows the suffix (``.png`` at 200 dpi, ``.svg``, ``.pdf``), the file
is written atomically and the same input gives the same bytes. The figures are sized to be
legible printed at A4 width.

Plotting needs matplotlib (``pip install 'selectie[plot]'``); it is imported only when a plot
is made. Figures are made without pyplot, so nothing is shown or kept open behind your back;
in a notebook, a returned figure displays as the cell's value.

>>> from selectie import load_pool, load_scenario, select
>>> sel = select(load_pool(), load_scenario(), solver="highs")
>>> fig = plot_coverage(sel)
>>> len(fig.axes)
1
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, SelectieError
from .i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .constraints import CompiledScenario
    from .pool import Pool
    from .report import TableSet
    from .result import Selection
    from .scenario import Scenario

__all__ = [
    "plot_coverage",
    "plot_distribution",
    "plot_feasibility",
    "plot_frequency",
    "save_figure",
]

#: Width of a figure printed across an A4 page with 2 cm margins, in inches.
A4_WIDTH = 6.7
#: Resolution of saved PNG files.
PNG_DPI = 200
#: File types :func:`save_figure` writes, by suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

# Colours: legible in print and in grey scale (dark, mid and light stay apart).
HOLDS = "#1f4e79"
EMPTY = "#e9edf2"
UNKNOWN_EDGE = "#8c8c8c"
SHORT = "#c0392b"
SHORT_FILL = "#f6d5d1"
POOL_COLOUR = "#b0b0b0"
SELECTED_COLOUR = "#1f4e79"
REFERENCE_COLOUR = "#e08a1e"
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    # status: (fill, text colour, mark when there is no value to show)
    "optimal": ("#1a7a3e", "white", "✓"),
    "feasible": ("#9fd08a", "black", "✓"),
    "infeasible": ("#d9d9d9", "#555555", "×"),
    "no_solution": ("#f7c873", "black", "?"),
    "error": ("#8b1a1a", "white", "!"),
}

_STYLE: Any = {  # typed loosely: matplotlib types rc keys as a Literal
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "svg.hashsalt": "selectie",
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
}


# --------------------------------------------------------------------------------------------
# matplotlib, figures and files
# --------------------------------------------------------------------------------------------


def _require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is installed in the test environment
        raise SelectieError(
            "plotting needs matplotlib, which is not installed; install it with "
            "pip install 'selectie[plot]' (or pip install matplotlib)"
        ) from None
    return matplotlib


def _new_figure(width: float, height: float) -> Figure:
    """A figure that belongs to no pyplot window and draws with Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    _enable_notebook_display()
    return fig


def _enable_notebook_display() -> None:
    """In IPython/Jupyter, show figures returned as a cell's value as PNG.

    pyplot's inline backend registers this display only once pyplot is imported; selectie
    makes figures without pyplot, so it registers a display for Figure itself when none is
    registered yet (one that an inline backend set up later replaces).
    """
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters.get("image/png")
    if formatter is None:
        return
    try:
        formatter.lookup_by_type(Figure)
    except KeyError:
        formatter.for_type(Figure, _notebook_png)


def _notebook_png(fig: Figure) -> tuple[bytes, dict[str, int]]:
    """The figure as a sharp PNG (200 dpi), shown in a notebook at about 133 dpi."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(
            buf, format="png", dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.08, facecolor="white"
        )
    data = buf.getvalue()
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    return data, {"width": round(width / 1.5), "height": round(height / 1.5)}


def save_figure(
    fig: Figure, path: str | Path, *, protect: Iterable[str | Path | None] = ()
) -> Path:
    """Write ``fig`` to ``path`` as PNG (200 dpi), SVG or PDF, chosen by the suffix.

    The file is written atomically and never over one of ``protect`` (the run's input files);
    the same figure gives the same bytes (no dates or random ids in the file). Returns the path.

    >>> import tempfile, pathlib
    >>> fig = plot_frequency({"A": 3, "B": 1}, total=4)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = save_figure(fig, pathlib.Path(d) / "freq.png")
    ...     out.read_bytes()[:4] == b"\\x89PNG"
    True
    """
    import matplotlib

    from ._io import write_atomic

    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot write a plot to {str(target)!r}: unknown file type "
            f"{target.suffix or '(no suffix)'!r}",
            hint="Use a file name ending in .png, .svg or .pdf.",
        )
    metadata: dict[str, Any] = {
        "png": {},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None},
    }[fmt]
    buf = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(
            buf,
            format=fmt,
            dpi=PNG_DPI,
            bbox_inches="tight",
            pad_inches=0.08,
            metadata=metadata,
            facecolor="white",
        )
    write_atomic(target, buf.getvalue(), protect=protect)
    return target


def _finish(fig: Figure, path: str | Path | None, protect: Iterable[str | Path | None]) -> Figure:
    if path is not None:
        save_figure(fig, path, protect=protect)
    return fig


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _attribute_title(name: str, pool: Pool | None = None) -> str:
    """A short heading for an attribute: the codebook's ``labels`` entry for the language in
    use, else the name (underscores as spaces)."""
    if pool is not None:
        from .i18n import get_language

        attr = pool.codebook.attribute(name)
        if get_language() in attr.labels:
            return attr.labels[get_language()]
    return name.replace("_", " ")


def _status_word(status: str) -> str:
    from .export import status_word

    return status_word(status)


def _case_label(pool: Pool, i: int, limit: int) -> str:
    name = pool.names[i]
    if name and pool.ids[i] in name.split():  # "Project S010 (X)" -> "S010 Project (X)"
        name = " ".join(w for w in name.split() if w != pool.ids[i])
    text = f"{pool.ids[i]} {name}" if name else pool.ids[i]
    return _shorten(text, limit)


def _points(fig: Figure, pixels: float) -> float:
    return pixels * 72.0 / fig.dpi


# --------------------------------------------------------------------------------------------
# Coverage matrix
# --------------------------------------------------------------------------------------------


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
    from .constraints import compile_scenario
    from .pool import Pool

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
    pool: Pool,
    compiled: CompiledScenario | None,
    positions: Sequence[int],
    columns: Sequence[tuple[str, str]],
) -> tuple[dict[int, tuple[int | None, int | None]], set[int]]:
    """Per column: the tightest (min, max) of the quotas and coverage on that value, and the
    columns whose count breaks one of them."""
    bounds: dict[int, tuple[int | None, int | None]] = {}
    short: set[int] = set()
    if compiled is None:
        return bounds, short
    by_name: dict[str, list[Any]] = {}
    for c in compiled.constraints:
        if c.kind in ("quota", "coverage"):
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


# --------------------------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------------------------


def plot_distribution(
    selection: Selection | TableSet,
    *,
    reference: Mapping[str, Mapping[str, int]] | str | Path | None = None,
    attributes: Sequence[str] | None = None,
    pool_size: int | None = None,
    columns: int = 2,
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
    path: str | Path | None = None,
) -> Figure:
    """The selection's distribution beside the pool's (and a reference's), per attribute.

    One small horizontal bar chart per attribute: for each value the share of the selected
    cases holding it, the share in the ``reference`` counts (e.g. ``"bijlage4"``, the published
    tables) and the share of the pool, each bar labelled with its count. Shares make a
    selection of 13 comparable with a pool of 126; on a multi-valued attribute they can add up
    to more than 100%.

    ``selection`` is a :class:`~selectie.result.Selection` or a
    :class:`~selectie.report.TableSet` (from ``selection.tables(...)``; its reference is used
    and ``reference`` must be left out). ``pool_size`` is needed only for a TableSet without a
    single-valued attribute. ``ax`` may be a sequence with one Axes per attribute.

    >>> from selectie import load_pool, load_scenario, select
    >>> sel = select(load_pool(), load_scenario(), solver="highs")
    >>> fig = plot_distribution(sel, reference="bijlage4", attributes=["regio", "theorie"])
    >>> [a.get_title(loc="left") for a in fig.axes]  # labels, or names where a label is long
    ['regio', 'Theory-driven criteria (Figuur 1)']
    """
    matplotlib = _require_matplotlib()
    tables, n_pool = _distribution_input(selection, reference, attributes, pool_size)
    unknown = _unknown_word(selection)
    names = list(tables)
    if attributes is not None:
        missing = [a for a in attributes if a not in tables.frames]
        if missing:
            raise InputError(
                f"the tables have no attribute {', '.join(repr(m) for m in missing)} "
                f"(they have: {', '.join(names)})"
            )
        names = list(dict.fromkeys(attributes))
    if columns < 1:
        raise InputError(f"columns must be at least 1, not {columns}")
    n_sel = tables.size
    has_ref = tables.has_reference
    with matplotlib.rc_context(_STYLE):
        frames = {a: _panel_frame(tables[a]) for a in names}
        axes, fig = _distribution_axes(frames, names, columns, has_ref, ax)
        for a, axis in zip(names, axes, strict=True):
            _draw_panel(axis, a, frames[a], n_sel, n_pool, has_ref, unknown, tables)
        handles = _distribution_handles(n_sel, n_pool, tables.reference_name if has_ref else None)
        if ax is None:
            fig.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=len(handles),
                frameon=False,
                fontsize=7.5,
            )
            if title is None:
                title = (
                    _("Share of cases holding each value: selection, reference, pool")
                    if has_ref
                    else _("Share of cases holding each value: selection, pool")
                )
            if title:
                fig.suptitle(
                    title, x=0.0, y=1.0 + 0.25 / fig.get_figheight(), ha="left", fontsize=9
                )
        else:
            axes[0].legend(handles=handles, loc="lower right", fontsize=6.5, frameon=False)
    return _finish(fig, path, [])


def _distribution_input(
    selection: Selection | TableSet,
    reference: Mapping[str, Mapping[str, int]] | str | Path | None,
    attributes: Sequence[str] | None,
    pool_size: int | None,
) -> tuple[TableSet, int]:
    from .report import TOTAL, TableSet

    if isinstance(selection, TableSet):
        if reference is not None:
            raise InputError(
                "a TableSet carries its own reference; leave reference out",
                hint="Make the tables with selection.tables(reference) instead.",
            )
        tables = selection
        n_pool = pool_size
        if n_pool is None:
            for df in tables.frames.values():
                if TOTAL in df.index:
                    n_pool = int(df.loc[TOTAL, "pool"])
                    break
        if n_pool is None:
            raise InputError(
                "cannot tell the pool's size from these tables (no single-valued attribute)",
                hint="Pass pool_size=..., or pass the Selection itself.",
            )
        return tables, n_pool
    if not selection.ok:
        raise SelectieError(
            f"the selection has no cases to plot (status {selection.status.value})"
            + (f": {selection.message}" if selection.message else "")
        )
    if attributes is not None:
        cb = selection.pool.codebook
        unknown = [a for a in attributes if not cb.has(a)]
        if unknown:
            raise InputError(
                "cannot plot attributes the codebook does not have: "
                + "; ".join(cb.unknown_attribute_message(a) for a in unknown)
            )
    ref = str(reference) if isinstance(reference, Path) else reference
    return selection.tables(ref, attributes=attributes), len(selection.pool)


def _unknown_word(selection: Selection | TableSet) -> str:
    """The word the tables use for unknown values (a TableSet does not say: the default)."""
    from .codebook import Codebook

    pool = getattr(selection, "pool", None)
    if pool is not None:
        return str(pool.codebook.unknown)
    return str(Codebook.model_fields["unknown"].default)


def _panel_frame(df: pd.DataFrame) -> pd.DataFrame:
    from .report import TOTAL

    return df[df.index != TOTAL]


def _distribution_axes(
    frames: Mapping[str, pd.DataFrame],
    names: Sequence[str],
    columns: int,
    has_ref: bool,
    ax: Axes | Sequence[Axes] | None,
) -> tuple[list[Axes], Figure]:
    if ax is not None:
        given = [ax] if not isinstance(ax, Sequence) else list(ax)
        if len(given) != len(names):
            raise InputError(
                f"plot_distribution needs one Axes per attribute: {len(names)} attributes "
                f"({', '.join(names)}) but {len(given)} Axes"
            )
        return given, given[0].figure  # type: ignore[return-value]
    cols = min(columns, len(names))
    rows = [list(names[k : k + cols]) for k in range(0, len(names), cols)]
    per_value = 0.24 if has_ref else 0.2  # the eight WODC tables fit an A4 page
    heights = [max(len(frames[a]) for a in row) * per_value + 0.25 for row in rows]
    gap = 0.45
    height = sum(heights) + gap * (len(rows) - 1) + 0.35
    fig = _new_figure(A4_WIDTH, height)
    label_in = 1.25
    panel_w = (A4_WIDTH - cols * (label_in + 0.1)) / cols
    axes: list[Axes] = []
    y_top = height - 0.35
    for row, h in zip(rows, heights, strict=True):
        for c, _name in enumerate(row):
            left = c * (label_in + panel_w + 0.1) + label_in
            n_values = len(frames[_name])
            panel_h = n_values * per_value + 0.1
            axes.append(
                fig.add_axes(
                    (
                        left / A4_WIDTH,
                        (y_top - panel_h - 0.1) / height,
                        panel_w / A4_WIDTH,
                        panel_h / height,
                    )
                )
            )
        y_top -= h + gap
    return axes, fig


def _draw_panel(
    ax: Axes,
    name: str,
    df: pd.DataFrame,
    n_sel: int,
    n_pool: int,
    has_ref: bool,
    unknown: str,
    tables: TableSet | None = None,
) -> None:
    from matplotlib.ticker import PercentFormatter

    values = [str(v) for v in df.index]
    labels = tables.labels.get(name, {}) if tables is not None else {}
    bars: list[tuple[str, list[float | None], int]] = [
        (SELECTED_COLOUR, [_num(x) for x in df["selected"]], n_sel),
    ]
    if has_ref and "reference" in df.columns:
        bars.append((REFERENCE_COLOUR, [_num(x) for x in df["reference"]], n_sel))
    bars.append((POOL_COLOUR, [_num(x) for x in df["pool"]], n_pool))
    k = len(bars)
    height = 0.8 / k
    top_share = 0.0
    for b, (colour, counts, total) in enumerate(bars):
        ys = [v + (b - (k - 1) / 2) * height for v in range(len(values))]
        shares = [0.0 if c is None else c / total for c in counts]
        top_share = max(top_share, *shares) if shares else top_share
        ax.barh(ys, shares, height=height * 0.92, color=colour, linewidth=0)
        for y, c, s in zip(ys, counts, shares, strict=True):
            text = _("n/a") if c is None else f"{c:g}"
            ax.text(
                s,
                y,
                f" {text}",
                va="center",
                ha="left",
                fontsize=5.5,
                color="#333333" if c is not None else "#888888",
            )
    ax.set_yticks(range(len(values)))
    ax.set_yticklabels(
        [_wrap(_shorten(labels[v], 32) if v in labels else v, 20) for v in values], fontsize=6.5
    )
    for label, value in zip(ax.get_yticklabels(), values, strict=True):
        if value == unknown:
            label.set_fontstyle("italic")
            label.set_color("#666666")
    ax.invert_yaxis()
    ax.set_ylim(len(values) - 0.5, -0.5)
    ax.set_xlim(0, max(0.05, top_share) * 1.22)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.tick_params(axis="x", labelsize=6, length=2)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # The attribute's label when it fits the panel, else its (short) name.
    title = tables.titles.get(name, name) if tables is not None else name
    if len(title) > 44:
        title = _attribute_title(name)
    ax.set_title(title, loc="left", fontsize=8, fontweight="bold", pad=3)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _num(x: Any) -> float | None:
    import pandas as pd

    if x is None or pd.isna(x):
        return None
    return float(x)


def _distribution_handles(n_sel: int, n_pool: int, ref_name: str | None) -> list[Any]:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=SELECTED_COLOUR, label=_("selection (of {n})").format(n=n_sel))]
    if ref_name is not None:
        handles.append(
            Patch(
                facecolor=REFERENCE_COLOUR,
                label=_("reference {name!r} (of {n})").format(name=ref_name, n=n_sel),
            )
        )
    handles.append(Patch(facecolor=POOL_COLOUR, label=_("pool (of {n})").format(n=n_pool)))
    return handles


# --------------------------------------------------------------------------------------------
# Frequencies: alternatives, importance, lotteries
# --------------------------------------------------------------------------------------------


def plot_frequency(
    frequencies: Mapping[str, float] | Any,
    *,
    total: int | None = None,
    pool: Pool | None = None,
    highlight: Iterable[str] = (),
    top: int | None = 40,
    title: str | None = None,
    label_width: int = 40,
    ax: Axes | None = None,
    path: str | Path | None = None,
) -> Figure:
    """How often each case appears among a set of selections, as a share of them.

    ``frequencies`` maps case id -> count (then give ``total``, the number of selections) or
    -> probability between 0 and 1 (leave ``total`` out). This serves alternatives (in how
    many of the *k* best selections each case appears), importance, and lotteries (each case's
    selection probability). Cases are sorted from most to least frequent (ties in pool order
    with ``pool``, else by id); ``top`` keeps the most frequent (None: all). With ``pool``, the
    cases are labelled with their names. Cases in ``highlight`` (e.g. the best selection) are
    drawn dark, others light.

    Result objects are accepted too: :func:`selectie.alternatives` results (each case counted
    among the listed selections, the best one highlighted), and any object with a
    ``frequencies``, ``counts`` or ``probabilities`` mapping (and ``total``/``count``/``k`` for
    counts, ``pool``, ``selected``/``ids`` to highlight), such as a :mod:`selectie.lottery`
    result.

    >>> fig = plot_frequency({"R01": 5, "R02": 3, "S010": 1}, total=5, highlight=["R01"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['R01', 'R02', 'S010']
    """
    matplotlib = _require_matplotlib()
    freqs, total, pool, highlight = _frequency_input(frequencies, total, pool, highlight)
    shares = _shares(freqs, total)
    order = list(shares)
    if pool is not None:
        rank = {case: (pool.position(case) if pool.contains(case) else len(pool)) for case in order}
        order.sort(key=lambda c: (-round(shares[c], 9), rank[c], c))
    else:
        order.sort(key=lambda c: (-round(shares[c], 9), _natural(c)))
    if top is not None:
        if top < 1:
            raise InputError(f"top must be at least 1 (or None for all), not {top}")
        shown = order[:top]
    else:
        shown = order
    marked = {_norm(h) for h in highlight}
    labels = [
        _case_label(pool, pool.position(c), label_width)
        if pool is not None and pool.contains(c)
        else _shorten(c, label_width)
        for c in shown
    ]
    with matplotlib.rc_context(_STYLE):
        if ax is None:
            label_in = max(len(t) for t in labels) * 7 * 0.56 / 72 + 0.15
            height = 0.17 * len(shown) + 0.9
            fig = _new_figure(min(A4_WIDTH, label_in + 4.2), height)
            ax = fig.add_axes(
                (
                    label_in / min(A4_WIDTH, label_in + 4.2),
                    0.45 / height,
                    1 - (label_in + 0.15) / min(A4_WIDTH, label_in + 4.2),
                    (height - 0.9) / height,
                )
            )
        else:
            fig = ax.figure  # type: ignore[assignment]
        from matplotlib.patches import Patch
        from matplotlib.ticker import PercentFormatter

        colours = [SELECTED_COLOUR if _norm(c) in marked else "#9db7d0" for c in shown]
        ys = list(range(len(shown)))
        ax.barh(ys, [shares[c] for c in shown], height=0.75, color=colours, linewidth=0)
        for y, c in zip(ys, shown, strict=True):
            text = f" {freqs[c]:g} of {total}" if total is not None else f" {shares[c]:.1%}"
            ax.text(shares[c], y, text, va="center", ha="left", fontsize=6.5, color="#333333")
        ax.set_yticks(ys)
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylim(len(shown) - 0.5, -0.5)
        from matplotlib.ticker import MaxNLocator

        ax.set_xlim(0, min(1.18, max(0.05, max(shares.values()) * 1.3)))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.tick_params(axis="x", labelsize=7)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(
            _("share of the selections that include the case")
            if total is not None
            else _("selection probability"),
            fontsize=7.5,
        )
        if title is None:
            title = (
                _("How often each case is selected, of {total} selections").format(total=total)
                if total is not None
                else _("Selection probability of each case")
            )
            if len(shown) < len(order):
                title += _(" ({n} highest of {total})").format(n=len(shown), total=len(order))
        if title:
            ax.set_title(title, loc="left", fontsize=9)
        if marked:
            ax.legend(
                handles=[
                    Patch(
                        facecolor=SELECTED_COLOUR, label=_("highlighted (e.g. the best selection)")
                    ),
                    Patch(facecolor="#9db7d0", label=_("other cases")),
                ],
                loc="lower right",
                fontsize=6.5,
                frameon=False,
            )
    return _finish(fig, path, [pool.source] if pool is not None else [])


def _frequency_input(
    obj: Any, total: int | None, pool: Pool | None, highlight: Iterable[str]
) -> tuple[dict[str, float], int | None, Pool | None, list[str]]:
    highlight = list(highlight)
    freqs: Mapping[Any, Any] | None = None
    listed = getattr(obj, "selections", None)
    if isinstance(obj, Mapping):
        freqs = obj
    elif callable(getattr(obj, "frequency", None)) and isinstance(listed, Sequence):
        # selectie.alternatives: frequency() counts cases among the listed selections, whose
        # number (not the requested count) is the total; the best selection is highlighted.
        freqs = obj.frequency()
        if total is None:
            total = len(listed)
        if not highlight and listed:
            highlight = [str(v) for v in getattr(listed[0], "ids", ())]
        if pool is None:
            from .pool import Pool

            maybe = getattr(obj, "pool", None)
            pool = maybe if isinstance(maybe, Pool) else None
    else:
        for attr in ("frequencies", "counts", "probabilities"):
            value = getattr(obj, attr, None)
            if isinstance(value, Mapping):
                freqs = value
                if attr == "probabilities":
                    total = None
                break
        if freqs is None:
            raise InputError(
                f"plot_frequency needs a mapping of case id -> count or probability; got "
                f"{type(obj).__name__}",
                hint="Pass e.g. {'R01': 7, 'R02': 3} with total=10.",
            )
        if total is None and not hasattr(obj, "probabilities"):
            for attr in ("total", "count", "k"):
                value = getattr(obj, attr, None)
                if isinstance(value, int) and not isinstance(value, bool):
                    total = value
                    break
        if pool is None:
            maybe = getattr(obj, "pool", None)
            from .pool import Pool

            pool = maybe if isinstance(maybe, Pool) else None
        if not highlight:
            for attr in ("selected", "ids"):
                value = getattr(obj, attr, None)
                if isinstance(value, Sequence) and not isinstance(value, str):
                    highlight = [str(v) for v in value]
                    break
    assert freqs is not None
    out: dict[str, float] = {}
    seen: dict[str, str] = {}
    for case, v in freqs.items():
        first = seen.setdefault(_norm(str(case)), str(case))
        if first != str(case):
            raise InputError(
                f"the frequencies name one case twice: {first!r} and {str(case)!r} differ only "
                "in case or spacing",
                hint="Strip the ids before counting (e.g. split a comma-separated list on ', ').",
            )
        try:
            number = float(v)
        except (TypeError, ValueError):
            raise InputError(f"the frequency of {case!r} is {v!r}; expected a number") from None
        if math.isnan(number) or number < 0:
            raise InputError(f"the frequency of {case!r} is {v!r}; expected a number ≥ 0")
        out[str(case)] = number
    if not out:
        raise InputError("there are no frequencies to plot (the mapping is empty)")
    return out, total, pool, highlight


def _shares(freqs: Mapping[str, float], total: int | None) -> dict[str, float]:
    if total is None:
        over = [c for c, v in freqs.items() if v > 1]
        if over:
            raise InputError(
                f"{over[0]!r} has frequency {freqs[over[0]]:g}, more than 1: counts need the "
                "number of selections",
                hint="Pass total=<number of selections>, or give probabilities between 0 and 1.",
            )
        return dict(freqs)
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        raise InputError(f"total must be a positive whole number, not {total!r}")
    over = [c for c, v in freqs.items() if v > total]
    if over:
        raise InputError(
            f"{over[0]!r} appears {freqs[over[0]]:g} times, more than total={total} selections"
        )
    return {c: v / total for c, v in freqs.items()}


def _natural(text: str) -> tuple[Any, ...]:
    import re

    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def _norm(case_id: str) -> str:
    return " ".join(str(case_id).split()).casefold()


# --------------------------------------------------------------------------------------------
# Feasibility map of a sweep
# --------------------------------------------------------------------------------------------


def plot_feasibility(
    frame: pd.DataFrame,
    *,
    value: str | Sequence[str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    path: str | Path | None = None,
) -> Figure:
    """The feasibility map of a :func:`selectie.sweep.sweep`: size × overlap, by status.

    Each cell is one variant, coloured by its status (optimal, feasible at the time limit,
    infeasible, no solution in time, error) and marked ✓ × ? ! so the map reads in grey scale
    too. Cells with a selection are annotated with ``value``: a column of the frame or a list
    of columns (default: the objective's parts, e.g. ``depth / total``).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"size": [10, 10, 11, 11], "overlap": [1, 2, 1, 2],
    ...                       "status": ["optimal", "infeasible", "optimal", "optimal"],
    ...                       "objective": [3, None, 4, 2]})
    >>> fig = plot_feasibility(frame)
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['10', '11']
    """
    matplotlib = _require_matplotlib()
    from .sweep import FIXED_COLUMNS, TAIL_COLUMNS

    need = [c for c in ("size", "overlap", "status") if c not in frame.columns]
    if need:
        raise InputError(
            f"the frame has no column {', '.join(repr(c) for c in need)}; "
            "plot_feasibility expects the DataFrame that selectie.sweep returns"
        )
    if value is None:
        parts = [c for c in frame.columns if c not in (*FIXED_COLUMNS, *TAIL_COLUMNS, "seconds")]
        shown = parts or (["objective"] if "objective" in frame.columns else [])
    else:
        shown = [value] if isinstance(value, str) else list(value)
        missing = [c for c in shown if c not in frame.columns]
        if missing:
            raise InputError(
                f"the frame has no column {', '.join(repr(c) for c in missing)} to annotate "
                f"(it has: {', '.join(map(str, frame.columns))})"
            )
    bad = sorted({str(s) for s in frame["status"]} - set(STATUS_STYLE))
    if bad:
        raise InputError(
            f"unknown status {', '.join(repr(b) for b in bad)} in the frame "
            f"(expected one of: {', '.join(STATUS_STYLE)})"
        )
    sizes = sorted({int(s) for s in frame["size"]})
    overlaps = sorted({int(k) for k in frame["overlap"]})
    if not sizes:
        raise InputError("the frame is empty; there is nothing to plot")
    with matplotlib.rc_context(_STYLE):
        if ax is None:
            cell = min(0.6, (A4_WIDTH - 1.0) / len(sizes))
            width = max(3.5, cell * len(sizes) + 1.0)
            height = max(1.2, 0.45 * len(overlaps)) + 1.1
            fig = _new_figure(width, height)
            ax = fig.add_axes(
                (0.8 / width, 0.75 / height, (width - 1.0) / width, (height - 1.2) / height)
            )
        else:
            fig = ax.figure  # type: ignore[assignment]
        from matplotlib.patches import Patch, Rectangle

        xi = {s: n for n, s in enumerate(sizes)}
        yi = {k: n for n, k in enumerate(overlaps)}
        seen: list[str] = []
        for _index, row in frame.iterrows():
            status = str(row["status"])
            if status not in seen:
                seen.append(status)
            fill, ink, mark = STATUS_STYLE[status]
            x, y = xi[int(row["size"])], yi[int(row["overlap"])]
            ax.add_patch(
                Rectangle(
                    (x - 0.5, y - 0.5), 1, 1, facecolor=fill, edgecolor="white", linewidth=1.5
                )
            )
            numbers = [_format(row[c]) for c in shown]
            has_value = status in ("optimal", "feasible") and any(n for n in numbers)
            text = "/".join(n or "–" for n in numbers) if has_value else mark
            ax.text(x, y, text, ha="center", va="center", color=ink, fontsize=7 if has_value else 9)
        ax.set_xlim(-0.5, len(sizes) - 0.5)
        ax.set_ylim(-0.5, len(overlaps) - 0.5)
        ax.set_xticks(range(len(sizes)))
        ax.set_xticklabels([str(s) for s in sizes], fontsize=7.5)
        ax.set_yticks(range(len(overlaps)))
        ax.set_yticklabels([str(k) for k in overlaps], fontsize=7.5)
        ax.set_xlabel(_("selection size"), fontsize=8)
        ax.set_ylabel(_("overlap (cases per value)"), fontsize=8)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        order = [s for s in STATUS_STYLE if s in seen]
        handles = [
            Patch(facecolor=STATUS_STYLE[s][0], label=f"{STATUS_STYLE[s][2]} {_status_word(s)}")
            for s in order
        ]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0, -0.28 * 3 / max(3, len(overlaps))),
            ncol=len(handles),
            frameon=False,
            fontsize=7,
            handlelength=1.2,
        )
        if title is None:
            title = _("Feasibility by size and overlap")
            if shown:
                names = " / ".join(_(SWEEP_COLUMNS.get(c, c)) for c in shown)
                title += _(" (cells: {columns})").format(columns=names)
        if title:
            ax.set_title(title, loc="left", fontsize=9)
    return _finish(fig, path, [])


#: Column names of a sweep frame, translated in the feasibility map's title.
SWEEP_COLUMNS = {
    "depth": N_("depth"),
    "total": N_("total"),
    "weight": N_("weight"),
    "deviation": N_("deviation"),
}


def _format(v: Any) -> str:
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)
