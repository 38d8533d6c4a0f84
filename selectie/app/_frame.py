"""The frame every step of the page shares: an introduction above the step's content, and
cards with a header. One home for the markup (and the ``step-intro`` class the page's style
sheet gives the introduction), so the steps hold only what is their own.
"""

from __future__ import annotations

from typing import Any

from shiny import ui

__all__ = ["card", "step"]


def step(intro: str, *children: Any) -> ui.Tag:
    """A step's panel: ``intro`` (a sentence or two on what the step does), then
    ``children``.
    """
    return ui.div(ui.p(intro, class_="step-intro"), *children)


def card(title: Any, *children: Any, **attrs: Any) -> ui.Tag:
    """A card headed ``title`` holding ``children`` (``attrs`` as for ``ui.card``)."""
    return ui.card(ui.card_header(title), *children, **attrs)
