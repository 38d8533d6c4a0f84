"""The one family of errors selectie raises.

Every error a user can cause derives from :class:`SelectieError`. Errors about input files
carry a list of :class:`Problem` objects, so a pool with five bad rows reports all five, each
with its file, row and column, what was expected and what was found.

>>> p = Problem(file="pool.csv", row=4, column="regio", found="Limbrug",
...             expected="one of the regio values", hint="did you mean 'Limburg'?")
>>> print(p)  # doctest: +NORMALIZE_WHITESPACE
pool.csv, row 4, column 'regio': expected one of the regio values, found 'Limbrug';
did you mean 'Limburg'?
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import _

__all__ = [
    "BackendNotInstalled",
    "CodebookError",
    "InputError",
    "PoolError",
    "Problem",
    "ScenarioError",
    "SelectieError",
    "SolverError",
    "TimeLimitReached",
    "UnknownIdError",
]

#: How many problems an error message lists before it summarises the rest.
MAX_LISTED = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found.

    >>> Problem(file="pool.csv", row=2, message="empty row").where()
    'pool.csv, row 2'
    >>> str(Problem(column="k", expected="a whole number", found="12.5"))
    "column 'k': expected a whole number, found '12.5'"
    """

    file: str | None = None
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    hint: str | None = None
    message: str | None = None

    def where(self) -> str:
        """The location as text, e.g. ``pool.csv, row 4, column 'regio'``.

        >>> Problem(file="pool.csv", row=4, column="regio").where()
        "pool.csv, row 4, column 'regio'"
        >>> Problem().where()
        ''
        """
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column is not None:
            parts.append(_("column {column}").format(column=repr(self.column)))
        return ", ".join(parts)

    def __str__(self) -> str:
        what = self.message or ""
        if self.expected is not None or self.found is not None:
            pieces = []
            if self.expected is not None:
                pieces.append(_("expected {expected}").format(expected=self.expected))
            if self.found is not None:
                pieces.append(_("found {found}").format(found=_show(self.found)))
            what = (what + ": " if what else "") + ", ".join(pieces)
        if self.hint:
            what += f"; {self.hint}"
        where = self.where()
        return f"{where}: {what}" if where else what


def _show(value: str, limit: int = 80) -> str:
    """A found value as text, shortened when it is very long."""
    if len(value) > limit:
        return repr(value[:limit]) + _("... ({n} characters)").format(n=len(value))
    return repr(value)


class SelectieError(Exception):
    """Base class of every error selectie raises on purpose.

    >>> issubclass(PoolError, SelectieError) and issubclass(SolverError, SelectieError)
    True
    """


class InputError(SelectieError, ValueError):
    """An input (pool, codebook, scenario, selection, command-line value) is not valid.

    ``problems`` lists every problem found; the message lists them one per line.

    >>> err = InputError("pool.csv has 1 problem", [Problem(row=3, column="k", found="x")],
    ...                  hint="Fix the file and run again.")
    >>> print(err)
    pool.csv has 1 problem
      - row 3, column 'k': found 'x'
    Fix the file and run again.
    >>> isinstance(err, ValueError), len(err.problems)
    (True, 1)
    """

    def __init__(
        self, summary: str, problems: Sequence[Problem] = (), hint: str | None = None
    ) -> None:
        self.summary = summary
        self.problems = list(problems)
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [self.summary]
        for problem in self.problems[:MAX_LISTED]:
            lines.append(f"  - {problem}")
        if len(self.problems) > MAX_LISTED:
            lines.append(
                "  "
                + _("... and {n} more (every problem is in the error's .problems list)").format(
                    n=len(self.problems) - MAX_LISTED
                )
            )
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class CodebookError(InputError):
    """The codebook file is missing, malformed or inconsistent.

    >>> from selectie.codebook import load_codebook
    >>> try:
    ...     load_codebook("no-such-codebook.toml")
    ... except CodebookError as err:
    ...     print(type(err).__name__, isinstance(err, InputError))
    CodebookError True
    """


class PoolError(InputError):
    """The pool file cannot be read or does not match its codebook.

    >>> from selectie.pool import load_pool
    >>> try:
    ...     load_pool("no-such-pool.csv")
    ... except PoolError as err:
    ...     print(type(err).__name__, isinstance(err, InputError))
    PoolError True
    """


class ScenarioError(InputError):
    """The scenario is malformed or does not fit the pool and codebook.

    >>> from selectie.scenario import load_scenario
    >>> try:
    ...     load_scenario("no-such-scenario.toml")
    ... except ScenarioError as err:
    ...     print(type(err).__name__, isinstance(err, InputError))
    ScenarioError True
    """


class SolverError(SelectieError, RuntimeError):
    """A solver backend failed (crashed, or returned something unusable).

    >>> err = SolverError("CBC crashed")
    >>> isinstance(err, RuntimeError), isinstance(err, InputError), str(err)
    (True, False, 'CBC crashed')
    """


class BackendNotInstalled(SolverError):
    """The requested solver backend is not installed; the message says how to install it.

    Callers that want to fall back to another backend catch this one subclass:

    >>> try:
    ...     raise BackendNotInstalled("solver 'highs' is not installed. pip install highspy")
    ... except SolverError as err:
    ...     print(err)
    solver 'highs' is not installed. pip install highspy
    """


class UnknownIdError(InputError, KeyError):
    """A case id that is not in the pool: bad input (an :class:`InputError`, so the command
    line says so and exits 2), and a ``KeyError``, as a failed lookup is in Python.

    >>> from selectie import load_pool
    >>> try:
    ...     load_pool().position("R99")
    ... except KeyError as err:
    ...     print(type(err).__name__, isinstance(err, InputError), err)
    UnknownIdError True 'R99' is not an id in the pool; did you mean 'R09'?
    """

    def __str__(self) -> str:  # the message as it is (KeyError would quote it)
        return self._render()


class UnprovenLotteryError(InputError):
    """A draw was asked of a lottery that is not proven (a time limit stopped the proof of
    fairness, or left people out whose selectability is unknown); ``Lottery.draw`` refuses it
    unless told ``accept_unproven=True``, as the command line refuses without
    ``--accept-unproven``.

    >>> issubclass(UnprovenLotteryError, InputError)
    True
    """


class TimeLimitReached(SelectieError):
    """The time limit stopped a computation before it had an answer (not a solver fault:
    the command line exits 1, saying what to do, as for a selection not found in time).

    >>> issubclass(TimeLimitReached, SolverError), issubclass(TimeLimitReached, SelectieError)
    (False, True)
    """
