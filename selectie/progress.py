"""Progress on a terminal: one callback signature, one rich implementation.

Long-running functions (``sweep``, ``explain``, ``alternatives``, the lottery's column
generation) accept ``progress``, a :data:`ProgressFn` called as ``progress(done, total,
what)`` (``total`` None while unknown). The command line passes :func:`progress_bar`, which
draws on standard error only when it is a terminal, so piped output and log files stay clean.
:func:`spinner` covers steps that report nothing (a solve, drawing a figure).

>>> with progress_bar("counting", stream=None) as progress:  # not a terminal: no callback
...     progress is None
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["ProgressFn", "is_terminal", "progress_bar", "spinner"]

#: ``progress(done, total, what)``: ``done`` steps of ``total`` (None if unknown), now ``what``.
ProgressFn = Callable[[int, "int | None", str], None]

_DEFAULT: Any = object()


def is_terminal(stream: IO[str] | None = _DEFAULT) -> bool:
    """True if ``stream`` (default: standard error) is an interactive terminal."""
    s = sys.stderr if stream is _DEFAULT else stream
    return s is not None and hasattr(s, "isatty") and s.isatty()


@contextmanager
def progress_bar(label: str, *, stream: IO[str] | None = _DEFAULT) -> Iterator[ProgressFn | None]:
    """A rich progress bar on ``stream`` (standard error) if it is a terminal, yielding the
    callback to pass on; otherwise yields None and draws nothing.
    """
    if not is_terminal(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr if stream is _DEFAULT else stream),
        transient=True,
    )
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what or label)

        yield update


@contextmanager
def spinner(label: str, *, stream: IO[str] | None = _DEFAULT) -> Iterator[None]:
    """A spinner with ``label`` and the elapsed time while the block runs, on a terminal."""
    if not is_terminal(stream):
        yield
        return
    from rich.console import Console

    console = Console(file=sys.stderr if stream is _DEFAULT else stream)
    with console.status(label):
        yield
