"""Step 3 of the page: the run, its status, the explanation of an infeasible scenario, the
result's grids and plots.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from shiny import reactive, render, ui

from ._frame import card, step
from ._i18n import N_
from ._jobs import Job, Outcome, select_and_explain
from ._model import constraint_frame, listing
from ._state import Page, alert, outcome_of

if TYPE_CHECKING:
    from ._safety import SessionFolder

if TYPE_CHECKING:
    from ..pool import Pool
    from ..scenario import Scenario

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""

    @reactive.extended_task
    async def run_task(
        pool: Pool, sc: Scenario, solver: str, tl: float | None, seed: int, job: Job, lang: str
    ) -> Outcome:
        return await asyncio.to_thread(
            select_and_explain,
            pool,
            sc,
            solver=solver,
            time_limit=tl,
            seed=seed,
            job=job,
            lang=lang,
        )

    page.run_task = run_task

    def start_run() -> None:
        solver, tl, seed = page.settings()
        job = Job()
        job.number = page.jobs["run"].number + 1 if "run" in page.jobs else 1
        page.jobs["run"] = job
        run_task(
            page.pool_state.get().pool, page.scenario.get(), solver, tl, seed, job, page.lang()
        )

    @reactive.effect
    @reactive.event(page.input.run)
    def _run() -> None:
        start_run()

    @reactive.effect
    @reactive.event(page.input.cancel_run)
    def _cancel_run() -> None:
        page.cancel(run_task, "run")

    @render.ui
    def panel_run() -> Any:
        _ = page.tr()
        return step(
            _(
                "Find the best selection for the scenario; it is re-checked against every "
                "constraint before it is shown."
            ),
            ui.div(
                ui.input_task_button(
                    "run", _("Run"), label_busy=_("Running…"), class_="btn-primary"
                ),
                " ",
                ui.input_action_button("cancel_run", _("Cancel")),
            ),
            ui.output_ui("run_status"),
            ui.output_ui("explain_box"),
            ui.output_ui("run_result"),
        )

    @render.ui
    def run_status() -> Any:
        _ = page.tr()
        status = run_task.status()
        if status == "running":
            reactive.invalidate_later(0.3)
            job = page.jobs.get("run")
            text = job.text() if job else ""
            return alert(_("Running… {what}").format(what=text), "info", id="run_state")
        if status == "initial":
            return ui.p(_("Press Run to select."), id="run_state")
        if status == "cancelled":
            return alert(_("Cancelled; nothing changed."), "warning", id="run_state")
        if status == "error":
            return alert(_("Internal error; this is a bug in selectie."), id="run_state")
        out = run_task.result()
        done = {"data_run": str(out.number)}
        if out.cancelled:
            return alert(_("Cancelled; nothing changed."), "warning", id="run_state", **done)
        sel = out.selection
        if sel is None:
            return alert(page.clean(out.error), id="run_state", **done)
        stale = sel.scenario != page.scenario()
        from ..export import status_word

        with page.speaking():
            word = status_word(sel.status.value)
        lines = [f"{sel.scenario.name or _('scenario')}: {word}"]
        if sel.ok and sel.audit is not None:
            with page.speaking():
                lines.append(str(sel.audit))
            lines.append(_("Selected ({n}): {ids}").format(n=len(sel.ids), ids=", ".join(sel.ids)))
        else:
            lines.append(sel.message)
            lines += [f"  - {r}" for r in sel.reasons]
        lines.append(
            _("{s:.2f} s with {solver}").format(
                s=out.seconds, solver=sel.solver.name if sel.solver else "?"
            )
        )
        kind = "success" if sel.ok else "warning"
        box = alert("\n".join(lines), kind, id="run_state", **done)
        if stale:
            return ui.div(
                box,
                alert(_("The scenario has changed since this run; press Run again."), "secondary"),
            )
        return box

    @render.ui
    def explain_box() -> Any:
        _ = page.tr()
        out = outcome_of(run_task)
        if out is None or out.explanation is None:
            if out is not None and out.selection is not None and out.error:
                return alert(page.clean(out.error))
            return None
        ex = out.explanation
        if ex.feasible:
            return None
        from ..diagnose import conflict_sentence

        with page.speaking():  # the library's sentences in the session's language
            items = [ui.tags.li(conflict_sentence(c)) for c in ex.conflict]
            moves = [ui.tags.li(m.sentence()) for m in ex.moves]
            summary = ex.summary()
        button = (
            ui.input_action_button(
                "apply_relaxation", _("Apply this relaxation and run again"), class_="btn-warning"
            )
            if ex.relaxed is not None
            else ui.p(_("No relaxation was found."))
        )
        return card(
            _("Why there is no selection"),
            ui.p(summary, id="explain_summary"),
            ui.h6(_("A minimal conflict (these constraints cannot all hold):")),
            ui.tags.ul(*items),
            ui.h6(_("The smallest relaxation:")),
            ui.tags.ul(*moves, id="relaxation"),
            button,
        )

    @reactive.effect
    @reactive.event(page.input.apply_relaxation)
    def _apply() -> None:
        out = outcome_of(run_task)
        if out is None or out.explanation is None or out.explanation.relaxed is None:
            return
        page.scenario.set(out.explanation.relaxed)
        page.refill()
        start_run()

    @render.ui
    def run_result() -> Any:
        _ = page.tr()
        out = outcome_of(run_task)
        if out is None or out.selection is None or not out.selection.ok:
            return None
        return ui.div(
            ui.layout_columns(
                card(_("The selection"), ui.output_data_frame("selection_grid")),
                card(
                    _("Constraints and their margins"),
                    ui.output_data_frame("constraint_grid"),
                ),
                col_widths=(5, 7),
            ),
            card(_("Coverage matrix"), ui.output_ui("coverage_plot")),
            ui.layout_columns(
                card(
                    _("Distribution tables beside the published Bijlage 4")
                    if page.pool_state().upload is None
                    else _("Distribution tables"),
                    ui.output_data_frame("tables_grid"),
                ),
                card(_("Distributions"), ui.output_ui("distribution_plot")),
                col_widths=(5, 7),
            ),
        )

    @render.data_frame
    def selection_grid() -> Any:
        sel = page.current_selection()
        if sel is None:
            return None
        return render.DataGrid(listing(sel.pool, sel.positions), width="100%", height="360px")

    @render.data_frame
    def constraint_grid() -> Any:
        sel = page.current_selection()
        if sel is None:
            return None
        with page.speaking():
            frame = constraint_frame(sel)
        return render.DataGrid(page.shown(frame), width="100%", height="360px", filters=True)

    @render.data_frame
    def tables_grid() -> Any:
        sel = page.current_selection()
        if sel is None:
            return None
        with page.speaking():
            frame = sel.tables(page.reference()).to_frame()
        return render.DataGrid(page.shown(frame), width="100%", height="480px", filters=True)

    @reactive.extended_task
    async def plot_task(sel: Any, ref: str | None) -> tuple[str, str]:
        return await asyncio.to_thread(_plots, sel, ref, page.folder)

    @reactive.effect
    def _plots_after_run() -> None:
        sel = page.current_selection()
        if sel is not None:
            with reactive.isolate():
                plot_task(sel, page.reference())

    def plot_img(index: int, alt: str) -> Any:
        if plot_task.status() != "success" or page.current_selection() is None:
            return ui.p(page.tr()(N_("Drawing…")), class_="text-muted")
        return ui.img(src=plot_task.result()[index], alt=alt, style="max-width:100%")

    @render.ui
    def coverage_plot() -> Any:
        return plot_img(0, "coverage matrix")

    @render.ui
    def distribution_plot() -> Any:
        return plot_img(1, "distribution plots")


def _plots(sel: Any, ref: str | None, folder: SessionFolder) -> tuple[str, str]:
    """The coverage matrix and the distribution plots of a selection, as PNG data URIs
    (drawn by selectie's plot functions, written with its ``save_figure``).
    """
    import base64
    import uuid

    from ..plot import plot_coverage, plot_distribution, save_figure

    out = []
    for name, fig in (
        ("coverage.png", plot_coverage(sel)),
        ("distribution.png", plot_distribution(sel.tables(ref))),
    ):
        path = save_figure(fig, folder.path / f"{uuid.uuid4().hex}-{name}")
        out.append("data:image/png;base64," + base64.b64encode(path.read_bytes()).decode())
        path.unlink()
    return out[0], out[1]
