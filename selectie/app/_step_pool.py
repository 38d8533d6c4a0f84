"""Step 1 of the page: the pool (bundled, or uploaded with a codebook or a drafted one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shiny import reactive, render, ui

from ..errors import SelectieError
from ..scenario import load_scenario
from ._frame import card, step
from ._i18n import N_
from ._model import (
    Upload,
    codebook_from_frame,
    draft_frame,
    draft_pool,
    listing,
    starting_from_draft,
)
from ._state import Page, PoolState, bundled_pool

if TYPE_CHECKING:
    from ..draft import Draft
    from ..pool import Pool
    from ..scenario import Scenario

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""
    draft: reactive.Value[tuple[Draft, Upload] | None] = reactive.value(None)
    kept: dict[str, Upload | None] = {"pool": None, "codebook": None}

    @render.ui
    def panel_pool() -> Any:
        _ = page.tr()
        limit = f"{page.max_upload / (1024 * 1024):.0f} MB"
        return step(
            _(
                "Choose the cases to select from: the bundled pool of the WODC report, or "
                "your own CSV or XLSX file. Without a codebook, selectie drafts one for you "
                "to confirm."
            ),
            ui.layout_columns(
                card(
                    _("Bundled pool"),
                    ui.p(_("126 projects of the WODC report (Bijlage 4), with its codebook.")),
                    ui.input_action_button("use_bundled", _("Use the bundled pool")),
                ),
                card(
                    _("Your own pool"),
                    ui.input_file(
                        "pool_file",
                        _("Pool (CSV or XLSX), up to {limit}").format(limit=limit),
                        accept=[".csv", ".xlsx", ".txt", ".tsv"],
                    ),
                    ui.input_file(
                        "codebook_file",
                        _("Codebook (TOML), optional"),
                        accept=[".toml"],
                    ),
                    ui.input_action_button("load_pool", _("Load this pool")),
                ),
                col_widths=(4, 8),
            ),
            ui.output_ui("msg_pool"),
            ui.output_ui("draft_box"),
            ui.h5(ui.output_text("pool_summary")),
            ui.output_data_frame("pool_grid"),
        )

    @render.text
    def pool_summary() -> str:
        _ = page.tr()
        st = page.pool_state()
        cb = st.pool.codebook
        where = st.upload.name if st.upload else _("the bundled WODC pool")
        return _("{where}: {n} cases, {k} attributes (codebook {name})").format(
            where=where, n=len(st.pool), k=len(cb.attributes), name=cb.name
        )

    @render.data_frame
    def pool_grid() -> Any:
        return render.DataGrid(
            listing(page.pool_state().pool, range(len(page.pool_state().pool))),
            height="320px",
            width="100%",
            filters=True,
        )

    def set_pool(st: PoolState, sc: Scenario) -> None:
        page.pool_state.set(st)
        page.scenario.set(sc)
        page.refill()
        page.say("pool", "")
        page.say("scenario", "")

    @reactive.effect
    @reactive.event(page.input.use_bundled)
    def _use_bundled() -> None:
        draft.set(None)
        set_pool(PoolState(bundled_pool()), load_scenario())

    @reactive.effect
    @reactive.event(page.input.pool_file_picked)
    def _pool_picked() -> None:
        kept["pool"] = None

    @reactive.effect
    @reactive.event(page.input.codebook_file_picked)
    def _codebook_picked() -> None:
        kept["codebook"] = None

    @reactive.effect
    @reactive.event(page.input.pool_file)
    def _pool_file() -> None:
        kept["pool"] = page.upload("pool_file", "pool")

    @reactive.effect
    @reactive.event(page.input.codebook_file)
    def _codebook_file() -> None:
        kept["codebook"] = page.upload("codebook_file", "codebook")

    def starting(pool: Pool, drafted: Draft | None = None) -> Scenario:
        return starting_from_draft(pool, drafted, max(1, min(len(pool) // 2, 10)))

    @reactive.effect
    @reactive.event(page.input.load_pool)
    def _load_pool() -> None:
        from ..pool import load_pool

        up, cbu = kept["pool"], kept["codebook"]
        if up is None:
            page.say("pool", page.tr()(N_("Choose a pool file first.")))
            return
        draft.set(None)
        try:
            with page.speaking():
                if cbu is None:
                    draft.set((draft_pool(up.path), up))
                    page.say("pool", "")
                    return
                pool = load_pool(up.path, cbu.path)
                set_pool(PoolState(pool, up, cbu), starting(pool))
        except (SelectieError, ValueError) as exc:
            page.say("pool", str(exc))

    @render.ui
    def draft_box() -> Any:
        _ = page.tr()
        d = draft()
        if d is None:
            return None
        with page.speaking():
            summary = page.clean(d[0].summary())
        return card(
            _("Draft codebook: check it, edit cells, then confirm"),
            ui.tags.pre(summary, class_="selectie-text", id="draft_summary"),
            ui.p(
                _(
                    "One row per column of your file. use: yes or no; kind: single (one value "
                    "per case) or multi (several, separated in the cell); values separated by |."
                )
            ),
            ui.output_data_frame("draft_grid"),
            ui.input_action_button(
                "confirm_draft", _("Confirm the codebook and load the pool"), class_="btn-primary"
            ),
        )

    @render.data_frame
    def draft_grid() -> Any:
        d = draft()
        if d is None:
            return None
        return render.DataGrid(
            page.shown(draft_frame(d[0].codebook())), editable=True, width="100%"
        )

    @reactive.effect
    @reactive.event(page.input.confirm_draft)
    def _confirm_draft() -> None:
        from ..pool import load_pool

        d = draft()
        if d is None:
            return
        try:
            with page.speaking():
                # the grid's headers are in the session's language; back to the frame's own
                view = draft_grid.data_view().set_axis(
                    ["attribute", "use", "kind", "values"], axis=1
                )
                cb = codebook_from_frame(d[0].codebook(), view)
                pool = load_pool(d[1].path, cb)
                sc = starting(pool, d[0])
        except (SelectieError, ValueError) as exc:
            page.say("pool", str(exc))
            return
        draft.set(None)
        set_pool(PoolState(pool, d[1], None, drafted=True), sc)
