"""Frequencies: how often each case appears in alternatives, importance runs or lotteries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..i18n import _

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..pool import Pool

from ._common import (
    _STYLE,
    A4_WIDTH,
    SELECTED_COLOUR,
    _case_label,
    _finish,
    _new_figure,
    _require_matplotlib,
    _shorten,
)


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
            from ..pool import Pool

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
            from ..pool import Pool

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
