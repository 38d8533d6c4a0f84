"""The feasibility map of a sweep: status per (size, overlap)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


from ._common import (
    _STYLE,
    A4_WIDTH,
    STATUS_STYLE,
    _finish,
    _new_figure,
    _require_matplotlib,
    _status_word,
)


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
    from ..sweep import FIXED_COLUMNS, TAIL_COLUMNS

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
