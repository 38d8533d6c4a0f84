"""The page: its layout and its server function (Shiny for Python).

Everything a person does here calls selectie's public functions, as the CLI does:
``load_pool``, ``load_scenario``, ``select``, ``explain``, ``alternatives``, ``importance``,
``replace``, ``read_sortition``, ``fair_lottery``, ``render_selection``, the plots. The
scenario on the page is one immutable :class:`~selectie.scenario.Scenario`; each edit
replaces it with a new one (see :mod:`selectie.app._model`).

Each browser session has its own state (pool, scenario, results, language, upload folder)
inside :func:`server`; nothing is shared between sessions except the read-only bundled pool.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shiny import App, Inputs, Outputs, Session, reactive, render, ui

from ..errors import SelectieError
from ..i18n import language
from ._i18n import LANGUAGES, N_, translator
from ._jobs import Job, Outcome, run_job, select_and_explain
from ._model import (
    BUNDLED_SCENARIOS,
    Upload,
    clean_message,
    codebook_from_frame,
    constraint_frame,
    coverage_frame,
    draft_frame,
    draft_pool,
    listing,
    manifest,
    parse_count,
    quota_frame,
    starting_from_draft,
    with_coverage_edit,
    with_ids,
    with_quota_edit,
)
from ._safety import DEFAULT_LIMIT, SessionFolder

if TYPE_CHECKING:
    from ..draft import Draft
    from ..pool import Pool
    from ..scenario import Scenario

__all__ = ["make_app"]

STEPS = ("pool", "scenario", "run", "whatelse", "lottery", "download")

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


@functools.cache
def _bundled_pool() -> Pool:
    """The bundled WODC pool, read once per process (a pool is never changed in place)."""
    from ..pool import load_pool

    return load_pool()


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


#: Column headers of the page's own tables, shown in the session's language.
COLUMNS = {
    c: c
    for c in (
        N_("value"),
        N_("pool"),
        N_("min"),
        N_("max"),
        N_("attribute"),
        N_("values"),
        N_("overlap"),
        N_("use"),
        N_("kind"),
        N_("constraint"),
        N_("required"),
        N_("achieved"),
        N_("margin"),
        N_("ok"),
        N_("note"),
        N_("selected"),
        N_("reference"),
        N_("difference"),
        N_("probability"),
    )
}


@dataclass(frozen=True)
class PoolState:
    """The pool in use and where it came from."""

    pool: Pool
    upload: Upload | None = None
    codebook: Upload | None = None
    drafted: bool = False


def _alert(text: str, kind: str = "danger", id: str | None = None, **extra: str) -> ui.Tag:
    attrs = {"class": f"alert alert-{kind} selectie-msg", "role": "alert", **extra}
    if id:
        attrs["id"] = id
    return ui.div(ui.tags.pre(text, style="margin:0"), **attrs)


def make_app(*, max_upload: int = DEFAULT_LIMIT) -> App:
    """The Shiny application (without the upload limit middleware; see :func:`create_app`)."""

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        _server(input, output, session, max_upload)

    return App(_page_ui(), server)


def _server(input: Inputs, output: Outputs, session: Session, max_upload: int) -> None:
    from ..scenario import load_scenario

    folder = SessionFolder()
    session.on_ended(folder.remove)

    def lang() -> str:
        with reactive.isolate():
            return str(input.lang() or "en")

    @reactive.calc
    def tr() -> Callable[[str], str]:
        return translator(input.lang() or "en")

    pool_state = reactive.value(PoolState(_bundled_pool()))
    scenario = reactive.value(load_scenario())
    form = reactive.value(0)  # bumped when a new scenario is loaded, to refill the form
    # each step's message, with a count so that the same message twice still shows as new
    msgs = {s: reactive.value(("", 0)) for s in STEPS}
    draft: reactive.Value[tuple[Draft, Upload] | None] = reactive.value(None)
    jobs: dict[str, Job] = {}
    lottery_state: reactive.Value[Any] = reactive.value(None)
    draw_state: reactive.Value[Any] = reactive.value(None)

    def shown(frame: Any) -> Any:
        """``frame`` with the page's column headers in the session's language."""
        t = tr()
        return frame.rename(columns={c: t(c) for c in frame.columns if c in COLUMNS})

    def clean(text: str) -> str:
        return clean_message(text, folder.path)

    def refill() -> None:
        form.set(form.get() + 1)

    def say(step: str, text: str) -> None:
        n = msgs[step].get()[1]
        msgs[step].set((clean(text), n + 1 if text else n))

    # -- navigation titles and messages ------------------------------------------------------

    def nav_renderer(title: str) -> Callable[[], str]:
        def nav_title() -> str:
            return tr()(title)

        return nav_title

    def message_renderer(step: str) -> Callable[[], Any]:
        def message() -> Any:
            text, n = msgs[step]()
            return _alert(text, id=f"message_{step}", data_n=str(n)) if text else None

        return message

    for value, title in NAV.items():
        output(id=f"nav_{value}")(render.text(nav_renderer(title)))
        output(id=f"msg_{value}")(render.ui(message_renderer(value)))

    # -- 1 pool --------------------------------------------------------------------------------

    @render.ui
    def panel_pool() -> Any:
        _ = tr()
        limit = f"{max_upload / (1024 * 1024):.0f} MB"
        return ui.div(
            ui.p(
                _(
                    "Choose the cases to select from: the bundled pool of the WODC report, or "
                    "your own CSV or XLSX file. Without a codebook, selectie drafts one for you "
                    "to confirm."
                ),
                class_="step-intro",
            ),
            ui.layout_columns(
                ui.card(
                    ui.card_header(_("Bundled pool")),
                    ui.p(_("126 projects of the WODC report (Bijlage 4), with its codebook.")),
                    ui.input_action_button("use_bundled", _("Use the bundled pool")),
                ),
                ui.card(
                    ui.card_header(_("Your own pool")),
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
        _ = tr()
        st = pool_state()
        cb = st.pool.codebook
        where = st.upload.name if st.upload else _("the bundled WODC pool")
        return _("{where}: {n} cases, {k} attributes (codebook {name})").format(
            where=where, n=len(st.pool), k=len(cb.attributes), name=cb.name
        )

    @render.data_frame
    def pool_grid() -> Any:
        return render.DataGrid(
            listing(pool_state().pool, range(len(pool_state().pool))),
            height="320px",
            width="100%",
            filters=True,
        )

    def set_pool(st: PoolState, sc: Scenario) -> None:
        pool_state.set(st)
        scenario.set(sc)
        refill()
        say("pool", "")
        say("scenario", "")

    @reactive.effect
    @reactive.event(input.use_bundled)
    def _use_bundled() -> None:
        draft.set(None)
        set_pool(PoolState(_bundled_pool()), load_scenario())

    def _upload(input_id: str, role: str) -> Upload | None:
        files = input[input_id]()
        if not files:
            return None
        f = files[0]
        return folder.keep(f["name"], f["datapath"], role)

    kept: dict[str, Upload | None] = {"pool": None, "codebook": None}

    @reactive.effect
    @reactive.event(input.pool_file_picked)
    def _pool_picked() -> None:
        kept["pool"] = None

    @reactive.effect
    @reactive.event(input.codebook_file_picked)
    def _codebook_picked() -> None:
        kept["codebook"] = None

    @reactive.effect
    @reactive.event(input.pool_file)
    def _pool_file() -> None:
        kept["pool"] = _upload("pool_file", "pool")

    @reactive.effect
    @reactive.event(input.codebook_file)
    def _codebook_file() -> None:
        kept["codebook"] = _upload("codebook_file", "codebook")

    def starting(pool: Pool, drafted: Draft | None = None) -> Scenario:
        return starting_from_draft(pool, drafted, max(1, min(len(pool) // 2, 10)))

    def speaking() -> Any:
        """Library messages in the session's language (local to this call)."""
        return language(lang())

    @reactive.effect
    @reactive.event(input.load_pool)
    def _load_pool() -> None:
        from ..pool import load_pool

        up, cbu = kept["pool"], kept["codebook"]
        if up is None:
            say("pool", tr()(N_("Choose a pool file first.")))
            return
        draft.set(None)
        try:
            with speaking():
                if cbu is None:
                    draft.set((draft_pool(up.path), up))
                    say("pool", "")
                    return
                pool = load_pool(up.path, cbu.path)
                set_pool(PoolState(pool, up, cbu), starting(pool))
        except (SelectieError, ValueError) as exc:
            say("pool", str(exc))

    @render.ui
    def draft_box() -> Any:
        _ = tr()
        d = draft()
        if d is None:
            return None
        with speaking():
            summary = clean(d[0].summary())
        return ui.card(
            ui.card_header(_("Draft codebook: check it, edit cells, then confirm")),
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
        return render.DataGrid(shown(draft_frame(d[0].codebook())), editable=True, width="100%")

    @reactive.effect
    @reactive.event(input.confirm_draft)
    def _confirm_draft() -> None:
        from ..pool import load_pool

        d = draft()
        if d is None:
            return
        try:
            with speaking():
                # the grid's headers are in the session's language; back to the frame's own
                view = draft_grid.data_view().set_axis(
                    ["attribute", "use", "kind", "values"], axis=1
                )
                cb = codebook_from_frame(d[0].codebook(), view)
                pool = load_pool(d[1].path, cb)
                sc = starting(pool, d[0])
        except (SelectieError, ValueError) as exc:
            say("pool", str(exc))
            return
        draft.set(None)
        set_pool(PoolState(pool, d[1], None, drafted=True), sc)

    # -- 2 scenario ----------------------------------------------------------------------------

    @render.ui
    def panel_scenario() -> Any:
        # Depends only on the language and on loading a new scenario: an edit must never
        # re-create the form (the browser would send the old values back).
        _ = tr()
        form()
        with reactive.isolate():
            return scenario_form(_)

    def scenario_form(_: Callable[[str], str]) -> Any:
        sc = scenario()
        pool = pool_state().pool
        bundled = pool_state().upload is None
        cb = pool.codebook
        ids = {i: (f"{i}: {n}" if n else i) for i, n in zip(pool.ids, pool.names, strict=True)}
        kinds = ["feasibility", "max_overlap"]
        if sc.objective.kind not in kinds:
            kinds.append(sc.objective.kind)
        attrs = list(cb.table_attributes) or list(cb.attribute_names)
        chosen = input.quota_attr() if "quota_attr" in input else None
        tl = input.time_limit() if "time_limit" in input else 0
        seed = input.seed() if "seed" in input else 1
        return ui.div(
            ui.p(
                _(
                    "What the selection must satisfy. Every change is checked at once; the "
                    "scenario below is what Run uses and what Download saves."
                ),
                class_="step-intro",
            ),
            ui.layout_columns(
                ui.card(
                    ui.card_header(_("Start from")),
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
                ui.card(
                    ui.card_header(_("Size, objective and solver")),
                    ui.input_numeric("size", _("Cases to select"), sc.size, min=1, max=len(pool)),
                    ui.input_select("objective", _("Objective"), kinds, selected=sc.objective.kind),
                    ui.layout_columns(
                        ui.input_select(
                            "solver",
                            _("Solver"),
                            ["cbc", "highs"],
                            selected=input.solver() if "solver" in input else "cbc",
                        ),
                        ui.input_numeric(
                            "time_limit", _("Time limit (s; 0: none)"), tl or 0, min=0
                        ),
                        ui.input_numeric("seed", _("Seed"), seed if seed is not None else 1, min=0),
                    ),
                ),
                ui.card(
                    ui.card_header(_("Cases forced in or kept out")),
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
                ui.card(
                    ui.card_header(_("Quotas: least and largest number per value")),
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
                ui.card(
                    ui.card_header(_("Coverage: cases per value, for each attribute")),
                    ui.p(
                        _(
                            "overlap 0: not covered; 1: every value at least once; 2: at least "
                            "twice (the report's 'overlap')."
                        )
                    ),
                    ui.output_data_frame("coverage_grid"),
                ),
                ui.card(
                    ui.card_header(_("The scenario (TOML)")),
                    ui.output_ui("scenario_text"),
                ),
                col_widths=(4, 3, 5),
            ),
        )

    @render.ui
    def scenario_text() -> Any:
        sc = scenario()
        return ui.tags.pre(
            sc.to_toml(),
            class_="selectie-text",
            id="scenario_toml",
            style="max-height: 480px; overflow: auto",
        )

    def edit(step: str, fn: Callable[[Scenario], Scenario]) -> bool:
        try:
            with speaking():
                new = fn(scenario.get())
        except (SelectieError, ValueError) as exc:
            say(step, str(exc))
            return False
        if new != scenario.get():
            scenario.set(new)
        say(step, "")
        return True

    @reactive.effect
    @reactive.event(input.size, ignore_init=True)
    def _size() -> None:
        n = input.size()
        if n is None or n == scenario.get().size:
            return
        if n < 1 or n > len(pool_state.get().pool) or int(n) != n:
            say(
                "scenario",
                tr()(
                    N_("Cases to select: expected a whole number from 1 to {n}, found {found}")
                ).format(n=len(pool_state.get().pool), found=n),
            )
            return
        edit("scenario", lambda sc: sc.with_size(int(n)))

    @reactive.effect
    @reactive.event(input.include, input.exclude, ignore_init=True)
    def _ids() -> None:
        inc = list(input.include() or ())
        exc = list(input.exclude() or ())
        edit("scenario", lambda sc: with_ids(sc, inc, exc))

    @reactive.effect
    @reactive.event(input.objective, ignore_init=True)
    def _objective() -> None:
        kind = input.objective()
        if not kind or kind == scenario.get().objective.kind:
            return
        edit("scenario", lambda sc: sc.with_objective(kind))

    @reactive.effect
    @reactive.event(input.load_bundled)
    def _load_bundled() -> None:
        from .._resources import example_file

        name = input.bundled_scenario()
        if name not in BUNDLED_SCENARIOS or pool_state.get().upload is not None:
            return
        scenario.set(load_scenario(example_file(f"{name}.toml")))
        refill()
        say("scenario", "")

    @reactive.effect
    @reactive.event(input.scenario_file)
    def _scenario_file() -> None:
        from ..constraints import compile_scenario

        up = _upload("scenario_file", "scenario")
        if up is None:
            return
        try:
            with speaking():
                sc = load_scenario(up.path)
                compile_scenario(pool_state.get().pool, sc)  # names must fit the pool
        except (SelectieError, ValueError) as exc:
            say("scenario", str(exc))
            return
        scenario.set(sc)
        refill()
        say("scenario", "")

    @render.data_frame
    def quota_grid() -> Any:
        attr = input.quota_attr()
        pool = pool_state().pool
        if not attr or not pool.codebook.has(attr):
            return None
        return render.DataGrid(
            shown(quota_frame(pool, scenario(), attr)),
            editable=True,
            width="100%",
            height="360px",
        )

    @quota_grid.set_patch_fn
    def _quota_patch(*, patch: Any) -> Any:
        attr = input.quota_attr()
        pool = pool_state.get().pool
        frame = quota_frame(pool, scenario.get(), attr)
        column = frame.columns[patch["column_index"]]
        old = frame.iat[patch["row_index"], patch["column_index"]]
        if column not in ("min", "max"):
            return old
        try:
            value = parse_count(patch["value"], f"{attr}: {column}")
        except SelectieError as exc:
            say("scenario", str(exc))
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
            shown(coverage_frame(pool_state().pool, scenario())),
            editable=True,
            width="100%",
            height="360px",
        )

    @coverage_grid.set_patch_fn
    def _coverage_patch(*, patch: Any) -> Any:
        frame = coverage_frame(pool_state.get().pool, scenario.get())
        column = frame.columns[patch["column_index"]]
        old = frame.iat[patch["row_index"], patch["column_index"]]
        if column != "overlap":
            return old
        attr = str(frame.iat[patch["row_index"], 0])
        try:
            n = parse_count(patch["value"], f"{attr}: overlap") or 0
        except SelectieError as exc:
            say("scenario", str(exc))
            return old
        ok = edit("scenario", lambda sc: with_coverage_edit(sc, attr, n))
        return n if ok else old

    # -- 3 run ---------------------------------------------------------------------------------

    def settings() -> tuple[str, float | None, int]:
        solver = input.solver() if "solver" in input else "cbc"
        tl = input.time_limit() if "time_limit" in input else None
        seed = input.seed() if "seed" in input else 1
        return (
            solver if solver in ("cbc", "highs") else "cbc",
            float(tl) if tl else None,
            int(seed) if seed is not None else 1,
        )

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

    def start_run() -> None:
        solver, tl, seed = settings()
        job = Job()
        job.number = jobs["run"].number + 1 if "run" in jobs else 1
        jobs["run"] = job
        run_task(pool_state.get().pool, scenario.get(), solver, tl, seed, job, lang())

    @reactive.effect
    @reactive.event(input.run)
    def _run() -> None:
        start_run()

    @reactive.effect
    @reactive.event(input.cancel_run)
    def _cancel_run() -> None:
        if "run" in jobs:
            jobs["run"].cancel()
        run_task.cancel()

    @render.ui
    def panel_run() -> Any:
        _ = tr()
        return ui.div(
            ui.p(
                _(
                    "Find the best selection for the scenario; it is re-checked against every "
                    "constraint before it is shown."
                ),
                class_="step-intro",
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

    def outcome_of(task: Any) -> Outcome | None:
        return task.result() if task.status() == "success" else None

    @render.ui
    def run_status() -> Any:
        _ = tr()
        status = run_task.status()
        if status == "running":
            reactive.invalidate_later(0.3)
            job = jobs.get("run")
            text = job.text() if job else ""
            return _alert(_("Running… {what}").format(what=text), "info", id="run_state")
        if status == "initial":
            return ui.p(_("Press Run to select."), id="run_state")
        if status == "cancelled":
            return _alert(_("Cancelled; nothing changed."), "warning", id="run_state")
        if status == "error":
            return _alert(_("Internal error; this is a bug in selectie."), id="run_state")
        out = run_task.result()
        done = {"data_run": str(out.number)}
        if out.cancelled:
            return _alert(_("Cancelled; nothing changed."), "warning", id="run_state", **done)
        sel = out.selection
        if sel is None:
            return _alert(clean(out.error), id="run_state", **done)
        stale = sel.scenario != scenario()
        from ..export import status_word

        with speaking():
            word = status_word(sel.status.value)
        lines = [f"{sel.scenario.name or _('scenario')}: {word}"]
        if sel.ok and sel.audit is not None:
            with speaking():
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
        box = _alert("\n".join(lines), kind, id="run_state", **done)
        if stale:
            return ui.div(
                box,
                _alert(_("The scenario has changed since this run; press Run again."), "secondary"),
            )
        return box

    @render.ui
    def explain_box() -> Any:
        _ = tr()
        out = outcome_of(run_task)
        if out is None or out.explanation is None:
            if out is not None and out.selection is not None and out.error:
                return _alert(clean(out.error))
            return None
        ex = out.explanation
        if ex.feasible:
            return None
        from ..diagnose import conflict_sentence

        with speaking():  # the library's sentences in the session's language
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
        return ui.card(
            ui.card_header(_("Why there is no selection")),
            ui.p(summary, id="explain_summary"),
            ui.h6(_("A minimal conflict (these constraints cannot all hold):")),
            ui.tags.ul(*items),
            ui.h6(_("The smallest relaxation:")),
            ui.tags.ul(*moves, id="relaxation"),
            button,
        )

    @reactive.effect
    @reactive.event(input.apply_relaxation)
    def _apply() -> None:
        out = outcome_of(run_task)
        if out is None or out.explanation is None or out.explanation.relaxed is None:
            return
        scenario.set(out.explanation.relaxed)
        refill()
        start_run()

    @render.ui
    def run_result() -> Any:
        _ = tr()
        out = outcome_of(run_task)
        if out is None or out.selection is None or not out.selection.ok:
            return None
        return ui.div(
            ui.layout_columns(
                ui.card(ui.card_header(_("The selection")), ui.output_data_frame("selection_grid")),
                ui.card(
                    ui.card_header(_("Constraints and their margins")),
                    ui.output_data_frame("constraint_grid"),
                ),
                col_widths=(5, 7),
            ),
            ui.card(ui.card_header(_("Coverage matrix")), ui.output_ui("coverage_plot")),
            ui.layout_columns(
                ui.card(
                    ui.card_header(
                        _("Distribution tables beside the published Bijlage 4")
                        if pool_state().upload is None
                        else _("Distribution tables")
                    ),
                    ui.output_data_frame("tables_grid"),
                ),
                ui.card(ui.card_header(_("Distributions")), ui.output_ui("distribution_plot")),
                col_widths=(5, 7),
            ),
        )

    def current_selection() -> Any:
        out = outcome_of(run_task)
        sel = out.selection if out else None
        return sel if sel is not None and sel.ok else None

    def reference() -> str | None:
        return "bijlage4" if pool_state().upload is None else None

    @render.data_frame
    def selection_grid() -> Any:
        sel = current_selection()
        if sel is None:
            return None
        return render.DataGrid(listing(sel.pool, sel.positions), width="100%", height="360px")

    @render.data_frame
    def constraint_grid() -> Any:
        sel = current_selection()
        if sel is None:
            return None
        with speaking():
            frame = constraint_frame(sel)
        return render.DataGrid(shown(frame), width="100%", height="360px", filters=True)

    @render.data_frame
    def tables_grid() -> Any:
        sel = current_selection()
        if sel is None:
            return None
        with speaking():
            frame = sel.tables(reference()).to_frame()
        return render.DataGrid(shown(frame), width="100%", height="480px", filters=True)

    @reactive.extended_task
    async def plot_task(sel: Any, ref: str | None) -> tuple[str, str]:
        return await asyncio.to_thread(_plots, sel, ref, folder)

    @reactive.effect
    def _plots_after_run() -> None:
        sel = current_selection()
        if sel is not None:
            with reactive.isolate():
                plot_task(sel, reference())

    def plot_img(index: int, alt: str) -> Any:
        if plot_task.status() != "success" or current_selection() is None:
            return ui.p(tr()(N_("Drawing…")), class_="text-muted")
        return ui.img(src=plot_task.result()[index], alt=alt, style="max-width:100%")

    @render.ui
    def coverage_plot() -> Any:
        return plot_img(0, "coverage matrix")

    @render.ui
    def distribution_plot() -> Any:
        return plot_img(1, "distribution plots")

    # -- 4 what else ---------------------------------------------------------------------------

    @reactive.extended_task
    async def what_task(kind: str, job: Job, fn: Callable[[], Any], lang: str) -> Outcome:
        return await asyncio.to_thread(run_job, kind, job, fn, lang)

    def start_what(kind: str, fn: Callable[[Job], Callable[[], Any]]) -> None:
        job = Job()
        jobs["what"] = job
        what_task(kind, job, fn(job), lang())

    @render.ui
    def panel_whatelse() -> Any:
        _ = tr()
        sel = current_selection()
        ids = list(sel.ids) if sel is not None else []
        return ui.div(
            ui.p(
                _(
                    "Questions about the scenario and its selection. Long runs show their "
                    "progress and can be cancelled."
                ),
                class_="step-intro",
            ),
            ui.layout_columns(
                ui.card(
                    ui.card_header(_("Alternatives")),
                    ui.p(_("The best distinct selections, best first.")),
                    ui.input_numeric("alt_count", _("How many"), 5, min=1, max=100),
                    ui.input_action_button("run_alternatives", _("Find alternatives")),
                ),
                ui.card(
                    ui.card_header(_("Importance of each case")),
                    ui.p(_("Irreplaceable, impossible, and what leaving a case out costs.")),
                    ui.input_action_button("run_importance", _("Weigh the cases")),
                ),
                ui.card(
                    ui.card_header(_("Replace a drop-out")),
                    ui.input_selectize(
                        "drop", _("Cases that drop out of the selection"), ids, multiple=True
                    ),
                    ui.input_action_button("run_replace", _("Replace them"), disabled=not ids),
                    ui.p(_("Run a selection first.")) if not ids else None,
                ),
                ui.card(
                    ui.card_header(_("Freedom of the report's selection")),
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
        _ = tr()
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
    @reactive.event(input.run_freedom)
    def _freedom() -> None:
        fn = importlib.import_module("selectie.freedom").freedom
        pool, sc = pool_state.get().pool, scenario.get()
        solver, _tl, _seed = settings()
        start_what("freedom", lambda job: lambda: fn(pool, sc, solver=solver))  # noqa: ARG005

    @reactive.effect
    @reactive.event(input.run_alternatives)
    def _alternatives() -> None:
        from ..whatif import alternatives

        pool, sc = pool_state.get().pool, scenario.get()
        solver, _tl, seed = settings()
        count = int(input.alt_count() or 5)
        start_what(
            "alternatives",
            lambda job: (
                lambda: alternatives(
                    pool, sc, count=count, solver=solver, seed=seed, progress=job.progress
                )
            ),
        )

    @reactive.effect
    @reactive.event(input.run_importance)
    def _importance() -> None:
        from ..whatif import importance

        pool, sc = pool_state.get().pool, scenario.get()
        solver, _tl, seed = settings()
        start_what(
            "importance",
            lambda job: (
                lambda: importance(pool, sc, solver=solver, seed=seed, progress=job.progress)
            ),
        )

    @reactive.effect
    @reactive.event(input.run_replace)
    def _replace() -> None:
        from ..whatif import replace

        sel = current_selection()
        drop = list(input.drop() or ())
        if sel is None or not drop:
            say("whatelse", tr()(N_("Choose the cases that drop out first.")))
            return
        say("whatelse", "")
        solver, _tl, seed = settings()
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
    @reactive.event(input.cancel_what)
    def _cancel_what() -> None:
        if "what" in jobs:
            jobs["what"].cancel()
        what_task.cancel()

    @render.ui
    def what_status() -> Any:
        _ = tr()
        status = what_task.status()
        msg = msgs["whatelse"]()[0]
        if msg:
            return _alert(msg, id="what_state")
        if status == "running":
            reactive.invalidate_later(0.3)
            job = jobs.get("what")
            return _alert(
                _("Running… {what}").format(what=job.text() if job else ""), "info", id="what_state"
            )
        if status == "cancelled":
            return _alert(_("Cancelled; nothing changed."), "warning", id="what_state")
        if status == "error":
            return _alert(_("Internal error; this is a bug in selectie."), id="what_state")
        out = outcome_of(what_task)
        if out is None:
            return None
        if out.cancelled:
            return _alert(_("Cancelled; nothing changed."), "warning", id="what_state")
        if out.error:
            return _alert(clean(out.error), id="what_state")
        res = out.result
        with speaking():
            text = res.summary() if hasattr(res, "summary") else str(res).splitlines()[0]
        return _alert(f"{out.kind}: {text}\n{out.seconds:.1f} s", "success", id="what_state")

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

    # -- 5 lottery -----------------------------------------------------------------------------

    @render.ui
    def panel_lottery() -> Any:
        _ = tr()
        return ui.div(
            ui.p(
                _(
                    "For sortition: a people file and a quotas file (the format of the "
                    "Sortition Foundation). selectie finds the fairest lottery over every panel "
                    "that meets the quotas, then draws one panel with a seed anyone can "
                    "re-check."
                ),
                class_="step-intro",
            ),
            ui.layout_columns(
                ui.card(
                    ui.card_header(_("Inputs")),
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
                ui.card(
                    ui.card_header(_("Draw")),
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
    @reactive.event(input.people_file_picked)
    def _people_picked() -> None:
        kept_lottery["people"] = None

    @reactive.effect
    @reactive.event(input.quotas_file_picked)
    def _quotas_picked() -> None:
        kept_lottery["quotas"] = None

    @reactive.effect
    @reactive.event(input.people_file)
    def _people_file() -> None:
        kept_lottery["people"] = _upload("people_file", "people")

    @reactive.effect
    @reactive.event(input.quotas_file)
    def _quotas_file() -> None:
        kept_lottery["quotas"] = _upload("quotas_file", "quotas")

    @reactive.extended_task
    async def lottery_task(kind: str, job: Job, fn: Callable[[], Any], lang: str) -> Outcome:
        return await asyncio.to_thread(run_job, kind, job, fn, lang)

    @reactive.effect
    @reactive.event(input.run_lottery)
    def _run_lottery() -> None:
        from ..lottery import fair_lottery
        from ..sortition import read_sortition

        people, quotas = kept_lottery["people"], kept_lottery["quotas"]
        if people is None or quotas is None:
            say("lottery", tr()(N_("Choose a people file and a quotas file first.")))
            return
        say("lottery", "")
        draw_state.set(None)
        size = int(input.panel_size() or 0)
        households = [h.strip() for h in (input.households() or "").split(",") if h.strip()]
        method = input.lottery_method()
        job = Job()
        jobs["lottery"] = job

        def work() -> Any:
            pool, sc = read_sortition(
                people.path, quotas.path, size=size, households=households or None
            )
            return fair_lottery(pool, sc, method=method, progress=job.line)

        lottery_task("lottery", job, work, lang())

    @reactive.effect
    @reactive.event(input.cancel_lottery)
    def _cancel_lottery() -> None:
        if "lottery" in jobs:
            jobs["lottery"].cancel()
        lottery_task.cancel()

    @reactive.effect
    def _lottery_done() -> None:
        out = outcome_of(lottery_task)
        lottery_state.set(out.result if out is not None and not out.error else None)

    @render.ui
    def lottery_status() -> Any:
        _ = tr()
        status = lottery_task.status()
        if status == "running":
            reactive.invalidate_later(0.3)
            job = jobs.get("lottery")
            return _alert(
                _("Running… {what}").format(what=job.text() if job else ""),
                "info",
                id="lottery_state",
            )
        if status == "cancelled":
            return _alert(_("Cancelled; nothing changed."), "warning", id="lottery_state")
        if status == "error":
            return _alert(_("Internal error; this is a bug in selectie."), id="lottery_state")
        out = outcome_of(lottery_task)
        if out is None:
            return None
        if out.cancelled:
            return _alert(_("Cancelled; nothing changed."), "warning", id="lottery_state")
        if out.error:
            return _alert(clean(out.error), id="lottery_state")
        return _alert(
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
        return render.DataGrid(shown(frame), width="100%", height="360px", filters=True)

    @reactive.effect
    @reactive.event(input.draw)
    def _draw() -> None:
        lot = lottery_state.get()
        if lot is None or not lot.ok:
            say("lottery", tr()(N_("Compute the lottery first.")))
            return
        seed = (input.lottery_seed() or "").strip()
        try:
            with speaking():
                draw_state.set(lot.draw(int(seed) if seed.lstrip("-").isdigit() else seed))
            say("lottery", "")
        except (SelectieError, ValueError) as exc:
            say("lottery", str(exc))

    @render.ui
    def draw_box() -> Any:
        _ = tr()
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

    # -- 6 download ----------------------------------------------------------------------------

    @render.ui
    def panel_download() -> Any:
        _ = tr()
        sel = current_selection()
        st = pool_state()
        if sel is None:
            return ui.p(
                _("Run a selection first (step 3); then its files are here."), id="download_none"
            )
        cb_button = (
            ui.download_button("dl_codebook", _("Codebook (TOML)"))
            if st.upload is not None
            else None
        )
        return ui.div(
            ui.p(
                _(
                    "The selection as a workbook and as JSON with its manifest (versions, "
                    "inputs' SHA-256, seed), and the scenario, so that the same run repeats at "
                    "the command line:"
                ),
                class_="step-intro",
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
        st = pool_state.get()
        solver, tl, seed = settings()
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

        sel = current_selection()
        yield render_selection(sel, "xlsx", reference=reference())

    @render.download_button(filename="selection.json")
    def dl_json() -> Any:
        from ..export import render_selection

        sel = current_selection()
        yield render_selection(sel, "json", reference=reference(), manifest=the_manifest(sel))

    @render.download_button(filename="scenario.toml")
    def dl_toml() -> Any:
        sel = current_selection()
        yield sel.scenario.to_toml().encode()

    @render.download_button(filename="codebook.toml")
    def dl_codebook() -> Any:
        yield pool_state().pool.codebook.to_toml().encode()


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


def _command(st: PoolState) -> str:
    if st.upload is None:
        return "selectie select --scenario scenario.toml"
    return (
        f"selectie select --pool {st.upload.name} --codebook "
        f"{st.codebook.name if st.codebook else 'codebook.toml'} --scenario scenario.toml"
    )
