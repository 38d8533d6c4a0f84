"""Step 6 of the page: the selection's files and the command that repeats the run."""

from __future__ import annotations

from typing import Any

from shiny import render, ui

from ._frame import step
from ._model import manifest
from ._state import Page, PoolState

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""

    @render.ui
    def panel_download() -> Any:
        _ = page.tr()
        sel = page.current_selection()
        st = page.pool_state()
        if sel is None:
            return ui.p(
                _("Run a selection first (step 3); then its files are here."), id="download_none"
            )
        cb_button = (
            ui.download_button("dl_codebook", _("Codebook (TOML)"))
            if st.upload is not None
            else None
        )
        return step(
            _(
                "The selection as a workbook and as JSON with its manifest (versions, "
                "inputs' SHA-256, seed), and the scenario, so that the same run repeats at "
                "the command line:"
            ),
            ui.tags.pre(_command(st), class_="selectie-text", id="repeat_command"),
            ui.div(
                ui.download_button("dl_xlsx", _("Workbook (XLSX)")),
                " ",
                ui.download_button("dl_json", _("JSON with manifest")),
                " ",
                ui.download_button("dl_toml", _("Scenario (TOML)")),
                " ",
                cb_button,
            ),
        )

    def the_manifest(sel: Any) -> dict[str, Any]:
        st = page.pool_state.get()
        solver, tl, seed = page.settings()
        return manifest(
            files={"pool": st.upload, "codebook": st.codebook},
            scenario=sel.scenario,
            solver=sel.solver.name if sel.solver else solver,
            solver_version=sel.solver.version if sel.solver else None,
            seed=seed,
            time_limit=tl,
        )

    @render.download_button(filename="selection.xlsx")
    def dl_xlsx() -> Any:
        from ..export import render_selection

        sel = page.current_selection()
        yield render_selection(sel, "xlsx", reference=page.reference())

    @render.download_button(filename="selection.json")
    def dl_json() -> Any:
        from ..export import render_selection

        sel = page.current_selection()
        yield render_selection(sel, "json", reference=page.reference(), manifest=the_manifest(sel))

    @render.download_button(filename="scenario.toml")
    def dl_toml() -> Any:
        sel = page.current_selection()
        yield sel.scenario.to_toml().encode()

    @render.download_button(filename="codebook.toml")
    def dl_codebook() -> Any:
        yield page.pool_state().pool.codebook.to_toml().encode()


def _command(st: PoolState) -> str:
    if st.upload is None:
        return "selectie select --scenario scenario.toml"
    return (
        f"selectie select --pool {st.upload.name} --codebook "
        f"{st.codebook.name if st.codebook else 'codebook.toml'} --scenario scenario.toml"
    )
