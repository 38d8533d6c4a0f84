"""Long runs of the page, done in a worker thread: each calls selectie's public functions (as
the CLI does) and reports progress through a :class:`Job` the page polls.

Cancelling sets a flag; the next progress report raises :class:`Cancelled` inside the
library call, which ends it. A plain ``select`` has no progress reports: a cancelled
selection is abandoned (the page stops waiting at once) and ends by itself within its time
limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import SelectieError

if TYPE_CHECKING:
    from ..diagnose import Explanation
    from ..pool import Pool
    from ..result import Selection
    from ..scenario import Scenario

__all__ = ["Cancelled", "Job", "Outcome", "run_job"]


class Cancelled(BaseException):
    """Raised inside a library call when the person cancelled the run.

    A ``BaseException``, so that no ``except Exception`` inside the library swallows it.
    """


class Job:
    """Progress and the cancel flag of one run, shared between the worker and the page.

    >>> job = Job()
    >>> job.progress(1, 4, "solving")
    >>> job.text()
    'solving (1 of 4)'
    >>> job.cancel()
    >>> job.progress(2, 4, "solving")
    Traceback (most recent call last):
    selectie.app._jobs.Cancelled
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._text = ""
        self.started = time.perf_counter()
        #: Which run of its session this is (1, 2, ...), shown on the page with its result.
        self.number = 0

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled

    def progress(self, done: int, total: int | None, what: str) -> None:
        """The library's ``progress(done, total, what)`` callback."""
        with self._lock:
            self._text = f"{what} ({done} of {total})" if total else f"{what} ({done})"
        self.check()

    def line(self, text: str) -> None:
        """The lottery's ``progress(text)`` callback."""
        with self._lock:
            self._text = text
        self.check()

    def say(self, text: str) -> None:
        with self._lock:
            self._text = text

    def text(self) -> str:
        with self._lock:
            return self._text

    def seconds(self) -> float:
        return time.perf_counter() - self.started


@dataclass
class Outcome:
    """What a run gave: a result, or the clear message of a refused input, or cancelled."""

    kind: str
    result: Any = None
    explanation: Explanation | None = None
    error: str = ""
    cancelled: bool = False
    seconds: float = 0.0
    number: int = 0

    @property
    def selection(self) -> Selection | None:
        from ..result import Selection

        return self.result if isinstance(self.result, Selection) else None


def run_job(kind: str, job: Job, fn: Callable[[], Any], lang: str = "en") -> Outcome:
    """Run ``fn`` in the worker, its messages in ``lang``: selectie's clear errors become the
    outcome's message.
    """
    from ..i18n import language

    try:
        job.check()
        with language(lang):
            result = fn()
        return Outcome(kind, result, seconds=job.seconds(), number=job.number)
    except Cancelled:
        return Outcome(kind, cancelled=True, seconds=job.seconds(), number=job.number)
    except (SelectieError, ValueError) as exc:
        return Outcome(kind, error=str(exc), seconds=job.seconds(), number=job.number)


def select_and_explain(
    pool: Pool,
    scenario: Scenario,
    *,
    solver: str,
    time_limit: float | None,
    seed: int,
    job: Job,
    lang: str = "en",
) -> Outcome:
    """``select``; when the scenario is proved infeasible, ``explain`` too (the conflict and
    the smallest relaxation).
    """
    from ..engine import select
    from ..solve.backend import Status

    def work() -> Selection:
        job.say("solving")
        return select(pool, scenario, solver=solver, time_limit=time_limit, seed=seed)

    out = run_job("select", job, work, lang)
    sel = out.selection
    if sel is None or sel.status != Status.INFEASIBLE or job.cancelled:
        return out
    from ..diagnose import explain

    job.say("explaining why no selection exists")
    more = run_job(
        "explain",
        job,
        lambda: explain(
            pool, scenario, solver=solver, time_limit=time_limit, seed=seed, progress=job.progress
        ),
        lang,
    )
    out.explanation = more.result
    out.error = more.error
    out.cancelled = more.cancelled
    out.seconds = job.seconds()
    return out
