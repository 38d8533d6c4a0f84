"""The plots: what each one draws, checked on the drawn artists, and how figures are saved.

Most tests use the tiny pool below, whose right counts are read off by hand:

    c1 red   small    a|b
    c2 red   large    b
    c3 green small    c
    c4 green large    a|c
    c5 blue  small    (no tags)
    c6 blue  unknown  a|b|c
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from selectie import (
    InputError,
    Pool,
    Quota,
    Scenario,
    SelectieError,
    Selection,
    load_pool,
    load_scenario,
    select,
)
from selectie.plot import (
    EMPTY,
    HOLDS,
    SHORT,
    STATUS_STYLE,
    plot_coverage,
    plot_distribution,
    plot_feasibility,
    plot_frequency,
    save_figure,
)
from selectie.scenario import Coverage
from tests.handmade import ROWS


@pytest.fixture
def pool(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


@pytest.fixture
def selection(pool: Pool) -> Selection:
    """Two blue cases (c5, c6) and every tag twice: c6 holds a, b, c, so two more cases must
    add a, b and c; c1+c3, c1+c4 and c2+c4 do, and the earliest rows win: c1, c3, c5, c6.
    """
    scenario = Scenario(
        size=4,
        quotas=[Quota(attribute="colour", values=["blue"], min=2)],
        coverage=[Coverage(attributes=["tags"], overlap=2)],
    )
    sel = select(pool, scenario, solver="highs")
    assert sel.ids == ("c1", "c3", "c5", "c6")
    return sel


def _bars(ax: Axes) -> list[Rectangle]:
    """The Axes' patches, which in these plots are all rectangles (bars and cells)."""
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(ax.patches)
    return bars


def cells(ax: Axes, colour: str) -> int:
    """How many matrix cells of one face colour the Axes holds."""
    n = 0
    for coll in ax.collections:
        if isinstance(coll, PatchCollection) and len(coll.get_paths()):
            faces = np.atleast_2d(np.asarray(coll.get_facecolor(), dtype=float))
            if len(faces) and to_hex(tuple(faces[0])) == to_hex(colour):
                n += len(coll.get_paths())
    return n


def hatched_cells(ax: Axes) -> int:
    """How many hatched (unknown) cells the Axes holds."""
    return sum(
        len(c.get_paths())
        for c in ax.collections
        if isinstance(c, PatchCollection) and c.get_hatch()
    )


def footer(ax: Axes, row: int) -> list[str]:
    """The texts of a footer row (0: selected, 1: required), left to right."""
    ys = sorted({t.get_position()[1] for t in ax.texts})
    y = ys[row]
    found = [t for t in ax.texts if t.get_position()[1] == y]
    return [t.get_text() for t in sorted(found, key=lambda t: t.get_position()[0])]


# --------------------------------------------------------------------------------------------
# coverage matrix
# --------------------------------------------------------------------------------------------


def test_coverage_rows_are_the_selected_cases(selection: Selection) -> None:
    """One row per selected case, labelled id and name, in pool order, then two footers."""
    ax = plot_coverage(selection).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    expected = [f"{i} case" for i in selection.ids]  # the id is not repeated from the name
    assert labels == [*expected, "selected", "required (min)"]


def test_coverage_columns_grouped_by_attribute(selection: Selection) -> None:
    """Each attribute's name heads its values, in codebook order."""
    ax = plot_coverage(selection).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heads = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert heads == ["colour", "size", "tags"]
    assert set(labels) == {*heads, "red", "green", "blue", "small", "large", "a", "b", "c"}
    positions = {t.get_text(): t.get_position()[0] for t in ax.get_xticklabels()}
    assert positions["colour"] < positions["red"] < positions["size"] < positions["small"]
    assert positions["tags"] < positions["a"] < positions["c"]


def test_coverage_cells_match_the_pool(selection: Selection) -> None:
    """Filled cells are the (case, value) pairs held; unknown cells are hatched."""
    ax = plot_coverage(selection).axes[0]
    frame = selection.pool.to_dataframe().loc[list(selection.ids)]
    held = 0
    unknown = 0
    for _, row in frame.iterrows():
        held += 1  # colour is required: always one value
        held += row["size"] is not None
        unknown += 2 if row["size"] is None else 0  # two size columns
        held += len(row["tags"] or [])
    assert cells(ax, HOLDS) == held
    assert hatched_cells(ax) == unknown
    assert cells(ax, EMPTY) == len(frame) * 8 - held - unknown


def test_coverage_footer_counts_and_minimums(selection: Selection) -> None:
    """The footer counts the selected holders of each value and shows the scenario's minimum."""
    ax = plot_coverage(selection).axes[0]
    counts = selection.tables(attributes=["colour", "size", "tags"])
    expected = [
        str(int(counts[a].loc[v, "selected"]))
        for a, values in (
            ("colour", ["red", "green", "blue"]),
            ("size", ["small", "large"]),
            ("tags", ["a", "b", "c"]),
        )
        for v in values
    ]
    assert footer(ax, 0) == expected
    assert footer(ax, 1) == ["·", "·", "2", "·", "·", "2", "2", "2"]


def test_coverage_marks_shortfalls_red(pool: Pool) -> None:
    """A hand-made selection missing a required value shows that value's label in red."""
    scenario = Scenario(size=2, coverage=[Coverage(attributes=["tags"], overlap=1)])
    fig = plot_coverage(pool, ids=["c2", "c5"], scenario=scenario)
    red = [t.get_text() for t in fig.axes[0].get_xticklabels() if to_hex(t.get_color()) == SHORT]
    assert red == ["a", "c"]


def test_coverage_default_attributes_on_wodc() -> None:
    """Without attributes, the scenario's coverage and quota attributes and the table
    attributes are shown; the spread variant has 9 attributes and 49 values.
    """
    pool = load_pool()
    report13 = [i for i in pool.ids if i.startswith("R")]
    spread = load_scenario("bijlage4-spread")  # it covers crime-script phases
    ax = plot_coverage(pool, ids=report13, scenario=spread).axes[0]
    heads = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert heads == [
        "regio",
        "cluster",
        "crime script",
        "theorie",
        "partners",
        "innovatie",
        "focus",
        "type",
        "geografisch niveau",
    ]
    assert len(ax.get_xticklabels()) - len(heads) == 10 + 6 + 7 + 5 + 3 + 2 + 4 + 8 + 4


def test_coverage_of_pool_needs_ids(pool: Pool) -> None:
    """A pool without ids is refused with a hint."""
    with pytest.raises(InputError) as info:
        plot_coverage(pool)
    assert str(info.value) == (
        "plot_coverage was given a pool but no ids\n"
        "Pass ids=[...] with the selected case ids, or pass a Selection."
    )


def test_coverage_refuses_unknown_ids(pool: Pool) -> None:
    """An id that is not in the pool is named."""
    with pytest.raises(InputError) as info:
        plot_coverage(pool, ids=["c1", "zz"])
    assert str(info.value) == (
        "cannot plot the coverage of ids that are not in the pool: 'zz' is not an id in the pool"
    )


def test_coverage_refuses_unknown_attribute(selection: Selection) -> None:
    """An attribute the codebook lacks is named."""
    with pytest.raises(InputError) as info:
        plot_coverage(selection, attributes=["colur"])
    assert str(info.value).startswith("cannot plot attributes the codebook does not have: ")
    assert "'colur'" in str(info.value)


def test_coverage_of_infeasible_selection_is_an_error(pool: Pool) -> None:
    """A selection without cases cannot be plotted, and the error says why."""
    sel = select(pool, Scenario(size=2, quotas=[Quota(attribute="colour", min=1)]), solver="highs")
    with pytest.raises(SelectieError) as info:
        plot_coverage(sel)
    assert str(info.value).startswith("the selection has no cases to plot (status infeasible): ")


def test_coverage_draws_into_given_axes(selection: Selection) -> None:
    """With ax, the matrix is drawn there and that Axes' figure is returned."""
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plot_coverage(selection, ax=ax) is fig
    assert cells(ax, HOLDS) > 0


# --------------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------------


def test_distribution_one_panel_per_attribute(selection: Selection) -> None:
    """Each attribute gets a panel titled with its name."""
    fig = plot_distribution(selection, attributes=["colour", "tags"])
    assert [a.get_title(loc="left") for a in fig.axes] == ["colour", "tags"]


def test_distribution_bars_are_shares(selection: Selection) -> None:
    """Bars are shares: selected count / selection size, pool count / pool size."""
    fig = plot_distribution(selection, attributes=["colour"])
    widths = [round(p.get_width(), 6) for p in _bars(fig.axes[0])]
    sel_counts = selection.pool.value_counts("colour", selection.positions)
    pool_counts = selection.pool.value_counts("colour")
    expected = [round(sel_counts[v] / 4, 6) for v in ("red", "green", "blue")]
    expected += [round(pool_counts[v] / 6, 6) for v in ("red", "green", "blue")]
    assert widths == expected


def test_distribution_with_reference(selection: Selection) -> None:
    """A reference adds a third bar per value; a value it does not count shows n/a."""
    ref = {"colour": {"red": 1, "blue": 3}}
    ax = plot_distribution(selection, reference=ref, attributes=["colour"]).axes[0]
    assert len(ax.patches) == 9
    assert [round(p.get_width(), 6) for p in _bars(ax)[3:6]] == [0.25, 0.0, 0.75]
    assert "n/a" in [t.get_text().strip() for t in ax.texts]


def test_distribution_from_table_set() -> None:
    """A TableSet works as input; the pool's size is read from a total row."""
    pool = load_pool()
    report13 = [i for i in pool.ids if i.startswith("R")]
    from selectie import tables

    ts = tables(pool, report13, reference="bijlage4", attributes=["regio"])
    ax = plot_distribution(ts).axes[0]
    widths = [p.get_width() for p in _bars(ax)]
    assert widths[20] == pytest.approx(10 / 126)  # pool bar of Amsterdam-Amstelland
    assert widths[0] == pytest.approx(1 / 13)


def test_distribution_table_set_and_reference_conflict(selection: Selection) -> None:
    """A TableSet carries its own reference; passing another is refused."""
    with pytest.raises(InputError) as info:
        plot_distribution(selection.tables(), reference="bijlage4")
    assert str(info.value) == (
        "a TableSet carries its own reference; leave reference out\n"
        "Make the tables with selection.tables(reference) instead."
    )


def test_distribution_needs_one_axes_per_attribute(selection: Selection) -> None:
    """Too few Axes for the attributes is refused."""
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    with pytest.raises(InputError) as info:
        plot_distribution(selection, attributes=["colour", "size"], ax=ax)
    assert str(info.value) == (
        "plot_distribution needs one Axes per attribute: 2 attributes (colour, size) but 1 Axes"
    )


# --------------------------------------------------------------------------------------------
# frequencies
# --------------------------------------------------------------------------------------------


def test_frequency_sorted_most_frequent_first(pool: Pool) -> None:
    """Cases are sorted by frequency, ties in pool order."""
    fig = plot_frequency({"c4": 2, "c1": 2, "c3": 5, "c2": 1}, total=5, pool=pool)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["c3 case", "c1 case", "c4 case", "c2 case"]
    assert [p.get_width() for p in _bars(fig.axes[0])] == [1.0, 0.4, 0.4, 0.2]


def test_frequency_counts_need_total() -> None:
    """Counts above 1 without total are refused, with the fix."""
    with pytest.raises(InputError) as info:
        plot_frequency({"A": 3})
    assert str(info.value) == (
        "'A' has frequency 3, more than 1: counts need the number of selections\n"
        "Pass total=<number of selections>, or give probabilities between 0 and 1."
    )


def test_frequency_top_keeps_the_most_frequent() -> None:
    """top keeps that many bars and the title says how many of how many."""
    fig = plot_frequency({f"x{i}": i / 10 for i in range(10)}, top=3)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x9", "x8", "x7"]
    assert ax.get_title(loc="left") == "Selection probability of each case (3 highest of 10)"


def test_frequency_highlight(pool: Pool) -> None:
    """Highlighted cases are drawn in the dark colour, others light."""
    fig = plot_frequency({"c1": 0.5, "c2": 0.25}, highlight=["C2"])
    colours = [to_hex(p.get_facecolor()) for p in _bars(fig.axes[0])]
    assert colours == [to_hex("#9db7d0"), to_hex(HOLDS)]


def test_frequency_reads_result_objects(pool: Pool) -> None:
    """An object with probabilities and a pool (like a Lottery) is read by its attributes."""
    result = SimpleNamespace(probabilities={"c1": 0.75, "c5": 0.25}, pool=pool)
    fig = plot_frequency(result)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["c1 case", "c5 case"]


def test_frequency_reads_counts_with_total() -> None:
    """An object with counts and total (like k-best alternatives) is read as counts."""
    result = SimpleNamespace(counts={"a": 2, "b": 4}, total=4, selected=["b"])
    fig = plot_frequency(result)
    assert [p.get_width() for p in _bars(fig.axes[0])] == [1.0, 0.5]
    assert to_hex(fig.axes[0].patches[0].get_facecolor()) == to_hex(HOLDS)


def test_frequency_reads_a_real_lottery() -> None:
    """A fair lottery's probabilities are plotted, highest first."""
    from selectie import fair_lottery

    small = load_pool()
    scenario = Scenario(size=2, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
    lot = fair_lottery(small, scenario, method="maximin")
    fig = plot_frequency(lot, top=None)
    widths = [p.get_width() for p in _bars(fig.axes[0])]
    assert widths == sorted(widths, reverse=True)
    assert sum(widths) == pytest.approx(2.0)


def test_frequency_refuses_non_numbers() -> None:
    """A frequency that is not a number is named."""
    with pytest.raises(InputError) as info:
        plot_frequency({"A": "often"}, total=3)
    assert str(info.value) == "the frequency of 'A' is 'often'; expected a number"


# --------------------------------------------------------------------------------------------
# feasibility map
# --------------------------------------------------------------------------------------------


def sweep_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "size": [10, 10, 12, 12],
            "overlap": [1, 2, 1, 2],
            "status": ["optimal", "infeasible", "feasible", "no_solution"],
            "objective": pd.array([3, None, 4, None], dtype="Int64"),
            "depth": pd.array([1, None, 2, None], dtype="Int64"),
            "total": pd.array([50, None, 60, None], dtype="Int64"),
            "selected": ["a, b", "", "c, d", ""],
            "message": ["", "no", "", ""],
        }
    )


def test_feasibility_cells_coloured_by_status() -> None:
    """Each variant is a cell in its status colour at (size, overlap)."""
    ax = plot_feasibility(sweep_frame()).axes[0]
    cells_at = {
        (round(p.get_x() + 0.5), round(p.get_y() + 0.5)): to_hex(p.get_facecolor())
        for p in _bars(ax)
    }
    assert cells_at == {
        (0, 0): STATUS_STYLE["optimal"][0],
        (0, 1): STATUS_STYLE["infeasible"][0],
        (1, 0): STATUS_STYLE["feasible"][0],
        (1, 1): STATUS_STYLE["no_solution"][0],
    }


def test_feasibility_annotates_objective_parts() -> None:
    """Cells with a selection show the objective's parts; others a status mark."""
    ax = plot_feasibility(sweep_frame()).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["1/50", "×", "2/60", "?"])
    assert ax.get_title(loc="left") == "Feasibility by size and overlap (cells: depth / total)"


def test_feasibility_value_column() -> None:
    """value picks the column shown in the cells."""
    ax = plot_feasibility(sweep_frame(), value="objective").axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["3", "×", "4", "?"])


def test_feasibility_needs_a_sweep_frame() -> None:
    """A frame without the sweep's columns is refused."""
    with pytest.raises(InputError) as info:
        plot_feasibility(pd.DataFrame({"size": [1]}))
    assert str(info.value) == (
        "the frame has no column 'overlap', 'status'; "
        "plot_feasibility expects the DataFrame that selectie.sweep returns"
    )


# --------------------------------------------------------------------------------------------
# saving, matplotlib missing, notebooks
# --------------------------------------------------------------------------------------------


def test_path_writes_png(selection: Selection, tmp_path: Path) -> None:
    """path saves a PNG file next to returning the figure."""
    out = tmp_path / "coverage.png"
    plot_coverage(selection, path=out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_is_byte_for_byte_reproducible(selection: Selection, tmp_path: Path) -> None:
    """The same plot saved twice as SVG gives identical bytes."""
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    plot_coverage(selection, path=a)
    plot_coverage(selection, path=b)
    assert a.read_bytes().startswith(b"<?xml")
    assert a.read_bytes() == b.read_bytes()


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    """A file type other than png, svg, pdf is refused and nothing is written."""
    fig = plot_frequency({"A": 1.0})
    with pytest.raises(InputError) as info:
        save_figure(fig, tmp_path / "plot.jpg")
    assert str(info.value) == (
        f"cannot write a plot to {str(tmp_path / 'plot.jpg')!r}: unknown file type '.jpg'\n"
        "Use a file name ending in .png, .svg or .pdf."
    )
    assert list(tmp_path.iterdir()) == []


def test_plot_never_overwrites_the_pool_file(tmp_path: Path, pool: Pool) -> None:
    """Saving onto the pool's own file is refused and the file is unchanged."""
    src = tmp_path / "pool.png"
    src.write_bytes(b"not really a pool")
    moved = Pool(pool.codebook, pool.ids, pool.names, pool.values, source=str(src))
    with pytest.raises(InputError):
        plot_coverage(moved, ids=["c1"], path=src)
    assert src.read_bytes() == b"not really a pool"


def test_missing_matplotlib_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without matplotlib, plotting raises a SelectieError that says how to install it."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SelectieError) as info:
        plot_frequency({"A": 1.0})
    assert str(info.value) == (
        "plotting needs matplotlib, which is not installed; install it with "
        "pip install 'selectie[plot]' (or pip install matplotlib)"
    )


class _Formatter:
    def __init__(self) -> None:
        self.registered: dict[type, Any] = {}

    def lookup_by_type(self, cls: type) -> Any:
        return self.registered[cls]

    def for_type(self, cls: type, func: Any) -> None:
        self.registered[cls] = func


def test_figures_display_in_notebooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside IPython a PNG display is registered for figures, sharp and shown at 2/3 size."""
    from matplotlib.figure import Figure

    png = _Formatter()
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/png": png}))
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: shell))
    fig = plot_frequency({"A": 1.0})
    data, meta = png.registered[Figure](fig)
    assert data[:4] == b"\x89PNG"
    assert meta["width"] == round(int.from_bytes(data[16:20], "big") / 1.5)


def test_frequency_refuses_one_case_under_two_spellings() -> None:
    """Two keys naming the same case (e.g. ' R06' from splitting 'R01, R06' on ',') are an
    error, not two bars with the same label.
    """
    with pytest.raises(InputError) as info:
        plot_frequency({"R06": 3, " R06": 1}, total=4)
    assert str(info.value) == (
        "the frequencies name one case twice: 'R06' and ' R06' differ only in case or spacing\n"
        "Strip the ids before counting (e.g. split a comma-separated list on ', ')."
    )


def test_frequency_reads_alternatives_over_the_listed_selections() -> None:
    """An alternatives result counts cases among its listed selections (3 here), not the
    requested count (10), and highlights the best selection.
    """
    listed = [
        SimpleNamespace(ids=("A", "B")),
        SimpleNamespace(ids=("A", "C")),
        SimpleNamespace(ids=("A", "B")),
    ]
    result = SimpleNamespace(
        selections=listed, count=10, frequency=lambda: {"A": 3, "B": 2, "C": 1}
    )
    fig = plot_frequency(result)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    widths = [p.get_width() for p in _bars(ax)[:3]]
    assert widths == pytest.approx([1.0, 2 / 3, 1 / 3])
    dark = {to_hex(p.get_facecolor()) for p in _bars(ax)[:2]}
    assert len(dark) == 1 and to_hex(ax.patches[2].get_facecolor()) not in dark
