"""Distributions: the selection beside the pool (and a published reference), per attribute."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SelectieError
from ..i18n import _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..report import TableSet
    from ..result import Selection

from ._common import (
    _STYLE,
    A4_WIDTH,
    POOL_COLOUR,
    REFERENCE_COLOUR,
    SELECTED_COLOUR,
    _attribute_title,
    _finish,
    _new_figure,
    _require_matplotlib,
    _shorten,
)


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
    from ..report import TOTAL, TableSet

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
    from ..codebook import Codebook

    pool = getattr(selection, "pool", None)
    if pool is not None:
        return str(pool.codebook.unknown)
    return str(Codebook.model_fields["unknown"].default)


def _panel_frame(df: pd.DataFrame) -> pd.DataFrame:
    from ..report import TOTAL

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
