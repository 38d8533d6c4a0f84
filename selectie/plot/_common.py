"""Shared by every plot: matplotlib on demand, figure size and style, colours, saving."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SelectieError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..pool import Pool


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
    >>> from selectie.plot import plot_frequency
    >>> fig = plot_frequency({"A": 3, "B": 1}, total=4)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = save_figure(fig, pathlib.Path(d) / "freq.png")
    ...     out.read_bytes()[:4] == b"\\x89PNG"
    True
    """
    import matplotlib

    from .._io import write_atomic

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
    use, else the name (underscores as spaces).
    """
    if pool is not None:
        from ..i18n import get_language

        attr = pool.codebook.attribute(name)
        if get_language() in attr.labels:
            return attr.labels[get_language()]
    return name.replace("_", " ")


def _status_word(status: str) -> str:
    from ..export import status_word

    return status_word(status)


def _case_label(pool: Pool, i: int, limit: int) -> str:
    name = pool.names[i]
    if name and pool.ids[i] in name.split():  # "Project S010 (X)" -> "S010 Project (X)"
        name = " ".join(w for w in name.split() if w != pool.ids[i])
    text = f"{pool.ids[i]} {name}" if name else pool.ids[i]
    return _shorten(text, limit)


def _points(fig: Figure, pixels: float) -> float:
    return pixels * 72.0 / fig.dpi
