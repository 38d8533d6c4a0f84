"""Step 5 of the page: a sortition lottery and its draw."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from shiny import reactive, render, ui

from ..errors import SelectieError
from ._frame import card, step
from ._i18n import N_
from ._jobs import Job, Outcome, run_job
from ._model import Upload
from ._state import Page, alert, outcome_of

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""
    lottery_state: reactive.Value[Any] = reactive.value(None)
    draw_state: reactive.Value[Any] = reactive.value(None)

    @render.ui
    def panel_lottery() -> Any:
        _ = page.tr()
        return step(
            _(
                "For sortition: a people file and a quotas file (the format of the "
                "Sortition Foundation). selectie finds the fairest lottery over every panel "
                "that meets the quotas, then draws one panel with a seed anyone can "
                "re-check."
            ),
            ui.layout_columns(
                card(
                    _("Inputs"),
                    ui.input_file("people_file", _("People (CSV)"), accept=[".csv"]),
                    ui.input_file(
                        "quotas_file", _("Quotas (CSV: feature, value, min, max)"), accept=[".csv"]
                    ),
                    ui.input_numeric("panel_size", _("Panel size"), 10, min=1),
                    ui.input_text(
                        "households",
                        _("Address columns (one per household), separated by commas"),
                        "",
                    ),
                    ui.input_select(
                        "lottery_method", _("Method"), ["leximin", "maximin", "uniform_best"]
                    ),
                    ui.input_action_button(
                        "run_lottery", _("Compute the lottery"), class_="btn-primary"
                    ),
                    " ",
                    ui.input_action_button("cancel_lottery", _("Cancel")),
                ),
                card(
                    _("Draw"),
                    ui.input_text(
                        "lottery_seed", _("Seed (a number or a phrase, announced in advance)"), "1"
                    ),
                    ui.input_action_button("draw", _("Draw a panel")),
                    ui.output_ui("draw_box"),
                ),
                col_widths=(4, 8),
            ),
            ui.output_ui("msg_lottery"),
            ui.output_ui("lottery_status"),
            ui.output_data_frame("probability_grid"),
        )

    kept_lottery: dict[str, Upload | None] = {"people": None, "quotas": None}

    @reactive.effect
    @reactive.event(page.input.people_file_picked)
    def _people_picked() -> None:
        kept_lottery["people"] = None

    @reactive.effect
    @reactive.event(page.input.quotas_file_picked)
    def _quotas_picked() -> None:
        kept_lottery["quotas"] = None

    @reactive.effect
    @reactive.event(page.input.people_file)
    def _people_file() -> None:
        kept_lottery["people"] = page.upload("people_file", "people")

    @reactive.effect
    @reactive.event(page.input.quotas_file)
    def _quotas_file() -> None:
        kept_lottery["quotas"] = page.upload("quotas_file", "quotas")

    @reactive.extended_task
    async def lottery_task(kind: str, job: Job, fn: Callable[[], Any], lang: str) -> Outcome:
        return await asyncio.to_thread(run_job, kind, job, fn, lang)

    @reactive.effect
    @reactive.event(page.input.run_lottery)
    def _run_lottery() -> None:
        from ..lottery import fair_lottery
        from ..sortition import read_sortition

        people, quotas = kept_lottery["people"], kept_lottery["quotas"]
        if people is None or quotas is None:
            page.say("lottery", page.tr()(N_("Choose a people file and a quotas file first.")))
            return
        page.say("lottery", "")
        draw_state.set(None)
        size = int(page.input.panel_size() or 0)
        households = [h.strip() for h in (page.input.households() or "").split(",") if h.strip()]
        method = page.input.lottery_method()
        job = Job()
        page.jobs["lottery"] = job

        def work() -> Any:
            pool, sc = read_sortition(
                people.path, quotas.path, size=size, households=households or None
            )
            return fair_lottery(pool, sc, method=method, progress=job.line)

        lottery_task("lottery", job, work, page.lang())

    @reactive.effect
    @reactive.event(page.input.cancel_lottery)
    def _cancel_lottery() -> None:
        page.cancel(lottery_task, "lottery")

    @reactive.effect
    def _lottery_done() -> None:
        out = outcome_of(lottery_task)
        lottery_state.set(out.result if out is not None and not out.error else None)

    @render.ui
    def lottery_status() -> Any:
        _ = page.tr()
        unfinished = page.unfinished(lottery_task, "lottery", "lottery_state")
        out = outcome_of(lottery_task)
        if unfinished is not None or out is None:
            return unfinished
        return alert(
            str(out.result).split("\n\n")[0],
            "success" if out.result.ok else "warning",
            id="lottery_state",
        )

    @render.data_frame
    def probability_grid() -> Any:
        import pandas as pd

        lot = lottery_state()
        if lot is None or not lot.ok:
            return None
        probs = lot.probabilities
        frame = pd.DataFrame(
            {"id": list(probs), "probability": [round(p, 6) for p in probs.values()]}
        )
        return render.DataGrid(page.shown(frame), width="100%", height="360px", filters=True)

    @reactive.effect
    @reactive.event(page.input.draw)
    def _draw() -> None:
        lot = lottery_state.get()
        if lot is None or not lot.ok:
            page.say("lottery", page.tr()(N_("Compute the lottery first.")))
            return
        seed = (page.input.lottery_seed() or "").strip()
        try:
            with page.speaking():
                draw_state.set(lot.draw(int(seed) if seed.lstrip("-").isdigit() else seed))
            page.say("lottery", "")
        except (SelectieError, ValueError) as exc:
            page.say("lottery", str(exc))

    @render.ui
    def draw_box() -> Any:
        _ = page.tr()
        d = draw_state()
        if d is None:
            return None
        chosen = set(d.ids)
        remaining = [i for i in d.pool.ids if i not in chosen]
        return ui.div(
            ui.p(
                _("Seed {seed}; SHA-256 {digest}").format(seed=d.seed, digest=d.digest[:16] + "…")
            ),
            ui.h6(_("Selected ({n})").format(n=len(d.ids))),
            ui.tags.pre(", ".join(d.ids), class_="selectie-text", id="draw_selected"),
            ui.h6(_("Remaining ({n})").format(n=len(remaining))),
            ui.tags.pre(", ".join(remaining), class_="selectie-text", id="draw_remaining"),
        )
