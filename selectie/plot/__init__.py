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

from ._common import (
    A4_WIDTH,
    EMPTY,
    FORMATS,
    HOLDS,
    PNG_DPI,
    POOL_COLOUR,
    REFERENCE_COLOUR,
    SELECTED_COLOUR,
    SHORT,
    SHORT_FILL,
    STATUS_STYLE,
    UNKNOWN_EDGE,
    save_figure,
)
from .coverage import plot_coverage
from .distribution import plot_distribution
from .feasibility import plot_feasibility
from .frequency import plot_frequency

__all__ = [
    "A4_WIDTH",
    "EMPTY",
    "FORMATS",
    "HOLDS",
    "PNG_DPI",
    "POOL_COLOUR",
    "REFERENCE_COLOUR",
    "SELECTED_COLOUR",
    "SHORT",
    "SHORT_FILL",
    "STATUS_STYLE",
    "UNKNOWN_EDGE",
    "plot_coverage",
    "plot_distribution",
    "plot_feasibility",
    "plot_frequency",
    "save_figure",
]
