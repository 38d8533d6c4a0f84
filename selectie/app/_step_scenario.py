"""Step 2 of the page: the scenario form, its grids of quotas and coverage, and its TOML."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shiny import reactive, render, ui

from ..errors import SelectieError
from ..scenario import load_scenario
from ._frame import card, step
from ._i18n import N_
from ._model import (
    BUNDLED_SCENARIOS,
    coverage_frame,
    parse_count,
    quota_frame,
    with_coverage_edit,
    with_ids,
    with_quota_edit,
)
from ._state import Page

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["register"]


def register(page: Page) -> None:
    """The outputs and handlers of this step, in ``page``'s session."""

    @render.ui
    def panel_scenario() -> Any:
        # Depends only on the language and on loading a new scenario: an edit must never
        # re-create the form (the browser would send the old values back).
        _ = page.tr()
        page.form()
        with reactive.isolate():
            return scenario_form(_)

    def scenario_form(_: Callable[[str], str]) -> Any:
        sc = page.scenario()
        pool = page.pool_state().pool
        bundled = page.pool_state().upload is None
        cb = pool.codebook
        ids = {i: (f"{i}: {n}" if n else i) for i, n in zip(pool.ids, pool.names, strict=True)}
        kinds = ["feasibility", "max_overlap"]
        if sc.objective.kind not in kinds:
            kinds.append(sc.objective.kind)
        attrs = list(cb.table_attributes) or list(cb.attribute_names)
        chosen = page.input.quota_attr() if "quota_attr" in page.input else None
        tl = page.input.time_limit() if "time_limit" in page.input else 0
        seed = page.input.seed() if "seed" in page.input else 1
        return step(
            _(
                "What the selection must satisfy. Every change is checked at once; the "
                "scenario below is what Run uses and what Download saves."
            ),
            ui.layout_columns(
                card(
                    _("Start from"),
                    ui.input_select(
                        "bundled_scenario",
                        _("Bundled scenario (for the bundled pool)"),
                        list(BUNDLED_SCENARIOS),
                    ),
                    ui.input_action_button("load_bundled", _("Load it"), disabled=not bundled),
                    ui.input_file(
                        "scenario_file", _("or upload a scenario TOML"), accept=[".toml"]
                    ),
                ),
                card(
                    _("Size, objective and solver"),
                    ui.input_numeric("size", _("Cases to select"), sc.size, min=1, max=len(pool)),
                    ui.input_select("objective", _("Objective"), kinds, selected=sc.objective.kind),
                    ui.layout_columns(
                        ui.input_select(
                            "solver",
                            _("Solver"),
                            ["cbc", "highs"],
                            selected=page.settings()[0],  # the form's, else DEFAULT
                        ),
                        ui.input_numeric(
                            "time_limit", _("Time limit (s; 0: none)"), tl or 0, min=0
                        ),
                        ui.input_numeric("seed", _("Seed"), seed if seed is not None else 1, min=0),
                    ),
                ),
                card(
                    _("Cases forced in or kept out"),
                    ui.input_selectize(
                        "include",
                        _("Include"),
                        ids,
                        selected=list(sc.include),
                        multiple=True,
                        width="100%",
                    ),
                    ui.input_selectize(
                        "exclude",
                        _("Exclude"),
                        ids,
                        selected=list(sc.exclude),
                        multiple=True,
                        width="100%",
                    ),
                ),
                col_widths=(3, 4, 5),
            ),
            ui.output_ui("msg_scenario"),
            ui.layout_columns(
                card(
                    _("Quotas: least and largest number per value"),
                    ui.input_select(
                        "quota_attr",
                        _("Attribute"),
                        attrs,
                        selected=chosen if chosen in attrs else attrs[0],
                    ),
                    ui.p(
                        _("Double-click a min or max cell to edit it; leave it empty for no bound.")
                    ),
                    ui.output_data_frame("quota_grid"),
                ),
                card(
                    _("Coverage: cases per value, for each attribute"),
                    ui.p(
                        _(
                            "overlap 0: not covered; 1: every value at least once; 2: at least "
                            "twice (the report's 'overlap')."
                        )
                    ),
                    ui.output_data_frame("coverage_grid"),
                ),
                card(
                    _("The scenario (TOML)"),
                    ui.output_ui("scenario_text"),
                ),
                col_widths=(4, 3, 5),
            ),
        )

    @render.ui
    def scenario_text() -> Any:
        sc = page.scenario()
        return ui.tags.pre(
            sc.to_toml(),
            class_="selectie-text",
            id="scenario_toml",
            style="max-height: 480px; overflow: auto",
        )

    def edit(step: str, fn: Callable[[Scenario], Scenario]) -> bool:
        try:
            with page.speaking():
                new = fn(page.scenario.get())
        except (SelectieError, ValueError) as exc:
            page.say(step, str(exc))
            return False
        if new != page.scenario.get():
            page.scenario.set(new)
        page.say(step, "")
        return True

    @reactive.effect
    @reactive.event(page.input.size, ignore_init=True)
    def _size() -> None:
        n = page.input.size()
        if n is None or n == page.scenario.get().size:
            return
        if n < 1 or n > len(page.pool_state.get().pool) or int(n) != n:
            page.say(
                "scenario",
                page.tr()(
                    N_("Cases to select: expected a whole number from 1 to {n}, found {found}")
                ).format(n=len(page.pool_state.get().pool), found=n),
            )
            return
        edit("scenario", lambda sc: sc.with_size(int(n)))

    @reactive.effect
    @reactive.event(page.input.include, page.input.exclude, ignore_init=True)
    def _ids() -> None:
        inc = list(page.input.include() or ())
        exc = list(page.input.exclude() or ())
        edit("scenario", lambda sc: with_ids(sc, inc, exc))

    @reactive.effect
    @reactive.event(page.input.objective, ignore_init=True)
    def _objective() -> None:
        kind = page.input.objective()
        if not kind or kind == page.scenario.get().objective.kind:
            return
        edit("scenario", lambda sc: sc.with_objective(kind))

    @reactive.effect
    @reactive.event(page.input.load_bundled)
    def _load_bundled() -> None:
        from .._resources import example_file

        name = page.input.bundled_scenario()
        if name not in BUNDLED_SCENARIOS or page.pool_state.get().upload is not None:
            return
        page.scenario.set(load_scenario(example_file(f"{name}.toml")))
        page.refill()
        page.say("scenario", "")

    @reactive.effect
    @reactive.event(page.input.scenario_file)
    def _scenario_file() -> None:
        from ..constraints import compile_scenario

        up = page.upload("scenario_file", "scenario")
        if up is None:
            return
        try:
            with page.speaking():
                sc = load_scenario(up.path)
                compile_scenario(page.pool_state.get().pool, sc)  # names must fit the pool
        except (SelectieError, ValueError) as exc:
            page.say("scenario", str(exc))
            return
        page.scenario.set(sc)
        page.refill()
        page.say("scenario", "")

    @render.data_frame
    def quota_grid() -> Any:
        attr = page.input.quota_attr()
        pool = page.pool_state().pool
        if not attr or not pool.codebook.has(attr):
            return None
        return render.DataGrid(
            page.shown(quota_frame(pool, page.scenario(), attr)),
            editable=True,
            width="100%",
            height="360px",
        )

    @quota_grid.set_patch_fn
    def _quota_patch(*, patch: Any) -> Any:
        attr = page.input.quota_attr()
        pool = page.pool_state.get().pool
        frame = quota_frame(pool, page.scenario.get(), attr)
        column = frame.columns[patch["column_index"]]
        old = frame.iat[patch["row_index"], patch["column_index"]]
        if column not in ("min", "max"):
            return old
        try:
            value = parse_count(patch["value"], f"{attr}: {column}")
        except SelectieError as exc:
            page.say("scenario", str(exc))
            return old
        frame.iat[patch["row_index"], patch["column_index"]] = "" if value is None else value
        bounds = {
            str(r["value"]): (parse_count(r["min"], "min"), parse_count(r["max"], "max"))
            for _, r in frame.iterrows()
        }
        ok = edit("scenario", lambda sc: with_quota_edit(sc, attr, bounds))
        return ("" if value is None else value) if ok else old

    @render.data_frame
    def coverage_grid() -> Any:
        return render.DataGrid(
            page.shown(coverage_frame(page.pool_state().pool, page.scenario())),
            editable=True,
            width="100%",
            height="360px",
        )

    @coverage_grid.set_patch_fn
    def _coverage_patch(*, patch: Any) -> Any:
        frame = coverage_frame(page.pool_state.get().pool, page.scenario.get())
        column = frame.columns[patch["column_index"]]
        old = frame.iat[patch["row_index"], patch["column_index"]]
        if column != "overlap":
            return old
        attr = str(frame.iat[patch["row_index"], 0])
        try:
            n = parse_count(patch["value"], f"{attr}: overlap") or 0
        except SelectieError as exc:
            page.say("scenario", str(exc))
            return old
        ok = edit("scenario", lambda sc: with_coverage_edit(sc, attr, n))
        return n if ok else old
