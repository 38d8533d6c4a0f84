"""What a solver call ends in: the :class:`Status` enum and the :class:`RawSolution` record.

These live in their own module so that the backends (:mod:`selectie.solve.cbc`,
:mod:`selectie.solve.highs`), the session protocol (:mod:`selectie.solve.session`) and the
registry (:mod:`selectie.solve.backend`) can all use them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = ["RawSolution", "Sense", "Status"]

#: The direction of an objective.
Sense = Literal["min", "max"]


class Status(StrEnum):
    """The outcome of a selection run.

    >>> Status("feasible") is Status.FEASIBLE, str(Status.NO_SOLUTION)
    (True, 'no_solution')
    """

    #: A selection was found and proven best for the objective.
    OPTIMAL = "optimal"
    #: A valid selection was found, but the time limit stopped the proof that it is best.
    FEASIBLE = "feasible"
    #: No selection satisfies every constraint.
    INFEASIBLE = "infeasible"
    #: The time limit was reached before any selection was found; feasibility is unknown.
    NO_SOLUTION = "no_solution"
    #: The solver failed, or returned something that did not pass the re-check.
    ERROR = "error"

    @property
    def has_selection(self) -> bool:
        """True for OPTIMAL and FEASIBLE: a verified selection exists.

        >>> [s.value for s in Status if s.has_selection]
        ['optimal', 'feasible']
        """
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class RawSolution:
    """What a backend returns: status, variable values, objective and bound, time taken.

    ``early`` is True when the solve ended because the caller's stop rule was met
    (:class:`~selectie.solve.session.StopRule`): the status is then ``FEASIBLE``, a solution
    that meets the rule, not proved optimal.

    ``duals`` holds the row duals (one per row, in row order) when the program solved was a
    linear program (no integer variable) and its optimum was found; otherwise None. Their sign
    follows HiGHS: for a minimisation a row held by its lower bound has a dual >= 0 and one
    held by its upper bound a dual <= 0 (so ``c - A'y`` are the reduced costs); for a
    maximisation the signs are the other way round.

    >>> raw = RawSolution(Status.INFEASIBLE, values=None, objective=None, bound=None, seconds=0.1)
    >>> raw.status.has_selection, raw.message, raw.duals
    (False, '', None)
    >>> raw.early
    False
    """

    status: Status
    values: list[float] | None
    objective: float | None
    bound: float | None
    seconds: float
    message: str = ""
    duals: list[float] | None = None
    early: bool = False
