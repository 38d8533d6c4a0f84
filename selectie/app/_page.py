"""The page: its layout and its server function (Shiny for Python).

Everything a person does here calls selectie's public functions, as the CLI does:
``load_pool``, ``load_scenario``, ``select``, ``explain``, ``alternatives``, ``importance``,
``replace``, ``read_sortition``, ``fair_lottery``, ``render_selection``, the plots. The
scenario on the page is one immutable :class:`~selectie.scenario.Scenario`; each edit
replaces it with a new one (see :mod:`selectie.app._model`).

Each browser session has its own state (pool, scenario, results, language, upload folder),
a :class:`~selectie.app._state.Page` made in the server function; each step of the page
(``_step_pool``, ``_step_scenario``, ``_step_run``, ``_step_whatelse``, ``_step_lottery``,
``_step_download``) registers its outputs and handlers with it. Nothing is shared between
sessions except the read-only bundled pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shiny import App, Inputs, Outputs, Session, render, ui

from ._i18n import LANGUAGES, N_
from ._safety import DEFAULT_LIMIT
from ._state import STEPS, Page, alert
from ._step_download import register as download_step
from ._step_lottery import register as lottery_step
from ._step_pool import register as pool_step
from ._step_run import register as run_step
from ._step_scenario import register as scenario_step
from ._step_whatelse import register as whatelse_step

__all__ = ["make_app"]

CSS = """
body { font-size: 0.95rem; }
.step-intro { color: #444; max-width: 60rem; }
.selectie-msg pre, pre.selectie-text { white-space: pre-wrap; font-size: 0.85rem; }
.selectie-status { font-size: 1.05rem; }
.navbar .shiny-input-radiogroup { margin: 0; }
.navbar .shiny-input-radiogroup label.control-label { display: none; }
.card { margin-bottom: 1rem; }
#pool_grid td, #selection_grid td, #constraint_grid td {
  white-space: nowrap; max-width: 18rem; overflow: hidden; text-overflow: ellipsis;
}
/* a refused upload's message must be readable, not cut to the width of the bar */
.shiny-file-input-progress { height: auto; min-height: 1rem; }
.shiny-file-input-progress .progress-bar {
  white-space: normal; height: auto; text-align: left; padding: 0.1rem 0.4rem;
}
.shiny-file-input-progress .progress-bar.progress-bar-danger {
  width: 100% !important; background-color: #b00020;
}
"""

#: Tells the server that a new file was picked, before it is uploaded (or refused), so that
#: an earlier upload of the same box is never used by mistake.
PICKED_JS = """
$(document).on('change', 'input[type=file]', function () {
  Shiny.setInputValue(this.id + '_picked', this.files.length ? this.files[0].name : '',
                      {priority: 'event'});
});
"""


def _page_ui() -> ui.Tag:
    def step(value: str, number: int) -> Any:
        title = ui.span(f"{number} ", ui.output_text(f"nav_{value}", inline=True))
        return ui.nav_panel(title, ui.output_ui(f"panel_{value}"), value=value)

    return ui.page_navbar(
        *(step(v, i + 1) for i, v in enumerate(STEPS)),
        ui.nav_spacer(),
        ui.nav_control(ui.input_radio_buttons("lang", None, LANGUAGES, selected="en", inline=True)),
        title="selectie",
        id="step",
        header=ui.TagList(ui.tags.style(CSS), ui.tags.script(PICKED_JS)),
        window_title="selectie",
        fillable=False,
    )


NAV = {
    "pool": N_("Pool"),
    "scenario": N_("Scenario"),
    "run": N_("Run"),
    "whatelse": N_("What else"),
    "lottery": N_("Lottery"),
    "download": N_("Download"),
}


def make_app(*, max_upload: int = DEFAULT_LIMIT) -> App:
    """The Shiny application (without the upload limit middleware; see :func:`create_app`)."""

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        _server(input, output, session, max_upload)

    return App(_page_ui(), server)


def _server(input: Inputs, output: Outputs, session: Session, max_upload: int) -> None:
    page = Page(input, session, max_upload)
    tr, msgs = page.tr, page.msgs

    # -- navigation titles and messages ------------------------------------------------------

    def nav_renderer(title: str) -> Callable[[], str]:
        def nav_title() -> str:
            return tr()(title)

        return nav_title

    def message_renderer(step: str) -> Callable[[], Any]:
        def message() -> Any:
            text, n = msgs[step]()
            return alert(text, id=f"message_{step}", data_n=str(n)) if text else None

        return message

    for value, title in NAV.items():
        output(id=f"nav_{value}")(render.text(nav_renderer(title)))
        output(id=f"msg_{value}")(render.ui(message_renderer(value)))

    # the steps, in the order of the page (the run step sets the task the later ones read)
    for register in (
        pool_step,
        scenario_step,
        run_step,
        whatelse_step,
        lottery_step,
        download_step,
    ):
        register(page)
