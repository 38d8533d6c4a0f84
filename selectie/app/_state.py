"""What the page's steps share within one browser session: the pool and scenario in use,
the messages, the running jobs, the language, the upload folder, and small helpers.

Each step module (``_step_*.py``) registers its outputs and handlers with a :class:`Page`;
nothing here is shared between sessions except the read-only bundled pool.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shiny import Inputs, Session, reactive, ui

from ..i18n import language
from ..solve.backend import BACKENDS
from ..solve.default import DEFAULT
from ._i18n import N_, translator
from ._model import Upload, clean_message
from ._safety import SessionFolder

if TYPE_CHECKING:
    from ..pool import Pool
    from ..scenario import Scenario
    from ._jobs import Job, Outcome

__all__ = ["COLUMNS", "STEPS", "Page", "PoolState", "alert", "bundled_pool", "outcome_of"]

STEPS = ("pool", "scenario", "run", "whatelse", "lottery", "download")

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


@functools.cache
def bundled_pool() -> Pool:
    """The bundled WODC pool, read once per process (a pool is never changed in place)."""
    from ..pool import load_pool

    return load_pool()


@dataclass(frozen=True)
class PoolState:
    """The pool in use and where it came from."""

    pool: Pool
    upload: Upload | None = None
    codebook: Upload | None = None
    drafted: bool = False


def alert(text: str, kind: str = "danger", id: str | None = None, **extra: str) -> ui.Tag:
    """A message box (Bootstrap alert) holding ``text`` as preformatted text."""
    attrs = {"class": f"alert alert-{kind} selectie-msg", "role": "alert", **extra}
    if id:
        attrs["id"] = id
    return ui.div(ui.tags.pre(text, style="margin:0"), **attrs)


def outcome_of(task: Any) -> Outcome | None:
    """The outcome of a finished extended task, or None while it runs or after a failure."""
    return task.result() if task.status() == "success" else None


class Page:
    """One session's state and the helpers every step uses."""

    def __init__(self, input: Inputs, session: Session, max_upload: int) -> None:
        from ..scenario import load_scenario

        self.input = input
        self.max_upload = max_upload
        self.folder = SessionFolder()
        session.on_ended(self.folder.remove)

        @reactive.calc
        def tr() -> Callable[[str], str]:
            return translator(input.lang() or "en")

        self.tr = tr
        self.pool_state = reactive.value(PoolState(bundled_pool()))
        self.scenario: reactive.Value[Scenario] = reactive.value(load_scenario())
        self.form = reactive.value(0)  # bumped when a new scenario is loaded, to refill the form
        # each step's message, with a count so that the same message twice still shows as new
        self.msgs = {s: reactive.value(("", 0)) for s in STEPS}
        self.jobs: dict[str, Job] = {}
        #: The run step's task (set when that step registers); the result of the last run.
        self.run_task: Any = None

    def lang(self) -> str:
        """The session's language, read without making the caller depend on it."""
        with reactive.isolate():
            return str(self.input.lang() or "en")

    def speaking(self) -> Any:
        """Library messages in the session's language (local to this call)."""
        return language(self.lang())

    def shown(self, frame: Any) -> Any:
        """``frame`` with the page's column headers in the session's language."""
        t = self.tr()
        return frame.rename(columns={c: t(c) for c in frame.columns if c in COLUMNS})

    def clean(self, text: str) -> str:
        """A message without the session folder's paths."""
        return clean_message(text, self.folder.path)

    def refill(self) -> None:
        """Re-create the scenario form (after a new scenario is loaded)."""
        self.form.set(self.form.get() + 1)

    def say(self, step: str, text: str) -> None:
        """Show ``text`` as the message of ``step`` (an empty text clears it)."""
        n = self.msgs[step].get()[1]
        self.msgs[step].set((self.clean(text), n + 1 if text else n))

    def upload(self, input_id: str, role: str) -> Upload | None:
        """The file uploaded in ``input_id``, kept in the session folder, or None."""
        files = self.input[input_id]()
        if not files:
            return None
        f = files[0]
        return self.folder.keep(f["name"], f["datapath"], role)

    def settings(self) -> tuple[str, float | None, int]:
        """Solver, time limit and seed as the form gives them."""
        input = self.input  # noqa: A001 - the name Shiny's examples use
        solver = input.solver() if "solver" in input else DEFAULT
        tl = input.time_limit() if "time_limit" in input else None
        seed = input.seed() if "seed" in input else 1
        return (
            solver if solver in BACKENDS else DEFAULT,
            float(tl) if tl else None,
            int(seed) if seed is not None else 1,
        )

    def current_selection(self) -> Any:
        """The last run's selection, if it has one."""
        out = outcome_of(self.run_task)
        sel = out.selection if out else None
        return sel if sel is not None and sel.ok else None

    def reference(self) -> str | None:
        """The published tables to compare with: Bijlage 4 for the bundled pool only."""
        return "bijlage4" if self.pool_state().upload is None else None

    def cancel(self, task: Any, job: str) -> None:
        """Stop ``job`` (the work inside the thread) and its extended ``task``."""
        if job in self.jobs:
            self.jobs[job].cancel()
        task.cancel()

    def unfinished(self, task: Any, job: str, element_id: str) -> Any:
        """The message of a task that gave no result to show (running, cancelled, failed),
        or None (not started, or a result to show).
        """
        _ = self.tr()
        status = task.status()
        if status == "running":
            reactive.invalidate_later(0.3)
            running = self.jobs.get(job)
            return alert(
                _("Running… {what}").format(what=running.text() if running else ""),
                "info",
                id=element_id,
            )
        if status == "cancelled":
            return alert(_("Cancelled; nothing changed."), "warning", id=element_id)
        if status == "error":
            return alert(_("Internal error; this is a bug in selectie."), id=element_id)
        out = outcome_of(task)
        if out is not None and out.cancelled:
            return alert(_("Cancelled; nothing changed."), "warning", id=element_id)
        if out is not None and out.error:
            return alert(self.clean(out.error), id=element_id)
        return None
