"""Step 4 of the page: alternatives, importance, replacing drop-outs, freedom."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from typing import Any

from shiny import reactive, render, ui

from ._frame import card, step
from ._i18n import N_
from ._jobs import Job, Outcome, run_job
from ._state import Page, alert, outcome_of

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""

    @reactive.extended_task
    async def what_task(kind: str, job: Job, fn: Callable[[], Any], lang: str) -> Outcome:
        return await asyncio.to_thread(run_job, kind, job, fn, lang)

    def start_what(kind: str, fn: Callable[[Job], Callable[[], Any]]) -> None:
        job = Job()
        page.jobs["what"] = job
        what_task(kind, job, fn(job), page.lang())

    @render.ui
    def panel_whatelse() -> Any:
        _ = page.tr()
        sel = page.current_selection()
        ids = list(sel.ids) if sel is not None else []
        return step(
            _(
                "Questions about the scenario and its selection. Long runs show their "
                "progress and can be cancelled."
            ),
            ui.layout_columns(
                card(
                    _("Alternatives"),
                    ui.p(_("The best distinct selections, best first.")),
                    ui.input_numeric("alt_count", _("How many"), 5, min=1, max=100),
                    ui.input_action_button("run_alternatives", _("Find alternatives")),
                ),
                card(
                    _("Importance of each case"),
                    ui.p(_("Irreplaceable, impossible, and what leaving a case out costs.")),
                    ui.input_action_button("run_importance", _("Weigh the cases")),
                ),
                card(
                    _("Replace a drop-out"),
                    ui.input_selectize(
                        "drop", _("Cases that drop out of the selection"), ids, multiple=True
                    ),
                    ui.input_action_button("run_replace", _("Replace them"), disabled=not ids),
                    ui.p(_("Run a selection first.")) if not ids else None,
                ),
                card(
                    _("Freedom of the report's selection"),
                    ui.output_ui("freedom_box"),
                ),
                col_widths=(3, 3, 3, 3),
            ),
            ui.input_action_button("cancel_what", _("Cancel")),
            ui.output_ui("what_status"),
            ui.output_ui("what_result"),
        )

    @render.ui
    def freedom_box() -> Any:
        _ = page.tr()
        try:
            importlib.import_module("selectie.freedom")
        except ImportError:
            return ui.p(
                _(
                    "Not available in this version of selectie: the function that "
                    "measures it has not been added yet."
                ),
                class_="text-muted",
            )
        return ui.div(
            ui.p(
                _(
                    "Was the report's selection of 13 forced by its criteria, or one of many? "
                    "Swaps one for one, forced cases, and how many valid selections exist."
                )
            ),
            ui.input_action_button("run_freedom", _("Measure the freedom")),
        )

    @reactive.effect
    @reactive.event(page.input.run_freedom)
    def _freedom() -> None:
        fn = importlib.import_module("selectie.freedom").freedom
        pool, sc = page.pool_state.get().pool, page.scenario.get()
        solver, _tl, _seed = page.settings()
        start_what("freedom", lambda job: lambda: fn(pool, sc, solver=solver))  # noqa: ARG005

    @reactive.effect
    @reactive.event(page.input.run_alternatives)
    def _alternatives() -> None:
        from ..whatif import alternatives

        pool, sc = page.pool_state.get().pool, page.scenario.get()
        solver, _tl, seed = page.settings()
        count = int(page.input.alt_count() or 5)
        start_what(
            "alternatives",
            lambda job: (
                lambda: alternatives(
                    pool, sc, count=count, solver=solver, seed=seed, progress=job.progress
                )
            ),
        )

    @reactive.effect
    @reactive.event(page.input.run_importance)
    def _importance() -> None:
        from ..whatif import importance

        pool, sc = page.pool_state.get().pool, page.scenario.get()
        solver, _tl, seed = page.settings()
        start_what(
            "importance",
            lambda job: (
                lambda: importance(pool, sc, solver=solver, seed=seed, progress=job.progress)
            ),
        )

    @reactive.effect
    @reactive.event(page.input.run_replace)
    def _replace() -> None:
        from ..whatif import replace

        sel = page.current_selection()
        drop = list(page.input.drop() or ())
        if sel is None or not drop:
            page.say("whatelse", page.tr()(N_("Choose the cases that drop out first.")))
            return
        page.say("whatelse", "")
        solver, _tl, seed = page.settings()
        pool, sc, ids = sel.pool, sel.scenario, list(sel.ids)
        start_what(
            "replace",
            lambda job: (
                lambda: replace(
                    pool, sc, ids, drop, solver=solver, seed=seed, progress=job.progress
                )
            ),
        )

    @reactive.effect
    @reactive.event(page.input.cancel_what)
    def _cancel_what() -> None:
        page.cancel(what_task, "what")

    @render.ui
    def what_status() -> Any:
        _ = page.tr()
        what_task.status()  # shown again when the task changes, a message shown or not
        msg = page.msgs["whatelse"]()[0]
        if msg:
            return alert(msg, id="what_state")
        unfinished = page.unfinished(what_task, "what", "what_state")
        out = outcome_of(what_task)
        if unfinished is not None or out is None:
            return unfinished
        res = out.result
        with page.speaking():
            text = res.summary() if hasattr(res, "summary") else str(res).splitlines()[0]
        return alert(f"{out.kind}: {text}\n{out.seconds:.1f} s", "success", id="what_state")

    @render.ui
    def what_result() -> Any:
        out = outcome_of(what_task)
        if out is None or out.result is None:
            return None
        return ui.div(
            ui.tags.pre(str(out.result), class_="selectie-text", id="what_text"),
            ui.output_data_frame("what_grid"),
        )

    @render.data_frame
    def what_grid() -> Any:
        import pandas as pd

        out = outcome_of(what_task)
        if out is None or out.result is None or not hasattr(out.result, "to_records"):
            return None
        records = out.result.to_records()
        frame = pd.DataFrame(records).map(
            lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
        )
        return render.DataGrid(frame, width="100%", height="360px")
